"""The live-reload script exists only in what `make devserver` serves: every
page of the demo carries it there, and no built output — preview or
`make publish` — contains it or any build stamp."""

from bs4 import BeautifulSoup

from plugins.devserver.server import with_reload_script
from tests.conftest import DEMO_PHOTO_CACHE, ROOT, files_containing

PREVIEW_MARKS = ("__linli", "reload.js", "reload.css", "data-build")


def assert_no_preview_traces(root):
    for mark in PREVIEW_MARKS:
        assert files_containing(root, mark) == [], mark
    assert not [path for path in root.rglob("*") if path.name in ("status", "reload.js", "reload.css")]


def test_published_output_has_no_reload_script_nor_build_stamp(published_demo):
    assert_no_preview_traces(published_demo.root)


def test_make_html_output_has_none_either(demo_site):
    assert_no_preview_traces(demo_site.root)


def test_every_page_the_devserver_serves_carries_the_reload_script_once(devserver):
    server = devserver(ROOT / "content", PHOTO_CACHE=str(DEMO_PHOTO_CACHE))  # the demo's photos, made once
    server.wait_for(lambda s: s["build"] >= 1 and s["state"] == "ok")
    pages = sorted(server.output.rglob("*.html"))
    assert len(pages) > 40
    for path in pages:
        relative = path.relative_to(server.output).as_posix()
        url = "/" + (relative[: -len("index.html")] if relative.endswith("index.html") else relative)
        code, served = server.get(url)
        assert code == 200, url
        soup = BeautifulSoup(served, "lxml")
        scripts = [tag for tag in soup.find_all("script") if "/__linli/reload.js" in (tag.get("src") or "")]
        assert len(scripts) == 1, url
        assert scripts[0].parent.name == "head", url
        # Apart from that one tag, the page is the file on disk.
        expected = with_reload_script(path.read_bytes(), int(scripts[0]["data-build"])).decode("utf-8")
        assert served == expected, url
    assert_no_preview_traces(server.output)
    # Everything else is served as it is.
    css = server.get("/theme/css/site.css")[1]
    assert css == (server.output / "theme" / "css" / "site.css").read_text(encoding="utf-8")
