"""Assets plugin: cache-safe names for production builds (ASSET_FINGERPRINT).

Stylesheets and scripts of the theme get a short content hash in their
names (``site.css`` -> ``site.3f9c0a1b2d.css``), so the host can let
browsers and the CDN keep them for a year (``immutable``) and a changed
stylesheet is a new URL the same day. The names are known before the first
page is rendered (they depend only on the theme's files), so templates print
them through the ``asset`` filter and no page is rewritten after rendering —
a page carried over by an incremental build is never touched. Photos get
their hashed names from the photo pipeline (plugins/gallery), which knows
each photo's content.
"""

from pelican import signals

from ..events import keep_render_state, site_rendered
from .fingerprint import asset_filter, current_names, rename_theme_files, start_build, use_names


def add_filter(generator):
    if hasattr(generator, "env"):
        generator.env.filters["asset"] = asset_filter


def register():
    keep_render_state("assets", current_names, use_names)
    signals.get_generators.connect(start_build)
    signals.generator_init.connect(add_filter)
    site_rendered.connect(rename_theme_files)
