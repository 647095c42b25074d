"""Share QR codes: zxing-cpp's compiled encoder (about 0.5 ms a code, where
segno's pure-Python mask search took 7 ms — most of a 1,000-article build),
drawn as a small scalable SVG, and kept across builds in the build record
(its ``qr`` section), keyed by URL, so a rebuild makes only the codes of new
addresses."""

import re

import zxingcpp
from markupsafe import Markup, escape

LABEL = "用手机扫码打开本页"
QUIET_ZONE = 4  # modules of white around the code, as ISO/IEC 18004 asks
SECTION = "qr"
# Bump when the drawing below changes, so cached drawings are made again.
DRAWING_VERSION = "1"

_DARK_RUN = re.compile(rb"\x00+")
_drawings = {}  # url -> SVG path data, shared by every build in this process
_made = {}  # the same, for the codes drawn since the last save
_pending = []  # build records to read before the next code is drawn


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


def load(build):
    """The drawings the build record keeps, read when the first code is
    asked for: a rebuild that renders no page does not read thousands."""
    _pending[:] = [build]


def _read_pending():
    while _pending:
        stored = _pending.pop().get(SECTION)
        if isinstance(stored, dict) and stored.get("version") == DRAWING_VERSION:
            for url, path in stored.get("codes", {}).items():
                _drawings.setdefault(url, path)


def save(build):
    """Keep this build's drawings for the next one."""
    if not _made:
        return
    _read_pending()  # the record keeps the codes this build did not ask for
    build.put(SECTION, {"version": DRAWING_VERSION, "codes": dict(sorted(_drawings.items()))})
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
