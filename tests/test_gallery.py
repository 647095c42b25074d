"""The photo pipeline, in-process and on small generated images: metadata
stripped, orientation applied, widths and formats as set, the cache, every
bad-image case of SPEC §5, names and markup."""

import io
import json
import os
import struct
import zlib

import pytest
from PIL import Image, ImageOps, JpegImagePlugin

from plugins.gallery import pipeline
from plugins.gallery.albums import take_captions
from plugins.gallery.demo import SECRET_SERIAL, XMP, phone_exif
from plugins.gallery.names import output_stem, slug_part
from plugins.gallery.photos import DEFAULTS, Photo, Registry

RED, BLUE, GREEN, WHITE = (255, 0, 0), (0, 0, 255), (0, 160, 0), (255, 255, 255)


# --- helpers ---------------------------------------------------------------------

def asymmetric(size=(240, 120)):
    """Red top-left quadrant, green top-right, blue bottom half: every
    rotation and mirror of it looks different."""
    width, height = size
    image = Image.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, width // 2, height // 2))
    image.paste(GREEN, (width // 2, 0, width, height // 2))
    return image


def jpeg_bytes(image, **options):
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95, **options)
    return out.getvalue()


def run_job(tmp_path, data, name="photo.jpg", **overrides):
    source = tmp_path / name
    if isinstance(data, Image.Image):
        data.save(source)
    else:
        source.write_bytes(data)
    job = {
        "source": str(source),
        "key": pipeline.cache_key(pipeline.file_digest(source), "test"),
        "cache": str(tmp_path / "cache"),
        "kind": "derivatives",
        "widths": [100, 200],
        "formats": ["webp", "jpeg"],
        "quality": {"jpeg": 85, "webp": 80},
        "copyright": "",
        "max_pixels": DEFAULTS["PHOTO_MAX_PIXELS"],
        "full": False,
    }
    job.update(overrides)
    return pipeline.process(job)


def outputs(result, tmp_path):
    folder = pipeline.entry_dir(str(tmp_path / "cache"), result["key"])
    return [(variant, os.path.join(folder, variant["file"])) for variant in result["meta"]["variants"]]


def close(pixel, expected, tolerance=40):
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], expected))


# --- privacy ---------------------------------------------------------------------

def test_no_gps_serial_xmp_comment_or_profile_in_any_output(tmp_path):
    source = tmp_path / "IMG_2043.JPG"
    from PIL import ImageCms

    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    asymmetric((400, 300)).save(
        source, "JPEG", exif=phone_exif(gps=True).tobytes(), xmp=XMP,
        comment=f"camera {SECRET_SERIAL}".encode(), icc_profile=srgb,
    )
    original = Image.open(source)
    assert original.getexif().get_ifd(0x8825), "the fixture must carry GPS"
    result = run_job(tmp_path, source.read_bytes(), "IMG_2043.JPG")
    assert result["ok"], result
    for variant, path in outputs(result, tmp_path):
        data = open(path, "rb").read()
        assert SECRET_SERIAL.encode() not in data
        assert b"GPS" not in data and b"Xiaomi" not in data
        image = Image.open(path)
        exif = image.getexif()
        assert len(exif) == 0, (variant, dict(exif))
        assert not exif.get_ifd(0x8825) and not exif.get_ifd(0x8769)
        assert "xmp" not in image.info and "XML:com.adobe.xmp" not in image.info
        assert "comment" not in image.info and "icc_profile" not in image.info


def test_copyright_is_the_only_tag(tmp_path):
    data = jpeg_bytes(asymmetric(), exif=phone_exif(gps=True).tobytes())
    result = run_job(tmp_path, data, copyright="(c) Qinghe community")
    assert result["ok"], result
    for _, path in outputs(result, tmp_path):
        exif = Image.open(path).getexif()
        assert dict(exif) == {0x8298: "(c) Qinghe community"}
        assert not exif.get_ifd(0x8825)


# --- orientation -----------------------------------------------------------------

# What Pillow's exif_transpose applies for each orientation, and its inverse
# (how a camera stores the pixels of an upright scene).
INVERSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


