"""Draw the demo community's activity photos (no camera, no noise, no fonts).

    .venv/bin/python -m plugins.gallery.demo            # (re)write content/photos/
    .venv/bin/python -m plugins.gallery.demo --check    # only print sizes

Each photo is a drawn scene — sky, residential blocks with windows, trees,
residents as simple figures, banners, lanterns, sorting bins — at phone size
(4032×3024) but saved at JPEG quality 70 so the repository stays small. Some
photos carry what real phone photos carry, so the tests can prove the
pipeline removes or applies it:

* ``IMG_2046.JPG``: stored sideways with EXIF Orientation 6 (displays upright
  only once the orientation is applied);
* ``IMG_2043.JPG`` and ``IMG_3004.HEIC``: GPS position, camera maker, model and
  body serial number, a maker note, an XMP packet and a JPEG comment;
* ``活动照片 1.JPG``: a Chinese name with a space and an upper-case extension.

The bench (bench/photos.py) uses ``draw_scene`` for its phone-sized corpus.
"""

import argparse
import os
import random
import sys

from PIL import Image, ImageDraw, ImageOps

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PHONE = (4032, 3024)
QUALITY = 70

SECRET_SERIAL = "SN-8F3K29Q7"  # tests look for these in every output image
SECRET_GPS = (25.0, 2.0, 34.56)


# --- drawing helpers ------------------------------------------------------------

def gradient(size, top, bottom):
    width, height = size
    band = Image.linear_gradient("L").resize((8, height))
    band = ImageOps.colorize(band, top, bottom)
    return band.resize((width, height))


