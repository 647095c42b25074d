"""Safety plugin: sanitised HTML, path guard, duplicate-output guard (on
content and in the writer), atomic output (SPEC §4, §5)."""

from pelican import signals
from pelican.contents import Static

from .. import memo
from ..common import logger
from . import atomic
from ..events import site_complete, site_swapped
from .check import CheckFinished, run_extra_checks
from .duplicates import check_duplicate_outputs
from .official import adopt_sitemap
from .paths import drop_static_files_outside, guard_references
from .precompress import precompress
from .sanitize import SANITIZED, cleaner, sanitize_content
from .templates import check_templates, keep_compiled_templates, load_compiled_templates, share_compiled_templates
from .writer import final_urls, guarded_writer, keep_summary_source, render_queued

_generators = []  # of the build in progress, for the checks before writing


def on_content_init(content):
    if isinstance(content, Static):
        return
    sanitize_content(content)
    keep_summary_source(content)
    guard_references(content)  # on the HTML Pelican will read its links from


def on_all_generators_finalized(generators):
    _generators[:] = generators
    check_duplicate_outputs(generators)
    check_templates(generators)


def before_writing(pelican):
    """Pelican asks for its writer after every all_generators_finalized
    receiver has run (the photo pipeline among them) and before anything
    is written: the one moment every content check has been made.
    `make check` goes on rendering into its temporary folder (for the link
    check) whatever it found."""
    if not pelican.settings.get("LINLI_CHECK_ONLY"):
        atomic.check_errors(pelican)
    return guarded_writer(pelican)


def on_finalized(pelican):
    with final_urls():  # every address is final from here on
        render_queued()
        if pelican.settings.get("LINLI_CHECK_ONLY"):
            run_extra_checks(_generators, pelican.settings, logger)
            atomic.finish_check(pelican)
            raise CheckFinished()
        atomic.finish_build(pelican)


def register():
    adopt_sitemap()  # registered before us: PLUGINS lists safety last
    signals.get_generators.connect(atomic.start_build)
    signals.get_generators.connect(load_compiled_templates)
    signals.generator_init.connect(share_compiled_templates)
    site_swapped.connect(keep_compiled_templates)
    signals.content_object_init.connect(on_content_init)
    memo.compute_ahead(SANITIZED, "html", cleaner)
    signals.static_generator_finalized.connect(drop_static_files_outside)
    signals.all_generators_finalized.connect(on_all_generators_finalized)
    signals.get_writer.connect(before_writing)
    signals.finalized.connect(on_finalized)
    site_complete.connect(precompress)
