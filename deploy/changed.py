"""`make publish-if-changed`: the daily job. After `make publish`, deploy only
when output/ differs from what was last deployed to the same place, so a quiet
day (no new piece, no notice changing status) uploads and touches nothing.

The fingerprint of a build is one SHA-256 over every file's path and bytes;
reproducible builds make it equal whenever the site is equal. The sitemap is
left out: its listing pages carry the build date as `lastmod`, which changes
every day without any page changing (it goes up with the next real change). It is recorded
in .cache/deployed/ only after a deploy succeeded, so a failed deploy is
retried by the next run.

    python -m deploy.changed rsync user@host:/var/www/qinghe/
    python -m deploy.changed s3 [deploy.s3 options]
"""

import argparse
import hashlib
import os
import sys

from . import rsync, rules, s3

STATE = os.path.join(".cache", "deployed")
SITEMAP = "sitemap.xml"


def site_digest(output):
    digest = hashlib.sha256()
    for relative in rules.site_files(output):
        if relative.startswith(SITEMAP):
            continue
        with open(os.path.join(output, relative), "rb") as handle:
            content = hashlib.sha256(handle.read()).hexdigest()
        digest.update(f"{relative}\0{content}\n".encode("utf-8"))
    return digest.hexdigest()


def state_file(method, destination, state=STATE):
    name = hashlib.sha256(f"{method} {destination}".encode("utf-8")).hexdigest()[:16]
    return os.path.join(state, f"{method}-{name}")


def main(argv=None, state=STATE):
    parser = argparse.ArgumentParser(prog="make publish-if-changed", description=__doc__.split("\n\n")[0])
    parser.add_argument("method", choices=["rsync", "s3"])
    parser.add_argument("--output", default="output")
    args, rest = parser.parse_known_args(argv)
    problem = rules.check_built_site(args.output)
    if problem:
        print(f"部署未进行 / not deployed: {problem}", file=sys.stderr)
        return 2
    if args.method == "rsync":
        destination = rest[0] if rest else ""
        deploy = lambda: rsync.main([*rest, "--output", args.output])  # noqa: E731
    else:
        parsed = argparse.Namespace(bucket=None, endpoint=None, region=None, prefix=None, addressing_style=None)
        for flag in ("bucket", "endpoint", "region", "prefix"):
            if f"--{flag}" in rest:
                setattr(parsed, flag, rest[rest.index(f"--{flag}") + 1])
        try:
            config = s3.read_config(parsed, "publishconf.py")
        except s3.Refused as refused:
            print(f"部署未进行 / not deployed: {refused}", file=sys.stderr)
            return 2
        destination = f"{config['S3_ENDPOINT']}/{config['S3_BUCKET']}/{config['S3_PREFIX']}"
        deploy = lambda: s3.main([*rest, "--output", args.output])  # noqa: E731
    digest = site_digest(args.output)
    record = state_file(args.method, destination, state)
    if os.path.exists(record):
        with open(record, encoding="utf-8") as handle:
            if handle.read().strip() == digest:
                print(f"网站没有变化，不部署 / unchanged since the last deploy to {destination}: nothing to do", file=sys.stderr)
                return 0
    status = deploy()
    if status == 0:
        os.makedirs(os.path.dirname(record), exist_ok=True)
        with open(record, "w", encoding="utf-8") as handle:
            handle.write(digest + "\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
