"""Share plugin: a "分享至手机" QR code of each page's absolute URL (zxing-cpp,
inline SVG, no JavaScript), Open Graph and the page meta tags Chinese public
sites use, and JSON-LD — so a link pasted into WeChat shows a card.
(Feeds get absolute links from the safety plugin's writer.)"""

from pelican import signals

from .. import build_record
from ..events import site_swapped
from ..safety import parallel
from . import qr
from .cards import share_info


def add_filters(generator):
    if hasattr(generator, "env"):
        generator.env.filters["share"] = lambda content: share_info(content, generator.settings)


def load_codes(pelican):
    qr.load(build_record.of(pelican))


def save_codes(pelican, **_):
    if pelican.settings.get("CACHE_PATH"):
        qr.save(build_record.of(pelican))


def register():
    signals.get_generators.connect(load_codes)
    signals.generator_init.connect(add_filters)
    site_swapped.connect(save_codes)  # after the pages are rendered (on every core)
    parallel.keep("share-qr", qr.made, qr.adopt)
