"""The notice board plugin: status rules, the 公示名单 block, validation errors
and what reaches the output, on small sites built with a fixed BUILD_DATE."""

import datetime
import gzip
import re

import feedparser
import icalendar
import pytest

from plugins.notices import status as st
from plugins.notices.marked import BlockError, apply_blocks, find_blocks, list_is_public, removed_note
from tests.conftest import flat_log

D = datetime.date


def notice_source(title="测试通知", date="2026-11-10 09:00", kind="通知", body="正文内容。", **extra):
    """A notice file with all three sign-offs; keys may be Chinese (中文键)."""
    header = {"标题": title, "日期": date, "类型": kind, "责任编辑": "韩思远", "审核": "罗美华", "终审": "吴建国"}
    header.update(extra)
    lines = [f"{key}：{value}" for key, value in header.items() if value is not None]
    return "\n".join(lines) + "\n\n" + body + "\n"


def readable_bytes(path):
    """A file's bytes as a search for text should see them: gzip (the search
    index, precompressed copies) unpacked, Pagefind's word breaks removed."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError):
            pass
    return data.replace("\u200b".encode(), b"")


def all_output_bytes(build):
    return {path: readable_bytes(path) for path in build.files()}


def files_containing(build, needle):
    data = needle.encode("utf-8")
    return sorted(str(path.relative_to(build.root)) for path, raw in all_output_bytes(build).items() if data in raw)


# --- status at every boundary (pure functions) ---------------------------------

EFFECTIVE, EXPIRES = D(2026, 11, 10), D(2026, 11, 20)


@pytest.mark.parametrize(
    "today, key, days_left",
    [
        (D(2026, 11, 9), st.UPCOMING, 11),  # the day before effective
        (D(2026, 11, 10), st.IN_FORCE, 10),  # the day of effective
        (D(2026, 11, 16), st.IN_FORCE, 4),  # NOTICE_SOON_DAYS + 1 before expires
        (D(2026, 11, 17), st.SOON, 3),  # NOTICE_SOON_DAYS before expires
        (D(2026, 11, 20), st.SOON, 0),  # the day of expires: still in force
        (D(2026, 11, 21), st.EXPIRED, None),  # the day after expires
    ],
)
def test_status_at_each_boundary(today, key, days_left):
    status = st.compute_status(EFFECTIVE, EXPIRES, today, soon_days=3)
    assert status.key == key
    assert status.label == st.STATUS_LABELS[key]
    assert status.days_left == days_left
    assert status.current is (key != st.EXPIRED)


def test_soon_days_setting_moves_the_boundary():
    today = D(2026, 11, 15)  # 5 days before expires
    assert st.compute_status(EFFECTIVE, EXPIRES, today, soon_days=3).key == st.IN_FORCE
    assert st.compute_status(EFFECTIVE, EXPIRES, today, soon_days=5).key == st.SOON
    assert st.compute_status(EFFECTIVE, EXPIRES, EXPIRES, soon_days=0).key == st.SOON


def test_without_expires_a_notice_stays_in_force():
    status = st.compute_status(EFFECTIVE, None, D(2030, 1, 1))
    assert status.key == st.IN_FORCE and status.days_left is None
    assert st.status_note(status, EFFECTIVE, None) == "长期有效。"


def test_upcoming_counts_days_to_start():
    status = st.compute_status(EFFECTIVE, EXPIRES, D(2026, 11, 7))
    assert status.days_to_start == 3
    assert st.status_note(status, EFFECTIVE, EXPIRES) == "将于 2026-11-10 生效，还有 3 天。"
    assert st.status_note(status, EFFECTIVE, EXPIRES, publicity=True) == "公示期将于 2026-11-10 开始，还有 3 天。"


@pytest.mark.parametrize(
    "today, note, publicity_note",
    [
        (D(2026, 11, 17), "距截止还有 3 天。", "距公示期结束还有 3 天。"),
        (D(2026, 11, 20), "今天是截止日。", "今天是公示期最后一天。"),
        (D(2026, 11, 21), "已于 2026-11-20 截止。", "公示期已于 2026-11-20 结束。"),
    ],
)
def test_status_notes(today, note, publicity_note):
    status = st.compute_status(EFFECTIVE, EXPIRES, today)
    assert st.status_note(status, EFFECTIVE, EXPIRES) == note
    assert st.status_note(status, EFFECTIVE, EXPIRES, publicity=True) == publicity_note


def test_publicity_period_text_counts_both_ends():
    period = st.Period(D(2026, 11, 13), D(2026, 11, 23), "")
    assert period.days == 11
    assert period.text == "2026年11月13日至2026年11月23日（共 11 天）"


def test_badges_show_kind_then_status_or_validity():
    status = st.compute_status(EFFECTIVE, EXPIRES, D(2026, 11, 18))
    assert [b.label for b in st.badges("公示", status, st.VALID, pinned=True)] == ["置顶", "公示", "即将截止"]
    assert [b.css for b in st.badges("通知", status, st.REPEALED)] == ["kind-tongzhi", "validity-repealed"]
    assert [b.label for b in st.badges("公告", status, st.LAPSED)] == ["公告", "已失效"]


@pytest.mark.parametrize(
    "size, text", [(0, "0 字节"), (1023, "1023 字节"), (1024, "1 KB"), (2578, "3 KB"), (1536 * 1024, "1.5 MB")]
)
def test_file_size_text(size, text):
    assert st.file_size_text(size) == text


def test_file_type_text():
    assert st.file_type_text("须知.PDF") == "PDF"
    assert st.file_type_text("报名表.docx") == "Word"
    assert st.file_type_text("名单.xlsx") == "Excel"
    assert st.file_type_text("说明") == "文件"


# --- the 公示名单 block (pure functions) ----------------------------------------

BODY = """前言。

