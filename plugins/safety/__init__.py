"""Safety plugin: sanitised HTML, path guard, duplicate-output guard and
atomic output (SPEC §4, §5)."""

from pelican import signals

from . import atomic
from .official import adopt_sitemap
from .precompress import precompress
from .paths import drop_static_files_outside, guard_references
from .sanitize import sanitize_content
from ..common import logger
from .check import CheckFinished, run_extra_checks
from .duplicates import check_duplicate_outputs


def on_content_init(content):
    if content.__class__.__name__ == "Static":
        return
    guard_references(content)
    sanitize_content(content)


def on_all_generators_finalized(generators):
    check_duplicate_outputs(generators)
    settings = generators[0].settings
    if settings.get("LINLI_CHECK_ONLY"):
        # `make check`: every check has run; stop before anything is written.
        run_extra_checks(generators, settings, logger)
        atomic.discard_staging(atomic.current_build)
        raise CheckFinished()
    # Nothing is written yet: stop before any writer runs into a clash.
    atomic.check_errors(atomic.current_build)


def register():
    adopt_sitemap()  # registered before us: PLUGINS lists safety last
    signals.get_generators.connect(atomic.start_build)
    signals.content_object_init.connect(on_content_init)
    signals.static_generator_finalized.connect(drop_static_files_outside)
    signals.all_generators_finalized.connect(on_all_generators_finalized)
    signals.finalized.connect(atomic.finish_build)
    atomic.site_complete.connect(precompress)
