"""A correspondent's .docx → title, byline, date, Markdown body and pictures.

mammoth turns Word styles into clean semantic HTML (it accepts tracked
changes, skips comments and deleted text, reads smart tags, footnotes and
merged cells); a small document transform tells it which paragraphs are
centred, bold or set small, which Word keeps outside its styles. The HTML is
then tidied for Chinese news copy with BeautifulSoup (indentation, manual line
breaks, bylines, captions, tables Markdown can hold) and written as Markdown
by markdownify.
"""

import io
import re
from collections import Counter
from dataclasses import dataclass, field

import mammoth
from bs4 import BeautifulSoup, NavigableString, Tag
from markdownify import MarkdownConverter
from mammoth import documents, transforms

from . import byline

# Word's own style names (English in styles.xml whatever the UI language) and
# the names WPS writes.
STYLE_MAP = """
p[style-name='Title'] => h1.doc-title:fresh
p[style-name='标题'] => h1.doc-title:fresh
p[style-name='Subtitle'] => p.subtitle:fresh
p[style-name='副标题'] => p.subtitle:fresh
p[style-name='caption'] => p.caption:fresh
p[style-name='Caption'] => p.caption:fresh
p[style-name='题注'] => p.caption:fresh
r[style-name='Hyperlink'] =>
s =>
u =>
""" + "\n".join(
    f"p[style-name='linli {flags}'] => p.{'.'.join(flags.split())}:fresh"
    for flags in ("center", "small", "bold", "center small", "center bold", "small bold", "center small bold")
)
# Paragraph styles that say nothing: their look is in direct formatting.
BODY_STYLES = {None, "Normal", "正文", "Body Text", "正文文本", "Plain Text", "纯文本", "Normal (Web)", "普通(网站)", "默认段落字体"}
PICTURE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp"}
CONVERTED_TYPES = {"image/bmp", "image/x-bmp", "image/tiff", "image/x-ms-bmp"}
_SPACE = " \t\u3000\xa0\u2002\u2003\u200b\ufeff"
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u00ad"), None)
_END_OF_SENTENCE = tuple("。！？；：…”’」』）!?;:")
_JUNK_ALT = re.compile(r"^(?:图片|图像|picture|image|img|photo|微信图片|说明[:：]?)?\s*[\d_ -]*$|[\\/]|\.(?:jpe?g|png|gif|bmp|emf|wmf)$", re.I)


@dataclass
class Picture:
    number: int
    content_type: str
    data: bytes
    alt: str = ""
    caption: str = ""
    name: str = ""  # the name Word stored it under, for messages
    usable: bool = True
    path: str = ""  # where the importer wrote it, relative to content/


@dataclass
class Draft:
    title: str = ""
    title_from: str = ""
    people: dict = field(default_factory=dict)
    date: object = None
    markdown: str = ""
    pictures: list = field(default_factory=list)
    notes: list = field(default_factory=list)


# --- mammoth ------------------------------------------------------------------

def _text(element):
    return "".join(t.value for t in transforms.get_descendants_of_type(element, documents.Text))


def _runs(paragraph):
    return [run for run in transforms.get_descendants_of_type(paragraph, documents.Run) if _text(run).strip(_SPACE)]


def mark_looks(document):
    """Give centred, small and all-bold body paragraphs a style mammoth maps to
    a class (captions and titles are found by their look in WPS copy)."""
    sizes = Counter()
    for run in transforms.get_descendants_of_type(document, documents.Run):
        sizes[run.font_size] += len(_text(run))
    body_size = sizes.most_common(1)[0][0] if sizes else None

    def small(runs):
        if not runs or any(run.font_size is None for run in runs):
            return False
        return all(run.font_size < (body_size or 10.5) for run in runs)

    def mark(paragraph):
        if paragraph.style_name not in BODY_STYLES:
            return paragraph
        runs = _runs(paragraph)
        flags = [
            name for name, on in (
                ("center", paragraph.alignment == "center"),
                ("small", small(runs)),
                ("bold", bool(runs) and all(run.is_bold for run in runs)),
            ) if on
        ]
        return paragraph.copy(style_name="linli " + " ".join(flags)) if flags else paragraph

    return transforms.paragraph(mark)(document)


def to_html(docx_bytes, media):
    """``(html, pictures, messages)``."""
    pictures = []

    def keep(image):
        with image.open() as handle:
            data = handle.read()
        picture = Picture(len(pictures) + 1, (image.content_type or "").lower(), data,
                          alt=(image.alt_text or "").strip(), name=media.get(data, ""))
        pictures.append(picture)
        return {"src": f"linli-picture:{picture.number}"}

    result = mammoth.convert_to_html(
        io.BytesIO(docx_bytes), style_map=STYLE_MAP, transform_document=mark_looks,
        convert_image=mammoth.images.img_element(keep),
    )
    # Unknown style names are normal in WPS copy; pictures are reported by the importer.
    messages = [
        m.message for m in result.messages
        if m.type == "error" or not re.search(r"style|unlikely to display", m.message, re.I)
    ]
    return result.value, pictures, messages


