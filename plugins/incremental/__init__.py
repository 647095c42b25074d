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
"""

import os
import sys

from pelican import signals

from ..common import setting
from ..safety import parallel
from ..events import site_swapped
from .. import memo
from . import snapshot
from .renders import Renders, load_record, site_key

DEFAULTS = {
    # False renders every page on every build (the record is still written).
    "INCREMENTAL": True,
}
READER_KEY_FILE = "linli-reader-key"
_current = None  # the Renders of the build in progress


def current():
    return _current


class RecordedTemplate:
    """A template whose render() first asks the record."""

    def __init__(self, template, renders):
        self._template = template
        self._renders = renders

    def render(self, context):
        return self._renders.render(self._template, context)

    def __getattr__(self, name):
        return getattr(self._template, name)


def recorded(template):
    return template if _current is None else RecordedTemplate(template, _current)


def start_build(pelican):
    """Each build (each rebuild of `make devserver` too) starts here."""
    global _current
    settings = pelican.settings
    _current = None
    if settings.get("LINLI_CHECK_ONLY"):
        return
    # Pelican keys its content cache on the file alone: after a change of
    # settings, plugin code or library, files are read afresh.
    reader_key = site_key(settings, theme=False)
    if not hasattr(pelican, "linli_load_content_cache"):  # `make devserver` builds again and again
        pelican.linli_load_content_cache = settings.get("LOAD_CONTENT_CACHE")
    settings["LOAD_CONTENT_CACHE"] = pelican.linli_load_content_cache
    if _stored_reader_key(settings) != reader_key:
        settings["LOAD_CONTENT_CACHE"] = False
    pelican.linli_reader_key = reader_key
    # A quick rebuild (quick.py) reads a few files: it leaves the memo as it is.
    memo.start(settings, None if getattr(pelican, "linli_quick", False) else reader_key)
    key = site_key(settings)
    record = load_record(settings, key) if setting(settings, "INCREMENTAL", DEFAULTS) else {}
    _current = Renders(settings, key, record)


def _reader_key_path(settings):
    return os.path.join(settings["CACHE_PATH"], READER_KEY_FILE)


def _stored_reader_key(settings):
    try:
        with open(_reader_key_path(settings), encoding="utf-8") as handle:
            return handle.read().strip()
    except OSError:
        return None


def finish_build(pelican, target, **_):
    global _current
    renders = _current
    _current = None
    if renders is None:
        return
    renders.save(target)
    memo.finish(pelican.settings)
    if pelican.settings.get("CACHE_CONTENT"):
        os.makedirs(pelican.settings["CACHE_PATH"], exist_ok=True)
        with open(_reader_key_path(pelican.settings), "w", encoding="utf-8") as handle:
            handle.write(pelican.linli_reader_key)
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
    site_swapped.connect(finish_build)
    parallel.keep("incremental", _collect, _merge)
    snapshot.register()
