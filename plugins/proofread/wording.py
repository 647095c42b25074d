"""The 规范表述 list: wrong forms an office never wants to publish, each with
its right form, found with one Aho-Corasick automaton (pyahocorasick).

The list is a plain UTF-8 (or GBK) text file the operator keeps
(``PROOFREAD_WORDING``, default ``wording.txt``), one entry a line::

    错误写法 → 正确写法 | 级别 | 说明 | 选项

- ``→`` may also be written ``->`` or ``=>``; fields are separated by ``|``
  (or the full-width ``｜``); only the first two are required.
- 级别: ``错误``/``error`` (the default: stops ``make publish``) or
  ``提醒``/``warning``.
- 选项, separated by spaces or commas: ``自动``/``auto`` — ``make fix`` may
  replace it (only for a pair that is wrong in every context: 错别字);
  ``2018-03-17起``/``since:2018-03-17`` — only pieces dated on or after it
  (an old name was right when the old article was written).
- ``允许：短语`` / ``allow: phrase`` — a phrase never reported although it
  contains a wrong form (``允许：习近平新时代中国特色社会主义思想``).
- ``#`` starts a comment; blank lines are ignored.

Matching is leftmost-longest without overlaps, so a longer entry or an
allowed phrase that starts at or before a shorter wrong form wins.
"""

import datetime
import hashlib
import re
from dataclasses import dataclass

import ahocorasick

from ..metadata.encoding import decode_source

ERROR, WARNING = "error", "warning"
_LEVELS = {"error": ERROR, "错误": ERROR, "严重": ERROR, "warning": WARNING, "warn": WARNING, "提醒": WARNING, "警告": WARNING}
_ARROW = re.compile(r"\s*(?:→|->|=>|⇒)\s*")
_FIELD = re.compile(r"\s*[|｜]\s*")
_ALLOW = re.compile(r"^(?:允许|allow)\s*[:：]\s*(?P<phrase>.+)$", re.I)
_SINCE = re.compile(r"^(?:since[:：]?\s*)?(?P<day>\d{4}-\d{1,2}-\d{1,2})\s*(?:起|以后|之后)?$", re.I)
_AUTO = {"自动", "auto", "autofix", "可自动改"}


@dataclass(frozen=True)
class Entry:
    wrong: str
    right: str
    level: str  # error | warning
    reason: str
    auto: bool  # make fix may replace it
    since: datetime.date | None  # only pieces dated on or after
    line: int  # in the list file, for messages


class WordingListError(ValueError):
    def __init__(self, line, message):
        super().__init__(message)
        self.line = line


def parse_list(text):
    """``(entries, allowed phrases)`` of a list file's text; a line that
    cannot be read raises WordingListError with its line number."""
    entries, allowed, seen = [], [], {}
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not line:
            continue
        allow = _ALLOW.match(line)
        if allow:
            allowed.append(allow["phrase"].strip())
            continue
        pair, *rest = _FIELD.split(line)
        parts = _ARROW.split(pair, maxsplit=1)
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            raise WordingListError(number, "应写成“错误写法 → 正确写法 | 级别 | 说明” / expected 'wrong → right | level | reason'")
        wrong, right = parts[0].strip(), parts[1].strip()
        if wrong == right:
            raise WordingListError(number, f"“{wrong}”的错误写法与正确写法相同 / wrong and right forms are the same")
        if wrong in seen:
            raise WordingListError(number, f"“{wrong}”已在第 {seen[wrong]} 行 / already on line {seen[wrong]}")
        level = _LEVELS.get(rest[0].strip().lower(), None) if rest and rest[0].strip() else ERROR
        if level is None:
            raise WordingListError(number, f"级别“{rest[0]}”应为 错误 或 提醒 / level must be error or warning")
        reason = rest[1].strip() if len(rest) > 1 else ""
        auto, since = False, None
        for option in re.split(r"[\s,，、]+", rest[2]) if len(rest) > 2 else []:
            if not option:
                continue
            if option.lower() in _AUTO:
                auto = True
                continue
            day = _SINCE.match(option)
            if day is None:
                raise WordingListError(number, f"选项“{option}”不认识（可写 自动、2018-03-17起） / unknown option {option!r}")
            try:
                since = datetime.date(*map(int, day["day"].split("-")))
            except ValueError:
                raise WordingListError(number, f"日期“{day['day']}”不存在 / no such date") from None
        seen[wrong] = number
        entries.append(Entry(wrong, right, level, reason, auto, since, number))
    return entries, allowed


class WordingList:
    """A parsed list and its automaton; ``find(text)`` is pure and fast."""

    def __init__(self, entries, allowed=(), digest=""):
        self.entries = list(entries)
        self.allowed = list(allowed)
        self.digest = digest
        self._automaton = None
        if self.entries:
            automaton = ahocorasick.Automaton()
            for index, entry in enumerate(self.entries):
                automaton.add_word(entry.wrong, (index, len(entry.wrong)))
            for phrase in self.allowed:
                if phrase not in automaton:
                    automaton.add_word(phrase, (-1, len(phrase)))
            automaton.make_automaton()
            self._automaton = automaton
            # Text with none of the wrong forms' first characters has nothing to find.
            self._first = frozenset(entry.wrong[0] for entry in self.entries)

    def find(self, text):
        """``[(start, end, entry index)]`` of every wrong form in ``text``."""
        if self._automaton is None or self._first.isdisjoint(text):
            return []
        found = []
        for end, (index, length) in self._automaton.iter_long(text):
            if index >= 0:
                found.append((end + 1 - length, end + 1, index))
        return found


EMPTY = WordingList([])


def load_list(path):
    """The WordingList of the file at ``path`` (EMPTY when there is none);
    raises OSError, WordingListError, or ContentError for an unreadable file."""
    with open(path, "rb") as handle:
        raw = handle.read()
    text, _ = decode_source(raw, path)
    entries, allowed = parse_list(text)
    return WordingList(entries, allowed, hashlib.blake2b(raw, digest_size=8).hexdigest())
