"""Assets plugin: cache-safe names for production builds.

Every theme file (CSS, JS, images) and every published photo gets a short
content hash in its name (``site.css`` -> ``site.3f9c0a1b2d.css``) and every
reference to it in every text file of the site is rewritten, so the host can
let browsers and the CDN keep them for a year (``immutable``) and a changed
stylesheet or a replaced photo is a new URL the same day. Runs on the staged
site before the search index and precompression see it.
"""

from ..safety.atomic import site_rendered
from .fingerprint import fingerprint


def register():
    site_rendered.connect(fingerprint)
