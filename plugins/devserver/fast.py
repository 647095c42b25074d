"""The edited page first: after a save that changed only the body of one
article or page, render that page alone with the last good build's context
(already in memory) and serve it at once; the normal incremental build runs
right after it and its output replaces the page.

What the fast page is made from, so that it equals the page the build then
writes:

- the file read again through the same generator's readers, so every
  ``content_object_init`` step runs on the new body (sanitising, the path
  guard, masking personal data …);
- the previous piece's attributes as they were before any page was rendered
  (a snapshot taken when Pelican asks for its writer: after every generator,
  plugin and link refresh has run, before templates cache anything on the
  piece), with only the new body put in;
- the template and the local context the writer used for that page in the
  last build (recorded on ``content_written``), and the build's own photo
  registry and asset names while it renders.

The fast path is refused — the save goes straight to the normal build — for
anything else: a header (metadata) change, a new, deleted or renamed file, a
photo or attachment reference added or removed in the body, a notice or an
album, theme, settings or plugin files, or any error or warning while the
page is read or rendered. Nothing here writes into output/: the page is held
by the preview server until the build that follows replaces it.
"""

import contextlib
import logging
import os
from dataclasses import dataclass, field

from pelican import signals
from pelican.contents import Content
from pelican.utils import memoized

from ..incremental.quick import Problems, Refused, body_only_change
from ..incremental.snapshot import FAST_KINDS

# The kinds a body-only save can be shown from, and what "body only" means,
# are the quick rebuild's (plugins/incremental/quick.py).
PIECE_KEYS = ("article", "page")
PAGE_OWN = frozenset({"localsiteurl", "SITEURL", "output_file", *PIECE_KEYS})


@dataclass
class Recorded:
    """One piece of the last good build and the page it was written to."""

    generator: object
    piece: Content
    snapshot: dict  # vars(piece) before any page was rendered
    metadata: dict
    header: dict  # its metadata when it was made (content_object_init): the file's header
    name: str = None  # output file, relative to the output folder
    own_context: dict = None  # what the page's local context had beyond the shared one


@dataclass
class LastBuild:
    """What the last good build left in memory for the fast path."""

    pieces: dict = field(default_factory=dict)  # absolute source path -> Recorded
    registry: object = None  # plugins.gallery.state.registry of that build
    asset_names: dict = None  # plugins.assets.fingerprint._names of that build
    output: str = ""

    def sources(self):
        return frozenset(path for path, recorded in self.pieces.items() if recorded.name)


class Recorder:
    """Connected to the signals of every build of this process; hands over
    a LastBuild when the build succeeded."""

    def __init__(self):
        self._building = None
        self._generators = []
        self.headers = {}  # absolute source path -> metadata as made, this build
        # blinker keeps weak references to bound methods: self lives in Preview.
        signals.content_object_init.connect(self._made)
        signals.all_generators_finalized.connect(self._finalized)
        signals.get_writer.connect(self._before_writing)
        signals.content_written.connect(self._written)

    def start(self):
        self._building = LastBuild()
        self._generators = []
        self.headers = {}

    def _made(self, content):
        if type(content) in FAST_KINDS and getattr(content, "source_path", None):
            self.headers[os.path.abspath(content.source_path)] = dict(content.metadata)

    def finish(self):
        """The LastBuild of the build that just succeeded."""
        built, self._building = self._building, None
        self._generators = []
        return built

    def _finalized(self, generators):
        self._generators = list(generators)

    def _before_writing(self, pelican):
        built = self._building
        if built is None:
            return None
        for generator in self._generators:
            for name, value in vars(generator).items():
                if not isinstance(value, list) or name.startswith("draft"):
                    continue
                for item in value:
                    if type(item) not in FAST_KINDS or not getattr(item, "source_path", None):
                        continue
                    path = os.path.abspath(item.source_path)
                    known = built.pieces.get(path)
                    if known is not None and known.piece is item:
                        continue  # the same piece in another list (dates …)
                    header = self.headers.get(path)
                    if header is not None:
                        built.pieces[path] = Recorded(generator, item, dict(vars(item)), dict(item.metadata), header)
        from ..assets import fingerprint
        from ..gallery import state

        built.registry = state.registry
        built.asset_names = dict(fingerprint._names)
        built.output = os.path.abspath(pelican.settings["OUTPUT_PATH"])
        return None  # not a writer: the safety plugin's is the one

    def _written(self, path, context):
        built = self._building
        if built is None:
            return
        piece = next((context[key] for key in PIECE_KEYS if context.get(key) is not None), None)
        source = getattr(piece, "source_path", None)
        recorded = built.pieces.get(os.path.abspath(source)) if source else None
        if recorded is None or recorded.piece is not piece or context.get("output_file") != piece.save_as:
            return
        shared = recorded.generator.context
        recorded.name = context["output_file"]
        # The writer points the shared context's localsiteurl at each page's
        # relative address before rendering it: that one is the page's own too.
        recorded.own_context = {key: value for key, value in context.items()
                                if key in PAGE_OWN or key not in shared or shared[key] is not value}


