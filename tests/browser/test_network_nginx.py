"""The 街道 network as an operator puts it online: `make publish-all` with
each site.py's address under one host (the portal at /, the communities at
/liushu/ and /nanpu/), `make deploy-all` (rsync, the portal last) into one
web root, the shipped nginx server block, and a crawl from the portal."""

import http.client
import re
import shutil
from urllib.parse import quote, urljoin, urlparse

import pytest
from bs4 import BeautifulSoup

from tests.browser.test_nginx import free_port, nginx_folders, nginx_serving
from tests.site.helpers import links_on
from tests.test_network import COMMUNITIES, make_project, network


def set_in_site_file(path, **values):
    text = path.read_text(encoding="utf-8")
    for key, value in values.items():
        text, count = re.subn(rf"^{key} = .*$", f"{key} = {value!r}", text, flags=re.MULTILINE)
        assert count == 1, f"{path}: {key}"
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    top, root, run = nginx_folders("linli-network-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    project = make_project(tmp_path_factory.mktemp("network-nginx") / "project")
    for name in COMMUNITIES:
        set_in_site_file(project / "sites" / name / "site.py",
                         CANONICAL_SITEURL=f"{base}/{name}", DEPLOY_TARGET=str(root / name))
    set_in_site_file(project / "portal/site.py", CANONICAL_SITEURL=base, DEPLOY_TARGET=str(root))
    built = network(project, "build", "--publish")
    assert built.returncode == 0, built.stdout + built.stderr
    # Sites first, the portal last; its sync must leave the communities' folders alone.
    deployed = network(project, "deploy")
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    try:
        with nginx_serving(root, run, port, "/"):
            yield project, root, port
    finally:
        shutil.rmtree(top, ignore_errors=True)


def request(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", quote(path, safe="/?=&%:@"))
        response = connection.getresponse()
        return response.status, response.getheader("content-type", ""), response.read()
    finally:
        connection.close()


def test_deploy_all_puts_every_site_in_its_folder_and_the_portal_keeps_theirs(served):
    project, root, _ = served
    assert (root / "index.html").is_file()
    for name in COMMUNITIES:
        assert (root / name / "index.html").is_file()
        assert (root / name / "notices/index.html").is_file()
    # Sending the portal again (deploy-all's last step) deletes nothing of theirs.
    again = network(project, "deploy")
    assert again.returncode == 0, again.stderr
    for name in COMMUNITIES:
        assert (root / name / "index.html").is_file()


def test_every_link_from_the_portal_answers_200_under_nginx(served):
    _, _, port = served
    host = f"127.0.0.1:{port}"
    seen, queue, status, reached = set(), ["/"], {}, set()
    while queue:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        code, kind, body = request(port, path)
        status[path] = code
        if code != 200 or not kind.startswith("text/html"):
            continue
        for link in links_on(BeautifulSoup(body, "lxml")):
            target = urlparse(urljoin(f"http://{host}{path}", link))
            if target.scheme in ("http", "https") and target.netloc == host:
                queue.append(target.path)
                reached.add(target.path.split("/")[1])
    assert {path: code for path, code in status.items() if code != 200} == {}
    assert set(COMMUNITIES) <= reached  # the crawl went into every community through the portal
    assert len(status) > 60