# --- tidying the HTML -------------------------------------------------------------

def _classes(tag):
    return set(tag.get("class") or [])


def plain(tag):
    return " ".join(tag.get_text("").strip(_SPACE).split())


def _blocks(soup):
    return [child for child in soup.contents if isinstance(child, Tag)]


def _is_bold(tag):
    text = plain(tag)
    strong = "".join(s.get_text("") for s in tag.find_all(["strong", "b"], recursive=True))
    return bool(text) and ("bold" in _classes(tag) or " ".join(strong.split()) == text)


def _picture_number(img):
    match = re.fullmatch(r"linli-picture:(\d+)", img.get("src", ""))
    return int(match.group(1)) if match else None


def clean_text(soup):
    """Zero-width characters out, no-break spaces as spaces; bookmarks and
    links inside the document unwrapped."""
    for string in list(soup.find_all(string=True)):
        cleaned = string.translate(_ZERO_WIDTH).replace("\xa0", " ")
        if cleaned != string:
            string.replace_with(cleaned)
    for link in soup.find_all("a"):
        href = link.get("href", "")
        if href.startswith("#footnote") or href.startswith("#endnote"):
            continue
        if not re.match(r"^(https?://|mailto:)", href, re.I):
            link.unwrap()


def split_line_breaks(soup):
    """A manual line break (Shift+Enter) that ends a sentence or precedes
    indentation starts a new paragraph; one in mid-sentence is dropped (in
    Chinese the two halves join without a space)."""
    for paragraph in soup.find_all("p"):
        breaks = paragraph.find_all("br")
        if not breaks:
            continue
        pieces, current = [], []
        for child in list(paragraph.contents):
            if isinstance(child, Tag) and child.name == "br":
                pieces.append(current)
                current = []
            else:
                current.append(child.extract())
        pieces.append(current)
        for br in paragraph.find_all("br"):  # inside <strong> etc.
            br.decompose()
        groups = [[]]
        for piece in pieces:
            text = "".join(n.get_text("") if isinstance(n, Tag) else str(n) for n in piece)
            if not text.strip(_SPACE) and not any(isinstance(n, Tag) and n.find("img") or getattr(n, "name", "") == "img" for n in piece):
                groups.append([])
                continue
            previous = "".join(n.get_text("") if isinstance(n, Tag) else str(n) for n in groups[-1]).rstrip(_SPACE)
            indented = text.startswith(("\u3000", "  "))
            if groups[-1] and (indented or previous.endswith(_END_OF_SENTENCE)):
                groups.append([])
            elif groups[-1] and previous[-1:].isascii() and text.lstrip(_SPACE)[:1].isascii():
                piece.insert(0, NavigableString(" "))
            groups[-1].extend(piece)
        groups = [g for g in groups if g]
        if len(groups) <= 1:
            for node in groups[0] if groups else []:
                paragraph.append(node)
            continue
        anchor = paragraph
        for index, group in enumerate(groups):
            target = paragraph if index == 0 else soup.new_tag("p")
            if index:
                target["class"] = paragraph.get("class", [])
                anchor.insert_after(target)
                anchor = target
            for node in group:
                target.append(node)


