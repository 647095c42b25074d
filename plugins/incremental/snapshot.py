"""What a normal build keeps for the next one's quick rebuild (quick.py):
two sections of the build record (plugins/build_record.py).

``quick`` (a ``QuickHead``) is what is checked first: the site key,
BUILD_DATE, every content file's size, times and (below a megabyte) digest,
every output file's size and time, and the warnings the build showed while
it read the site. ``quick-body`` is what a quick rebuild renders from: every
page the writer was asked for (``RecordedPage``) and every feed
(``RecordedFeed``) with the context as they saw it, each piece as it was
before the first page was rendered, and the digests the render record was
keyed with.

The body is plain data but for the pieces, which are pickled flat
(``dump_flat``): each piece is written once, on its own, and a piece
pointing at another (neighbours, from one end of the site to the other)
holds a reference to it, not a copy — no recursion as deep as the site.

A build that showed a warning while rendering or finishing keeps none,
unless all of those were broken links: the link check of a quick rebuild
reports those again itself. The warnings shown while the site was read (an
article waiting for its day, a file no notice attaches …) are kept and shown
again, word for word, by the quick rebuilds that do not read their file.
"""

import hashlib
import io
import logging
import os
import pickle
from dataclasses import dataclass, field
from typing import NamedTuple

from pelican import signals
from pelican.contents import Content

from .. import build_record
from ..common import build_date, setting
from ..events import feed_queued, links_checked, page_queued, render_state, site_swapped
from .fastpath import PieceRecorder

DEFAULTS = {
    # False: every build reads the whole site (the render record still
    # carries unchanged pages over).
    "QUICK_REBUILD": True,
}
VERSION = 2
HEAD, BODY = "quick", "quick-body"
# A content file this small is told apart by its digest, not by its times
# (a save may keep size and modification time); a bigger one (a photo) by
# size, modification and change time.
DIGESTED_BELOW = 1 << 20

_recording = None  # what the build in progress keeps for the next one
# The pieces made by the build in progress, a quick one's too: the header
# a changed file had when the last build read it and the one it has now are
# taken by the same receiver (the others may change metadata after it).
_made = PieceRecorder()


def enabled(settings):
    return (
        setting(settings, "QUICK_REBUILD", DEFAULTS)
        and settings.get("INCREMENTAL", True)
        and settings.get("CACHE_PATH")
        and not settings.get("LINLI_CHECK_ONLY")
    )


class RecordedPage(NamedTuple):
    """One ``write_file`` call of the last build."""

    name: str  # its output file
    template: str  # the template's name
    kind: str  # the class name of the generator whose templates render it
    context: dict  # the shared context as it was at the call
    options: dict  # Pelican's named parameters
    kwargs: dict  # the page's own variables


class RecordedFeed(NamedTuple):
    """One ``write_feed`` call of the last build."""

    items: list
    context: dict
    args: tuple
    kwargs: dict


class ShownWarning(NamedTuple):
    """A log record, as plain data, to be shown again as it was."""

    name: str
    level: int
    pathname: str
    lineno: int
    function: str
    message: str

    @classmethod
    def of(cls, log_record):
        return cls(log_record.name, log_record.levelno, log_record.pathname, log_record.lineno,
                   log_record.funcName, log_record.getMessage())

    def show(self):
        log = logging.getLogger(self.name)
        if log.isEnabledFor(self.level):  # not under `pelican -q`
            log.handle(logging.LogRecord(
                self.name, self.level, self.pathname, self.lineno, self.message, None, None, self.function,
            ))


@dataclass
class QuickHead:
    """The ``quick`` section: what the next build checks before anything."""

    site: str  # the site key
    build_date: str
    sources: dict  # path below content/ -> its stamp (source_stamps)
    output: dict  # path below output/ -> [size, mtime_ns]
    level: int  # the root logger's level: above WARNING, warnings were not looked for
    editable: list  # sources a quick rebuild may read again
    warnings: list  # ShownWarning shown while the site was read
    finish_warnings: list  # and while it was rendered and finished (broken links)
    token: str  # the body written with this head
    bodies: dict = field(default_factory=dict)  # source -> body put in by quick rebuilds since
    digests: dict = field(default_factory=dict)  # index in the body's digests -> (deep, shallow) made since
    version: int = VERSION


