"""Photos of one build: which files are published, their cached variants, and
their responsive markup.

Every published raster image goes through here — album photos, covers, images
referenced from articles, pages and notices, and raster files in STATIC_PATHS
(published at their own URL, re-encoded without metadata). ``Registry.process``
runs once per build, before any page is written: it serves what the cache has,
decodes the rest on all cores, copies the variants into the output and writes
``gallery-report.json`` (decoded / cached counts) into ``PHOTO_CACHE``.
"""

import json
import logging
import os
import shutil
import sys
import time

from markupsafe import Markup, escape

from ..assets.fingerprint import DEFAULTS as ASSET_DEFAULTS
from ..assets.fingerprint import HASH_LENGTH
from ..common import available_cores, inside, relative_path, report_error, report_warning, setting
from . import pipeline
from .names import FORMAT_EXTENSIONS, MIME_TYPES, output_stem, short_hash

logger = logging.getLogger("linli.gallery")

DEFAULTS = {
    # Responsive widths in CSS pixels. 1280 keeps a 3× phone (390 px wide)
    # off the 1600 px file; 1600 is for desktops and the large view.
    "PHOTO_WIDTHS": [480, 960, 1280, 1600],
    # First the modern formats (<source>), last the <img> fallback.
    "PHOTO_FORMATS": ["webp", "jpeg"],
    "PHOTO_QUALITY": {"jpeg": 80, "webp": 75, "avif": 55},
    "PHOTO_CACHE": ".cache/photos",
    "PHOTO_WORKERS": 0,
    "PHOTO_ON_ERROR": "fail",
    "PHOTO_PUBLISH_ORIGINALS": False,
    "PHOTO_COPYRIGHT": "",
    "PHOTO_MAX_PIXELS": 120_000_000,
    "PHOTO_PROGRESS_MIN": 20,
    # `sizes` for each place a photo appears (matches theme/static/css/site.css).
    "PHOTO_SIZES": {
        "content": "(min-width: 60rem) 58rem, calc(100vw - 2rem)",
        "grid": "(min-width: 60rem) 18.5rem, (min-width: 36rem) calc(33vw - 1.5rem), calc(50vw - 1.5rem)",
        "card": "(min-width: 60rem) 18.5rem, (min-width: 36rem) calc(50vw - 1.5rem), calc(100vw - 2rem)",
        "thumb": "7rem",
        "viewer": "100vw",
    },
}

SUPPORTED_FORMATS = ("webp", "jpeg", "avif", "png")
REPORT_NAME = "gallery-report.json"


def options(settings):
    """Output-shaping options from the settings, checked once per build."""
    widths = setting(settings, "PHOTO_WIDTHS", DEFAULTS)
    formats = setting(settings, "PHOTO_FORMATS", DEFAULTS)
    problems = []
    try:
        widths = sorted({int(w) for w in widths})
        if not widths or widths[0] < 1:
            raise ValueError
    except (TypeError, ValueError):
        problems.append(f"PHOTO_WIDTHS 应为正整数列表 / PHOTO_WIDTHS must be a list of positive integers, got {widths!r}")
        widths = DEFAULTS["PHOTO_WIDTHS"]
    if isinstance(formats, str):
        formats = [formats]
    formats = [str(f).lower().replace("jpg", "jpeg") for f in formats or []]
    unknown = [f for f in formats if f not in SUPPORTED_FORMATS]
    if unknown or not formats:
        problems.append(
            f"PHOTO_FORMATS 只能取 {', '.join(SUPPORTED_FORMATS)} / PHOTO_FORMATS must be from "
            f"{SUPPORTED_FORMATS}, got {formats!r}"
        )
        formats = [f for f in formats if f in SUPPORTED_FORMATS] or DEFAULTS["PHOTO_FORMATS"]
    quality = dict(DEFAULTS["PHOTO_QUALITY"])
    quality.update(setting(settings, "PHOTO_QUALITY", DEFAULTS) or {})
    policy = str(setting(settings, "PHOTO_ON_ERROR", DEFAULTS)).lower()
    if policy not in ("fail", "skip"):
        problems.append(f"PHOTO_ON_ERROR 应为 fail 或 skip / PHOTO_ON_ERROR must be fail or skip, got {policy!r}")
        policy = "fail"
    return {
        "widths": widths,
        "formats": list(dict.fromkeys(formats)),
        "quality": quality,
        "copyright": setting(settings, "PHOTO_COPYRIGHT", DEFAULTS) or "",
        "max_pixels": int(setting(settings, "PHOTO_MAX_PIXELS", DEFAULTS)),
        "full": bool(setting(settings, "PHOTO_PUBLISH_ORIGINALS", DEFAULTS)),
        "policy": policy,
        # Production builds publish photos under names carrying their content
        # hash (cache key), so a photo replaced under the same file name is a
        # new URL however long browsers and the CDN keep the old one.
        "hashed_names": bool(setting(settings, "ASSET_FINGERPRINT", ASSET_DEFAULTS)),
        "problems": problems,
    }


