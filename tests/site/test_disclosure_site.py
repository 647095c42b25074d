"""The demo's 居务公开 page and its finance notices, built as residents see
them; the demo before and after the 工作经费 report's due date (2026-10-15:
the third quarter ended on 2026-09-30, the catalogue allows 15 days), on the
page and in `make check`."""

import subprocess
import sys

import pytest

from tests.conftest import ROOT, run_pelican

OVERDUE_ITEM = "#item-qh-cw-01"  # 工作经费收支: its third-quarter report never came
FIELDS = ["公开内容", "公开依据", "公开时限", "公开周期", "责任主体", "公开渠道", "公开对象"]


def test_the_demo_catalogue_lists_every_item_with_the_fields_of_a_catalogue(demo_site):
    page = demo_site.html("disclosure/")
    categories = [h2.get_text() for h2 in page.select(".disclosure-category > h2")]
    assert categories == ["机构信息", "居民自治", "财务", "社会救助", "便民服务"]
    items = page.select(".disclosure-item")
    assert len(items) == 12
    for item in items:
        facts = {div.dt.get_text(): div.dd.get_text().strip() for div in item.select(".disclosure-facts > div")}
        assert all(facts.get(name) for name in FIELDS), item["id"]
    # Every item that has been published links to its latest publication, which links back.
    for item in items:
        link = item.select_one(".disclosure-latest a")
        if link is None:
            continue
        target = demo_site.html("disclosure/" + link["href"])
        assert any(a["href"].endswith("disclosure/#" + item["id"]) for a in target.select(".disclosure-items a")), item["id"]


def test_after_the_due_date_the_item_is_shown_as_overdue(demo_site):
    page = demo_site.html("disclosure/")
    overdue = page.select(".disclosure-item-overdue")
    assert ["#" + item["id"] for item in overdue] == [OVERDUE_ITEM]
    item = overdue[0]
    assert item.select_one(".badge").get_text() == "待公开"
    assert "2026年第三季度应于 2026-10-15 前公开，已逾期 36 天" in item.select_one(".disclosure-state").get_text()
    assert "1 项待公开" in page.select_one(".disclosure-summary").get_text()
    assert [a["href"] for a in page.select(".disclosure-overdue a")] == [OVERDUE_ITEM]
    # The second quarter's report is its latest publication.
    assert item.select_one(".disclosure-latest a")["href"].endswith("notices/2026-07-10-community-funds-2026-q2/")


def test_before_the_due_date_it_is_not(tmp_path):
    build = run_pelican(ROOT / "content", tmp_path / "output", cache=tmp_path / "cache", BUILD_DATE="2026-10-15")
    assert build.returncode == 0, build.log
    assert "逾期" not in build.log
    page = build.html("disclosure/")
    assert page.select(".disclosure-item-overdue") == [] and page.select_one(".disclosure-overdue") is None
    item = page.select_one(OVERDUE_ITEM)
    assert item.select_one(".badge").get_text() == "即将到期"
    assert "应于 2026-10-15 前公开，还有 0 天" in item.select_one(".disclosure-state").get_text()
    # The third quarter's 公益经费 report (2026-10-12) is out; the 低保 公示 (2026-11-13) is not yet.
    welfare = page.select_one("#item-qh-cw-02 .disclosure-latest a")
    assert welfare["href"].endswith("notices/2026-10-12-public-welfare-funds-2026-q3/")
    assert page.select_one("#item-qh-jz-01 .disclosure-latest a") is None


@pytest.mark.parametrize("day, days_late", [("2026-10-15", None), ("2026-10-16", 1)])
def test_make_check_lists_the_overdue_item_with_the_days_late(tmp_path, day, days_late):
    result = subprocess.run(
        [sys.executable, "-m", "plugins.safety", "publishconf.py", f'BUILD_DATE="{day}"', f'CACHE_PATH="{tmp_path}"'],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr  # a warning: DISCLOSURE_OVERDUE is "warn"
    lines = [line for line in result.stdout.splitlines() if "居务公开事项" in line]
    if days_late is None:
        assert lines == []
        return
    assert lines == [
        "  content/disclosure/catalogue.md:77: [提醒 warning] 居务公开事项“工作经费收支”2026年第三季度应于 2026-10-15 前公开，"
        f"逾期 {days_late} 天 / disclosure item '工作经费收支' (2026年第三季度) was due by 2026-10-15: {days_late} days overdue"
    ]


def test_finance_tables_print_as_tables_with_checked_totals(demo_site):
    for path, totals in (
        ("notices/2026-07-10-community-funds-2026-q2/", ["14,132.60", "33,230.00"]),
        ("notices/2026-10-12-public-welfare-funds-2026-q3/", ["41,236.50"]),
    ):
        page = demo_site.html(path)
        tables = page.select(".notice-body table.data-table")
        assert len(tables) == len(totals)
        for table, total in zip(tables, totals):
            assert table.caption.get_text().startswith("表")
            assert all(th.get("scope") == "col" for th in table.thead.select("th"))
            assert table.tfoot.th.get_text() == "合计" and table.tfoot.select_one("td.num").get_text() == total


def test_the_demo_explanation_and_its_original_link_to_each_other(demo_site):
    explained = demo_site.html("2026/09/dog-rules-2026-explained/")
    link = explained.select_one(".disclosure-explains a")
    assert link["href"].endswith("notices/2026-09-01-dog-rules-2026/")
    original = demo_site.html("notices/2026-09-01-dog-rules-2026/")
    assert original.select_one(".disclosure-explanations a")["href"].endswith("2026/09/dog-rules-2026-explained/")


def test_every_page_links_to_the_catalogue(demo_site):
    for path in ("", "notices/", "2025/06/qinghe-jiayuan-elevators/"):
        labels = [a.get_text() for a in demo_site.html(path).select(".site-nav a")]
        assert "居务公开" in labels, path
