"""Safety plugin: atomic output and duplicate-output guard (SPEC §4, §5)."""

from pelican import signals

from . import atomic
from .official import adopt_sitemap
from .duplicates import check_duplicate_outputs


def on_all_generators_finalized(generators):
    check_duplicate_outputs(generators)
    # Nothing is written yet: stop before any writer runs into a clash.
    atomic.check_errors(atomic.current_build)


def register():
    adopt_sitemap()  # registered before us: PLUGINS lists safety last
    signals.get_generators.connect(atomic.start_build)
    signals.all_generators_finalized.connect(on_all_generators_finalized)
    signals.finalized.connect(atomic.finish_build)
