"""The content model of SPEC §3: canonical keys, their Chinese aliases, and how
each value is parsed. Parsers raise ValueError with a message for the editor."""

import datetime
import re
import unicodedata

ALIASES = {
    "标题": "title",
    "日期": "date",
    "发布时间": "date",
    "栏目": "category",
    "标签": "tags",
    "摘要": "summary",
    "来源": "source",
    "记者": "reporters",
    "通讯员": "correspondents",
    "摄影": "photographers",
    "责任编辑": "editor",
    "编辑": "editor",
    "审核": "reviewer",
    "终审": "approver",
    "封面": "cover",
    "相册": "album",
    "状态": "status",
    "发布单位": "issuer",
    "文号": "docnumber",
    "类型": "kind",
    "生效日期": "effective",
    "截止日期": "expires",
    "置顶": "pinned",
    "附件": "attachments",
    "有效性": "validity",
    "替代文件": "replacedby",
    "原标题": "original_title",
    "原文链接": "original_url",
    "修改时间": "modified",
    "别名": "slug",
    # 居务公开 (plugins/disclosure): 发文字号 is the official name of 文号.
    "发文字号": "docnumber",
    "索引号": "indexnumber",
    "公开事项": "disclosure",
    "报告期": "report_period",
    "解读": "explains",
}

# Keys whose value is a list, and how a list is written by editors.
LIST_FIELDS = {"tags", "reporters", "correspondents", "photographers", "attachments", "disclosure"}
# Names never contain spaces in Chinese, so a space separates names too; tags
# and file names may contain spaces.
NAME_LIST_FIELDS = {"reporters", "correspondents", "photographers"}
DATE_FIELDS = {"date", "modified", "effective", "expires"}
BOOLEAN_FIELDS = {"pinned"}
URL_FIELDS = {"original_url"}
SLUG_MAX_LENGTH = 80

STATUS_VALUES = {
    "published": "published",
    "发布": "published",
    "已发布": "published",
    "draft": "draft",
    "草稿": "draft",
    "hidden": "hidden",
    "隐藏": "hidden",
}

_TRUE = {"true", "yes", "1", "是", "对", "y"}
_FALSE = {"false", "no", "0", "否", "不", "n", ""}

_DATE_PATTERN = re.compile(
    r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[ T]+(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{1,2})\s*分?"
    r"(?:\s*[:：]\s*(?P<S>\d{1,2})\s*秒?)?)?$"
)


def canonical_key(key):
    key = key.strip()
    return ALIASES.get(key, key.lower())


def parse_date(value):
    """``YYYY-MM-DD[ HH:MM]``, also ``2024/7/1`` and ``2024年7月1日 15:50``."""
    # Chinese input mode types full-width digits and colons: ２０２４－０７－０１　１５：５０.
    value = unicodedata.normalize("NFKC", value)
    match = _DATE_PATTERN.match(value.strip())
    if not match:
        raise ValueError(
            f"日期格式不对：“{value}”，应为 YYYY-MM-DD 或 YYYY-MM-DD HH:MM / "
            f"bad date {value!r}: use YYYY-MM-DD or YYYY-MM-DD HH:MM"
        )
    parts = {k: int(v) for k, v in match.groupdict().items() if v is not None}
    try:
        return datetime.datetime(
            parts["y"], parts["m"], parts["d"], parts.get("H", 0), parts.get("M", 0), parts.get("S", 0)
        )
    except ValueError:
        raise ValueError(
            f"不存在的日期：“{value}” / no such date {value!r}"
        ) from None


def parse_list(value, names=False):
    separators = r"[,，、;；\s]+" if names else r"[,，、;；]+"
    items = [item.strip() for item in re.split(separators, value)]
    items = [item for item in items if item]
    if not items:
        raise ValueError(f"列表为空：“{value}” / empty list")
    for item in items:
        if re.search(r"[。！？!?]", item) or len(item) > 40:
            raise ValueError(
                f"“{item}”不像列表项，请用 、 或 , 分隔 / "
                f"{item!r} does not look like a list item: separate items with 、 or ,"
            )
    return items


def parse_boolean(value):
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(
        f"“{value}”应为 是/否 或 true/false / {value!r} must be true/false (是/否)"
    )


def parse_status(value):
    status = STATUS_VALUES.get(value.strip().lower())
    if status is None:
        raise ValueError(
            f"状态“{value}”未知，可用 published / draft / hidden（发布 / 草稿 / 隐藏）/ "
            f"unknown status {value!r}"
        )
    return status


def parse_url(value):
    """Links to other sites: http(s) only, never ``javascript:`` or ``data:``."""
    url = value.strip()
    if not re.match(r"^https?://[^\s/]+", url, re.I):
        raise ValueError(
            f"链接应以 http:// 或 https:// 开头：“{url}” / a link must start with http:// or https://"
        )
    return url


def shorten_slug(slug, limit=SLUG_MAX_LENGTH):
    """A generated slug (pinyin of a long title) cut at a word boundary, so
    the address stays a usable file name and fits in a QR code."""
    if len(slug) <= limit:
        return slug
    cut = slug[:limit]
    return cut.rsplit("-", 1)[0] if "-" in cut else cut
