"""Quick rebuilds: when the only change since the last build is the body of
some articles or pages, render just the pages that show those pieces and
carry every other file over, without reading the site again.

A normal build keeps what it rendered from (snapshot.py). The next build
(``QuickPelican``, Pelican's ``PELICAN_CLASS``) uses it only when all of
this holds — otherwise it is a normal (incremental) build:

- the settings, theme, plugin code and libraries (the site key) and
  ``BUILD_DATE`` are those of the recorded build, which showed no warning
  but broken links;
- ``output/`` is exactly what that build published (every file's size and
  modification time);
- no file below ``content/`` was added or removed, and every file that
  changed is the source of an article or page whose header, photo and
  attachment references are unchanged (the devserver's fast path asks the
  same of a save);
- reading the changed files and rendering the pages that show them logs no
  warning, no page's anchors changed, and those pages break exactly the
  links they broke before (the last build's report is then shown again).

Then what can differ from the last build is the pages and feeds that show a
changed piece (found the way the render record's fingerprints see pieces),
their compressed copies and the search index: exactly what the quick
rebuild writes. The rest of the staged site is hard links to the published
one, swapped in as usual. ``tests/test_quick.py`` compares it byte for byte
with a clean build.
"""

import contextlib
import gc
import logging
import os
import re
import shutil
import sys

from pelican import Pelican, signals
from pelican.generators import ArticlesGenerator, PagesGenerator

# pelicanconf.py imports this module while Pelican reads the settings, before
# it loads the plugins: the other plugins are imported where they are used.
from ..common import build_date, logger, read_pickle, relative_path, setting, write_pickle
from . import snapshot
from .fingerprint import SKIPPED, Reach
from .snapshot import enabled, output_manifest, snapshot_paths, source_stats

# Photos and attachments a body points at are processed by the build: a body
# that starts or stops pointing at one needs it.
REFERENCE = re.compile(r"[{|](?:static|attach)[|}][^\"'\s)>]*")
REFUSED = 75  # the forked quick rebuild's exit status when the normal build must run
PAGES_SUFFIX = "-pages"  # beside the staging folder: the pages a quick rebuild writes


class Refused(Exception):
    """Why this build is not a quick one (said on the terminal)."""


def body_only_change(attributes, header, new, new_header):
    """Raise Refused unless ``new`` (the file read again) differs from the
    piece recorded with ``attributes`` and ``header`` (its metadata when it
    was made) in its body alone."""
    if new_header is None or header is None or new_header != header:
        raise Refused("the header changed")
    if sorted(REFERENCE.findall(new._content or "")) != sorted(REFERENCE.findall(attributes.get("_content") or "")):
        raise Refused("photo or attachment references changed")
    for name, value in vars(new).items():
        if name in ("_content", "metadata") or name in SKIPPED:
            continue
        if name not in attributes or not _same(attributes[name], value):
            raise Refused(f"{name} changed")


def _same(a, b):
    if a is b:
        return True
    try:
        return bool(a == b)
    except Exception:
        return False


# --- the quick rebuild -----------------------------------------------------
class QuickPelican(Pelican):
    """Pelican, trying a quick rebuild first (``PELICAN_CLASS`` in
    pelicanconf.py)."""

    def run(self):
        from .renders import site_key

        # Taken before any plugin adds its defaults to the settings, in this
        # build and in the one that recorded the snapshot.
        self.linli_quick_key = site_key(self.settings)
        if not rebuild(self):
            super().run()


def rebuild(pelican):
    """True when the site was rebuilt quickly (or needed nothing); False:
    build it the normal way.

    The quick rebuild runs in a forked process: when it is refused half
    way (a warning, an unforeseen page), the normal build that follows
    starts from a process no plugin has touched yet."""
    settings = pelican.settings
    if not enabled(settings) or not hasattr(os, "fork"):
        return False
    # Short, and it unpickles the whole site at once: the cyclic garbage
    # collector would only walk those objects again and again.
    gc.disable()
    try:
        return _rebuild_in_fork(pelican, settings)
    finally:
        gc.enable()


def _rebuild_in_fork(pelican, settings):
    """rebuild(), with the collector off."""
    try:
        found = _load(settings, pelican.linli_quick_key)
    except Refused as why:
        logger.info("完整构建 / full build: %s", why)
        return False
    if found is None:
        print("没有变化，output/ 保持原样 / nothing changed, output/ left as it is", file=sys.stderr)
        return True
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = REFUSED
        try:
            code = _rebuild(pelican, *found)
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


