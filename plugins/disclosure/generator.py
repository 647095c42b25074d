"""The 居务公开 generator: reads the catalogue, finds each item's
publications among the published articles, notices and pages (their
``公开事项``), computes every item's state against BUILD_DATE, links each
政策解读 with its original (``解读``), reports what is overdue or broken
with file and line, and writes the 居务公开 page."""

import datetime
import os
import unicodedata
from dataclasses import dataclass

from pelican.generators import Generator

from ..common import ContentError, build_date, report_error, report_warning, setting
from ..metadata.encoding import read_source
from . import catalogue as cat
from . import schedule

DEFAULTS = {
    # The catalogue, relative to content/; no file: no page, nothing checked.
    "DISCLOSURE_CATALOGUE": "disclosure/catalogue.md",
    "DISCLOSURE_URL": "disclosure/",
    "DISCLOSURE_SAVE_AS": "disclosure/index.html",
    # An item past its deadline without a new publication: "warn" (a warning
    # in every build and in make check), "fail" (an error: the build stops,
    # output/ untouched), "off" (only the page says 待公开).
    "DISCLOSURE_OVERDUE": "warn",
    # "即将到期" this many days before a due date, once the period has ended.
    "DISCLOSURE_SOON_DAYS": 7,
    # Working days are Monday–Friday less these dates, plus the weekend days
    # worked instead (调休), as the State Council announces them each year.
    "DISCLOSURE_HOLIDAYS": [],
    "DISCLOSURE_WORKDAYS": [],
}
OVERDUE_POLICIES = ("warn", "fail", "off")
KIND_NAMES = {"Article": "新闻", "Page": "页面"}


@dataclass(frozen=True)
class Ref:
    """A piece as another page shows it: enough for a link, no more (so a
    page linking to it does not depend on its body)."""

    title: str
    url: str
    date: str  # YYYY-MM-DD, "" for a page
    kind: str  # 通知 / 公告 / 公示 / 新闻 / 页面
    docnumber: str
    validity: str  # 有效 / 失效 / 废止
    report: str  # the period it reports on, e.g. 2026年第三季度 ("" when not given)


@dataclass(frozen=True)
class ItemLink:
    """A catalogue item as a piece published for it shows it."""

    name: str
    category: str
    url: str  # the 居务公开 page with the item's anchor


def _ref(piece, report=None):
    date = getattr(piece, "date", None)
    kind = getattr(piece, "kind", "") if type(piece).__name__ == "Notice" else KIND_NAMES.get(type(piece).__name__, "")
    return Ref(
        title=str(piece.title),
        url=piece.url,
        date=f"{date:%Y-%m-%d}" if date is not None and type(piece).__name__ != "Page" else "",
        kind=kind or "",
        docnumber=str(getattr(piece, "docnumber", "") or ""),
        validity=str(getattr(piece, "validity", "") or "有效"),
        report=report.label if report else "",
    )


def _fold(text):
    return "".join(unicodedata.normalize("NFKC", str(text)).split()).casefold()


def _line(piece, key):
    lines = getattr(piece, "metadata_lines", None) or piece.metadata.get("metadata_lines", {}) or {}
    return lines.get(key)


def _as_list(value):
    if value is None:
        return []
    return [str(v).strip() for v in (value if isinstance(value, (list, tuple)) else [value]) if str(v).strip()]


def _dates(settings, name):
    days = []
    for value in setting(settings, name, DEFAULTS) or []:
        try:
            days.append(datetime.date.fromisoformat(str(value)))
        except ValueError:
            raise ContentError(name, None, f"{name} 里的“{value}”应为 YYYY-MM-DD / {name}: {value!r} is not YYYY-MM-DD") from None
    return days


