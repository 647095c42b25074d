"""Albums and published images on whole-site builds: the demo, and small
sites made in the test (bad images are generated here, never committed)."""

import io
import json
import re

import pytest
from PIL import Image

from plugins.gallery.demo import SECRET_SERIAL, XMP, phone_exif
from tests.conftest import ROOT, article_source, files_containing
from tests.site.helpers import resolve

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".avif", ".gif", ".heic")
DEMO_ALBUMS = ["mid-autumn-2026", "waste-sorting-2025", "spring-cleanup-2024"]


def photo_bytes(size=(320, 240), color=(200, 80, 40), fmt="JPEG", gps=False, **options):
    image = Image.new("RGB", size, color)
    image.paste((30, 90, 200), (0, 0, size[0] // 2, size[1] // 2))
    out = io.BytesIO()
    if gps:
        options.update(exif=phone_exif(gps=True).tobytes(), xmp=XMP)
    image.save(out, fmt, **options)
    return out.getvalue()


def album_md(title="测试相册", date="2026-01-05", body="", **extra):
    lines = [f"标题：{title}", f"日期：{date}"] + [f"{k}：{v}" for k, v in extra.items()]
    return "\n".join(lines) + "\n\n" + body


def build(make_site, files, tmp_path, **settings):
    settings.setdefault("PHOTO_CACHE", str(tmp_path / "photos"))
    settings.setdefault("SEARCH_INDEX", False)
    settings.setdefault("PHOTO_WIDTHS", [160, 320])
    return make_site(files, **settings)


def report(tmp_path):
    return json.loads((tmp_path / "photos" / "gallery-report.json").read_text(encoding="utf-8"))


# --- the demo ----------------------------------------------------------------------

def test_albums_index_lists_covers_newest_first(demo_site):
    soup = demo_site.html("albums/")
    cards = soup.select(".album-cards .album-card")
    hrefs = [card.select_one("a.album-card-link")["href"] for card in cards]
    assert [h.rstrip("/").rsplit("/", 1)[-1] for h in hrefs] == DEMO_ALBUMS
    for card in cards:
        picture = card.select_one("picture")
        assert picture.select_one('source[type="image/webp"]')["srcset"].count("w,") >= 3
        img = picture.img
        assert img["width"] and img["height"] and img["alt"] == ""  # the title is the link text
    assert cards[0].img["loading"] == "eager" and cards[1].img["loading"] == "lazy"
    assert "活动相册" in [a.get_text() for a in soup.select(".site-nav a")]


def test_album_page_markup(demo_site):
    soup = demo_site.html("albums/spring-cleanup-2024/")
    assert soup.h1.get_text() == "春风行动：禾丰苑春季环境整治"
    figures = soup.select(".album-grid figure.album-photo")
    assert len(figures) == 6
    captions = [f.figcaption.get_text() for f in figures]
    assert captions[0] == "志愿者在禾丰苑中心广场集合，领取扫帚和垃圾袋"
    assert captions[2] == "4 栋楼下，志愿者合力清扫背街小巷"  # 活动照片 1.JPG, in list order
    for index, figure in enumerate(figures):
        link = figure.select_one("a.album-link")
        img = figure.select_one("picture img")
        assert link["href"].endswith("-1600.jpg")  # without JavaScript: the large image
        assert img["alt"] == captions[index]
        assert img["loading"] == ("eager" if index == 0 else "lazy")
        assert img["decoding"] == "async" and img["sizes"] and img["srcset"]
        assert int(img["width"]) > 0 and int(img["height"]) > 0
        for url in [link["href"], img["src"]] + [c.split()[0] for c in img["srcset"].split(",")]:
            target = resolve(demo_site.root, demo_site.path("albums/spring-cleanup-2024/index.html"), url)
            assert target.is_file(), url
            assert url.isascii() and " " not in url
    related = soup.select(".album-related a")
    assert related and related[0]["href"].endswith("2024/03/spring-cleanup-volunteers-2024/")
    assert soup.select_one("dialog.viewer") is not None
    scripts = [s for s in soup.find_all("script") if s.get("src", "").endswith("theme/js/viewer.js")]
    assert len(scripts) == 1 and scripts[0].has_attr("defer")


def test_no_inline_script_or_style_on_album_pages(demo_site):
    for page in ["albums/", "albums/spring-cleanup-2024/", "2024/03/spring-cleanup-volunteers-2024/"]:
        html = demo_site.text(page + "index.html")
        soup = demo_site.html(page)
        assert not soup.find_all(style=True), page
        assert not soup.find_all("style"), page
        for script in soup.find_all("script"):
            assert script.get("src") or script.get("type") == "application/ld+json", (page, script)
        assert not re.search(r"\son[a-z]+=", html), page


def test_orientation_applied_to_the_demo_portrait(demo_site):
    soup = demo_site.html("albums/spring-cleanup-2024/")
    last = soup.select(".album-grid figure.album-photo")[-1]
    img = last.select_one("picture img")
    assert int(img["height"]) > int(img["width"])  # IMG_2046.JPG: stored sideways, Orientation 6
    with Image.open(demo_site.path("photos/spring-cleanup-2024/img-2046-1600.jpg")) as out:
        assert out.size == (1600, 2133)
        assert 0x0112 not in out.getexif()


def test_no_published_image_carries_a_location_or_serial(demo_site):
    images = [p for p in demo_site.files() if p.suffix.lower() in IMAGE_SUFFIXES]
    assert len(images) >= 3 * 6 * 8  # 3 albums × 6 photos × (4 widths × 2 formats)
    for path in images:
        data = path.read_bytes()
        assert SECRET_SERIAL.encode() not in data, path
        with Image.open(path) as image:
            exif = image.getexif()
            assert not exif.get_ifd(0x8825), path  # GPS
            assert 0xA431 not in exif.get_ifd(0x8769) and 0x927C not in exif.get_ifd(0x8769), path
            assert 0x010F not in exif and 0x0110 not in exif, path  # camera maker, model
            assert not any(k in image.info for k in ("xmp", "XML:com.adobe.xmp", "comment", "exif")), path


def test_originals_and_draft_albums_are_not_published(demo_site):
    names = [p.name for p in demo_site.files()]
    assert not [n for n in names if n.startswith("IMG_") or n.endswith((".JPG", ".HEIC")) or "活动照片" in n]
    originals = {p.read_bytes() for p in (ROOT / "content" / "photos").rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES}
    assert not [p for p in demo_site.files() if p.suffix.lower() in IMAGE_SUFFIXES and p.read_bytes() in originals]
    # content/photos/autumn-walk-draft is `状态：草稿`: no page, no photo, no mention.
    for needle in ("autumn-walk", "秋日健步走", "img-7001"):
        assert files_containing(demo_site.root, needle) == [], needle
    assert not demo_site.path("albums/autumn-walk-draft").exists()
    assert "albums/" in demo_site.text("sitemap.xml")


def test_article_with_album_shows_it_inline(demo_site):
    soup = demo_site.html("2026/09/mid-autumn-neighbours-2026/")
    section = soup.select_one(".album-inline")
    assert section is not None
    assert len(section.select("figure.album-photo")) == 6
    assert all(img["loading"] == "lazy" for img in section.select("img"))
    assert section.select_one(".album-more a")["href"].endswith("albums/mid-autumn-2026/")
    assert soup.select_one("dialog.viewer") is not None
    og = soup.find("meta", property="og:image")["content"]
    assert og.startswith("https://") and og.endswith("img-3001-1600.jpg")


def test_listings_show_cover_thumbnails(demo_site):
    soup = demo_site.html("column/she-qu-dong-tai/")
    items = {i.select_one(".article-item-title a").get_text(): i for i in soup.select(".article-item")}
    waste = items["分对一袋垃圾 攒下一份积分 青禾社区垃圾分类积分兑换受欢迎"]
    assert "img-5102-" in waste.select_one("picture.article-item-cover img")["src"]  # 封面：
    autumn = items["月圆邻里情 青禾社区举办第三届中秋邻里节"]
    assert "img-3001-" in autumn.select_one("picture.article-item-cover img")["src"]  # the album's cover
    assert items["守好“钱袋子” 防诈骗宣传走进青禾家园楼栋"].select_one("picture") is None


# --- small sites ---------------------------------------------------------------------

def test_images_in_articles_go_through_the_pipeline(make_site, tmp_path):
    body = (
        "活动开始前。\n\n![志愿者合影]({static}/photos/trip/IMG_1.JPG)\n\n"
        '![社区地图]({static}/images/map one.png "青禾社区示意图")\n\n'
        "文中的小图 ![图标]({static}/images/map one.png) 也处理。\n\n"
        "[下载大图]({static}/photos/trip/IMG_1.JPG)\n"
    )
    files = {
        "articles/a.md": article_source(slug="a", body=body),
        "photos/trip/IMG_1.JPG": photo_bytes(gps=True),
        "images/map one.png": photo_bytes((200, 100), fmt="PNG"),
    }
    site = build(make_site, files, tmp_path)
    assert site.returncode == 0, site.log
    soup = site.html("2026/01/a/")
    figures = soup.select(".article-body figure.photo")
    assert [f.figcaption.get_text() for f in figures] == ["志愿者合影", "青禾社区示意图"]
    first = figures[0].select_one("img")
    assert first["alt"] == "志愿者合影" and first["loading"] == "eager"
    assert first["src"] == "../../../photos/trip/img-1-320.jpg"
    assert figures[0].select_one('source[type="image/webp"]')["srcset"].startswith("../../../photos/trip/img-1-160.webp 160w")
    inline = soup.select(".article-body p picture img")
    assert len(inline) == 1 and inline[0]["loading"] == "lazy"
    assert inline[0]["src"].startswith("../../../images/map-one-")
    download = [a for a in soup.select(".article-body a") if a.get_text() == "下载大图"][0]
    assert download["href"] == "../../../photos/trip/img-1-320.jpg"
    assert not site.path("photos/trip/IMG_1.JPG").exists()
    # A raster image in STATIC_PATHS still has its own URL, cleaned of metadata.
    assert site.path("images/map one.png").is_file()
    for path in site.files():
        assert SECRET_SERIAL.encode() not in path.read_bytes(), path


def test_second_build_decodes_nothing_and_is_byte_identical(make_site, tmp_path):
    files = {
        "photos/park/album.md": album_md(body="- a.jpg：第一张\n"),
        "photos/park/a.jpg": photo_bytes(),
        "photos/park/b.jpg": photo_bytes(color=(10, 120, 10)),
        "articles/a.md": article_source(slug="a", album="park", body="![地图]({static}/photos/park/b.jpg)"),
    }
    first = build(make_site, files, tmp_path)
    assert first.returncode == 0, first.log
    assert report(tmp_path)["decoded"] == 2 and report(tmp_path)["cached"] == 0
    ours = ("photos", "albums", "2026")  # the photos, the album and the article page

    def mine(site):
        return {p.relative_to(site.root): p.read_bytes() for p in site.files() if p.relative_to(site.root).parts[0] in ours}

    snapshot = mine(first)
    assert len(snapshot) > 10
    second = build(make_site, files, tmp_path, output=tmp_path / "second")
    assert second.returncode == 0, second.log
    assert report(tmp_path) == dict(report(tmp_path), decoded=0, cached=2)
    assert mine(second) == snapshot


@pytest.mark.parametrize("name, data, words", [
    ("empty.jpg", b"", "0 字节"),
    ("cut.jpg", photo_bytes((800, 600))[:3000], "截断"),
    ("notes.png", "不是图片".encode("utf-8"), "不是可识别的图片"),
])
def test_bad_album_photo_fails_the_build_naming_it(make_site, tmp_path, name, data, words):
    files = {
        "photos/park/album.md": album_md(),
        "photos/park/good.jpg": photo_bytes(),
        f"photos/park/{name}": data,
    }
    site = build(make_site, files, tmp_path)
    assert site.returncode != 0
    line = [line for line in site.log.splitlines() if f"photos/park/{name}" in line]
    assert line and words in line[0], site.log
    assert "Traceback" not in site.log
    assert not site.path("albums/park/index.html").exists()


def test_skip_policy_leaves_the_bad_photo_out(make_site, tmp_path):
    files = {
        "photos/park/album.md": album_md(body="- broken.jpg：坏照片\n- good.jpg：好照片\n"),
        "photos/park/good.jpg": photo_bytes(),
        "photos/park/broken.jpg": b"",
    }
    site = build(make_site, files, tmp_path, PHOTO_ON_ERROR="skip")
    assert site.returncode == 0, site.log
    assert "photos/park/broken.jpg" in site.log and "WARNING" in site.log
    figures = site.html("albums/park/").select("figure.album-photo")
    assert [f.figcaption.get_text() for f in figures] == ["好照片"]


def test_decompression_bomb_is_refused(make_site, tmp_path):
    files = {"photos/park/album.md": album_md(), "photos/park/big.png": photo_bytes((400, 300), fmt="PNG")}
    site = build(make_site, files, tmp_path, PHOTO_MAX_PIXELS=50_000)
    assert site.returncode != 0
    assert "photos/park/big.png" in site.log and "PHOTO_MAX_PIXELS" in site.log


def test_album_md_mistakes_name_file_and_line(make_site, tmp_path):
    files = {
        "photos/park/album.md": album_md(封面="nothere.jpg", body="介绍。\n\n- a.jpg：有\n- IMG_404.JPG：没有这张\n"),
        "photos/park/a.jpg": photo_bytes(),
        "articles/a.md": article_source(slug="a", album="no-such-album"),
    }
    site = build(make_site, files, tmp_path)
    assert site.returncode != 0
    assert re.search(r"photos/park/album\.md:3: .*nothere\.jpg", site.log), site.log
    assert re.search(r"photos/park/album\.md:8: .*IMG_404\.JPG", site.log), site.log
    assert re.search(r"articles/a\.md:\d+: .*no-such-album", site.log), site.log


def test_chinese_names_hidden_and_draft_albums(make_site, tmp_path):
    files = {
        "photos/中秋 晚会/album.md": album_md("中秋晚会", "2026-09-28", "- 活动照片 1.JPG：合影\n"),
        "photos/中秋 晚会/活动照片 1.JPG": photo_bytes(),
        "photos/quiet/album.md": album_md("内部相册", "2026-02-01", 状态="隐藏"),
        "photos/quiet/a.jpg": photo_bytes(),
        "photos/secret/album.md": album_md("LEAKMARKALBUM", "2026-03-01", 状态="草稿"),
        "photos/secret/secret-photo.jpg": photo_bytes(),
        "photos/later/album.md": album_md("LEAKMARKFUTURE", "2027-01-01"),
        "photos/later/later-photo.jpg": photo_bytes(),
    }
    site = build(make_site, files, tmp_path)
    assert site.returncode == 0, site.log
    index = site.html("albums/")
    titles = [t.get_text() for t in index.select(".album-card-title")]
    assert titles == ["中秋晚会"]
    href = index.select_one(".album-card-link")["href"]
    assert href.isascii() and " " not in href
    page = resolve(site.root, site.path("albums/index.html"), href)
    assert page.is_file()
    srcs = [img["src"] for img in site.html(page.relative_to(site.root).as_posix()).select(".album-grid img")]
    assert len(srcs) == 1 and srcs[0].isascii() and "huo-dong-zhao-pian-1-" in srcs[0]
    # Hidden: its own page, nowhere else.
    assert site.path("albums/quiet/index.html").is_file()
    assert files_containing(site.root, "内部相册") == ["albums/quiet/index.html"]
    assert "albums/quiet" not in site.text("sitemap.xml")
    # Draft and future-dated albums: nothing at all.
    for needle in ("LEAKMARKALBUM", "LEAKMARKFUTURE", "secret-photo", "later-photo"):
        assert files_containing(site.root, needle) == [], needle


def test_avif_and_formats_setting(make_site, tmp_path):
    files = {"photos/park/album.md": album_md(), "photos/park/a.jpg": photo_bytes((400, 300))}
    site = build(make_site, files, tmp_path, PHOTO_FORMATS=["avif", "webp", "jpeg"], PHOTO_WIDTHS=[200, 800])
    assert site.returncode == 0, site.log
    picture = site.html("albums/park/").select_one(".album-grid picture")
    types = [s["type"] for s in picture.select("source")]
    assert types == ["image/avif", "image/webp"]
    assert picture.img["srcset"] == "../../photos/park/a-200.jpg 200w, ../../photos/park/a-400.jpg 400w"
    for name in ("a-200.avif", "a-400.avif", "a-400.webp", "a-400.jpg"):
        assert site.path(f"photos/park/{name}").is_file(), name
    assert not site.path("photos/park/a-800.jpg").exists()  # never upscaled


def test_full_size_copies_only_when_asked_and_still_stripped(make_site, tmp_path):
    files = {"photos/park/album.md": album_md(), "photos/park/IMG_9.JPG": photo_bytes((500, 400), gps=True)}
    site = build(make_site, files, tmp_path, PHOTO_PUBLISH_ORIGINALS=True)
    assert site.returncode == 0, site.log
    link = site.html("albums/park/").select_one("a.album-full")
    assert link["href"] == "../../photos/park/img-9.jpg" and link.has_attr("download")
    with Image.open(site.path("photos/park/img-9.jpg")) as full:
        assert full.size == (500, 400)
        assert not full.getexif().get_ifd(0x8825) and "xmp" not in full.info
    assert not site.path("photos/park/IMG_9.JPG").exists()


def test_scaffolded_album_builds(make_site, tmp_path):
    from plugins.gallery.scaffold import new_album

    content = tmp_path / "content" / "photos" / "new-album"
    content.mkdir(parents=True)
    (content / "IMG_0002.JPG").write_bytes(photo_bytes())
    (content / "活动照片 1.jpg").write_bytes(photo_bytes(color=(20, 20, 200)))
    path, count = new_album("new-album", "新相册", root=tmp_path)
    assert count == 2
    text = path.read_text(encoding="utf-8").replace("状态：draft", "状态：published")
    text = text.replace("- IMG_0002.JPG：", "- IMG_0002.JPG：大家一起打扫")
    text = re.sub(r"日期：.*", "日期：2026-01-05 10:00", text)  # today may be after BUILD_DATE
    site = build(make_site, {"photos/new-album/album.md": text}, tmp_path)
    assert site.returncode == 0, site.log
    soup = site.html("albums/new-album/")
    assert [img["alt"] for img in soup.select(".album-grid img")] == ["大家一起打扫", "新相册（第 2 张）"]
    assert "这行提示不会发布" not in site.text("albums/new-album/index.html")
