"""The notice board generator: reads content/notices/*.md into Notice objects,
validates them, computes status against BUILD_DATE, and writes the board,
archive, kind pages, each notice, the lobby screen and both feeds."""

import os
from dataclasses import dataclass, field
from itertools import groupby

from pelican.contents import SkipStub
from pelican.generators import Generator

from .. import sites
from ..common import ContentError, build_date, inside, public_site_url, report_error, report_warning, setting
from ..editorial.gate import unpublishable_reason
from ..metadata.reader import LinliMarkdownReader
from . import status as st
from .contents import FILES_DIR, Attachment, Notice
from .feeds import write_atom, write_calendar
from .reader import notice_reader_class

DEFAULTS = {
    "NOTICE_PATHS": ["notices"],
    "NOTICE_EXCLUDES": [FILES_DIR],
    "NOTICE_SOON_DAYS": 3,
    "NOTICE_ISSUER": None,  # default issuer; None: SITE_OPERATOR
    "NOTICES_URL": "notices/",
    "NOTICES_SAVE_AS": "notices/index.html",
    "NOTICE_ARCHIVE_URL": "notices/archive/",
    "NOTICE_ARCHIVE_SAVE_AS": "notices/archive/index.html",
    "NOTICE_KIND_URL": "notices/{slug}/",
    "NOTICE_KIND_SAVE_AS": "notices/{slug}/index.html",
    "NOTICE_SCREEN_URL": "notices/screen/",
    "NOTICE_SCREEN_SAVE_AS": "notices/screen/index.html",
    "NOTICE_SCREEN_SECONDS": 15,
    "NOTICE_FEED_ATOM": "feeds/notices.atom.xml",
    "NOTICE_CALENDAR": "notices/deadlines.ics",
}


@dataclass
class KindPage:
    name: str  # 通知 / 公告 / 公示
    slug: str
    url: str
    save_as: str
    current: list = field(default_factory=list)
    archived: list = field(default_factory=list)


@dataclass
class Board:
    pinned: list
    in_force: list
    upcoming: list

    @property
    def all(self):
        return self.pinned + self.in_force + self.upcoming


@dataclass
class ArchiveYear:
    year: int
    notices: list


@dataclass
class NoticeLinks:
    """Addresses of the notice pages and feeds, for templates."""

    board: str
    archive: str
    screen: str
    feed: str  # absolute, like the news feed
    calendar: str  # relative to the site root
    kinds: list
    site: str  # the public address without https://, as printed on the lobby screen


def _as_date(value):
    return value.date() if hasattr(value, "date") else value


def newest_first(notices):
    return sorted(notices, key=lambda n: (-n.date.timestamp(), n.slug))


