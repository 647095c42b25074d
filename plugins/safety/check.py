"""`make check`: run every content check of a production build — metadata,
review, personal data, references, images, alt text, and the proofreading
of plugins/proofread (typography, 规范表述, masking, freshness) — without
writing the site, print one line per problem grouped by file, and write
the same as a page (``CHECK_REPORT``, default ``output-check/report.html``).
The exit status is 1 when there is an error: do not publish.

    python -m plugins.safety [publishconf.py] [KEY=JSON ...]
"""

import json
import logging
import re
from collections import defaultdict

from pelican import Pelican
from pelican.settings import read_settings

from ..common import build_date, line_of, relative_path
from . import report

CHECK_REPORT = "output-check/report.html"
_LOCATED = re.compile(r"^(?P<path>[^\s:][^:\n]*?)(?::(?P<line>\d+))?: (?P<message>.+)$", re.S)
# Pelican's own echoes of problems we already report with file and line.
_ECHOES = ("Could not process", "Cannot get modification stamp", "Unable to find", "There are ")
_IMG = re.compile(r"<img\b[^>]*>")
_ALT = re.compile(r'\balt="([^"]*)"')
_SRC = re.compile(r'\bsrc="([^"]*)"')


class CheckFinished(SystemExit):
    def __init__(self):
        super().__init__(0)


class Collector(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.records = []

    def emit(self, record):
        message = record.getMessage()
        if message.startswith(_ECHOES):
            return
        self.records.append((record.levelno, " ".join(message.split()), getattr(record, "linli_finding", None)))


def missing_alt_text(contents):
    for content in contents:
        for tag in _IMG.findall(getattr(content, "_content", "") or ""):
            alt = _ALT.search(tag)
            if alt and alt.group(1).strip():
                continue
            src = _SRC.search(tag)
            needle = src.group(1).split("}")[-1] if src else "<img"
            yield content.source_path, line_of(content.source_path, needle), (
                "图片缺少说明文字，请写成 ![说明](图片地址) / image without alt text: write ![caption](path)"
            )


def run_extra_checks(generators, settings, log):
    contents = []
    for generator in generators:
        for attribute in ("articles", "hidden_articles", "pages", "hidden_pages", "notices"):
            contents.extend(getattr(generator, attribute, None) or [])
    for path, line, message in missing_alt_text(contents):
        log.warning("%s%s: %s", relative_path(path), f":{line}" if line else "", message)
    # The freshness report (columns, the notice board) is plugins/proofread's.


def located(message):
    """(file, line or None, text) of a logged message."""
    match = _LOCATED.match(message)
    return (match["path"], match["line"], match["message"]) if match else ("其他 / other", None, message)


def format_report(records):
    by_file = defaultdict(list)
    for level, message, *_ in records:
        path, line, text = located(message)
        by_file[path].append((line, level, text))
    lines = []
    for path in sorted(by_file):
        lines.append(path)
        for line, level, text in sorted(by_file[path], key=lambda item: int(item[0] or 0)):
            kind = "错误 error" if level >= logging.ERROR else "提醒 warning"
            lines.append(f"  {path}{':' + line if line else ''}: [{kind}] {text}")
    errors = sum(1 for level, *_ in records if level >= logging.ERROR)
    warnings = len(records) - errors
    lines.append(f"检查完成：{errors} 个错误，{warnings} 个提醒 / check done: {errors} error(s), {warnings} warning(s)")
    return "\n".join(lines), errors


def main(argv):
    settings_file = "publishconf.py"
    overrides = {}
    for argument in argv:
        if "=" in argument:
            key, value = argument.split("=", 1)
            overrides[key] = json.loads(value)
        else:
            settings_file = argument
    collector = Collector()
    root = logging.getLogger()
    root.handlers = [collector]
    root.setLevel(logging.INFO)
    overrides["LINLI_CHECK_ONLY"] = True
    settings = read_settings(settings_file, override=overrides)
    try:
        Pelican(settings).run()
    except CheckFinished:
        pass
    except Exception as error:  # the report still says what was found before it
        collector.records.append((logging.ERROR, f"检查中断 / check stopped: {error.__class__.__name__}: {error}", None))
    report, errors = format_report(collector.records)
    print(report)
    page = settings.get("CHECK_REPORT", CHECK_REPORT)
    if page:
        try:
            write_page(page, collector.records, settings, settings_file)
            print(f"报告 / report: {page}")
        except OSError as error:
            print(f"报告未能写入 / report not written: {page}: {error.strerror or error}")
    return 1 if errors else 0


def write_page(path, records, settings, settings_file):


    items = []
    for level, message, finding in records:
        where, line, text = located(message)
        parts = finding or {}
        items.append(report.Item(
            where, int(line) if line else None, level >= logging.ERROR, text,
            parts.get("problem", ""), parts.get("fix", ""), parts.get("english", ""), bool(parts.get("fixable")),
        ))
    try:
        day = str(build_date(settings))
    except Exception:  # a bad BUILD_DATE was reported already
        day = str(settings.get("BUILD_DATE", ""))
    report.write(path, items, site_name=settings.get("SITENAME", ""), day=day, settings_file=settings_file)

