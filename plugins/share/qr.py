"""Share QR codes: zxing-cpp's compiled encoder (about 0.5 ms a code, where
segno's pure-Python mask search took 7 ms — most of a 1,000-article build),
drawn as a small scalable SVG, and kept across builds in the cache folder,
keyed by URL, so a rebuild makes only the codes of new addresses."""

import json
import os
import re

import zxingcpp
from markupsafe import Markup, escape

from ..common import write_json

LABEL = "用手机扫码打开本页"
QUIET_ZONE = 4  # modules of white around the code, as ISO/IEC 18004 asks
CACHE_FILE = "share-qr.json"
# Bump when the drawing below changes, so cached drawings are made again.
DRAWING_VERSION = "1"

_DARK_RUN = re.compile(rb"\x00+")
_drawings = {}  # url -> SVG path data, shared by every build in this process
_made = {}  # the same, for the codes drawn since the last save
_loaded_from = set()
_pending = set()  # cache folders to read before the next code is drawn


def qr_path(url):
    """The dark modules of ``url``'s QR code (error correction M) as SVG path
    data: one horizontal stroke per run of dark modules, row by row."""
    barcode = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = barcode.to_image(scale=1, add_quiet_zones=False)
    size = image.shape[0]
    modules = bytes(image)  # a byte a module, row by row: 0 dark, 255 light
    parts = []
    for y in range(size):
        for run in _DARK_RUN.finditer(modules, y * size, (y + 1) * size):
            parts.append(f"M{run.start() - y * size + QUIET_ZONE} {y + QUIET_ZONE}.5h{run.end() - run.start()}")
    return f"{size + 2 * QUIET_ZONE}|{''.join(parts)}"


def load(cache_path):
    """The drawings a previous build kept, read when the first code is asked
    for (once per process and folder): a rebuild that renders no page does
    not read thousands of them."""
    if cache_path and cache_path not in _loaded_from:
        _pending.add(cache_path)


def _read_pending():
    while _pending:
        _read(_pending.pop())


def _read(cache_path):
    _loaded_from.add(cache_path)
    try:
        with open(os.path.join(cache_path, CACHE_FILE), encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return
    if isinstance(data, dict) and data.get("version") == DRAWING_VERSION:
        for url, path in data.get("codes", {}).items():
            _drawings.setdefault(url, path)


def save(cache_path):
    """Keep this build's drawings for the next one (written atomically)."""
    if not cache_path or not _made:
        return
    _read_pending()  # the file keeps the codes this build did not ask for
    write_json(os.path.join(cache_path, CACHE_FILE), {"version": DRAWING_VERSION, "codes": dict(sorted(_drawings.items()))})
    _made.clear()


def made():
    """The codes drawn since the last save (a forked renderer hands them back)."""
    return dict(_made)


def adopt(drawings):
    _drawings.update(drawings)
    _made.update(drawings)


def qr_svg(url, label=LABEL):
    """An SVG QR code a phone camera reads from screen or paper; it scales
    with its box (viewBox, no fixed size) and says what it is."""
    drawing = _drawings.get(url)
    if drawing is None and _pending:
        _read_pending()
        drawing = _drawings.get(url)
    if drawing is None:
        drawing = _drawings[url] = _made[url] = qr_path(url)
    size, path = drawing.split("|", 1)
    label = escape(label)
    return Markup(
        f'<svg role="img" aria-label="{label}" viewBox="0 0 {size} {size}" class="qr-code">'
        f"<title>{label}</title>"
        f'<path fill="#fff" d="M0 0h{size}v{size}h-{size}z"/>'
        f'<path stroke="#000" d="{path}"/></svg>'
    )
