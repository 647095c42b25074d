"""Links plugin: after rendering, every internal href and src of every page,
feed and the sitemap must resolve to a file of the staged output (#fragments
to an id of the target page). A broken one is reported against the content
file and line holding it, or the setting or template writing it, with the
likely intended target. See README.md."""

from pelican import signals

from ..common import relative_path, report_error, report_warning, setting
from ..metadata.encoding import read_source
from ..safety import atomic
from ..safety.writer import RESERVED, file_written
from .check import Site, complete_record, report_lines
from .record import page_links

DEFAULTS = {
    # "fail": a broken link is an error (make publish, make check);
    # "warn": it is reported and the site still built (make html); "off".
    "LINK_CHECK": "warn",
    # Site paths the web server serves from elsewhere (an old archive, an
    # uploads folder): links to them are not reported. E.g. ["/oa/", "/uploads/"].
    "LINK_CHECK_ALLOW": [],
}

record = {}  # output path -> PageLinks, for the build in progress
_sources = []  # content files' paths relative to content/, for {filename} suggestions
_pieces = {}  # site path of every piece read (published or not) -> its file below content/


def _enabled(settings):
    return setting(settings, "LINK_CHECK", DEFAULTS) in ("fail", "warn")


def start(generators):
    record.clear()
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
    report = report_error if setting(settings, "LINK_CHECK", DEFAULTS) == "fail" else report_warning
    for where, message in report_lines(site, record, settings, _sources, pending, _pieces):
        report(where, None, message)


def register():
    signals.all_generators_finalized.connect(start)
    file_written.connect(on_file_written)
    atomic.site_verified.connect(check_site)
