"""Small helpers every Linli plugin shares: settings with defaults, build date,
and one way to report a content problem as ``file:line: message``."""

import datetime
import functools
import hashlib
import html
import json
import logging
import os
import pickle
import re
import tempfile
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Written into the site after the pages, outside the writer: a page must not take these paths.
SITE_FILES = ("sitemap.xml", "pagefind/")

logger = logging.getLogger("linli")

_TAGS = re.compile(r"<[^>]+>")
# Pelican's intrasite link syntax: {filename}, {static} … (and the old |filename|).
INTRASITE_LINK = re.compile(r"[{|](?:filename|static|attach|category|tag|author|index)[}|]")


def setting(settings, name, defaults):
    """Read ``name`` from Pelican settings, falling back to the plugin's DEFAULTS."""
    if name in settings:
        return settings[name]
    return defaults[name]


def public_site_url(settings):
    """The absolute address residents reach the site at, for everything read
    off-site (feeds, calendar, sitemap, QR codes, share cards): SITEURL when
    the build has an absolute one, else CANONICAL_SITEURL (a preview build's
    SITEURL is relative)."""
    siteurl = str(settings.get("SITEURL") or "")
    if siteurl.startswith(("http://", "https://")):
        return siteurl.rstrip("/")
    return str(settings.get("CANONICAL_SITEURL") or settings.get("FEED_DOMAIN") or "").rstrip("/")


def build_date(settings):
    """The reference day for notice status and future-dated pieces.

    ``BUILD_DATE`` (``YYYY-MM-DD``) makes builds reproducible; the default is
    today in Asia/Shanghai, the residents' calendar day.
    """
    value = settings.get("BUILD_DATE")
    if not value:
        return datetime.datetime.now(SHANGHAI).date()
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ContentError(
            "BUILD_DATE", None, f"BUILD_DATE 应为 YYYY-MM-DD / must be YYYY-MM-DD, got {value!r}"
        ) from None


class ContentError(Exception):
    """A problem in an editor's file, reported without a traceback."""

    def __init__(self, path, line, message):
        self.path = path
        self.line = line
        self.message = message
        super().__init__(location(path, line) + ": " + message)


def relative_path(path, settings=None):
    """Show paths relative to the project (where `make` runs), as editors see them."""
    if path is None:
        return "?"
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel


def location(path, line=None):
    where = relative_path(path)
    return f"{where}:{line}" if line else where


def report_error(path, line, message, log=logger):
    """Log a content error; the safety plugin counts it and fails the build."""
    log.error("%s: %s", location(path, line), message)


def report_warning(path, line, message, log=logger):
    log.warning("%s: %s", location(path, line), message)


def text_digest(text):
    """A short digest of ``text`` (lone surrogates from a bad file included)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def inside(path, root):
    """True when ``path`` (symlinks resolved) lies within ``root``."""
    real_root = os.path.realpath(root)
    real_path = os.path.realpath(path)
    return real_path == real_root or real_path.startswith(real_root + os.sep)


def line_of(path, needle):
    """The first line of an editor's file containing ``needle`` (for messages)."""
    try:
        stat = os.stat(path)
        lines = _lines(os.fspath(path), stat.st_mtime_ns, stat.st_size)
    except OSError:
        return None
    for number, line in enumerate(lines, 1):
        if needle in line:
            return number
    return None


@functools.lru_cache(maxsize=256)
def _lines(path, mtime_ns, size):
    """A file's lines, read once per version (the link check asks one file
    for the line of each of its broken links)."""
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.read().split("\n")


def plain_text(markup, limit=None):
    """Rendered HTML as one line of text (descriptions, excerpts), cut at
    ``limit`` characters with an ellipsis."""
    text = " ".join(html.unescape(_TAGS.sub(" ", str(markup or ""))).split())
    if limit and len(text) > limit:
        text = text[: limit - 1].rstrip("，。、；： ") + "…"
    return text


def output_cache_file(settings, name, suffix=".json"):
    """``CACHE_PATH/<name>-<output folder>.json``: what a build remembers about
    the output folder it published (one file per folder: `make html` and
    tests may build several)."""
    output = os.path.abspath(settings["OUTPUT_PATH"]).encode("utf-8", "surrogateescape")
    return os.path.join(settings["CACHE_PATH"], f"{name}-{hashlib.blake2b(output, digest_size=8).hexdigest()}{suffix}")


def available_cores():
    """Cores this process may run on (photo workers, page rendering)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _write_whole(path, write):
    """Call ``write`` with a binary file that becomes ``path`` once written:
    a reader never sees half a file (a killed build leaves the previous one)."""
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    with os.fdopen(handle, "wb") as out:
        write(out)
    os.replace(temporary, path)


def write_pickle(path, data):
    _write_whole(path, lambda out: pickle.dump(data, out, protocol=pickle.HIGHEST_PROTOCOL))


def read_pickle(path):
    """What write_pickle kept at ``path``, or None: missing, half written by
    a killed build, or written by another version."""
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle)
    except Exception:
        return None


def write_json(path, data):
    # json.dumps, not json.dump: only the one-shot call uses the C encoder.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    _write_whole(path, lambda out: out.write(text))


def report_finding(path, line, message, error=False, finding=None, log=logger):
    """report_error / report_warning, keeping the finding's parts on the log
    record (``record.linli_finding``: problem, fix, english, rule, fixable)
    for the page `make check` writes (plugins/safety/report.py)."""
    (log.error if error else log.warning)(
        "%s: %s", location(path, line), message, extra={"linli_finding": finding} if finding else None
    )
