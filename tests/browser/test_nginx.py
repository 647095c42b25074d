"""deploy/nginx.conf, as shipped, under Debian's real nginx: the demo site is
published for http://127.0.0.1:<port>/community, deployed with `make deploy`'s
rsync into a temporary root, served by an unprivileged nginx on loopback with
the sub-path variant of the shipped server block, and crawled over HTTP."""

import contextlib
import gzip
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlparse

import brotli
import pytest
from bs4 import BeautifulSoup

from deploy import rules
from tests.browser.conftest import CSP, WATCH
from tests.conftest import ROOT, require_tool, run_pelican
from tests.site.helpers import links_on

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SHIPPED = ROOT / "deploy" / "nginx.conf"
SUBPATH = "/community/"
BROTLI_MODULE = Path("/etc/nginx/modules-enabled")


def render(text, port, root, subpath):
    """The shipped server block with an operator's edits: address, root, and
    the two lines marked SUBPATH. Each edit must hit exactly one line, so a
    change to the shipped file cannot silently skip one."""
    edits = [
        (r"^(\s*)listen 80;.*$", rf"\1listen 127.0.0.1:{port};"),
        (r"^(\s*)listen \[::\]:80;.*$", r""),
        (r"^(\s*)server_name .*# EDIT.*$", r"\1server_name 127.0.0.1;"),
        (r"^(\s*)root .*# EDIT.*$", rf"\1root {root};"),
        (r"^(\s*)location / \{.*# SUBPATH.*$", rf"\1location {subpath} {{"),
        (r"^(\s*)error_page 404 /404\.html;.*# SUBPATH.*$", rf"\1error_page 404 {subpath}404.html;"),
    ]
    for pattern, replacement in edits:
        text, count = re.subn(pattern, replacement, text, flags=re.MULTILINE)
        assert count == 1, f"deploy/nginx.conf: expected one line matching {pattern}"
    return text


def brotli_module_enabled():
    return any("brotli" in name for name in os.listdir(BROTLI_MODULE)) if BROTLI_MODULE.is_dir() else False


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main_config(run, server_block):
    return f"""
include /etc/nginx/modules-enabled/*.conf;
worker_processes 1;
pid {run}/nginx.pid;
error_log {run}/error.log warn;
events {{ worker_connections 128; }}
http {{
    access_log off;
    default_type application/octet-stream;
    client_body_temp_path {run}/client_body;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
    include {server_block};
}}
"""


def unprivileged(command):
    """nginx never runs as root here: under root (CI) it runs as nobody."""
    if os.geteuid() != 0:
        return command
    return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *command]


