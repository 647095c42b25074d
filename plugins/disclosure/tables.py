"""Finance tables (工作经费、公益经费 …) in a piece published for a catalogue
item: every stated total is checked against its rows, and the table is
made accessible (a caption, header cells with ``scope``, the totals in a
``<tfoot>``, numbers marked for right alignment).

The check reads the Markdown source, so an error names the file and the
line of the row; the markup is added to the HTML Python-Markdown made.
Both run when the piece is made (``content_object_init``), so a quick
rebuild of an edited body checks and marks its tables the same way.

A total row is one whose first cell starts with 合计, 总计, 共计 or 小计
(本季度合计 … too). 小计 adds the rows since the previous 小计 (or 合计);
合计 adds every row since the previous 合计 that is not itself a total.
Each column the total row gives a number in is checked, to the cent.
"""

import html
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ..common import report_error
from ..metadata.encoding import read_source
from ..metadata.reader import split_header

_TABLE_LINE = re.compile(r"^\s{0,3}\|")
_DELIMITER = re.compile(r"^\s{0,3}\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_TOTAL = re.compile(r"^(?:本期|本季度?|本月|本年度?|全年|全季度?|收入|支出|总)?\s*(?P<kind>合\s*计|总\s*计|共\s*计|小\s*计)")
_NUMBER = re.compile(r"^[+\-−]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^[+\-−]?\d+(?:\.\d+)?$")
_EMPTY = {"", "-", "—", "－", "/", "——", "0"}
_CAPTION_LINE = re.compile(r"^\s{0,3}(?:#{1,6}\s*(?P<heading>.+?)\s*#*|(?P<label>表\s*[\d一二三四五六七八九十]*\s*[：:.、\s].+|表\s*[\d一二三四五六七八九十]+.*))\s*$")


@dataclass
class SourceTable:
    header: list
    rows: list  # [(line, cells)]
    caption: str = ""
    caption_is_label: bool = False  # a "表1 …" paragraph, moved into the caption
    totals: set = field(default_factory=set)  # indexes of total rows


def _cells(line):
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", text)]


def _plain(cell):
    """A cell as a reader sees it: without Markdown emphasis and spaces."""
    return re.sub(r"[*_`]", "", cell).replace("\u3000", " ").strip()


def number(cell):
    """``1,260.50`` / ``￥1260`` / ``1260元`` → Decimal; None when the cell is
    not a number; Decimal 0 for an empty cell or a dash."""
    text = _plain(cell).replace(" ", "")
    text = text.lstrip("¥￥").removesuffix("元")
    if text in _EMPTY:
        return Decimal(0)
    if not _NUMBER.match(text):
        return None
    try:
        return Decimal(text.replace(",", "").replace("−", "-"))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None


def total_kind(cells):
    """``"subtotal"`` / ``"total"`` when the row is a total row, else None."""
    first = next((_plain(cell) for cell in cells if _plain(cell)), "")
    match = _TOTAL.match(first)
    if not match:
        return None
    return "subtotal" if match["kind"].replace(" ", "") == "小计" else "total"


def find_tables(body, first_line):
    """The Markdown tables of ``body``, each row with its line in the file."""
    lines = body.split("\n")
    tables = []
    index = 0
    while index < len(lines) - 1:
        if _TABLE_LINE.match(lines[index]) and _DELIMITER.match(lines[index + 1]):
            header = _cells(lines[index])
            caption, is_label = "", False
            above = index - 1
            while above >= 0 and not lines[above].strip():
                above -= 1
            if above >= 0:
                match = _CAPTION_LINE.match(lines[above])
                if match and len(lines[above].strip()) <= 80:
                    caption = (match["heading"] or match["label"]).strip()
                    is_label = bool(match["label"])
            table = SourceTable(header, [], caption, is_label)
            index += 2
            while index < len(lines) and _TABLE_LINE.match(lines[index]):
                table.rows.append((first_line + index, _cells(lines[index])))
                index += 1
            tables.append(table)
            continue
        index += 1
    return tables


def _format(value):
    return f"{value:,.2f}"


def check_totals(table):
    """``[(line, message)]`` for every stated total its rows do not add up to."""
    problems = []
    since_total, since_subtotal = [], []
    for line, cells in table.rows:
        kind = total_kind(cells)
        if kind is None:
            since_total.append((line, cells))
            since_subtotal.append((line, cells))
            continue
        rows = since_subtotal if kind == "subtotal" else since_total
        label = next((_plain(cell) for cell in cells if _plain(cell)), "")
        for column, cell in enumerate(cells):
            if column == 0 or total_kind([cell]):
                continue
            stated = number(cell)
            if stated is None or not _plain(cell) or _plain(cell) in _EMPTY - {"0"}:
                continue
            name = table.header[column] if column < len(table.header) else f"第 {column + 1} 列"
            added = Decimal(0)
            bad = None
            for row_line, row in rows:
                value = number(row[column]) if column < len(row) else Decimal(0)
                if value is None:
                    bad = (row_line, row[column])
                    break
                added += value
            if bad is not None:
                problems.append((bad[0], (
                    f"“{name}”一栏的“{bad[1]}”不是数字，无法核对{label} / "
                    f"{bad[1]!r} in column {name!r} is not a number: the total cannot be checked"
                )))
                continue
            if added != stated:
                problems.append((line, (
                    f"{label}与各行之和不符：“{name}”写的是 {_format(stated)}，"
                    f"上面 {len(rows)} 行相加是 {_format(added)}（相差 {_format(stated - added)}） / "
                    f"stated total {_format(stated)} in column {name!r} does not equal the sum of its "
                    f"{len(rows)} rows, {_format(added)}"
                )))
        if kind == "subtotal":
            since_subtotal = []
        else:
            since_total, since_subtotal = [], []
    return problems


# --- the HTML ------------------------------------------------------------------

_TABLE = re.compile(r"<table>(?P<inner>.*?)</table>", re.S)
_ROW = re.compile(r"<tr>(?P<cells>.*?)</tr>", re.S)
_CELL = re.compile(r"<(?P<tag>t[hd])(?P<attrs>[^>]*)>(?P<text>.*?)</t[hd]>", re.S)
_TBODY = re.compile(r"<tbody>(?P<rows>.*?)</tbody>", re.S)
_TAGS = re.compile(r"<[^>]+>")
_DATE = re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$")


def _text(markup):
    return html.unescape(_TAGS.sub("", markup))


def _mark_cell(match, row_header):
    tag, attrs, text = match["tag"], match["attrs"], match["text"]
    attrs = re.sub(r'\s*style="[^"]*"', "", attrs)
    if tag == "th":
        return f'<th scope="col"{attrs}>{text}</th>'
    if row_header:
        return f'<th scope="row"{attrs}>{text}</th>'
    plain = _plain(_text(text))
    if ("." in plain or "," in plain) and number(plain) is not None:
        return f'<td class="num"{attrs}>{text}</td>'
    if _DATE.match(plain):
        return f'<td class="date"{attrs}>{text}</td>'
    return f"<td{attrs}>{text}</td>"


def _mark_row(row_html, total):
    """A body row; in a total row the cell saying 合计/小计 heads the row."""
    labelled = [False]

    def cell(match):
        header = total and not labelled[0] and total_kind([_text(match["text"])]) is not None
        labelled[0] = labelled[0] or header
        return _mark_cell(match, header)

    cells = _CELL.sub(cell, row_html)
    return f'<tr class="table-total">{cells}</tr>' if total else f"<tr>{cells}</tr>"


def accessible_tables(markup, tables, title):
    """``markup`` with each table given a caption, scopes, a ``<tfoot>`` of
    its total rows and numeric cells marked; ``tables`` are the source tables
    in the same order (a "表1 …" line above a table becomes its caption)."""
    count = [0]

    def table(match):
        number_ = count[0]
        count[0] += 1
        source = tables[number_] if number_ < len(tables) else None
        caption = source.caption if source and source.caption else f"{title}（表 {number_ + 1}）"
        inner = match["inner"]
        inner = re.sub(r"<thead>(.*?)</thead>", lambda m: "<thead>" + _ROW.sub(lambda r: _mark_row(r["cells"], False), m.group(1)) + "</thead>", inner, flags=re.S)
        body = _TBODY.search(inner)
        if body:
            kept, footer = [], []
            for row in _ROW.finditer(body["rows"]):
                cells = [_text(cell["text"]) for cell in _CELL.finditer(row["cells"])]
                if total_kind(cells) == "total":
                    footer.append(_mark_row(row["cells"], True))
                else:
                    kept.append(_mark_row(row["cells"], total_kind(cells) is not None))
            rows = "\n<tbody>\n" + "\n".join(kept) + "\n</tbody>"
            if footer:
                rows += "\n<tfoot>\n" + "\n".join(footer) + "\n</tfoot>"
            inner = inner[: body.start()] + rows.lstrip("\n") + inner[body.end():]
        return f'<table class="data-table">\n<caption>{html.escape(caption, quote=False)}</caption>{inner}</table>'

    marked = _TABLE.sub(table, markup)
    # A "表1 …" paragraph now in the caption is not shown twice.
    for source in tables:
        if source.caption_is_label:
            escaped = html.escape(source.caption, quote=False)
            marked = marked.replace(f"<p>{escaped}</p>\n", "", 1)
    return marked


def process(content):
    """``content_object_init``: check and mark the tables of a piece that is
    published for a catalogue item (it has 公开事项)."""
    if not content.metadata.get("disclosure") or "<table" not in (getattr(content, "_content", "") or ""):
        return
    path = content.source_path
    try:
        entries, body, first_line = split_header(read_source(path)[0])
    except Exception:  # the reader already said what is wrong with the file
        return
    tables = find_tables(body, first_line)
    if content.metadata.get("status") != "draft":
        for table in tables:
            for line, message in check_totals(table):
                report_error(path, line, message)
    content._content = accessible_tables(content._content, tables, content.metadata.get("title", ""))
