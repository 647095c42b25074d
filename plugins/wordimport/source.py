"""What kind of file an editor handed us, and a clean .docx to convert.

Correspondents send what their office PC saves: .docx from Word or WPS, but
also old binary .doc/.wps, RTF or a web page renamed .doc, password-protected
files, and half-copied attachments from a chat app. Each gets a message that
says what to do; LibreOffice, when installed, converts the old formats.

Mammoth does not know Word's hidden text (``w:vanish``): we remove those runs
from the XML before it reads the document.
"""

import io
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
import xml.etree.ElementTree as ET

from ..common import ContentError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted .docx is an OLE container holding this stream.
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_PARTS_WITH_TEXT = ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml")

SAVE_AS_DOCX = (
    "请用 WPS 或 Word 打开它，点“文件 → 另存为”，文件类型选“Word 文档（*.docx）”，再导入新文件 / "
    "open it in WPS or Word, File → Save As, type “Word Document (*.docx)”, and import that file"
)


def libreoffice():
    return shutil.which("soffice") or shutil.which("libreoffice")


def _convert_with_libreoffice(path, what):
    office = libreoffice()
    if office is None:
        raise ContentError(path, None, f"这是{what}，不能直接导入。{SAVE_AS_DOCX}（装有 LibreOffice 时会自动转换）")
    with tempfile.TemporaryDirectory() as folder:
        try:
            subprocess.run(
                [office, "--headless", "--convert-to", "docx", "--outdir", folder, str(path)],
                capture_output=True, timeout=180, check=False,
                env=dict(os.environ, HOME=folder),  # a private profile: no clash with an open LibreOffice
            )
        except (OSError, subprocess.TimeoutExpired):
            pass
        converted = [name for name in os.listdir(folder) if name.lower().endswith(".docx")]
        if not converted:
            raise ContentError(path, None, f"这是{what}，LibreOffice 也没能转换它。{SAVE_AS_DOCX}")
        with open(os.path.join(folder, converted[0]), "rb") as handle:
            return handle.read()


def read_docx(path):
    """``(docx_bytes, notes)``: the document as a .docx, or a ContentError that
    says what the file is and how to save it as .docx."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise ContentError(path, None, f"无法读取 / cannot read: {error.strerror or error}") from None
    notes = []
    if not data:
        raise ContentError(path, None, "文件是空的（0 字节），可能没有传完，请让作者重发 / the file is empty")
    head = data[:8]
    if head == OLE_MAGIC:
        if ENCRYPTED_STREAM in data:
            raise ContentError(
                path, None,
                "文档设置了打开密码，无法导入。请在 WPS/Word 里打开，去掉密码（文件 → 文档加密 / 信息 → 保护文档），"
                "另存为 .docx 后再导入 / the document is password-protected: remove the password and save as .docx",
            )
        data = _convert_with_libreoffice(path, "旧版 Word（.doc）或 WPS（.wps）格式的文件 / an old binary .doc/.wps file")
        notes.append("旧格式文件已用 LibreOffice 转换为 .docx，请核对排版 / converted from .doc/.wps with LibreOffice")
    elif data.lstrip()[:5] == b"{\\rtf":
        data = _convert_with_libreoffice(path, " RTF 格式的文件（扩展名可能写成了 .doc）/ an RTF file")
        notes.append("RTF 文件已用 LibreOffice 转换为 .docx / converted from RTF with LibreOffice")
    elif re.match(rb"\s*(<!DOCTYPE html|<html|MIME-Version:)", data[:200], re.I):
        raise ContentError(path, None, f"这是网页格式（.htm/.mht）存成的文件，不是 Word 文档。{SAVE_AS_DOCX}")
    elif head[:4] != b"PK\x03\x04":
        raise ContentError(path, None, f"不是 Word 文档，或文件已损坏 / not a Word document, or damaged. {SAVE_AS_DOCX}")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if "word/document.xml" not in names:
            what = (
                "Excel 表格" if any(n.startswith("xl/") for n in names)
                else "PowerPoint 演示文稿" if any(n.startswith("ppt/") for n in names)
                else "OpenDocument（.odt）文档" if "content.xml" in names
                else "压缩包"
            )
            raise ContentError(path, None, f"这是{what}，不是 Word 文档 / not a Word document. {SAVE_AS_DOCX}")
        return _without_hidden_text(archive, notes), notes
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, KeyError, ET.ParseError, ValueError) as error:
        raise ContentError(
            path, None,
            f"文件已损坏或没有传完整，请让作者重新发送 / the file is damaged or incomplete ({error.__class__.__name__})",
        ) from None


def _register_namespaces(xml):
    for _, (prefix, uri) in ET.iterparse(io.BytesIO(xml), events=("start-ns",)):
        try:
            ET.register_namespace(prefix, uri)
        except ValueError:  # reserved prefixes such as "xml"
            pass


def _is_on(element):
    return element is not None and element.get(f"{{{W}}}val", "true") not in ("false", "0", "off")


def _strip_hidden(xml):
    """``(xml, removed)``: runs formatted as hidden text taken out."""
    if b"vanish" not in xml:
        return xml, 0
    _register_namespaces(xml)
    root = ET.fromstring(xml)
    removed = 0
    for parent in root.iter():
        for run in list(parent):
            if run.tag == f"{{{W}}}r" and _is_on(run.find(f"{{{W}}}rPr/{{{W}}}vanish")):
                parent.remove(run)
                removed += 1
    return ET.tostring(root, xml_declaration=True, encoding="UTF-8"), removed


def _without_hidden_text(archive, notes):
    names = archive.namelist()
    parts = {name: archive.read(name) for name in names}
    hidden = 0
    for name in _PARTS_WITH_TEXT:
        if name in parts:
            parts[name], removed = _strip_hidden(parts[name])
            hidden += removed
    if hidden:
        notes.append(f"删去隐藏文字 {hidden} 处 / removed {hidden} run(s) of hidden text")
    document = parts["word/document.xml"]
    if b"<w:ins " in document or b"<w:del " in document:
        notes.append("文档带修订痕迹，已按“接受所有修订”导入，请核对 / tracked changes were accepted")
    if "word/comments.xml" in parts:
        count = parts["word/comments.xml"].count(b"<w:comment ")
        notes.append(f"批注 {count} 条未导入 / {count} comment(s) left out")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for name in names:
            copy.writestr(name, parts[name])
    return out.getvalue()


def media_names(docx_bytes):
    """``{bytes: 'image3.emf'}`` for the pictures stored in the document, so a
    picture we cannot use is reported by the name Word gave it."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
        return {
            archive.read(name): name.rsplit("/", 1)[-1]
            for name in archive.namelist()
            if name.startswith("word/media/")
        }


def core_title(docx_bytes):
    """The title in File → Properties, or ''."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
        try:
            root = ET.fromstring(archive.read("docProps/core.xml"))
        except (KeyError, ET.ParseError):
            return ""
    element = root.find("{http://purl.org/dc/elements/1.1/}title")
    return (element.text or "").strip() if element is not None else ""
