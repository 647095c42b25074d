"""`make devserver` in a real browser: the open page reloads by itself after a
save, shows a build error over the page, and recovers when it is fixed — all
under the site's strict CSP."""

from tests.browser.conftest import WATCH
from tests.conftest import article_source

ARTICLE = "articles/lift.md"
URL = "/2026/01/lift-repair/"
WAIT = 180_000  # ms; stops a hung test, asserts no speed


def source(body, date="2026-01-05 10:00"):
    return article_source(title="电梯维修通知", slug="lift-repair", date=date, body=body)


def wait_until_seen(page, status):
    """Until the page (reloaded or not) has acted on ``status``. Polled from
    here: wait_for_function with an expression is an eval the CSP forbids."""
    import time

    from playwright.sync_api import Error

    deadline = time.monotonic() + WAIT / 1000
    seen = None
    while time.monotonic() < deadline:
        try:
            seen = page.evaluate("(document.querySelector('script[data-seen]') || {dataset: {}}).dataset.seen")
        except Error:  # the page is reloading
            seen = None
        if seen is not None and int(seen) >= status["version"]:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"the page never acted on status {status['version']} (last seen {seen})")


def test_page_reloads_itself_shows_errors_and_recovers(page, devserver):
    server = devserver({ARTICLE: source("电梯维修已经完成。")})
    server.wait_for(lambda s: s["build"] >= 1 and s["state"] == "ok")
    page.add_init_script(WATCH)
    page.goto(server.url + URL)
    page.wait_for_selector("text=电梯维修已经完成。")
    # A mark that only survives as long as the page is not reloaded.
    page.evaluate("window.__notReloaded = true")

    first = server.status()
    server.write(ARTICLE, source("三号楼电梯明天恢复运行。"))
    page.wait_for_selector("text=三号楼电梯明天恢复运行。", timeout=WAIT)
    assert page.evaluate("window.__notReloaded === undefined")  # reloaded by itself
    assert page.evaluate("window.__violations") == []
    # The edited page was shown first (fast path); the build that follows
    # writes the same page, so it does not reload the page a second time.
    page.evaluate("window.__notReloaded = true")
    done = server.wait_for(lambda s: s["build"] > first["build"] and s["state"] == "ok")
    assert done["fast"] > first["fast"] and done["reload"] == first["reload"]
    wait_until_seen(page, done)
    assert page.evaluate("window.__notReloaded === true")

    server.write(ARTICLE, source("日期写错了。", date="2026-02-30 10:00"))
    overlay = page.wait_for_selector(".linli-preview-errors", timeout=WAIT)
    text = overlay.inner_text()
    assert "构建出错" in text
    assert "lift.md，第 2 行" in text
    assert "2026-02-30" in text
    assert overlay.get_attribute("role") == "alert"
    # The last good version is still the page underneath.
    assert "三号楼电梯明天恢复运行。" in page.inner_text("main")

    page.evaluate("window.__notReloaded = true")
    failed = server.status()
    server.write(ARTICLE, source("日期改好了。"))
    page.wait_for_selector("text=日期改好了。", timeout=WAIT)
    done = server.wait_for(lambda s: s["build"] > failed["build"] and s["state"] == "ok")
    wait_until_seen(page, done)
    assert page.evaluate("window.__notReloaded === undefined")
    assert page.query_selector(".linli-preview-errors") is None
    assert "日期改好了。" in page.inner_text("main")
    assert page.evaluate("window.__violations") == []
