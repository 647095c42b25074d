"""Page weight and image markup bars of SPEC §6 on the built demo."""

import gzip

from tests.site.helpers import resolve

BUDGET = 50 * 1024


def gzipped_size(path):
    return len(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))


def test_home_page_html_css_js_within_50kb_gzipped(demo_site):
    home = demo_site.path("index.html")
    soup = demo_site.html("")
    assets = [home]
    for element in soup.select('link[rel~="stylesheet"], script[src]'):
        target = resolve(demo_site.root, home, element.get("href") or element.get("src"))
        assert target is not None and target.is_file(), element
        assets.append(target)
    sizes = {str(a.relative_to(demo_site.root)): gzipped_size(a) for a in assets}
    print("home page weight (gzip):", sizes, sum(sizes.values()))
    assert len(assets) >= 3
    assert sum(sizes.values()) <= BUDGET, sizes


def test_every_img_has_alt_width_and_height(demo_site):
    missing = []
    for page in (f for f in demo_site.files() if f.suffix == ".html"):
        soup = demo_site.html(str(page.relative_to(demo_site.root)))
        for img in soup.find_all("img"):
            if img.get("alt") is None or not img.get("width") or not img.get("height"):
                missing.append(f"{page.relative_to(demo_site.root)}: {img}")
    assert missing == []
