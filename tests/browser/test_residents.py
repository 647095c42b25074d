"""The residents' experience in a real browser: 长辈版 text sizes, high
contrast, voice reading, search, no JavaScript needed to read."""

import re

import pytest

from tests.browser.conftest import ARTIFACTS

ARTICLE = "/2025/06/qinghe-jiayuan-elevators/"


def body_font_px(page):
    return float(page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)"))


def test_text_size_switch_changes_font_and_persists(page, site_url):
    page.goto(site_url + ARTICLE)
    standard = body_font_px(page)
    assert standard >= 16
    page.get_by_role("button", name="大字", exact=True).click()
    large = body_font_px(page)
    assert large >= 20
    assert page.get_by_role("button", name="大字", exact=True).get_attribute("aria-pressed") == "true"
    page.get_by_role("button", name="特大字").click()
    assert body_font_px(page) >= 24
    # Remembered on the next page, applied before first paint (set in <head>).
    page.goto(site_url + "/")
    assert page.evaluate("document.documentElement.getAttribute('data-text')") == "xlarge"
    assert body_font_px(page) >= 24
    # Primary controls are at least 60x60 px in the large modes.
    for locator in (page.get_by_role("button", name="标准", exact=True), page.locator(".site-nav a").first):
        box = locator.bounding_box()
        assert box["height"] >= 60 and box["width"] >= 60, box
    page.get_by_role("button", name="标准", exact=True).click()
    page.reload()
    assert body_font_px(page) == standard


def test_large_text_is_applied_before_first_paint(page, site_url):
    page.goto(site_url + "/")
    page.evaluate("localStorage.setItem('linli-text', 'large')")
    seen = {}
    page.on("domcontentloaded", lambda: seen.setdefault("attr", page.evaluate("document.documentElement.dataset.text")))
    page.goto(site_url + ARTICLE, wait_until="commit")
    page.wait_for_load_state("domcontentloaded")
    assert page.evaluate("document.documentElement.dataset.text") == "large"


def test_high_contrast_mode_meets_seven_to_one(page, site_url):
    page.goto(site_url + ARTICLE)
    page.get_by_role("button", name="高对比").click()
    ratio = page.evaluate("""() => {
        const lum = (c) => { const [r, g, b] = c.match(/\\d+/g).slice(0, 3).map(Number).map(v => {
            v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
            return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
        const p = document.querySelector('.article-body p');
        const fg = lum(getComputedStyle(p).color), bg = lum(getComputedStyle(document.body).backgroundColor);
        return (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    }""")
    assert ratio >= 7
    page.reload()
    assert page.evaluate("document.documentElement.dataset.contrast") == "high"


def test_keyboard_reaches_the_switch_with_visible_focus(page, site_url):
    page.goto(site_url + "/")
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "大字":
            break
    else:
        pytest.fail("the 大字 button is not reachable by Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert body_font_px(page) >= 20


STUB_SPEECH = """
window.__spoken = []; window.__cancelled = 0;
window.SpeechSynthesisUtterance = function (text) { this.text = text; this.lang = ''; };
Object.defineProperty(window, 'speechSynthesis', { value: {
  speak(u) { window.__spoken.push({ text: u.text, lang: u.lang }); },
  cancel() { window.__cancelled += 1; },
  getVoices() { return []; },
}});
"""


def test_voice_reading_starts_and_stops(page, site_url):
    # CI has no audio: speechSynthesis is stubbed to record calls.
    page.add_init_script(STUB_SPEECH)
    page.goto(site_url + ARTICLE)
    button = page.get_by_role("button", name="朗读全文")
    button.click()
    spoken = page.evaluate("window.__spoken")
    assert spoken and all(item["lang"] == "zh-CN" for item in spoken)
    text = "".join(item["text"] for item in spoken)
    assert "青禾家园完成首批加装电梯" in text and "两部加装电梯" in text
    stop = page.get_by_role("button", name="停止朗读")
    assert stop.get_attribute("aria-pressed") == "true"
    cancelled = page.evaluate("window.__cancelled")
    stop.click()
    assert page.evaluate("window.__cancelled") > cancelled
    assert page.get_by_role("button", name="朗读全文").get_attribute("aria-pressed") == "false"


def test_voice_button_hidden_without_speech_synthesis(page, site_url):
    page.add_init_script("delete window.speechSynthesis; Object.defineProperty(window, 'speechSynthesis', {value: undefined});")
    page.goto(site_url + ARTICLE)
    assert not page.locator(".read-aloud-button").is_visible()


@pytest.mark.parametrize("word, expected", [
    ("电梯", "/2025/06/qinghe-jiayuan-elevators/"),
    ("认证", "/2025/08/pension-certification-2025/"),
])
def test_search_finds_a_two_character_word_inside_a_sentence(page, site_url, word, expected):
    page.goto(site_url + "/search/")
    page.get_by_label("输入要找的词").fill(word)
    page.get_by_label("输入要找的词").press("Enter")
    page.wait_for_selector("#search-results li")
    first = page.locator("#search-results li").first
    assert first.locator("a").get_attribute("href").endswith(expected)
    assert word in first.locator(".search-excerpt").inner_text()
    # The column and the date, each its own value (Pagefind once took "栏目, date:…" for the column).
    assert re.fullmatch(r"[^\s·,:]+ · \d{4}-\d{2}-\d{2}", first.locator(".search-meta").inner_text())
    assert "找到" in page.locator("#search-status").inner_text()


@pytest.fixture(scope="module")
def site_in_parts_url(tmp_path_factory):
    """The demo with its search index in parts of three pages (a big site's
    shape, plugins/search), served like the others."""
    import functools
    import http.server
    import json
    import threading

    from tests.browser.conftest import QuietHandler
    from tests.conftest import ROOT, run_pelican

    base = tmp_path_factory.mktemp("parts")
    build = run_pelican(ROOT / "content", base / "output", cache=base / "cache", SEARCH_PART_PAGES=3)
    assert build.returncode == 0, build.log
    parts = json.loads((build.root / "pagefind" / "linli-parts.json").read_text(encoding="utf-8"))["parts"]
    assert len(parts) >= 4
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(build.root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.parametrize("word, expected", [
    ("电梯", "/2025/06/qinghe-jiayuan-elevators/"),
    ("认证", "/2025/08/pension-certification-2025/"),
    ("停水", "/notices/"),
])
def test_search_finds_pages_in_every_part_of_a_split_index(page, site_in_parts_url, word, expected):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(site_in_parts_url + "/search/?q=" + word)
    page.wait_for_selector("#search-results li")
    hrefs = [link.get_attribute("href") for link in page.locator("#search-results li h2 a").all()]
    assert any(expected in href for href in hrefs), hrefs
    assert errors == []


def test_header_search_box_leads_to_results(page, site_url):
    page.goto(site_url + "/")
    page.get_by_label("搜索本站").fill("电梯")
    page.get_by_role("button", name="搜索", exact=True).click()
    page.wait_for_selector("#search-results li")
    assert "q=" in page.url


def test_everything_reads_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(site_url + ARTICLE)
    assert page.locator("article h1").inner_text() == "青禾家园完成首批加装电梯"
    assert page.locator(".article-body p").count() >= 3
    assert not page.locator(".access-tools").is_visible()  # nothing that would not work
    context.close()


@pytest.mark.parametrize("name, path", [("home", "/"), ("article", ARTICLE), ("notices", "/notices/")])
def test_screenshots_at_phone_width(page, site_url, name, path):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(site_url + path)
    target = ARTIFACTS / f"{name}-375.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000
