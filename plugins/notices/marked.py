"""The personal-data block of a 公示 (SPEC §3, PIPL Art. 47).

An editor wraps the list of names in two marker lines::

    <!-- 公示名单 -->
    | 序号 | 姓名 | 楼栋 |
    ...
    <!-- /公示名单 -->

Until ``expires`` (inclusive) the block is published inside
``<div class="publicity-list">``. From the day after, the lines are cut out of
the Markdown source *before* it is rendered, so the names cannot reach any
output (page, feed, search index); a one-line note takes their place.

Markers inside fenced code blocks are left alone (the README shows them).
"""

import re

from markdown.preprocessors import Preprocessor

from .status import iso

BLOCK_NAME = "公示名单"
_MARKER = re.compile(r"^\s{0,3}<!--\s*(?P<end>[/／])?\s*公示名单\s*(?P<tail>结束)?\s*-->\s*$")
# Anything that looks like a marker but is not one exactly is reported.
_NEAR_MISS = re.compile(r"<[!！]\s*-*\s*[/／]?\s*公示名单|公示名单\s*-*\s*>")
_FENCE = re.compile(r"^\s{0,3}(?P<fence>`{3,}|~{3,})")

OPEN_HTML = '<div class="publicity-list" markdown="1">'
CLOSE_HTML = "</div>"


class BlockError(ValueError):
    def __init__(self, index, message):
        super().__init__(message)
        self.index = index  # 0-based line index in the body


def removed_note(expires):
    return f"公示期已于 {iso(expires)} 结束，名单已按规定删除。"


def find_blocks(lines):
    """``[(start, end)]`` line indexes of the marker lines of each block."""
    blocks, start, fence = [], None, None
    for index, line in enumerate(lines):
        fenced = _FENCE.match(line)
        if fence is not None:
            if fenced and fenced["fence"][0] == fence[0] and len(fenced["fence"]) >= len(fence):
                fence = None
            continue
        if fenced:
            fence = fenced["fence"]
            continue
        marker = _MARKER.match(line)
        if marker is None:
            if _NEAR_MISS.search(line):
                raise BlockError(
                    index,
                    f"公示名单标记写法不对：“{line.strip()}”，应单独一行写 <!-- 公示名单 --> 或 <!-- /公示名单 --> / "
                    "malformed list marker: write <!-- 公示名单 --> and <!-- /公示名单 --> on lines of their own",
                )
            continue
        closing = bool(marker["end"] or marker["tail"])
        if not closing:
            if start is not None:
                raise BlockError(
                    index,
                    "上一个公示名单还没有结束（缺少 <!-- /公示名单 -->） / "
                    "the previous list block is not closed: add <!-- /公示名单 -->",
                )
            start = index
        else:
            if start is None:
                raise BlockError(
                    index,
                    "公示名单结束标记前没有开始标记 <!-- 公示名单 --> / "
                    "list block closed but never opened: add <!-- 公示名单 -->",
                )
            blocks.append((start, index))
            start = None
    if start is not None:
        raise BlockError(
            start,
            "公示名单没有结束标记 <!-- /公示名单 -->，为防止名单过期后仍被发布，请补上 / "
            "list block never closed: add <!-- /公示名单 --> so the list can be removed when the period ends",
        )
    return blocks


def apply_blocks(lines, keep, expires):
    """The body lines with each block kept (wrapped) or replaced by the note."""
    blocks = find_blocks(lines)
    if not blocks:
        return list(lines)
    out, position = [], 0
    for start, end in blocks:
        out.extend(lines[position:start])
        if keep:
            out.extend(["", OPEN_HTML, ""])
            out.extend(lines[start + 1:end])
            out.extend(["", CLOSE_HTML, ""])
        else:
            out.extend(["", f'<p class="publicity-removed">{removed_note(expires)}</p>', ""])
        position = end + 1
    out.extend(lines[position:])
    return out


def list_is_public(expires, today):
    """The list is published through the last day of the period."""
    return expires is not None and today <= expires


class PublicityListPreprocessor(Preprocessor):
    """Runs on the body's lines before any Markdown parsing. ``decide`` returns
    ``(keep, expires)`` for the file being read, or raises to stop."""

    def __init__(self, md, decide):
        super().__init__(md)
        self.decide = decide

    def run(self, lines):
        blocks = find_blocks(lines)
        if not blocks:
            return lines
        keep, expires = self.decide(blocks)
        return apply_blocks(lines, keep, expires)
