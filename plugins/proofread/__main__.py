"""`make fix [FILE=…] [DRY_RUN=1]`: the safe fixes of the proofread plugin,
applied to Markdown sources (fix.py says what is safe), each file's diff
shown first. Without FILE every Markdown file under content/.

    python -m plugins.proofread [--dry-run] [--settings publishconf.py] [FILE ...]

FILE may be a file, a folder, or several names or patterns in one string
(how `make` passes it).
"""

import argparse
import glob
import logging
import os
import shlex
import sys
from pathlib import Path

from ..common import ContentError, location
from . import State, describe
from .fix import fix_file, read
from .lint import lint_text

SUFFIXES = (".md", ".markdown", ".mdown")


def sources(arguments, content):
    found = []
    for argument in arguments or [content]:
        candidates = [argument] if Path(argument).exists() else [
            match for part in shlex.split(argument) for match in (sorted(glob.glob(part)) or [part])
        ]
        for candidate in candidates:
            path = Path(candidate)
            if path.is_dir():
                found += sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())
            else:
                found.append(path)
    return list(dict.fromkeys(found))


def load_settings(path):
    from pelican.settings import read_settings

    logging.getLogger("pelican").setLevel(logging.ERROR)
    return read_settings(path) if Path(path).is_file() else read_settings(None)


def remaining(path, state, dry_run=False):
    """What is left for the editor in a file: ``[(line, level, message)]``
    (with ``dry_run``, not what the diff shown would fix)."""
    with open(path, "rb") as handle:
        text = read(handle.read(), path).text
    left = []
    for line, _, rule, old, new, data in lint_text(text, state.config):
        if dry_run and "edits" in data:
            continue
        cap = state.wording.entries[data["entry"]].level if rule == "wording" else "error"
        level = state.level(rule, cap)
        if level is None:
            continue
        problem, fix, _ = describe(rule, old, new, data, state)
        left.append((line, level, f"{problem}，{fix}"))
    return left


def main(argv=None):
    parser = argparse.ArgumentParser(prog="make fix", description="自动改正标点等安全的问题 / apply the safe fixes")
    parser.add_argument("files", nargs="*")
    parser.add_argument("--dry-run", action="store_true", help="只显示改动 / only show the diff")
    parser.add_argument("--settings", default="publishconf.py")
    args = parser.parse_args(argv)
    settings = load_settings(args.settings)
    state = State(settings)
    for where, line, message in state.problems:
        print(f"提醒 warning  {location(where, line)}: {message}", file=sys.stderr)
    paths = sources([f for f in args.files if f.strip()], settings.get("PATH", "content"))
    if not paths:
        print("没有找到 Markdown 文件 / no Markdown file: make fix FILE=content/articles/….md", file=sys.stderr)
        return 2
    failed = changed_files = changes = 0
    left = []
    for path in paths:
        if not path.is_file():
            print(f"错误 error  {path}: 找不到文件 / no such file", file=sys.stderr)
            failed += 1
            continue
        try:
            result = fix_file(str(path), state, settings, dry_run=args.dry_run)
        except (ContentError, OSError) as error:
            print(f"错误 error  {error}", file=sys.stderr)
            failed += 1
            continue
        if result.diff:
            sys.stdout.write(result.diff)
            changed_files += 1
            changes += result.changed
        for line, why in result.kept:
            left.append((location(path, line), "warning", why))
        left += [(location(path, line), level, message) for line, level, message in remaining(path, state, args.dry_run)]
    verb = "可改正" if args.dry_run else "已改正"
    print(
        f"\n{verb} {changes} 处，{changed_files} 个文件 / {'would fix' if args.dry_run else 'fixed'} "
        f"{changes} in {changed_files} file(s)" + ("（DRY_RUN：未写入 / nothing written）" if args.dry_run and changes else "")
    )
    if left:
        print("需要人工处理 / left for you to decide:")
        for where, level, message in left:
            kind = "错误 error" if level == "error" else "提醒 warning"
            print(f"  {where}: [{kind}] {message}")
    print("全部检查请运行 make check / run make check for every check")
    return 1 if failed else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    sys.exit(main())
