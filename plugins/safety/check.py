"""`make check`: run every content check of a production build — metadata,
review, personal data, references, images, alt text, freshness — without
writing the site, and print one line per problem grouped by file.

    python -m plugins.safety [publishconf.py] [KEY=JSON ...]
"""

import json
import logging
import re
from collections import defaultdict

from pelican import Pelican
from pelican.settings import read_settings

from ..common import build_date, line_of, relative_path

FRESHNESS_DAYS = 14
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
        self.records.append((record.levelno, " ".join(message.split())))


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


def stale_sections(generators, settings):
    """Columns and the notice board not updated within FRESHNESS_DAYS: the
    first thing a public-site inspection (国办秘函〔2019〕19号) looks at."""
    today = build_date(settings)
    sections = []
    for generator in generators:
        for category, articles in dict(getattr(generator, "categories", []) or []).items():
            sections.append((f"栏目“{category.name}”", [a.date.date() for a in articles]))
        notices = getattr(generator, "notices", None)
        if notices is not None:
            sections.append(("通知公告", [n.date.date() for n in notices]))
    for name, dates in sections:
        latest = max(dates) if dates else None
        if latest is None:
            yield f"{name}为空 / section is empty"
        elif (today - latest).days > FRESHNESS_DAYS:
            yield (
                f"{name}已 {(today - latest).days} 天未更新（最近 {latest}），超过 {FRESHNESS_DAYS} 天 / "
                f"not updated for {(today - latest).days} days"
            )


def run_extra_checks(generators, settings, log):
    contents = []
    for generator in generators:
        for attribute in ("articles", "hidden_articles", "pages", "hidden_pages", "notices"):
            contents.extend(getattr(generator, attribute, None) or [])
    for path, line, message in missing_alt_text(contents):
        log.warning("%s%s: %s", relative_path(path), f":{line}" if line else "", message)
    for message in stale_sections(generators, settings):
        log.warning("站点 / site: %s", message)


def format_report(records):
    by_file = defaultdict(list)
    for level, message in records:
        match = _LOCATED.match(message)
        path, line, text = (match["path"], match["line"], match["message"]) if match else ("其他 / other", None, message)
        by_file[path].append((line, level, text))
    lines = []
    for path in sorted(by_file):
        lines.append(path)
        for line, level, text in sorted(by_file[path], key=lambda item: int(item[0] or 0)):
            kind = "错误 error" if level >= logging.ERROR else "提醒 warning"
            lines.append(f"  {path}{':' + line if line else ''}: [{kind}] {text}")
    errors = sum(1 for level, _ in records if level >= logging.ERROR)
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
        collector.records.append((logging.ERROR, f"检查中断 / check stopped: {error.__class__.__name__}: {error}"))
    report, errors = format_report(collector.records)
    print(report)
    return 1 if errors else 0

