"""Notice status and validity as data (SPEC §3), computed against BUILD_DATE.

Pure functions on dates, so every boundary is tested without building a site:

* 未生效 — the build day is before ``effective``;
* 生效中 — in force;
* 即将截止 — in force and ``expires`` is at most ``NOTICE_SOON_DAYS`` days away
  (the day of ``expires`` itself counts as 0 days: still in force);
* 已截止 — the build day is after ``expires``: the notice moves to the archive.
"""

import datetime
from dataclasses import dataclass

UPCOMING, IN_FORCE, SOON, EXPIRED = "upcoming", "in-force", "soon", "expired"

STATUS_LABELS = {
    UPCOMING: "未生效",
    IN_FORCE: "生效中",
    SOON: "即将截止",
    EXPIRED: "已截止",
}

KINDS = {"通知": "tongzhi", "公告": "gonggao", "公示": "gongshi"}
KIND_ALIASES = {"notice": "通知", "announcement": "公告", "publicity": "公示"}
PUBLICITY = "公示"

VALID, LAPSED, REPEALED = "有效", "失效", "废止"
VALIDITY_CLASSES = {VALID: "valid", LAPSED: "lapsed", REPEALED: "repealed"}
VALIDITY_ALIASES = {"valid": VALID, "lapsed": LAPSED, "invalid": LAPSED, "repealed": REPEALED, "revoked": REPEALED}


@dataclass(frozen=True)
class Status:
    key: str  # upcoming / in-force / soon / expired (also the CSS modifier)
    label: str  # 未生效 / 生效中 / 即将截止 / 已截止
    days_left: int | None  # days until expires (0 on the day itself); None without expires
    days_to_start: int | None  # days until effective, only while upcoming

    @property
    def current(self):
        """On the board: in force or announced ahead of taking effect."""
        return self.key != EXPIRED


def compute_status(effective, expires, today, soon_days=3):
    """Status of a notice in force from ``effective`` to ``expires`` (inclusive)."""
    if expires is not None and today > expires:
        return Status(EXPIRED, STATUS_LABELS[EXPIRED], None, None)
    days_left = (expires - today).days if expires is not None else None
    if today < effective:
        return Status(UPCOMING, STATUS_LABELS[UPCOMING], days_left, (effective - today).days)
    if days_left is not None and days_left <= soon_days:
        return Status(SOON, STATUS_LABELS[SOON], days_left, None)
    return Status(IN_FORCE, STATUS_LABELS[IN_FORCE], days_left, None)


def cn_date(day):
    """``2026年11月3日``, as the date line of an official notice is written."""
    return f"{day.year}年{day.month}月{day.day}日"


def iso(day):
    return day.isoformat() if day else ""


def status_note(status, effective, expires, publicity=False):
    """One sentence for residents: when it starts, ends, or ended."""
    if status.key == EXPIRED:
        return f"公示期已于 {iso(expires)} 结束。" if publicity else f"已于 {iso(expires)} 截止。"
    if status.key == UPCOMING:
        what = "公示期将于" if publicity else "将于"
        start = "开始" if publicity else "生效"
        return f"{what} {iso(effective)} {start}，还有 {status.days_to_start} 天。"
    if expires is None:
        return "长期有效。"
    if status.days_left == 0:
        return "今天是公示期最后一天。" if publicity else "今天是截止日。"
    if publicity:
        return f"距公示期结束还有 {status.days_left} 天。"
    return f"距截止还有 {status.days_left} 天。"


@dataclass(frozen=True)
class Period:
    """The publicity period (公示期) of a 公示: start and end dates, inclusive."""

    start: datetime.date
    end: datetime.date
    note: str  # how long remains, or that it has not started / has ended

    @property
    def days(self):
        return (self.end - self.start).days + 1

    @property
    def text(self):
        return f"{cn_date(self.start)}至{cn_date(self.end)}（共 {self.days} 天）"


@dataclass(frozen=True)
class Badge:
    label: str
    css: str  # modifier class: kind-tongzhi, status-soon, validity-repealed, pinned


def badges(kind, status, validity, pinned=False):
    """Kind, status and (when not 有效) validity, in reading order."""
    items = []
    if pinned:
        items.append(Badge("置顶", "pinned"))
    items.append(Badge(kind, f"kind-{KINDS.get(kind, 'other')}"))
    if validity == VALID:
        items.append(Badge(status.label, f"status-{status.key}"))
    else:
        items.append(Badge(f"已{validity}", f"validity-{VALIDITY_CLASSES[validity]}"))
    return items


def file_size_text(size):
    """``860 字节`` / ``12 KB`` / ``1.4 MB`` (1 KB = 1024 bytes, as Windows shows)."""
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


FILE_TYPES = {
    "pdf": "PDF",
    "doc": "Word", "docx": "Word", "wps": "WPS 文字",
    "xls": "Excel", "xlsx": "Excel", "et": "WPS 表格", "csv": "CSV 表格",
    "ppt": "PPT", "pptx": "PPT",
    "jpg": "图片", "jpeg": "图片", "png": "图片", "webp": "图片", "gif": "图片",
    "zip": "压缩包", "rar": "压缩包", "7z": "压缩包",
    "txt": "文本", "ofd": "OFD",
}


def file_type_text(name):
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return FILE_TYPES.get(ext, ext.upper() or "文件")
