"""居务公开 (plugins/disclosure): deadlines as pure functions of dates, the
catalogue reader, finance table totals, and small sites for what only a
build shows (errors that stop it, 解读 ↔ 原文 links, the overdue policy)."""

import datetime

import pytest
from bs4 import BeautifulSoup

from plugins.disclosure import catalogue, schedule, tables
from tests.conftest import article_source, flat_log, run_pelican

D = datetime.date


# --- periods and deadlines ------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("每季度", schedule.QUARTERLY), ("按月", schedule.MONTHLY), ("每年", schedule.YEARLY),
    ("每半年", schedule.HALF_YEARLY), ("一次性", schedule.ONCE), ("有变化时", schedule.ON_EVENT),
    ("Quarterly", schedule.QUARTERLY), ("on event", schedule.ON_EVENT),
])
def test_periods_in_chinese_and_english(text, expected):
    assert schedule.parse_period(text) == expected


def test_an_unknown_period_names_the_values_allowed():
    with pytest.raises(ValueError, match="每季度.*quarterly"):
        schedule.parse_period("每周")


@pytest.mark.parametrize("text, days, working", [
    ("每季度结束后 15 日内", 15, False),
    ("信息形成或变更之日起二十个工作日内", 20, True),
    ("会议结束后 5 个工作日内", 5, True),
    ("季度结束后十五天内", 15, False),
])
def test_deadline_days_are_read_from_the_text(text, days, working):
    assert schedule.parse_deadline(text) == schedule.Deadline(days, working)


def test_a_deadline_without_a_number_of_days_is_none():
    assert schedule.parse_deadline("及时公开") is None


def test_working_days_skip_weekends_and_holidays_and_count_swapped_workdays():
    friday = D(2026, 9, 25)
    assert schedule.Calendar().add(friday, schedule.Deadline(1, True)) == D(2026, 9, 28)  # Monday
    # 国庆: Oct 1–7 off, Sunday Sep 27 and Saturday Oct 10 worked instead.
    holidays = [D(2026, 10, day) for day in range(1, 8)]
    calendar = schedule.Calendar(holidays, [D(2026, 9, 27), D(2026, 10, 10)])
    assert calendar.add(friday, schedule.Deadline(1, True)) == D(2026, 9, 27)
    assert calendar.add(D(2026, 9, 30), schedule.Deadline(2, True)) == D(2026, 10, 9)
    assert calendar.add(D(2026, 9, 30), schedule.Deadline(15, False)) == D(2026, 10, 15)


@pytest.mark.parametrize("day, period, label, start, end", [
    (D(2026, 8, 19), schedule.QUARTERLY, "2026年第三季度", D(2026, 7, 1), D(2026, 9, 30)),
    (D(2026, 12, 31), schedule.MONTHLY, "2026年12月", D(2026, 12, 1), D(2026, 12, 31)),
    (D(2026, 2, 10), schedule.HALF_YEARLY, "2026年上半年", D(2026, 1, 1), D(2026, 6, 30)),
    (D(2026, 7, 1), schedule.YEARLY, "2026年度", D(2026, 1, 1), D(2026, 12, 31)),
])
def test_calendar_periods(day, period, label, start, end):
    assert schedule.span_of(day, period) == schedule.Span(start, end, label)


@pytest.mark.parametrize("text, label", [
    ("2026年第三季度", "2026年第三季度"), ("2026-Q3", "2026年第三季度"), ("2026年3季度", "2026年第三季度"),
    ("2026年10月", "2026年10月"), ("2026-10", "2026年10月"), ("2026年下半年", "2026年下半年"),
    ("2026-H1", "2026年上半年"), ("2026年度", "2026年度"), ("2026", "2026年度"),
])
def test_reporting_periods(text, label):
    assert schedule.parse_report_period(text).label == label


@pytest.mark.parametrize("text", ["2026年第五季度", "2026-13", "去年"])
def test_a_reporting_period_that_does_not_exist_is_refused(text):
    with pytest.raises(ValueError, match="报告期"):
        schedule.parse_report_period(text)


QUARTER = dict(period=schedule.QUARTERLY, deadline=schedule.Deadline(15, False), since=D(2026, 1, 1))
Q2_REPORT = schedule.Publication(D(2026, 7, 10))  # dated in Q3: reports on Q2


