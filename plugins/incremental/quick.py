"""Quick rebuilds: when the only change since the last build is the body of
some articles or pages, read just those files and replay the last build's
writing with the snapshot's context (snapshot.py), without reading the site
again.

The next build (``QuickPelican``, Pelican's ``PELICAN_CLASS``) is a quick
one only when all of this holds — otherwise it is a normal (incremental)
build:

- the settings, theme, plugin code and libraries (the site key) and
  ``BUILD_DATE`` are those of the recorded build, whose warnings while
  rendering and finishing were broken links at most;
- ``output/`` is exactly what that build published (every file's size and
  modification time);
- no file below ``content/`` was added or removed, and every file that
  changed (by its digest) is the source of an article or page whose header,
  photo and attachment references are unchanged, and that no warning of the
  last build is about;
- reading the changed files logs no warning.

Then every page the last build wrote is asked of the writer again, as the
generators asked for it: the render record's keys (made from the
snapshot's digests, those of the changed pieces and the pieces pointing at
them made again) carry over every page that does not show a changed body,
and render the others. Feeds that show one are written again, the others
carried. The build then finishes as every build does (Pelican's
``finalized``: the atomic finish with all its stages — link check, search
index, sitemap, compressed copies — and the swap). The warnings the last
build showed while reading the site are shown again first, word for word.
``tests/test_quick.py`` compares the result with a clean build byte for byte.
"""

import contextlib
import gc
import logging
import os
import sys
from dataclasses import dataclass

from pelican import Pelican, signals
from pelican.generators import ArticlesGenerator, PagesGenerator

# pelicanconf.py imports this module while Pelican reads the settings, before
# it loads the plugins: nothing here may need a plugin to be registered.
from .. import build_record
from ..common import SITE_FILES, build_date, logger, relative_path
from ..events import use_render_state
from ..safety.writer import Job, final_urls
from ..fingerprint import Reach
from . import snapshot
from .fastpath import PieceState, Problems, Refused, read_again
from .snapshot import BODY, HEAD, VERSION, QuickHead, enabled, load_flat, output_manifest, source_stamps

REFUSED = 75  # the forked quick rebuild's exit status when the normal build must run


class QuickPelican(Pelican):
    """Pelican, trying a quick rebuild first (``PELICAN_CLASS`` in
    pelicanconf.py). Every build starts here by loading the build record."""

    def run(self):
        build = build_record.start(self)
        if not rebuild(self, build):
            super().run()


@dataclass
class QuickUpdate:
    """What a quick rebuild changes in the snapshot's head once published
    (snapshot.save): the sources it saw, the bodies it put in, the digests it
    made again."""

    head: QuickHead
    sources: dict
    bodies: dict  # source -> body
    digests: list  # the body's (piece, deep, shallow), as the last build left them
    renders: object  # the build's Renders, whose fingerprints made the new digests


def rebuild(pelican, build):
    """True when the site was rebuilt quickly (or needed nothing); False:
    build it the normal way.

    The quick rebuild runs in a forked process: when it is refused half
    way, the normal build that follows starts from a process no plugin has
    touched yet."""
    settings = pelican.settings
    if not enabled(settings) or not hasattr(os, "fork"):
        return False
    # Short, and it unpickles the whole site at once: the cyclic garbage
    # collector would only walk those objects again and again.
    gc.disable()
    try:
        return _rebuild_in_fork(pelican, build)
    finally:
        gc.enable()


def _rebuild_in_fork(pelican, build):
    try:
        found = _changes(pelican.settings, build)
    except Refused as why:
        logger.info("完整构建 / full build: %s", why)
        return False
    if found is None:
        head = build.get(HEAD)
        for warning in head.warnings + head.finish_warnings:  # they still stand
            warning.show()
        print("没有变化，output/ 保持原样 / nothing changed, output/ left as it is", file=sys.stderr)
        return True
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = REFUSED
        try:
            code = _rebuild(pelican, build, *found)
        except SystemExit as stop:  # the build failed (its errors were logged)
            code = stop.code if isinstance(stop.code, int) else 1
        except BaseException as error:  # anything unforeseen: the normal build decides
            logger.info("完整构建 / full build: %r", error)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code == REFUSED:
        return False
    if code:
        raise SystemExit(code)
    return True