def building(draw, box, wall, rng, lit=0.15, night=False):
    x0, y0, x1, y1 = box
    draw.rectangle(box, fill=wall)
    draw.rectangle((x0 - 8, y0 - 18, x1 + 8, y0), fill=tuple(max(0, c - 40) for c in wall))
    cols = max(2, int((x1 - x0) // 110))
    rows = max(2, int((y1 - y0) // 150))
    cell_w = (x1 - x0) / cols
    cell_h = (y1 - y0) / rows
    for row in range(rows):
        for col in range(cols):
            wx = x0 + col * cell_w + cell_w * 0.22
            wy = y0 + row * cell_h + cell_h * 0.25
            on = rng.random() < (0.55 if night else lit)
            color = (255, 214, 120) if on else ((60, 72, 96) if night else (150, 190, 220))
            draw.rectangle((wx, wy, wx + cell_w * 0.56, wy + cell_h * 0.5), fill=color)
            if not night:
                draw.rectangle((wx, wy + cell_h * 0.5, wx + cell_w * 0.56, wy + cell_h * 0.55), fill=(235, 235, 230))


def tree(draw, x, ground, scale, rng, dark=False):
    trunk = (110, 78, 50) if not dark else (60, 45, 35)
    draw.rectangle((x - 18 * scale, ground - 260 * scale, x + 18 * scale, ground), fill=trunk)
    greens = [(46, 125, 50), (67, 160, 71), (56, 142, 60), (102, 187, 106)]
    if dark:
        greens = [(24, 60, 40), (30, 75, 48), (20, 52, 36)]
    for _ in range(7):
        dx = rng.uniform(-110, 110) * scale
        dy = rng.uniform(-120, 40) * scale
        r = rng.uniform(70, 120) * scale
        cx, cy = x + dx, ground - 330 * scale + dy
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=rng.choice(greens))


def person(draw, x, ground, scale, rng, vest=None, tool=None, child=False):
    s = scale * (0.7 if child else 1.0)
    skin = rng.choice([(241, 194, 150), (224, 172, 105), (198, 134, 66)])
    hair = rng.choice([(30, 30, 30), (60, 40, 30), (200, 200, 200)])
    shirt = vest or rng.choice([(33, 150, 243), (255, 255, 255), (76, 175, 80), (255, 193, 7), (121, 85, 72)])
    trousers = rng.choice([(40, 50, 70), (70, 70, 70), (20, 30, 60)])
    # legs
    draw.rectangle((x - 34 * s, ground - 250 * s, x - 6 * s, ground), fill=trousers)
    draw.rectangle((x + 6 * s, ground - 250 * s, x + 34 * s, ground), fill=trousers)
    draw.ellipse((x - 44 * s, ground - 18 * s, x - 2 * s, ground + 8 * s), fill=(30, 30, 30))
    draw.ellipse((x + 2 * s, ground - 18 * s, x + 44 * s, ground + 8 * s), fill=(30, 30, 30))
    # body and arms
    draw.rounded_rectangle((x - 56 * s, ground - 480 * s, x + 56 * s, ground - 230 * s), radius=30 * s, fill=shirt)
    draw.line((x - 52 * s, ground - 450 * s, x - 90 * s, ground - 300 * s), fill=shirt, width=int(30 * s))
    draw.line((x + 52 * s, ground - 450 * s, x + 96 * s, ground - 330 * s), fill=shirt, width=int(30 * s))
    draw.ellipse((x + 80 * s, ground - 345 * s, x + 112 * s, ground - 313 * s), fill=skin)
    # head
    draw.ellipse((x - 46 * s, ground - 590 * s, x + 46 * s, ground - 490 * s), fill=skin)
    draw.chord((x - 48 * s, ground - 598 * s, x + 48 * s, ground - 520 * s), 180, 360, fill=hair)
    if tool == "broom":
        draw.line((x + 96 * s, ground - 420 * s, x + 150 * s, ground - 10 * s), fill=(150, 110, 60), width=int(12 * s))
        draw.polygon([(x + 120 * s, ground - 60 * s), (x + 190 * s, ground - 60 * s),
                      (x + 215 * s, ground), (x + 110 * s, ground)], fill=(210, 170, 80))
    elif tool == "bag":
        draw.rounded_rectangle((x + 80 * s, ground - 320 * s, x + 170 * s, ground - 180 * s), radius=14 * s, fill=(60, 60, 60))
    elif tool == "flag":
        draw.line((x + 96 * s, ground - 330 * s, x + 96 * s, ground - 700 * s), fill=(120, 120, 120), width=int(8 * s))
        draw.polygon([(x + 100 * s, ground - 700 * s), (x + 230 * s, ground - 650 * s), (x + 100 * s, ground - 600 * s)],
                     fill=(200, 20, 30))


def banner(draw, box, rng, color=(196, 18, 28)):
    x0, y0, x1, y1 = box
    draw.line((x0, y0 - 40, x0, y1 + 600), fill=(90, 90, 90), width=14)
    draw.line((x1, y0 - 40, x1, y1 + 600), fill=(90, 90, 90), width=14)
    draw.rectangle(box, fill=color)
    height = y1 - y0
    # Stand-ins for characters: yellow blocks of varying shape.
    x = x0 + height * 0.4
    while x < x1 - height * 0.8:
        w = height * rng.uniform(0.45, 0.6)
        shape = rng.choice(["block", "ring", "bar"])
        top, bottom = y0 + height * 0.22, y1 - height * 0.22
        if shape == "block":
            draw.rectangle((x, top, x + w, bottom), fill=(255, 221, 87))
            draw.rectangle((x + w * 0.3, top + (bottom - top) * 0.3, x + w * 0.7, bottom - (bottom - top) * 0.3), fill=color)
        elif shape == "ring":
            draw.ellipse((x, top, x + w, bottom), outline=(255, 221, 87), width=int(height * 0.09))
        else:
            draw.rectangle((x, top + (bottom - top) * 0.4, x + w, bottom - (bottom - top) * 0.4), fill=(255, 221, 87))
            draw.rectangle((x + w * 0.4, top, x + w * 0.6, bottom), fill=(255, 221, 87))
        x += w * 1.35


def lantern(draw, x, y, r):
    draw.line((x, y - r * 2.2, x, y - r), fill=(60, 40, 20), width=max(2, int(r * 0.06)))
    draw.rectangle((x - r * 0.45, y - r * 1.1, x + r * 0.45, y - r * 0.85), fill=(240, 190, 40))
    draw.ellipse((x - r, y - r * 0.9, x + r, y + r * 0.9), fill=(220, 30, 40))
    draw.ellipse((x - r * 0.55, y - r * 0.9, x + r * 0.55, y + r * 0.9), outline=(255, 120, 90), width=max(2, int(r * 0.05)))
    draw.rectangle((x - r * 0.45, y + r * 0.85, x + r * 0.45, y + r * 1.1), fill=(240, 190, 40))
    draw.line((x, y + r * 1.1, x, y + r * 1.8), fill=(240, 190, 40), width=max(2, int(r * 0.12)))


def bins(draw, x, ground, scale):
    colors = [(25, 118, 210), (46, 125, 50), (97, 97, 97), (198, 40, 40)]
    for i, color in enumerate(colors):
        bx = x + i * 260 * scale
        draw.rounded_rectangle((bx, ground - 420 * scale, bx + 220 * scale, ground), radius=18 * scale, fill=color)
        draw.rectangle((bx - 10 * scale, ground - 460 * scale, bx + 230 * scale, ground - 410 * scale),
                       fill=tuple(max(0, c - 35) for c in color))
        draw.ellipse((bx + 70 * scale, ground - 300 * scale, bx + 150 * scale, ground - 220 * scale), fill=(255, 255, 255))


def table(draw, x0, x1, y, scale, rng):
    draw.rectangle((x0, y, x1, y + 60 * scale), fill=(250, 250, 245))
    draw.rectangle((x0 + 20 * scale, y + 60 * scale, x0 + 50 * scale, y + 260 * scale), fill=(120, 90, 60))
    draw.rectangle((x1 - 50 * scale, y + 60 * scale, x1 - 20 * scale, y + 260 * scale), fill=(120, 90, 60))
    x = x0 + 60 * scale
    while x < x1 - 140 * scale:
        color = rng.choice([(255, 152, 0), (139, 195, 74), (244, 67, 54), (255, 235, 59), (121, 85, 72)])
        draw.ellipse((x, y - 30 * scale, x + 120 * scale, y + 20 * scale), fill=(255, 255, 255))
        draw.ellipse((x + 20 * scale, y - 22 * scale, x + 100 * scale, y + 8 * scale), fill=color)
        x += rng.uniform(150, 230) * scale


# --- scenes -----------------------------------------------------------------------

def draw_scene(kind, size=PHONE, seed=0):
    """One drawn activity photo: ``kind`` is cleanup, festival or sorting."""
    rng = random.Random(f"{kind}-{seed}")
    width, height = size
    scale = width / 4032
    night = kind == "festival"
    if night:
        image = gradient(size, (18, 24, 64), (120, 70, 90))
    else:
        image = gradient(size, (90, 150, 225), (200, 225, 245))
    draw = ImageDraw.Draw(image)
    horizon = int(height * rng.uniform(0.55, 0.64))
    if night:
        r = 170 * scale
        mx, my = width * rng.uniform(0.65, 0.85), height * 0.16
        draw.ellipse((mx - r, my - r, mx + r, my + r), fill=(255, 244, 200))
    else:
        for _ in range(3):
            cx, cy = rng.uniform(0, width), rng.uniform(height * 0.05, height * 0.25)
            for dx in (-120, 0, 130):
                rr = rng.uniform(70, 110) * scale
                draw.ellipse((cx + dx * scale - rr, cy - rr, cx + dx * scale + rr, cy + rr), fill=(250, 250, 252))
    # residential blocks
    x = -rng.uniform(0, 200) * scale
    while x < width:
        w = rng.uniform(520, 820) * scale
        top = horizon - rng.uniform(900, 1500) * scale
        wall = rng.choice([(236, 224, 205), (214, 200, 180), (225, 214, 222), (205, 214, 224)])
        if night:
            wall = tuple(int(c * 0.35) for c in wall)
        building(draw, (x, top, x + w, horizon), wall, rng, night=night)
        x += w + rng.uniform(60, 200) * scale
    # ground: plaza with paving lines
    ground_color = (168, 160, 150) if not night else (70, 62, 70)
    draw.rectangle((0, horizon, width, height), fill=ground_color)
    for i in range(1, 7):
        y = horizon + (height - horizon) * (i / 7) ** 1.4
        draw.line((0, y, width, y), fill=tuple(c - 18 for c in ground_color), width=max(2, int(4 * scale)))
    draw.rectangle((0, horizon, width, horizon + 40 * scale), fill=(120, 170, 90) if not night else (40, 70, 50))
    for _ in range(rng.randint(3, 5)):
        tree(draw, rng.uniform(0, width), horizon + 40 * scale, scale * rng.uniform(1.2, 1.7), rng, dark=night)
    if kind == "cleanup":
        banner(draw, (width * 0.12, horizon - 620 * scale, width * 0.7, horizon - 420 * scale), rng)
        for i in range(rng.randint(5, 8)):
            px = width * (0.08 + 0.84 * i / 7) + rng.uniform(-60, 60) * scale
            person(draw, px, height * rng.uniform(0.86, 0.95), scale * 1.25, rng,
                   vest=(220, 40, 40) if rng.random() < 0.7 else None,
                   tool=rng.choice(["broom", "broom", "bag", None]))
    elif kind == "festival":
        for i in range(9):
            lantern(draw, width * (0.06 + i * 0.11), height * 0.33 + (i % 2) * 60 * scale, 80 * scale)
        draw.line((0, height * 0.33 - 180 * scale, width, height * 0.33 - 150 * scale), fill=(40, 30, 20), width=max(2, int(6 * scale)))
        table(draw, width * 0.05, width * 0.95, height * 0.8, scale * 1.3, rng)
        for i in range(rng.randint(6, 9)):
            px = width * (0.07 + 0.86 * i / 8) + rng.uniform(-40, 40) * scale
            person(draw, px, height * 0.79, scale * 1.05, rng, child=rng.random() < 0.3)
    else:  # sorting
        banner(draw, (width * 0.3, horizon - 560 * scale, width * 0.92, horizon - 380 * scale), rng, color=(27, 94, 32))
        bins(draw, width * 0.06, height * 0.9, scale * 1.4)
        draw.polygon([(width * 0.55, height * 0.5), (width * 0.95, height * 0.5), (width * 1.0, height * 0.58),
                      (width * 0.5, height * 0.58)], fill=(30, 110, 200))
        draw.rectangle((width * 0.56, height * 0.58, width * 0.57, height * 0.9), fill=(200, 200, 200))
        draw.rectangle((width * 0.93, height * 0.58, width * 0.94, height * 0.9), fill=(200, 200, 200))
        for i in range(rng.randint(4, 6)):
            person(draw, width * (0.6 + i * 0.07), height * 0.93, scale * 1.15, rng,
                   vest=(46, 125, 50) if i == 0 else None, tool="bag" if i else None)
    return image


# --- metadata a phone writes ------------------------------------------------------

def phone_exif(orientation=None, gps=False):
    exif = Image.Exif()
    exif[0x010F] = "Xiaomi"  # Make
    exif[0x0110] = "Redmi Note 12"  # Model
    exif[0x0131] = "MIUI Camera"  # Software
    exif[0x0132] = "2024:03:22 09:35:12"  # DateTime
    if orientation:
        exif[0x0112] = orientation
    if gps:
        ifd = exif.get_ifd(0x8769)  # Exif IFD
        ifd[0xA431] = SECRET_SERIAL  # BodySerialNumber
        ifd[0xA435] = "LENS-55X1"  # LensSerialNumber
        ifd[0x927C] = b"XIAOMI\x00\x00SERIAL=" + SECRET_SERIAL.encode("ascii") + b";FACE=2"  # MakerNote
        ifd[0x9003] = "2024:03:22 09:35:12"  # DateTimeOriginal
        gps_ifd = exif.get_ifd(0x8825)
        gps_ifd[1] = "N"
        gps_ifd[2] = SECRET_GPS
        gps_ifd[3] = "E"
        gps_ifd[4] = (102.0, 42.0, 11.28)
    return exif


XMP = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:aux="http://ns.adobe.com/exif/1.0/aux/" '
    b'exif:GPSLatitude="25,2.576N" exif:GPSLongitude="102,42.188E" aux:SerialNumber="' + SECRET_SERIAL.encode() + b'"/>'
    b'</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)


def save_phone_jpeg(image, path, orientation=None, gps=False, quality=QUALITY):
    exif = phone_exif(orientation, gps)
    extra = {"xmp": XMP, "comment": f"camera {SECRET_SERIAL}".encode()} if gps else {}
    image.save(path, "JPEG", quality=quality, exif=exif.tobytes(), **extra)


# --- the demo community -----------------------------------------------------------

ALBUMS = {
    "spring-cleanup-2024": {
        "kind": "cleanup",
        "md": """标题：春风行动：禾丰苑春季环境整治
日期：2024-03-22 16:30
摘要：六十余名居民志愿者清理楼道杂物和绿化带，一上午清运杂物两车。
封面：IMG_2041.JPG

3 月 22 日上午，青禾社区“春风行动”环境整治志愿服务在禾丰苑中心广场启动。

- IMG_2041.JPG：志愿者在禾丰苑中心广场集合，领取扫帚和垃圾袋
- IMG_2042.JPG：网格员带领居民清理绿化带里的落叶和垃圾
- 活动照片 1.JPG：4 栋楼下，志愿者合力清扫背街小巷
- IMG_2043.JPG：物业员工与居民一起清运楼道杂物
- IMG_2045.JPG：活动结束后，志愿者在宣传横幅前合影
- IMG_2046.JPG：志愿者举着队旗走过小区主干道（竖拍）
""",
        "photos": [
            ("IMG_2041.JPG", 1, {}),
            ("IMG_2042.JPG", 2, {}),
            ("活动照片 1.JPG", 3, {}),
            ("IMG_2043.JPG", 4, {"gps": True}),
            ("IMG_2045.JPG", 5, {}),
            ("IMG_2046.JPG", 6, {"portrait": True}),
        ],
    },
    "waste-sorting-2025": {
        "kind": "sorting",
        "md": """title: 垃圾分类积分兑换日
date: 2025-04-10 17:05
summary: 禾丰苑广场首场垃圾分类积分兑换，三百多户居民用积分换洗衣液、环保袋和绿植。
cover: IMG_5102.jpg

- IMG_5101.jpg: 四色分类桶前，督导员向居民讲解厨余垃圾破袋投放
- IMG_5102.jpg: 居民拿着积分卡排队兑换礼品
- IMG_5103.jpg: 兑换点的帐篷下摆满了洗衣液和环保袋
- IMG_5104.jpg: 志愿者示范可回收物的分类交投
- IMG_5105.jpg: 一位阿姨用积分换到了一盆绿萝
- IMG_5106.jpg: 活动现场全景
""",
        "photos": [(f"IMG_510{i}.jpg", i, {}) for i in range(1, 7)],
    },
    "mid-autumn-2026": {
        "kind": "festival",
        "md": """标题：第三届中秋邻里节
日期：2026-09-28 20:15
摘要：做月饼、猜灯谜、拼长桌宴，四百多位居民在禾丰苑广场共度中秋。

- IMG_3001.jpg：禾丰苑中心广场挂起了一串串红灯笼
- IMG_3002.jpg：三十张桌子一字排开的长桌宴
- IMG_3003.jpg：孩子们在“巧手工作室”学做冰皮月饼
- IMG_3004.HEIC：月亮升起来了，邻居们举杯共庆团圆
- IMG_3005.jpg：猜灯谜的居民围在灯笼下
- IMG_3006.jpg：志愿者把月饼送给独居老人前合影
""",
        "photos": [
            ("IMG_3001.jpg", 1, {}),
            ("IMG_3002.jpg", 2, {}),
            ("IMG_3003.jpg", 3, {}),
            ("IMG_3004.HEIC", 4, {"gps": True, "heic": True}),
            ("IMG_3005.jpg", 5, {}),
            ("IMG_3006.jpg", 6, {}),
        ],
    },
    # A draft: nothing of it may appear in the built site, not even a photo.
    "autumn-walk-draft": {
        "kind": "cleanup",
        "size": (1600, 1200),
        "md": """标题：秋日健步走（草稿）
日期：2026-10-18 09:00
状态：草稿

- IMG_7001.jpg：整理中
""",
        "photos": [("IMG_7001.jpg", 1, {}), ("IMG_7002.jpg", 2, {})],
    },
}


def write_photo(path, kind, seed, size=PHONE, gps=False, portrait=False, heic=False):
    if portrait:
        upright = draw_scene(kind, (size[1], size[0]), seed)
        # A phone held upright stores the sensor's landscape pixels and says
        # "rotate 90° clockwise to display" (Orientation 6).
        stored = upright.transpose(Image.Transpose.ROTATE_90)
        save_phone_jpeg(stored, path, orientation=6)
        return
    image = draw_scene(kind, size, seed)
    if heic:
        import pillow_heif

        pillow_heif.register_heif_opener()
        image.save(path, "HEIF", quality=40, exif=phone_exif(gps=gps).tobytes(), xmp=XMP)
        return
    save_phone_jpeg(image, path, gps=gps)


def generate(root, check=False):
    total = 0
    for slug, album in ALBUMS.items():
        folder = os.path.join(root, slug)
        os.makedirs(folder, exist_ok=True)
        if not check:
            with open(os.path.join(folder, "album.md"), "w", encoding="utf-8") as handle:
                handle.write(album["md"])
        for name, seed, options in album["photos"]:
            path = os.path.join(folder, name)
            if not check:
                write_photo(path, album["kind"], seed, album.get("size", PHONE), **options)
            size = os.path.getsize(path)
            total += size
            print(f"{slug}/{name}: {size / 1024:.0f} KB")
    print(f"total: {total / 1024 / 1024:.2f} MB")
    return total


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", default=os.path.join(ROOT, "content", "photos"))
    parser.add_argument("--check", action="store_true", help="only print the sizes")
    args = parser.parse_args(argv)
    generate(args.root, args.check)
    return 0


if __name__ == "__main__":
    sys.exit(main())
