"""`make new-article TITLE=… [COLUMN=…]`: a ready-to-fill article with every
key of the content model, Chinese aliases shown (SPEC §3). `make import`
(plugins/wordimport) writes its articles through the same header."""

import datetime
import sys
from pathlib import Path

from pelican.utils import slugify

from ..common import SHANGHAI
from ..sites import editing_root

ARTICLE_HEADER = """标题：{title}
日期：{date}
栏目：{column}
标签：{tags}
slug: {slug}
摘要：{summary}
来源：{source}
记者：{reporters}
通讯员：{correspondents}
摄影：{photographers}
责任编辑：{editor}
审核：
终审：
封面：{cover}
相册：{album}
状态：{status}
"""

NEW_ARTICLE_BODY = """（正文从这里开始。空一行分段。插图：![图片说明]({static}/photos/相册名/照片.jpg)）
（状态 draft 表示草稿，不会发布；三审签字填好后改为 published 或删除这一行。）
"""

DEFAULT_COLUMN = "社区动态"
DEFAULT_SOURCE = "青禾社区"
# 审核 and 终审 are never filled by a tool: the office signs them.
HEADER_FIELDS = ("tags", "summary", "source", "reporters", "correspondents", "photographers", "editor", "cover", "album")


def article_slug(title):
    return slugify(title, regex_subs=[(r"[^\w\s-]", ""), (r"(?u)\A\s*", ""), (r"(?u)\s*\Z", ""), (r"[-\s]+", "-")])[:60].strip("-")


def article_path(root, date, slug):
    return Path(root) / "content" / "articles" / f"{date:%Y}" / f"{date:%Y-%m-%d}-{slug}.md"


def render_article(title, date, slug, column="", body=NEW_ARTICLE_BODY, status="draft", **fields):
    """The article file: the full header (lists joined with 、), a blank line, the body.
    ``date`` is a datetime, or a date when only the day is known."""
    values = {key: fields.get(key) or "" for key in HEADER_FIELDS}
    values = {key: "、".join(value) if isinstance(value, (list, tuple)) else str(value) for key, value in values.items()}
    when = f"{date:%Y-%m-%d %H:%M}" if isinstance(date, datetime.datetime) else f"{date:%Y-%m-%d}"
    header = ARTICLE_HEADER.format(title=title, date=when, column=column or DEFAULT_COLUMN, slug=slug, status=status, **values)
    return header + "\n" + body.rstrip("\n") + "\n"


def new_article(title, column, root=Path(".")):
    if not title:
        raise SystemExit("请给出标题 / give a title: make new-article TITLE=标题 [COLUMN=栏目]")
    now = datetime.datetime.now(SHANGHAI)
    slug = article_slug(title)
    path = article_path(root, now, slug)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        raise SystemExit(f"{path} 已存在 / already exists")
    path.write_text(render_article(title, now, slug, column, source=DEFAULT_SOURCE), encoding="utf-8")
    return path


if __name__ == "__main__":
    kind, title, column = (sys.argv[1:] + ["", "", ""])[:3]
    if kind != "article":
        raise SystemExit(f"unknown kind {kind!r}")
    print(f"已创建 / created: {new_article(title, column, Path(editing_root()))}")