@pytest.mark.parametrize("orientation", range(1, 9))
def test_orientation_is_applied_to_the_pixels(tmp_path, orientation):
    upright = asymmetric((240, 120))
    stored = upright.transpose(INVERSE[orientation]) if orientation in INVERSE else upright
    exif = Image.Exif()
    exif[0x0112] = orientation
    result = run_job(tmp_path, jpeg_bytes(stored, exif=exif.tobytes()), widths=[120, 240])
    assert result["ok"], result
    assert (result["meta"]["width"], result["meta"]["height"]) == (240, 120)
    for variant, path in outputs(result, tmp_path):
        image = Image.open(path).convert("RGB")
        assert image.size == (variant["width"], variant["height"])
        assert image.width > image.height
        w, h = image.size
        assert close(image.getpixel((w // 8, h // 8)), RED), (orientation, variant)
        assert close(image.getpixel((w - w // 8, h // 8)), GREEN), (orientation, variant)
        assert close(image.getpixel((w // 2, h - h // 8)), BLUE), (orientation, variant)
        assert 0x0112 not in Image.open(path).getexif()


def test_demo_photo_stored_sideways_comes_out_upright(tmp_path):
    """The demo's IMG_2046.JPG: landscape pixels + Orientation 6 = a portrait photo."""
    from plugins.gallery.demo import write_photo

    path = tmp_path / "IMG_2046.JPG"
    write_photo(str(path), "cleanup", 6, size=(400, 300), portrait=True)
    stored = Image.open(path)
    assert stored.size == (400, 300) and stored.getexif()[0x0112] == 6
    result = run_job(tmp_path, path.read_bytes(), "IMG_2046.JPG", widths=[150])
    upright = ImageOps.exif_transpose(Image.open(path)).convert("RGB")
    for _, out in outputs(result, tmp_path):
        image = Image.open(out).convert("RGB")
        assert image.size == (150, 200)
        # Blue sky at the top, grey paving at the bottom, as in the upright scene.
        reference = upright.resize(image.size)
        assert close(image.getpixel((75, 5)), reference.getpixel((75, 5)), 30)
        sky, ground = image.getpixel((75, 5)), image.getpixel((75, 195))
        assert sky[2] > sky[0] + 60 and abs(ground[2] - ground[0]) < 40


# --- widths, formats, no upscaling -----------------------------------------------

def test_widths_and_formats_as_set_and_never_upscaled(tmp_path):
    result = run_job(
        tmp_path, jpeg_bytes(asymmetric((1000, 500))),
        widths=[300, 640, 4000], formats=["avif", "webp", "jpeg"],
    )
    assert result["ok"], result
    found = {(v["format"], v["width"], v["height"]) for v in result["meta"]["variants"]}
    assert found == {(fmt, w, w // 2) for fmt in ("avif", "webp", "jpeg") for w in (300, 640, 1000)}
    names = {"avif": "AVIF", "webp": "WEBP", "jpeg": "JPEG"}
    for variant, path in outputs(result, tmp_path):
        image = Image.open(path)
        assert image.format == names[variant["format"]]
        assert image.size == (variant["width"], variant["height"])
        assert image.width <= 1000


def test_tiny_image_is_kept_at_its_size(tmp_path):
    result = run_job(tmp_path, asymmetric((64, 48)), "tiny.png", widths=[480, 960])
    assert result["ok"], result
    assert {(v["width"], v["height"]) for v in result["meta"]["variants"]} == {(64, 48)}


def test_panorama_keeps_its_proportions(tmp_path):
    result = run_job(tmp_path, jpeg_bytes(asymmetric((3200, 400))), widths=[480, 1600])
    assert result["ok"], result
    assert {(v["width"], v["height"]) for v in result["meta"]["variants"]} == {(480, 60), (1600, 200)}


def test_jpeg_is_decoded_in_draft_mode_at_the_smallest_covering_scale(tmp_path, monkeypatch):
    calls = []
    original = JpegImagePlugin.JpegImageFile.draft

    def spy(self, mode, size):
        calls.append(size)
        result = original(self, mode, size)
        calls.append(self.size)
        return result

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)
    result = run_job(tmp_path, jpeg_bytes(asymmetric((1600, 1200))), widths=[200, 390])
    assert result["ok"], result
    requested, decoded = calls
    assert requested[0] >= 390
    assert decoded == (400, 300)  # 1/4 scale: the smallest that still covers 390 px


# --- odd but valid inputs --------------------------------------------------------

def test_cmyk_jpeg_becomes_rgb(tmp_path):
    cmyk = Image.new("CMYK", (200, 100), (0, 255, 255, 0))  # red in CMYK
    result = run_job(tmp_path, jpeg_bytes(cmyk))
    assert result["ok"], result
    for _, path in outputs(result, tmp_path):
        image = Image.open(path)
        assert image.mode in ("RGB", "RGBA")
        assert close(image.convert("RGB").getpixel((50, 25)), RED, 60)


def test_sixteen_bit_png_is_scaled_not_clipped(tmp_path):
    row = struct.pack("<100H", *[16000] * 100) + struct.pack("<100H", *[60000] * 100)
    deep = Image.frombytes("I;16", (200, 100), row * 100)  # a quarter / most of full scale
    assert deep.getpixel((20, 50)) == 16000
    result = run_job(tmp_path, deep, "deep.png")
    assert result["ok"], result
    for _, path in outputs(result, tmp_path):
        image = Image.open(path).convert("L")
        dark, light = image.getpixel((image.width // 10, 20)), image.getpixel((image.width - 5, 20))
        assert 40 < dark < 90 and light > 200, (dark, light)


def test_alpha_is_kept_in_webp_and_flattened_on_white_in_jpeg(tmp_path):
    image = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    image.paste((255, 0, 0, 255), (100, 0, 200, 100))
    result = run_job(tmp_path, image, "logo.png")
    assert result["ok"], result
    for variant, path in outputs(result, tmp_path):
        out = Image.open(path)
        if variant["format"] == "webp":
            assert out.mode == "RGBA" and out.getpixel((10, 10))[3] == 0
        else:
            assert out.mode == "RGB" and close(out.getpixel((10, 10)), WHITE, 10)
        assert close(out.convert("RGB").getpixel((out.width - 5, out.height // 2)), RED)


def test_animated_gif_gives_its_first_frame(tmp_path):
    frames = [Image.new("RGB", (120, 80), color) for color in (GREEN, RED, BLUE)]
    path = tmp_path / "wave.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, loop=0)
    result = run_job(tmp_path, path.read_bytes(), "wave.gif")
    assert result["ok"], result
    for _, out in outputs(result, tmp_path):
        image = Image.open(out)
        assert getattr(image, "n_frames", 1) == 1
        assert close(image.convert("RGB").getpixel((60, 40)), GREEN)


def test_heic_from_a_phone(tmp_path):
    import pillow_heif

    pillow_heif.register_heif_opener()
    path = tmp_path / "IMG_3004.HEIC"
    asymmetric((240, 120)).save(path, "HEIF", quality=90, exif=phone_exif(gps=True).tobytes())
    result = run_job(tmp_path, path.read_bytes(), "IMG_3004.HEIC")
    assert result["ok"], result
    for _, out in outputs(result, tmp_path):
        image = Image.open(out)
        assert not image.getexif().get_ifd(0x8825)
        assert close(image.convert("RGB").getpixel((10, 10)), RED)


def test_palette_png_with_transparency(tmp_path):
    image = Image.new("P", (100, 50), 0)
    image.putpalette([255, 255, 255, 255, 0, 0] + [0] * 762)
    image.paste(1, (50, 0, 100, 50))
    image.info["transparency"] = 0
    result = run_job(tmp_path, image, "icon.png")
    assert result["ok"], result
    webp = [Image.open(p) for v, p in outputs(result, tmp_path) if v["format"] == "webp"][0]
    assert webp.mode == "RGBA" and webp.getpixel((5, 5))[3] == 0


# --- bad images: a clear message, never an exception -----------------------------

def png_claiming(width, height):
    """A tiny PNG file whose header claims ``width × height`` pixels."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


@pytest.mark.parametrize("case, name, data, words", [
    ("zero-byte", "empty.jpg", b"", "0 字节"),
    ("not an image", "notes.jpg", "会议纪要：下周二开会。\n".encode("utf-8"), "不是可识别的图片"),
    ("random bytes", "noise.png", bytes(range(256)) * 40, "不是可识别的图片"),
    ("truncated", "cut.jpg", None, "截断"),
    ("corrupt", "broken.jpg", None, "损坏"),
    ("decompression bomb", "bomb.png", png_claiming(100_000, 100_000), "解压炸弹"),
])
def test_bad_image_is_a_message_not_a_crash(tmp_path, case, name, data, words):
    if case == "truncated":
        full = jpeg_bytes(asymmetric((800, 600)))
        data = full[: len(full) // 2]
    elif case == "corrupt":
        full = bytearray(jpeg_bytes(asymmetric((800, 600))))
        start = full.index(b"\xff\xc0")  # the frame header: sizes and components
        full[start + 4:start + 12] = b"\x00" * 8
        data = bytes(full)
    result = run_job(tmp_path, data, name)
    assert result["ok"] is False, (case, result)
    assert words in result["error"], (case, result["error"])
    assert "/" in result["error"]  # Chinese / English
    assert not os.path.exists(os.path.join(pipeline.entry_dir(str(tmp_path / "cache"), result["key"]), "meta.json"))


def test_bomb_limit_follows_the_setting(tmp_path):
    result = run_job(tmp_path, asymmetric((200, 100)), "big.png", max_pixels=10_000)
    assert result["ok"] is False and "PHOTO_MAX_PIXELS=10000" in result["error"]


def test_image_with_the_wrong_extension_is_processed_with_a_warning(tmp_path):
    out = io.BytesIO()
    asymmetric().save(out, "PNG")
    result = run_job(tmp_path, out.getvalue(), "IMG_0001.JPG")
    assert result["ok"], result
    assert any(".jpg" in w and "PNG" in w for w in result["meta"]["warnings"])


# --- the cache and the build report ----------------------------------------------

def registry_for(root, cache, **settings):
    values = dict(DEFAULTS, PATH=str(root), PHOTO_CACHE=str(cache), PHOTO_WIDTHS=[100, 200], PHOTO_WORKERS=2)
    values.update(settings)
    return Registry(values)


def build_photos(root, cache, output, **settings):
    registry = registry_for(root, cache, **settings)
    for path in sorted(root.glob("*.jpg")):
        registry.add(str(path))
    registry.process(str(output))
    return registry


def test_second_build_decodes_nothing_and_an_edit_redoes_one(tmp_path):
    root = tmp_path / "content"
    root.mkdir()
    for index in range(4):
        asymmetric((300 + index, 200)).save(root / f"p{index}.jpg", quality=90)
    cache = tmp_path / "cache"
    first = build_photos(root, cache, tmp_path / "out1")
    assert (first.report["decoded"], first.report["cached"]) == (4, 0)
    assert json.loads((cache / "gallery-report.json").read_text())["decoded"] == 4
    second = build_photos(root, cache, tmp_path / "out2")
    assert (second.report["decoded"], second.report["cached"]) == (0, 4)
    assert json.loads((cache / "gallery-report.json").read_text())["decoded"] == 0
    # Same bytes from the cache as from the decoder.
    for path in (tmp_path / "out1").rglob("*.*"):
        assert path.read_bytes() == (tmp_path / "out2" / path.relative_to(tmp_path / "out1")).read_bytes()
    asymmetric((320, 200)).rotate(180).save(root / "p2.jpg", quality=90)
    third = build_photos(root, cache, tmp_path / "out3")
    assert (third.report["decoded"], third.report["cached"]) == (1, 3)
    # A setting that shapes the outputs is part of the key.
    fourth = build_photos(root, cache, tmp_path / "out4", PHOTO_WIDTHS=[100, 150])
    assert fourth.report["decoded"] == 4


def test_a_half_written_cache_entry_is_never_used(tmp_path):
    root = tmp_path / "content"
    root.mkdir()
    asymmetric().save(root / "a.jpg")
    cache = tmp_path / "cache"
    registry = build_photos(root, cache, tmp_path / "out")
    photo = next(iter(registry.photos.values()))
    folder = pipeline.entry_dir(str(cache), photo.key)
    os.remove(os.path.join(folder, photo.meta["variants"][0]["file"]))
    assert pipeline.load_cached(str(cache), photo.key) is None
    again = build_photos(root, cache, tmp_path / "out2")
    assert again.report["decoded"] == 1
    assert not [name for name in os.listdir(folder) if ".tmp-" in name]


def test_same_photo_twice_is_decoded_once(tmp_path):
    root = tmp_path / "content"
    root.mkdir()
    data = jpeg_bytes(asymmetric())
    (root / "a.jpg").write_bytes(data)
    (root / "copy-of-a.jpg").write_bytes(data)
    registry = build_photos(root, tmp_path / "cache", tmp_path / "out")
    assert registry.report["decoded"] == 1 and registry.report["photos"] == 2
    assert all(photo.ok for photo in registry.photos.values())


def test_two_sources_publishing_one_file_is_an_error(tmp_path, caplog):
    root = tmp_path / "content"
    root.mkdir()
    asymmetric().save(root / "IMG_1.jpg")
    asymmetric().rotate(90, expand=True).save(root / "img-1.jpg")
    registry = build_photos(root, tmp_path / "cache", tmp_path / "out")
    assert sum(photo.ok for photo in registry.photos.values()) == 1
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert any("img-1-100.webp" in message and "IMG_1.jpg" in message for message in errors), errors


# --- names and markup --------------------------------------------------------------

def test_names_are_ascii_stable_and_unique():
    assert output_stem("photos/spring-cleanup-2024/IMG_2041.JPG") == "photos/spring-cleanup-2024/img-2041"
    chinese = output_stem("photos/spring-cleanup-2024/活动照片 1.JPG")
    assert chinese.isascii() and " " not in chinese
    assert chinese.startswith("photos/spring-cleanup-2024/huo-dong-zhao-pian-1-")
    assert chinese == output_stem("photos/spring-cleanup-2024/活动照片 1.JPG")
    assert slug_part("活动") != slug_part("火洞")  # both transliterate to huo-dong
    assert slug_part("中秋 晚会").isascii()


def test_a_number_in_a_file_name_never_reaches_a_url():
    photo = Photo("/x/13812345678.jpg", "photos/a/居民13812345678.jpg", ["webp", "jpeg"])
    assert photo.stem.startswith("photos/a/photo-") and "1381234" not in photo.stem
    assert Photo("/x/IMG_2041.JPG", "photos/a/IMG_2041.JPG", ["jpeg"]).stem == "photos/a/img-2041"


def fake_photo(formats=("webp", "jpeg")):
    photo = Photo("/x/IMG_1.jpg", "photos/a/IMG_1.jpg", list(formats))
    photo.meta = {"variants": [
        {"width": w, "height": w * 3 // 4, "format": f, "file": f"w{w}.{f}", "role": "w"}
        for w in (480, 960, 1600) for f in formats
    ]}
    return photo


def test_picture_markup():
    html = str(fake_photo().picture_html("../..", alt='居民"合影"<1>', sizes="50vw"))
    assert html.startswith("<picture>") and html.endswith("</picture>")
    assert '<source type="image/webp" srcset="../../photos/a/img-1-480.webp 480w, ' in html
    assert 'src="../../photos/a/img-1-960.jpeg"' not in html  # jpeg files end in .jpg
    assert 'src="../../photos/a/img-1-960.jpg"' in html
    assert "../../photos/a/img-1-1600.jpg 1600w" in html
    assert 'width="1600" height="1200"' in html
    assert 'alt="居民&#34;合影&#34;&lt;1&gt;"' in html
    assert 'loading="lazy"' in html and 'decoding="async"' in html and 'sizes="50vw"' in html
    eager = str(fake_photo().picture_html("", alt="a", eager=True))
    assert 'loading="eager"' in eager and 'src="photos/a/img-1-960.jpg"' in eager


def test_picture_markup_with_avif_and_a_single_format():
    html = str(fake_photo(("avif", "webp", "jpeg")).picture_html(alt="a"))
    assert html.index('type="image/avif"') < html.index('type="image/webp"')
    only = str(fake_photo(("webp",)).picture_html(alt="a"))
    assert "<source" not in only and 'src="photos/a/img-1-960.webp"' in only


def test_captions_an_editor_types():
    html = (
        "<p>介绍。</p>\n<ul>\n<li>IMG_2041.JPG：居民在清理绿化带</li>\n"
        "<li>活动照片 1.jpg: 志愿者合影</li>\n<li>IMG<em>2042</em>3.jpg：强调被吃掉的下划线</li>\n"
        "<li>IMG_2044.JPG</li>\n</ul>\n<ul>\n<li>别的列表项</li>\n</ul>\n"
    )
    names = ["IMG_2041.JPG", "活动照片 1.jpg", "IMG_2042_3.jpg", "IMG_2044.JPG", "IMG_9.JPG"]
    rest, captions, order = take_captions(html, names)
    assert captions == {
        "IMG_2041.JPG": "居民在清理绿化带", "活动照片 1.jpg": "志愿者合影",
        "IMG_2042_3.jpg": "强调被吃掉的下划线", "IMG_2044.JPG": "",
    }
    assert order == ["IMG_2041.JPG", "活动照片 1.jpg", "IMG_2042_3.jpg", "IMG_2044.JPG"]
    assert "<p>介绍。</p>" in rest and "别的列表项" in rest and "IMG_2041" not in rest
