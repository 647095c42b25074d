"""The site ships no inline script or style, so the strict Content-Security-
Policy of the README holds: no violation on any kind of page."""

import pytest

WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@pytest.mark.parametrize("path", ["/", "/2025/06/qinghe-jiayuan-elevators/", "/notices/", "/albums/", "/search/?q=电梯", "/guide/", "/disclosure/"])
def test_no_csp_violation(page, site_url, path):
    page.add_init_script(WATCH)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(site_url + path)
    if "search" in path:
        page.wait_for_selector("#search-results li")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__violations") == []
    assert [url for url in requests if not url.startswith(site_url)] == []  # nothing leaves the site