<!-- 公示名单 -->
| 序号 | 姓名 |
|---|---|
| 1 | 郑秀兰 |
<!-- /公示名单 -->

结尾。""".split("\n")


def test_list_is_public_through_the_last_day():
    assert list_is_public(D(2026, 11, 23), D(2026, 11, 23))
    assert not list_is_public(D(2026, 11, 23), D(2026, 11, 24))
    assert not list_is_public(None, D(2026, 11, 1))


def test_block_kept_is_wrapped_and_dropped_is_replaced_by_the_note():
    assert find_blocks(BODY) == [(2, 6)]
    kept = "\n".join(apply_blocks(BODY, True, D(2026, 11, 23)))
    assert '<div class="publicity-list" markdown="1">' in kept and "郑秀兰" in kept
    dropped = "\n".join(apply_blocks(BODY, False, D(2026, 11, 23)))
    assert "郑秀兰" not in dropped and "姓名" not in dropped
    assert removed_note(D(2026, 11, 23)) == "公示期已于 2026-11-23 结束，名单已按规定删除。"
    assert removed_note(D(2026, 11, 23)) in dropped
    assert dropped.startswith("前言。") and dropped.rstrip().endswith("结尾。")


def test_marker_variants_and_fenced_examples():
    lines = ["<!--公示名单-->", "张三", "<!-- ／公示名单 -->", "```", "<!-- 公示名单 -->", "```", "<!-- 公示名单 结束 -->"]
    with pytest.raises(BlockError):  # the last line closes a block that is not open
        find_blocks(lines)
    assert find_blocks(lines[:6]) == [(0, 2)]  # the fenced marker is an example, not a block


@pytest.mark.parametrize(
    "lines, index, words",
    [
        (["<!-- 公示名单 -->", "张三"], 0, "没有结束标记"),
        (["张三", "<!-- /公示名单 -->"], 1, "没有开始标记"),
        (["<!-- 公示名单 -->", "<!-- 公示名单 -->", "<!-- /公示名单 -->"], 1, "还没有结束"),
        (["<!-- 公示名单", "张三"], 0, "写法不对"),
    ],
)
def test_broken_blocks_are_errors_with_their_line(lines, index, words):
    with pytest.raises(BlockError) as caught:
        find_blocks(lines)
    assert caught.value.index == index
    assert words in str(caught.value)


# --- built sites ----------------------------------------------------------------

def board_titles(build):
    return [a.get_text() for a in build.html("notices/").select(".notice-item-title a")]


def test_status_boundaries_on_the_built_board(make_site):
    """One build on 2026-11-20 holds a notice at each boundary."""
    files = {
        "notices/a-before-effective.md": notice_source("生效前一天", "2026-11-18", 生效日期="2026-11-21", 截止日期="2026-12-30"),
        "notices/b-effective-day.md": notice_source("生效当天", "2026-11-18", 生效日期="2026-11-20", 截止日期="2026-12-30"),
        "notices/c-soon-edge.md": notice_source("截止前三天", "2026-11-17", 截止日期="2026-11-23"),
        "notices/d-not-yet-soon.md": notice_source("截止前四天", "2026-11-16", 截止日期="2026-11-24"),
        "notices/e-expires-today.md": notice_source("截止当天", "2026-11-15", 截止日期="2026-11-20"),
        "notices/f-expired-yesterday.md": notice_source("截止次日", "2026-11-14", 截止日期="2026-11-19"),
    }
    build = make_site(files, BUILD_DATE="2026-11-20")
    assert build.returncode == 0, build.log
    expected = {
        "a-before-effective": "未生效",
        "b-effective-day": "生效中",
        "c-soon-edge": "即将截止",
        "d-not-yet-soon": "生效中",
        "e-expires-today": "即将截止",
        "f-expired-yesterday": "已截止",
    }
    for slug, label in expected.items():
        badges = [b.get_text() for b in build.html(f"notices/{slug}/").select(".notice-head-badges .badge")]
        assert badges == ["通知", label], slug
    # In force newest first (same day: by file name), then those not yet in force.
    assert board_titles(build) == ["生效当天", "截止前三天", "截止前四天", "截止当天", "生效前一天"]
    archive = [a.get_text() for a in build.html("notices/archive/").select(".notice-item-title a")]
    assert archive == ["截止次日"]
    assert "今天是截止日" in build.text("notices/e-expires-today/index.html")

    wider = make_site(files, BUILD_DATE="2026-11-20", NOTICE_SOON_DAYS=4, output=build.root.parent / "wider")
    badges = [b.get_text() for b in wider.html("notices/d-not-yet-soon/").select(".notice-head-badges .badge")]
    assert badges == ["通知", "即将截止"]


PUBLICITY = notice_source(
    "困难家庭临时救助对象公示", "2026-11-02 09:00", "公示", 生效日期="2026-11-02", 截止日期="2026-11-10",
    文号="青禾社〔2026〕12号",
    body="现将临时救助对象公示如下：\n\n<!-- 公示名单 -->\n| 序号 | 姓名 |\n|---|---|\n| 1 | 柏玉芬 |\n| 2 | 郦长河 |\n<!-- /公示名单 -->\n\n如有异议请反映。",
)


def test_list_published_on_the_last_day_and_gone_from_every_file_the_day_after(make_site, tmp_path):
    files = {"notices/relief-publicity.md": PUBLICITY, "notices/files/救助名单.xlsx": b"PK\x03\x04 demo"}
    files["notices/relief-publicity.md"] = files["notices/relief-publicity.md"].replace("文号：", "附件：救助名单.xlsx\n文号：")
    last_day = make_site(files, BUILD_DATE="2026-11-10")
    assert last_day.returncode == 0, last_day.log
    page = last_day.html("notices/relief-publicity/")
    assert [td.get_text() for td in page.select(".publicity-list td")] == ["1", "柏玉芬", "2", "郦长河"]
    assert "今天是公示期最后一天" in page.select_one(".notice-period").get_text()
    found = files_containing(last_day, "柏玉芬")
    assert "notices/relief-publicity/index.html" in found and "feeds/notices.atom.xml" in found
    if last_day.path("pagefind").is_dir():  # the scan reaches into the search index too
        assert any(path.startswith("pagefind/") for path in found), found
    assert last_day.path("notices/files/救助名单.xlsx").is_file()

    # Same untouched files, same content cache: the cache must not bring the list back.
    after = make_site({}, BUILD_DATE="2026-11-11")
    assert after.returncode == 0, after.log
    for name in ("柏玉芬", "郦长河"):
        assert files_containing(after, name) == []
    page = after.html("notices/relief-publicity/")
    assert page.select(".publicity-list") == []
    assert page.select_one(".publicity-removed").get_text() == "公示期已于 2026-11-10 结束，名单已按规定删除。"
    assert "附件（1 个）已按规定删除" in page.select_one(".notice-attachments-removed").get_text()
    assert not after.path("notices/files/救助名单.xlsx").exists()
    # The notice itself stays: archived, in the feed, with its dates.
    assert "困难家庭临时救助对象公示" in after.text("notices/archive/index.html")
    feed = feedparser.parse(after.text("feeds/notices.atom.xml"))
    assert [e.title for e in feed.entries] == ["【公示】困难家庭临时救助对象公示"]
    assert "名单已按规定删除" in feed.entries[0].content[0].value


_RECORD_START = re.compile(r"^(\[\d\d:\d\d:\d\d\])?\s*(ERROR|WARNING|INFO|DEBUG|CRITICAL)\s")
_SOURCE_REF = re.compile(r"\s{2,}\S+\.py:\d+\s*$")


def log_records(log):
    """Pelican's console log as one string per message (rich wraps long ones)."""
    records = []
    for line in log.splitlines():
        line = _SOURCE_REF.sub("", line)
        if _RECORD_START.match(line) or not records:
            records.append(line.strip())
        else:
            records[-1] += line.strip()
    return records