def _rebuild(pelican, meta, data, sources, changed):
    """In the forked process: 0 when the site was rebuilt, REFUSED."""
    pelican.linli_quick = True  # the plugins' start: no snapshot, no memo
    problems = Problems()
    try:
        # The staging folder, the render record, the photo registry …; and the
        # generator classes plugins add (a notice's page renders with its own).
        kinds = {cls.__name__: cls for cls in (ArticlesGenerator, PagesGenerator)}
        for _, cls in signals.get_generators.send(pelican):
            for each in cls if isinstance(cls, (list, tuple)) else [cls]:
                if isinstance(each, type):
                    kinds[each.__name__] = each
        if meta["level"] > logging.WARNING >= logging.getLogger().getEffectiveLevel():
            raise Refused("the last build was quiet: its warnings were not looked for")
        # A quiet quick rebuild does not vouch for the next loud one either.
        meta["level"] = max(meta["level"], logging.getLogger().getEffectiveLevel())
        with _only(problems):
            rendered, written = _render(pelican, meta, data, changed, kinds, problems)
    except Refused as why:
        from ..safety import atomic

        atomic.discard_staging(pelican)
        logger.info("完整构建 / full build: %s", why)
        return REFUSED
    _finish(pelican, meta, sources, rendered, written)
    return 0


def _load(settings, key):
    """(meta, data, sources, changed) of the last build's snapshot, None when
    nothing changed since; Refused when a quick rebuild cannot be made."""
    head, body = snapshot_paths(settings)
    meta = read_pickle(head)
    if not isinstance(meta, dict) or meta.get("version") != snapshot.VERSION:
        raise Refused("no snapshot of the last build")
    if meta["site"] != key:
        raise Refused("settings, theme, plugins or libraries changed")
    if meta["build_date"] != str(build_date(settings)):
        raise Refused("BUILD_DATE changed")
    sources = source_stats(settings["PATH"])
    if sources.keys() != meta["sources"].keys():
        raise Refused("files were added, removed or renamed")
    changed = sorted(path for path, stat in sources.items() if stat != meta["sources"][path])
    if output_manifest(os.path.abspath(settings["OUTPUT_PATH"])) != meta["output"]:
        raise Refused("output/ changed since the last build")
    if not changed:
        return None
    root = os.path.abspath(settings["PATH"])
    editable = set(meta["editable"])
    for path in changed:
        if os.path.join(root, path) not in editable:
            raise Refused(f"{path} is not the source of an article or page")
    data = read_pickle(body)
    if not isinstance(data, dict) or data.get("token") != meta["token"]:
        raise Refused("the snapshot of the last build is incomplete")
    return meta, data, sources, [os.path.join(root, path) for path in changed]


def _render(pelican, meta, data, changed, kinds, problems):
    """Stage the last build's files and render again what shows a changed
    piece: (the number of pages rendered, the files written or carried)."""
    from ..safety.writer import GuardedWriter
    from . import current

    settings = pelican.settings
    shared = data["context"]
    for source, body in meta["bodies"].items():
        data["pieces"][source]._content = body
    renders = current()
    if renders is None or not renders.previous:
        raise Refused("no render record of the last build")
    staging = pelican.output_path
    # Pages are written aside while the published files are linked into the
    # staged site, then moved in over their links.
    pages = staging + PAGES_SUFFIX
    shutil.rmtree(pages, ignore_errors=True)
    linked = _link_published(renders.output, staging)
    try:
        try:
            previous_links = _previous_links(settings)
            generators, jobs, feeds, bodies = _plan(pelican, meta, data, changed, kinds, renders, problems)
            writer = GuardedWriter(pages, settings=settings)
            writer._queue = None  # render each page now, in this process
            _write(writer, shared, generators, jobs, feeds, problems)
        finally:
            linked()
        written = [os.path.relpath(path, pages) for path in writer.owners()]
        for name in written:
            os.makedirs(os.path.dirname(os.path.join(staging, name)), exist_ok=True)
            os.replace(os.path.join(pages, name), os.path.join(staging, name))
    finally:
        shutil.rmtree(pages, ignore_errors=True)
    renders.carry_the_rest()
    _keep_digests(meta, data, renders.fingerprints)
    _check_links(pelican, previous_links,
                 [path.replace(os.sep, "/") for path in meta["output"] if not path.endswith((".gz", ".br"))])
    problems.check()
    meta["bodies"].update(bodies)
    return renders.rendered, written


