"""Rename assets to ``name.<hash>.ext`` and rewrite every reference to them.

A reference is an asset's path from the site root as it appears in a URL
(``…/theme/css/site.css``, absolute or root-relative, raw or
percent-encoded), or a relative ``url(…)`` inside a stylesheet. Files are
hashed after their own references were rewritten (images before the
stylesheets that point at them), so a hash always covers the final bytes.
The result depends only on file contents: reproducible builds stay
byte-identical, and an unchanged asset keeps its name from one build to the
next.
"""

import hashlib
import os
import posixpath
import re
from urllib.parse import quote, unquote

from ..common import setting

DEFAULTS = {
    "ASSET_FINGERPRINT": False,
    # Folders (from the site root) whose files get hashed names.
    "ASSET_FINGERPRINT_PATHS": ["theme/", "photos/"],
    # Files whose references are rewritten.
    "ASSET_REWRITE_EXTENSIONS": [".html", ".css", ".js", ".xml", ".json", ".svg", ".ics", ".txt", ".webmanifest"],
}

HASH_LENGTH = 10
# A hashed name, as the host's long-cache rule recognises it (deploy/nginx.conf).
HASHED_NAME = re.compile(r"\.[0-9a-f]{%d}\.[A-Za-z0-9]+$" % HASH_LENGTH)
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")\s]+)\1\s*\)""")
_TEXT_ASSETS = (".css", ".js", ".svg")


def hashed_name(path, data):
    digest = hashlib.sha256(data).hexdigest()[:HASH_LENGTH]
    stem, extension = posixpath.splitext(path)
    return f"{stem}.{digest}{extension}"


def _site_files(output_path):
    for folder, _, names in os.walk(output_path):
        for name in names:
            full = os.path.join(folder, name)
            yield os.path.relpath(full, output_path).replace(os.sep, "/")


def _reference_pattern(prefixes):
    """Asset paths inside URLs: after a slash (site root or SITEURL path),
    up to a character that ends a URL in HTML, CSS, srcset or JSON."""
    folders = "|".join(re.escape(prefix.strip("/")) for prefix in prefixes)
    return re.compile(r"(?<=/)(?:%s)/[^\s\"'()<>?#,\\]+" % folders)


def _rewrite_absolute(text, pattern, renamed):
    def replace(match):
        found = match.group(0)
        path = unquote(found)
        new = renamed.get(path)
        if new is None:
            return found
        return new if path == found else quote(new)

    return pattern.sub(replace, text)


def _rewrite_css_urls(text, css_path, renamed):
    """Relative ``url(…)`` in a stylesheet, resolved from its own folder."""
    folder = posixpath.dirname(css_path)

    def replace(match):
        quote_mark, url = match.groups()
        if url.startswith(("/", "data:", "http:", "https:", "#")):
            return match.group(0)
        path, sep, rest = url.partition("?") if "?" in url else url.partition("#")
        target = posixpath.normpath(posixpath.join(folder, unquote(path)))
        new = renamed.get(target)
        if new is None:
            return match.group(0)
        relative = posixpath.relpath(new, folder or ".")
        return f"url({quote_mark}{relative}{sep}{rest}{quote_mark})"

    return _CSS_URL.sub(replace, text)


def _read_text(path):
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        return data, data.decode("utf-8")
    except UnicodeDecodeError:
        return data, None


def _write_if_changed(path, old, text):
    new = text.encode("utf-8")
    if new != old:
        with open(path, "wb") as handle:
            handle.write(new)


def fingerprint(pelican, output_path, **_):
    settings = pelican.settings
    if not setting(settings, "ASSET_FINGERPRINT", DEFAULTS):
        return {}
    prefixes = tuple(p.strip("/") + "/" for p in setting(settings, "ASSET_FINGERPRINT_PATHS", DEFAULTS))
    rewritable = tuple(setting(settings, "ASSET_REWRITE_EXTENSIONS", DEFAULTS))
    files = sorted(_site_files(output_path))
    assets = [path for path in files if path.startswith(prefixes) and not HASHED_NAME.search(path)]
    pattern = _reference_pattern(prefixes)
    renamed = {}
    # Binary assets first, then stylesheets and scripts whose url()s may
    # point at them: each file is hashed in its final form.
    for path in sorted(assets, key=lambda p: (p.endswith(_TEXT_ASSETS), p)):
        full = os.path.join(output_path, path)
        data, text = _read_text(full)
        if text is not None and path.endswith(_TEXT_ASSETS):
            rewritten = _rewrite_absolute(text, pattern, renamed)
            if path.endswith(".css"):
                rewritten = _rewrite_css_urls(rewritten, path, renamed)
            data = rewritten.encode("utf-8")
        new = hashed_name(path, data)
        with open(os.path.join(output_path, new), "wb") as handle:
            handle.write(data)
        os.remove(full)
        renamed[path] = new
    if not renamed:
        return renamed
    for path in files:
        if path in renamed or not path.endswith(rewritable):
            continue
        full = os.path.join(output_path, path)
        data, text = _read_text(full)
        if text is None:
            continue
        _write_if_changed(full, data, _rewrite_absolute(text, pattern, renamed))
    return renamed
