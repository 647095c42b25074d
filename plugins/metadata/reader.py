"""A Markdown reader for editors' files: Chinese keys, full-width colons,
GBK files, and errors that name the file and line."""

import logging
import os
import re

from markdown import Markdown
from pelican.readers import MarkdownReader
from pelican.utils import slugify

from .. import memo
from ..common import ContentError, inside, report_error, report_warning
from ..safety import parallel
from . import fields
from .encoding import read_source

logger = logging.getLogger(__name__)

# `key: value` or `键：值`. A key is a word (ASCII) or a known Chinese alias.
_HEADER_LINE = re.compile(r"^\s{0,3}(?P<key>[A-Za-z][A-Za-z0-9_-]*|[\u4e00-\u9fff]{1,6})\s*[:：]\s*(?P<value>.*)$")


def split_header(text):
    """Return ``(entries, body, body_first_line)``; each entry is (key, value, line)."""
    lines = text.split("\n")
    entries = []
    index = 0
    while index < len(lines):
        line = lines[index]
        match = _HEADER_LINE.match(line)
        if match and (entries or match["key"].isascii() or match["key"] in fields.ALIASES):
            # An unknown Chinese key inside the header is kept so the reader
            # can say so; as the first line it is body text ("注意：…").
            entries.append([match["key"], match["value"].strip(), index + 1])
        elif entries and line.startswith(("    ", "\t")) and line.strip():
            # Continuation of a long value, as Python-Markdown's meta allows.
            entries[-1][1] += " " + line.strip()
        else:
            break
        index += 1
    if not entries:
        return [], text, 1
    if index < len(lines) and not lines[index].strip():
        index += 1
    return entries, "\n".join(lines[index:]), index + 1


_converted = {}  # Markdown body -> HTML, converted on every core before the files are read


def convert_ahead(generator, paths, excludes):
    """Before a generator reads its first file (Pelican then reads them one
    by one): convert the Markdown bodies (and summaries) of the files its
    reader cache does not hold, on every core, and compute there what the
    other plugins asked for ahead of each (plugins/memo.py). A file whose
    conversion logged anything is left to the reader, so its messages come
    where they belong."""
    if getattr(generator, "linli_converted_ahead", False):
        return
    generator.linli_converted_ahead = True
    _converted.clear()
    settings = generator.settings
    files, reader = [], None
    for name in generator.get_files(settings[paths], exclude=settings[excludes]):
        path = os.path.abspath(os.path.join(generator.path, name))
        found = generator.readers.readers.get(os.path.splitext(path)[1][1:])
        if (isinstance(found, LinliMarkdownReader) and generator.readers.get_cached_data(path, None) is None
                and inside(path, settings["PATH"])):  # a link out of content/ is refused unread
            files.append(path)
            reader = found
    count = parallel.processes(settings, len(files))
    if count < 2:
        return

    def convert(path):
        text = read_source(path)[0]  # a file that cannot be read: the reader says what is wrong with it
        entries, body, _ = split_header(text)
        summaries = [value for key, value, _ in entries if value and fields.canonical_key(key) == "summary"]
        converted = {markdown: reader._markdown().convert(markdown) for markdown in (body, *summaries)}
        return converted, memo.worked_ahead(settings, {"source": [text], "html": list(converted.values())})

    for outcome in parallel.map_quietly(convert, files, count):
        if outcome is not None:
            converted, results = outcome
            _converted.update(converted)
            memo.adopt(results)