def _names_personal_data(relative):
    """True when a file or folder name holds an ID, mobile or bank card number
    (the privacy plugin's detector; without that plugin, never)."""
    try:
        from ..privacy.pii import find_pii
    except ImportError:  # pragma: no cover - the privacy plugin ships with Linli
        return False
    return bool(find_pii(relative))


def _report_personal_data_name(path, settings):
    """Let the privacy plugin report a photo named after a number (the
    published name is already neutral; the editor should still rename it)."""
    if "plugins.privacy" not in settings.get("PLUGINS", []):
        return
    from ..privacy import check_file_name

    check_file_name(path, settings)


def join_url(siteurl, path):
    if not siteurl:
        return path
    return siteurl.rstrip("/") + "/" + path


def _publish_file(cached, target):
    """A hard link to the cache entry (written once, atomically, never
    changed), so a rebuild copies no photo bytes; a copy across devices."""
    try:
        os.link(cached, target)
    except OSError:
        shutil.copyfile(cached, target)


class Photo:
    """One source image and, once processed, its published variants."""

    def __init__(self, source, rel, formats, kind="derivatives", save_as=None):
        self.source = source  # absolute path of the original
        self.rel = rel  # path inside content/, as the editor wrote it
        self.stem = output_stem(rel)
        if _names_personal_data(rel):
            # `13812345678.jpg` must not put a resident's number in a URL.
            folder, _, name = self.stem.rpartition("/")
            self.stem = f"{folder}/photo-{short_hash(rel, 10)}".lstrip("/")
        self.kind = kind  # "derivatives" (responsive set) or "copy" (same URL, stripped)
        self.copy_save_as = save_as
        self.formats = formats
        self.fallback = "jpeg" if "jpeg" in formats else formats[-1]
        self.meta = None
        self.error = None
        self.key = None
        self.hashed_names = False

    def __repr__(self):
        return f"<Photo {self.rel}>"

    @property
    def ok(self):
        return self.meta is not None

    @property
    def width(self):
        return self.largest(self.fallback)["width"]

    @property
    def height(self):
        return self.largest(self.fallback)["height"]

    # --- variants and URLs ------------------------------------------------
    def variants(self, fmt):
        found = [v for v in self.meta["variants"] if v["role"] == "w" and v["format"] == fmt]
        return sorted(found, key=lambda v: v["width"])

    def largest(self, fmt=None):
        return self.variants(fmt or self.fallback)[-1]

    def output_name(self, variant):
        if variant["role"] == "copy":
            return self.copy_save_as
        extension = FORMAT_EXTENSIONS.get(variant["format"], variant["format"])
        if self.hashed_names:
            extension = f"{self.key[:HASH_LENGTH]}.{extension}"
        if variant["role"] == "full":
            return f"{self.stem}.{extension}"
        return f"{self.stem}-{variant['width']}.{extension}"

    def outputs(self):
        """``(output path, cache file name)`` for every published file."""
        return [(self.output_name(v), v["file"]) for v in self.meta["variants"]]

    def url(self, variant, siteurl=""):
        return join_url(siteurl, self.output_name(variant))

    def srcset(self, fmt, siteurl=""):
        return ", ".join(f"{self.url(v, siteurl)} {v['width']}w" for v in self.variants(fmt))

    def large_url(self, siteurl=""):
        """The large JPEG (or fallback): link target without JavaScript, og:image."""
        return self.url(self.largest(), siteurl)

    def src_variant(self):
        """The <img src> for browsers without srcset: the 960-ish one."""
        found = self.variants(self.fallback)
        fitting = [v for v in found if v["width"] <= 960]
        return fitting[-1] if fitting else found[0]

    @property
    def full(self):
        """The full-size copy when PHOTO_PUBLISH_ORIGINALS is on, else None."""
        for variant in self.meta["variants"]:
            if variant["role"] == "full":
                return variant
        return None

    # --- markup -----------------------------------------------------------
    def picture_html(self, siteurl="", alt="", sizes="100vw", eager=False, css_class=None):
        """``<picture>`` with a ``<source>`` per modern format and an ``<img>``
        fallback carrying width/height (no layout shift) and lazy loading."""
        if not self.ok:
            return Markup("")
        largest = self.largest()
        parts = [f'<picture class="{escape(css_class)}">' if css_class else "<picture>"]
        for fmt in self.formats:
            if fmt == self.fallback:
                continue
            parts.append(
                f'<source type="{MIME_TYPES[fmt]}" srcset="{escape(self.srcset(fmt, siteurl))}" sizes="{escape(sizes)}">'
            )
        loading = 'loading="eager" fetchpriority="high"' if eager else 'loading="lazy"'
        parts.append(
            f'<img src="{escape(self.url(self.src_variant(), siteurl))}" '
            f'srcset="{escape(self.srcset(self.fallback, siteurl))}" sizes="{escape(sizes)}" '
            f'width="{largest["width"]}" height="{largest["height"]}" alt="{escape(alt or "")}" '
            f'{loading} decoding="async">'
        )
        parts.append("</picture>")
        return Markup("".join(parts))


