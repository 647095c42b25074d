"""What a normal build keeps for the next one's quick rebuild (quick.py).

``CACHE_PATH/linli-quick-<output folder>.head`` is what is checked first:
the site key, BUILD_DATE, every content and output file's size and time.
``.pickle`` is what a quick rebuild renders from: every page's template and
variables and every feed's items as the writer was given them, each piece
as it was before the first page was rendered, and the digests the render
record was keyed with. A build that showed a warning keeps none (the next
build must show it again), unless all its warnings were broken links, which
a quick rebuild can tell are still the same.
"""

import contextlib
import logging
import os
import sys
import threading

from pelican import signals
from pelican.contents import Article, Content, Page

from ..common import build_date, output_cache_file, setting, write_pickle
from ..events import site_swapped
from ..safety.atomic import LogCounter

DEFAULTS = {
    # False: every build reads the whole site (the render record still
    # carries unchanged pages over).
    "QUICK_REBUILD": True,
}
VERSION = 1
# Kinds whose page is "read the file, render the piece's template" (exactly
# these: notices and albums post-process their body in their own generator).
FAST_KINDS = (Article, Page)

_recording = None  # what the build in progress keeps for the next one
headers = {}  # absolute source path -> an article's or page's metadata when it was made, this build


def enabled(settings):
    return (
        setting(settings, "QUICK_REBUILD", DEFAULTS)
        and settings.get("INCREMENTAL", True)
        and settings.get("CACHE_PATH")
        and not settings.get("LINLI_CHECK_ONLY")
    )


def snapshot_paths(settings):
    """(its head: what is checked first, its body: what a quick rebuild renders from)."""
    return output_cache_file(settings, "linli-quick", ".head"), output_cache_file(settings, "linli-quick", ".pickle")


def _forget(settings):
    for path in snapshot_paths(settings):
        with contextlib.suppress(OSError):
            os.remove(path)


def source_stats(root):
    """``{path below root: [size, mtime_ns]}`` of every file."""
    found = {}

    def walk(folder, prefix):
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir():
                    walk(entry.path, prefix + entry.name + os.sep)
                else:
                    stat = entry.stat()
                    found[prefix + entry.name] = [stat.st_size, stat.st_mtime_ns]

    walk(root, "")
    return found


def output_manifest(root):
    return source_stats(root) if os.path.isdir(root) else {}


class Recording:
    def __init__(self, settings, key):
        self.settings = settings
        self.key = key  # the site key, before plugins add their defaults
        self.sources = source_stats(settings["PATH"])  # before anything is read
        self.generators = []
        self.pristine = {}  # id(piece) -> (piece, its attributes, its metadata) before rendering
        self.jobs = []  # (output name, template name, generator kind, snapshot, options, kwargs)
        self.feeds = []  # (items, context snapshot, args, kwargs)
        self.kinds = {}  # id(template environment) -> generator class name
        self.renders = None  # the build's use of the render record (its key, its digests)
        self.warnings = LogCounter(logging.WARNING)
        logging.getLogger().addHandler(self.warnings)

    def close(self):
        logging.getLogger().removeHandler(self.warnings)


def start(pelican):
    """A build starts: keep what the next one may need (not a quick one's)."""
    global _recording
    if _recording is not None:
        _recording.close()
    _recording = None
    headers.clear()
    if getattr(pelican, "linli_quick", False):
        return
    key = getattr(pelican, "linli_quick_key", None)
    if key is not None and enabled(pelican.settings):
        _recording = Recording(pelican.settings, key)
    elif not pelican.settings.get("LINLI_CHECK_ONLY"):  # `make check` publishes nothing
        _forget(pelican.settings)


def piece_made(content):
    if type(content) in FAST_KINDS and getattr(content, "source_path", None):
        headers[os.path.abspath(content.source_path)] = dict(content.metadata)


def generators_done(generators):
    if _recording is not None:
        _recording.generators = list(generators)
        _recording.kinds = {id(g.env): type(g).__name__ for g in generators if hasattr(g, "env")}