@pytest.mark.parametrize("today, key, due, days_late", [
    (D(2026, 9, 30), schedule.OK, D(2026, 10, 15), 0),  # Q3 still running
    (D(2026, 10, 8), schedule.SOON, D(2026, 10, 15), 0),  # Q3 ended, due within 7 days
    (D(2026, 10, 15), schedule.SOON, D(2026, 10, 15), 0),  # the last day still counts
    (D(2026, 10, 16), schedule.OVERDUE, D(2026, 10, 15), 1),
    (D(2026, 11, 20), schedule.OVERDUE, D(2026, 10, 15), 36),
])
def test_a_quarterly_item_around_its_due_date(today, key, due, days_late):
    state = schedule.item_state(publications=[Q2_REPORT], today=today, **QUARTER)
    assert (state.key, state.due, state.days_late) == (key, due, days_late)
    assert state.period.label == "2026年第三季度"
    assert state.label == {"ok": "已公开", "soon": "即将到期", "overdue": "待公开"}[key]


def test_a_publication_that_names_its_period_covers_that_period():
    early = schedule.Publication(D(2026, 9, 30), schedule.parse_report_period("2026年第三季度"))
    state = schedule.item_state(publications=[Q2_REPORT, early], today=D(2026, 11, 20), **QUARTER)
    assert (state.key, state.period.label, state.due) == (schedule.OK, "2026年第四季度", D(2027, 1, 15))


def test_before_the_catalogue_takes_effect_nothing_is_due():
    state = schedule.item_state(publications=[], today=D(2026, 3, 1), **QUARTER)
    assert (state.key, state.due) == (schedule.PENDING, D(2026, 4, 15))
    late = schedule.item_state(publications=[], today=D(2026, 4, 16), **QUARTER)
    assert (late.key, late.days_late, late.period.label) == (schedule.OVERDUE, 1, "2026年第一季度")


def test_once_and_on_event_items():
    once = dict(period=schedule.ONCE, deadline=schedule.Deadline(10, True), since=D(2026, 1, 1))
    assert schedule.item_state(publications=[], today=D(2026, 1, 15), **once).key == schedule.PENDING
    overdue = schedule.item_state(publications=[], today=D(2026, 1, 16), **once)
    assert (overdue.key, overdue.due, overdue.days_late) == (schedule.OVERDUE, D(2026, 1, 15), 1)
    assert schedule.item_state(publications=[Q2_REPORT], today=D(2027, 1, 1), **once).key == schedule.OK
    event = dict(period=schedule.ON_EVENT, deadline=None, since=D(2026, 1, 1))
    assert schedule.item_state(publications=[], today=D(2030, 1, 1), **event).key == schedule.NONE_YET
    assert schedule.item_state(publications=[Q2_REPORT], today=D(2030, 1, 1), **event).key == schedule.ON_DEMAND


# --- the catalogue file -------------------------------------------------------------

ITEM = """事项：公益经费收支
编号：QH-CW-02
内容：每一笔支出的日期、用途和金额
依据：《云溪市社区公益事业专项经费管理办法》
时限：每季度结束后 15 日内
周期：每季度
公开渠道：社区网站、居务公开栏
公开对象：全体居民
"""
CATALOGUE = f"""标题：测试社区居务公开目录
实施日期：2026-01-01

本目录经居民代表会议通过。

## 财务

{ITEM}
事项：居委会机构信息
内容：办公地址、办公时间、联系电话
依据：《中华人民共和国城市居民委员会组织法》
时限：变更之日起 20 个工作日内
周期：有变化时
责任主体：测试社区居民委员会
公开渠道：社区网站
公开对象：全体居民
"""


def test_the_catalogue_is_read_with_its_categories_and_lines():
    found, problems = catalogue.parse(CATALOGUE, "catalogue.md", "默认居委会")
    assert problems == []
    assert (found.title, found.since, found.intro) == ("测试社区居务公开目录", D(2026, 1, 1), ["本目录经居民代表会议通过。"])
    first, second = found.items
    assert (first.category, first.name, first.code, first.line, first.period) == ("财务", "公益经费收支", "QH-CW-02", 8, "quarterly")
    assert first.deadline == schedule.Deadline(15, False) and first.lines["deadline"] == 12
    assert first.responsible == "默认居委会" and second.responsible == "测试社区居民委员会"
    assert (first.anchor, second.period_label) == ("item-qh-cw-02", "有变化时")


