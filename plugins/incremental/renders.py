"""The render record: for every page the writer produced, the key of what
went into it; a page whose key is unchanged is carried over from the
previous output instead of being rendered again.

A page's key is the site-wide key (settings, templates and theme, plugin
code, library versions: plugins/build_record.py) plus the fingerprint of each
variable its template reads — found by reading the template and everything
it extends or includes, so a template that starts showing something new
depends on it at once. It is the ``pages`` section of the build record;
each entry keeps the size and modification time of the file it describes,
so an output folder changed by anything else is rendered again, never
trusted.

It hears the writer through the build events: ``pages_rendering`` (digest
every piece once), ``page_rendering`` (answer with the previous file when
the key is unchanged), ``page_rendered`` (keep the new key).
"""

import hashlib
import json
import os
from typing import NamedTuple

from jinja2 import meta
from pelican.contents import Content

from ..events import render_state
from ..fingerprint import Fingerprints

# Values every page may read without naming them: filters get SITEURL from
# the context (relative URLs differ per page) and the output file's name.
ALWAYS = ("SITEURL", "localsiteurl", "output_file")
SECTION = "pages"
_DEBUG = {} if os.environ.get("LINLI_DEBUG_KEYS") else None


class RendererShare(NamedTuple):
    """What a forked renderer hands back (plugins/safety/parallel.py)."""

    current: dict  # output name -> [key, indexed]
    index_changed: set
    rendered: int
    reused: int
    debug: dict | None


class Renders:
    """One build's use of the render record."""

    def __init__(self, settings, record, links_key=None):
        self.settings = settings
        self.record = record
        self.key = record.site_key
        stored = record.get(SECTION) or {}
        if stored.get("site") != self.key:
            stored = {}  # built differently: every page renders
        files = stored.get("files")
        self.previous = files if isinstance(files, dict) else {}  # output name -> [key, size, mtime_ns, indexed]
        self.output = os.path.abspath(settings["OUTPUT_PATH"])
        self.current = {}  # output name -> [key, indexed]
        self.index_changed = set()  # pages Pagefind reads that were added or changed
        self.rendered = 0
        self.reused = 0
        # Template name -> the variables it reads. Parsing the templates took
        # a tenth of a rebuild; the same site key means the same templates.
        templates = stored.get("templates")
        self._variables = {
            name: frozenset(names) for name, names in (templates.items() if isinstance(templates, dict) else ())
        }
        self._shared = {}
        self._keys = {}  # output name -> its key, between page_rendering and page_rendered
        self.fingerprints = None
        # From a quick rebuild's snapshot: (piece, deep, shallow) digests of
        # unchanged pieces, and the digest of every address and photo.
        self.seeds = ()
        self.links_key = links_key

    # --- what a template reads ------------------------------------------
    def variables(self, template):
        found = self._variables.get(template.name)
        if found is None:
            found = self._variables[template.name] = frozenset(_read_by(template.environment, template.name))
        return found

    def recorded_variables(self, name):
        """What template ``name`` reads, as the record knows it (None: unknown)."""
        return self._variables.get(name)

    def carried_unasked(self, names):
        """A quick rebuild carried these pages over without asking (they show
        no changed piece): the last build's entries stand. False when one is
        not in the record as it is in output/."""
        for name in names:
            old = self.previous.get(name)
            if old is None or not self._unchanged_since_recorded(name, old):
                return False
        for name in names:
            old = self.previous[name]
            self.current[name] = [old[0], old[3]]
            self.reused += 1
        return True

    def prepare(self, context):
        if self.fingerprints is None:
            self._start(context)

    def pages_rendering(self, jobs):
        """Once, before the renderers fork: digests of every piece, what each template reads."""
        self.prepare(jobs[0].snapshot)
        for job in jobs:
            self.variables(job.template)

    def page_key(self, template, context):
        self.prepare(context)
        digest = hashlib.blake2b(digest_size=16)
        digest.update(f"{self.key}|{template.name}".encode())
        names = self.variables(template)
        if None in names:  # a template chosen at render time: all of it
            names = set(context) - {None}
        for name in sorted(set(names) | set(ALWAYS)):
            if name not in context:
                continue
            value = context[name]
            shared = self._shared.get(name)
            if shared is not None and shared[0] is value:
                part = shared[1]
            else:
                part = self.fingerprints.value(value)
                if name in self._context_names and self._context[name] is value:
                    self._shared[name] = (value, part)
            digest.update(f"{name}={part};".encode())
            if _DEBUG is not None:
                _DEBUG.setdefault(context["output_file"], {})[name] = part
        return digest.hexdigest()

    def _start(self, context):
        """Digest every piece before the first page is rendered, so no
        filter's memo can make one build's digests differ from another's."""
        self._context = context
        self._context_names = {name for name in context if isinstance(name, str) and name.isidentifier()}
        self.fingerprints = Fingerprints(links=self.links_key or _links_key(context))
        for piece, deep, shallow in self.seeds:
            self.fingerprints.seed(piece, deep, shallow)
        pieces = {}
        for value in context.values():
            _collect_pieces(value, pieces, 3)
        for _, piece in sorted(pieces.items()):
            self.fingerprints.content(piece)

    # --- rendering ------------------------------------------------------
    def page_rendering(self, template, context):
        """The previous build's file of this page when it can be carried
        over (its key is unchanged, the file is as that build left it)."""
        name = context["output_file"]
        old = self.previous.get(name)
        key = self.page_key(template, context)
        if old is not None and old[0] == key and self._unchanged_since_recorded(name, old):
            self.reused += 1
            self.current[name] = [key, old[3]]
            return os.path.join(self.output, name)
        self._keys[name] = key
        return None

    def page_rendered(self, context, text):
        name = context["output_file"]
        self.rendered += 1
        indexed = "data-pagefind-body" in text
        self.current[name] = [self._keys.pop(name), indexed]
        old = self.previous.get(name)
        if (indexed or (old is not None and old[3])) and (old is None or self._previous_text(name) != text):
            self.index_changed.add(name)

    def _unchanged_since_recorded(self, name, old):
        try:
            stat = os.stat(os.path.join(self.output, name))
        except OSError:
            return False
        return [stat.st_size, stat.st_mtime_ns] == old[1:3]

    def _previous_text(self, name):
        try:
            with open(os.path.join(self.output, name), encoding="utf-8", newline="") as handle:
                return handle.read()
        except (OSError, UnicodeDecodeError):
            return None

    # --- rendered in several processes (plugins/safety/parallel.py) -------
    def collect(self):
        return RendererShare(self.current, self.index_changed, self.rendered, self.reused, _DEBUG)

    def merge(self, share):
        self.current.update(share.current)
        self.index_changed |= share.index_changed
        self.rendered += share.rendered
        self.reused += share.reused
        if _DEBUG is not None:
            _DEBUG.update(share.debug)

    def indexed_pages(self):
        """Every page of this build that Pagefind reads."""
        return sorted(name for name, (_, indexed) in self.current.items() if indexed)

    def index_changes(self):
        """Pages Pagefind reads that were added, changed or removed since the
        previous build (a removed one was indexed then and is gone or no
        longer indexed now)."""
        removed = {
            name for name, entry in self.previous.items()
            if entry[3] and not self.current.get(name, [None, False])[1]
        }
        return self.index_changed | removed

    def save(self, target):
        files = {}
        for name, (key, indexed) in sorted(self.current.items()):
            try:
                stat = os.stat(os.path.join(target, name))
            except OSError:
                continue
            files[name] = [key, stat.st_size, stat.st_mtime_ns, indexed]
        templates = {
            name: sorted(names, key=lambda name: (name is None, name or ""))
            for name, names in sorted(self._variables.items())
        }
        self.record.put(SECTION, {"site": self.key, "files": files, "templates": templates})
        if _DEBUG is not None:
            with open(os.environ["LINLI_DEBUG_KEYS"], "w", encoding="utf-8") as out:
                json.dump(_DEBUG, out, indent=1, sort_keys=True)


