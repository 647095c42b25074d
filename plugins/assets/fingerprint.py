"""Hashed names for the theme's stylesheets and scripts.

``theme/js/site.js`` is published as ``theme/js/site.<sha256:10>.js`` when
ASSET_FINGERPRINT is on. The name depends only on the file's bytes:
reproducible builds stay byte-identical and an unchanged file keeps its name
from one build to the next.
"""

import hashlib
import os
import posixpath
import re

from jinja2 import pass_context

from ..common import setting

DEFAULTS = {
    "ASSET_FINGERPRINT": False,
    # Theme files whose names carry their hash (stylesheets and scripts change
    # with each release; images keep stable names, e.g. the share card).
    "ASSET_FINGERPRINT_EXTENSIONS": [".css", ".js"],
}

HASH_LENGTH = 10
# A hashed name, as the host's long-cache rule recognises it (deploy/nginx.conf).
HASHED_NAME = re.compile(r"\.[0-9a-f]{%d}\.[A-Za-z0-9]+$" % HASH_LENGTH)

_names = {}  # site path -> published site path, for the build in progress


def hashed_name(path, data):
    digest = hashlib.sha256(data).hexdigest()[:HASH_LENGTH]
    stem, extension = posixpath.splitext(path)
    return f"{stem}.{digest}{extension}"


def theme_names(settings):
    """``{site path: hashed site path}`` of the theme files Pelican copies
    (THEME_STATIC_PATHS under THEME_STATIC_DIR), or {} when off."""
    if not setting(settings, "ASSET_FINGERPRINT", DEFAULTS):
        return {}
    extensions = tuple(setting(settings, "ASSET_FINGERPRINT_EXTENSIONS", DEFAULTS))
    theme = settings["THEME"]
    target = settings.get("THEME_STATIC_DIR", "theme").strip("/")
    names = {}
    for static in settings.get("THEME_STATIC_PATHS", ["static"]):
        root = os.path.join(theme, static)
        for folder, _, files in os.walk(root):
            for name in sorted(files):
                if not name.endswith(extensions):
                    continue
                full = os.path.join(folder, name)
                path = posixpath.join(target, os.path.relpath(full, root).replace(os.sep, "/"))
                with open(full, "rb") as handle:
                    names[path] = hashed_name(path, handle.read())
    return names


def start_build(pelican):
    _names.clear()
    _names.update(theme_names(pelican.settings))


def current_names():
    return dict(_names)


def use_names(names):
    """An earlier build's names (plugins/events.py ``rendering_with``)."""
    _names.clear()
    _names.update(names)


@pass_context
def asset_filter(context, path):
    """``{{ 'theme/css/site.css'|asset }}``: the name the file is published
    under. It takes the context so that Jinja calls it when a page renders,
    never while compiling (plugins/safety/templates.py)."""
    return _names.get(path, path)


def rename_theme_files(pelican, output_path, **_):
    """Give the copied theme files their hashed names (fresh copies of this
    build: nothing else links to them)."""
    for path, new in _names.items():
        old = os.path.join(output_path, path)
        if os.path.exists(old):
            os.replace(old, os.path.join(output_path, new))