@pytest.mark.parametrize("change, line, message", [
    (("实施日期：2026-01-01\n", ""), 1, "实施日期"),
    (("周期：每季度", "周期：每周"), 13, "周期“每周”未知"),
    (("依据：《云溪市社区公益事业专项经费管理办法》\n", ""), 8, "缺少“依据”"),
    (("时限：每季度结束后 15 日内", "时限：及时公开"), 12, "没有天数"),
    (("编号：QH-CW-02", "负责人：韩思远"), 9, "未知字段“负责人”"),
    (("实施日期：2026-01-01", "实施日期：2026-02-30"), 2, "不存在的日期"),
    (("事项：居委会机构信息", "事项：公益经费收支"), 17, "重复"),
])
def test_catalogue_mistakes_name_their_line(change, line, message):
    text = CATALOGUE.replace(*change, 1)
    _, problems = catalogue.parse(text, "catalogue.md")
    assert any(found == line and message in text_ for found, text_ in problems), problems


def test_an_item_before_any_category_is_reported():
    _, problems = catalogue.parse("实施日期：2026-01-01\n\n" + ITEM, "catalogue.md")
    assert problems[0][0] == 3 and "类别" in problems[0][1]


# --- finance tables ---------------------------------------------------------------------

TABLE = """表1 2026年第三季度公益经费支出明细（单位：元）

| 序号 | 日期 | 用途 | 金额 |
|---|---|---|---:|
| 1 | 2026-07-08 | 楼道感应灯更换 | 6,880.00 |
| 2 | 2026-07-21 | 四点半课堂文具 | 2,156.50 |
|  |  | 小计 | 9,036.50 |
| 3 | 2026-08-19 | 化粪池清掏 | 4,600.00 |
|  |  | 小计 | 4,600.00 |
|  |  | 合计 | 13,636.50 |
"""


def test_totals_and_subtotals_that_add_up():
    found = tables.find_tables(TABLE, 10)
    assert len(found) == 1 and found[0].caption == "表1 2026年第三季度公益经费支出明细（单位：元）"
    assert found[0].rows[0][0] == 14  # the line in the file
    assert tables.check_totals(found[0]) == []


@pytest.mark.parametrize("wrong, right, line", [
    ("| 合计 | 13,636.50 |", "| 合计 | 13,636.00 |", 10),
    ("| 小计 | 9,036.50 |", "| 小计 | 9,063.50 |", 7),
])
def test_a_wrong_total_names_its_row(wrong, right, line):
    table = tables.find_tables(TABLE.replace(wrong, right), 1)[0]
    problems = tables.check_totals(table)
    assert [found for found, _ in problems] == [line]
    assert "相加是" in problems[0][1] and "does not equal" in problems[0][1]


def test_a_cell_that_is_not_a_number_is_reported_where_it_is():
    table = tables.find_tables(TABLE.replace("2,156.50", "两千元"), 1)[0]
    problems = tables.check_totals(table)
    assert problems[0][0] == 6 and "不是数字" in problems[0][1]


def test_numbers_as_offices_write_them():
    assert tables.number("￥1,260.50") == tables.Decimal("1260.50")
    assert tables.number("780元") == tables.Decimal("780")
    assert tables.number("—") == 0 and tables.number("") == 0
    assert tables.number("见附件") is None


# --- small sites ---------------------------------------------------------------------------

SIGNED = "责任编辑：苏婉清\n审核：罗美华\n终审：吴建国\n"


def notice(title, date, *extra, body="正文。", kind="公告"):
    lines = [f"标题：{title}", f"日期：{date} 09:00", f"类型：{kind}", *extra]
    return "\n".join(lines) + "\n" + SIGNED + "\n" + body + "\n"


