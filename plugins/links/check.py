"""Resolve every recorded link against the staged output and report the
broken ones where an editor can fix them: the content file and line that
holds the link, or the setting or template that puts it on every page."""

import difflib
import functools
import os
import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from ..common import line_of, location, public_site_url, setting
from ..share.cards import DEFAULTS as SHARE_DEFAULTS
from .record import page_links

SKIPPED_SCHEMES = ("mailto:", "tel:", "sms:", "javascript:", "data:", "weixin:", "geo:")
PAGES = (".html", ".htm")
_UNKNOWN = object()
FEEDS = (".xml", ".atom", ".rss")


@dataclass
class Broken:
    link: str  # as written
    target: str  # the site path it points to ("notices/x/"), or the link itself
    problem: tuple  # what is wrong: (Chinese, English)
    kind: str  # missing / fragment / outside / reference / unpublished
    suggestion: str | None
    pages: list = field(default_factory=list)  # output files it appears in


class Site:
    """The staged output: its files, and how a link on one of them resolves."""

    def __init__(self, root, settings, allowed=(), files=None):
        self.root = root
        self.content = str(settings.get("PATH") or "")
        self.files = set(files) if files is not None else set()
        for folder, _, names in os.walk(root) if files is None else ():
            relative = os.path.relpath(folder, root).replace(os.sep, "/")
            prefix = "" if relative == "." else relative + "/"
            self.files.update(prefix + name for name in names)
        siteurl = str(settings.get("SITEURL") or "")
        self.base_path = urlsplit(siteurl).path.rstrip("/") if "://" in siteurl else ""
        self.prefixes = sorted(
            {url.rstrip("/") for url in (siteurl if "://" in siteurl else "", public_site_url(settings)) if url},
            key=len, reverse=True,
        )
        self.allowed = [item.strip("/") for item in allowed if item.strip("/")]
        self._resolved = {}  # (page's folder, link) -> site path: most links are the theme's, on every page

    def site_path(self, page, link):
        """The path inside the site ``link`` on ``page`` points to, with its
        fragment: ``("notices/x/", "top")``; None for another site; "" path
        for the page itself."""
        folder = page.rpartition("/")[0]
        key = self.resolution_key(folder, link)
        if key not in self._resolved:
            self._resolved[key] = self._site_path(folder + "/" if folder else "", link)
        return self._resolved[key]

    @staticmethod
    def resolution_key(folder, link):
        """Links with one key resolve alike. A link that climbs exactly to the
        root ("../../theme/…" from two folders down, as every theme link in a
        relative build does) or starts there resolves the same from every
        page: one entry serves them all."""
        climbs = 0
        while link.startswith("../", 3 * climbs):
            climbs += 1
        depth = folder.count("/") + 1 if folder else 0
        return (None, link) if climbs == depth or link.startswith(("/", "http:", "https:", "{")) else (folder, link)

    def _site_path(self, page, link):
        if link.startswith(SKIPPED_SCHEMES) or link.startswith("{"):
            return None if not link.startswith("{") else (link, None)
        for prefix in self.prefixes:
            if link == prefix or link.startswith(prefix + "/") or link.startswith(prefix + "#"):
                link = self.base_path + "/" + link[len(prefix):].lstrip("/")
                break
            bare = prefix.split(":", 1)[1]  # protocol-relative //host/path
            if link.startswith(bare + "/"):
                link = self.base_path + "/" + link[len(bare):].lstrip("/")
                break
        parts = urlsplit(link)
        if parts.scheme or parts.netloc:
            return None  # another site
        path = unquote(parts.path)
        fragment = unquote(parts.fragment) if parts.fragment else None
        if not path:
            return "", fragment
        if path.startswith("/"):
            if self.base_path and not (path == self.base_path or path.startswith(self.base_path + "/")):
                return path, fragment  # outside the site's own folder: never one of its files
            path = path[len(self.base_path):]
            resolved = posixpath.normpath(path.lstrip("/")) if path.strip("/") else ""
        else:
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
        if resolved == ".":
            resolved = ""
        if resolved.startswith(".."):
            return "/" + resolved, fragment  # above the site's root
        if path.endswith("/") and resolved:
            resolved += "/"
        return resolved, fragment

    def file_for(self, path):
        """The output file serving ``path``, or None."""
        if path in ("", "/"):
            return "index.html" if "index.html" in self.files else None
        if path.endswith("/"):
            candidate = path + "index.html"
            return candidate if candidate in self.files else None
        if path in self.files:
            return path
        candidate = path + "/index.html"  # the server redirects a folder to folder/
        return candidate if candidate in self.files else None

    def content_file_exists(self, reference):
        written = reference.partition("}")[2].split("#", 1)[0].split("?", 1)[0]
        return os.path.isfile(os.path.join(self.content, written.lstrip("/")))

    def missing_reference_on(self, source, line):
        """Whether line ``line`` of ``source`` has a ``{static}``/``{filename}``
        reference to a file that does not exist (safety's guard reports it)."""
        try:
            with open(source, encoding="utf-8", errors="replace") as handle:
                text = handle.readlines()[line - 1]
        except (OSError, IndexError):
            return False
        for marker in ("{static}", "{filename}", "|static|", "|filename|"):
            start = text.find(marker)
            while start >= 0:
                written = re.split(r"[\s)\"'#?]", text[start + len(marker):], maxsplit=1)[0]
                base = self.content if written.startswith("/") else os.path.dirname(source)
                if not os.path.exists(os.path.join(base, written.lstrip("/"))):
                    return True
                start = text.find(marker, start + 1)
        return False

    def is_allowed(self, path):
        path = path.strip("/")
        return any(path == item or path.startswith(item + "/") for item in self.allowed)

    @functools.cached_property
    def addresses(self):
        """Every address a resident can open, as written from the site root."""
        found = []
        for name in self.files:
            if name.endswith(".gz") or name.startswith("pagefind/"):
                continue
            found.append("/" + name[: -len("index.html")] if name.endswith("/index.html") or name == "index.html" else "/" + name)
        return found


