"""The 街道 portal in Chromium, served as `make serve-all` serves the
network: axe-core on its pages, the multisite search, and the Nu HTML
Checker on its output."""

import functools
import http.server
import json
import threading

import pytest

from plugins.network.serve import NetworkHandler
from tests.browser.test_accessibility import axe_violations, page_in_mode  # noqa: F401 - page_in_mode: the fixture
from tests.site.test_html_valid import run_vnu
from tests.test_network import COMMUNITIES, built, outputs  # noqa: F401 - built: the fixture

PAGES = ["/", "/news/", "/notices/", "/communities/", "/search/?q=电梯", "/liushu/", "/nanpu/notices/"]


@pytest.fixture(scope="module")
def network_url(built):
    project = built  # the demo network of tests/test_network.py, built once per run; only read here
    mounts = {f"/{name}/": str(path) for name, path in outputs(project).items() if name != "portal"}
    mounts["/"] = str(outputs(project)["portal"])
    handler = type("Handler", (NetworkHandler,), {"mounts": mounts, "log_message": lambda *args: None})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", project
    server.shutdown()


@pytest.mark.parametrize("mode", ["standard", "xlarge-contrast"])
@pytest.mark.parametrize("path", PAGES)
def test_portal_pages_have_no_axe_violations(page_in_mode, network_url, axe_source, path, mode):
    base, _ = network_url
    page = page_in_mode(mode)
    page.goto(base + path)
    if "search" in path:
        page.wait_for_selector("#search-results li")
    violations = axe_violations(page, axe_source)
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)


def test_portal_search_finds_every_community_and_names_it(page, network_url):
    base, _ = network_url
    page.goto(base + "/search/")
    page.get_by_label("输入要找的词").fill("社区")
    page.get_by_label("输入要找的词").press("Enter")
    page.wait_for_selector("#search-results li")
    results = page.locator("#search-results li")
    found = {}
    for index in range(results.count()):
        item = results.nth(index)
        href = item.locator("a").get_attribute("href")
        meta = item.locator(".search-meta").inner_text() if item.locator(".search-meta").count() else ""
        found.setdefault(href.split("/")[1], set()).add(meta.split(" · ")[0])
    assert found["liushu"] == {"柳树社区"}
    assert found["nanpu"] == {"南浦社区"}
    assert found.get("communities") == {"社区名录"}  # the portal's own directory is found too
    # A community's result opens the community's own page.
    page.locator("#search-results li a[href^='/nanpu/']").first.click()
    page.wait_for_load_state()
    assert page.url.startswith(base + "/nanpu/")
    assert page.locator(".site-title").inner_text() == "南浦社区"


def test_community_colours_differ_under_the_network(page, network_url):
    base, _ = network_url
    colours = {}
    for name in COMMUNITIES:
        page.goto(f"{base}/{name}/")
        colours[name] = page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
    page.goto(base + "/")
    colours["portal"] = page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
    assert len(set(colours.values())) == 3, colours


def test_portal_pages_are_valid_html(network_url):
    _, project = network_url
    messages = run_vnu("--skip-non-html", str(outputs(project)["portal"]))
    assert messages == [], json.dumps(messages, ensure_ascii=False, indent=1)
