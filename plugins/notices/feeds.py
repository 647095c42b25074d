"""The notice feeds: Atom (feedgenerator, as Pelican uses) and an iCalendar file of
deadlines (through the ``icalendar`` library). Both use absolute URLs and only
dates from the notices themselves, so two builds are byte-identical."""

import datetime
import html
import os
from urllib.parse import urlparse

from feedgenerator import Atom1Feed, get_tag_uri
from pelican.utils import sanitised_join

from ..common import SHANGHAI, build_date, public_site_url
from . import status as st


def facts_line(notice):
    """文号 · 发布单位 · dates · status, one line of plain text."""
    parts = [f"{notice.kind}"]
    if notice.docnumber:
        parts.append(f"文号：{notice.docnumber}")
    parts.append(f"发布单位：{notice.issuer}")
    if notice.period:
        parts.append(f"公示期：{notice.effective_text} 至 {notice.expires_text}")
    else:
        parts.append(f"生效日期：{notice.effective_text}")
        if notice.expires:
            parts.append(f"截止日期：{notice.expires_text}")
    if notice.validity != st.VALID:
        parts.append(f"已{notice.validity}")
    return "；".join(parts)


class StableAtomFeed(Atom1Feed):
    """An empty feed is stamped with BUILD_DATE, not the wall clock."""

    def __init__(self, *args, fallback_date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fallback_date = fallback_date

    def latest_post_date(self):
        return super().latest_post_date() if self.items else self.fallback_date


def entry_title(notice):
    prefix = f"【{notice.kind}】"
    if notice.validity != st.VALID:
        prefix += f"【已{notice.validity}】"
    return prefix + notice.title


def build_atom(settings, notices, path):
    """The Atom feed of published notices, newest first, absolute links."""
    base = public_site_url(settings)
    day = build_date(settings)
    feed = StableAtomFeed(
        title=f"{settings.get('SITENAME', '')} - 通知公告",
        link=base + "/",
        feed_url=f"{base}/{path}",
        description=settings.get("SITE_DESCRIPTION", ""),
        language=settings.get("DEFAULT_LANG", "zh-CN"),
        fallback_date=datetime.datetime(day.year, day.month, day.day, tzinfo=SHANGHAI),
    )
    for notice in notices[: settings.get("FEED_MAX_ITEMS") or None]:
        link = f"{base}/{notice.url}"
        summary = f"<p>{html.escape(facts_line(notice))}</p>{notice.summary or ''}"
        feed.add_item(
            title=entry_title(notice),
            link=link,
            unique_id=get_tag_uri(link, notice.date),
            description=summary,
            content=notice.get_content(base),
            categories=[notice.kind] + list(notice.tag_names),
            author_name=notice.issuer,
            pubdate=notice.date,
            updateddate=getattr(notice, "modified", None) or notice.date,
        )
    return feed


def write_atom(output_path, settings, notices, path):
    target = sanitised_join(output_path, path)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "w", encoding="utf-8") as handle:
        build_atom(settings, notices, path).write(handle, "utf-8")


def event_uid(notice, settings):
    host = urlparse(public_site_url(settings)).hostname or "linli.invalid"
    return f"notice-{notice.slug}@{host}"


def deadline_calendar(settings, product, name, description):
    """An empty calendar of deadlines, as calendar clients list it."""
    # icalendar is imported when a calendar is made: at import it costs
    # every build about 27 ms, most of them rebuilds that write none.
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", f"-//Linli//{product}//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-caldesc", description)
    calendar.add("x-wr-timezone", settings.get("TIMEZONE", "Asia/Shanghai"))
    return calendar


def calendar_event():
    """A new VEVENT, for a calendar of ``deadline_calendar``."""
    from icalendar import Event

    return Event()


def build_calendar(settings, notices):
    """One all-day VEVENT on the ``expires`` date of every notice that has one."""
    base = public_site_url(settings)
    sitename = settings.get("SITENAME", "")
    calendar = deadline_calendar(settings, f"{sitename} 通知公告", f"{sitename}通知截止日期",
                                 f"{sitename}通知、公告的截止日期和公示期结束日")
    dated = sorted((n for n in notices if n.expires), key=lambda n: (n.expires, n.slug))
    for notice in dated:
        event = calendar_event()
        event.add("uid", event_uid(notice, settings))
        # Fixed from the notice itself, never the build time: reproducible.
        stamp = getattr(notice, "modified", None) or notice.date
        event.add("dtstamp", stamp.astimezone(datetime.UTC))
        event.add("dtstart", notice.expires)
        event.add("dtend", notice.expires + datetime.timedelta(days=1))
        what = "公示期结束" if notice.kind == st.PUBLICITY else "截止"
        prefix = f"【已{notice.validity}】" if notice.validity != st.VALID else ""
        event.add("summary", f"{prefix}{what}：{notice.title}")
        url = f"{base}/{notice.url}"
        event.add("description", f"{facts_line(notice)}\n{url}")
        event.add("url", url)
        event.add("categories", [notice.kind])
        event.add("status", "CONFIRMED" if notice.validity == st.VALID else "CANCELLED")
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar


def write_calendar(output_path, settings, notices, path):
    target = sanitised_join(output_path, path)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "wb") as handle:
        handle.write(build_calendar(settings, notices).to_ical())
