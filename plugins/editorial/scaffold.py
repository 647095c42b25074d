"""`make new-article TITLE=… [COLUMN=…]`: a ready-to-fill article with every
key of the content model, Chinese aliases shown (SPEC §3)."""

import datetime
import sys
from pathlib import Path

from pelican.utils import slugify

from ..common import SHANGHAI

ARTICLE_TEMPLATE = """标题：{title}
日期：{now:%Y-%m-%d %H:%M}
栏目：{column}
标签：
slug: {slug}
摘要：
来源：{site}
记者：
通讯员：
责任编辑：
审核：
终审：
封面：
相册：
状态：draft

（正文从这里开始。空一行分段。插图：![图片说明]({{static}}/photos/相册名/照片.jpg)）
（状态 draft 表示草稿，不会发布；三审签字填好后改为 published 或删除这一行。）
"""


def new_article(title, column, root=Path(".")):
    if not title:
        raise SystemExit("请给出标题 / give a title: make new-article TITLE=标题 [COLUMN=栏目]")
    now = datetime.datetime.now(SHANGHAI)
    slug = slugify(title, regex_subs=[(r"[^\w\s-]", ""), (r"(?u)\A\s*", ""), (r"(?u)\s*\Z", ""), (r"[-\s]+", "-")])[:60].strip("-")
    folder = root / "content" / "articles" / f"{now:%Y}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{now:%Y-%m-%d}-{slug}.md"
    if path.exists():
        raise SystemExit(f"{path} 已存在 / already exists")
    path.write_text(
        ARTICLE_TEMPLATE.format(title=title, now=now, column=column or "社区动态", slug=slug, site="青禾社区"),
        encoding="utf-8",
    )
    return path


if __name__ == "__main__":
    kind, title, column = (sys.argv[1:] + ["", "", ""])[:3]
    if kind != "article":
        raise SystemExit(f"unknown kind {kind!r}")
    print(f"已创建 / created: {new_article(title, column)}")