def logged(log, *parts):
    """A message containing every part, in order."""
    pattern = ".*".join(re.escape(part) for part in parts)
    return any(re.search(pattern, record) for record in log_records(log))


def test_each_validation_error_names_file_and_line(make_site):
    good = notice_source("新规定", "2026-11-01", "公告")
    files = {
        "notices/good.md": good,
        "notices/bad-kind.md": notice_source("类型错误", kind="通报"),
        "notices/no-kind.md": notice_source("缺少类型", kind=None),
        "notices/bad-date.md": notice_source("日期错误", 截止日期="2026-13-45"),
        "notices/reversed.md": notice_source("日期颠倒", 生效日期="2026-11-10", 截止日期="2026-11-01"),
        "notices/missing-file.md": notice_source("缺附件", 附件="不存在.pdf"),
        "notices/path-file.md": notice_source("附件路径", 附件="../secret.txt"),
        "notices/unknown-replacement.md": notice_source("替代未知", 有效性="废止", 替代文件="no-such-notice"),
        "notices/repealed-alone.md": notice_source("废止无替代", 有效性="废止"),
        "notices/bad-validity.md": notice_source("有效性错误", 有效性="作废了"),
        "notices/publicity-open.md": notice_source("公示无截止", kind="公示"),
        "notices/list-no-expires.md": notice_source("名单无截止", body="说明\n\n<!-- 公示名单 -->\n张三\n<!-- /公示名单 -->"),
        "notices/list-unclosed.md": notice_source(
            "名单未结束", kind="公示", 截止日期="2026-11-20", body="第一段\n\n<!-- 公示名单 -->\n张三"
        ),
        "notices/archive.md": notice_source("占用归档地址"),
    }
    build = make_site(files)
    assert build.returncode != 0
    log = build.log
    expected = [
        ("bad-kind.md:3", "通报"),
        ("no-kind.md:1", "缺少类型"),
        ("bad-date.md:7", "2026-13-45"),
        ("reversed.md:8", "早于生效日期"),
        ("missing-file.md:7", "不存在.pdf"),
        ("path-file.md:7", "只写文件名"),
        ("unknown-replacement.md:8", "no-such-notice"),
        ("repealed-alone.md:7", "替代文件"),
        ("bad-validity.md:7", "作废了"),
        ("publicity-open.md:3", "公示必须写截止日期"),
        ("list-no-expires.md:10", "截止日期"),
        ("list-unclosed.md:11", "没有结束标记"),
        ("archive.md", "通知公告栏目自己的页面"),
    ]
    for where, words in expected:
        assert logged(log, f"notices/{where}:", words), (where, words, log)
    assert "good.md" not in log
    assert "Traceback" not in log
    assert not build.root.exists()  # failed build: output never written