_parsed = {}  # template source -> (variables it reads, templates it uses)


def templates_read(environment):
    """What every template of ``environment`` reads (by its source), for a
    process that forks builds (`make html-all`, the tests' fork server)."""
    for name in environment.list_templates():
        try:
            _read_by(environment, name)
        except Exception:  # noqa: BLE001 - a broken template is the build's to report
            continue
    return dict(_parsed)


def remember_templates_read(known):
    """What ``templates_read`` found in another process."""
    _parsed.update(known)


def _read_by(environment, name, seen=None):
    """Top-level variables ``name`` and the templates it uses may read
    (``None`` among them when one is chosen at render time)."""
    seen = set() if seen is None else seen
    if name in seen:
        return set()
    seen.add(name)
    source = environment.loader.get_source(environment, name)[0]
    parsed = _parsed.get(source)
    if parsed is None:
        tree = environment.parse(source)
        parsed = _parsed[source] = (
            frozenset(meta.find_undeclared_variables(tree)),
            tuple(meta.find_referenced_templates(tree)),
        )
    found = set(parsed[0])
    for used in parsed[1]:
        if used is None:
            found.add(None)
        else:
            found |= _read_by(environment, used, seen)
    return found


def _collect_pieces(value, pieces, depth):
    if isinstance(value, Content):
        pieces.setdefault((str(getattr(value, "source_path", "")), type(value).__name__, id(value)), value)
    elif depth and isinstance(value, (list, tuple)):
        for item in value:
            _collect_pieces(item, pieces, depth - 1)
    elif depth and isinstance(value, dict):
        for item in value.values():
            _collect_pieces(item, pieces, depth - 1)


def _links_key(context):
    """Every address a {filename}/{static} link can reach, and every photo's
    published form (a replaced photo keeps its name but not its size)."""
    digest = hashlib.blake2b(digest_size=16)
    for group in ("generated_content", "static_content"):
        for path, item in sorted((context.get(group) or {}).items()):
            digest.update(f"{group}|{path}|{getattr(item, 'url', '')}|{getattr(item, 'save_as', '')}\n".encode())
    registry = render_state().get("photos")
    if registry is not None:
        fingerprints = Fingerprints()
        for path, photo in sorted(registry.photos.items()):
            digest.update(f"{path}|{fingerprints.value(photo)}\n".encode())
    return digest.hexdigest()