def funds_notice(total="13,636.50"):
    return notice("2026年第三季度公益经费收支公开", "2026-10-12", "文号：测社〔2026〕18号", "索引号：CS/2026-00018",
                  "公开事项：公益经费收支", "报告期：2026年第三季度", body=TABLE.replace("13,636.50", total))


def small_site(**extra):
    files = {
        "disclosure/catalogue.md": CATALOGUE,
        "notices/2026-07-10-funds-q2.md": notice("2026年第二季度公益经费收支公开", "2026-07-10",
                                                 "公开事项：QH-CW-02", "报告期：2026-Q2", body=TABLE),
        "notices/2026-10-12-funds-q3.md": funds_notice(),
        "notices/2026-09-01-rules.md": notice("文明养犬公约", "2026-09-01", "文号：测社〔2026〕15号"),
        "articles/rules-explained.md": article_source(
            "政策解读：文明养犬公约改了什么", "2026-09-02 10:00", slug="rules-explained", 解读="2026-09-01-rules"),
    }
    files.update(extra)
    return files


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    """The small site, built once for the tests that read it."""
    base = tmp_path_factory.mktemp("disclosure-site")
    build = run_pelican(write_site(base / "content", small_site()), base / "output", cache=base / "cache")
    assert build.returncode == 0, build.log
    return build


def write_site(content, files):
    for relative, text in files.items():
        target = content / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    for folder in ("articles", "pages"):
        (content / folder).mkdir(parents=True, exist_ok=True)
    return content


def test_a_small_site_links_items_publications_and_explanations(good):
    page = good.html("disclosure/")
    item = page.select_one("#item-qh-cw-02")
    assert item.select_one(".badge").get_text() == "已公开"
    assert item.select_one(".disclosure-latest a")["href"].endswith("notices/2026-10-12-funds-q3/")
    assert "2026年第三季度" in item.select_one(".disclosure-latest").get_text()
    assert [a.get_text() for a in item.select(".disclosure-history a")] == [
        "2026年第三季度公益经费收支公开", "2026年第二季度公益经费收支公开"]
    assert "2027-01-15" in item.select_one(".disclosure-facts").get_text()  # the next one is due

    # The finance notice: 索引号 and 文号 in the facts, which search indexes.
    funds = good.html("notices/2026-10-12-funds-q3/")
    facts = {d.dt.get_text(): d.dd.get_text() for d in funds.select(".notice-facts > div")}
    assert (facts["索引号"], facts["文号"]) == ("CS/2026-00018", "测社〔2026〕18号")
    assert funds.select_one(".notice-facts").find_parent(attrs={"data-pagefind-body": True}) is not None
    assert funds.select_one(".notice-facts").find_parent(attrs={"data-pagefind-ignore": True}) is None
    back = funds.select_one(".disclosure-items a")
    assert back["href"].endswith("disclosure/#item-qh-cw-02") and "公益经费收支" in back.get_text()

    # 解读 ↔ 原文, both ways.
    explained = good.html("2026/09/rules-explained/")
    assert explained.select_one(".disclosure-explains a")["href"].endswith("notices/2026-09-01-rules/")
    assert "测社〔2026〕15号" in explained.select_one(".disclosure-explains").get_text()
    original = good.html("notices/2026-09-01-rules/")
    assert original.select_one(".disclosure-explanations a")["href"].endswith("2026/09/rules-explained/")
    assert page.select_one('.site-nav a[aria-current="page"]').get_text() == "居务公开"


def test_the_finance_table_is_accessible(good):
    funds = good.html("notices/2026-10-12-funds-q3/")
    table = funds.select_one(".notice-body table")
    assert table.caption.get_text() == "表1 2026年第三季度公益经费支出明细（单位：元）"
    assert [th["scope"] for th in table.thead.select("th")] == ["col"] * 4
    assert [tr.th.get_text() for tr in table.tbody.select("tr.table-total")] == ["小计", "小计"]
    assert [th["scope"] for th in table.select("tbody tr.table-total th")] == ["row", "row"]
    assert table.tfoot.th.get_text() == "合计" and table.tfoot.select_one("td.num").get_text() == "13,636.50"
    # The "表1 …" line is the caption, not a paragraph as well.
    assert not [p for p in funds.select(".notice-body p") if "表1" in p.get_text()]


