"""The notice reader: the metadata plugin's Markdown reader, plus the 公示名单
preprocessor that keeps or cuts the personal-data block by BUILD_DATE.

Notices are read without Pelican's content cache: their rendered body depends
on the build date (the list disappears the day after ``expires``), and
Pelican's cache is keyed on the file alone (SPEC §9).
"""

from ..common import ContentError, build_date
from ..metadata.encoding import read_source
from ..metadata.reader import LinliMarkdownReader, split_header
from .marked import BLOCK_NAME, BlockError, PublicityListPreprocessor, list_is_public


def _date(value):
    return value.date() if hasattr(value, "date") else value


class NoticeReaderMixin:
    """Mixed into whatever Linli Markdown reader is registered for ``.md``."""

    def read(self, source_path):
        self._notice_metadata = None
        self._notice_body_line = 1
        try:
            text, _ = read_source(source_path)
            self._notice_body_line = split_header(text)[2]
        except (OSError, ContentError):
            pass  # the base reader reports it with file and line
        return super().read(source_path)

    def _parse_entries(self, path, entries):
        metadata = super()._parse_entries(path, entries)
        self._notice_metadata = metadata
        return metadata

    def _markdown(self):
        md = super()._markdown()
        md.preprocessors.register(PublicityListPreprocessor(md, self._decide), "linli_publicity_list", 35)
        return md

    def _decide(self, blocks):
        metadata = self._notice_metadata
        if metadata is None:  # a summary being rendered: no list belongs there
            raise ContentError(
                self._source_path, None,
                f"摘要里不能放{BLOCK_NAME} / a list block cannot be in the summary",
            )
        expires = metadata.get("expires")
        if expires is None:
            line = self._notice_body_line + blocks[0][0]
            raise ContentError(
                self._source_path, line,
                "含公示名单的公告必须写截止日期（截止日期：YYYY-MM-DD），过期后名单才能自动删除 / "
                "a notice with a list block needs an expires date, so the list can be removed when it ends",
            )
        expires = _date(expires)
        return list_is_public(expires, build_date(self.settings)), expires

    def _read(self, source_path):
        try:
            return super()._read(source_path)
        except BlockError as error:
            raise ContentError(source_path, self._notice_body_line + error.index, str(error)) from None


def notice_reader_class(base):
    """A notice reader built on ``base`` (the reader registered for .md)."""
    if not (isinstance(base, type) and issubclass(base, LinliMarkdownReader)):
        base = LinliMarkdownReader
    return type("Notice" + base.__name__, (NoticeReaderMixin, base), {})
