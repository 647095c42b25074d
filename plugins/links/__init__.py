"""Links plugin: after rendering, every internal href and src of every page,
feed and the sitemap must resolve to a file of the staged output (#fragments
to an id of the target page). A broken one is reported against the content
file and line holding it, or the setting or template writing it, with the
likely intended target. See README.md."""

import hashlib
import logging
import os

from pelican import signals

from .. import build_record
from ..common import SITE_FILES, logger, relative_path, report_error, report_warning, setting
from ..events import file_carried, file_written, links_checked, page_queued, site_swapped, site_verified
from ..metadata.encoding import read_source
from .check import Site, complete_record, find_broken, report_lines
from .record import PageLinks, page_links

DEFAULTS = {
    # "fail": a broken link is an error (make publish, make check);
    # "warn": it is reported and the site still built (make html); "off".
    "LINK_CHECK": "warn",
    # Site paths the web server serves from elsewhere (an old archive, an
    # uploads folder): links to them are not reported. E.g. ["/oa/", "/uploads/"].
    "LINK_CHECK_ALLOW": [],
}
SECTION = "links"


def enabled(settings):
    return setting(settings, "LINK_CHECK", DEFAULTS) in ("fail", "warn")


class LinkCheck:
    """One build's link check: what each page links to and which ids it
    has, the last published build's record for the pages carried over."""

    def __init__(self, settings, build):
        self.settings = settings
        self.build = build
        stored = build.get(SECTION)
        stored = stored if isinstance(stored, dict) and stored.get("site") == build.site_key else {}
        try:
            self.previous = {path: PageLinks.from_plain(entry) for path, entry in stored.get("pages", {}).items()}
        except Exception:  # written by another version: the pages are read again
            self.previous, stored = {}, {}
        self.stored = stored
        self.entries = {}  # output path -> PageLinks, this build
        self.carried = set()  # paths carried over unchanged
        self.sources = []  # content files' paths relative to content/, for {filename} suggestions
        self.pieces = None  # site path of every piece read (published or not) -> its file below content/
        self.world = None  # digest of what resolving a link depends on besides the pages (None: not checked)
        self.report = []  # (where, message) of every broken link, as reported

    def learn_sources(self, context):
        sources = set()
        for key in ("generated_content", "static_content"):
            sources.update(context.get(key, {}))
        self.sources = sorted(sources)
        self.pieces = {}
        for path, piece in context.get("generated_content", {}).items():
            url = str(getattr(piece, "url", "") or "")
            if url:
                self.pieces[url.rstrip("/")] = path

    def written(self, path, text, source, template):
        source_text = None
        if source:
            try:
                source_text = read_source(source)[0]
            except (OSError, ValueError):
                pass
        xml = not path.endswith((".html", ".htm"))
        self.entries[path] = page_links(text, relative_path(source) if source else None, source_text, template, xml)

    def carried_over(self, output_path, path, source, template):
        entry = self.previous.get(path)
        if entry is None:
            with open(os.path.join(output_path, path), encoding="utf-8", errors="replace") as handle:
                self.written(path, handle.read(), source, template)
        else:
            self.entries[path] = entry
            self.carried.add(path)

    def check(self, output_path, report):
        settings = self.settings
        site = Site(output_path, settings, setting(settings, "LINK_CHECK_ALLOW", DEFAULTS))
        complete_record(site, self.entries)
        # `make check` does not build the search index: its files come later.
        pending = [path for path in SITE_FILES if path.endswith("/")] if settings.get("LINLI_CHECK_ONLY") else []
        self.world = _world(site, self.sources, self.pieces or {}, pending)
        if self._report_stands(site):
            self.report = [tuple(line) for line in self.stored["report"]]
        else:
            self.report = report_lines(site, self.entries, settings, self.sources, pending, self.pieces or {})
        for where, message in self.report:
            report(where, None, message)

    def _report_stands(self, site):
        """The last build's report is this one's when the site has the same
        files, sources and pieces, every page it had (no more), the pages
        written since have the ids they had (other pages link to them) and
        break exactly the links they broke: the pages carried over link as
        before, to the same targets."""
        stored = self.stored
        if stored.get("world") != self.world or self.entries.keys() != self.previous.keys():
            return False
        written = set(self.entries) - self.carried
        if any(self.entries[path].ids != self.previous[path].ids for path in written):
            return False
        return _broken(site, self.previous, written) == _broken(site, self.entries, written)

    def keep(self):
        """What the next build needs (the record of the published build)."""
        kept = {
            "site": self.build.site_key,
            "pages": {name: entry.plain() for name, entry in sorted(self.entries.items())},
            "world": self.world,
            "report": self.report,
        }
        if kept != self.stored:
            self.build.put(SECTION, kept)


def _world(site, sources, pieces, pending):
    digest = hashlib.blake2b(digest_size=16)
    for part in (sorted(site.files), sources, sorted(pieces.items()), pending):
        digest.update(repr(part).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _broken(site, entries, pages):
    """The broken links of ``pages``: what, where, on which page."""
    return {key: sorted(item.pages) for key, item in find_broken(site, entries, pages=set(pages)).items()}


_check = None  # the LinkCheck of the build in progress


def start(pelican):
    global _check
    _check = LinkCheck(pelican.settings, build_record.of(pelican)) if enabled(pelican.settings) else None


def on_page_queued(writer, job):
    if _check is not None and _check.pieces is None:
        _check.learn_sources(job.context)


def on_file_written(writer, path, text, source, template):
    if _check is not None:
        _check.written(path, text, source, template)


def on_file_carried(writer, path, source, template):
    """A page the incremental build carried over: same bytes, same links."""
    if _check is not None:
        _check.carried_over(writer.output_path, path, source, template)


def check_site(pelican, output_path, **_):
    if _check is None:
        return
    report = reporter(pelican.settings)
    if report is not None:
        _check.check(output_path, report)
    links_checked.send(pelican, broken=list(_check.report) if report is not None else [])


def reporter(settings):
    """How a broken link is reported; None when it would not be shown (the
    warnings of `pelican -q`): finding suggestions for it is then wasted."""
    if setting(settings, "LINK_CHECK", DEFAULTS) == "fail":
        return report_error
    return report_warning if logger.isEnabledFor(logging.WARNING) else None


def save_record(pelican, target, **_):
    """Keep the published build's entries for the pages a rebuild carries over."""
    global _check
    check, _check = _check, None
    if check is not None and pelican.settings.get("CACHE_PATH"):
        check.keep()


def register():
    signals.get_generators.connect(start)
    page_queued.connect(on_page_queued)
    file_written.connect(on_file_written)
    file_carried.connect(on_file_carried)
    site_verified.connect(check_site)
    site_swapped.connect(save_record)