def complete_record(site, record):
    """Pages and feeds written outside the writer (sitemap, notices feed,
    search index page) are read from the staged tree."""
    for name in sorted(site.files):
        if name in record or name.startswith("pagefind/"):
            continue
        if name.endswith(PAGES) or name.endswith(FEEDS):
            with open(os.path.join(site.root, name), encoding="utf-8", errors="replace") as handle:
                record[name] = page_links(handle.read(), xml=name.endswith(FEEDS))
    return record


def find_broken(site, record, pending=(), pages=None):
    """``{link key: Broken}`` for every link that resolves to nothing;
    ``pending`` are site paths written after the check (accepted); only the
    links of ``pages`` when given (the others are known to be good)."""
    broken = {}
    # What is wrong with a link (None: nothing) is the same on every page its
    # resolution key covers, except a link to the page itself: tens of
    # thousands of links, a few hundred distinct ones.
    verdicts = {}
    for page, entry in record.items():
        if pages is not None and page not in pages:
            continue
        folder = page.rpartition("/")[0]
        for link, line in entry.links:
            key = site.resolution_key(folder, link)
            verdict = verdicts.get(key, _UNKNOWN)
            if verdict is _UNKNOWN:
                resolved = site.site_path(page, link)
                verdict = _verdict(site, record, page, link, resolved, pending)
                if resolved is None or resolved[0] != "":
                    verdicts[key] = verdict
            if verdict is None:
                continue
            path, problem, kind, suggestion = verdict
            item_key = (entry.source, line, link, path)
            item = broken.get(item_key)
            if item is None:
                item = broken[item_key] = Broken(link, path, problem, kind, suggestion)
            item.pages.append(page)
    return broken


def _verdict(site, record, page, link, resolved, pending):
    """``(path, problem, kind, suggestion)`` for a broken link, else None."""
    if resolved is None:
        return None
    path, fragment = resolved
    problem = suggestion = None
    kind = "missing"
    if path.startswith("{"):
        # A missing file was reported with its line while reading
        # (safety's reference guard); here: a file Pelican could not link.
        if not site.content_file_exists(path):
            return None
        problem = ("引用的文件不是已发布的稿件或静态文件", "the referenced file is not a published piece or static file")
        kind = "reference"
    elif path.startswith("/"):
        problem = ("指向本站以外的地址", "points outside the site")
        kind = "outside"
    else:
        target = page if path == "" else site.file_for(path)
        if target is None:
            if site.is_allowed(path) or any(path.startswith(item) for item in pending):
                return None
            problem = ("指向的页面或文件不存在", "no such page or file")
        elif fragment and fragment != "top" and target.endswith(PAGES):
            ids = record[target].ids if target in record else frozenset()
            if fragment not in ids:
                problem = (f"目标页面上没有 #{fragment} 这个位置", f"no #{fragment} on that page")
                kind = "fragment"
                close = difflib.get_close_matches(fragment, sorted(ids), 1, 0.6)
                suggestion = f"{link.split('#', 1)[0]}#{close[0]}" if close else None
    return None if problem is None else (path, problem, kind, suggestion)


def suggest(site, broken, sources):
    """The likely intended target, when a close one exists."""
    if broken.kind in ("fragment", "outside", "unpublished"):
        return broken.suggestion
    if broken.kind == "reference":
        marker, _, written = broken.target.partition("}")
        close = difflib.get_close_matches(written.lstrip("/"), sources, 1, 0.6)
        return f"{marker}}}/{close[0]}" if close else None
    wanted = "/" + broken.target
    addresses = site.addresses
    # High enough that a deleted notice is not "found" in another dated one.
    close = difflib.get_close_matches(wanted, addresses, 1, 0.78)
    return close[0] if close else None


