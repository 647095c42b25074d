"""Import one document: write the article (through the same header as `make
new-article`) and its pictures, and say what was found and what to check."""

import datetime
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from ..common import SHANGHAI, ContentError, relative_path
from ..editorial.scaffold import DEFAULT_SOURCE, article_path, article_slug, render_article
from ..privacy import KIND_NAMES
from ..privacy.pii import find_pii, is_allowed, normalise_allow
from . import convert, source

PICTURE_PREFIX = "photo"
ROLE_LABELS = {"reporters": "记者", "correspondents": "通讯员", "photographers": "摄影", "source": "来源", "editor": "责任编辑"}
_GENERIC_TITLE = re.compile(r"^(?:microsoft word\s*-|新建|文档\d*$|document\d*$|doc\d*$)|\.docx?$", re.I)
_FILE_NAME_NOISE = re.compile(r"[（(【\[]?(?:终稿|定稿|修改稿|修改版|最终版|改|新|\d{1,2})[）)】\]]?$")


@dataclass
class Imported:
    source: Path
    article: Path = None
    title: str = ""
    found: list = field(default_factory=list)  # what was recognised, one line each
    notes: list = field(default_factory=list)  # what the editor should check
    personal: list = field(default_factory=list)  # (line, kind, masked)
    unchanged: bool = False


def _settings_value(settings, name, default):
    return (settings or {}).get(name, default)


def _picture_file(picture):
    """``(extension, bytes)`` to publish, or None with ``picture.usable`` off."""
    kind = picture.content_type
    if kind in convert.PICTURE_TYPES or kind in convert.CONVERTED_TYPES:
        try:
            with Image.open(io.BytesIO(picture.data)) as image:
                image.verify()
            if kind in convert.PICTURE_TYPES:
                return convert.PICTURE_TYPES[kind], picture.data
            with Image.open(io.BytesIO(picture.data)) as image:  # BMP/TIFF: the pipeline wants PNG
                out = io.BytesIO()
                image.save(out, "PNG")
                return "png", out.getvalue()
        except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
            pass
    picture.usable = False
    return None


def _date(draft, path):
    if draft.date is not None:
        return draft.date, "文中的日期行 / the document's date line"
    try:
        stamp = os.stat(path).st_mtime
        when = datetime.datetime.fromtimestamp(stamp, SHANGHAI).replace(second=0, microsecond=0, tzinfo=None)
        return when, "文件的修改时间 / the file's modification time"
    except (OSError, OverflowError, ValueError):
        now = datetime.datetime.now(SHANGHAI).replace(second=0, microsecond=0, tzinfo=None)
        return now, "今天 / today"


def _fallback_title(docx_bytes, path):
    title = source.core_title(docx_bytes)
    if title and not _GENERIC_TITLE.search(title):
        return title, "文档属性里的标题 / the document properties"
    stem = _FILE_NAME_NOISE.sub("", Path(path).stem).strip(" -_")
    return stem or Path(path).stem, "文件名 / the file name"


