"""When a catalogue item must be published, and whether it was (pure
functions on dates, tested without building a site).

Periods follow the calendar (a quarter is Jan–Mar …). The publication for a
period is due ``deadline`` days (calendar or working days) after the period
ends; the last day of the deadline still counts (due on that day, overdue
from the next). A publication covers the period it names (报告期), or else
the last period that had ended before it was published: a 公益经费 report
dated 2026-10-12 covers the third quarter.
"""

import datetime
import re
from dataclasses import dataclass

ONCE, MONTHLY, QUARTERLY, HALF_YEARLY, YEARLY, ON_EVENT = (
    "once", "monthly", "quarterly", "half-yearly", "yearly", "on-event",
)
PERIOD_LABELS = {
    ONCE: "一次性公开",
    MONTHLY: "每月",
    QUARTERLY: "每季度",
    HALF_YEARLY: "每半年",
    YEARLY: "每年",
    ON_EVENT: "有变化时",
}
PERIOD_MONTHS = {MONTHLY: 1, QUARTERLY: 3, HALF_YEARLY: 6, YEARLY: 12}
PERIOD_ALIASES = {
    ONCE: ("一次性", "一次", "一次性公开", "长期", "长期公开", "once"),
    MONTHLY: ("每月", "按月", "月度", "每月一次", "monthly"),
    QUARTERLY: ("每季度", "按季度", "季度", "每季", "每季度一次", "quarterly"),
    HALF_YEARLY: ("每半年", "半年", "半年度", "每半年一次", "half-yearly", "semiannually"),
    YEARLY: ("每年", "按年", "年度", "每年一次", "yearly", "annually"),
    ON_EVENT: (
        "有变化时", "变化时", "变更时", "发生时", "有变更时", "随时", "适时", "及时", "按需", "动态",
        "动态公开", "事后", "on event", "on-event", "on change",
    ),
}
_PERIODS = {alias.lower(): key for key, aliases in PERIOD_ALIASES.items() for alias in aliases}

OK, SOON, OVERDUE, PENDING, ON_DEMAND, NONE_YET = "ok", "soon", "overdue", "pending", "on-demand", "none-yet"
STATE_LABELS = {
    OK: "已公开",
    SOON: "即将到期",
    OVERDUE: "待公开",
    PENDING: "未到公开时间",
    ON_DEMAND: "已公开",
    NONE_YET: "暂无公开事项",
}


def parse_period(value):
    """``每季度`` → ``quarterly``; ValueError names the values allowed."""
    key = _PERIODS.get(" ".join(str(value).split()).lower())
    if key is None:
        allowed = "、".join(PERIOD_LABELS.values())
        raise ValueError(
            f"周期“{value}”未知，可写：{allowed} / unknown period {value!r}: "
            "once, monthly, quarterly, half-yearly, yearly or on event"
        )
    return key


# --- deadlines ------------------------------------------------------------------

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUMBER = r"(?P<n>\d+|[零〇一二两三四五六七八九十百]+)"
_DEADLINE = re.compile(_NUMBER + r"\s*个?\s*(?P<unit>工作日|自然日|日|天)")


def chinese_number(text):
    """``20``, ``二十``, ``十五``, ``三十`` → int (up to 999)."""
    if text.isdigit():
        return int(text)
    total, digit = 0, 0
    for char in text:
        if char in _CN_DIGITS:
            digit = _CN_DIGITS[char]
        elif char == "十":
            total += (digit or 1) * 10
            digit = 0
        elif char == "百":
            total += (digit or 1) * 100
            digit = 0
    return total + digit


@dataclass(frozen=True)
class Deadline:
    days: int
    working: bool  # working days (Mon–Fri, less holidays, plus 调休 workdays)

    @property
    def text(self):
        return f"{self.days} 个工作日" if self.working else f"{self.days} 日"


def parse_deadline(text):
    """The number of days in a 时限 written for people: ``每季度结束后 15 日内``
    → 15 calendar days, ``信息形成或变更之日起二十个工作日内`` → 20 working
    days. None when the text names no number of days."""
    match = _DEADLINE.search(str(text))
    if not match:
        return None
    return Deadline(chinese_number(match["n"]), match["unit"] == "工作日")


class Calendar:
    """Working days: Monday to Friday, less ``holidays``, plus the weekend
    days ``workdays`` that are worked instead (调休)."""

    def __init__(self, holidays=(), workdays=()):
        self.holidays = frozenset(holidays)
        self.workdays = frozenset(workdays)

    def is_working(self, day):
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add(self, day, deadline):
        """The last day of ``deadline`` counted from the day after ``day``."""
        if deadline is None:
            return day
        if not deadline.working:
            return day + datetime.timedelta(days=deadline.days)
        left = deadline.days
        while left > 0:
            day += datetime.timedelta(days=1)
            if self.is_working(day):
                left -= 1
        return day