def forget_memoised(pieces=None):
    """Pelican memoises Content.get_content and get_summary in class-level
    dicts keyed by (piece, siteurl): drop the entries of ``pieces`` (all
    when None)."""
    for value in vars(Content).values():
        if isinstance(value, memoized):
            if pieces is None:
                value.cache.clear()
            else:
                for key in [key for key in value.cache if key and key[0] in pieces]:
                    del value.cache[key]


@contextlib.contextmanager
def _build_state(built):
    """The photo registry and asset names of the build the context belongs
    to (a later build that failed or was superseded replaced them)."""
    from ..assets import fingerprint
    from ..gallery import state

    registry, names = state.registry, dict(fingerprint._names)
    state.registry = built.registry
    fingerprint._names.clear()
    fingerprint._names.update(built.asset_names or {})
    try:
        yield
    finally:
        state.registry = registry
        fingerprint._names.clear()
        fingerprint._names.update(names)


@contextlib.contextmanager
def _no_problems():
    """Any warning or error while the page is made refuses the fast path."""
    handler = Problems()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
    handler.check()


class FastPages:
    """The pieces whose body the fast path changed since the last good build
    (restored before each fast page and when a build fails)."""

    def __init__(self, recorder):
        self.recorder = recorder
        self.last = None  # LastBuild
        self.changed = {}  # source path -> body put in

    def adopt(self, built):
        """A build succeeded: its pieces are the ones to change from now on."""
        self.last = built
        self.changed = {}

    def restore(self):
        """Back to the last good build (its build failed, or the next one runs)."""
        if self.last is None:
            return
        touched = [self.last.pieces[path] for path in self.changed if path in self.last.pieces]
        for recorded in touched:
            _reset(recorded)
        forget_memoised({recorded.piece for recorded in touched})
        self.changed = {}

    def render(self, path):
        """(output name, HTML) of the page of ``path`` with its new body, or
        Refused."""
        built = self.last
        if built is None:
            raise Refused("no good build yet")
        recorded = built.pieces.get(os.path.abspath(path))
        if recorded is None or recorded.name is None:
            raise Refused("not the source of an article or page of the last build")
        generator, old = recorded.generator, recorded.piece
        with _no_problems():
            new = generator.readers.read_file(
                base_path=generator.path,
                path=os.path.relpath(os.path.abspath(path), generator.path),
                content_class=type(old),
                context=generator.context,
            )
            if type(new) is not type(old) or not new.is_valid():
                raise Refused("not a valid piece of the same kind any more")
            body_only_change(recorded.snapshot, recorded.header, new, self.recorder.headers.get(os.path.abspath(path)))
        bodies = dict(self.changed)
        bodies[recorded.piece.source_path] = new._content
        # Every body changed since the last good build stays changed: the
        # build that follows would show them all.
        touched = []
        for source, body in bodies.items():
            other = built.pieces[os.path.abspath(source)]
            _reset(other)
            other.piece._content = body
            touched.append(other.piece)
        forget_memoised(set(touched))
        self.changed = {os.path.abspath(source): body for source, body in bodies.items()}
        # The page's local context as the writer made it: the shared context
        # of that build (which it still is) with the page's own variables.
        localcontext = dict(generator.context)
        localcontext.update(recorded.own_context)
        template = generator.get_template(old.template)
        with _no_problems(), _build_state(built):
            # As Pelican's writer does: the shared context follows the page's
            # relative SITEURL, which the pieces' links are made with.
            generator.context["localsiteurl"] = localcontext["localsiteurl"]
            html = template.render(localcontext)
        return recorded.name, html


def _reset(recorded):
    piece = recorded.piece
    piece.__dict__.clear()
    piece.__dict__.update(recorded.snapshot)
    piece.metadata = dict(recorded.metadata)