class LinliMarkdownReader(MarkdownReader):
    """Reads the header itself, then hands the body to Python-Markdown."""

    def read(self, source_path):
        try:
            return self._read(source_path)
        except ContentError as error:
            # Pelican logs only "Could not process"; say what and where first.
            report_error(error.path, error.line, error.message)
            raise

    def _read(self, source_path):
        self._source_path = source_path
        if not inside(source_path, self.settings["PATH"]):
            raise ContentError(
                source_path, None, "文件链接到 content/ 以外，已拒绝 / file is a link to outside content/"
            )
        text, encoding = read_source(source_path)
        if encoding != "utf-8":
            report_warning(
                source_path,
                None,
                f"文件不是 UTF-8，已按 {encoding.upper()} 读取，建议另存为 UTF-8 / "
                f"not UTF-8: read as {encoding.upper()}, please save as UTF-8",
            )
        entries, body, _ = split_header(text)
        metadata = self._parse_entries(source_path, entries)

        content = _converted.pop(body, None)
        if content is None:
            content = self._markdown().convert(body)
        return content, metadata

    def _markdown(self):
        """One Markdown instance per reader, reset before each use: building
        one (extensions, their regexes) cost as much as converting a file."""
        if getattr(self, "_md", None) is None:
            settings = dict(self.settings["MARKDOWN"])
            settings["extensions"] = [
                ext for ext in settings.get("extensions", []) if ext != "markdown.extensions.meta"
            ]
            self._md = Markdown(**settings)
        return self._md.reset()

    def _parse_entries(self, path, entries):
        metadata = {}
        lines = {}
        for key, value, line in entries:
            if not key.isascii() and key not in fields.ALIASES:
                report_warning(
                    path, line,
                    f"未知字段“{key}”，已忽略；可用字段见 README / unknown key {key!r} ignored (see README)",
                )
                continue
            name = fields.canonical_key(key)
            if not value and name != "title":
                continue  # a blank left in a scaffolded file means "not given"
            if name in metadata:
                report_warning(path, line, f"“{key}”重复，只用第一处 / duplicate key {key!r}: using the first")
                continue
            try:
                metadata[name] = self._parse_value(name, value)
            except ValueError as error:
                raise ContentError(path, line, f"{key}: {error}") from None
            lines[name] = line
        title = metadata.get("title")
        if title is not None and not str(title).strip():
            raise ContentError(path, lines["title"], "标题为空 / empty title")
        if "title" not in metadata:
            raise ContentError(path, 1, "缺少标题（title / 标题） / missing title")
        if "date" not in metadata and self._is_under(path, "ARTICLE_PATHS"):
            raise ContentError(path, 1, "缺少日期（date / 日期），如 日期：2025-06-18 15:50 / missing date")
        if "slug" not in metadata and self._is_under(path, "ARTICLE_PATHS", "PAGE_PATHS"):
            metadata["slug"] = fields.shorten_slug(
                slugify(
                    str(metadata["title"]),
                    regex_subs=self.settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
                    preserve_case=self.settings.get("SLUGIFY_PRESERVE_CASE", False),
                    use_unicode=self.settings.get("SLUGIFY_USE_UNICODE", False),
                )
            )
        metadata["metadata_lines"] = lines
        return metadata

    def _is_under(self, path, *path_settings):
        relative = os.path.relpath(path, self.settings["PATH"])
        folders = [folder for name in path_settings for folder in self.settings.get(name, [])]
        return any(relative == folder or relative.startswith(folder.rstrip("/") + os.sep) for folder in folders)

    def _parse_value(self, name, value):
        if name in fields.DATE_FIELDS:
            return fields.parse_date(value)
        if name in fields.LIST_FIELDS:
            items = fields.parse_list(value, names=name in fields.NAME_LIST_FIELDS)
            return self.process_metadata(name, items) if name == "tags" else items
        if name in fields.BOOLEAN_FIELDS:
            return fields.parse_boolean(value)
        if name in fields.URL_FIELDS:
            return fields.parse_url(value)
        if name == "slug" and len(value) > fields.SLUG_MAX_LENGTH:
            raise ValueError(f"slug 太长（最多 {fields.SLUG_MAX_LENGTH} 个字符）/ slug longer than {fields.SLUG_MAX_LENGTH} characters")
        if name == "status":
            return fields.parse_status(value)
        if name == "summary":
            converted = _converted.pop(value, None)
            return self._markdown().convert(value) if converted is None else converted
        return self.process_metadata(name, value)
