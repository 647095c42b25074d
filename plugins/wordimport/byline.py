"""Byline and date lines of Chinese news copy, as correspondents type them.

    记者 林晓岚 通讯员 陈雨桐          来源：临江融媒
    （通讯员 张三 李四）               本报讯（记者 张三）10 月 11 日上午……
    文/图 王五    文：张三 图：李四    责任编辑：赵六
    2026年11月18日    二〇二六年十一月十八日    日期：2026-11-18 15:30

A line is a byline only when *all* of it is roles and names; a sentence that
starts with 记者 (“记者从社区了解到……”) is body text and stays.
"""

import re
import unicodedata

from ..metadata.fields import parse_date

# Label as written → the header keys it fills. Longest labels first in the pattern.
ROLES = {
    "文/图": ("reporters", "photographers"), "图/文": ("reporters", "photographers"),
    "文图": ("reporters", "photographers"), "图文": ("reporters", "photographers"),
    "本报记者": ("reporters",), "本台记者": ("reporters",), "全媒体记者": ("reporters",),
    "融媒体记者": ("reporters",), "见习记者": ("reporters",), "特约记者": ("reporters",), "记者": ("reporters",),
    "作者": ("reporters",), "撰稿": ("reporters",), "撰文": ("reporters",), "文字": ("reporters",), "文": ("reporters",),
    "特约通讯员": ("correspondents",), "通讯员": ("correspondents",),
    "摄影": ("photographers",), "图片": ("photographers",), "摄": ("photographers",), "图": ("photographers",),
    "来源": ("source",), "稿源": ("source",), "信息来源": ("source",), "供稿": ("source",),
    "责任编辑": ("editor",), "责编": ("editor",), "编辑": ("editor",),
    # Sign-offs the office gives itself: recognised so they leave the body, never filled in.
    "审核": ("reviewer",), "审稿": ("reviewer",), "终审": ("approver",),
}
PEOPLE = {"reporters", "correspondents", "photographers", "editor"}

_LABEL = "|".join(re.escape(label) for label in sorted(ROLES, key=len, reverse=True))
# A label starts the line or follows a space; it is followed by a colon, a
# slash, a bar or a space (so 文静 is a name, not the label 文 + 静).
_SEGMENT = re.compile(rf"(?:^|(?<=\s))(?P<label>{_LABEL})\s*(?:[:/|]\s*|\s+)")
_NAME = re.compile(r"^(?:[\u3400-\u9fff]{2,5}(?:[·•][\u3400-\u9fff]{1,8})?|[A-Za-z][A-Za-z .'-]{1,30})$")
_LEAD_IN = re.compile(r"^(?P<lead>(?:本报讯|本网讯|本台讯|讯)?\s*)[(](?P<inner>[^()]{2,60})[)]\s*")
_TRAILER = re.compile(r"\s*[(](?P<inner>[^()]{2,60})[)]\s*$")
_DATE_PREFIX = re.compile(r"^(?:日期|时间|发布时间|发稿时间)\s*:\s*")
_CHINESE_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")


def _plain(text):
    """Full-width colons, parentheses, slashes and spaces as ASCII; runs of space as one."""
    line = " ".join(unicodedata.normalize("NFKC", text).split())
    return re.sub(r" ?([/|]) ?", r"\1", line)


def parse_byline(text):
    """``{key: [names]}`` (``source``: a string) when the whole line is a
    byline, else None."""
    line = _plain(text)
    if line.startswith("(") and line.endswith(")"):
        line = line[1:-1].strip()
    if not line or len(line) > 80:
        return None
    matches = list(_SEGMENT.finditer(line))
    if not matches or matches[0].start() != 0:
        return None
    found = {}
    for match, following in zip(matches, matches[1:] + [None]):
        value = line[match.end(): following.start() if following else len(line)].strip(" ,;、，；")
        if not value:
            return None
        keys = ROLES[match["label"]]
        if keys == ("source",):
            if re.search(r"[。!?！？]", value):
                return None
            found["source"] = value
            continue
        names = [name for name in re.split(r"[\s、,;，；]+", value) if name]
        if not all(_NAME.match(name) for name in names):
            return None
        for key in keys:
            found.setdefault(key, [])
            found[key] += [name for name in names if name not in found[key]]
    return found


def split_lead_in(text):
    """``(byline, rest)`` for a first paragraph that opens with one, such as
    ``本报讯（记者 张三）10 月 11 日上午……``; else ``(None, text)``."""
    match = _LEAD_IN.match(unicodedata.normalize("NFKC", text[:80]))
    if not match:
        return None, text
    byline = parse_byline(match["inner"])
    if not byline:
        return None, text
    # NFKC maps one character to one here (full-width brackets and spaces), so
    # the offset is valid in the original text too.
    return byline, text[match.end():]


def split_trailer(text):
    """``(byline, rest)`` for a last paragraph ending in ``（通讯员 张三 李四）``."""
    match = _TRAILER.search(unicodedata.normalize("NFKC", text))
    if not match:
        return None, text
    byline = parse_byline(match["inner"])
    if not byline:
        return None, text
    return byline, text[:match.start()].rstrip()


def parse_date_line(text):
    """A paragraph that is only a date (optionally ``日期：``): a datetime when
    a time is given, a date otherwise; else None."""
    line = _DATE_PREFIX.sub("", _plain(text)).strip()
    if not line or len(line) > 30:
        return None
    if re.search("[〇零一二三四五六七八九十]", line):
        line = _chinese_numerals(line)
    try:
        value = parse_date(line)
    except ValueError:
        return None
    if not 1990 <= value.year <= 2100:
        return None
    has_time = re.search(r"\d\s*[:时]\s*\d", line)
    return value if has_time else value.date()


def _chinese_numerals(line):
    """二〇二六年十一月十八日 → 2026年11月18日 (tens written with 十)."""
    def tens(match):
        before, after = match["before"], match["after"]
        return str((int(before.translate(_CHINESE_DIGITS)) if before else 1) * 10
                   + (int(after.translate(_CHINESE_DIGITS)) if after else 0))

    line = re.sub(r"(?P<before>[一二三四五六七八九]?)十(?P<after>[一二三四五六七八九]?)", tens, line)
    return line.translate(_CHINESE_DIGITS)


def merge(into, found):
    """Add one line's roles to what the document gave so far."""
    for key, value in found.items():
        if key == "source":
            into.setdefault("source", value)
        else:
            into.setdefault(key, [])
            into[key] += [name for name in value if name not in into[key]]
    return into
