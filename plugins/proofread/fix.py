"""`make fix FILE=…`: apply the safe fixes to an editor's Markdown source.

Safe means a change that cannot alter what a sentence says: the typography
rules (half-width punctuation in Chinese, full-width digits, stray spaces)
and the 规范表述 entries marked 自动 (错别字 wrong in every context). Wording
that depends on context, masked numbers, addresses and reprint links are
listed for the editor, never changed.

In the header only the title and the summary are touched, and the title
only when the piece's address (its slug, made from the title when the file
has no ``slug``) stays the same. The file keeps its encoding (UTF-8, with
or without BOM, or GBK), and every line its own line ending: only the
changed characters differ. The unified diff is printed first; then the file
is written, unless ``dry_run``.
"""

import codecs
import difflib
import os
import re
import sys
from dataclasses import dataclass, field

from pelican.utils import slugify

from ..common import ContentError, relative_path
from ..metadata import fields
from ..metadata.reader import split_header
from .lint import lint_text

_NEWLINE = re.compile(r"(\r\n|\r|\n)")
HEADER_FIXABLE = {"title", "summary"}


@dataclass
class Source:
    """A file's text split into lines, and how to write it back as it was."""

    lines: list  # without line endings
    endings: list  # each line's ending ("" for the last)
    encoding: str
    bom: bytes

    @property
    def text(self):
        return "\n".join(self.lines)

    def encode(self, lines):
        body = "".join(line + ending for line, ending in zip(lines, self.endings))
        return self.bom + body.encode(self.encoding)


def read(raw, path):
    """The Source of a file's bytes (UTF-8 with or without BOM, else GBK)."""
    bom = codecs.BOM_UTF8 if raw.startswith(codecs.BOM_UTF8) else b""
    data = raw[len(bom):]
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        try:
            text, encoding = data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            raise ContentError(path, None, "无法识别文件编码，请另存为 UTF-8 / cannot decode the file: save it as UTF-8") from None
    parts = _NEWLINE.split(text)
    lines, endings = parts[0::2], parts[1::2] + [""]
    return Source(lines, endings, encoding, bom)


@dataclass
class Result:
    path: str
    diff: str = ""
    changed: int = 0  # changes made (or that would be)
    kept: list = field(default_factory=list)  # (line, why) fixes not made
    written: bool = False


def _slug(title, settings):
    return fields.shorten_slug(slugify(
        str(title),
        regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
        preserve_case=settings.get("SLUGIFY_PRESERVE_CASE", False),
        use_unicode=settings.get("SLUGIFY_USE_UNICODE", False),
    ))


def _slug_from_title(path, entries, settings):
    """True unless this piece's address is not made from its title: it has
    a ``slug`` line, or it is a notice (named by its file) or an album."""
    if any(fields.canonical_key(key) == "slug" and value for key, value, _ in entries):
        return False
    if os.path.basename(path) == "album.md":
        return False
    content = os.path.abspath(settings.get("PATH", "content"))
    relative = os.path.relpath(os.path.abspath(path), content)
    folders = list(settings.get("NOTICE_PATHS", ["notices"]))
    return not any(relative == f or relative.startswith(f.rstrip("/") + os.sep) for f in folders)


def _piece_day(entries):
    for key, value, _ in entries:
        if fields.canonical_key(key) == "date" and value:
            try:
                return fields.parse_date(value).date()
            except (ValueError, AttributeError):
                return None
    return None


def _edits(source, config, state_rules, wording, path, settings, kept):
    """{line number: [(start, end, replacement)]} of the safe fixes."""
    text = source.text
    entries, _, body_line = split_header(text)
    keys = {line: fields.canonical_key(key) for key, _, line in entries}
    day = _piece_day(entries)
    by_line = {}
    for number, _, rule, _, _, data in lint_text(text, config):
        if "edits" not in data or state_rules.get(rule) == "off":
            continue
        if rule == "wording":
            entry = wording.entries[data["entry"]]
            if entry.since and day and day < entry.since:
                continue
        if number < body_line and keys.get(number) not in HEADER_FIXABLE:
            continue
        by_line.setdefault(number, []).extend(tuple(edit) for edit in data["edits"])
    edits = {}
    for number, found in by_line.items():
        chosen, last_end = [], -1
        for start, end, replacement in sorted(found):
            if start >= last_end:  # two rules on the same characters: the first
                chosen.append((start, end, replacement))
                last_end = max(end, start + 1)
        edits[number] = chosen
    for number, key in keys.items():
        if key == "title" and number in edits and _slug_from_title(path, entries, settings):
            old = source.lines[number - 1]
            new = _apply(old, edits[number])
            if _slug(_value(old), settings) != _slug(_value(new), settings):
                del edits[number]
                kept.append((number, "标题未改：改了会改变这篇稿件的网址；先加一行 slug: … 再运行 / "
                                     "title left as it is: the change would change the page's address (add a slug first)"))
    return edits


def _value(line):
    separator = re.search(r"[:：]", line)
    return line[separator.end():].strip() if separator else line


def _apply(line, edits):
    for start, end, replacement in sorted(edits, reverse=True):
        line = line[:start] + replacement + line[end:]
    return line


def fix_file(path, state, settings, dry_run=False, out=sys.stdout):
    """Fix one file; returns its Result (raises ContentError for a file
    that cannot be read back byte for byte)."""
    with open(path, "rb") as handle:
        raw = handle.read()
    source = read(raw, path)
    if source.encode(source.lines) != raw:
        raise ContentError(path, None, "文件写回后会有别的变化，未修改 / cannot write the file back unchanged: left alone")
    result = Result(relative_path(path))
    lines = list(source.lines)
    for _ in range(3):  # a fix can make another one possible (an entry, then its punctuation)
        current = Source(lines, source.endings, source.encoding, source.bom)
        kept = []
        edits = _edits(current, state.config, state.rules, state.wording, path, settings, kept)
        result.kept = kept
        if not edits:
            break
        for number, changes in edits.items():
            lines[number - 1] = _apply(lines[number - 1], changes)
            result.changed += len(changes)
    if lines != source.lines:
        name = result.path.replace(os.sep, "/").lstrip("/")
        result.diff = "".join(difflib.unified_diff(
            [line + "\n" for line in source.lines], [line + "\n" for line in lines],
            f"a/{name}", f"b/{name}",
        ))
        if not dry_run:
            data = source.encode(lines)
            temporary = f"{path}.fixing"
            with open(temporary, "wb") as handle:
                handle.write(data)
            os.replace(temporary, path)
            result.written = True
    return result
