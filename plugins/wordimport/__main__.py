"""`make import FILE=稿件.docx [COLUMN=栏目] [FORCE=1]`: several files, a
folder or a pattern at once (FILE="稿件/*.docx")."""

import argparse
import glob
import logging
import shlex
import sys
from pathlib import Path

from ..common import ContentError, relative_path
from ..sites import editing_root
from .importer import import_document

DOCUMENT_SUFFIXES = (".docx", ".docm", ".doc", ".wps", ".wpt", ".rtf", ".dotx")


def documents(arguments):
    """Each argument is a file, a folder (its Word files) or, failing both,
    several names or patterns in one string (how `make` passes FILE)."""
    found = []
    for argument in arguments:
        candidates = [argument] if Path(argument).exists() else [
            match for part in shlex.split(argument) for match in (sorted(glob.glob(part)) or [part])
        ]
        for candidate in candidates:
            path = Path(candidate)
            if path.is_dir():
                found += sorted(
                    p for p in path.iterdir()
                    # ~$稿件.docx: the lock file Word leaves beside an open document.
                    if p.suffix.lower() in DOCUMENT_SUFFIXES and not p.name.startswith("~$")
                )
            else:
                found.append(path)
    return found


def load_settings(path):
    """SITENAME and PII_ALLOW from the site's pelicanconf.py (if there is one)."""
    if not Path(path).is_file():
        return {}
    from pelican.settings import read_settings

    logging.getLogger("pelican").setLevel(logging.ERROR)
    return read_settings(str(path))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="make import", description="导入 Word 稿件 / import Word documents")
    parser.add_argument("files", nargs="*")
    parser.add_argument("--column", default="")
    parser.add_argument("--force", action="store_true")
    parser.add_argument("--root", default=editing_root())
    parser.add_argument("--settings", default="pelicanconf.py")
    args = parser.parse_args(argv)
    paths = documents([f for f in args.files if f.strip()])
    if not paths:
        print("请给出文件 / give a file: make import FILE=稿件.docx [COLUMN=栏目] [FORCE=1]", file=sys.stderr)
        return 2
    settings = load_settings(Path(args.root) / args.settings)
    failed = 0
    for path in paths:
        if not path.exists():
            print(f"错误 error  {path}: 找不到文件 / no such file", file=sys.stderr)
            failed += 1
            continue
        try:
            result = import_document(path, args.root, args.column, args.force, settings)
        except ContentError as error:
            print(f"错误 error  {error}", file=sys.stderr)
            failed += 1
            continue
        report(result)
    if len(paths) > 1:
        print(f"导入完成：{len(paths) - failed} 篇成功，{failed} 篇失败 / imported {len(paths) - failed}, failed {failed}")
    return 1 if failed else 0


def report(result):
    where = relative_path(result.article)
    if result.unchanged:
        print(f"{result.source} → {where}：与上次导入相同，未改动 / unchanged")
        return
    print(f"{result.source} → {where}")
    for line in result.found:
        print(f"  {line}")
    for line in result.notes:
        print(f"  提醒 check: {line}")
    for line, kind, masked in result.personal:
        print(
            f"  个人信息 personal data: {where}:{line}: {kind} {masked} —— 发布前请删除或打码"
            f"（正式发布 make publish 会因此停止）/ remove it before publishing"
        )
    print("  三审：审核、终审待社区签字；预览 make html 可见，正式发布要等签字齐全 / reviewer and approver sign before make publish")


if __name__ == "__main__":
    sys.exit(main())
