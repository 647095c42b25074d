"""plugins/assets: content-hashed names for theme files and photos in
production builds, every reference rewritten, nothing left pointing at an old
name."""

import hashlib
import re
from types import SimpleNamespace

from bs4 import BeautifulSoup

from plugins.assets.fingerprint import HASHED_NAME, fingerprint
from tests.conftest import article_source
from tests.site.helpers import links_on

HASHED = re.compile(r"\.[0-9a-f]{10}\.")


def tree(root, files):
    for relative, data in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return root


def run(root, **settings):
    return fingerprint(SimpleNamespace(settings={"ASSET_FINGERPRINT": True, **settings}), str(root))


def test_references_in_pages_stylesheets_and_srcsets_follow_the_new_names(tmp_path):
    root = tree(tmp_path / "site", {
        "theme/img/bg.png": b"\x89PNG one",
        "theme/css/site.css": "body{background:url(../img/bg.png)} .a{background:url('/x/theme/img/bg.png')}",
        "theme/js/site.js": "console.log(1)",
        "photos/spring/img-1-480.webp": b"RIFF webp",
        "photos/spring/img-1-960.webp": b"RIFF webp bigger",
        "photos/spring/活动 照片-480.jpg": b"\xff\xd8 jpeg",
        "index.html": (
            '<link rel="stylesheet" href="https://example.org/x/theme/css/site.css">'
            '<script src="/x/theme/js/site.js"></script>'
            '<img srcset="/x/photos/spring/img-1-480.webp 480w, /x/photos/spring/img-1-960.webp 960w" '
            'src="/x/photos/spring/%E6%B4%BB%E5%8A%A8%20%E7%85%A7%E7%89%87-480.jpg">'
            '<a href="/x/photos/spring/">album</a><a href="/x/theme/css/missing.css">kept</a>'
        ),
        "feeds/all.atom.xml": "<content>&lt;img src=\"https://example.org/x/photos/spring/img-1-480.webp\"&gt;</content>",
        "favicon.svg": "<svg/>",
    })
    renamed = run(root)
    assert set(renamed) == {
        "theme/img/bg.png", "theme/css/site.css", "theme/js/site.js",
        "photos/spring/img-1-480.webp", "photos/spring/img-1-960.webp", "photos/spring/活动 照片-480.jpg",
    }
    for old, new in renamed.items():
        assert not (root / old).exists() and (root / new).exists()
        assert HASHED_NAME.search(new)
        digest = hashlib.sha256((root / new).read_bytes()).hexdigest()[:10]
        assert f".{digest}." in new  # the hash covers the final bytes
    css = (root / renamed["theme/css/site.css"]).read_text()
    image = renamed["theme/img/bg.png"].split("/")[-1]
    assert f"url(../img/{image})" in css and f"url('/x/theme/img/{image}')" in css
    page = (root / "index.html").read_text()
    for old, new in renamed.items():
        if not old.startswith("theme/img/"):
            assert new.split("/")[-1] in page or "%E6%B4%BB" in page
    assert "/x/photos/spring/ 480w" not in page and "img-1-480.webp 480w" not in page
    assert '%E6%B4%BB%E5%8A%A8%20%E7%85%A7%E7%89%87-480.' in page  # still percent-encoded
    assert 'href="/x/photos/spring/"' in page and 'href="/x/theme/css/missing.css"' in page
    assert renamed["photos/spring/img-1-480.webp"] in (root / "feeds/all.atom.xml").read_text()
    assert (root / "favicon.svg").exists()  # outside the hashed folders: a stable address


def test_a_changed_file_gets_a_new_name_and_an_unchanged_one_keeps_its_name(tmp_path):
    files = {"theme/css/site.css": "a{}", "theme/js/site.js": "1", "index.html": '<link href="/theme/css/site.css"><script src="/theme/js/site.js">'}
    first = run(tree(tmp_path / "one", files))
    second = run(tree(tmp_path / "two", {**files, "theme/css/site.css": "a{color:red}"}))
    assert first["theme/js/site.js"] == second["theme/js/site.js"]
    assert first["theme/css/site.css"] != second["theme/css/site.css"]
    again = run(tree(tmp_path / "three", files))
    assert again == first
    assert (tmp_path / "three/index.html").read_bytes() == (tmp_path / "one/index.html").read_bytes()


def test_off_unless_asked(tmp_path):
    root = tree(tmp_path / "site", {"theme/css/site.css": "a{}", "index.html": '<link href="/theme/css/site.css">'})
    assert fingerprint(SimpleNamespace(settings={}), str(root)) == {}
    assert (root / "theme/css/site.css").exists()


def test_production_build_references_only_hashed_assets_that_exist(make_site):
    build = make_site({"articles/a.md": article_source(slug="a")}, settings_file="publishconf.py")
    assert build.returncode == 0, build.log
    theme = [p for p in (build.root / "theme").rglob("*") if p.is_file() and not p.name.endswith((".gz", ".br"))]
    assert theme and all(HASHED.search(p.name) for p in theme)
    site = "https://qinghe.example.org"
    seen = 0
    for page in build.root.rglob("*.html"):
        for link in links_on(BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")):
            if "/theme/" in link or "/photos/" in link:
                path = link.removeprefix(site)
                assert HASHED.search(path), (page, link)
                assert build.path(path).is_file(), (page, link)
                seen += 1
    assert seen


def test_preview_build_keeps_plain_names(make_site):
    build = make_site({"articles/a.md": article_source(slug="a")})
    assert build.returncode == 0, build.log
    assert build.path("theme/css/site.css").is_file()