def _digests(data, meta):
    """(piece, deep, shallow) as the last build left them: the snapshot's,
    with those the quick rebuilds since made again."""
    found = data["digests"]
    for index, (deep, shallow) in meta["digests"].items():
        found[index] = (found[index][0], deep, shallow)
    return found


def _keep_digests(meta, data, fingerprints):
    """Digests this rebuild made again (a changed piece, its neighbours):
    the next quick rebuild starts from them."""
    if fingerprints is None:
        return
    for index, (piece, deep, shallow) in enumerate(data["digests"]):
        made = fingerprints.made(piece)
        now = (made[0] or deep, made[1] or shallow)
        if now != (deep, shallow):
            meta["digests"][index] = now


def _write(writer, shared, generators, jobs, feeds, problems):
    """The pages and feeds as the last build wrote them, with the new bodies."""
    from ..safety.writer import Job, final_urls

    with final_urls():
        for name, template, kind, held, options, kwargs in jobs:
            environment = generators[kind].env
            writer.render_job(Job(name, environment.get_template(template), shared, held, options, kwargs))
            problems.check()
        for items, held, args, kwargs in feeds:
            shared.clear()
            shared.update(held)
            writer.write_feed(items, shared, *args, **kwargs)
            problems.check()


def _plan(pelican, meta, data, changed, kinds, renders, problems):
    """Read the changed files again and find the pages and feeds that show
    them: ({generator kind: a generator of that kind, whose templates render
    its pages}, pages, feeds, the new bodies)."""
    from ..gallery import state

    settings = pelican.settings
    shared, pieces = data["context"], data["pieces"]
    state.registry = data["registry"]
    state.registry.output_path = pelican.output_path
    # Their readers read the changed files only: not Pelican's cache of all of them.
    generators = {}

    def generator_of(kind):
        if kind not in generators:
            if kind not in kinds:
                raise Refused(f"no generator {kind} in this build")
            generators[kind] = kinds[kind](
                context=shared, settings=dict(settings, CACHE_CONTENT=False, LOAD_CONTENT_CACHE=False),
                path=pelican.path, theme=pelican.theme, output_path=pelican.output_path,
            )
        return generators[kind]

    generator = generator_of("ArticlesGenerator")
    bodies = {}
    for source in changed:
        old = pieces[source]
        new = generator.readers.read_file(
            base_path=generator.path, path=os.path.relpath(source, generator.path),
            content_class=type(old), context=shared,
        )
        problems.check()
        if type(new) is not type(old) or not new.is_valid():
            raise Refused(f"{relative_path(source)} is not a valid piece of the same kind any more")
        body_only_change(vars(old), data["headers"].get(source), new, snapshot.headers.get(source))
        old._content = bodies[source] = new._content
    reach = Reach({id(pieces[source]) for source in changed}, renders.recorded_variables)
    # Every address and photo is as it was: the body's own links aside, which its fingerprint holds.
    renders.links_key = data["links_key"]
    renders.seeds = [
        (piece, None if reach.shows(piece) else deep, None if reach.is_changed(piece) else shallow)
        for piece, deep, shallow in _digests(data, meta)
    ]
    jobs = [job for job in data["jobs"] if reach.page_shows(job)]
    for _, _, kind, _, _, _ in jobs:
        generator_of(kind)
    feeds = [feed for feed in data["feeds"] if reach.any(feed[0])]
    if jobs:  # every piece digested before the first page is written (overlapping the links)
        renders.prepare(jobs[0][3])
    return generators, jobs, feeds, bodies


def _link_published(published, staging):
    """Every file of the published site in the staged one, as a hard link,
    except what is made again whole: the search index and the compressed
    copies (nothing may write into a linked file). Thousands of folders
    take most of a second: a forked process makes them while this one
    reads and plans; ``wait()`` before the first page is written."""
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 1
        try:
            for folder, dirs, names in os.walk(published):
                relative = os.path.relpath(folder, published)
                if relative == ".":
                    dirs[:] = [name for name in dirs if name != "pagefind"]
                target = os.path.normpath(os.path.join(staging, relative))
                os.makedirs(target, exist_ok=True)
                for name in names:
                    if not name.endswith((".gz", ".br")):
                        os.link(os.path.join(folder, name), os.path.join(target, name))
            code = 0
        finally:
            os._exit(code)

    def wait():
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status):
            raise Refused("the published files could not be linked into the staged site")

    return wait


