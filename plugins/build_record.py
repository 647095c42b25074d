"""The build record: what a build keeps for the next one, in one file per
output folder (``CACHE_PATH/linli-build-<output folder>.pickle``).

Like Sphinx's environment it is one versioned record, loaded when a build
starts and saved once, after the build was swapped into place
(plugins/safety/atomic.py); a build that fails saves nothing, so the record
always describes the published site. It is made of **sections**, each
owned by one plugin, which alone reads and writes it and says when its
content is still valid (most hold the site key they were made with):

| section | owner | what it holds |
|---|---|---|
| ``pages`` | incremental | each page's key, size and time; what each template reads |
| ``quick`` / ``quick-body`` | incremental (snapshot) | what a quick rebuild checks first / renders from |
| ``links`` | links | each page's links and ids; the last report of broken links |
| ``search`` | search | the pages and files of each part of the index |
| ``memo`` | the foundation (memo.py) | results of pure functions of a text |
| ``qr`` | share | QR drawings by address |
| ``templates`` | safety (templates.py) | the theme's templates, compiled (valid whatever the settings) |
| ``network`` | network (summary.py) | what a community tells the 街道 portal: identity, news, notices |

A section is kept as the bytes it was loaded as until its owner asks for
it, so a build reads the big snapshot body only when it uses it and writes
an unchanged section back without pickling it again.

The site key — what every page depends on (settings, theme, plugin code,
library versions) — is computed here once per build (``site_key``).
"""

import functools
import hashlib
import importlib.metadata
import os
import pickle
import sys

from .common import output_cache_file, read_pickle, write_pickle

VERSION = 1
# Settings that say where things are kept, not what is built; BUILD_DATE
# reaches pages only through what it computes (notice status …), which the
# pieces' fingerprints carry.
NOT_RENDERED = frozenset(
    {"BUILD_DATE", "CACHE_PATH", "PHOTO_CACHE", "OUTPUT_PATH", "LOAD_CONTENT_CACHE", "LINLI_CHECK_ONLY",
     "SEARCH_INDEX_LATER", "RENDER_PROCESSES", "PHOTO_WORKERS", "PRECOMPRESS_CACHE"}
)
LIBRARIES = (
    "pelican", "jinja2", "markupsafe", "markdown", "nh3", "pillow", "zxing-cpp",
    "pelican-neighbors", "pelican-sitemap", "feedgenerator", "pagefind",
)
PLUGINS_FOLDER = os.path.dirname(os.path.abspath(__file__))


class BuildRecord:
    """One output folder's record, as the last published build left it."""

    def __init__(self, path, sections=None, site_key=None, reader_key=None):
        self.path = path
        self.site_key = site_key  # settings, theme, plugin code, libraries
        self.reader_key = reader_key  # the same without the theme: what reading a file depends on
        self._stored = dict(sections or {})  # name -> pickled bytes, as loaded
        self._values = {}  # name -> value, decoded or put by this build
        self._changed = set()

    @classmethod
    def load(cls, settings):
        """The record of ``settings``' output folder (empty when missing,
        cut short or of another version), with this build's keys."""
        path = output_cache_file(settings, "linli-build", ".pickle")
        stored = read_pickle(path) if settings.get("CACHE_PATH") else None
        sections = None
        if isinstance(stored, dict) and stored.get("version") == VERSION and isinstance(stored.get("sections"), dict):
            sections = stored["sections"]
        return cls(path, sections, site_key(settings), site_key(settings, theme=False))

    def get(self, name, default=None):
        """The section's value (decoded on first use), or ``default``."""
        if name in self._values:
            return self._values[name]
        stored = self._stored.get(name)
        if stored is None:
            return default
        try:
            value = pickle.loads(stored)
        except Exception:  # written by other code: as good as missing
            value = default
        self._values[name] = value
        return value

    def put(self, name, value):
        """Keep ``value`` as the section (None removes it) when the build is saved."""
        self._values[name] = value
        self._changed.add(name)

    def save(self):
        """Write the record (the build was published); unchanged sections
        are written back as they were read."""
        if not self._changed:
            return
        sections = {name: data for name, data in self._stored.items() if name not in self._changed}
        for name in self._changed:
            if self._values[name] is not None:
                sections[name] = pickle.dumps(self._values[name], protocol=pickle.HIGHEST_PROTOCOL)
        write_pickle(self.path, {"version": VERSION, "sections": sections})
        self._stored, self._changed = sections, set()


def read_section(settings, name):
    """Section ``name`` of another build's record (``settings``: that build's
    OUTPUT_PATH and CACHE_PATH), as its last published build left it; None
    when there is none. The 街道 portal reads its communities' this way."""
    stored = read_pickle(output_cache_file(settings, "linli-build", ".pickle"))
    if not isinstance(stored, dict) or stored.get("version") != VERSION:
        return None
    data = (stored.get("sections") or {}).get(name)
    try:
        return pickle.loads(data) if data is not None else None
    except Exception:
        return None


def of(pelican):
    """The record of the build ``pelican`` is running (loaded on first use:
    ``QuickPelican.run`` loads it before anything else)."""
    record = getattr(pelican, "linli_record", None)
    if record is None:
        record = pelican.linli_record = BuildRecord.load(pelican.settings)
    return record


def start(pelican):
    """A build starts: the record as it is on disk now."""
    pelican.linli_record = BuildRecord.load(pelican.settings)
    return pelican.linli_record


_trees = {}  # (root, suffixes) -> (the files' names, sizes and times, their digest)


def tree_digest(root, suffixes=None):
    """The digest of the files below ``root`` (``suffixes``: only those),
    read again only when a name, size or time changed: a process that
    builds many sites (`make html-all`, the devserver) reads the theme and
    the plugins once."""
    listing = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if suffixes and not name.endswith(suffixes):
                continue
            path = os.path.join(folder, name)
            stat = os.stat(path)
            listing.append((os.path.relpath(path, root), stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns))
    known = _trees.get((root, suffixes))
    if known is not None and known[0] == listing:
        return known[1]
    digest = hashlib.blake2b(digest_size=16)
    for relative, *_ in listing:
        digest.update(relative.encode("utf-8", "surrogateescape"))
        with open(os.path.join(root, relative), "rb") as handle:
            digest.update(hashlib.blake2b(handle.read()).digest())
    _trees[root, suffixes] = (listing, digest.digest())
    return digest.digest()


@functools.cache
def library_versions():
    """The versions of what renders pages, as this process imported them."""
    found = []
    for name in LIBRARIES:
        try:
            found.append(f"{name}={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name}=-")
    return "|".join(found)


def site_key(settings, theme=True):
    """What every page depends on: settings, theme, plugin code, versions
    (without the theme: what reading a file depends on)."""
    from .fingerprint import Fingerprints

    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{VERSION}|{sys.version}|{library_versions()}".encode())
    fingerprints = Fingerprints()
    for name in sorted(settings):
        if name not in NOT_RENDERED:
            digest.update(name.encode())
            digest.update(fingerprints.value(settings[name]).encode())
    folders = [settings.get("THEME"), *(settings.get("THEME_TEMPLATES_OVERRIDES") or [])]
    for folder in folders if theme else ():
        if folder and os.path.isdir(folder):
            digest.update(tree_digest(folder))
    digest.update(tree_digest(PLUGINS_FOLDER, (".py",)))
    return digest.hexdigest()