# --- periods ----------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A reporting period: first and last day (inclusive) and its name."""

    start: datetime.date
    end: datetime.date
    label: str


_QUARTERS = "一二三四"


def span_of(day, period):
    """The calendar period of kind ``period`` holding ``day``."""
    months = PERIOD_MONTHS[period]
    first = (day.month - 1) // months * months + 1
    start = datetime.date(day.year, first, 1)
    after = datetime.date(day.year + (first + months > 12), (first + months - 1) % 12 + 1, 1)
    end = after - datetime.timedelta(days=1)
    if period == MONTHLY:
        label = f"{day.year}年{first}月"
    elif period == QUARTERLY:
        label = f"{day.year}年第{_QUARTERS[(first - 1) // 3]}季度"
    elif period == HALF_YEARLY:
        label = f"{day.year}年{'上' if first == 1 else '下'}半年"
    else:
        label = f"{day.year}年度"
    return Span(start, end, label)


_REPORT_PATTERNS = (
    (re.compile(r"^(\d{4})\s*(?:年\s*第?\s*([一二三四1-4])\s*季度?|-?\s*Q([1-4]))$", re.I), QUARTERLY),
    (re.compile(r"^(\d{4})\s*(?:年\s*([上下])\s*半年(?:度)?|-?\s*H([12]))$", re.I), HALF_YEARLY),
    (re.compile(r"^(\d{4})\s*(?:年\s*(\d{1,2})\s*月(?:份)?|-(\d{1,2}))$"), MONTHLY),
    (re.compile(r"^(\d{4})\s*(?:年度?)?$"), YEARLY),
)


def parse_report_period(value):
    """A piece's 报告期: ``2026年第三季度`` / ``2026-Q3``, ``2026年10月`` /
    ``2026-10``, ``2026年上半年`` / ``2026-H1``, ``2026年度`` / ``2026``."""
    text = "".join(str(value).split())
    for pattern, period in _REPORT_PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        year = int(match.group(1))
        part = next((group for group in match.groups()[1:] if group), None)
        if period == QUARTERLY:
            month = (("一二三四".index(part) + 1) if part in "一二三四" else int(part)) * 3 - 2
        elif period == HALF_YEARLY:
            month = 1 if part in ("上", "1") else 7
        elif period == MONTHLY:
            month = int(part)
            if not 1 <= month <= 12:
                break
        else:
            month = 1
        return span_of(datetime.date(year, month, 1), period)
    raise ValueError(
        f"报告期“{value}”看不懂，可写 2026年第三季度、2026年10月、2026年上半年、2026年度 / "
        f"unknown reporting period {value!r}: e.g. 2026-Q3, 2026-10, 2026-H1, 2026"
    )


# --- an item's state -----------------------------------------------------------


@dataclass(frozen=True)
class Publication:
    """What the schedule needs of a piece published for an item."""

    day: datetime.date
    report: Span | None = None  # the period it says it reports on


@dataclass(frozen=True)
class State:
    key: str  # ok / soon / overdue / pending / on-demand / none-yet (also the CSS modifier)
    label: str  # 已公开 / 即将到期 / 待公开 …
    due: datetime.date | None  # when the next (or the missing) publication is due
    period: Span | None  # the period it is due for (periodic items)
    days_late: int  # > 0 only when overdue
    days_left: int | None  # days until ``due`` when not overdue

    @property
    def overdue(self):
        return self.key == OVERDUE


def _state(key, due=None, period=None, today=None):
    late = (today - due).days if key == OVERDUE else 0
    left = (due - today).days if due is not None and key != OVERDUE else None
    return State(key, STATE_LABELS[key], due, period, late, left)


def covered_until(publication, period):
    """The last day a publication reports on."""
    if publication.report is not None:
        return publication.report.end
    return span_of(publication.day, period).start - datetime.timedelta(days=1)


def item_state(period, deadline, since, publications, today, calendar=None, soon_days=7):
    """The state of one catalogue item on ``today``.

    ``since``: the day the catalogue (or this item) took effect — periods
    ending before it are not required; ``publications``: those published by
    ``today``.
    """
    calendar = calendar or Calendar()
    if period == ON_EVENT:
        return _state(ON_DEMAND if publications else NONE_YET)
    if period == ONCE:
        if publications:
            return _state(OK)
        due = calendar.add(since, deadline)
        return _state(OVERDUE if today > due else PENDING, due, None, today)
    covered = since - datetime.timedelta(days=1)
    for publication in publications:
        covered = max(covered, covered_until(publication, period))
    span = span_of(covered + datetime.timedelta(days=1), period)
    due = calendar.add(span.end, deadline)
    if today > due:
        return _state(OVERDUE, due, span, today)
    if not publications and today <= span.end:
        return _state(PENDING, due, span, today)
    if today > span.end and (due - today).days <= soon_days:
        return _state(SOON, due, span, today)
    return _state(OK if publications else PENDING, due, span, today)
