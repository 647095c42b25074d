"""`make deploy`: copy output/ to a server folder (or a local one) with rsync.

Two passes so a resident never meets a missing page or stylesheet: first
everything a page points to (theme files, photos, the search index chunks),
then the pages, feeds and calendar with ``--delay-updates`` (each changed file
is moved into place at the very end) and ``--delete-after`` (files that left
the site go only once the new ones are all there). ``--checksum`` compares
contents, not times: a rebuilt but unchanged page is neither copied nor touched,
so nginx's ETag stays the same and browsers keep getting 304s.

    python -m deploy.rsync user@host:/var/www/qinghe/ [--dry-run] [--output output]
"""

import argparse
import os
import re
import shutil
import subprocess
import sys

from .rules import check_built_site

PROJECT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Not --archive: times are not copied, so a file whose bytes did not change is
# not touched at all (rsync would otherwise reset its time, and nginx's ETag
# with it). Permissions readable by the web server whatever the builder's umask.
_COMMON = ["--recursive", "--links", "--checksum", "--perms", "--chmod=D755,F644", "--itemize-changes"]
# Pages, feeds, calendar, sitemap, Pagefind's entry file and their .gz/.br.
_ENTRIES = ["*.html", "*.html.*", "*.xml", "*.xml.*", "*.ics", "*.ics.*", "*.txt", "*.txt.*",
            "*.webmanifest", "*.webmanifest.*", "pagefind-entry.json", "pagefind-entry.json.*"]
_REMOTE = re.compile(r"^(?:[^/:]+@)?[^/:]+:(.*)$")  # user@host:path (not C:\ or ./a:b)


class Refused(Exception):
    pass


def _is_ancestor_or_same(folder, other):
    folder, other = os.path.realpath(folder), os.path.realpath(other)
    return other == folder or other.startswith(folder.rstrip(os.sep) + os.sep)


def check_target(target, output):
    """Why ``target`` must not receive ``--delete`` of our site, or None."""
    if not target or not target.strip():
        return "请设置 DEPLOY_TARGET，如 make deploy DEPLOY_TARGET=user@host:/var/www/site/ / DEPLOY_TARGET is empty"
    remote = _REMOTE.match(target)
    if remote:
        path = remote.group(1).strip()
        if path in ("", "~", "~/", ".", "./"):
            return (f"{target}: 这是远程用户的主目录，部署会删除其中的全部文件，请写出网站目录 / "
                    "that is the remote user's home folder: name the site's own folder")
        if path.rstrip("/") == "" or os.path.normpath(path) in ("/", "//"):
            return f"{target}: 不能部署到根目录 / refusing to deploy to the root folder /"
        if os.path.normpath(path) in ("/var", "/var/www", "/srv", "/home", "/etc", "/usr", "/root", "/tmp"):
            return f"{target}: 这是系统目录，请写出网站自己的目录 / a system folder: name the site's own folder"
        return None
    real = os.path.realpath(os.path.expanduser(target))
    if real == os.sep:
        return f"{target}: 不能部署到根目录 / refusing to deploy to the root folder /"
    if real == os.path.realpath(os.path.expanduser("~")):
        return f"{target}: 这是主目录，部署会删除其中的全部文件 / that is a home folder: name the site's own folder"
    if _is_ancestor_or_same(real, PROJECT) or _is_ancestor_or_same(PROJECT, real):
        return (f"{target}: 这是项目目录（或在其中），部署会删除稿件 / "
                "that is (inside) the project folder: deploying there would delete the content")
    if _is_ancestor_or_same(real, output) or _is_ancestor_or_same(output, real):
        return f"{target}: 与 {output}/ 重叠 / overlaps the build folder {output}/"
    return None


def commands(output, target, dry_run=False, keep=()):
    """``keep``: folders of the target that other sites deploy to (a 街道
    portal's target holds its communities' sub-paths): never touched."""
    source = output.rstrip("/") + "/"
    target = target if target.endswith("/") else target + "/"
    kept = [f"--exclude=/{folder.strip('/')}/" for folder in keep]
    if dry_run:
        # One pass shows every copy and deletion; nothing is changed.
        return [["rsync", *_COMMON, *kept, "--dry-run", "--delete-after", source, target]]
    excludes = [f"--exclude={pattern}" for pattern in _ENTRIES]
    return [
        ["rsync", *_COMMON, *kept, *excludes, source, target],
        ["rsync", *_COMMON, *kept, "--delay-updates", "--delete-after", source, target],
    ]


def check_tools_and_target(target, output):
    problem = check_target(target, output)
    if problem:
        raise Refused(problem)
    if shutil.which("rsync") is None:
        raise Refused(
            "没有安装 rsync / rsync is not installed: `sudo apt-get install rsync` "
            "(Debian/Ubuntu/统信/麒麟), `sudo dnf install rsync` (CentOS/openEuler); "
            "the server needs it too. Or deploy to object storage: make deploy-s3"
        )


def deploy(target, output="output", dry_run=False, keep=()):
    problem = check_built_site(output)
    if problem:
        raise Refused(problem)
    check_tools_and_target(target, output)
    if not _REMOTE.match(target):
        target = os.path.expanduser(target)
        os.makedirs(target, exist_ok=True)
    for command in commands(output, target, dry_run, keep):
        result = subprocess.run(command)
        if result.returncode != 0:
            raise Refused(f"rsync 失败（退出码 {result.returncode}）/ rsync failed with status {result.returncode}")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="make deploy", description=__doc__.split("\n\n")[0])
    parser.add_argument("target", nargs="?", default="", help="user@host:/var/www/site/ or a local folder")
    parser.add_argument("--output", default="output")
    parser.add_argument("--dry-run", action="store_true", help="list what would change, change nothing")
    parser.add_argument("--check-target", action="store_true", help="only check the target and rsync (before a build)")
    args = parser.parse_args(argv)
    try:
        if args.check_target:
            check_tools_and_target(args.target, args.output)
            return 0
        deploy(args.target, args.output, args.dry_run)
    except Refused as refused:
        print(f"部署未进行 / not deployed: {refused}", file=sys.stderr)
        return 2
    print("演习：未做任何修改 / dry run: nothing changed" if args.dry_run else f"已部署到 {args.target} / deployed", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