class Site:
    def __init__(self, base, output, served, host, port):
        self.base = base  # http://127.0.0.1:<port>/community
        self.output = output  # the build
        self.served = served  # where `make deploy` put it
        self.host, self.port = host, port

    def request(self, path, method="GET", headers=None):
        """One raw HTTP exchange (no decompression, no redirects followed)."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            connection.request(method, quote(path, safe="/?=&%:@"), headers=headers or {})
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()


@contextlib.contextmanager
def nginx_serving(root, run, port, subpath):
    """The shipped server block (its sub-path variant for ``subpath``)
    serving ``root`` on loopback ``port``, as an unprivileged nginx."""
    shipped = SHIPPED.read_text(encoding="utf-8")
    if not brotli_module_enabled():
        require_tool(False, "nginx's Brotli module (apt-get install libnginx-mod-http-brotli-static)")
        shipped = re.sub(r"^\s*brotli_static on;.*$", "", shipped, flags=re.MULTILINE)
    (run / "site.conf").write_text(render(shipped, port, root, subpath), encoding="utf-8")
    (run / "nginx.conf").write_text(main_config(run, run / "site.conf"), encoding="utf-8")
    if os.geteuid() == 0:
        shutil.chown(run, "nobody", "nogroup")
    command = unprivileged([NGINX, "-e", str(run / "error.log"), "-c", str(run / "nginx.conf")])
    checked = subprocess.run([*command, "-t", "-q"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    server = subprocess.Popen([*command, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(200):  # wait until it listens (or has exited)
            if server.poll() is not None:
                pytest.fail("nginx did not start: " + server.stderr.read().decode(errors="replace"))
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield
    finally:
        server.send_signal(signal.SIGQUIT)  # graceful stop
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def nginx_folders(prefix):
    """(top, web root, nginx's run folder) for a deploy served by nginx: a
    folder of its own under /tmp, readable by nobody (not pytest's 0700 one)."""
    require_tool(os.path.exists(NGINX), "Debian's nginx (apt-get install nginx)")
    require_tool(shutil.which("rsync"), "rsync (apt-get install rsync)")
    top = Path(tempfile.mkdtemp(prefix=prefix))
    top.chmod(0o755)
    (top / "run").mkdir()
    return top, top / "www", top / "run"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    top, root, run = nginx_folders("linli-nginx-")
    port = free_port()
    base = f"http://127.0.0.1:{port}{SUBPATH.rstrip('/')}"
    build_dir = tmp_path_factory.mktemp("nginx-build")
    build = run_pelican(
        ROOT / "content", build_dir / "output", "publishconf.py", cache=build_dir / "cache",
        SITEURL=base, CANONICAL_SITEURL=base,
    )
    assert build.returncode == 0, build.log
    deployed = subprocess.run(
        [sys.executable, "-m", "deploy.rsync", str(root / SUBPATH.strip("/")), "--output", str(build.root)],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert deployed.returncode == 0, deployed.stderr
    with nginx_serving(root, run, port, SUBPATH):
        yield Site(base, build.root, root / SUBPATH.strip("/"), "127.0.0.1", port)
    shutil.rmtree(top, ignore_errors=True)


def path_of(site, url):
    """The request path of a same-site URL, or None for another site."""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or parsed.netloc != f"{site.host}:{site.port}":
        return None
    return parsed.path + (f"?{parsed.query}" if parsed.query else "")


@pytest.fixture(scope="module")
def crawl(site):
    """Every URL reachable from the home page through links, images, scripts,
    stylesheets, feeds, the sitemap, and the search index: status per URL."""
    start = SUBPATH
    seen, queue, status, pages = set(), [start, SUBPATH + "sitemap.xml", SUBPATH + "robots.txt"], {}, {}
    while queue:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        code, headers, body = site.request(path)
        status[path] = code
        kind = headers.get("content-type", "")
        found = []
        if code == 200 and kind.startswith("text/html"):
            pages[path] = headers
            found = list(links_on(BeautifulSoup(body, "lxml")))
        elif code == 200 and path.endswith("sitemap.xml"):
            found = re.findall(r"<loc>([^<]+)</loc>", body.decode())
        for link in found:
            target = path_of(site, urljoin(f"http://{site.host}:{site.port}{path}", link))
            if target is not None:
                queue.append(target.split("#")[0])
    # The search index: Pagefind's entry file names every chunk it loads.
    for file in sorted((site.output / "pagefind").rglob("*")):
        if file.is_file() and not file.name.endswith(rules.PRECOMPRESSED):
            relative = file.relative_to(site.output).as_posix()
            status[SUBPATH + relative] = site.request(SUBPATH + relative)[0]
    return status, pages


def test_every_link_image_script_stylesheet_feed_and_search_file_answers_200(crawl):
    status, pages = crawl
    broken = {path: code for path, code in status.items() if code != 200}
    assert broken == {}
    assert len(pages) >= 60  # the demo's pages, not just the home page
    print(f"crawled {len(status)} URLs through nginx, {len(pages)} of them HTML pages: all 200")
    kinds = " ".join(status)
    for needed in (".css", ".js", ".webp", ".jpg", "feeds/", ".ics", "pagefind-entry.json", ".pf_fragment"):
        assert needed in kinds, needed


def test_every_html_response_carries_the_policy_and_the_short_cache(crawl):
    _, pages = crawl
    for path, headers in pages.items():
        assert headers.get("content-security-policy") == CSP, path
        assert headers.get("content-type") == "text/html; charset=utf-8", path
        assert headers.get("cache-control") == "no-cache", path
        assert headers.get("etag") or headers.get("last-modified"), path  # validators for no-cache
        assert headers.get("x-content-type-options") == "nosniff", path
        assert headers.get("referrer-policy") == "strict-origin-when-cross-origin", path
        assert "camera=()" in headers.get("permissions-policy", ""), path


def test_every_file_has_the_type_and_cache_rule_of_deploy_rules(site):
    """nginx's map and deploy/rules.py (used for object storage) agree on
    every file of the site: one rule set, two hosts."""
    checked = 0
    for relative in rules.site_files(site.output):
        if relative.endswith(rules.PRECOMPRESSED):
            continue
        code, headers, _ = site.request(SUBPATH + relative, method="HEAD")
        assert code == 200, relative
        assert headers.get("cache-control") == rules.cache_control(relative), relative
        expected = rules.content_type(relative)
        served = headers.get("content-type", "")
        # Same type; nginx names JavaScript application/javascript.
        assert served.replace("application/javascript", "text/javascript") == expected, relative
        checked += 1
    assert checked > 200


def test_fingerprinted_assets_and_photos_are_cached_for_a_year(site):
    for relative in ("theme/css/", "theme/js/", "photos/"):
        files = [f for f in (site.output / relative).rglob("*") if f.is_file() and not f.name.endswith(rules.PRECOMPRESSED)]
        assert files, relative
        for file in files:
            code, headers, _ = site.request(SUBPATH + file.relative_to(site.output).as_posix(), method="HEAD")
            assert code == 200
            assert headers["cache-control"] == "public, max-age=31536000, immutable", file.name


@pytest.mark.parametrize("encoding,suffix", [("gzip", ".gz"), ("br", ".br"), ("br, gzip", ".br"), ("gzip, deflate, br", ".br")])
def test_precompressed_bytes_are_sent_to_clients_that_accept_them(site, encoding, suffix):
    if suffix == ".br" and not brotli_module_enabled():
        pytest.skip("nginx's Brotli module is not installed")
    served = 0
    for relative in rules.site_files(site.output):
        if not relative.endswith(suffix):
            continue
        original = relative[: -len(suffix)]
        code, headers, body = site.request(SUBPATH + original, headers={"Accept-Encoding": encoding})
        assert code == 200, original
        assert headers.get("content-encoding") == suffix.lstrip(".").replace("gz", "gzip"), original
        assert "accept-encoding" in headers.get("vary", "").lower(), original
        assert body == (site.output / relative).read_bytes(), original
        plain = (site.output / original).read_bytes()
        assert (gzip.decompress(body) if suffix == ".gz" else brotli.decompress(body)) == plain
        served += 1
    assert served > 50


def test_a_client_without_compression_gets_the_plain_bytes(site):
    code, headers, body = site.request(SUBPATH)
    assert code == 200 and "content-encoding" not in headers
    assert body == (site.output / "index.html").read_bytes()


def test_an_unknown_address_gets_our_404_page_with_status_404(site):
    for path in (SUBPATH + "no-such-page/", SUBPATH + "2025/06/missing/", SUBPATH + "theme/css/old.css"):
        code, headers, body = site.request(path)
        assert code == 404, path
        assert body == (site.output / "404.html").read_bytes()
        assert headers.get("content-security-policy") == CSP
        assert headers.get("content-type") == "text/html; charset=utf-8"
    code, headers, body = site.request(SUBPATH + "no-such-page/", headers={"Accept-Encoding": "gzip"})
    assert code == 404 and gzip.decompress(body) == (site.output / "404.html").read_bytes()


def test_dot_files_are_never_served(site):
    (site.served / ".git").mkdir()
    (site.served / ".git" / "config").write_text("[remote]")
    (site.served / ".env").write_text("SECRET=1")
    assert site.request(SUBPATH + ".git/config")[0] == 404
    assert site.request(SUBPATH + ".env")[0] == 404
    assert site.request(SUBPATH + ".well-known/security.txt")[0] == 404  # allowed, just absent


def test_a_folder_without_its_slash_is_redirected_within_the_sub_path(site):
    code, headers, _ = site.request(SUBPATH + "about")
    assert code == 301
    assert headers["location"] in (SUBPATH + "about/", f"http://{site.host}:{site.port}{SUBPATH}about/")


def test_calendar_manifest_and_search_index_types(site):
    assert site.request(SUBPATH + "notices/deadlines.ics", "HEAD")[1]["content-type"] == "text/calendar; charset=utf-8"
    entry = site.request(SUBPATH + "pagefind/pagefind-entry.json", "HEAD")[1]
    assert entry["content-type"] == "application/json; charset=utf-8"
    assert entry["cache-control"] == "no-cache"
    chunk = next((site.output / "pagefind" / "fragment").iterdir()).relative_to(site.output).as_posix()
    headers = site.request(SUBPATH + chunk, "HEAD")[1]
    assert headers["content-type"] == "application/octet-stream"
    assert "content-encoding" not in headers  # Pagefind decompresses its chunks itself


# Every kind of page (and the 404 page): the site ships no inline script or
# style, so the README's strict policy, sent by the shipped server block,
# holds with no violation, and nothing is requested from outside the site.
@pytest.mark.parametrize("path", ["", "2025/06/qinghe-jiayuan-elevators/", "notices/", "albums/", "search/?q=电梯", "guide/",
                                  "disclosure/", "no-such-page/"])
def test_pages_load_in_chromium_through_nginx_with_no_csp_violation(site, page, path):
    page.add_init_script(WATCH)
    requests, failed = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("response", lambda response: response.status >= 400 and failed.append(response.url))
    response = page.goto(site.base + "/" + path)
    assert response.status == (404 if path.startswith("no-such") else 200)
    assert response.headers["content-security-policy"] == CSP
    if "search" in path:
        page.wait_for_selector("#search-results li")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__violations") == []
    assert [url for url in requests if not url.startswith(site.base + "/")] == []
    assert [unquote(url) for url in failed if not url.endswith("no-such-page/")] == []