class NoticesGenerator(Generator):
    """Pelican generator for the notice board (SPEC §3, issue 3)."""

    def __init__(self, *args, **kwargs):
        self.notices = []  # published and listed, newest first
        self.hidden_notices = []  # written at their own URL only
        self.draft_notices = []  # drafts and held-back notices: never written
        super().__init__(*args, **kwargs)
        # Our reader: the metadata plugin's Markdown reader + the 公示名单 rule.
        # Generator() gives us a Readers without Pelican's content cache.
        for ext, reader in list(self.readers.readers.items()):
            if isinstance(reader, LinliMarkdownReader):
                self.readers.readers[ext] = notice_reader_class(type(reader))(self.settings)

    def opt(self, name):
        return setting(self.settings, name, DEFAULTS)

    # --- reading ---------------------------------------------------------------

    def generate_context(self):
        today = build_date(self.settings)
        read = []
        for path in sorted(self.get_files(self.opt("NOTICE_PATHS"), exclude=self.opt("NOTICE_EXCLUDES"))):
            notice = self._read(path)
            if notice is not None:
                read.append(notice)

        published, hidden, drafts = [], [], []
        for notice in read:
            if notice.status != "draft":
                reason = unpublishable_reason(notice, self.settings)
                if reason:
                    report_warning(notice.source_path, None, reason)
                    notice.status = "draft"
            {"published": published, "hidden": hidden}.get(notice.status, drafts).append(notice)

        written = published + hidden
        for notice in written:  # files a draft links to are not published for it
            self.add_static_links(notice)
        self._check_slugs(written)
        self._link_replacements(written, drafts)
        for notice in written:
            self._prepare(notice, today)
        self._publish_attachments(read, written)

        self.notices = newest_first(published)
        self.hidden_notices = newest_first(hidden)
        self.draft_notices = sorted(drafts, key=lambda n: n.source_path)  # a draft may have no date yet
        self._build_context()

    def _read(self, path):
        try:
            notice = self.readers.read_file(
                base_path=self.path, path=path, content_class=Notice, context=self.context
            )
        except ContentError:
            self._add_failed_source_path(path)  # already reported with file and line
            return None
        except Exception as error:  # never a traceback for an editor's file
            report_error(os.path.join(self.path, path), None, f"无法读取 / could not read: {error}")
            self._add_failed_source_path(path)
            return None
        if isinstance(notice, SkipStub):
            return None
        if not notice.is_valid():
            report_error(notice.source_path, None, "无法发布 / cannot be published (see above)")
            self._add_failed_source_path(path)
            return None
        # A draft is checked once it is meant to be published.
        if notice.status != "draft" and not self._validate(notice):
            self._add_failed_source_path(path)
            return None
        if notice.status == "draft":
            self._normalise(notice)
        self.add_source_path(notice)
        return notice

    # --- validation ------------------------------------------------------------

    def _validate(self, notice):
        """Report every problem in the notice's metadata; True when none."""
        lines = notice.metadata.get("metadata_lines", {})
        path = notice.source_path
        problems = []

        def error(key, message):
            problems.append((lines.get(key) or lines.get("title") or 1, message))

        kind = self._kind(notice)
        if kind is None:
            if getattr(notice, "kind", None) in (None, ""):
                error("kind", "缺少类型（类型：通知 / 公告 / 公示） / missing kind: 通知, 公告 or 公示")
            else:
                error("kind", f"类型“{notice.kind}”未知，只能是 通知、公告 或 公示 / unknown kind {notice.kind!r}")
        if not hasattr(notice, "date"):
            error("date", "缺少日期（日期：YYYY-MM-DD） / missing date")
        effective = _as_date(getattr(notice, "effective", None) or getattr(notice, "date", None))
        expires = _as_date(getattr(notice, "expires", None))
        if effective and expires and expires < effective:
            error(
                "expires",
                f"截止日期 {expires} 早于生效日期 {effective} / expires ({expires}) is before effective ({effective})",
            )
        if kind == st.PUBLICITY and expires is None:
            error(
                "kind",
                "公示必须写截止日期（公示期结束的那一天） / a 公示 needs an expires date: the last day of the publicity period",
            )
        validity = self._validity(notice)
        if validity is None:
            error("validity", f"有效性“{notice.validity}”未知，只能是 有效、失效 或 废止 / unknown validity {notice.validity!r}")
        elif validity == st.REPEALED and not str(getattr(notice, "replacedby", "") or "").strip():
            error(
                "validity",
                "已废止的文件要写替代文件（替代文件：新文件的 slug） / a 废止 notice must name its replacement (replacedby)",
            )
        for name in self._attachment_names(notice):
            problem = self._attachment_problem(name)
            if problem:
                error("attachments", problem)

        for line, message in problems:
            report_error(path, line, message)
        if problems:
            return False
        self._normalise(notice)
        return True

    @staticmethod
    def _kind(notice):
        raw = str(getattr(notice, "kind", "") or "").strip()
        raw = st.KIND_ALIASES.get(raw.lower(), raw)
        return raw if raw in st.KINDS else None

    @staticmethod
    def _validity(notice):
        raw = str(getattr(notice, "validity", "") or st.VALID).strip()
        raw = st.VALIDITY_ALIASES.get(raw.lower(), raw)
        return raw if raw in st.VALIDITY_CLASSES else None

    @staticmethod
    def _attachment_names(notice):
        names = getattr(notice, "attachments", None) or []
        if isinstance(names, str):
            names = [names]
        return [str(name).strip() for name in names if not isinstance(name, Attachment)]

    def _attachment_problem(self, name):
        if not name or "/" in name or "\\" in name or name in (".", "..") or os.path.isabs(name):
            return (
                f"附件“{name}”只写文件名，文件放在 content/{FILES_DIR}/ / "
                f"attachment {name!r}: give a bare file name under content/{FILES_DIR}/"
            )
        folder = os.path.join(self.path, FILES_DIR)
        full = os.path.join(folder, name)
        if not os.path.isfile(full):
            return (
                f"附件“{name}”不存在，请放到 content/{FILES_DIR}/ / "
                f"attachment {name!r} not found in content/{FILES_DIR}/"
            )
        if not inside(full, self.path):
            return f"附件{sites.outside_reference_problem(name, full, self.path).removeprefix('引用 ')}"
        return None

    def _normalise(self, notice):
        """Replace raw metadata values by what templates and feeds use."""
        notice.kind = self._kind(notice) or str(getattr(notice, "kind", "") or "")
        notice.validity = self._validity(notice) or st.VALID
        notice.pinned = bool(getattr(notice, "pinned", False))
        notice.effective = _as_date(getattr(notice, "effective", None) or getattr(notice, "date", None))
        notice.expires = _as_date(getattr(notice, "expires", None))
        notice.replacedby = str(getattr(notice, "replacedby", "") or "").strip()
        notice.issuer = str(getattr(notice, "issuer", "") or "").strip() or (
            self.opt("NOTICE_ISSUER") or self.settings.get("SITE_OPERATOR", "")
        )
        notice.docnumber = str(getattr(notice, "docnumber", "") or "").strip()
        names = self._attachment_names(notice)
        attachments = []
        for name in names:
            full = os.path.join(self.path, FILES_DIR, name)
            size = os.path.getsize(full) if os.path.isfile(full) else 0
            attachments.append(Attachment(name, f"{FILES_DIR}/{name}", size, self.context))
        notice.attachments = attachments
        notice.tag_names = [str(tag) for tag in getattr(notice, "tags", None) or []]
        notice.attachments_removed = 0
        notice.replacement = None
        notice.scheduled_replacement = None  # named but not yet published
        notice.replaces = []

    def _publish_attachments(self, read, written):
        """Only files attached to a written notice are published. A 公示's
        attachments are part of its list: they leave with the period too."""
        visible, referenced = set(), set()
        for notice in read:
            referenced.update(a.path for a in notice.attachments)
        for notice in written:
            if notice.period and notice.state.key == st.EXPIRED and notice.attachments:
                notice.attachments_removed = len(notice.attachments)
                notice.attachments = []
            for attachment in notice.attachments:
                visible.add(attachment.path)
                self.context["static_links"].add(attachment.path)
        self.context["notice_files"] = visible
        self.context["notice_files_referenced"] = referenced

    def _check_slugs(self, notices):
        """A notice at one of the board's own pages. (Two pieces at one
        address are the safety plugin's duplicate-output check.)"""
        listing = {self._save_as(key) for key in ("NOTICES", "NOTICE_ARCHIVE", "NOTICE_SCREEN")}
        listing |= {self._kind_save_as(kind) for kind in st.KINDS}
        for notice in notices:
            if notice.save_as in listing:
                report_error(
                    notice.source_path,
                    notice.metadata.get("metadata_lines", {}).get("slug"),
                    f"地址 {notice.url} 是通知公告栏目自己的页面，请换一个文件名或 slug / "
                    f"{notice.url} is a notice board page: rename the file or set another slug",
                )

    def _link_replacements(self, written, drafts):
        """Resolve ``replacedby`` to a notice (by slug or file name)."""

        def index(notices):
            found = {}
            for notice in notices:
                stem = os.path.splitext(os.path.basename(notice.source_path))[0]
                for key in (notice.slug, stem, stem + ".md"):
                    found.setdefault(key, notice)
            return found

        published, unpublished = index(written), index(drafts)
        for notice in written:
            target_key = notice.replacedby
            if not target_key:
                continue
            line = notice.metadata.get("metadata_lines", {}).get("replacedby")
            target = published.get(target_key)
            if target is None:
                if target_key in unpublished:
                    self._schedule_replacement(notice, unpublished[target_key], line)
                else:
                    report_error(
                        notice.source_path, line,
                        f"替代文件“{target_key}”不存在，应写替代它的通知的 slug 或文件名 / "
                        f"unknown replacement {target_key!r}: give the slug or file name of a notice",
                    )
                continue
            if target is notice:
                report_error(notice.source_path, line, "替代文件不能是自己 / a notice cannot replace itself")
                continue
            if notice.validity == st.VALID:
                report_warning(
                    notice.source_path, line,
                    "写了替代文件，但有效性仍是“有效”，是否应为“废止”？ / "
                    "replacedby is set but validity is 有效: should it be 废止?",
                )
            notice.replacement = target
            target.replaces.append(notice)

    def _schedule_replacement(self, notice, target, line):
        """An editor marks the old notice now and schedules its replacement:
        until the replacement is published the old one stays in force as it
        is (nothing else waits for it); ``make check`` keeps reminding."""
        reason = unpublishable_reason(target, self.settings)
        if reason is None:
            when, why = "草稿", "it is a draft"
        elif target.date.date() > build_date(self.settings):
            when, why = f"{target.date:%Y-%m-%d} 发布", f"it is dated {target.date:%Y-%m-%d}"
        else:
            when, why = "未完成三审", "its review sign-off is missing"
        report_warning(
            notice.source_path, line,
            f"将由“{target.title}”替代，替代文件尚未发布（{when}），在那之前本{notice.kind}保持{st.VALID} / "
            f"to be replaced by {notice.replacedby!r}, not published yet ({why}): stays in force until then",
        )
        notice.validity = st.VALID
        notice.scheduled_replacement = target

    # --- status and listings --------------------------------------------------

    def _prepare(self, notice, today):
        publicity = notice.kind == st.PUBLICITY
        state = st.compute_status(notice.effective, notice.expires, today, self.opt("NOTICE_SOON_DAYS"))
        notice.state = state
        notice.state_note = st.status_note(state, notice.effective, notice.expires, publicity)
        notice.period = (
            st.Period(notice.effective, notice.expires, notice.state_note)
            if publicity and notice.expires
            else None
        )
        # On the board: not past its end and not withdrawn; a retired
        # community's notices are all in its archive (plugins/network).
        notice.is_current = state.current and notice.validity == st.VALID and not self.settings.get("RETIRED")
        notice.badges = st.badges(notice.kind, state, notice.validity, notice.pinned and notice.is_current)
        notice.kind_slug = st.KINDS.get(notice.kind, "")
        notice.kind_url = self._kind_url(notice.kind) if notice.kind in st.KINDS else self._url("NOTICES")
        notice.date_text = notice.date.strftime("%Y-%m-%d")
        notice.date_cn = st.cn_date(notice.date)
        notice.effective_text = st.iso(notice.effective)
        notice.expires_text = st.iso(notice.expires)
        notice.replaces = newest_first(notice.replaces)

    def _url(self, key):
        return self.opt(f"{key}_URL")

    def _save_as(self, key):
        return self.opt(f"{key}_SAVE_AS")

    def _kind_url(self, kind):
        return self.opt("NOTICE_KIND_URL").format(slug=st.KINDS[kind])

    def _kind_save_as(self, kind):
        return self.opt("NOTICE_KIND_SAVE_AS").format(slug=st.KINDS[kind])

    def _build_context(self):
        current = [n for n in self.notices if n.is_current]
        pinned = [n for n in current if n.pinned]
        in_force = [n for n in current if not n.pinned and n.state.key in (st.IN_FORCE, st.SOON)]
        upcoming = [n for n in current if not n.pinned and n.state.key == st.UPCOMING]
        board = Board(pinned, in_force, upcoming)
        archived = [n for n in self.notices if not n.is_current]
        archive = [
            ArchiveYear(year, list(items)) for year, items in groupby(archived, key=lambda n: n.date.year)
        ]
        kinds = []
        for kind, slug in st.KINDS.items():
            kinds.append(
                KindPage(
                    kind, slug, self._kind_url(kind), self._kind_save_as(kind),
                    [n for n in board.all if n.kind == kind],
                    [n for n in archived if n.kind == kind],
                )
            )
        soon = sorted((n for n in in_force if n.state.key == st.SOON), key=lambda n: (n.expires, n.slug))
        base = public_site_url(self.settings)
        links = NoticeLinks(
            board=self._url("NOTICES"),
            archive=self._url("NOTICE_ARCHIVE"),
            screen=self._url("NOTICE_SCREEN"),
            feed=f"{base}/{self.opt('NOTICE_FEED_ATOM')}" if self.opt("NOTICE_FEED_ATOM") else "",
            calendar=self.opt("NOTICE_CALENDAR") or "",
            kinds=kinds,
            site=base.split("://", 1)[-1],
        )
        self.board = board
        self.context.update(
            {
                "notices": self.notices,
                "hidden_notices": self.hidden_notices,
                "notice_board": board,
                "notice_archive": archive,
                "notice_kinds": kinds,
                "notice_highlights": pinned + [n for n in soon if n not in pinned],
                "notice_screen": board.all,
                "notice_links": links,
                "notice_build_date": build_date(self.settings),
                "notice_soon_days": self.opt("NOTICE_SOON_DAYS"),
                "notice_screen_seconds": self.opt("NOTICE_SCREEN_SECONDS"),
            }
        )

    # --- writing ----------------------------------------------------------------

    def generate_output(self, writer):
        relative = self.settings["RELATIVE_URLS"]
        write = writer.write_file
        for notice in self.notices + self.hidden_notices:
            write(
                notice.save_as, self.get_template(notice.template), self.context,
                relative_urls=relative, override_output=hasattr(notice, "override_save_as"),
                url=notice.url, notice=notice, page_name="notice",
            )
        for key, template in (("NOTICES", "notices"), ("NOTICE_ARCHIVE", "notice_archive"), ("NOTICE_SCREEN", "notice_screen")):
            if self._save_as(key):
                write(self._save_as(key), self.get_template(template), self.context, relative_urls=relative,
                      url=self._url(key), page_name=template)
        for kind in self.context["notice_kinds"]:
            write(kind.save_as, self.get_template("notice_kind"), self.context, relative_urls=relative,
                  url=kind.url, page_name="notice_kind", kind=kind)
        if self.opt("NOTICE_FEED_ATOM"):
            write_atom(writer.output_path, self.settings, self.notices, self.opt("NOTICE_FEED_ATOM"))
        if self.opt("NOTICE_CALENDAR"):
            write_calendar(writer.output_path, self.settings, self.notices, self.opt("NOTICE_CALENDAR"))

    def __str__(self):
        return "NoticesGenerator"
