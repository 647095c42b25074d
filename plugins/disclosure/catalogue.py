"""The 居务公开目录: one plain-text file the office edits
(``content/disclosure/catalogue.md``), read into categories and items with
the line of every field, so each problem names its file and line.

    标题：青禾社区居务公开目录
    实施日期：2026-01-01

    本目录依据……（说明文字，可不写）

    ## 机构信息

    事项：居委会机构信息
    编号：QH-01
    内容：办公地址、办公时间、联系电话、服务事项
    依据：《中华人民共和国城市居民委员会组织法》
    时限：信息形成或变更之日起 20 个工作日内
    周期：有变化时
    责任主体：青禾社区居民委员会
    公开渠道：社区网站、居务公开栏
    公开对象：全体居民

A ``## 类别`` line starts a category; items are blocks of ``字段：值`` lines
separated by a blank line, each starting with ``事项``. Parsing is pure:
it returns what it found and the problems, and reports nothing itself.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from pelican.utils import slugify

from ..metadata.fields import parse_date
from . import schedule

HEADER_KEYS = {
    "标题": "title", "title": "title",
    "实施日期": "since", "起始日期": "since", "开始日期": "since", "since": "since",
    "编制单位": "issuer", "issuer": "issuer",
    "更新日期": "updated", "修订日期": "updated", "updated": "updated",
}
ITEM_KEYS = {
    "事项": "name", "名称": "name", "公开事项": "name", "name": "name", "item": "name",
    "编号": "code", "序号": "code", "code": "code",
    "内容": "content", "公开内容": "content", "content": "content",
    "依据": "basis", "公开依据": "basis", "basis": "basis",
    "时限": "deadline", "公开时限": "deadline", "deadline": "deadline",
    "周期": "period", "公开周期": "period", "频次": "period", "period": "period",
    "责任主体": "responsible", "责任单位": "responsible", "责任部门": "responsible", "responsible": "responsible",
    "渠道": "channel", "公开渠道": "channel", "公开方式": "channel", "channel": "channel",
    "对象": "audience", "公开对象": "audience", "公开范围": "audience", "audience": "audience",
    "起始": "since", "起始日期": "since", "实施日期": "since", "since": "since",
    "说明": "note", "备注": "note", "note": "note",
}
# Every catalogue entry names these (国办发〔2019〕54号); 责任主体 defaults to the office.
REQUIRED = {
    "content": "内容", "basis": "依据", "deadline": "时限", "period": "周期",
    "channel": "公开渠道", "audience": "公开对象",
}

_KEY_LINE = re.compile(r"^\s{0,3}(?P<key>[A-Za-z][A-Za-z _-]*?|[\u4e00-\u9fff]{1,8})\s*[:：]\s*(?P<value>.*)$")
_HEADING = re.compile(r"^\s{0,3}(?P<marks>#{1,6})\s*(?P<text>.*?)\s*#*\s*$")


@dataclass
class Item:
    category: str
    name: str
    line: int  # of 事项
    code: str = ""
    content: str = ""
    basis: str = ""
    deadline_text: str = ""
    deadline: schedule.Deadline | None = None
    period: str = ""
    responsible: str = ""
    channel: str = ""
    audience: str = ""
    since: datetime.date | None = None
    note: str = ""
    anchor: str = ""
    lines: dict = field(default_factory=dict)  # field -> line

    @property
    def period_label(self):
        return schedule.PERIOD_LABELS.get(self.period, self.period)


@dataclass
class Category:
    name: str
    line: int
    items: list = field(default_factory=list)


@dataclass
class Catalogue:
    path: str
    title: str = "居务公开目录"
    since: datetime.date | None = None
    issuer: str = ""
    updated: datetime.date | None = None
    intro: list = field(default_factory=list)  # paragraphs of plain text
    categories: list = field(default_factory=list)
    lines: dict = field(default_factory=dict)

    @property
    def items(self):
        return [item for category in self.categories for item in category.items]


def _date(value):
    return parse_date(value).date()


def _clean(value):
    return unicodedata.normalize("NFC", value).strip()


def parse(text, path, default_issuer=""):
    """``(Catalogue, problems)``; each problem is ``(line, message)``."""
    catalogue = Catalogue(path, issuer=default_issuer)
    problems = []
    lines = text.split("\n")
    index = 0

    category, block, paragraph = None, None, []

    def close_paragraph():
        if paragraph:
            catalogue.intro.append("".join(part.strip() for part in paragraph))
            paragraph.clear()

    def close_block():
        nonlocal block
        if block is not None:
            _finish_item(block, catalogue, problems)
            category.items.append(block)
        block = None

    while index < len(lines):
        number, line = index + 1, lines[index]
        index += 1
        heading = _HEADING.match(line)
        if not line.strip():
            close_paragraph()
            close_block()
            continue
        if heading:
            close_paragraph()
            close_block()
            if len(heading["marks"]) == 1 and category is None and "title" not in catalogue.lines:
                catalogue.title = heading["text"] or catalogue.title
                continue
            category = Category(heading["text"], number)
            if not category.name:
                problems.append((number, "类别名称为空 / empty category name"))
            catalogue.categories.append(category)
            continue
        match = _KEY_LINE.match(line)
        if block is not None and line.startswith(("    ", "\t", "　")) and block.lines:
            last = list(block.lines)[-1]  # a long value continued on the next line
            _set(block, last, getattr(block, last if last != "deadline" else "deadline_text") + _clean(line),
                 block.lines[last], problems)
            continue
        raw = match["key"].strip() if match else ""
        folded = raw.lower() if raw.isascii() else raw
        if category is None and block is None and folded in HEADER_KEYS:
            close_paragraph()
            _header(catalogue, HEADER_KEYS[folded], raw, _clean(match["value"]), number, problems)
            continue
        key = ITEM_KEYS.get(folded) if match else None
        if category is None and block is None and key is None:
            paragraph.append(line)  # the catalogue's introduction
            continue
        if match:
            if category is None:
                problems.append((number, "事项要写在类别下面：先写一行“## 类别名”（如 ## 机构信息） / "
                                         "items go under a category: write a '## category' line first"))
                category = Category("其他", number)
                catalogue.categories.append(category)
            value = _clean(match["value"])
            if key is None:
                problems.append((number, f"未知字段“{raw}”，可用：事项、编号、内容、依据、时限、周期、责任主体、"
                                         f"公开渠道、公开对象、起始、说明 / unknown key {raw!r}"))
                continue
            if block is None:
                if key != "name":
                    problems.append((number, "每个事项的第一行要写“事项：名称”，事项之间空一行 / "
                                             "each item starts with 事项 (name); leave a blank line between items"))
                    block = Item(category.name, "", number)
                else:
                    block = Item(category.name, value, number)
                    block.lines["name"] = number
                    continue
            elif key == "name":
                problems.append((number, "上一个事项后要空一行再写下一个“事项：” / leave a blank line before the next item"))
                close_block()
                block = Item(category.name, value, number)
                block.lines["name"] = number
                continue
            if key in block.lines:
                problems.append((number, f"“{raw}”重复 / duplicate key {raw!r}"))
                continue
            block.lines[key] = number
            _set(block, key, value, number, problems)
            continue
        problems.append((number, f"这一行不是“字段：值”：“{line.strip()[:30]}” / not a 'key: value' line"))
    close_paragraph()
    close_block()
    if "since" not in catalogue.lines:
        problems.append((1, "目录开头要写实施日期（实施日期：2026-01-01），此前的公开不作要求 / "
                            "the catalogue needs 实施日期 (since): the day it took effect"))
    for item in catalogue.items:
        item.since = item.since or catalogue.since
    _check_unique(catalogue, problems)
    return catalogue, problems


def _header(catalogue, key, raw, value, number, problems):
    catalogue.lines[key] = number
    if key in ("since", "updated"):
        try:
            setattr(catalogue, key, _date(value))
        except ValueError as error:
            problems.append((number, f"{raw}: {error}"))
    elif value:
        setattr(catalogue, key, value)


def _set(item, key, value, number, problems):
    if key == "deadline":
        item.deadline_text = value
        item.deadline = schedule.parse_deadline(value)
    elif key == "period":
        try:
            item.period = schedule.parse_period(value)
        except ValueError as error:
            problems.append((number, str(error)))
            item.period = value
    elif key == "since":
        try:
            item.since = _date(value)
        except ValueError as error:
            problems.append((number, f"起始: {error}"))
    else:
        setattr(item, key, value)


def _finish_item(item, catalogue, problems):
    if not item.name:
        problems.append((item.line, "事项名称为空 / the item has no name"))
    for key, label in REQUIRED.items():
        if not getattr(item, key if key != "deadline" else "deadline_text"):
            problems.append((item.line, f"事项“{item.name}”缺少“{label}” / item {item.name!r} has no {key}"))
    if (
        item.period in schedule.PERIOD_MONTHS
        and item.deadline_text
        and item.deadline is None
    ):
        problems.append((item.lines.get("deadline", item.line), (
            f"时限“{item.deadline_text}”里没有天数，无法计算到期日；请写成“季度结束后 15 日内”或“20 个工作日内” / "
            f"deadline {item.deadline_text!r} names no number of days (e.g. 15 日, 20 个工作日)"
        )))
    item.responsible = item.responsible or catalogue.issuer
    item.anchor = "item-" + slugify(
        item.code or item.name, regex_subs=[(r"[^\w\s-]", ""), (r"[-\s]+", "-")], preserve_case=False,
        use_unicode=False,
    ).strip("-")


def _check_unique(catalogue, problems):
    seen = {}
    for item in catalogue.items:
        for key in filter(None, {item.name, item.code}):
            other = seen.get(key.lower())
            if other is not None and other is not item:
                problems.append((item.line, f"事项名称或编号“{key}”与第 {other.line} 行重复 / "
                                            f"{key!r} is used by the item on line {other.line} too"))
            seen[key.lower()] = item
    anchors = {}
    for item in catalogue.items:
        if item.anchor in anchors and anchors[item.anchor] is not item:
            item.anchor += f"-{item.line}"
        anchors[item.anchor] = item
