"""The demo notice board, built with BUILD_DATE 2026-11-20 (tests/conftest.py):
board order, archive, kind pages, each notice page, home, lobby screen, feeds."""

import datetime
import os
import re

import feedparser
import icalendar
import pytest

from plugins.metadata.reader import LinliMarkdownReader
from plugins.notices.status import KINDS, STATUS_LABELS, compute_status
from tests.conftest import BUILD_DATE, ROOT
from tests.site.helpers import CANONICAL, SETTINGS, resolve

TODAY = datetime.date.fromisoformat(BUILD_DATE)
NOTICES = ROOT / "content" / "notices"


def _day(value):
    return value.date() if value else None


def demo_notices():
    """Every demo notice as the site should see it, from its source."""
    reader = LinliMarkdownReader(SETTINGS)
    notices = []
    for path in sorted(NOTICES.glob("*.md")):
        _, meta = reader.read(str(path))
        meta["slug"] = meta.get("slug", path.stem)
        meta["url"] = f"notices/{meta['slug']}/"
        meta["effective_day"] = _day(meta.get("effective") or meta["date"])
        meta["expires_day"] = _day(meta.get("expires"))
        meta["validity"] = meta.get("validity", "有效")
        meta["state"] = compute_status(meta["effective_day"], meta["expires_day"], TODAY, SETTINGS["NOTICE_SOON_DAYS"])
        meta["current"] = meta["state"].current and meta["validity"] == "有效"
        meta["path"] = path
        notices.append(meta)
    return notices


def newest_first(items):
    return sorted(items, key=lambda m: (-m["date"].timestamp(), m["slug"]))


def listed(soup, selector=".notice-item-title a"):
    return [a["href"].split("notices/", 1)[-1] for a in soup.select(selector)]


def slugs(items):
    return [f"{m['slug']}/" for m in items]


def test_demo_covers_every_kind_status_and_validity():
    notices = demo_notices()
    assert len(notices) >= 8
    assert {m["kind"] for m in notices} == set(KINDS)
    assert {m["state"].label for m in notices} == set(STATUS_LABELS.values())
    assert {m["validity"] for m in notices} == {"有效", "失效", "废止"}
    assert sum(1 for m in notices if m.get("pinned")) >= 1
    assert any(a.endswith(".pdf") for m in notices for a in m.get("attachments", []))
    assert any("<!-- 公示名单 -->" in m["path"].read_text(encoding="utf-8") for m in notices if m["kind"] == "公示")


def test_board_pinned_first_then_in_force_newest_first_then_upcoming(demo_site):
    notices = [m for m in demo_notices() if m["current"]]
    pinned = newest_first([m for m in notices if m.get("pinned")])
    in_force = newest_first([m for m in notices if not m.get("pinned") and m["state"].key != "upcoming"])
    upcoming = newest_first([m for m in notices if not m.get("pinned") and m["state"].key == "upcoming"])
    soup = demo_site.html("notices/")
    assert listed(soup) == slugs(pinned + in_force + upcoming)
    assert [h.get_text() for h in soup.select(".notice-section h2")] == ["置顶", "正在生效", "即将生效"]
    assert listed(soup.select_one(".notice-pinned")) == slugs(pinned)
    by_slug = {m["slug"]: m for m in notices}
    for item in soup.select(".notice-item"):
        meta = by_slug[listed(item)[0].rstrip("/")]
        badges = [b.get_text() for b in item.select(".badge")]
        assert badges == (["置顶"] if meta.get("pinned") else []) + [meta["kind"], meta["state"].label]
        text = item.select_one(".notice-item-meta").get_text(" ")
        assert meta.get("issuer", SETTINGS["SITE_OPERATOR"]) in text
        assert meta["docnumber"] in text
        assert f"{meta['date']:%Y-%m-%d}" in text
        if meta["expires_day"]:
            assert meta["expires_day"].isoformat() in text
    assert "2026-11-20" in soup.select_one(".notice-asof").get_text()


