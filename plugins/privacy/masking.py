"""Masked numbers written by hand, and door numbers in 公示 lists.

``pii.py`` finds whole personal numbers; this finds the ones an editor
masked by hand in a form that is not the accepted one (SPEC §9: no national
format, local government practice):

- mobile: the first 3 and last 4 digits, the 4 between masked —
  ``138****1234``; ``138***1234`` (a star too few) or ``1381234****``
  (seven digits shown) is reported;
- resident ID: at most the first 6 and the last 4 characters (3 of a
  15-digit number) shown, so the birth date is always hidden —
  ``110105********002X``; ``110105194912****2X`` is reported;
- bank card: at most the first 6 and the last 4 shown.

A form that shows less than these (``*******5678``) is accepted. What
``pii.mask_text`` writes always passes (tested).

A 公示 list publishes where a person lives: down to the building (``3栋``),
never the door (``3栋2单元501室``, ``3-2-501``).

Pure functions on text; messages never repeat what was shown, only the
corrected form.
"""

import re
from dataclasses import dataclass

MASKS = "*＊×●■○□※"
_M = re.escape(MASKS)
_D = "0-9０-９"
_TOKEN = re.compile(
    rf"(?<![{_D}A-Za-z{_M}])(?:(?:\+|00)?86[- ]?)?[{_D}{_M}](?:[- ]?[{_D}{_M}]){{8,21}}[{_D}Xx{_M}]?(?![{_D}A-Za-z{_M}])"
)
_ANY_MASK = re.compile(f"[{_M}]")
_HALF = str.maketrans("０１２３４５６７８９＊", "0123456789*")
_PREFIX = re.compile(r"^(?:\+|00)?86[- ]?")
_CARD_WORDS = re.compile(r"卡|账号|账户|帐号|帐户")


@dataclass(frozen=True)
class BadMask:
    kind: str  # mobile | id | bankcard
    start: int
    end: int
    suggestion: str  # the accepted form, from what was shown ("" when it cannot be told)
    shown: int  # characters shown beyond the accepted form (0: wrong length)


def _visible(core):
    """(digits shown before the first mask, after the last, anywhere between)."""
    masked = [i for i, c in enumerate(core) if c in MASKS]
    if not masked:
        return len(core), 0, 0
    first, last = masked[0], masked[-1]
    middle = sum(1 for c in core[first:last] if c not in MASKS)
    return first, len(core) - last - 1, middle


def _masked_form(core, keep_head, keep_tail):
    return "".join(c if i < keep_head or i >= len(core) - keep_tail else "*" for i, c in enumerate(core))


def _check(core):
    """``(kind, suggestion, shown)`` for a masked number that is not in an
    accepted form, None when it is (or is no number we know)."""
    n = len(core)
    digits = sum(c.isdigit() for c in core)
    if digits == 0 or digits == n:
        return None
    head, tail, middle = _visible(core)
    if n == 11 and (core[0] == "1" or core[0] in MASKS):
        if head <= 3 and tail <= 4 and middle == 0:
            return None
        shown = max(head - 3, 0) + max(tail - 4, 0) + middle
        return "mobile", _masked_form(core, min(head, 3), min(tail, 4)), shown
    if n in (10, 12) and re.match(r"1[3-9]", core) and core[-4:].isdigit() and head <= 3 + (n == 12):
        # A star too few or too many: the reader cannot tell what was dropped.
        return "mobile", core[:3] + "****" + core[-4:], 0
    if n in (15, 18):
        keep = 3 if n == 15 else 4
        if head <= 6 and tail <= keep and middle == 0:
            return None
        return "id", _masked_form(core, min(head, 6), min(tail, keep)), max(head - 6, 0) + max(tail - keep, 0) + middle
    if 16 <= n <= 19:
        if head <= 6 and tail <= 4 and middle == 0:
            return None
        return "bankcard", _masked_form(core, min(head, 6), min(tail, 4)), max(head - 6, 0) + max(tail - 4, 0) + middle
    return None


def find_bad_masks(line):
    """Every hand-masked number in ``line`` whose form is not accepted."""
    if not _ANY_MASK.search(line):
        return []
    found = []
    for match in _TOKEN.finditer(line):
        token = match.group()
        start, end = match.start(), match.end()
        # Markdown bold around a number: **138****1234**
        if token.startswith("**") and token[2:3].isdigit() and token.endswith("**") and token[-3:-2].isdigit():
            token, start, end = token[2:-2], start + 2, end - 2
        plain = _PREFIX.sub("", token.translate(_HALF))
        core = plain.replace(" ", "").replace("-", "").upper()
        if not any(c in MASKS for c in core):
            continue
        checked = _check(core)
        if checked is not None:
            kind = checked[0]
            if kind == "id" and len(core) == 18 and _CARD_WORDS.search(line[max(0, start - 8):start]):
                kind = "bankcard"  # 18 digits: the words before it tell a card from an ID
            found.append(BadMask(kind, start, end, checked[1], checked[2]))
    return found


# --- addresses in 公示 lists ----------------------------------------------------

_DOOR_PATTERNS = (
    re.compile(rf"[{_D}]+\s*室"),
    re.compile(
        rf"(?<=栋|幢|楼|座|元)\s*[-－—]?\s*[{_D}]{{3,4}}(?:\s*[室号])?"
        rf"(?![{_D}]|\s*(?:年|元|人|名|户|岁|平|㎡|米|万|天|个|次|期|号楼|栋|幢|单元|层|楼))"
    ),
    re.compile(rf"(?<![{_D}])[{_D}]{{1,3}}\s*[-－—]\s*[{_D}]{{1,2}}\s*[-－—]\s*[{_D}]{{3,4}}(?![{_D}])"),
)
_BUILDING = re.compile(rf"[{_D}A-Za-z]+\s*(?:栋|幢|号楼|座)")
_CELL_MARKS = ("|", "、", "，", ",", "：", ":", "；", "（", "(")
_DASHED = re.compile(rf"[{_D}]{{1,3}}(?=\s*[-－—])")


@dataclass(frozen=True)
class Door:
    start: int
    end: int
    suggestion: str  # the address cut at the building ("" when none is written)


def find_door_numbers(line):
    """Door numbers in one line of a 公示 list (its table row or list item)."""
    found = []
    taken = []
    for pattern in _DOOR_PATTERNS:
        for match in pattern.finditer(line):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            taken.append((match.start(), match.end()))
            cell_start = max(line.rfind(mark, 0, match.start()) for mark in _CELL_MARKS) + 1
            before = line[cell_start:match.start()].lstrip("-*+ ")
            buildings = list(_BUILDING.finditer(before))
            if buildings:
                suggestion = before[:buildings[-1].end()].strip()
            elif pattern is _DOOR_PATTERNS[2]:
                suggestion = _DASHED.match(match.group().strip()).group() + "栋"
            else:
                suggestion = ""
            found.append(Door(match.start(), match.end(), suggestion))
    return sorted(found, key=lambda door: door.start)