def before_writing(pelican):
    """Every piece as the pages will see it, before any is rendered (a
    template filter may leave a memo on a piece)."""
    if _recording is None:
        return None
    from . import current

    _recording.renders = current()
    for generator in _recording.generators:
        for value in vars(generator).values():
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, Content) and id(item) not in _recording.pristine:
                        _recording.pristine[id(item)] = (item, dict(vars(item)), dict(item.metadata))
    return None  # not a writer: the safety plugin's is the one


def recording():
    return _recording is not None


def record_page(name, template, snapshot, options, kwargs):
    if _recording is not None and name:  # Pelican writes nothing for an empty name
        kind = _recording.kinds.get(id(getattr(template, "environment", None)), "")
        _recording.jobs.append((name, template.name, kind, snapshot, options, kwargs))


def record_feed(elements, context, args, kwargs):
    if _recording is not None:
        _recording.feeds.append((list(elements), dict(context), args, kwargs))


def save(pelican, target, **_):
    """The build was published: keep what the next build needs for a quick
    rebuild (not when it logged a warning: the next build must show it)."""
    global _recording
    recording, _recording = _recording, None
    if recording is None:
        return
    recording.close()
    settings = pelican.settings
    _forget(settings)
    from .. import links

    renders = recording.renders
    # Broken links a quick rebuild can show again (quick.py); any other warning, none.
    if recording.warnings.count > len(links.reported) or renders is None or renders.fingerprints is None:
        return
    if not recording.generators:
        return
    shared = recording.generators[0].context
    pieces = {}
    for piece, _, _ in recording.pristine.values():
        source = getattr(piece, "source_path", None)
        if type(piece) in FAST_KINDS and source and os.path.abspath(source) in headers:
            pieces.setdefault(os.path.abspath(source), piece)
    from ..gallery import state

    meta = {
        "version": VERSION,
        "site": recording.key,
        "build_date": str(build_date(settings)),
        "sources": recording.sources,
        "output": output_manifest(target),
        # Below WARNING: the warnings it logged were counted (not `pelican -q`).
        "level": logging.getLogger().getEffectiveLevel(),
        "bodies": {},  # source -> body put in by quick rebuilds since
        "digests": {},  # index in the body's digests -> (deep, shallow) made by quick rebuilds since
        "editable": sorted(pieces),  # sources a quick rebuild may read again
        "broken_links": list(links.reported),  # (where, message) as the link check reported them
        "token": os.urandom(16).hex(),  # the body written with this head
    }
    data = {
        "token": meta["token"],
        "context": shared,
        "jobs": recording.jobs,
        "feeds": recording.feeds,
        "pieces": pieces,
        "headers": {source: headers[source] for source in pieces},
        "digests": [entry for entry in renders.fingerprints.pinned() if id(entry[0]) in recording.pristine],
        "links_key": renders.fingerprints.links,
        "registry": state.registry,
    }
    _write_snapshot(settings, meta, data, recording.pristine.values())


def _write_snapshot(settings, meta, data, pristine):
    """Pickle with every piece's attributes as they were before rendering.
    Neighbours point at each other from one end of the site to the other:
    the pickler recurses that deep, so it runs on a thread with a big stack."""
    rendered = [(piece, piece.__dict__) for piece, _, _ in pristine]
    for piece, attributes, metadata in pristine:
        piece.__dict__ = dict(attributes, metadata=dict(metadata))
    failed = []

    def dump():
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 1_000_000))
        try:
            write_pickle(snapshot_paths(settings)[1], data)
            write_pickle(snapshot_paths(settings)[0], meta)
        except Exception as error:  # something a plugin put in the context that cannot be kept
            failed.append(error)
        finally:
            sys.setrecursionlimit(limit)

    size = threading.stack_size(512 * 1024 * 1024)
    try:
        thread = threading.Thread(target=dump, name="quick-snapshot")
        thread.start()
        thread.join()
    finally:
        threading.stack_size(size)
        for piece, attributes in rendered:
            piece.__dict__ = attributes
    if failed:
        logging.getLogger(__name__).debug("quick rebuild snapshot not written: %s", failed[0])


def register():
    signals.get_generators.connect(start)
    signals.content_object_init.connect(piece_made)
    signals.all_generators_finalized.connect(generators_done)
    signals.get_writer.connect(before_writing)
    site_swapped.connect(save)