def test_failed_build_leaves_previous_output_untouched(make_site):
    first = make_site({"notices/ok.md": notice_source("正常通知")})
    assert first.returncode == 0, first.log
    before = {p: p.read_bytes() for p in first.files()}
    failed = make_site({"notices/broken.md": notice_source("坏通知", kind="通报")})
    assert failed.returncode != 0
    assert {p: p.read_bytes() for p in failed.files()} == before


def test_duplicate_slug_names_both_files(make_site):
    build = make_site(
        {
            "notices/one.md": notice_source("第一个", slug="same-address"),
            "notices/two.md": notice_source("第二个", slug="same-address"),
        }
    )
    assert build.returncode != 0
    assert logged(build.log, "notices/two.md", "notices/one.md", "same-address"), build.log


def test_draft_future_unreviewed_and_hidden_notices(make_site):
    files = {
        "notices/public.md": notice_source("公开通知", "2026-11-10", 截止日期="2026-12-31"),
        "notices/draft.md": notice_source("草稿通知甲", None, None, 状态="草稿", 附件="草稿附件.pdf"),
        "notices/files/草稿附件.pdf": b"%PDF-1.4 draft",
        "notices/future.md": notice_source("未来通知乙", "2026-12-01", 截止日期="2026-12-31"),
        "notices/unreviewed.md": notice_source("未审通知丙", 终审=None),
        "notices/hidden.md": notice_source("隐藏通知丁", 状态="hidden", 截止日期="2026-12-31"),
        "notices/files/orphan.pdf": b"%PDF-1.4 orphan",
    }
    build = make_site(files, BUILD_DATE="2026-11-20", REVIEW_REQUIRED=True)
    assert build.returncode == 0, build.log
    for title in ("草稿通知甲", "未来通知乙", "未审通知丙"):
        assert files_containing(build, title) == [], title
    assert not build.path("notices/files/草稿附件.pdf").exists()
    assert not build.path("notices/files/orphan.pdf").exists()
    assert "orphan.pdf" in build.log and "未审通知丙" not in build.log
    assert logged(build.log, "notices/unreviewed.md", "终审")

    hidden = build.html("notices/hidden/")
    assert hidden.h1.get_text() == "隐藏通知丁"
    assert hidden.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert files_containing(build, "隐藏通知丁") == ["notices/hidden/index.html"]
    assert "notices/hidden/" not in build.text("sitemap.xml")
    assert "notices/public/" in build.text("sitemap.xml")
    assert board_titles(build) == ["公开通知"]


