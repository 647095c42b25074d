"""axe-core (npm, pinned) in real Chromium: WCAG 2.1 AA, 0 violations, on
every kind of page at a phone and a desktop width, in every display mode."""

import json

import pytest

from tests.browser.conftest import ARTIFACTS

PAGES = {
    "home": "/",
    "article": "/2025/06/qinghe-jiayuan-elevators/",
    "column": "/column/hong-se-wu-ye/",
    "notice board": "/notices/",
    "notice": None,  # the first notice linked from the board
    "album": None,  # the first album linked from /albums/
    "search": "/search/?q=电梯",
    "disclosure": "/disclosure/",
    "finance notice": "/notices/2026-10-12-public-welfare-funds-2026-q3/",
}
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def resolve_path(page, site_url, name):
    if PAGES[name]:
        return PAGES[name]
    listing, selector = {"notice": ("/notices/", ".notice-list a"), "album": ("/albums/", ".album-list a")}[name]
    page.goto(site_url + listing)
    href = page.locator(selector).first.get_attribute("href")
    return page.evaluate("(href) => new URL(href, location.href).pathname", href)


def axe_violations(page, axe_source):
    page.add_script_tag(content=axe_source)
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("mode", ["standard", "xlarge-contrast"])
def test_no_axe_violations(browser, site_url, axe_source, name, width, mode):
    # axe is injected as an inline script, which our CSP rightly forbids;
    # test_csp.py checks the policy on the same pages.
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    path = resolve_path(page, site_url, name)
    if mode != "standard":
        page.goto(site_url + "/")
        page.evaluate("localStorage.setItem('linli-text', 'xlarge'); localStorage.setItem('linli-contrast', 'high')")
    page.goto(site_url + path)
    if name == "search":
        page.wait_for_selector("#search-results li")
    violations = axe_violations(page, axe_source)
    ARTIFACTS.mkdir(exist_ok=True)
    report = ARTIFACTS / "axe.jsonl"
    with report.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"page": name, "width": width, "mode": mode, "violations": len(violations)}, ensure_ascii=False) + "\n")
    context.close()
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)
