"""The lint of one editor's file: a pure function of its text and the
configuration, whose result is plain data (it is kept across builds in the
memo, plugins/memo.py). Severity, messages and what is published are
decided later, on every build (__init__.py).

A finding is ``[line, column, rule, old, new, data]``:

- line and column (1-based) in the source file as the editor sees it;
- rule: a typography rule (typography.RULES), ``wording``, ``masking`` or
  ``address``;
- old → new: what is written and what it should be (a short snippet; for
  masking, ``old`` is empty: a log must not repeat what was shown);
- data: ``edits`` ([[start, end, replacement]] in the line, what `make fix`
  may apply), ``entry`` (index in the wording list), ``kind``/``shown``
  (masking), ``block`` (the line is in a 公示名单 block).
"""

import bisect
import re
from dataclasses import dataclass

from ..metadata import fields
from ..metadata.reader import split_header
from ..privacy.masking import _ANY_MASK, find_bad_masks, find_door_numbers
from ..privacy.pii import mask_text
from . import typography
from .wording import EMPTY, WordingList

# Header values that are published text: typography is checked in these.
TYPOGRAPHY_KEYS = {"title", "summary"}
# Header values whose words are checked against the wording list (titles,
# names of columns, tags, sources and issuing bodies: not people's names,
# dates, addresses or quoted original titles).
WORDING_KEYS = {"title", "summary", "category", "tags", "source", "issuer"}
# Keys whose values are never published as text.
UNPUBLISHED_KEYS = {"slug", "template", "status", "save_as", "url", "lang", "translation", "replacedby"}
_COMMENT = re.compile(r"^\s*<!--.*-->\s*$")
_COMMENT_SPAN = re.compile(r"<!--.*?(?:-->|$)")
_MARKER = re.compile(r"^\s{0,3}<!--\s*([/／])?\s*公示名单\s*(结束)?\s*-->\s*$")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_KIND = re.compile(r"^\s*(?:类型|kind)\s*[:：]\s*(公示|publicity)\s*$", re.I | re.M)
SNIPPET = 6  # characters of context each side of a typography change
_SEPARATOR = re.compile(r"[:：]")
_NEWLINE = re.compile(r"\n")
_NUMBERISH = re.compile(r"[0-9０-９Xx*＊+\- ]")


@dataclass(frozen=True)
class Config:
    typography: tuple = ()  # enabled typography rules
    wording: WordingList = EMPTY
    masking: bool = True
    addresses: bool = True


def lint_text(text, config):
    """Every finding in one file's text (see the module's docstring)."""
    lines = text.split("\n")
    entries, _, body_line = split_header(text)
    header = {}  # line -> (canonical key, where the value starts)
    for key, value, number in entries:
        raw = lines[number - 1]
        separator = _SEPARATOR.search(raw)
        header[number] = (fields.canonical_key(key), separator.end() if separator else 0)
    blocks = _block_lines(lines, body_line)
    found = []
    if config.typography:
        found += _typography(text, lines, header, body_line, config.typography)
    if config.wording.entries:
        found += _wording(text, lines, header, body_line, config.wording)
    if config.masking and _ANY_MASK.search(text):
        for number, line in enumerate(lines, 1):
            if number in header and header[number][0] in UNPUBLISHED_KEYS:
                continue
            for bad in find_bad_masks(line):
                found.append([number, bad.start + 1, "masking", "", bad.suggestion, {"kind": bad.kind, "shown": bad.shown}])
    if config.addresses:
        publicity = bool(_KIND.search("\n".join(lines[: body_line - 1])))
        for number in range(body_line, len(lines) + 1):
            line = lines[number - 1]
            if number in blocks or (publicity and line.lstrip().startswith("|")):
                for door in find_door_numbers(line):
                    found.append([number, door.start + 1, "address", line[door.start:door.end].strip(), door.suggestion, {}])
    for finding in found:
        if finding[0] in blocks:
            finding[5]["block"] = True
    found.sort(key=lambda f: (f[0], f[1], f[2]))
    return found


