"""Notices plugin: the notice board (通知 / 公告 / 公示) with status against
BUILD_DATE, archive, kind pages, print layout, Atom feed, iCalendar of
deadlines and the lobby screen (SPEC §3, issue 3). See README.md."""

from pelican import signals

from ..common import report_warning
from .contents import FILES_DIR
from .generator import NoticesGenerator


def get_generators(pelican):
    return NoticesGenerator


def withhold_attachments(static_generator):
    """content/notices/files/ publishes only what a written notice attaches:
    not a draft's files, not an ended 公示's list, not a forgotten file."""
    visible = static_generator.context.get("notice_files")
    if visible is None:
        return
    referenced = static_generator.context.get("notice_files_referenced", set())
    kept = []
    for static in static_generator.staticfiles:
        path = static.get_relative_source_path()
        if path.startswith(FILES_DIR + "/") and path not in visible:
            if path not in referenced:
                report_warning(
                    static.source_path, None,
                    "没有任何通知把它列为附件，不发布 / not an attachment of any notice: not published",
                )
            continue
        kept.append(static)
    static_generator.staticfiles = kept
    static_generator._update_context(("staticfiles",))


def register():
    signals.get_generators.connect(get_generators)
    signals.static_generator_finalized.connect(withhold_attachments)
