"""The photo pipeline: one decode per photo, every variant from it, cached by content.

A *job* is a plain dict (it crosses a process boundary): the source file, its
cache key and the output-shaping options. ``process(job)`` decodes the photo
once — JPEG in draft mode at the smallest scale that still covers the largest
width — applies the EXIF orientation to the pixels, converts odd modes (CMYK,
16-bit, palette, alpha), resizes to each width (never up) and encodes each
format with no metadata at all (an optional copyright is the only EXIF tag).
Results land in the content-addressed cache, each file written atomically
(temp file + ``os.replace``) and the JSON sidecar last, so a half-written
entry is never read and parallel builds sharing a cache are safe.

Nothing here raises: a bad photo gives ``{"ok": False, "error": ...}`` with a
message for the editor (Chinese / English), never a traceback.
"""

import functools
import hashlib
import io
import json
import math
import os
import warnings

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from ..common import available_cores
from .names import EXPECTED_FORMATS, FORMAT_EXTENSIONS

# Bump when the processing changes in a way that changes output bytes.
PIPELINE_VERSION = 1
SIDECAR = "meta.json"

ORIENTATION = 0x0112
COPYRIGHT = 0x8298
SWAPPING_ORIENTATIONS = {5, 6, 7, 8}

# Source format -> output format for a sanitised copy at the original URL.
COPY_FORMATS = {"JPEG": "jpeg", "MPO": "jpeg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}


class PhotoError(Exception):
    """A problem with one photo, told to the editor."""


# --- Cache ----------------------------------------------------------------------

def options_digest(options):
    """Digest of everything that shapes the output bytes (not the source)."""
    shaping = {
        "version": PIPELINE_VERSION,
        "pillow": Image.__version__,
        "widths": sorted(int(w) for w in options["widths"]),
        "formats": list(options["formats"]),
        "quality": {k: options["quality"].get(k) for k in sorted(options["quality"])},
        "copyright": options.get("copyright") or "",
        "full": bool(options.get("full")),
        "kind": options.get("kind", "derivatives"),
    }
    text = json.dumps(shaping, sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def file_digest(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def cache_key(source_digest, digest_of_options):
    return hashlib.sha256(f"{source_digest}:{digest_of_options}".encode("ascii")).hexdigest()


def entry_dir(cache_root, key):
    return os.path.join(cache_root, key[:2], key)


def load_cached(cache_root, key):
    """The sidecar of a complete cache entry, or None."""
    folder = entry_dir(cache_root, key)
    try:
        with open(os.path.join(folder, SIDECAR), encoding="utf-8") as handle:
            meta = json.load(handle)
    except (OSError, ValueError):
        return None
    if meta.get("version") != PIPELINE_VERSION:
        return None
    for variant in meta.get("variants", []):
        if not os.path.isfile(os.path.join(folder, variant["file"])):
            return None
    return meta


def _atomic_write(path, write):
    tmp = f"{path}.tmp-{os.getpid()}"
    try:
        with open(tmp, "wb") as handle:
            write(handle)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


# --- Decoding -------------------------------------------------------------------

def plan_widths(display_width, widths):
    """Requested widths, largest first, never wider than the photo itself."""
    return sorted({min(int(w), display_width) for w in widths if int(w) > 0}, reverse=True)


@functools.cache
def _read_heic():
    """HEIC from iPhones (and many Android phones), once a photo is opened:
    importing pillow-heif costs every build about 11 ms, most of them
    rebuilds that open none."""
    import pillow_heif

    pillow_heif.register_heif_opener()


def _open(path, max_pixels):
    if os.path.getsize(path) == 0:
        raise PhotoError("文件为空（0 字节），请重新拷贝 / empty file (0 bytes): copy it again")
    _read_heic()
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        image = Image.open(path)
    except UnidentifiedImageError:
        raise PhotoError(
            "不是可识别的图片（文件损坏，或并非图片却用了图片扩展名）/ "
            "not a readable image: corrupt, or not an image despite its extension"
        ) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError(_bomb_message(None, max_pixels)) from None
    width, height = image.size
    if width * height > max_pixels:
        image.close()
        raise PhotoError(_bomb_message((width, height), max_pixels))
    return image


def _bomb_message(size, max_pixels):
    what = f"{size[0]}×{size[1]} " if size else ""
    return (
        f"图片像素过多（{what}超过 PHOTO_MAX_PIXELS={max_pixels}），疑似“解压炸弹”，请缩小后再用 / "
        f"too many pixels ({what}over PHOTO_MAX_PIXELS={max_pixels}): possible decompression bomb"
    )


def _orientation(image):
    try:
        value = int(image.getexif().get(ORIENTATION, 1))
    except Exception:  # a broken EXIF block must not stop the photo
        return 1
    return value if 1 <= value <= 8 else 1


def _to_srgb(image, icc):
    """Convert embedded-profile pixels (Display P3 from iPhones, Adobe RGB, CMYK)
    to sRGB, so the outputs need no profile at all."""
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        description = ImageCms.getProfileDescription(profile) or ""
        if image.mode != "CMYK" and "srgb" in description.lower().replace(" ", ""):
            return image
        mode = "RGBA" if image.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(image, profile, ImageCms.createProfile("sRGB"), outputMode=mode)
    except Exception:
        return image


def normalise(image):
    """8-bit RGB, RGBA or L pixels with sRGB colours."""
    icc = image.info.get("icc_profile")
    mode = image.mode
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        # 16-bit greyscale: scale to 8 bits instead of clipping to white.
        wide = image.convert("I") if mode != "I" else image
        high = wide.getextrema()[1] if mode != "F" else 255
        factor = 1 / 256 if high > 255 else 1
        image = wide.point(lambda value: value * factor).convert("L")
    elif mode == "CMYK":
        converted = _to_srgb(image, icc) if icc else image
        image = converted if converted.mode == "RGB" else image.convert("RGB")
        icc = None
    elif mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    elif mode in ("PA", "LA", "La", "RGBa"):
        image = image.convert("RGBA")
    elif mode == "1":
        image = image.convert("L")
    elif mode not in ("RGB", "RGBA", "L"):
        image = image.convert("RGB")
    if image.mode == "RGBA" and image.getchannel("A").getextrema()[0] == 255:
        image = image.convert("RGB")  # an opaque alpha channel only costs bytes
    if icc and image.mode in ("RGB", "RGBA"):
        image = _to_srgb(image, icc)
    image.info = {}  # nothing of the source's metadata travels further
    return image


def flatten(image, background=(255, 255, 255)):
    if image.mode == "RGBA":
        base = Image.new("RGB", image.size, background)
        base.paste(image, mask=image.getchannel("A"))
        return base
    if image.mode not in ("RGB", "L"):
        return image.convert("RGB")
    return image


def _copyright_exif(text):
    if not text:
        return b""
    exif = Image.Exif()
    exif[COPYRIGHT] = str(text)
    return exif.tobytes()


def encode(image, fmt, quality, exif=b""):
    """Bytes of ``image`` in ``fmt``; no metadata but the optional copyright."""
    out = io.BytesIO()
    image.info = {}
    if fmt == "jpeg":
        flatten(image).save(out, "JPEG", quality=quality or 80, optimize=True, progressive=True, exif=exif)
    elif fmt == "webp":
        image.save(out, "WEBP", quality=quality or 75, method=4, exif=exif)
    elif fmt == "avif":
        image.save(out, "AVIF", quality=quality or 55, speed=6, exif=exif)
    elif fmt == "png":
        image.save(out, "PNG", compress_level=6, exif=exif)
    elif fmt == "gif":
        image.save(out, "GIF")
    else:
        raise PhotoError(f"不支持的输出格式 {fmt} / unsupported output format {fmt!r}")
    return out.getvalue()


def _process(job):
    path = job["source"]
    warnings_out = []
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = _open(path, int(job["max_pixels"]))
        fmt = image.format or "?"
        extension = os.path.splitext(path)[1].lower()
        expected = EXPECTED_FORMATS.get(extension)
        if expected and fmt not in expected:
            warnings_out.append(
                f"扩展名 {extension} 与实际格式 {fmt} 不符，已按 {fmt} 处理 / "
                f"extension {extension} does not match its content ({fmt}); processed as {fmt}"
            )
        width, height = image.size
        orientation = _orientation(image)
        if orientation in SWAPPING_ORIENTATIONS:
            display = (height, width)
        else:
            display = (width, height)
        kind = job.get("kind", "derivatives")
        if kind == "copy":
            targets = [display[0]]
            out_format = COPY_FORMATS.get(fmt)
            if out_format is None:
                raise PhotoError(f"{fmt} 图片无法原样发布 / cannot publish a {fmt} file as is")
        else:
            targets = plan_widths(display[0], job["widths"])
        largest = display[0] if (kind == "copy" or job.get("full")) else targets[0]
        if fmt in ("JPEG", "MPO") and largest < display[0]:
            # libjpeg scales by 1/2, 1/4 or 1/8 while decoding: ask for the
            # smallest scale that still covers the largest width.
            scale = largest / display[0]
            image.draft("RGB" if image.mode == "RGB" else None,
                        (max(1, math.ceil(width * scale)), max(1, math.ceil(height * scale))))
        if getattr(image, "is_animated", False):
            image.seek(0)  # animated GIF / WebP / PNG: the first frame
        image.load()
        ImageOps.exif_transpose(image, in_place=True)
        base = normalise(image)
        if base is not image:
            image.close()
    alpha = base.mode == "RGBA"
    exif = _copyright_exif(job.get("copyright"))
    folder = entry_dir(job["cache"], job["key"])
    os.makedirs(folder, exist_ok=True)
    variants = []

    def store(img, fmt_name, role, quality):
        name = f"{role}{img.width}.{FORMAT_EXTENSIONS.get(fmt_name, fmt_name)}"
        data = encode(img, fmt_name, quality, exif if fmt_name != "gif" else b"")
        _atomic_write(os.path.join(folder, name), lambda handle: handle.write(data))
        variants.append({"width": img.width, "height": img.height, "format": fmt_name, "file": name, "role": role})

    quality = job.get("quality") or {}
    if kind == "copy":
        store(base, out_format, "copy", quality.get(out_format, 90 if out_format == "jpeg" else None))
    else:
        current = base
        if job.get("full"):
            store(base, "png" if alpha else "jpeg", "full", 90)
        for target in targets:
            size = (target, max(1, round(display[1] * target / display[0])))
            if current.size != size:
                current = current.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
            for fmt_name in job["formats"]:
                store(current, fmt_name, "w", quality.get(fmt_name))
    meta = {
        "version": PIPELINE_VERSION,
        "format": fmt,
        "width": display[0],
        "height": display[1],
        "alpha": alpha,
        "variants": variants,
        "warnings": warnings_out,
    }
    text = json.dumps(meta, ensure_ascii=False, sort_keys=True).encode("utf-8")
    _atomic_write(os.path.join(folder, SIDECAR), lambda handle: handle.write(text))
    return meta


def process(job):
    """Worker entry point: never raises."""
    result = {"source": job["source"], "key": job["key"]}
    try:
        result["meta"] = _process(job)
        result["ok"] = True
    except PhotoError as error:
        result.update(ok=False, error=str(error))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        result.update(ok=False, error=_bomb_message(None, job["max_pixels"]))
    except MemoryError:
        result.update(ok=False, error="图片太大，内存不足 / out of memory decoding this image")
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, KeyError) as error:
        detail = str(error) or type(error).__name__
        if "truncated" in detail:
            message = "图片不完整（文件被截断），请重新拷贝 / truncated image file: copy it again"
        else:
            message = f"图片已损坏，无法解码 / corrupt image, cannot decode ({detail})"
        result.update(ok=False, error=message)
    except Exception as error:  # never a traceback for one bad photo
        result.update(ok=False, error=f"无法处理该图片 / cannot process this image ({type(error).__name__}: {error})")
    return result


# --- Running many ---------------------------------------------------------------

def run(jobs, workers=0, progress=None):
    """Yield one result per job, using ``workers`` processes (0 = all cores).

    ``progress`` is called once per finished job (the tqdm bar's update).
    """
    jobs = list(jobs)
    workers = int(workers or 0) or available_cores()
    workers = max(1, min(workers, len(jobs)))
    if workers == 1:
        for job in jobs:
            result = process(job)
            if progress:
                progress()
            yield result
        return
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(process, job): job for job in jobs}
        for future in as_completed(futures):
            job = futures[future]
            try:
                result = future.result()
            except BrokenProcessPool:
                result = {
                    "source": job["source"], "key": job["key"], "ok": False,
                    "error": "处理进程意外退出（内存不足？）/ the worker process died (out of memory?)",
                }
            if progress:
                progress()
            yield result
