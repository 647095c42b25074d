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
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
    # Violations in full; passes and the rest are not gathered (a third of a run).
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", TAGS
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def display_mode(context, mode):
    """A resident's stored choice of display (theme/static/js/prefs.js), there before any page loads."""
    if mode != "standard":
        context.add_init_script("localStorage.setItem('linli-text', 'xlarge'); localStorage.setItem('linli-contrast', 'high')")


@pytest.fixture(scope="module")
def page_in_mode(browser):
    """One tab per display mode, going from page to page as a resident
    does: Chromium keeps axe-core's compiled script between them."""
    pages = {}

    def page_for(mode):
        if mode not in pages:
            # axe is injected as an inline script, which our CSP rightly
            # forbids; test_nginx.py checks the policy on the same pages.
            context = browser.new_context(viewport={"width": 375, "height": 900}, locale="zh-CN", bypass_csp=True)
            display_mode(context, mode)
            pages[mode] = context.new_page()
        return pages[mode]

    yield page_for
    for page in pages.values():
        page.context.close()


WIDTHS = [375, 1280]


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("mode", ["standard", "xlarge-contrast"])
def test_no_axe_violations(page_in_mode, site_url, axe_source, name, mode):
    """At a phone's width, then turned to a desktop's (the theme's scripts
    read no width: the page is the same as one loaded at 1280)."""
    page = page_in_mode(mode)
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    path = resolve_path(page, site_url, name)
    page.goto(site_url + path)
    if name == "search":
        page.wait_for_selector("#search-results li")
    found = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        found[width] = axe_violations(page, axe_source)
    ARTIFACTS.mkdir(exist_ok=True)
    with (ARTIFACTS / "axe.jsonl").open("a", encoding="utf-8") as handle:
        for width, violations in found.items():
            handle.write(json.dumps({"page": name, "width": width, "mode": mode, "violations": len(violations)},
                                    ensure_ascii=False) + "\n")
    assert found == {width: [] for width in WIDTHS}, json.dumps(found, ensure_ascii=False, indent=1)