def _changes(settings, build):
    """(head, sources, changed files) since the last build's snapshot, None
    when nothing changed; Refused when a quick rebuild cannot be made."""
    head = build.get(HEAD)
    if not isinstance(head, QuickHead) or head.version != VERSION:
        raise Refused("no snapshot of the last build")
    if head.site != build.site_key:
        raise Refused("settings, theme, plugins or libraries changed")
    if head.build_date != str(build_date(settings)):
        raise Refused("BUILD_DATE changed")
    if head.level > logging.WARNING >= logging.getLogger().getEffectiveLevel():
        raise Refused("the last build was quiet: its warnings were not looked for")
    sources = source_stamps(settings["PATH"])
    if sources.keys() != head.sources.keys():
        raise Refused("files were added, removed or renamed")
    changed = sorted(path for path, stamp in sources.items() if stamp != head.sources[path])
    if output_manifest(os.path.abspath(settings["OUTPUT_PATH"])) != head.output:
        raise Refused("output/ changed since the last build")
    if not changed:
        return None
    root = os.path.abspath(settings["PATH"])
    editable = set(head.editable)
    for path in changed:
        if os.path.join(root, path) not in editable:
            raise Refused(f"{path} is not the source of an article or page")
        named = {os.path.join(root, path), relative_path(os.path.join(root, path))}
        if any(name in warning.message for warning in head.warnings for name in named):
            raise Refused(f"a warning of the last build is about {path}")
    return head, sources, [os.path.join(root, path) for path in changed]


def _rebuild(pelican, build, head, sources, changed):
    """In the forked process: 0 when the site was rebuilt, REFUSED."""
    pelican.linli_quick = True  # the plugins' start: no snapshot, no memo
    root_logger = logging.getLogger()
    # The staging folder, the render record, the photo registry …; and the
    # generator classes plugins add (a notice's page renders with its own).
    kinds = {cls.__name__: cls for cls in (ArticlesGenerator, PagesGenerator)}
    for _, cls in signals.get_generators.send(pelican):
        for each in cls if isinstance(cls, (list, tuple)) else [cls]:
            if isinstance(each, type):
                kinds[each.__name__] = each
    from . import current

    renders = current()
    problems = Problems()
    try:
        if renders is None or not renders.previous:
            raise Refused("no render record of the last build")
        staging = pelican.output_path
        linked = _link_published(renders.output, staging)
        try:
            with _only(problems):
                body = _body(build, head)
                use_render_state(body["render_state"])  # the photos and asset names the pages were rendered with
                generators, reach, bodies = _plan(pelican, head, body, changed, kinds, renders)
                problems.check()
                writer = pelican._get_writer()
                jobs, feeds = _reached(writer, body, generators, reach, renders)
        finally:
            linked()
    except Refused as why:
        from ..safety import atomic

        atomic.discard_staging(pelican)
        logger.info("完整构建 / full build: %s", why)
        return REFUSED
    # From here on, as every build: what it shows is true of this site.
    head.level = max(head.level, root_logger.getEffectiveLevel())  # a quiet rebuild vouches for no loud one
    pelican.linli_quick_update = QuickUpdate(head, sources, bodies, body["digests"], renders)
    for warning in head.warnings:  # what the last build said while reading the files not read now
        warning.show()
    with final_urls():  # the pieces' addresses are as the snapshot keeps them
        _write(writer, body, jobs, feeds, renders.output)
        signals.finalized.send(pelican)  # the queued pages render, the build finishes and is swapped in
    print(f"快速重建：只读了改动的稿件 / quick rebuild: only the edited files were read ({renders.rendered} pages)",
          file=sys.stderr)
    return 0


def _body(build, head):
    try:
        body = load_flat(build.get(BODY))
    except Exception:
        body = None
    if not isinstance(body, dict) or body.get("token") != head.token:
        raise Refused("the snapshot of the last build is incomplete")
    for source, text in head.bodies.items():
        body["pieces"][source]._content = text
    for index, (deep, shallow) in head.digests.items():
        body["digests"][index] = (body["digests"][index][0], deep, shallow)
    return body


def _plan(pelican, head, body, changed, kinds, renders):
    """Read the changed files again, and seed the render record with every
    digest that still holds: ({generator kind: a generator of that kind,
    whose templates render its pages}, the feeds to write again, the new
    bodies)."""
    shared, pieces = body["context"], body["pieces"]
    for kind in {page.kind for page in body["jobs"]}:
        if kind not in kinds:
            raise Refused(f"no generator {kind} in this build")
    generators = _Generators(pelican, kinds, shared)
    generator = generators["ArticlesGenerator"]
    bodies = {}
    for source in changed:
        old = pieces[source]
        state = PieceState(old, dict(vars(old)), dict(old.metadata), body["headers"].get(source))
        old._content = bodies[source] = read_again(
            generator.readers, generator.path, source, state, snapshot.headers(), shared,
        )
    reach = Reach({id(pieces[source]) for source in changed}, renders.recorded_variables)
    # Every address and photo is as it was: the body's own links aside, which its fingerprint holds.
    renders.links_key = body["links_key"]
    renders.seeds = [
        (piece, None if reach.shows(piece) else deep, None if reach.is_changed(piece) else shallow)
        for piece, deep, shallow in body["digests"]
    ]
    return generators, reach, bodies