def test_a_wrong_total_fails_the_build_naming_file_and_row(good, tmp_path):
    before = good.text("disclosure/index.html")
    files = small_site(**{"notices/2026-10-12-funds-q3.md": funds_notice("13,636.00")})
    bad = run_pelican(write_site(tmp_path / "content", files), good.root, cache=tmp_path / "cache")
    assert bad.returncode != 0
    log = flat_log(bad.log)
    # The header (10 lines), a blank line, then the table: 合计 is line 21.
    assert "content/notices/2026-10-12-funds-q3.md:21:" in log
    assert flat_log("合计与各行之和不符：“金额”写的是 13,636.00") in log
    assert flat_log("does not equal the sum of its 3 rows, 13,636.50") in log
    assert "Traceback" not in bad.log
    assert good.text("disclosure/index.html") == before  # output/ untouched


def test_an_overdue_item_warns_and_with_fail_stops_the_build(make_site):
    late = small_site(**{  # the Q3 report missing; the original of the 解读 repealed
        "notices/2026-09-01-rules.md": notice("文明养犬公约", "2026-09-01", "有效性：废止", "替代文件：2026-07-10-funds-q2"),
    })
    del late["notices/2026-10-12-funds-q3.md"]
    warned = make_site(late, BUILD_DATE="2026-10-20")
    assert warned.returncode == 0, warned.log
    log = flat_log(warned.log)
    message = "居务公开事项“公益经费收支”2026年第三季度应于2026-10-15前公开，逾期5天/"
    assert "content/disclosure/catalogue.md:8:" in log
    assert flat_log(message) in log and "5daysoverdue" in log
    item = warned.html("disclosure/").select_one("#item-qh-cw-02")
    assert item.select_one(".badge").get_text() == "待公开"
    assert "已逾期 5 天" in item.select_one(".disclosure-state").get_text()
    assert [a["href"] for a in warned.html("disclosure/").select(".disclosure-overdue a")] == ["#item-qh-cw-02"]
    # A 解读 of a repealed original: a warning, and the page says so.
    assert "content/articles/rules-explained.md:8:" in log
    assert flat_log("解读的原文《文明养犬公约》已废止，现行文件为《2026年第二季度公益经费收支公开》") in log
    explained = warned.html("2026/09/rules-explained/").select_one(".disclosure-explains")
    assert "原文已废止" in explained.get_text()

    failed = make_site(late, BUILD_DATE="2026-10-20", DISCLOSURE_OVERDUE="fail")
    assert failed.returncode != 0
    assert "ERROR" in failed.log and flat_log(message) in flat_log(failed.log)


@pytest.mark.parametrize("files, problems", [
    ({"articles/rules-explained.md": article_source("解读", "2026-09-02 10:00", slug="rules-explained", 解读="no-such-notice"),
      "disclosure/catalogue.md": CATALOGUE.replace("周期：每季度", "周期：每周")},
     [("articles/rules-explained.md:8:", "解读的原文“no-such-notice”不存在"),
      ("disclosure/catalogue.md:13:", "周期“每周”未知")]),
    ({"notices/2026-10-12-funds-q3.md": funds_notice().replace("公开事项：公益经费收支", "公开事项：公益金")
      .replace("报告期：2026年第三季度", "报告期：第三季度")},
     [("notices/2026-10-12-funds-q3.md:6:", "公开事项“公益金”不存在"),
      ("notices/2026-10-12-funds-q3.md:7:", "报告期“第三季度”看不懂")]),
])
def test_bad_references_fail_the_build_with_file_and_line(make_site, files, problems):
    build = make_site(small_site(**files))
    assert build.returncode != 0
    log = flat_log(build.log)
    for where, message in problems:
        assert "content/" + where in log and flat_log(message) in log, build.log
    assert "Traceback" not in build.log


def test_a_site_without_a_catalogue_has_no_page_and_no_link(make_site):
    build = make_site({"articles/a.md": article_source()})
    assert build.returncode == 0, build.log
    assert not build.path("disclosure").exists()
    home = BeautifulSoup(build.text("index.html"), "lxml")
    assert "居务公开" not in home.select_one(".site-nav").get_text()
