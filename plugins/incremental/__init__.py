"""Incremental builds: re-render only the pages whose inputs changed and
carry every other page over from the previous output, byte for byte what a
clean build writes (SPEC §6; proved by tests/test_incremental.py).

The build is still staged and swapped in whole (plugins/safety/atomic.py):
a carried-over page is a hard link in the staging folder to the published
file (nothing ever writes into a staged file in place), so a failed build
leaves output/ untouched and a deleted or renamed source leaves no page
behind. Anything that cannot be attributed to single pages —
settings, templates, theme files, plugin code, library versions — changes
the site-wide key and renders everything again.

It listens to the writer's build events (plugins/events.py) and keeps its
state in the build record (plugins/build_record.py); see README.md.
"""

import os
import sys

from pelican import signals

from .. import build_record
from ..common import setting
from ..events import page_rendered, page_rendering, pages_rendering, site_swapped
from ..safety import parallel
from . import snapshot
from .renders import Renders

DEFAULTS = {
    # False renders every page on every build (the record is still written).
    "INCREMENTAL": True,
}
# Beside Pelican's content cache, which it stamps: that cache is keyed on the
# file alone and kept per CACHE_PATH, not per output folder.
READER_KEY_FILE = "linli-reader-key"
_current = None  # the Renders of the build in progress


def current():
    """The build in progress's use of the render record (None: not incremental)."""
    return _current


def start_build(pelican):
    """Each build (each rebuild of `make devserver` too) starts here."""
    global _current
    settings = pelican.settings
    _current = None
    if settings.get("LINLI_CHECK_ONLY"):
        return
    build = build_record.of(pelican)
    # Pelican keys its content cache on the file alone: after a change of
    # settings, plugin code or library, files are read afresh.
    if not hasattr(pelican, "linli_load_content_cache"):  # `make devserver` builds again and again
        pelican.linli_load_content_cache = settings.get("LOAD_CONTENT_CACHE")
    settings["LOAD_CONTENT_CACHE"] = pelican.linli_load_content_cache
    if _stored_reader_key(settings) != build.reader_key:
        settings["LOAD_CONTENT_CACHE"] = False
    if setting(settings, "INCREMENTAL", DEFAULTS):
        _current = Renders(settings, build)


def _reader_key_path(settings):
    return os.path.join(settings["CACHE_PATH"], READER_KEY_FILE)


def _stored_reader_key(settings):
    try:
        with open(_reader_key_path(settings), encoding="utf-8") as handle:
            return handle.read().strip()
    except OSError:
        return None


def on_pages_rendering(writer, jobs):
    if _current is not None:
        _current.pages_rendering(jobs)


def on_page_rendering(writer, template, context):
    return None if _current is None else _current.page_rendering(template, context)


def on_page_rendered(writer, template, context, text):
    if _current is not None:
        _current.page_rendered(context, text)


def finish_build(pelican, target, **_):
    global _current
    renders = _current
    _current = None
    if renders is None:
        return
    renders.save(target)
    if pelican.settings.get("CACHE_CONTENT") and not getattr(pelican, "linli_quick", False):
        os.makedirs(pelican.settings["CACHE_PATH"], exist_ok=True)
        with open(_reader_key_path(pelican.settings), "w", encoding="utf-8") as handle:
            handle.write(build_record.of(pelican).reader_key)
    print(
        f"重新生成 {renders.rendered} 页，沿用上次的 {renders.reused} 页 / "
        f"rendered {renders.rendered} pages, carried over {renders.reused}",
        file=sys.stderr,
    )


def _collect():
    return None if _current is None else _current.collect()


def _merge(data):
    if _current is not None and data is not None:
        _current.merge(data)


def register():
    signals.get_generators.connect(start_build)
    pages_rendering.connect(on_pages_rendering)
    page_rendering.connect(on_page_rendering)
    page_rendered.connect(on_page_rendered)
    site_swapped.connect(finish_build)
    parallel.keep("incremental", _collect, _merge)
    snapshot.register()
