"""Fit the official sitemap plugin into an atomic, reproducible build.

It writes sitemap.xml on ``finalized``, racing our swap (blinker keeps no
receiver order), stamps index pages with the wall-clock time, writes
relative URLs in a preview build, and knows only articles and pages, so a
hidden notice or album would be listed. We run it on ``site_written``, with
BUILD_DATE as its clock, and hand it whatever piece a page was written for.
"""

import datetime
import sys

from pelican import signals

from ..common import SHANGHAI, build_date, public_site_url
from ..events import site_written


def _sitemap_generator():
    module = sys.modules.get("pelican.plugins.sitemap.sitemap")
    return getattr(module, "generator", None)


def write_sitemap(pelican, **_):
    generator = _sitemap_generator()
    day = build_date(pelican.settings)
    generator.now = datetime.datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)
    # A sitemap needs absolute URLs even in a relative-URL preview build.
    settings = pelican.settings
    siteurl = settings["SITEURL"]
    settings["SITEURL"] = public_site_url(settings) or siteurl
    try:
        generator.finalize(pelican)
    finally:
        settings["SITEURL"] = siteurl


PIECES = ("article", "page", "notice", "album")


def queue_page(path, context):
    piece = next((context[key] for key in PIECES if context.get(key) is not None), None)
    _sitemap_generator().queue_page(path, {"page": piece})


def lastmod(date):
    """The plugin's ``format_date``, through the C ``strftime``: Pelican's
    own (SafeDatetime) parses the format with regular expressions on every
    call, twice for every page of the site."""
    base = datetime.datetime if isinstance(date, datetime.datetime) else datetime.date
    if getattr(date, "tzinfo", None):
        zone = base.strftime(date, "%z")
        zone = zone[:-2] + ":" + zone[-2:]
    else:
        zone = "-00:00"
    return base.strftime(date, "%Y-%m-%dT%H:%M:%S") + zone


def adopt_sitemap():
    generator = _sitemap_generator()
    if generator is None:
        return
    sys.modules["pelican.plugins.sitemap.sitemap"].format_date = lastmod
    signals.finalized.disconnect(generator.finalize)
    signals.content_written.disconnect(generator.queue_page)
    signals.content_written.connect(queue_page)
    site_written.connect(write_sitemap)
