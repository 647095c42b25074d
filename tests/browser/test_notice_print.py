"""A notice prints as one clean official A4 page: headless Chromium (Debian's
package) prints the built page to PDF, pypdf counts and measures the pages."""

import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.browser.conftest import CHROMIUM
from tests.conftest import require_tool

A4 = (595, 842)  # points
SHORT_NOTICE = "notices/2026-11-18-water-outage-hefengyuan/index.html"
PUBLICITY = "notices/2026-11-13-subsistence-allowance-publicity/index.html"


def print_to_pdf(page, pdf, profile):
    require_tool(Path(CHROMIUM).exists(), "Debian's chromium")
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update",
        f"--user-data-dir={profile}", f"--print-to-pdf={pdf}", "--no-pdf-header-footer",
        page.as_uri(),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert pdf.is_file() and pdf.stat().st_size > 0, result.stderr[-2000:]
    return PdfReader(str(pdf))


@pytest.mark.browser
@pytest.mark.parametrize("notice", [SHORT_NOTICE, PUBLICITY])
def test_notice_prints_on_one_a4_page(demo_site, tmp_path, notice):
    reader = print_to_pdf(demo_site.path(notice), tmp_path / "notice.pdf", tmp_path / "profile")
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - A4[0]) <= 2 and abs(float(box.height) - A4[1]) <= 2

    soup = demo_site.html(notice)
    text = "".join(reader.pages[0].extract_text().split())
    for selector in (".notice-title", ".notice-docnumber", ".notice-letterhead"):
        assert "".join(soup.select_one(selector).get_text().split()) in text, selector
    date = "".join(soup.select_one(".notice-signature time").get_text().split())
    assert date in text
    assert "网页版" in text  # the address of the online page, beside its QR code
    if soup.select_one(".notice .share .qr-code"):
        assert "扫一扫" in text
    # No navigation, badges, sign-offs or footer on paper.
    for clutter in ("长辈版", "社区动态", "跳到正文", "ICP备案号", "责任编辑", "返回通知公告", "生效中", "即将截止"):
        assert clutter not in text, clutter


# The lobby screen lives with the print test: both are how the office shows
# notices away from a phone.

@pytest.mark.browser
def test_lobby_screen_cycles_with_javascript(browser, site_url):
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    page = context.new_page()
    page.clock.install()
    page.goto(site_url + "/notices/screen/")
    slides = page.locator(".screen-slide")
    count = slides.count()
    assert count >= 3
    seconds = int(page.locator("[data-screen]").get_attribute("data-seconds"))

    def visible():
        return [i for i in range(count) if slides.nth(i).is_visible()]

    assert visible() == [0]
    title = page.locator(".screen-slide:visible .screen-title")
    size = float(title.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    assert size >= 48  # very large type, readable across a lobby
    page.clock.run_for(seconds * 1000 + 100)
    assert visible() == [1]
    pause = page.locator("[data-pause]")
    pause.click()
    assert pause.get_attribute("aria-pressed") == "true"
    page.clock.run_for(seconds * 3000)
    assert visible() == [1]
    page.locator("body").press("ArrowRight")
    assert visible() == [2]
    clock = page.locator("[data-clock]").inner_text()
    assert "星期" in clock
    context.close()


@pytest.mark.browser
def test_lobby_screen_without_javascript_lists_everything(browser, site_url):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site_url + "/notices/screen/")
    slides = page.locator(".screen-slide")
    assert slides.count() >= 3
    assert all(slides.nth(i).is_visible() for i in range(slides.count()))
    assert not page.locator("[data-pause]").is_visible()
    context.close()
