"""One set of rules for every host: which files are cached for a year, which
are revalidated, their types, and the order a deploy puts them in place.
deploy/nginx.conf states the same cache rules for nginx (its test checks that
the two agree on every file of the demo site)."""

import mimetypes
import os
import re

LONG_CACHE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# Names that never change their bytes: theme files and photos with a content
# hash (plugins/assets/), Pagefind's index chunks (named by their content).
_IMMUTABLE = (
    re.compile(r"(^|/)(theme|photos)/.+\.[0-9a-f]{10}\.[A-Za-z0-9]+$"),
    re.compile(r"(^|/)pagefind/.+\.pf_(fragment|index|meta)$"),
)
# Files a visitor arrives at or a client polls; they go up after everything
# they point to (assets first), so a new page never references a missing file.
_ENTRY_SUFFIXES = (".html", ".xml", ".ics", ".txt", ".webmanifest")
_ENTRY_NAMES = ("pagefind-entry.json", "linli-parts.json")
PRECOMPRESSED = (".gz", ".br")

_TYPES = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".json": "application/json",
    ".xml": "text/xml",
    ".txt": "text/plain",
    ".ics": "text/calendar",
    ".svg": "image/svg+xml",
    ".webmanifest": "application/manifest+json",
    ".avif": "image/avif",
    ".webp": "image/webp",
    ".pf_fragment": "application/octet-stream",
    ".pf_index": "application/octet-stream",
    ".pf_meta": "application/octet-stream",
    ".pagefind": "application/octet-stream",
}
_TEXT = ("text/", "application/json", "application/manifest+json", "image/svg+xml")


def cache_control(path):
    """``path`` from the site root, e.g. ``theme/css/site.0123456789.css``."""
    if any(rule.search(path) for rule in _IMMUTABLE):
        return LONG_CACHE
    return REVALIDATE


def content_type(path):
    extension = os.path.splitext(path)[1].lower()
    kind = _TYPES.get(extension) or mimetypes.guess_type(path)[0] or "application/octet-stream"
    if kind.startswith(_TEXT):
        kind += "; charset=utf-8"
    return kind


def is_entry(path):
    base = path[: -len(PRECOMPRESSED[0])] if path.endswith(PRECOMPRESSED) else path
    return base.endswith(_ENTRY_SUFFIXES) or os.path.basename(base) in _ENTRY_NAMES


def upload_order(path):
    """Assets before the pages that use them; the home page, the 404 page and
    the list of search index parts (after the parts' own entry files) last."""
    last = (os.path.basename(path) in ("index.html", "404.html") and "/" not in path) or path.startswith(
        "pagefind/linli-parts.json")
    return (is_entry(path), last, path)


def site_files(output):
    """Every file of a built site, as ``/``-separated paths from its root."""
    found = []
    for folder, dirs, names in os.walk(output):
        dirs.sort()
        for name in names:
            found.append(os.path.relpath(os.path.join(folder, name), output).replace(os.sep, "/"))
    return sorted(found)


def check_built_site(output):
    """A message when ``output`` is not a finished site (never deploy that)."""
    if not os.path.isdir(output):
        return f"{output}/ 不存在，请先 make publish / {output}/ does not exist: run make publish first"
    if not os.path.isfile(os.path.join(output, "index.html")):
        return f"{output}/ 里没有 index.html，不是完整的网站 / {output}/ has no index.html: not a built site"
    return None
