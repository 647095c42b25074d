"""`make check`'s report page (plugins/safety/report.py) in real Chromium:
the same axe-core checks as the site (WCAG 2.1 AA, 0 violations) at a phone
and a desktop width, opened from disk as an editor opens it, and not a
single request beyond the file itself."""

import pytest

from plugins.safety.report import OTHER, SITE, Item, write
from tests.browser.test_accessibility import axe_violations

ITEMS = [
    Item("content/articles/news/2026-11-18-fire-drill.md", 9, True,
         "中文里用了半角标点：“上午,青禾社区”，改为“上午，青禾社区”，make fix 可自动改正 / …",
         "中文里用了半角标点：“上午,青禾社区”", "改为“上午，青禾社区”，make fix 可自动改正",
         "half-width punctuation in Chinese text: '上午,青禾社区' → '上午，青禾社区' (make fix corrects it)", True),
    Item("content/articles/news/2026-11-18-fire-drill.md", 12, False,
         "不规范表述“做的很好”", "不规范表述“做的很好”（动词后面带补语用“得”）", "应为“做得很好”（规范表述表第 67 行）",
         "standard wording: '做的很好' should be '做得很好'", True),
    Item("content/notices/2026-11-16-relief.md", 9, True,
         "手机号打码格式不规范", "手机号打码格式不规范（* 的个数不对）", "写成 138****1234（前 3 位 + 4 个 * + 后 4 位）",
         "masked mobile number not in the accepted form: write 138****1234"),
    Item("content/notices/2026-11-16-relief.md", None, False,
         "未完成三审（缺少 审核），不予发布 / not published: review sign-off missing (审核)"),
    Item(SITE, None, False, "栏目“党建引领”已 80 天未更新", "栏目“党建引领”已 80 天未更新（最近 2026-09-01），超过 14 天",
         "发布新稿件；更新本来就少的栏目可在 FRESHNESS_LIMITS 里放宽期限", "column '党建引领' not updated for 80 days"),
    Item(OTHER, None, True, "检查中断 / check stopped: OSError: …"),
]


@pytest.fixture(scope="module")
def report_url(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "report.html"
    write(path, ITEMS, site_name="青禾社区", day="2026-11-20")
    return path.as_uri()


@pytest.mark.parametrize("width", [375, 1280])
def test_report_page_has_no_axe_violations_and_requests_nothing(browser, axe_source, report_url, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(report_url)
    assert requests == [report_url]
    assert page.locator("h1").inner_text() == "发布前检查报告"
    # Keyboard: the first link of the file list takes the focus, visibly.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#f1"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    violations = axe_violations(page, axe_source)
    context.close()
    assert violations == []
