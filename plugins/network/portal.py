"""The 街道 portal: one site over its communities, made from what each
community's last published build put in its record (summary.py), never
from their sources. It holds no copy of a body: every item links to the
community's own page.

Pages: the front page (latest news, notices closing soon, the directory),
news/ (the latest news of all communities), notices/ (every notice in
force, with its community and status), communities/ (name, 小区, address,
office hours, phone, map); feeds/all.atom.xml (news and notices of all
communities) and notices/deadlines.ics (their deadlines).
"""

import datetime
import os
from dataclasses import dataclass, field
from urllib.parse import urlparse

from feedgenerator import get_tag_uri
from pelican.generators import Generator
from pelican.utils import sanitised_join

from ..common import SHANGHAI, build_date, public_site_url, report_error, setting
from ..notices import status as st
from ..notices.feeds import StableAtomFeed, calendar_event, deadline_calendar
from ..sites import SITE_FILE, site_folder, site_places
from .summary import VERSION

DEFAULTS = {
    "PORTAL_NEWS_ITEMS": 60,  # on news/ (the front page shows the first 10)
    "PORTAL_FRONT_ITEMS": 10,
    "PORTAL_FEED": "feeds/all.atom.xml",
    "PORTAL_CALENDAR": "notices/deadlines.ics",
}
PAGES = (  # (save_as, template, url)
    ("index.html", "portal_index", ""),
    ("news/index.html", "portal_news", "news/"),
    ("notices/index.html", "portal_notices", "notices/"),
    ("communities/index.html", "portal_communities", "communities/"),
)


def _link(href, siteurl):
    return href if "://" in href else f"{siteurl}/{href}"


@dataclass
class Community:
    name: str  # the folder name under sites/
    title: str  # SITENAME
    identity: dict
    href: str  # its front page: "liushu/" (preview, the network served together) or its address

    def link(self, siteurl):
        return _link(self.href, siteurl)

    def __getattr__(self, key):  # OFFICE_PHONE … as community.OFFICE_PHONE
        identity = self.__dict__.get("identity") or {}
        if key in identity:
            return identity[key]
        raise AttributeError(key)

    @property
    def retired(self):
        return bool(self.identity.get("RETIRED"))

    @property
    def phone_uri(self):
        digits = "".join(ch for ch in str(self.identity.get("OFFICE_PHONE") or "") if ch.isdigit() or ch == "+")
        return f"tel:{digits}" if digits else ""


@dataclass
class Item:
    """A news item or a notice of one community, as the portal lists it."""

    community: Community
    title: str
    href: str
    date: datetime.datetime
    data: dict = field(default_factory=dict)
    state: object = None  # a notice's st.Status on the portal's build day

    def link(self, siteurl):
        return _link(self.href, siteurl)

    @property
    def day(self):
        return self.date.date().isoformat()

    @property
    def expires(self):
        value = self.data.get("expires")
        return datetime.date.fromisoformat(value) if value else None

    @property
    def effective(self):
        value = self.data.get("effective")
        return datetime.date.fromisoformat(value) if value else None

    @property
    def badges(self):
        return st.badges(self.data["kind"], self.state, self.data.get("validity") or st.VALID)

    @property
    def note(self):
        return st.status_note(self.state, self.effective, self.expires, self.data.get("kind") == st.PUBLICITY)


@dataclass
class Redirect:
    """Where a page of a renamed community's former address now is."""

    community: Community
    href: str

    def link(self, siteurl):
        return _link(self.href, siteurl)


