"""Read an editor's text file whatever Windows saved it as.

Strict UTF-8 first (a BOM is dropped), then GB18030 — a superset of GBK and
GB2312, which Notepad on a Chinese Windows still writes. Line endings become
``\\n`` so line numbers in messages match what the editor sees.
"""

import codecs
import functools
import os

from ..common import ContentError


def decode_source(raw, path):
    """Return ``(text, encoding)`` for the bytes of ``path``."""
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    try:
        text, encoding = raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            text, encoding = raw.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            line = raw[: utf8_error.start].count(b"\n") + 1
            raise ContentError(
                path,
                line,
                "无法识别文件编码，请另存为 UTF-8 / "
                "cannot decode the file: save it as UTF-8",
            ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, encoding


def read_source(path):
    """Decoded text of an editor's file. The reader, the privacy scan and the
    notice and album readers all ask for it: it is read and decoded once per
    version of the file (keyed by modification time and size)."""
    stat = os.stat(path)
    return _read_decoded(os.fspath(path), stat.st_mtime_ns, stat.st_size)


# Room for a county-sized site: the Markdown converted ahead on every core,
# the reader and the privacy scan each ask for every file of one build.
@functools.lru_cache(maxsize=8192)
def _read_decoded(path, mtime_ns, size):
    with open(path, "rb") as handle:
        return decode_source(handle.read(), path)
