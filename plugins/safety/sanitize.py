"""Sanitise body HTML with nh3 (an allow-list), so a script pasted from a web
page, an ``on*=`` handler or a ``javascript:`` URL never reaches a resident.

The allow-list keeps what Markdown and our plugins produce: text structure,
tables, figures and responsive images, links. No ``style`` attribute and no
``<style>``/``<script>``, which is what lets the site run under a strict CSP.
"""

import re

import nh3

from ..common import public_site_url
from .. import memo

TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code",
    "em", "strong", "b", "i", "u", "s", "del", "ins", "mark", "small", "sub", "sup",
    "abbr", "cite", "q", "kbd", "span", "div", "ul", "ol", "li", "dl", "dt", "dd",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "colgroup", "col",
    "figure", "figcaption", "picture", "source", "img", "a", "time", "details", "summary",
}
ATTRIBUTES = {
    "*": {"class", "id", "title", "lang"},
    "a": {"href", "hreflang"},
    "img": {"src", "srcset", "sizes", "alt", "width", "height", "loading", "decoding"},
    "source": {"srcset", "sizes", "type", "media", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start", "reversed"},
    "time": {"datetime"},
    "abbr": {"title"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

_EXTERNAL_LINK = re.compile(r'<a href="(https?://[^"]*)"')


def add_rel_to_external_links(html, site_url):
    def add(match):
        url = match.group(1)
        if site_url and url.startswith(site_url.rstrip("/") + "/"):
            return match.group(0)
        return f'<a rel="noopener noreferrer" href="{url}"'

    return _EXTERNAL_LINK.sub(add, html)


def clean_html(html, site_url=""):
    cleaned = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    return add_rel_to_external_links(cleaned, site_url)


SANITIZED = "sanitized"  # the memo's name for clean_html's results


def cleaner(settings):
    """``clean_html`` for the pieces of the site ``settings`` describe."""
    site_url = public_site_url(settings)
    return lambda html: clean_html(html, site_url)


def sanitize_content(content):
    clean = cleaner(content.settings)
    if getattr(content, "_content", None):
        content._content = memo.remembered(SANITIZED, content._content, clean)
    summary = content.metadata.get("summary")
    if summary:
        content.metadata["summary"] = memo.remembered(SANITIZED, summary, clean)
        content._summary = content.metadata["summary"]