class PortalGenerator(Generator):
    """The portal's pages and feeds, from the communities' records."""

    def opt(self, name):
        return setting(self.settings, name, DEFAULTS)

    def generate_context(self):
        root = self.settings["NETWORK_ROOT"]
        relative = self.settings.get("RELATIVE_URLS")
        today = build_date(self.settings)
        soon_days = self.settings.get("NOTICE_SOON_DAYS", 3)
        communities, news, notices = [], [], []
        self.redirects = []  # (old page's save_as, its url, Redirect)
        for name, summary in sorted((self.settings.get("NETWORK_SITES") or {}).items()):
            where = os.path.join(site_folder(name, root), SITE_FILE)
            if not isinstance(summary, dict) or summary.get("version") != VERSION:
                report_error(where, None, f"社区 {name} 还没有发布过，门户不能列出它：先构建它（make html SITE={name}，"
                                          f"或 make html-all）/ community {name} has no published build yet")
                continue
            identity = summary["identity"]
            base = f"{name}/" if relative else (identity.get("CANONICAL_SITEURL") or "").rstrip("/") + "/"
            output = site_places(name, root)["OUTPUT_PATH"]
            community = Community(name, identity.get("SITENAME") or name, identity, base)
            communities.append(community)

            def item(data, community=community, base=base, output=output, where=where):
                self._check_published(output, data["url"], where)
                return Item(community, data["title"], base + data["url"], datetime.datetime.fromisoformat(data["date"]), data)

            self._redirects_from_former_addresses(community, summary)
            if community.retired:  # an archive: in the directory, not in the lists of what is current
                continue
            news.extend(item(data) for data in summary["news"])
            for data in summary["notices"]:
                notice = item(data)
                notice.state = st.compute_status(notice.effective, notice.expires, today, soon_days)
                if notice.state.current and data.get("validity", st.VALID) == st.VALID:
                    notices.append(notice)
        news.sort(key=lambda entry: (entry.date, entry.href), reverse=True)
        news = news[: self.opt("PORTAL_NEWS_ITEMS")]
        order = {st.SOON: 0, st.IN_FORCE: 1, st.UPCOMING: 2}
        notices.sort(key=lambda n: (order[n.state.key], n.expires or datetime.date.max, n.community.name, n.href))
        self.communities, self.news, self.notices = communities, news, notices
        self.context.update({
            "portal_communities": [c for c in communities if not c.retired],
            "portal_retired": [c for c in communities if c.retired],
            "portal_news": news,
            "portal_front_news": news[: self.opt("PORTAL_FRONT_ITEMS")],
            "portal_notices": notices,
            "portal_soon": [n for n in notices if n.state.key == st.SOON],
            "portal_build_date": today,
            "portal_feed": f"{public_site_url(self.settings)}/{self.opt('PORTAL_FEED')}",
            "portal_calendar": self.opt("PORTAL_CALENDAR"),
            "notice_soon_days": soon_days,
            # The search page merges each community's own Pagefind index.
            "portal_search": [{"title": c.title, "href": c.href} for c in communities
                              if (self.settings.get("NETWORK_SITES") or {}).get(c.name, {}).get("search")],
        })

    def _redirects_from_former_addresses(self, community, summary):
        """A renamed community's former address under the portal's own
        (``FORMER_ADDRESSES`` in its site.py): a page at each of its old
        addresses that sends the resident on to the new one."""
        portal = str(self.settings.get("CANONICAL_SITEURL") or "").rstrip("/")
        for former in community.identity.get("FORMER_ADDRESSES") or ():
            former = str(former).rstrip("/")
            if not portal or not former.startswith(portal + "/"):
                continue  # another host: its own server redirects (README, operator's guide)
            folder = former[len(portal) + 1:] + "/"
            for page in summary.get("pages") or ():
                url = page[: -len("index.html")] if page.endswith("index.html") else page
                self.redirects.append((folder + page, folder + url, Redirect(community, community.href + url)))

    @staticmethod
    def _check_published(output, url, where):
        """A portal link must lead to a page the community published."""
        page = os.path.join(output, url, "index.html") if url.endswith("/") or not url else os.path.join(output, url)
        if not os.path.exists(page):
            report_error(where, None, f"门户要链接的 {url} 不在该社区的 output/ 中：重新构建这个社区"
                                      f" / {url} is not in the community's output: build it again")

    def generate_output(self, writer):
        relative = self.settings.get("RELATIVE_URLS")
        for save_as, template, url in PAGES:
            writer.write_file(save_as, self.get_template(template), self.context, relative_urls=relative,
                              url=url, page_name=template)
        for save_as, url, target in self.redirects:
            writer.write_file(save_as, self.get_template("portal_redirect"), self.context, relative_urls=relative,
                              url=url, page_name="portal_redirect", redirect=target)
        output = writer.output_path
        if self.opt("PORTAL_FEED"):
            _write(output, self.opt("PORTAL_FEED"), self._atom().writeString("utf-8").encode("utf-8"))
        if self.opt("PORTAL_CALENDAR"):
            _write(output, self.opt("PORTAL_CALENDAR"), self._calendar().to_ical())

    def _absolute(self, entry):
        if "://" in entry.href:
            return entry.href
        return (entry.community.identity.get("CANONICAL_SITEURL") or "").rstrip("/") + "/" + entry.data["url"]

    def _atom(self):
        """News and notices of every community, newest first, absolute links."""
        base = public_site_url(self.settings)
        day = build_date(self.settings)
        feed = StableAtomFeed(
            title=f"{self.settings.get('SITENAME', '')} - 各社区新闻与通知",
            link=base + "/", feed_url=f"{base}/{self.opt('PORTAL_FEED')}",
            description=self.settings.get("SITE_DESCRIPTION", ""), language=self.settings.get("DEFAULT_LANG", "zh-CN"),
            fallback_date=datetime.datetime(day.year, day.month, day.day, tzinfo=SHANGHAI),
        )
        entries = [(entry, "新闻") for entry in self.news] + [(entry, entry.data["kind"]) for entry in self.notices]
        entries.sort(key=lambda pair: (pair[0].date, pair[0].href), reverse=True)
        for entry, kind in entries[: self.settings.get("FEED_MAX_ITEMS") or 50]:
            link = self._absolute(entry)
            facts = entry.data.get("facts") or entry.data.get("column") or ""
            feed.add_item(
                title=f"【{entry.community.title}】{entry.title}", link=link,
                unique_id=get_tag_uri(link, entry.date), description=facts,
                categories=[entry.community.title, kind], pubdate=entry.date,
            )
        return feed

    def _calendar(self):
        """One all-day event on the deadline of every notice in force."""
        sitename = self.settings.get("SITENAME", "")
        calendar = deadline_calendar(self.settings, f"{sitename} 通知截止日期", f"{sitename}各社区通知截止日期",
                                     f"{sitename}：各社区通知、公告的截止日期和公示期结束日")
        for notice in sorted((n for n in self.notices if n.expires), key=lambda n: (n.expires, n.community.name, n.href)):
            url = self._absolute(notice)
            host = urlparse(url).hostname or "linli.invalid"
            event = calendar_event()
            event.add("uid", f"notice-{notice.community.name}-{notice.data['slug']}@{host}")
            event.add("dtstamp", notice.date.astimezone(datetime.UTC))
            event.add("dtstart", notice.expires)
            event.add("dtend", notice.expires + datetime.timedelta(days=1))
            what = "公示期结束" if notice.data["kind"] == st.PUBLICITY else "截止"
            event.add("summary", f"【{notice.community.title}】{what}：{notice.title}")
            event.add("description", f"{notice.data.get('facts', '')}\n{url}")
            event.add("url", url)
            event.add("categories", [notice.data["kind"], notice.community.title])
            event.add("transp", "TRANSPARENT")
            calendar.add_component(event)
        return calendar


def _write(output, path, data):
    target = sanitised_join(output, path)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "wb") as handle:
        handle.write(data)
