"""A ready-to-fill notice with every notice key of the content model:

    .venv/bin/python -m plugins.notices.scaffold 标题 [通知|公告|公示]

writes ``content/notices/<date>-<slug>.md`` as a draft (the file name is the
notice's address, see README.md)."""

import datetime
import sys
from pathlib import Path

from pelican.utils import slugify

from ..common import SHANGHAI
from ..sites import editing_root
from .status import KINDS, PUBLICITY

NOTICE_TEMPLATE = """标题：{title}
日期：{now:%Y-%m-%d %H:%M}
类型：{kind}
文号：
索引号：
发布单位：
生效日期：{now:%Y-%m-%d}
截止日期：{expires}
置顶：否
附件：
标签：
公开事项：
解读：
责任编辑：
审核：
终审：
状态：draft

（正文从这里开始，空一行分段。附件放进 content/notices/files/，在“附件：”后只写文件名，多个用 、 分隔。）
（状态 draft 表示草稿，不会发布；三审签字填好后删除这一行。）
"""

PUBLICITY_BODY = """
现将有关名单公示如下：

<!-- 公示名单 -->
| 序号 | 姓名 | 小区 |
|---|---|---|
| 1 |  |  |
<!-- /公示名单 -->

（上面两行标记之间的名单只在公示期内发布，截止日期的第二天起自动删除。）
公示期间如有异议，请向社区居民委员会反映。
"""


def new_notice(title, kind="通知", root=Path(".")):
    if not title:
        raise SystemExit("请给出标题 / give a title: make new-notice TITLE=标题 [KIND=通知|公告|公示]")
    kind = kind or "通知"
    if kind not in KINDS:
        raise SystemExit(f"类型只能是 通知、公告、公示 / kind must be one of {', '.join(KINDS)}")
    now = datetime.datetime.now(SHANGHAI)
    slug = slugify(title, regex_subs=[(r"[^\w\s-]", ""), (r"[-\s]+", "-")])[:50].strip("-") or "notice"
    folder = root / "content" / "notices"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{now:%Y-%m-%d}-{slug}.md"
    if path.exists():
        raise SystemExit(f"{path} 已存在 / already exists")
    # A 公示 needs the last day of its period (7 days is a common length).
    expires = f"{now + datetime.timedelta(days=7):%Y-%m-%d}" if kind == PUBLICITY else ""
    text = NOTICE_TEMPLATE.format(title=title, now=now, kind=kind, expires=expires)
    if kind == PUBLICITY:
        text += PUBLICITY_BODY
    path.write_text(text, encoding="utf-8")
    return path


if __name__ == "__main__":
    title, kind = (sys.argv[1:] + ["", ""])[:2]
    print(f"已创建 / created: {new_notice(title, kind, Path(editing_root()))}")