def test_archive_holds_expired_and_withdrawn_by_year(demo_site):
    archived = newest_first([m for m in demo_notices() if not m["current"]])
    soup = demo_site.html("notices/archive/")
    years = [int(h["id"].rsplit("-", 1)[-1]) for h in soup.select(".notice-year h2")]
    assert years == sorted({m["date"].year for m in archived}, reverse=True)
    for section in soup.select(".notice-year"):
        year = int(section.h2["id"].rsplit("-", 1)[-1])
        assert listed(section) == slugs([m for m in archived if m["date"].year == year])
    for item in soup.select(".notice-item"):
        labels = [b.get_text() for b in item.select(".badge")]
        assert labels[-1] in ("已截止", "已失效", "已废止")


def test_kind_pages_list_exactly_their_kind(demo_site):
    notices = demo_notices()
    board = listed(demo_site.html("notices/"))
    for kind, slug in KINDS.items():
        soup = demo_site.html(f"notices/{slug}/")
        assert soup.h1.get_text() == kind
        current = [s for s in board if any(m["slug"] + "/" == s and m["kind"] == kind for m in notices)]
        sections = soup.select(".notice-section")
        assert listed(sections[0]) == current
        archived = newest_first([m for m in notices if m["kind"] == kind and not m["current"]])
        assert (listed(sections[1]) if len(sections) > 1 else []) == slugs(archived)
        nav = soup.select_one('.notice-nav a[aria-current="page"]')
        assert nav.get_text() == kind


def test_every_notice_page_shows_its_metadata(demo_site):
    for meta in demo_notices():
        soup = demo_site.html(meta["url"])
        assert soup.h1.get_text() == meta["title"]
        issuer = meta.get("issuer", SETTINGS["SITE_OPERATOR"])
        assert soup.select_one(".notice-letterhead").get_text() == issuer
        assert soup.select_one(".notice-docnumber").get_text() == meta["docnumber"]
        facts = {d.dt.get_text(): d.dd.get_text() for d in soup.select(".notice-facts > div")}
        assert facts["类型"] == meta["kind"]
        assert facts["发布单位"] == issuer
        assert facts["文号"] == meta["docnumber"]
        assert facts["发布日期"] == f"{meta['date']:%Y-%m-%d %H:%M}"
        assert facts["有效性"] == meta["validity"]
        assert facts["状态"].startswith(meta["state"].label)
        if meta["kind"] == "公示":
            assert facts["公示期"] == f"{meta['effective_day']} 至 {meta['expires_day']}"
        else:
            assert facts["生效日期"] == meta["effective_day"].isoformat()
            assert facts["截止日期"] == (meta["expires_day"].isoformat() if meta["expires_day"] else "长期有效")
        signoffs = {d.dt.get_text(): d.dd.get_text() for d in soup.select(".signoffs div")}
        assert signoffs == {"责任编辑": meta["editor"], "审核": meta["reviewer"], "终审": meta["approver"]}
        signature = soup.select_one(".notice-signature").get_text()
        assert issuer in signature and f"{meta['date'].year}年{meta['date'].month}月{meta['date'].day}日" in signature
        crumbs = [li.get_text(strip=True) for li in soup.select(".breadcrumb li")]
        assert crumbs == ["首页", "通知公告", meta["kind"], "正文"]
        tags = {m["name"]: m["content"] for m in soup.find_all("meta", attrs={"name": True})}
        assert tags["ArticleTitle"] == meta["title"] and tags["Url"] == f"{CANONICAL}/{meta['url']}"
        assert soup.select_one(".notice-print-link").get_text().endswith(f"{CANONICAL}/{meta['url']}")


def test_publicity_page_states_its_period_and_days_left(demo_site):
    for meta in (m for m in demo_notices() if m["kind"] == "公示"):
        period = demo_site.html(meta["url"]).select_one(".notice-period").get_text()
        start, end = meta["effective_day"], meta["expires_day"]
        assert f"公示期：{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日" in period
        if meta["state"].key == "expired":
            assert f"公示期已于 {end} 结束" in period
        else:
            assert f"距公示期结束还有 {(end - TODAY).days} 天" in period