def _reached(writer, body, generators, reach, renders):
    """The last build's pages as the writer's jobs, each with whether it
    shows a changed piece (the others are carried over without being asked
    for: their entries in the render record stand), and the feeds that do."""
    jobs = []
    for page in body["jobs"]:
        template = _LazyTemplate(generators, page.kind, page.template)
        job = Job(page.name, template, body["context"], page.context, page.options, page.kwargs)
        shows = reach.page_shows(page.template, page.context, page.kwargs)
        if not shows and not renders.carried_unasked(writer.output_names(job)):
            raise Refused(f"the render record does not know {page.name}")
        jobs.append((job, shows))
    feeds = {id(feed) for feed in body["feeds"] if reach.any(feed.items)}
    return jobs, feeds


class _Generators(dict):
    """A generator of each kind, made when a page of that kind is rendered
    (its templates render the page): most kinds have none to render."""

    def __init__(self, pelican, kinds, context):
        super().__init__()
        self._pelican, self._kinds, self._context = pelican, kinds, context

    def __missing__(self, kind):
        pelican = self._pelican
        # Their readers read the changed files only: not Pelican's cache of all of them.
        made = self[kind] = self._kinds[kind](
            context=self._context, settings=dict(pelican.settings, CACHE_CONTENT=False, LOAD_CONTENT_CACHE=False),
            path=pelican.path, theme=pelican.theme, output_path=pelican.output_path,
        )
        return made


class _LazyTemplate:
    """A template compiled when a page is rendered with it, not when the
    page is carried over (most are)."""

    def __init__(self, generators, kind, name):
        self._generators, self._kind = generators, kind
        self.name = name

    @property
    def environment(self):
        return self._generators[self._kind].env

    def render(self, context):
        return self.environment.get_template(self.name).render(context)


def _write(writer, body, jobs, feeds, published):
    """The last build's pages and feeds: those that show a changed piece
    asked of the writer as the generators asked for them (with the shared
    context as it was at each call), the others carried over."""
    shared = body["context"]
    for job, shows in jobs:
        if shows:
            shared.clear()
            shared.update(job.snapshot)
            writer.write_file(job.name, job.template, shared, **job.options, **job.kwargs)
        else:
            writer.carry_job(job, published)
    for feed in body["feeds"]:
        path = feed.kwargs.get("path") or feed.args[0]
        if id(feed) in feeds:
            shared.clear()
            shared.update(feed.context)
            writer.write_feed(feed.items, shared, *feed.args, **feed.kwargs)
        else:
            writer.carry_feed(path, os.path.join(published, path))


def _link_published(published, staging):
    """Every file of the published site in the staged one, as a hard link,
    except what the finish writes again whole (the search index, the
    sitemap, compressed copies): nothing may write into a linked file. The
    writer links the pages again itself. Thousands of folders take most of
    a second: a forked process makes them while this one reads and plans;
    call the returned function before anything is written."""
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 1
        try:
            for folder, dirs, names in os.walk(published):
                relative = os.path.relpath(folder, published)
                relative = "" if relative == "." else relative.replace(os.sep, "/") + "/"
                dirs[:] = [name for name in dirs if (relative + name + "/") not in SITE_FILES]
                target = os.path.join(staging, relative)
                os.makedirs(target, exist_ok=True)
                for name in names:
                    if not name.endswith((".gz", ".br")) and relative + name not in SITE_FILES:
                        os.link(os.path.join(folder, name), os.path.join(target, name))
            code = 0
        finally:
            os._exit(code)

    def wait():
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status):
            raise Refused("the published files could not be linked into the staged site")

    return wait


@contextlib.contextmanager
def _only(handler):
    """Log to ``handler`` alone while the quick rebuild may still be
    refused: a message the normal build will log again must not reach the
    terminal twice. (Under `pelican -q` warnings are not logged at all, as
    in the normal build.)"""
    root = logging.getLogger()
    handlers = root.handlers[:]
    root.handlers[:] = [handler]
    try:
        yield
    finally:
        root.handlers[:] = handlers