class _Phase(logging.Handler):
    """The warnings of a build, by phase: reading the site, then the rest."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.reading = []
        self.later = []
        self.writing = False

    def emit(self, log_record):
        (self.later if self.writing else self.reading).append(ShownWarning.of(log_record))


class Recording:
    def __init__(self, settings):
        self.settings = settings
        self.sources = source_stamps(settings["PATH"])  # before anything is read
        self.pieces = _made
        self.generators = []
        self.jobs = []  # RecordedPage
        self.feeds = []  # RecordedFeed
        self.kinds = {}  # id(template environment) -> generator class name
        self.renders = None  # the build's use of the render record (its digests)
        self.broken_links = 0  # reported by the link check
        self.warnings = _Phase()
        logging.getLogger().addHandler(self.warnings)

    def close(self):
        logging.getLogger().removeHandler(self.warnings)


def source_stamps(root):
    """``{path below root: stamp}`` of every file: its digest when small,
    else its size, modification and change time (a change time cannot be
    set back)."""
    found = {}

    def walk(folder, prefix):
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir():
                    walk(entry.path, prefix + entry.name + os.sep)
                    continue
                stat = entry.stat()
                if stat.st_size < DIGESTED_BELOW:
                    with open(entry.path, "rb") as handle:
                        found[prefix + entry.name] = hashlib.blake2b(handle.read(), digest_size=16).hexdigest()
                else:
                    found[prefix + entry.name] = [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns]

    walk(root, "")
    return found


def output_manifest(root):
    """``{path below root: [size, mtime_ns]}`` of every file."""
    found = {}
    for folder, _, names in os.walk(root):
        prefix = os.path.relpath(folder, root)
        prefix = "" if prefix == "." else prefix + os.sep
        for name in names:
            stat = os.stat(os.path.join(folder, name))
            found[prefix + name] = [stat.st_size, stat.st_mtime_ns]
    return found


# --- one build's recording -------------------------------------------------
def start(pelican):
    """A build starts: keep what the next one may need (not a quick one's)."""
    global _recording
    if _recording is not None:
        _recording.close()
    _recording = None
    _made.start()
    if getattr(pelican, "linli_quick", False) or pelican.settings.get("LINLI_CHECK_ONLY"):
        return
    if enabled(pelican.settings):
        _recording = Recording(pelican.settings)
    else:
        build_record.of(pelican).put(HEAD, None)
        build_record.of(pelican).put(BODY, None)


def piece_made(content):
    _made.made(content)


def headers():
    """``{absolute source: metadata as made}`` of the articles and pages
    read by the build in progress."""
    return _made.headers


def generators_done(generators):
    if _recording is not None:
        _recording.generators = list(generators)
        _recording.kinds = {id(g.env): type(g).__name__ for g in generators if hasattr(g, "env")}


def before_writing(pelican):
    """Every piece as the pages will see it, before any is rendered."""
    if _recording is not None:
        from . import current

        _recording.renders = current()
        _recording.pieces.before_writing(_recording.generators)
        _recording.warnings.writing = True
    return None  # not a writer: the safety plugin's is the one


def on_page_queued(writer, job):
    if _recording is not None:
        kind = _recording.kinds.get(id(getattr(job.template, "environment", None)), "")
        _recording.jobs.append(RecordedPage(job.name, job.template.name, kind, job.snapshot, job.options, job.kwargs))


def on_feed_queued(writer, feed):
    if _recording is not None:
        _recording.feeds.append(RecordedFeed(*feed))


def on_links_checked(pelican, broken):
    if _recording is not None:
        _recording.broken_links = len(broken)


def save(pelican, target, **_):
    """The build was published: keep what the next build needs for a quick
    rebuild, when it can vouch for it."""
    global _recording
    recording, _recording = _recording, None
    update = getattr(pelican, "linli_quick_update", None)
    if update is not None:
        _update_head(pelican, target, update)
    if recording is None:
        return
    recording.close()
    build = build_record.of(pelican)
    build.put(HEAD, None)
    build.put(BODY, None)
    renders = recording.renders
    # Warnings while rendering or finishing: broken links (which the link
    # check of a quick rebuild reports again itself), or none kept.
    if len(recording.warnings.later) > recording.broken_links or renders is None or renders.fingerprints is None:
        return
    if not recording.generators:
        return
    editable = recording.pieces.editable()
    token = os.urandom(16).hex()
    head = QuickHead(
        site=build.site_key,
        build_date=str(build_date(pelican.settings)),
        sources=recording.sources,
        output=output_manifest(target),
        level=logging.getLogger().getEffectiveLevel(),
        editable=sorted(editable),
        warnings=recording.warnings.reading,
        finish_warnings=recording.warnings.later,
        token=token,
    )
    states = recording.pieces.states
    body = {
        "token": token,
        "context": recording.generators[0].context,
        "jobs": recording.jobs,
        "feeds": recording.feeds,
        "pieces": {source: state.piece for source, state in editable.items()},
        "headers": {source: state.header for source, state in editable.items()},
        "digests": [entry for entry in renders.fingerprints.pinned() if id(entry[0]) in states],
        "links_key": renders.fingerprints.links,
        "render_state": render_state(),
    }
    try:
        data = dump_flat(body, {key: (state.attributes, state.metadata) for key, state in states.items()})
    except Exception as error:  # something a plugin put in the context that cannot be kept
        logging.getLogger(__name__).debug("quick rebuild snapshot not kept: %s", error)
        return
    build.put(HEAD, head)
    build.put(BODY, data)


def _update_head(pelican, target, update):
    """After a quick rebuild: the head describes the site it published; the
    body stays as it was, with the new bodies and digests kept in the head."""
    head = update.head
    head.sources = update.sources
    head.output = output_manifest(target)
    head.bodies.update(update.bodies)
    fingerprints = update.renders.fingerprints
    for index, (piece, deep, shallow) in enumerate(update.digests) if fingerprints is not None else ():
        made = fingerprints.made(piece)
        now = (made[0] or deep, made[1] or shallow)
        if now != (deep, shallow):
            head.digests[index] = now
    build_record.of(pelican).put(HEAD, head)


# --- the body, pickled flat ---------------------------------------------------
class _FlatPickler(pickle.Pickler):
    """Pickles each piece as a reference; its state is written after."""

    def __init__(self, file):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.pieces = []
        self._index = {}

    def persistent_id(self, obj):
        if isinstance(obj, Content):
            index = self._index.get(id(obj))
            if index is None:
                index = self._index[id(obj)] = len(self.pieces)
                self.pieces.append(obj)
            return index, type(obj)
        return None


class _FlatUnpickler(pickle.Unpickler):
    def __init__(self, file):
        super().__init__(file)
        self.pieces = {}

    def persistent_load(self, pid):
        index, cls = pid
        piece = self.pieces.get(index)
        if piece is None:
            piece = self.pieces[index] = cls.__new__(cls)
        return piece


def dump_flat(data, states):
    """``data`` as bytes, each piece in it written once, with the state
    ``states[id(piece)]`` holds ((attributes, metadata): as it was before
    rendering), else its own."""
    out = io.BytesIO()
    pickler = _FlatPickler(out)
    pickler.dump(data)
    done = 0
    while done < len(pickler.pieces):  # a piece's state may name more pieces
        piece = pickler.pieces[done]
        attributes, metadata = states.get(id(piece), (vars(piece), piece.metadata))
        pickler.dump(dict(attributes, metadata=dict(metadata)))
        done += 1
    pickler.dump(None)
    return out.getvalue()


def load_flat(data):
    unpickler = _FlatUnpickler(io.BytesIO(data))
    loaded = unpickler.load()
    index = 0
    while (state := unpickler.load()) is not None:
        unpickler.pieces[index].__dict__.update(state)
        index += 1
    return loaded


def register():
    signals.get_generators.connect(start)
    signals.content_object_init.connect(piece_made)
    signals.all_generators_finalized.connect(generators_done)
    signals.get_writer.connect(before_writing)
    page_queued.connect(on_page_queued)
    feed_queued.connect(on_feed_queued)
    links_checked.connect(on_links_checked)
    site_swapped.connect(save)