def test_replacement_by_file_name_and_backlink(make_site):
    files = {
        "notices/2026-rules.md": notice_source("新公约", "2026-11-01", "公告", 文号="青禾社〔2026〕3号"),
        "notices/2024-rules.md": notice_source("旧公约", "2024-03-01", "公告", 有效性="废止", 替代文件="2026-rules.md"),
    }
    build = make_site(files)
    assert build.returncode == 0, build.log
    old = build.html("notices/2024-rules/")
    note = old.select_one(".notice-withdrawn")
    assert "本公告已废止" in note.get_text() and "青禾社〔2026〕3号" in note.get_text()
    assert note.a["href"].endswith("notices/2026-rules/")
    new = build.html("notices/2026-rules/")
    assert new.select_one(".notice-replaces a").get_text() == "《旧公约》"
    assert board_titles(build) == ["新公约"]
    archived = build.html("notices/archive/").select_one(".notice-item")
    assert [b.get_text() for b in archived.select(".badge")] == ["公告", "已废止"]


def test_notices_stay_out_of_the_news(make_site):
    from tests.conftest import article_source

    build = make_site(
        {"articles/a.md": article_source("一条新闻", slug="news-one"), "notices/n.md": notice_source("一条通知")}
    )
    assert build.returncode == 0, build.log
    assert files_containing(build, "一条通知") and "一条通知" not in build.text("feeds/all.atom.xml")
    home_news = [a.get_text() for a in build.html("").select(".news .article-list a")]
    assert "一条通知" not in home_news and "一条新闻" in home_news
    for path in build.path("column").rglob("*.html"):
        assert "一条通知" not in path.read_text(encoding="utf-8")


