"""Pre-compressed copies (``page.html.gz`` and ``page.html.br``) for static
hosts that serve them (nginx ``gzip_static on`` and ``brotli_static on``).
Our own few lines rather than the official pelican-precompress: that one
compresses OUTPUT_PATH on ``finalized``, i.e. after our swap or racing it, and needs Python 3.14's ``compression`` module.
Gzip with mtime 0 and Brotli (a pure function of its input) keep the output
byte-identical between builds. A copy is written only when it is smaller; a
file whose bytes are those of the site being replaced gets that site's copies,
and a file of the theme or Pagefind's scripts whose bytes were compressed
before (by any build of this checkout: a 街道's forty sites share them) gets
the copies kept in ``PRECOMPRESS_CACHE``, by the digest of what they
compress. A page's own copies are not kept there: they would be looked for
again only if the page went back to earlier bytes, and the cache would grow
by every version of every page of every site."""

import gzip
import hashlib
import os
import shutil

import brotli

from ..common import setting

DEFAULTS = {
    "PRECOMPRESS": False,
    "PRECOMPRESS_MIN_SIZE": 512,
    "PRECOMPRESS_EXTENSIONS": [".html", ".css", ".js", ".xml", ".json", ".svg", ".ics", ".txt", ".webmanifest"],
    "PRECOMPRESS_CACHE": None,  # a folder of compressed copies by content (pelicanconf.py); None: none kept
}
SHARED_FOLDERS = ("theme/", "pagefind/")  # the same files in every site of the checkout


def precompress(pelican, output_path, **_):
    settings = pelican.settings
    if not setting(settings, "PRECOMPRESS", DEFAULTS):
        return
    extensions = tuple(setting(settings, "PRECOMPRESS_EXTENSIONS", DEFAULTS))
    minimum = setting(settings, "PRECOMPRESS_MIN_SIZE", DEFAULTS)
    previous = os.path.abspath(settings["OUTPUT_PATH"])  # the site being replaced
    # Copies already made in this build, by the bytes they compress: every
    # part of a split search index carries the same Pagefind scripts.
    made = {}
    cache = setting(settings, "PRECOMPRESS_CACHE", DEFAULTS)
    for folder, _, names in os.walk(output_path):
        for name in sorted(names):
            if not name.endswith(extensions):
                continue
            path = os.path.join(folder, name)
            relative = os.path.relpath(path, output_path).replace(os.sep, "/")
            old = os.path.join(previous, relative)
            if _carried(path, old):
                continue
            with open(path, "rb") as handle:
                data = handle.read()
            if len(data) < minimum:
                continue
            digest = hashlib.sha256(data).digest()
            # Brotli is the slowest step of a production rebuild: a page
            # rendered again to the same bytes gets the replaced site's copies.
            unchanged = _same_bytes(old, data)
            for suffix, level_for, compress in COMPRESSORS:
                level = level_for(relative)
                key = (digest, suffix, level)
                if _link(made.get(key), path + suffix) or (unchanged and _link(old + suffix, path + suffix)):
                    continue
                kept = (os.path.join(cache, digest.hex()[:2], f"{digest.hex()}-{level}{suffix}")
                        if cache and relative.startswith(SHARED_FOLDERS) else None)
                if kept and _link(kept, path + suffix, copy=True):
                    made[key] = path + suffix
                    continue
                compressed = compress(data, level)
                if len(compressed) < len(data):
                    with open(path + suffix, "wb") as handle:
                        handle.write(compressed)
                    made[key] = path + suffix
                    if kept:
                        _keep(path + suffix, kept)


def _brotli_quality(path):
    """The theme's and Pagefind's files are compressed once for every build
    of the checkout (PRECOMPRESS_CACHE): quality 11, the smallest. Pages
    change with every edit: quality 5 — on the demo's pages 14 % larger than
    11 (still 15 % smaller than gzip) and forty times faster (0.3 against
    11.5 ms a page, most of a production build's time otherwise)."""
    return 11 if path.startswith(SHARED_FOLDERS) else 5


# (suffix, level for a file's path, compress(data, level))
COMPRESSORS = (
    (".gz", lambda path: 9, lambda data, level: gzip.compress(data, compresslevel=level, mtime=0)),
    (".br", _brotli_quality, lambda data, level: brotli.compress(data, quality=level)),
)


def _carried(path, old):
    """A file carried over from the site being replaced (the same file,
    linked) gets that site's copies as they are, unread."""
    try:
        if not os.path.samefile(path, old):
            return False
    except OSError:
        return False
    copies = [(old + suffix, path + suffix) for suffix, _, _ in COMPRESSORS]
    if not all(os.path.isfile(made) for made, _ in copies):
        return False  # too small, or a copy was not smaller: decided again below
    return all(_link(made, new_copy, copy=True) for made, new_copy in copies)


def _same_bytes(old, data):
    """The replaced site's file holds ``data``."""
    try:
        with open(old, "rb") as handle:
            return handle.read() == data
    except OSError:
        return False


def _link(made, new_copy, copy=False):
    """Link (or, across file systems, ``copy``) ``made`` to ``new_copy``."""
    if made is None:
        return False
    try:
        os.link(made, new_copy)
    except FileNotFoundError:
        return False
    except OSError:
        if not copy:
            return False
        try:
            shutil.copyfile(made, new_copy)
        except OSError:
            return False
    return True


def _keep(made, kept):
    """Put a copy into the cache whole (another build may be reading it)."""
    try:
        os.makedirs(os.path.dirname(kept), exist_ok=True)
        temporary = f"{kept}.{os.getpid()}.tmp"
        if not _link(made, temporary, copy=True):
            return
        os.replace(temporary, kept)
    except OSError:
        pass
