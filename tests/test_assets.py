"""plugins/assets: content-hashed names for the theme's stylesheets and
scripts and for photos in production builds; templates print the hashed
names, so no page is rewritten after rendering."""

import hashlib
import re

from bs4 import BeautifulSoup

from plugins.assets.fingerprint import HASHED_NAME, theme_names
from tests.conftest import ROOT, article_source
from tests.site.helpers import links_on

HASHED = re.compile(r"\.[0-9a-f]{10}\.")


def theme(root, files):
    for relative, data in files.items():
        path = root / "static" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(data, encoding="utf-8")
    return {"ASSET_FINGERPRINT": True, "THEME": str(root), "THEME_STATIC_PATHS": ["static"], "THEME_STATIC_DIR": "theme"}


def test_stylesheets_and_scripts_get_their_content_hash(tmp_path):
    names = theme_names(theme(tmp_path, {"css/site.css": "a{}", "js/site.js": "1", "img/share.png": "png"}))
    assert set(names) == {"theme/css/site.css", "theme/js/site.js"}  # images keep stable names
    digest = hashlib.sha256(b"a{}").hexdigest()[:10]
    assert names["theme/css/site.css"] == f"theme/css/site.{digest}.css"
    assert all(HASHED_NAME.search(new) for new in names.values())


def test_a_changed_file_gets_a_new_name_and_an_unchanged_one_keeps_its_name(tmp_path):
    first = theme_names(theme(tmp_path / "one", {"css/site.css": "a{}", "js/site.js": "1"}))
    second = theme_names(theme(tmp_path / "two", {"css/site.css": "a{color:red}", "js/site.js": "1"}))
    assert first["theme/js/site.js"] == second["theme/js/site.js"]
    assert first["theme/css/site.css"] != second["theme/css/site.css"]


def test_off_unless_asked(tmp_path):
    settings = theme(tmp_path, {"css/site.css": "a{}"})
    assert theme_names({**settings, "ASSET_FINGERPRINT": False}) == {}


def test_production_build_references_only_hashed_assets_that_exist(make_site):
    photo = (ROOT / "content/photos/mid-autumn-2026/IMG_3001.jpg").read_bytes()
    build = make_site({
        "articles/a.md": article_source(slug="a", cover="images/p.jpg", body="![居民]({static}/photos/fair/p.jpg)"),
        "images/p.jpg": photo,
        "photos/fair/p.jpg": photo,
    }, settings_file="publishconf.py")
    assert build.returncode == 0, build.log
    theme_files = [p for p in (build.root / "theme").rglob("*") if p.suffix in (".css", ".js")]
    assert theme_files and all(HASHED.search(p.name) for p in theme_files)
    site = "https://qinghe.example.org"
    seen = {"theme": 0, "photos": 0}
    for page in build.root.rglob("*.html"):
        for link in links_on(BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")):
            path = link.removeprefix(site)
            if path.startswith("/theme/") and path.endswith((".css", ".js")) or path.startswith("/photos/"):
                assert HASHED.search(path), (page, link)
                assert build.path(path).is_file(), (page, link)
                seen[path.split("/")[1]] += 1
    assert seen["theme"] and seen["photos"]


def test_a_photo_replaced_under_the_same_name_gets_a_new_address(make_site, tmp_path):
    first_photo = (ROOT / "content/photos/mid-autumn-2026/IMG_3001.jpg").read_bytes()
    second_photo = (ROOT / "content/photos/mid-autumn-2026/IMG_3002.jpg").read_bytes()
    files = {"articles/a.md": article_source(slug="a", body="![居民]({static}/photos/fair/p.jpg)")}
    addresses = []
    for data in (first_photo, second_photo):
        build = make_site({**files, "photos/fair/p.jpg": data}, settings_file="publishconf.py")
        assert build.returncode == 0, build.log
        page = build.html("2026/01/a/")
        addresses.append(page.select_one(".article-body img")["src"])
    assert addresses[0] != addresses[1]


def test_preview_build_keeps_plain_names(make_site):
    build = make_site({"articles/a.md": article_source(slug="a")})
    assert build.returncode == 0, build.log
    assert build.path("theme/css/site.css").is_file()
    assert 'href="../../../theme/css/site.css"' in build.text("2026/01/a/index.html")
