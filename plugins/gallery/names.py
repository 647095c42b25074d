"""Stable ASCII names for published photos.

Editors name photos ``IMG_2041.JPG`` or ``活动照片 1.jpg``; residents get URLs
like ``photos/spring-cleanup-2024/img-2041-960.webp``. A name with non-ASCII
characters is transliterated (readable) and gets a short hash of the original
name (unique: 活动 and 火洞 transliterate alike). The rule depends on the one
name only, so adding a photo never renames another one.
"""

import hashlib
import re
import unicodedata

from unidecode import unidecode

# Extensions the pipeline publishes (lower case). Anything else in an album
# folder is ignored with a warning.
RASTER_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif", ".gif", ".avif")

# What Pillow (with pillow-heif) reports for a file with that extension.
EXPECTED_FORMATS = {
    ".jpg": {"JPEG", "MPO"},
    ".jpeg": {"JPEG", "MPO"},
    ".png": {"PNG"},
    ".webp": {"WEBP"},
    ".heic": {"HEIF"},
    ".heif": {"HEIF"},
    ".gif": {"GIF"},
    ".avif": {"AVIF"},
}

# File extension of each output format.
FORMAT_EXTENSIONS = {"jpeg": "jpg", "webp": "webp", "avif": "avif", "png": "png"}
MIME_TYPES = {"jpeg": "image/jpeg", "webp": "image/webp", "avif": "image/avif", "png": "image/png"}


def is_raster(path):
    return str(path).lower().endswith(RASTER_EXTENSIONS)


def short_hash(text, length=6):
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]


def slug_part(name):
    """One path segment or file stem as a lowercase ASCII slug."""
    normal = unicodedata.normalize("NFC", name)
    ascii_text = unidecode(normal).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if not normal.isascii() or not slug:
        slug = f"{slug}-{short_hash(normal)}" if slug else short_hash(normal)
    return slug


def output_stem(relative_path):
    """``photos/春游/活动照片 1.JPG`` -> ``photos/chun-you-xxxxxx/huo-dong-zhao-pian-1-xxxxxx``."""
    parts = relative_path.replace("\\", "/").split("/")
    folders, filename = parts[:-1], parts[-1]
    stem = filename.rsplit(".", 1)[0] if "." in filename else filename
    return "/".join([slug_part(folder) for folder in folders] + [slug_part(stem)])


def natural_key(name):
    """IMG_2 before IMG_10, as a phone's gallery sorts them."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)]