def _block_lines(lines, body_line):
    """Line numbers inside 公示名单 blocks (the marker lines excluded)."""
    inside, start, fence = set(), None, None
    for number in range(body_line, len(lines) + 1):
        line = lines[number - 1]
        fenced = _FENCE.match(line)
        if fence is not None:
            if fenced and fenced.group(1)[0] == fence[0]:
                fence = None
            continue
        if fenced:
            fence = fenced.group(1)
            continue
        marker = _MARKER.match(line)
        if marker and (marker.group(1) or marker.group(2)):
            if start is not None:
                inside.update(range(start + 1, number))
            start = None
        elif marker:
            start = number
    return inside


def _typography(text, lines, header, body_line, enabled):
    # Only the body and the title and summary values are looked at: most
    # files need no autocorrect call ("Title: 标题" alone would call it).
    looked_at = [lines[n - 1][start:] for n, (key, start) in header.items() if key in TYPOGRAPHY_KEYS]
    looked_at += lines[body_line - 1:]
    if not typography.may_need("\n".join(looked_at), enabled):
        return []
    typography.configure(enabled)
    found = []
    for number, corrected in sorted(typography.proposals(text, enabled).items()):
        if number < body_line:
            key, value_start = header.get(number, (None, 0))
            if key not in TYPOGRAPHY_KEYS:
                continue
        else:
            value_start = 0
        line = lines[number - 1]
        if _COMMENT.match(line):
            continue
        comments = _comment_spans(line)
        by_rule = {}
        for start, end, replacement, rule in typography.changes(line, corrected):
            if start >= value_start and rule in enabled and not _inside(start, comments):
                by_rule.setdefault(rule, []).append([start, end, replacement])
        for rule, edits in by_rule.items():
            old, new = _snippet(line, edits)
            found.append([number, edits[0][0] + 1, rule, old, new, {"edits": edits}])
    return found


def _comment_spans(line):
    """Where HTML comments are in a line: never published."""
    return [(m.start(), m.end()) for m in _COMMENT_SPAN.finditer(line)] if "<!--" in line else []


def _inside(position, spans):
    return any(start <= position < end for start, end in spans)


def _snippet(line, edits):
    """(before, after) around the first edits, a few characters each side.
    A number the window touches is shown whole and masked: messages end up
    in CI logs and chat groups, never a personal number (plugins/privacy)."""
    first = edits[0]
    shown = [e for e in edits if e[0] - first[1] <= SNIPPET * 2][:3]
    start = max(0, first[0] - SNIPPET)
    end = min(len(line), max(e[1] for e in shown) + SNIPPET)
    while start > 0 and _NUMBERISH.match(line[start - 1]):
        start -= 1
    while end < len(line) and _NUMBERISH.match(line[end]):
        end += 1
    old = line[start:end]
    new = typography.apply(old, [(s - start, e - start, r) for s, e, r in shown])
    return mask_text(old), mask_text(new)


def _wording(text, lines, header, body_line, wording):
    found = []
    for number, (key, value_start) in header.items():
        if key in WORDING_KEYS:
            line = lines[number - 1]
            for start, end, index in wording.find(line[value_start:]):
                found.append(_wording_finding(number, value_start + start, value_start + end, index, wording))
    body = "\n".join(lines[body_line - 1:])
    matches = wording.find(body)
    if not matches:
        return found
    starts = [0] + [m.end() for m in _NEWLINE.finditer(body)]
    for start, end, index in matches:
        row = bisect.bisect_right(starts, start) - 1
        number = body_line + row
        offset = starts[row]
        if _inside(start - offset, _comment_spans(lines[number - 1])):
            continue
        found.append(_wording_finding(number, start - offset, end - offset, index, wording))
    return found


def _wording_finding(number, start, end, index, wording):
    entry = wording.entries[index]
    data = {"entry": index}
    if entry.auto:
        data["edits"] = [[start, end, entry.right]]
    return [number, start + 1, "wording", entry.wrong, entry.right, data]
