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

from ..events import render_state, rendering_with
from ..incremental.fastpath import PieceRecorder, PieceState, Problems, Refused, read_again, restore

# The kinds a body-only save can be shown from, what "body only" means, and
# the pieces as they were before rendering are the quick rebuild's
# (plugins/incremental/fastpath.py).
PIECE_KEYS = ("article", "page")
PAGE_OWN = frozenset({"localsiteurl", "SITEURL", "output_file", *PIECE_KEYS})


@dataclass
class Recorded:
    """One piece of the last good build and the page it was written to."""

    generator: object
    state: PieceState  # the piece before any page was rendered
    name: str = None  # output file, relative to the output folder
    own_context: dict = None  # what the page's local context had beyond the shared one


@dataclass
class LastBuild:
    """What the last good build left in memory for the fast path."""

    pieces: dict = field(default_factory=dict)  # absolute source path -> Recorded
    render_state: dict = None  # plugins/events.py render_state() of that build
    output: str = ""

    def sources(self):
        return frozenset(path for path, recorded in self.pieces.items() if recorded.name)


class Recorder:
    """Connected to the signals of every build of this process; hands over
    a LastBuild when the build succeeded."""

    def __init__(self):
        self._building = None
        self._generators = []
        self.pieces = PieceRecorder()
        # blinker keeps weak references to bound methods: self lives in Preview.
        signals.content_object_init.connect(self._made)
        signals.all_generators_finalized.connect(self._finalized)
        signals.get_writer.connect(self._before_writing)
        signals.content_written.connect(self._written)

    @property
    def headers(self):
        return self.pieces.headers

    def start(self):
        self._building = LastBuild()
        self._generators = []
        self.pieces.start()

    def _made(self, content):
        self.pieces.made(content)

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
        self.pieces.before_writing(self._generators)
        generator_of = {}
        for generator in self._generators:
            for name, value in vars(generator).items():
                if isinstance(value, list) and not name.startswith("draft"):
                    for item in value:
                        generator_of.setdefault(id(item), generator)
        for path, state in self.pieces.editable().items():
            generator = generator_of.get(id(state.piece))
            if generator is not None:
                built.pieces[path] = Recorded(generator, state)
        built.render_state = render_state()
        built.output = os.path.abspath(pelican.settings["OUTPUT_PATH"])
        return None  # not a writer: the safety plugin's is the one

    def _written(self, path, context):
        built = self._building
        if built is None:
            return
        piece = next((context[key] for key in PIECE_KEYS if context.get(key) is not None), None)
        source = getattr(piece, "source_path", None)
        recorded = built.pieces.get(os.path.abspath(source)) if source else None
        if recorded is None or recorded.state.piece is not piece or context.get("output_file") != piece.save_as:
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
            restore(recorded.state)
        forget_memoised({recorded.state.piece for recorded in touched})
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
        generator, old = recorded.generator, recorded.state.piece
        with _no_problems():
            body = read_again(generator.readers, generator.path, os.path.abspath(path), recorded.state,
                              self.recorder.headers, generator.context)
        bodies = dict(self.changed)
        bodies[os.path.abspath(path)] = body
        # Every body changed since the last good build stays changed: the
        # build that follows would show them all.
        touched = []
        for source, text in bodies.items():
            other = built.pieces[source]
            restore(other.state, text)
            touched.append(other.state.piece)
        forget_memoised(set(touched))
        self.changed = bodies
        # The page's local context as the writer made it: the shared context
        # of that build (which it still is) with the page's own variables.
        localcontext = dict(generator.context)
        localcontext.update(recorded.own_context)
        template = generator.get_template(old.template)
        with _no_problems(), rendering_with(built.render_state):
            # As Pelican's writer does: the shared context follows the page's
            # relative SITEURL, which the pieces' links are made with.
            generator.context["localsiteurl"] = localcontext["localsiteurl"]
            html = template.render(localcontext)
        return recorded.name, html
