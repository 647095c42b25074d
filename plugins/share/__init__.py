"""Share plugin: a "分享至手机" QR code of each page's absolute URL (segno,
inline SVG, no JavaScript), Open Graph and the page meta tags Chinese public
sites use, and JSON-LD — so a link pasted into WeChat shows a card.
(Feeds get absolute links from the safety plugin's writer.)"""

from pelican import signals

from .cards import share_info


def add_filters(generator):
    if hasattr(generator, "env"):
        generator.env.filters["share"] = lambda content: share_info(content, generator.settings)


def register():
    signals.generator_init.connect(add_filters)