def strip_indentation(soup):
    """Full-width spaces typed to indent, and trailing blanks, removed."""
    for tag in soup.find_all(["p", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6"]):
        for position, strip in ((0, str.lstrip), (-1, str.rstrip)):
            strings = tag.find_all(string=True)
            if strings:
                strings[position].replace_with(strip(str(strings[position]), _SPACE))


def drop_empty(soup):
    for tag in _blocks(soup):
        if tag.name in ("p", "h1", "h2", "h3", "h4", "h5", "h6") and not plain(tag) and not tag.find("img"):
            tag.decompose()


# --- title, bylines, date -----------------------------------------------------------

def take_title(soup, draft):
    blocks = _blocks(soup)
    titled = soup.find("h1", class_="doc-title")
    if titled is not None:
        draft.title, draft.title_from = plain(titled), "文档的“标题”样式 / the Title style"
        titled.decompose()
        return
    for tag in blocks[:3]:
        text = plain(tag)
        if not text or tag.find("img"):
            continue
        if byline.parse_byline(text) or byline.parse_date_line(text):
            continue
        if tag.name in ("h1", "h2", "h3"):
            draft.title, draft.title_from = text, "文档的第一个标题 / the first heading"
        elif tag.name == "p" and len(text) <= 50 and ("center" in _classes(tag) or _is_bold(tag)):
            draft.title, draft.title_from = text, "开头居中/加粗的短段落 / the first short centred or bold paragraph"
        else:
            return
        tag.decompose()
        return


def _take(tag, draft, found):
    byline.merge(draft.people, found)
    tag.decompose()


def take_bylines(soup, draft):
    """Byline and date lines at the top and the bottom (contiguous runs of
    short paragraphs), plus a bracketed byline opening the first paragraph or
    closing the last."""
    for ordered in (lambda b: b, lambda b: list(reversed(b))):
        for tag in ordered(_blocks(soup))[:8]:
            if tag.name != "p" or tag.find("img"):
                break
            text = plain(tag)
            found = byline.parse_byline(text)
            if found:
                _take(tag, draft, found)
                continue
            date = byline.parse_date_line(text)
            if date and draft.date is None:
                draft.date = date
                tag.decompose()
                continue
            break
    paragraphs = [tag for tag in _blocks(soup) if tag.name == "p" and plain(tag)]
    if paragraphs:
        _cut(paragraphs[0], draft, byline.split_lead_in, first=True)
        _cut(paragraphs[-1], draft, byline.split_trailer, first=False)


def _cut(paragraph, draft, splitter, first):
    strings = paragraph.find_all(string=True)
    string = strings[0] if first else strings[-1]
    found, rest = splitter(str(string))
    if found:
        byline.merge(draft.people, found)
        string.replace_with(rest)


# --- pictures, tables, footnotes ----------------------------------------------------------

def attach_captions(soup, draft):
    """A picture paragraph followed by a short paragraph that starts with 图 or
    is centred, small or in Word's caption style: that is its caption."""
    by_number = {picture.number: picture for picture in draft.pictures}
    for tag in _blocks(soup):
        if tag.name != "p" or not tag.find("img") or plain(tag):
            continue
        images = tag.find_all("img")
        last = tag
        for img in images[1:]:  # side by side in Word: one figure each
            wrapper = soup.new_tag("p")
            wrapper.append(img.extract())
            last.insert_after(wrapper)
            last = wrapper
        candidate = last.find_next_sibling()
        if not isinstance(candidate, Tag) or candidate.name != "p" or candidate.find("img"):
            continue
        text = plain(candidate)
        looks = _classes(candidate) & {"center", "small", "caption"}
        if text and len(text) <= 80 and (text.startswith("图") or looks):
            number = _picture_number(last.find_all("img")[-1])
            if number in by_number:
                by_number[number].caption = re.sub(r"^图\s*[:：]\s*", "", text)
                candidate.decompose()


def place_pictures(soup, draft):
    """Each picture as a Markdown image (caption as its text, which the
    gallery shows under it); a picture that cannot be published leaves a note
    for the editor where it was."""
    by_number = {picture.number: picture for picture in draft.pictures}
    for img in soup.find_all("img"):
        picture = by_number.get(_picture_number(img))
        if picture is None:
            img.decompose()
            continue
        if not picture.usable:
            img.replace_with(_note(soup, f"此处原有一张图（{picture.name or picture.content_type}）无法导入，请另存为 JPG 后补上"))
            continue
        alt = picture.caption or ("" if _JUNK_ALT.search(picture.alt) else picture.alt)
        img.attrs = {"src": f"linli-picture:{picture.number}", "alt": alt}  # the importer fills in the path


def _note(soup, text):
    """An HTML comment the editor sees in the Markdown; the build drops it."""
    return NavigableString(f"\nLINLINOTE{text}LINLINOTEEND\n")


def _cell_markdown(cell, converter):
    text = converter.convert_soup(BeautifulSoup(str(cell.decode_contents()), "html.parser"))
    parts = [part.strip() for part in re.split(r"\n\s*\n|\n", text) if part.strip()]
    return "<br>".join(parts).replace("|", "\\|")


def table_markdown(table, converter, number):
    """``(markdown, notes)``: merged cells are split (the text stays in the
    first cell), lists and pictures in cells are flattened — each noted."""
    grid, notes, pending = {}, [], {}
    rows = table.find_all("tr")
    for r, row in enumerate(rows):
        c = 0
        for cell in row.find_all(["td", "th"], recursive=False):
            while (r, c) in grid:
                c += 1
            colspan = max(1, int(cell.get("colspan", 1) or 1))
            rowspan = max(1, int(cell.get("rowspan", 1) or 1))
            if colspan > 1 or rowspan > 1:
                pending.setdefault("merged", []).append(
                    f"第 {r + 1} 行第 {c + 1} 列（{rowspan} 行 × {colspan} 列）"
                )
            if cell.find(["ul", "ol", "table"]):
                pending.setdefault("flattened", []).append(f"第 {r + 1} 行第 {c + 1} 列")
            grid[(r, c)] = _cell_markdown(cell, converter)
            for dr in range(rowspan):
                for dc in range(colspan):
                    if dr or dc:
                        grid[(r + dr, c + dc)] = ""
            c += colspan
    if not grid:
        return "", notes
    height = max(r for r, _ in grid) + 1
    width = max(c for _, c in grid) + 1
    lines = []
    for r in range(height):
        cells = [grid.get((r, c), "") for c in range(width)]
        lines.append("| " + " | ".join(cells) + " |")
        if r == 0:
            lines.append("|" + "|".join([" --- "] * width) + "|")
    if pending.get("merged"):
        notes.append(
            f"表格 {number} 有合并单元格（{'；'.join(pending['merged'])}），Markdown 表格放不下，"
            "已拆开，文字留在左上格，请核对"
        )
    if pending.get("flattened"):
        notes.append(f"表格 {number} 的单元格里有列表或表格（{'；'.join(pending['flattened'])}），已合成一段文字，请核对")
    return "\n".join(lines), notes


def take_footnotes(soup):
    """Footnotes and endnotes → ``[^n]`` markers and ``[^n]: text`` at the end."""
    notes = []
    for kind in ("footnote", "endnote"):
        for item in soup.select(f'li[id^="{kind}-"]'):
            number = item["id"].rsplit("-", 1)[-1]
            for back in item.select(f'a[href^="#{kind}-ref-"]'):
                back.decompose()
            label = number if kind == "footnote" else f"e{number}"
            notes.append((label, " ".join(item.get_text(" ").split())))
            parent = item.parent
            item.decompose()
            if parent is not None and parent.name == "ol" and not parent.find("li"):
                parent.decompose()
        for link in soup.select(f'a[href^="#{kind}-"]'):
            number = link["href"].rsplit("-", 1)[-1]
            label = number if kind == "footnote" else f"e{number}"
            holder = link.parent if link.parent is not None and link.parent.name == "sup" else link
            holder.replace_with(NavigableString(f"LINLIFOOTNOTE{label}END"))
    return notes


def shift_headings(soup):
    """The article's title is the page's h1: the document's top heading level
    becomes ## (h2)."""
    headings = soup.find_all(re.compile(r"^h[1-6]$"))
    if not headings:
        return
    top = min(int(tag.name[1]) for tag in headings)
    for tag in headings:
        tag.name = f"h{min(6, int(tag.name[1]) - top + 2)}"


def to_markdown(html, draft):
    soup = BeautifulSoup(html, "html.parser")
    footnotes = take_footnotes(soup)
    clean_text(soup)
    split_line_breaks(soup)
    strip_indentation(soup)
    drop_empty(soup)
    take_title(soup, draft)
    take_bylines(soup, draft)
    drop_empty(soup)
    attach_captions(soup, draft)
    place_pictures(soup, draft)
    shift_headings(soup)
    converter = MarkdownConverter(heading_style="atx", bullets="-", strong_em_symbol="*", sup_symbol="<sup>",
                           sub_symbol="<sub>", escape_underscores=False)
    tables = []
    for number, table in enumerate(soup.find_all("table", recursive=False), 1):
        # Pictures in cells go under the table.
        moved = [img.extract() for img in table.find_all("img")]
        markdown, notes = table_markdown(table, converter, number)
        if moved:
            notes.append(f"表格 {number} 里的 {len(moved)} 张图已移到表格下方")
        tables.append(("\n\n".join(f"<!-- 导入提示：{note} -->" for note in notes) + "\n\n" + markdown).strip())
        draft.notes += notes
        placeholder = soup.new_tag("p")
        placeholder.string = f"LINLITABLE{len(tables) - 1}END"
        table.replace_with(placeholder)
        anchor = placeholder
        for img in moved:
            holder = soup.new_tag("p")
            holder.append(img)
            anchor.insert_after(holder)
            anchor = holder
    markdown = converter.convert_soup(soup)
    markdown = re.sub(r"LINLITABLE(\d+)END", lambda m: tables[int(m.group(1))], markdown)
    markdown = re.sub(r"LINLIFOOTNOTE(\w+?)END", r"[^\1]", markdown)
    markdown = re.sub(r"\s*LINLINOTE(.*?)LINLINOTEEND\s*", lambda m: f"\n\n<!-- 导入提示：{m.group(1)} -->\n\n", markdown)
    if footnotes:
        markdown += "\n\n" + "\n".join(f"[^{label}]: {text}" for label, text in footnotes)
    lines = [line.rstrip() for line in markdown.strip().split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"