class Attribution:
    """Where the editor fixes a broken link that is not in a content file:
    the setting (NAV_LINKS, SHARE_IMAGE) or the template that writes it."""

    def __init__(self, settings, site):
        self.settings = settings
        self.site = site
        self.settings_file = next((f for f in ("pelicanconf.py",) if os.path.isfile(f)), None)
        self.templates = os.path.join(str(settings.get("THEME") or ""), "templates")
        self._located = {}

    def _setting_paths(self):
        for label, url in self.settings.get("NAV_LINKS") or []:
            yield "NAV_LINKS", f"“{label}” → {url}", url
        image = setting(self.settings, "SHARE_IMAGE", SHARE_DEFAULTS)
        if image:
            yield "SHARE_IMAGE", image, image

    def locate(self, broken):
        key = (broken.target, broken.link)
        if key not in self._located:
            self._located[key] = self._locate(broken)
        return self._located[key]

    def _locate(self, broken):
        for name, shown, url in self._setting_paths():
            resolved = self.site.site_path("", url)
            if resolved and resolved[0] == broken.target:
                line = line_of(self.settings_file, url) if self.settings_file else None
                where = location(self.settings_file, line) if self.settings_file else "设置 settings"
                return where, f"设置 {name} {shown}：", url
        tail = broken.link.split("#", 1)[0].lstrip("./").split("://", 1)[-1]
        tail = tail.split("/", 1)[1] if "://" in broken.link and "/" in tail else tail
        for folder, _, names in sorted(os.walk(self.templates)):
            for name in sorted(names):
                path = os.path.join(folder, name)
                line = line_of(path, tail) if tail else None
                if line:
                    return location(path, line), "主题模板 theme template：", "/" + broken.target
        pages = broken.pages
        return f"站点 site {pages[0]}", "", None


def address(page):
    """``notices/x/index.html`` as a resident's browser shows it: ``/notices/x/``."""
    return "/" + (page[: -len("index.html")] if page.endswith("index.html") else page)


def report_lines(site, record, settings, sources, pending=(), unpublished=None, pages=None):
    """``[(where, message)]`` for every broken link, in a stable order.

    ``unpublished``: site path -> content file of every piece read, so a
    ``{filename}`` link to a piece not (yet) published is found in its source."""
    unpublished = unpublished or {}
    broken = find_broken(site, record, pending, pages)
    if not broken:
        return []
    content_links = defaultdict(list)  # link text -> [(source, line)], for listings that show a piece's summary
    for entry in record.values():
        for link, line in entry.links:
            if line and entry.source:
                content_links[link].append((entry.source, line))
    attribution = Attribution(settings, site)
    merged, by_target = {}, {}

    def add(where, shown, prefix, item):
        if (where, shown) in merged:
            merged[(where, shown)][2].pages.extend(item.pages)
        else:
            merged[(where, shown)] = (shown, prefix, item)

    # Links found in a content file first: the same target on a listing or
    # in a feed (a summary, an absolute URL) is that file's link again.
    for (source, line, link, path), item in sorted(broken.items(), key=lambda pair: (pair[0][0] is None, pair[0][1] is None)):
        shown = link
        if item.kind == "missing" and path.rstrip("/") in unpublished:
            reference = unpublished[path.rstrip("/")]
            item.problem = ("指向的稿件还没有发布（草稿、未到日期或未完成三审）", "the piece it links to is not published yet")
            item.kind = "unpublished"
            if not line and source:
                line = line_of(source, os.path.basename(reference))
                shown = "{filename}/" + reference
        if not line and source and item.kind == "missing":
            line = line_of(source, path.rstrip("/"))
            if line and site.missing_reference_on(source, line):
                by_target[(path, item.kind)] = None  # a {static}/{filename} file that does not exist:
                continue  # reported while reading, here and wherever else it shows (feeds)
            shown = link if not line else shown
        if line and source:
            where = location(source, line)
            by_target.setdefault((path, item.kind), (where, shown))
            add(where, shown, "", item)
            continue
        if (path, item.kind) in by_target:
            if by_target[(path, item.kind)] is not None:
                add(*by_target[(path, item.kind)], "", item)
        elif content_links.get(link):
            source, line = content_links[link][0]
            add(location(source, line), link, "", item)
        else:
            where, prefix, shown = attribution.locate(item)
            add(where, shown or link, prefix, item)
    lines = []
    for (where, _), (shown, prefix, item) in sorted(merged.items()):
        pages = sorted({address(page) for page in item.pages})
        found_on = "、".join(pages[:3]) + (f" 等 {len(pages)} 个页面" if len(pages) > 3 else "")
        zh, en = item.problem
        suggestion = suggest(site, item, sources)
        message = f"{prefix}链接 {shown} {zh}（见 {found_on}）"
        message += f"；是否应为 {suggestion}？" if suggestion else ""
        message += f" / broken link {shown}: {en}" + (f"; did you mean {suggestion}?" if suggestion else "")
        lines.append((where, message))
    return lines