def test_expired_publicity_list_is_in_no_output_file(demo_site):
    expired = [m for m in demo_notices() if m["kind"] == "公示" and m["state"].key == "expired"]
    current = [m for m in demo_notices() if m["kind"] == "公示" and m["state"].key != "expired"]
    assert expired and current

    def names(meta):
        text = meta["path"].read_text(encoding="utf-8")
        block = text.split("<!-- 公示名单 -->", 1)[1].split("<!-- /公示名单 -->", 1)[0]
        return [row.split("|")[2].strip() for row in block.strip().splitlines()[2:]]

    from tests.test_notices import readable_bytes

    everything = b"".join(readable_bytes(path) for path in demo_site.files())
    for meta in current:  # the scan does see lists that are still public, search index included
        for name in names(meta):
            assert name.encode() in everything, name
    if demo_site.path("pagefind").is_dir():
        index = b"".join(readable_bytes(p) for p in demo_site.path("pagefind").rglob("*") if p.is_file())
        assert names(current[0])[0].encode() in index
    for meta in expired:
        assert len(names(meta)) >= 2
        for name in names(meta):
            assert name.encode() not in everything, name
        note = demo_site.html(meta["url"]).select_one(".publicity-removed").get_text()
        assert note == f"公示期已于 {meta['expires_day']} 结束，名单已按规定删除。"
    for meta in current:
        cells = [td.get_text() for td in demo_site.html(meta["url"]).select(".publicity-list td")]
        assert set(names(meta)) <= set(cells)


def test_repealed_notice_links_to_its_replacement_and_back(demo_site):
    repealed = [m for m in demo_notices() if m["validity"] == "废止"]
    assert repealed
    for meta in repealed:
        soup = demo_site.html(meta["url"])
        link = soup.select_one(".notice-withdrawn a")
        target = resolve(demo_site.root, demo_site.path(meta["url"] + "index.html"), link["href"])
        assert target == demo_site.path(f"notices/{meta['replacedby']}/index.html")
        replacement = demo_site.html(f"notices/{meta['replacedby']}/")
        assert meta["title"] in replacement.select_one(".notice-replaces").get_text()
        archived = demo_site.html("notices/archive/")
        item = next(li for li in archived.select(".notice-item") if listed(li)[0] == meta["slug"] + "/")
        assert "已废止" in item.get_text() and item.select_one(".notice-item-note a")


def test_attachment_links_show_type_and_size(demo_site):
    with_files = [m for m in demo_notices() if m.get("attachments")]
    assert with_files
    for meta in with_files:
        page = demo_site.path(meta["url"] + "index.html")
        items = demo_site.html(meta["url"]).select(".notice-attachments li")
        assert len(items) == len(meta["attachments"])
        for item, name in zip(items, meta["attachments"]):
            assert item.a.get_text() == name
            target = resolve(demo_site.root, page, item.a["href"])
            assert target.is_file() and target.read_bytes() == (NOTICES / "files" / name).read_bytes()
            size = os.path.getsize(NOTICES / "files" / name)
            assert f"（PDF，{max(1, round(size / 1024))} KB）" == item.select_one(".notice-file-info").get_text()


def test_demo_pdf_is_a_real_small_pdf():
    from pypdf import PdfReader

    for path in (NOTICES / "files").glob("*.pdf"):
        assert path.stat().st_size < 20 * 1024
        reader = PdfReader(str(path))
        assert len(reader.pages) == 1
        assert "选民登记" in reader.pages[0].extract_text()


def test_home_shows_pinned_and_soon_expiring_above_the_news(demo_site):
    notices = [m for m in demo_notices() if m["current"]]
    pinned = newest_first([m for m in notices if m.get("pinned")])
    soon = sorted(
        (m for m in notices if m["state"].key == "soon" and not m.get("pinned")),
        key=lambda m: (m["expires_day"], m["slug"]),
    )
    soup = demo_site.html("")
    section = soup.select_one(".notice-home")
    assert listed(section) == slugs(pinned + soon)
    assert section.find_next("section", class_="news") is not None
    assert "notices/" not in "".join(a["href"] for a in soup.select(".news .article-list a"))
    assert "通知公告" in [a.get_text() for a in soup.select(".site-nav a")]
    assert demo_site.html("page/2/").select(".notice-home") == []  # only above the first page of news


