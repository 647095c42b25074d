"""Share plugin: a "分享至手机" QR code of each page's absolute URL (segno,
inline SVG, no JavaScript), Open Graph and the page meta tags Chinese public
sites use, and JSON-LD — so a link pasted into WeChat shows a card; and
feeds with absolute links, so a feed reader can follow them."""

from pelican import signals

from .cards import share_info
from .feeds import feed_writer


def add_filters(generator):
    if hasattr(generator, "env"):
        generator.env.filters["share"] = lambda content: share_info(content, generator.settings)


def register():
    signals.generator_init.connect(add_filters)
    signals.get_writer.connect(feed_writer)
