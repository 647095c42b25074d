"""A notice prints as one clean official A4 page: headless Chromium (Debian's
package) prints the built page to PDF, pypdf counts and measures the pages and
reads its text back — with each common Linux CJK font set-up."""

import os
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.browser.conftest import CHROMIUM
from tests.conftest import require_tool

A4 = (595, 842)  # points
SHORT_NOTICE = "notices/2026-11-18-water-outage-hefengyuan/index.html"
PUBLICITY = "notices/2026-11-13-subsistence-allowance-publicity/index.html"

# Debian packages and the families they install.
FONT_PACKAGES = {
    "fonts-wqy-microhei": ["WenQuanYi Micro Hei"],
    "fonts-noto-cjk": ["Noto Sans CJK SC", "Noto Serif CJK SC"],
}
# Latin fonts every Debian desktop and server has; they change which font
# Chromium falls back to for Chinese, so each set-up includes them.
BASE_FAMILIES = ["DejaVu Sans", "DejaVu Serif", "DejaVu Sans Mono"]
# A machine with only the one font, with only the other, and with both.
FONT_SETUPS = {
    "wqy": ["fonts-wqy-microhei"],
    "noto": ["fonts-noto-cjk"],
    "noto+wqy": ["fonts-noto-cjk", "fonts-wqy-microhei"],
}
# Chromium's PDF maps a glyph back to the lowest code point the font gives it:
# Noto CJK shares glyphs between ideographs and the CJK radical blocks, so 青
# copies out of the PDF as ⻘. The printed page is right; the README says so.
# Kangxi radicals (⽲) fold back to their ideograph under NFKC; radicals
# supplement characters (⻘) have no such mapping.
RADICALS = "[\u2e80-\u2fdf]"
SUPPLEMENT = "[\u2e80-\u2eff]"


def font_files(family):
    result = subprocess.run(["fc-list", "-f", "%{file}\n", f":family={family}"], capture_output=True, text=True)
    return sorted(set(result.stdout.split()))


def font_config(tmp_path, packages):
    """A fontconfig file that shows Chromium only the fonts of ``packages``."""
    folder = tmp_path / "fonts"
    folder.mkdir()
    files = [file for family in BASE_FAMILIES for file in font_files(family)]
    for package in packages:
        found = [file for family in FONT_PACKAGES[package] for file in font_files(family)]
        require_tool(found, f"{package} (apt-get install {package})")
        files += found
    for file in files:
        link = folder / Path(file).name
        if not link.exists():
            link.symlink_to(file)
    config = tmp_path / "fonts.conf"
    config.write_text(
        f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <dir>{folder}</dir>
  <cachedir>{tmp_path / "fontcache"}</cachedir>
  <include ignore_missing="yes">/etc/fonts/conf.d</include>
</fontconfig>
""",
        encoding="utf-8",
    )
    return config


def print_to_pdf(page, pdf, profile, fonts_conf=None):
    require_tool(Path(CHROMIUM).exists(), "Debian's chromium")
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update",
        f"--user-data-dir={profile}", f"--print-to-pdf={pdf}", "--no-pdf-header-footer",
        page.as_uri(),
    ]
    env = None
    if fonts_conf is not None:
        env = dict(os.environ, FONTCONFIG_FILE=str(fonts_conf))
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
    assert pdf.is_file() and pdf.stat().st_size > 0, result.stderr[-2000:]
    return PdfReader(str(pdf))


def printed(expected, text, radicals_allowed):
    """``expected`` (whitespace removed) appears in the PDF's text; with Noto
    alone, an ideograph may come back as a radical code point."""
    if not radicals_allowed:
        return expected in text
    expected, text = unicodedata.normalize("NFKC", expected), unicodedata.normalize("NFKC", text)
    pattern = "".join(
        f"(?:{re.escape(char)}|{SUPPLEMENT})" if "\u4e00" <= char <= "\u9fff" else re.escape(char) for char in expected
    )
    return re.search(pattern, text) is not None


@pytest.mark.browser
@pytest.mark.parametrize("setup", list(FONT_SETUPS))
@pytest.mark.parametrize("notice", [SHORT_NOTICE, PUBLICITY])
def test_notice_prints_on_one_a4_page(demo_site, tmp_path, notice, setup):
    fonts_conf = font_config(tmp_path, FONT_SETUPS[setup])
    reader = print_to_pdf(demo_site.path(notice), tmp_path / "notice.pdf", tmp_path / "profile", fonts_conf)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - A4[0]) <= 2 and abs(float(box.height) - A4[1]) <= 2

    # The print font order puts WenQuanYi before Noto: wherever it is
    # installed, text copied out of the PDF is exactly the notice's text.
    radicals_allowed = "fonts-wqy-microhei" not in FONT_SETUPS[setup]
    soup = demo_site.html(notice)
    text = "".join(reader.pages[0].extract_text().split())
    if not radicals_allowed:
        assert not re.search(RADICALS, text), text
    for selector in (".notice-title", ".notice-docnumber", ".notice-letterhead"):
        assert printed("".join(soup.select_one(selector).get_text().split()), text, radicals_allowed), selector
    date = "".join(soup.select_one(".notice-signature time").get_text().split())
    assert printed(date, text, radicals_allowed)
    assert printed("网页版", text, radicals_allowed)  # the address of the online page, beside its QR code
    if soup.select_one(".notice .share .qr-code"):
        assert printed("扫一扫", text, radicals_allowed)
    # No navigation, badges, sign-offs or footer on paper.
    for clutter in ("长辈版", "社区动态", "跳到正文", "ICP备案号", "责任编辑", "返回通知公告", "生效中", "即将截止"):
        assert not printed(clutter, text, radicals_allowed), clutter


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