def _previous_links(settings):
    """The link record of the last build, also for the pages the rendered
    listings carry over (they are not read again)."""
    from .. import links

    links.record.clear()
    links._previous.clear()
    if links._enabled(settings):
        links._previous.update(links._load(settings))
    return dict(links._previous)


def _check_links(pelican, previous, files):
    """The links of the pages written, against the staged site; the anchors
    of each must be those the last build recorded (other pages link to them)."""
    from .. import links
    from ..links.check import Site

    settings = pelican.settings
    if not links._enabled(settings):
        return
    written = {path: entry for path, entry in links.record.items() if previous.get(path) is not entry}
    for path, entry in written.items():
        old = previous.get(path)
        if old is None or old.ids != entry.ids:
            raise Refused(f"the anchors of {path} changed")
    everything = {**previous, **written}
    if links.reporter(settings) is not None:
        # The staged files are the published ones (the manifest), pages written over.
        site = Site(pelican.output_path, settings, setting(settings, "LINK_CHECK_ALLOW", links.DEFAULTS), files)
        # The last build's report stands if the pages written break the same
        # links as before; anything else is the normal build's to report.
        if _broken(site, previous, written) != _broken(site, everything, written):
            raise Refused("the pages written break other links than before")
    links.record.clear()
    links.record.update(everything)
    links._previous.clear()


def _broken(site, record, pages):
    """The broken links of ``pages`` in ``record``: what, where, on which page."""
    from ..links.check import find_broken

    return {key: sorted(item.pages) for key, item in find_broken(site, record, pages=set(pages)).items()}


def _finish(pelican, meta, sources, rendered, written):
    """Compress, index, swap in, and keep the snapshot up to date."""
    from .. import links
    from ..safety import atomic
    from ..safety.precompress import precompress
    from ..search.index import build_index

    staging = pelican.output_path
    report = links.reporter(pelican.settings)
    for where, message in meta["broken_links"] if report is not None else ():
        report(where, None, message)  # the last build's report, still true (_check_links)
    build_index(pelican, staging)
    precompress(pelican, staging)
    atomic.check_errors(pelican)
    target = atomic.swap(pelican)
    atomic.site_swapped.send(pelican, target=target)
    meta["sources"] = sources
    meta["output"] = _published_manifest(meta["output"], written, pelican.settings, target)
    write_pickle(snapshot_paths(pelican.settings)[0], meta)
    print(f"快速重建：只读了改动的稿件 / quick rebuild: only the edited files were read ({rendered} pages)",
          file=sys.stderr)


def _published_manifest(previous, written, settings, target):
    """output_manifest(target), from the previous one: every file but those
    written (and the search index and compressed copies, made again whole)
    is a hard link to the same file as before."""
    from ..safety.precompress import DEFAULTS as PRECOMPRESS
    from ..search.index import DEFAULTS as SEARCH

    if setting(settings, "PRECOMPRESS", PRECOMPRESS):
        return output_manifest(target)
    index = "pagefind" + os.sep
    manifest = {path: stat for path, stat in previous.items() if not path.startswith(index)}
    for path in written:
        stat = os.stat(os.path.join(target, path))
        manifest[path] = [stat.st_size, stat.st_mtime_ns]
    if setting(settings, "SEARCH_INDEX", SEARCH):
        for path, stat in output_manifest(os.path.join(target, "pagefind")).items():
            manifest[index + path] = stat
    return manifest


# Values that hold no piece (checked by exact type: most attributes are these).
class Problems(logging.Handler):
    """Any warning or error refuses the quick rebuild (and the devserver's
    fast page): the normal build that follows reports it where it belongs
    (and fails if it must)."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(record)

    def check(self):
        if self.records:
            record = self.records[0]
            raise Refused(f"{record.levelname}: {record.getMessage()[:200]}")


@contextlib.contextmanager
def _only(handler):
    """Log to ``handler`` alone: a message the normal build will log again
    must not reach the terminal twice. (Under `pelican -q` warnings are not
    logged at all, as in the normal build.)"""
    root = logging.getLogger()
    handlers = root.handlers[:]
    root.handlers[:] = [handler]
    try:
        yield
    finally:
        root.handlers[:] = handlers