class Registry:
    """All photos of one build, keyed by their absolute source path."""

    def __init__(self, settings):
        self.settings = settings
        self.options = options(settings)
        self.content_root = os.path.realpath(settings["PATH"])
        self.photos = {}
        self.processed = False
        self.output_path = None
        self.report = None

    def sizes(self, name):
        presets = dict(DEFAULTS["PHOTO_SIZES"])
        presets.update(setting(self.settings, "PHOTO_SIZES", DEFAULTS) or {})
        return presets.get(name, name)

    def relative(self, path):
        return os.path.relpath(path, self.content_root).replace(os.sep, "/")

    def inside_content(self, path):
        return inside(path, self.content_root)

    def add(self, path, kind="derivatives", save_as=None):
        """Register a published image (idempotent); returns its Photo."""
        path = os.path.realpath(path)
        photo = self.photos.get((path, kind))
        if photo is None:
            photo = Photo(path, self.relative(path), self.options["formats"], kind, save_as)
            photo.hashed_names = self.options["hashed_names"]
            if _names_personal_data(photo.rel):
                _report_personal_data_name(path, self.settings)
            self.photos[(path, kind)] = photo
            if self.processed:  # found while writing: process it on its own
                self._process([photo])
        return photo

    def fail(self, photo, message):
        """Report a bad photo: an error (the build fails) or, with
        PHOTO_ON_ERROR = "skip", a warning and the photo left out."""
        photo.error = message
        if self.options["policy"] == "skip":
            report_warning(photo.source, None, message + "；已跳过 / skipped")
        else:
            report_error(photo.source, None, message)

    # --- processing -------------------------------------------------------
    def _job_options(self, kind):
        opts = dict(self.options, kind=kind)
        if kind == "copy":
            opts["full"] = False
        return opts

    def process(self, output_path):
        self.output_path = output_path
        for problem in self.options["problems"]:
            report_error("pelicanconf.py", None, problem)
        self._process(sorted(self.photos.values(), key=lambda p: p.rel))
        self.processed = True

    def _process(self, photos):
        started = time.monotonic()
        cache_root = os.path.abspath(setting(self.settings, "PHOTO_CACHE", DEFAULTS))
        digests = {}
        jobs = []
        waiting = {}  # cache key -> photos (the same bytes twice is one job)
        cached = 0
        for photo in photos:
            kind = photo.kind
            if kind not in digests:
                digests[kind] = pipeline.options_digest(self._job_options(kind))
            try:
                photo.key = pipeline.cache_key(pipeline.file_digest(photo.source), digests[kind])
            except OSError as error:
                self.fail(photo, f"无法读取文件 / cannot read the file ({error.strerror or error})")
                continue
            meta = pipeline.load_cached(cache_root, photo.key)
            if meta is not None:
                photo.meta = meta
                cached += 1
                continue
            if photo.key in waiting:
                waiting[photo.key].append(photo)
                continue
            waiting[photo.key] = [photo]
            job = {
                "source": photo.source,
                "key": photo.key,
                "cache": cache_root,
                "kind": kind,
                "widths": self.options["widths"],
                "formats": self.options["formats"],
                "quality": self.options["quality"],
                "copyright": self.options["copyright"],
                "max_pixels": self.options["max_pixels"],
                "full": self.options["full"] and kind == "derivatives",
            }
            jobs.append(job)
        workers = int(setting(self.settings, "PHOTO_WORKERS", DEFAULTS) or 0) or available_cores()
        bar = self._progress_bar(len(jobs))
        failed = 0
        try:
            for result in pipeline.run(jobs, workers, bar.update if bar else None):
                for photo in waiting[result["key"]]:
                    if result["ok"]:
                        photo.meta = result["meta"]
                    else:
                        failed += 1
                        self.fail(photo, result["error"])
        finally:
            if bar:
                bar.close()
        for photo in photos:
            if photo.ok:
                for warning in photo.meta.get("warnings", []):
                    report_warning(photo.source, None, warning)
        self._publish(photos, cache_root)
        elapsed = time.monotonic() - started
        report = {
            "photos": len(photos),
            "decoded": len(jobs),
            "cached": cached,
            "failed": failed,
            "workers": min(workers, max(1, len(jobs))),
            "seconds": round(elapsed, 3),
        }
        if self.report is None:
            self.report = report
        else:  # a late photo found while writing pages
            for name in ("photos", "decoded", "cached", "failed"):
                self.report[name] += report[name]
            self.report["seconds"] = round(self.report["seconds"] + elapsed, 3)
        logger.info(
            "照片 / photos: %d 张，新处理 %d，缓存 %d，失败 %d，用时 %.1f 秒 / "
            "%d photos: %d decoded, %d from cache, %d failed, %.1f s",
            report["photos"], report["decoded"], report["cached"], report["failed"], elapsed,
            report["photos"], report["decoded"], report["cached"], report["failed"], elapsed,
        )
        self._write_report(cache_root)

    def _progress_bar(self, count):
        threshold = int(setting(self.settings, "PHOTO_PROGRESS_MIN", DEFAULTS))
        if count < max(1, threshold) or not sys.stderr.isatty():
            return None
        try:
            from tqdm import tqdm
        except ImportError:  # pragma: no cover
            return None
        return tqdm(total=count, desc="照片 photos", unit="张", file=sys.stderr, leave=False)

    def _write_report(self, cache_root):
        os.makedirs(cache_root, exist_ok=True)
        path = os.path.join(cache_root, REPORT_NAME)
        tmp = f"{path}.tmp-{os.getpid()}"
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(self.report, handle, ensure_ascii=False, indent=1)
        os.replace(tmp, path)

    def _publish(self, photos, cache_root):
        """Copy each photo's variants from the cache into the output; two
        sources that would publish the same file are an error naming both."""
        owners = getattr(self, "_owners", {})
        self._owners = owners
        for photo in photos:
            if not photo.ok:
                continue
            clashes = []
            for name, _ in photo.outputs():
                other = owners.get(name)
                if other is not None and other is not photo:
                    clashes.append((name, other))
            if clashes:
                name, other = clashes[0]
                self.fail(
                    photo,
                    f"与 {relative_path(other.source)} 发布到同一文件 {name}，请给其中一张改名 / "
                    f"publishes the same file {name} as {relative_path(other.source)}: rename one",
                )
                photo.meta = None
                continue
            folder = pipeline.entry_dir(cache_root, photo.key)
            for name, cache_file in photo.outputs():
                owners[name] = photo
                target = os.path.join(self.output_path, name)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                _publish_file(os.path.join(folder, cache_file), target)
