"""What a community's build tells the 街道 portal: its identity, its latest
news and its notices, as plain data in the build record (section
``network``), saved with the record once the build is published.

Only what the community publishes and lists goes in — never a draft, a
hidden piece or a body: the portal links to the community's own pages.
A notice keeps its dates, not its status: the portal computes the status
on its own build day (plugins/notices/status.py).
"""

import os

from ..common import plain_text
from ..notices.feeds import facts_line

SECTION = "network"
VERSION = 1
NEWS_ITEMS = 20  # the latest articles of each community the portal may show
IDENTITY = (
    "SITENAME", "SITE_SUBTITLE", "SITE_OPERATOR", "STREET", "OFFICE_ADDRESS", "OFFICE_PHONE",
    "OFFICE_HOURS", "COMPOUNDS", "MAP_URL", "CANONICAL_SITEURL", "BRAND_COLOUR",
    "RETIRED", "MERGED_INTO", "FORMER_ADDRESSES",
)


def _day(value):
    return value.isoformat() if value else None


def news_item(article):
    return {
        "title": plain_text(article.title),
        "url": article.url,
        "date": article.date.isoformat(),
        "column": str(article.category) if getattr(article, "category", None) else "",
    }


def notice_item(notice):
    return {
        "title": plain_text(notice.title),
        "url": notice.url,
        "slug": notice.slug,
        "kind": notice.kind,
        "issuer": notice.issuer,
        "docnumber": notice.docnumber or "",
        "date": notice.date.isoformat(),
        "effective": _day(notice.effective),
        "expires": _day(notice.expires),
        "validity": notice.validity,
        "facts": facts_line(notice),
    }


def community_summary(settings, context):
    """The ``network`` section of a community's build."""
    articles = sorted(context.get("articles") or [], key=lambda a: (a.date, a.url), reverse=True)
    return {
        "version": VERSION,
        "name": settings["NETWORK_SITE"],
        "identity": {key: settings.get(key) for key in IDENTITY},
        "news": [news_item(article) for article in articles[:NEWS_ITEMS]],
        "notices": [notice_item(notice) for notice in context.get("notices") or []],
        "notice_board": settings.get("NOTICES_URL") or "",
        "news_feed": settings.get("FEED_ALL_ATOM") or "",
        "search": bool("search" in (settings.get("DIRECT_TEMPLATES") or ())),
    }


def published_pages(output):
    """Every HTML page of a published site, as paths below its root."""
    found = []
    for folder, dirs, names in os.walk(output):
        dirs[:] = sorted(d for d in dirs if d != "pagefind")
        found.extend(os.path.relpath(os.path.join(folder, name), output).replace(os.sep, "/")
                     for name in sorted(names) if name.endswith(".html") and name != "404.html")
    return sorted(found)
