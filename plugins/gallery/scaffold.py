"""`make new-album SLUG=spring-cleanup-2026 [TITLE=春季大扫除]`: the album folder
and a ready-to-fill album.md. Copy the photos into the folder first and the
caption list is written for you, one line per photo."""

import datetime
import os
import re
import sys
from pathlib import Path

from ..common import SHANGHAI
from ..sites import editing_root
from .albums import ALBUM_FILE, album_files

ALBUM_TEMPLATE = """标题：{title}
日期：{now:%Y-%m-%d %H:%M}
摘要：
封面：{cover}
状态：draft

<!-- 这里可以写一段活动介绍（这行提示不会发布）。
下面每行一张照片：“- 文件名：说明”。说明显示在照片下，也是读屏软件读出的内容。
没有列出的照片排在后面。状态 draft 表示草稿，整理好后改为 published 或删除那一行。 -->

{captions}
"""


def new_album(slug, title="", root=Path(".")):
    slug = (slug or "").strip()
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug):
        raise SystemExit(
            "请给出英文小写的相册名（字母、数字、连字符），如 make new-album SLUG=spring-cleanup-2026 TITLE=春季大扫除 / "
            "give SLUG as lowercase letters, digits and hyphens"
        )
    folder = Path(root) / "content" / "photos" / slug
    path = folder / ALBUM_FILE
    if path.exists():
        raise SystemExit(f"{path} 已存在 / already exists")
    folder.mkdir(parents=True, exist_ok=True)
    photos, _ = album_files(str(folder))
    captions = "\n".join(f"- {name}：" for name in photos) or "- IMG_0001.JPG：照片说明"
    path.write_text(
        ALBUM_TEMPLATE.format(
            title=title or "活动名称", now=datetime.datetime.now(SHANGHAI),
            cover=photos[0] if photos else "", captions=captions,
        ),
        encoding="utf-8",
    )
    return path, len(photos)


if __name__ == "__main__":
    slug, title = (sys.argv[1:] + ["", ""])[:2]
    created, count = new_album(slug, title, Path(editing_root()))
    print(f"已创建 / created: {created}（{count} 张照片 / photos）")
    print(f"把照片放进 / put the photos in: {os.path.dirname(created)}/")