def import_document(path, root=".", column="", force=False, settings=None):
    """Import ``path`` into ``root``/content; a ContentError names the file
    when it cannot be imported or would overwrite an edited article."""
    path = Path(path)
    root = Path(root)
    result = Imported(path)
    docx_bytes, result.notes = source.read_docx(path)
    try:
        html, pictures, messages = convert.to_html(docx_bytes, source.media_names(docx_bytes))
        # Before the Markdown: a picture that cannot be published becomes a note there.
        files = {picture.number: _picture_file(picture) for picture in pictures}
        draft = convert.Draft(pictures=pictures)
        draft.markdown = convert.to_markdown(html, draft)
    except Exception as error:  # noqa: BLE001 - a damaged part inside a valid zip: a message, not a traceback
        raise ContentError(
            path, None, f"文档内容无法读取，文件可能已损坏，请在 WPS/Word 里打开后另存为 .docx 再试 / "
            f"the document cannot be read ({error.__class__.__name__})",
        ) from None
    result.notes += draft.notes
    if not draft.markdown.strip() and not any(picture.usable for picture in pictures):
        raise ContentError(path, None, "文档里没有正文，也没有照片，没有导入 / the document is empty: nothing imported")
    if not draft.title:
        draft.title, draft.title_from = _fallback_title(docx_bytes, path)
    date, date_from = _date(draft, path)
    slug = article_slug(draft.title) or f"import-{date:%H%M}"
    article = article_path(root, date, slug)
    content_root = root / "content"
    # The album path without an album.md: published only as the gallery's
    # stripped, resized variants, and only while an article shows them.
    folder = content_root / _settings_value(settings, "ALBUM_PATH", "photos") / article.stem
    rel_folder = folder.relative_to(content_root).as_posix()

    written, body = {}, draft.markdown
    for picture in pictures:
        if files[picture.number]:
            extension, data = files[picture.number]
            name = f"{PICTURE_PREFIX}-{len(written) + 1:02d}.{extension}"
            written[name] = data
            picture.path = f"{rel_folder}/{name}"
    paths = {picture.number: picture.path for picture in pictures if picture.path}
    # Only written pictures are linked: a bare {static}/ would make Pelican copy all of content/.
    body = re.sub(r"linli-picture:(\d+)", lambda m: "{static}/" + paths[int(m.group(1))], body)
    people = draft.people
    text = render_article(
        draft.title, date, slug, column, body=body, status="published",
        source=people.get("source") or _settings_value(settings, "SITENAME", DEFAULT_SOURCE),
        reporters=people.get("reporters"), correspondents=people.get("correspondents"),
        photographers=people.get("photographers"), editor=people.get("editor"),
        cover=next((p.path for p in pictures if p.path), ""),
    )

    result.article, result.title = article, draft.title
    if article.exists():
        if article.read_text(encoding="utf-8", errors="replace") == text:
            result.unchanged = True
            return result
        if not force:
            raise ContentError(
                article, None,
                f"已存在，并且与这次导入的 {path.name} 不同（可能已经编辑过），没有覆盖。"
                "确实要用 Word 稿重新导入、丢掉改动时加 FORCE=1 / already exists and differs "
                "(edited?): not overwritten; add FORCE=1 to replace it",
            )
    article.parent.mkdir(parents=True, exist_ok=True)
    if folder.is_dir():
        for old in folder.glob(f"{PICTURE_PREFIX}-*"):
            old.unlink()
    if written:
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in written.items():
            (folder / name).write_bytes(data)
    article.write_text(text, encoding="utf-8")

    result.found.append(f"标题 / title：{draft.title}（取自 {draft.title_from}）")
    result.found.append(f"日期 / date：{date:%Y-%m-%d %H:%M}（取自 {date_from}）" if isinstance(date, datetime.datetime)
                        else f"日期 / date：{date:%Y-%m-%d}（取自 {date_from}；没有时间，可在日期后补上 HH:MM）")
    for key, label in ROLE_LABELS.items():
        if people.get(key):
            value = people[key] if isinstance(people[key], str) else "、".join(people[key])
            result.found.append(f"{label}：{value}")
    if "source" not in people:
        result.found.append(f"来源：{_settings_value(settings, 'SITENAME', DEFAULT_SOURCE)}（文中没有，按本站填写 / default）")
    for key, label in (("reviewer", "审核"), ("approver", "终审")):
        if people.get(key):
            result.notes.append(f"文中写有“{label}：{'、'.join(people[key])}”，未填入：{label}由社区签字 / left for the office to sign")
    if written:
        result.found.append(f"照片 / photos：{len(written)} 张 → {relative_path(folder)}/（第一张作封面 / the first is the cover）")
    for picture in pictures:
        if not picture.usable:
            what = picture.name or picture.content_type or "?"
            kind = " Word 绘图（EMF/WMF）" if re.search(r"\.(emf|wmf)$|x-(emf|wmf)", what + picture.content_type) else "图片"
            result.notes.append(f"第 {picture.number} 张图 {what} 是{kind}，无法转换，未导入；请另存为 JPG/PNG 后手动加入 / not imported")
        elif not picture.caption:
            result.notes.append(f"第 {picture.number} 张图没有图注，请在 ![ ] 里补写说明 / picture {picture.number} has no caption")
    result.notes += [f"mammoth: {message}" for message in messages]
    result.personal = personal_data(text, _settings_value(settings, "PII_ALLOW", []))
    return result


def personal_data(text, allow):
    """``[(line, kind name, masked)]`` — the privacy plugin's scan, masked as
    its build messages are: the full number is never printed."""
    allowed = normalise_allow(allow)
    return [
        (number, KIND_NAMES[hit.kind][0], hit.masked)
        for number, line in enumerate(text.split("\n"), 1)
        for hit in find_pii(line)
        if not is_allowed(hit, allowed)
    ]