class DisclosureGenerator(Generator):
    """Pelican generator for the 居务公开 page (issue 20)."""

    def __init__(self, *args, **kwargs):
        self.catalogue = None
        super().__init__(*args, **kwargs)

    def opt(self, name):
        return setting(self.settings, name, DEFAULTS)

    # --- reading and computing --------------------------------------------------

    def generate_context(self):
        pieces = self._pieces()
        self._link_explanations(pieces)
        relative = self.opt("DISCLOSURE_CATALOGUE")
        path = os.path.join(self.path, relative) if relative else None
        if not path or not os.path.isfile(path):
            self._unknown_items(pieces, None)
            return
        catalogue = self._read(path)
        if catalogue is None:
            return
        try:
            calendar = schedule.Calendar(_dates(self.settings, "DISCLOSURE_HOLIDAYS"),
                                         _dates(self.settings, "DISCLOSURE_WORKDAYS"))
        except ContentError as error:
            report_error(error.path, None, error.message)
            return
        policy = self.opt("DISCLOSURE_OVERDUE")
        if policy not in OVERDUE_POLICIES:
            report_error("DISCLOSURE_OVERDUE", None,
                         f"应为 warn、fail 或 off，而不是 {policy!r} / must be warn, fail or off, not {policy!r}")
            return
        self._unknown_items(pieces, catalogue)
        self._schedule(catalogue, calendar, policy)
        self.catalogue = catalogue
        url = self.opt("DISCLOSURE_URL")
        self.context["disclosure"] = catalogue
        self.context["disclosure_nav"] = {"label": "居务公开", "url": url} if self.opt("DISCLOSURE_SAVE_AS") else None

    def _pieces(self):
        """Every piece the site writes (published and hidden), in a stable order."""
        found = []
        for key in ("articles", "hidden_articles", "pages", "hidden_pages", "notices", "hidden_notices"):
            found.extend(self.context.get(key) or [])
        return sorted(found, key=lambda piece: piece.source_path)

    def _read(self, path):
        try:
            text, encoding = read_source(path)
        except ContentError as error:
            report_error(error.path, error.line, error.message)
            return None
        if encoding != "utf-8":
            report_warning(path, None, f"文件不是 UTF-8，已按 {encoding.upper()} 读取，建议另存为 UTF-8 / "
                                       f"not UTF-8: read as {encoding.upper()}, please save as UTF-8")
        default_issuer = self.settings.get("SITE_OPERATOR", "")
        catalogue, problems = cat.parse(text, path, default_issuer)
        for line, message in sorted(problems, key=lambda problem: problem[0]):
            report_error(path, line, message)
        return None if problems else catalogue

    def _unknown_items(self, pieces, catalogue):
        """Attach each piece's 公开事项 to its catalogue items; an item the
        catalogue does not have is an error (a typo would leave it 待公开)."""
        index = {}
        if catalogue is not None:
            for item in catalogue.items:
                item.publications = []
                for key in filter(None, (item.name, item.code)):
                    index[_fold(key)] = item
        url = self.opt("DISCLOSURE_URL")
        for piece in pieces:
            names = _as_list(piece.metadata.get("disclosure"))
            if not names:
                continue
            line = _line(piece, "disclosure")
            report = self._report_period(piece)
            links = []
            for name in names:
                item = index.get(_fold(name))
                if item is None:
                    where = (f"目录 {os.path.relpath(catalogue.path, self.path)} 里没有这个事项（写事项名称或编号）"
                             if catalogue is not None else "网站还没有居务公开目录（content/"
                             f"{self.opt('DISCLOSURE_CATALOGUE')}）")
                    report_error(piece.source_path, line,
                                 f"公开事项“{name}”不存在：{where} / unknown disclosure item {name!r}")
                    continue
                links.append(ItemLink(item.name, item.category, f"{url}#{item.anchor}"))
                if piece.status == "published":  # a hidden piece is not public
                    item.publications.append((piece, report))
            if links:
                piece.disclosure_items = links

    def _report_period(self, piece):
        value = piece.metadata.get("report_period")
        if not value:
            return None
        try:
            return schedule.parse_report_period(value)
        except ValueError as error:
            report_error(piece.source_path, _line(piece, "report_period"), f"报告期: {error}")
            return None

    def _schedule(self, catalogue, calendar, policy):
        today = build_date(self.settings)
        soon = self.opt("DISCLOSURE_SOON_DAYS")
        counts = {}
        for item in catalogue.items:
            published = sorted(
                item.publications,
                key=lambda pair: (pair[0].date.date() if getattr(pair[0], "date", None) else datetime.date.min,
                                  pair[1].end if pair[1] else datetime.date.min, pair[0].source_path),
                reverse=True,
            )
            marks = [
                schedule.Publication(piece.date.date() if getattr(piece, "date", None) else item.since, report)
                for piece, report in published
            ]
            item.state = schedule.item_state(item.period, item.deadline, item.since, marks, today, calendar, soon)
            item.publications = [_ref(piece, report) for piece, report in published]
            item.latest = item.publications[0] if item.publications else None
            item.state_note = self._note(item)
            counts[item.state.key] = counts.get(item.state.key, 0) + 1
            if item.state.overdue and policy != "off":
                report = report_error if policy == "fail" else report_warning
                report(catalogue.path, item.line, self._overdue_message(item))
        catalogue.today = today
        catalogue.counts = counts
        catalogue.overdue = [item for item in catalogue.items if item.state.overdue]
        catalogue.total = len(catalogue.items)

    @staticmethod
    def _note(item):
        """One sentence for residents (and the inspector) on the item's state."""
        state = item.state
        what = state.period.label if state.period else "本事项"
        if state.key == schedule.OVERDUE:
            return f"{what}应于 {state.due.isoformat()} 前公开，已逾期 {state.days_late} 天。"
        if state.key == schedule.SOON:
            return f"{what}应于 {state.due.isoformat()} 前公开，还有 {state.days_left} 天。"
        if state.key == schedule.PENDING:
            return f"{what}应于 {state.due.isoformat()} 前公开。"
        if state.key == schedule.NONE_YET:
            return "有相关事项发生时公开，目前暂无。"
        if state.key == schedule.ON_DEMAND:
            return "有变化时公开。"
        if state.due is not None:
            return f"下次：{state.period.label}，应于 {state.due.isoformat()} 前公开。"
        return "已公开，长期有效。"

    @staticmethod
    def _overdue_message(item):
        state = item.state
        period = state.period.label if state.period else "首次公开"
        return (
            f"居务公开事项“{item.name}”{period}应于 {state.due.isoformat()} 前公开，逾期 {state.days_late} 天 / "
            f"disclosure item {item.name!r} ({period}) was due by {state.due.isoformat()}: "
            f"{state.days_late} days overdue"
        )

    # --- 政策解读 ↔ 原文 --------------------------------------------------------

    def _link_explanations(self, pieces):
        """``解读：<原文的 slug 或文件名>``: the 解读 links to its original and
        the original to every 解读 of it. An original that does not exist is
        an error; one not published yet, 失效 or 废止, a warning."""
        index = {}
        for piece in pieces:
            stem = os.path.splitext(os.path.basename(piece.source_path))[0]
            for key in (piece.slug, stem, stem + ".md"):
                index.setdefault(key, piece)
        for piece in pieces:
            target_key = str(piece.metadata.get("explains") or "").strip()
            if not target_key:
                continue
            line = _line(piece, "explains")
            target = index.get(target_key) or index.get(target_key.strip("/").rsplit("/", 1)[-1])
            if target is piece:
                report_error(piece.source_path, line, "解读的原文不能是自己 / a piece cannot explain itself")
                continue
            if target is None:
                if self._source_exists(target_key):
                    report_warning(piece.source_path, line, (
                        f"解读的原文“{target_key}”尚未发布（草稿、日期在后或未完成三审），暂不链接 / "
                        f"the original {target_key!r} is not published yet: not linked"
                    ))
                else:
                    report_error(piece.source_path, line, (
                        f"解读的原文“{target_key}”不存在，应写原文（通知或新闻）的 slug 或文件名 / "
                        f"unknown original {target_key!r}: give the slug or file name of a notice or article"
                    ))
                continue
            validity = str(getattr(target, "validity", "") or "有效")
            if validity != "有效":
                replacement = getattr(target, "replacement", None)
                instead = f"，现行文件为《{replacement.title}》" if replacement is not None else ""
                report_warning(piece.source_path, line, (
                    f"解读的原文《{target.title}》已{validity}{instead}，请更新或撤下这篇解读 / "
                    f"the original {target_key!r} is {validity}: update or withdraw this explanation"
                ))
            piece.explains = _ref(target)
            target.explanations = getattr(target, "explanations", []) + [_ref(piece)]

    def _source_exists(self, key):
        """A file of that name under content/ (a draft or future piece)."""
        stem = os.path.splitext(key.strip("/").rsplit("/", 1)[-1])[0]
        for _, _, files in os.walk(self.path):
            if any(os.path.splitext(name)[0] == stem for name in files):
                return True
        return False

    # --- writing ------------------------------------------------------------------

    def generate_output(self, writer):
        save_as = self.opt("DISCLOSURE_SAVE_AS")
        if self.catalogue is None or not save_as:
            return
        writer.write_file(
            save_as, self.get_template("disclosure"), self.context,
            relative_urls=self.settings["RELATIVE_URLS"], url=self.opt("DISCLOSURE_URL"),
            page_name="disclosure",
        )

    def __str__(self):
        return "DisclosureGenerator"