def test_calendar_is_parsed_back(make_site):
    build = make_site(
        {
            "notices/with-deadline.md": notice_source("有截止", "2026-11-10 09:30", 截止日期="2026-11-30"),
            "notices/without.md": notice_source("无截止", "2026-11-11"),
        }
    )
    assert build.returncode == 0, build.log
    calendar = icalendar.Calendar.from_ical(build.path("notices/deadlines.ics").read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    event = events[0]
    assert str(event["uid"]) == "notice-with-deadline@qinghe.example.org"
    assert event.decoded("dtstart") == D(2026, 11, 30)
    assert event.decoded("dtend") == D(2026, 12, 1)
    assert event.decoded("dtstamp") == datetime.datetime(2026, 11, 10, 1, 30, tzinfo=datetime.UTC)
    assert str(event["summary"]) == "截止：有截止"
    assert str(event["url"]) == "https://qinghe.example.org/notices/with-deadline/"


def test_site_without_notices_still_has_stable_board_and_feeds(make_site):
    build = make_site({})
    assert build.returncode == 0, build.log
    assert "目前没有其他正在生效的通知" in build.text("notices/index.html")
    assert build.html("notices/screen/").select(".screen-slide") == []
    feed = feedparser.parse(build.text("feeds/notices.atom.xml"))
    assert feed.entries == [] and feed.feed.updated == "2026-11-20T00:00:00+08:00"  # BUILD_DATE, not now
    calendar = icalendar.Calendar.from_ical(build.path("notices/deadlines.ics").read_bytes())
    assert list(calendar.walk("VEVENT")) == []
    assert build.html("").select(".notice-home") == []


def test_scaffold_writes_a_draft_that_builds_and_then_publishes(tmp_path, make_site):
    from plugins.notices.scaffold import new_notice

    path = new_notice("困难家庭救助对象公示", "公示", root=tmp_path)
    assert path.parent == tmp_path / "content" / "notices"
    text = path.read_text(encoding="utf-8")
    assert "类型：公示" in text and "<!-- 公示名单 -->" in text
    draft = make_site({})
    assert draft.returncode == 0, draft.log
    assert files_containing(draft, "困难家庭救助对象公示") == []
    path.write_text(text.replace("状态：draft\n", ""), encoding="utf-8")
    from plugins.common import SHANGHAI

    published = make_site({}, BUILD_DATE=datetime.datetime.now(SHANGHAI).date().isoformat())
    assert published.returncode == 0, published.log
    assert published.path(f"notices/{path.stem}/index.html").is_file()
    with pytest.raises(SystemExit):
        new_notice("困难家庭救助对象公示", "公示", root=tmp_path)  # never overwrites
    with pytest.raises(SystemExit):
        new_notice("标题", "通报", root=tmp_path)


def test_a_page_at_the_board_address_is_an_error(make_site):
    page = "title: 通知\nslug: notices\n\n一个页面。\n"
    build = make_site({"pages/notices.md": page, "notices/n.md": notice_source("一条通知")})
    assert build.returncode != 0
    assert logged(build.log, "pages/notices.md", "notices/index.html"), build.log
    assert "Traceback" not in build.log


def test_attachment_with_spaces_chinese_and_upper_case_extension(make_site):
    from tests.site.helpers import resolve

    data = b"PK\x03\x04" + b"0" * 3000
    build = make_site(
        {"notices/form.md": notice_source("报名通知", 附件="报名 表.DOCX"), "notices/files/报名 表.DOCX": data}
    )
    assert build.returncode == 0, build.log
    item = build.html("notices/form/").select_one(".notice-attachments li")
    href = item.a["href"]
    assert " " not in href and "%E6%8A%A5" in href  # percent-encoded, one consistent form
    target = resolve(build.root, build.path("notices/form/index.html"), href)
    assert target.read_bytes() == data
    assert item.select_one(".notice-file-info").get_text() == "（Word，3 KB）"


# --- a replacement scheduled ahead (issue 11) -------------------------------------

SCHEDULED = {
    "notices/2026-rules.md": notice_source("新公约", "2026-12-01 09:00", "公告", 文号="青禾社〔2026〕3号"),
    "notices/2024-rules.md": notice_source("旧公约", "2024-03-01", "公告", 有效性="废止", 替代文件="2026-rules"),
    "notices/water.md": notice_source("紧急停水通知", "2026-11-20 08:00"),
}


@pytest.mark.parametrize("day", ["2026-11-20", "2026-11-30"])
def test_before_its_replacement_is_published_the_old_notice_stays_as_it_is(make_site, day):
    build = make_site(SCHEDULED, BUILD_DATE=day)
    assert build.returncode == 0, build.log  # nothing waits for next month's rules
    assert board_titles(build) == ["紧急停水通知", "旧公约"]
    old = build.html("notices/2024-rules/")
    assert old.select_one(".notice-withdrawn") is None
    assert [b.get_text() for b in old.select(".notice-head-badges .badge")] == ["公告", "生效中"]
    assert "新公约" not in build.text("notices/2024-rules/index.html")
    assert not build.path("notices/2026-rules/index.html").exists()
    assert files_containing(build, "新公约") == []
    log = flat_log(build.log)
    assert "将由“新公约”替代，替代文件尚未发布（2026-12-01发布）" in log


@pytest.mark.parametrize("day", ["2026-12-01", "2026-12-15"])
def test_on_and_after_the_replacements_day_both_link_and_the_old_one_is_repealed(make_site, day):
    build = make_site(SCHEDULED, BUILD_DATE=day)
    assert build.returncode == 0, build.log
    old = build.html("notices/2024-rules/")
    note = old.select_one(".notice-withdrawn")
    assert "本公告已废止" in note.get_text() and note.a["href"].endswith("notices/2026-rules/")
    new = build.html("notices/2026-rules/")
    assert new.select_one(".notice-replaces a").get_text() == "《旧公约》"
    assert board_titles(build) == ["新公约", "紧急停水通知"]
    assert "替代文件尚未发布" not in flat_log(build.log)


def test_draft_or_unreviewed_replacement_is_a_reminder_and_a_missing_one_an_error(make_site, tmp_path):
    files = {
        "notices/new-draft.md": notice_source("草稿新规", "2026-11-01", 状态="draft"),
        "notices/new-unreviewed.md": notice_source("未审新规", "2026-11-01", 终审=None),
        "notices/old-a.md": notice_source("旧规甲", "2025-01-01", 有效性="废止", 替代文件="new-draft"),
        "notices/old-b.md": notice_source("旧规乙", "2025-01-02", 有效性="失效", 替代文件="new-unreviewed"),
    }
    build = make_site(files, REVIEW_REQUIRED=True)
    assert build.returncode == 0, build.log
    log = flat_log(build.log)
    assert "将由“草稿新规”替代，替代文件尚未发布（草稿）" in log
    assert "将由“未审新规”替代，替代文件尚未发布（未完成三审）" in log
    assert board_titles(build) == ["旧规乙", "旧规甲"]

    missing = dict(files, **{"notices/old-c.md": notice_source("旧规丙", "2025-01-03", 有效性="废止", 替代文件="no-such")})
    build = make_site(missing, REVIEW_REQUIRED=True, output=tmp_path / "again")
    assert build.returncode != 0
    assert "替代文件“no-such”不存在" in flat_log(build.log)


def test_make_check_lists_a_scheduled_replacement_as_a_reminder(tmp_path):
    import subprocess
    import sys

    from tests.conftest import ROOT

    for relative, text in SCHEDULED.items():
        target = tmp_path / "content" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    for folder in ("articles", "pages"):
        (tmp_path / "content" / folder).mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "plugins.safety", "publishconf.py", f'PATH="{tmp_path / "content"}"',
         f'CACHE_PATH="{tmp_path / "cache"}"', 'BUILD_DATE="2026-11-20"', 'LINK_CHECK_ALLOW=["favicon.svg", "guide/"]'],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    reminder = [line for line in result.stdout.splitlines() if "替代文件尚未发布" in line]
    assert len(reminder) == 1 and "2024-rules.md:" in reminder[0] and "[提醒 warning]" in reminder[0]