def test_lobby_screen_lists_current_notices_and_works_without_javascript(demo_site):
    board = listed(demo_site.html("notices/"))
    soup = demo_site.html("notices/screen/")
    slides = soup.select(".screen-slide")
    assert [s.h2.get_text() for s in slides] == [
        demo_site.html("notices/" + slug).h1.get_text() for slug in board
    ]
    assert not any(s.has_attr("hidden") for s in slides)  # all readable without JavaScript
    assert soup.find("script", src=re.compile(r"theme/js/screen\.js$"))
    assert soup.select_one("[data-screen]")["data-seconds"].isdigit()
    assert demo_site.path("theme/js/screen.js").is_file()
    assert soup.html["lang"] == "zh-CN" and soup.find("main")


def test_atom_feed_parses_back(demo_site):
    feed = feedparser.parse(demo_site.text("feeds/notices.atom.xml"))
    assert not feed.bozo, feed.bozo_exception
    published = newest_first(demo_notices())
    assert [e.link for e in feed.entries] == [f"{CANONICAL}/{m['url']}" for m in published]
    for entry, meta in zip(feed.entries, published):
        prefix = f"【{meta['kind']}】" + (f"【已{meta['validity']}】" if meta["validity"] != "有效" else "")
        assert entry.title == prefix + meta["title"]
        assert entry.author == meta.get("issuer", SETTINGS["SITE_OPERATOR"])
        assert meta["docnumber"] in entry.summary
        assert datetime.datetime(*entry.published_parsed[:6]) == meta["date"] - datetime.timedelta(hours=8)
    news = demo_site.text("feeds/all.atom.xml")
    assert "notices/" not in news
    head = demo_site.html("notices/").find("link", type="application/atom+xml", href=re.compile("notices"))
    assert head["href"] == f"{CANONICAL}/feeds/notices.atom.xml"


def test_calendar_has_one_event_per_deadline(demo_site):
    calendar = icalendar.Calendar.from_ical(demo_site.path("notices/deadlines.ics").read_bytes())
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    with_deadline = [m for m in demo_notices() if m["expires_day"]]
    assert set(events) == {f"notice-{m['slug']}@qinghe.example.org" for m in with_deadline}
    for meta in with_deadline:
        event = events[f"notice-{meta['slug']}@qinghe.example.org"]
        assert event.decoded("dtstart") == meta["expires_day"]
        assert event.decoded("dtend") == meta["expires_day"] + datetime.timedelta(days=1)
        assert event.decoded("dtstamp") == meta["date"].replace(tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
        assert meta["title"] in str(event["summary"])
        assert str(event["url"]) == f"{CANONICAL}/{meta['url']}"
        assert str(event["status"]) == ("CONFIRMED" if meta["validity"] == "有效" else "CANCELLED")
    assert str(calendar["x-wr-timezone"]) == "Asia/Shanghai"
    board = demo_site.html("notices/").select_one('a[type="text/calendar"]')
    assert resolve(demo_site.root, demo_site.path("notices/index.html"), board["href"]).is_file()


def test_notice_pages_are_in_the_sitemap(demo_site):
    sitemap = demo_site.text("sitemap.xml")
    for meta in demo_notices():
        assert f"{CANONICAL}/{meta['url']}<" in sitemap


@pytest.mark.parametrize("page", ["notices/", "notices/archive/", "notices/tongzhi/", "notices/screen/"])
def test_listing_pages_have_titles_and_one_h1(demo_site, page):
    soup = demo_site.html(page)
    assert len(soup.find_all("h1")) == 1
    assert soup.title.get_text().endswith(SETTINGS["SITENAME"])
