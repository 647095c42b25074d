"""Links plugin: after rendering, every internal href and src of every page,
feed and the sitemap must resolve to a file of the staged output (#fragments
to an id of the target page). A broken one is reported against the content
file and line holding it, or the setting or template writing it, with the
likely intended target. See README.md."""

import logging
import os

from pelican import signals

from ..common import (
    logger, output_cache_file, read_pickle, relative_path, report_error, report_warning, setting, write_pickle,
)
from ..metadata.encoding import read_source
from ..events import file_carried, file_written, site_swapped, site_verified
from ..safety.writer import RESERVED
from .check import Site, complete_record, report_lines
from .record import PageLinks, page_links

DEFAULTS = {
    # "fail": a broken link is an error (make publish, make check);
    # "warn": it is reported and the site still built (make html); "off".
    "LINK_CHECK": "warn",
    # Site paths the web server serves from elsewhere (an old archive, an
    # uploads folder): links to them are not reported. E.g. ["/oa/", "/uploads/"].
    "LINK_CHECK_ALLOW": [],
}

record = {}  # output path -> PageLinks, for the build in progress
reported = []  # (where, message) of every broken link this build reported
_previous = {}  # the same, as the last published build left it (pages carried over keep theirs)
_sources = []  # content files' paths relative to content/, for {filename} suggestions
_pieces = {}  # site path of every piece read (published or not) -> its file below content/


def _enabled(settings):
    return setting(settings, "LINK_CHECK", DEFAULTS) in ("fail", "warn")


def start(generators):
    record.clear()
    reported.clear()
    _previous.clear()
    _previous.update(_load(generators[0].settings))
    sources = set()
    _pieces.clear()
    for generator in generators:
        for key in ("generated_content", "static_content"):
            sources.update(generator.context.get(key, {}))
        for path, piece in generator.context.get("generated_content", {}).items():
            url = str(getattr(piece, "url", "") or "")
            if url:
                _pieces[url.rstrip("/")] = path
        break  # every generator shares one context
    _sources[:] = sorted(sources)


def on_file_carried(writer, path, source, template):
    """A page the incremental build carried over: same bytes, same links."""
    if not _enabled(writer.settings):
        return
    entry = _previous.get(path)
    if entry is None:
        with open(os.path.join(writer.output_path, path), encoding="utf-8", errors="replace") as handle:
            on_file_written(writer, path, handle.read(), source, template)
    else:
        record[path] = entry


def on_file_written(writer, path, text, source, template):
    if not _enabled(writer.settings):
        return
    source_text = None
    if source:
        try:
            source_text = read_source(source)[0]
        except (OSError, ValueError):
            pass
    xml = not path.endswith((".html", ".htm"))
    record[path] = page_links(text, relative_path(source) if source else None, source_text, template, xml)


def check_site(pelican, output_path):
    settings = pelican.settings
    if not _enabled(settings):
        return
    site = Site(output_path, settings, setting(settings, "LINK_CHECK_ALLOW", DEFAULTS))
    complete_record(site, record)
    # `make check` does not build the search index: its files come later.
    pending = [path for path in RESERVED if path.endswith("/")] if settings.get("LINLI_CHECK_ONLY") else []
    report = reporter(settings)
    if report is None:
        return
    reported[:] = report_lines(site, record, settings, _sources, pending, _pieces)
    for where, message in reported:
        report(where, None, message)


def reporter(settings):
    """How a broken link is reported; None when it would not be shown (the
    warnings of `pelican -q`): finding suggestions for it is then wasted."""
    if setting(settings, "LINK_CHECK", DEFAULTS) == "fail":
        return report_error
    return report_warning if logger.isEnabledFor(logging.WARNING) else None


def _record_path(settings):
    # A pickle of plain tuples: at 5,000 articles the JSON took a second to read.
    return output_cache_file(settings, "linli-links", ".pickle")


def _load(settings):
    kept = read_pickle(_record_path(settings))
    try:
        return {path: PageLinks.from_plain(entry) for path, entry in kept.items()}
    except Exception:  # missing, or written by another version: the pages are read again
        return {}


def save_record(pelican, target, **_):
    """Keep the published build's entries for the pages a rebuild carries over."""
    settings = pelican.settings
    if not _enabled(settings) or not settings.get("CACHE_PATH"):
        return
    if record == _previous:
        return  # what the file already holds (a rebuild that changed no links)
    write_pickle(_record_path(settings), {name: entry.plain() for name, entry in sorted(record.items())})


def register():
    signals.all_generators_finalized.connect(start)
    file_written.connect(on_file_written)
    file_carried.connect(on_file_carried)
    site_swapped.connect(save_record)
    site_verified.connect(check_site)
