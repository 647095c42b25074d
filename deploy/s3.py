"""`make deploy-s3`: publish output/ to S3-compatible object storage (Alibaba
Cloud OSS, Tencent Cloud COS, MinIO, Amazon S3) with boto3.

Only files whose bytes changed are uploaded: the local MD5 is compared with
each object's ETag from one listing (for a single-part upload, which is how
every file goes up, the ETag is the MD5 of the bytes on S3, OSS, COS and
MinIO). Reproducible builds make an unchanged page byte-identical, so a
quiet day uploads nothing. New and changed files go up before the pages that
point to them (assets, then pages, the home page last), and objects whose
files left the site are deleted only after every upload succeeded.

Each object gets `Content-Type` (with `charset=utf-8` for text) and the same
`Cache-Control` as deploy/nginx.conf (deploy/rules.py). The `.gz`/`.br`
copies are not uploaded: object storage answers every client with the same
bytes and cannot choose by `Accept-Encoding`, so compression is left to the
CDN in front (OSS/COS CDNs compress text with gzip and Brotli on the fly and
cache the result).

Bucket, endpoint, region and key prefix come from the command line, the
environment (S3_BUCKET, S3_ENDPOINT, S3_REGION, S3_PREFIX,
S3_ADDRESSING_STYLE) or publishconf.py, in that order. Credentials come only
from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) or the
client's own configuration (~/.aws/credentials, AWS_PROFILE), never from a
file in the project.

    python -m deploy.s3 [--dry-run] [--bucket B] [--endpoint URL] [--region R] [--prefix P]
"""

import argparse
import base64
import concurrent.futures
import hashlib
import os
import sys

from . import rules

SETTING_NAMES = ("S3_BUCKET", "S3_ENDPOINT", "S3_REGION", "S3_PREFIX", "S3_ADDRESSING_STYLE")
_SECRET_HINTS = ("SECRET", "ACCESS_KEY", "PASSWORD", "TOKEN")
PARALLEL = 8


class Refused(Exception):
    pass


def read_config(args, settings_file):
    """Command line, then environment, then the settings file."""
    settings = {}
    if settings_file and os.path.exists(settings_file):
        from pelican.settings import get_settings_from_file

        loaded = get_settings_from_file(settings_file)
        leaked = sorted(k for k in loaded if k.startswith(("S3_", "AWS_")) and any(h in k for h in _SECRET_HINTS))
        if leaked:
            raise Refused(
                f"{settings_file} 含有凭据 {', '.join(leaked)}：请删除，改用环境变量 AWS_ACCESS_KEY_ID / "
                f"AWS_SECRET_ACCESS_KEY / credentials in {settings_file}: remove them, use the environment"
            )
        settings = {name: loaded.get(name) for name in SETTING_NAMES}
    config = {}
    for name in SETTING_NAMES:
        flag = getattr(args, name[3:].lower(), None)
        config[name] = flag or os.environ.get(name) or settings.get(name) or ""
    config["S3_PREFIX"] = config["S3_PREFIX"].strip("/")
    if config["S3_PREFIX"]:
        config["S3_PREFIX"] += "/"
    if not config["S3_BUCKET"]:
        raise Refused(
            "请设置存储桶 / no bucket: make deploy-s3 S3_BUCKET=… S3_ENDPOINT=https://oss-cn-hangzhou.aliyuncs.com "
            "(or S3_BUCKET in publishconf.py)"
        )
    return config


def client(config):
    import boto3
    from botocore.config import Config

    options = Config(
        s3={"addressing_style": config["S3_ADDRESSING_STYLE"] or "auto"},
        # OSS, COS and older MinIO reject the newer default CRC checksums.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        retries={"max_attempts": 5, "mode": "standard"},
        max_pool_connections=PARALLEL,
    )
    return boto3.session.Session().client(
        "s3",
        endpoint_url=config["S3_ENDPOINT"] or None,
        region_name=config["S3_REGION"] or None,
        config=options,
    )


def local_files(output):
    """``{key path: (md5 hex, file path)}`` for every file a bucket should hold."""
    found = {}
    for relative in rules.site_files(output):
        if relative.endswith(rules.PRECOMPRESSED) or relative.split("/")[-1].startswith("."):
            continue
        path = os.path.join(output, relative)
        with open(path, "rb") as handle:
            found[relative] = (hashlib.md5(handle.read()).hexdigest(), path)
    return found


def remote_objects(s3, bucket, prefix, keep=()):
    """``{key path without prefix: ETag}`` of every object under the prefix,
    but those in ``keep`` (folders other sites deploy to: a 街道 portal's
    bucket holds its communities under their prefixes)."""
    kept = tuple(folder.strip("/") + "/" for folder in keep)
    found = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            path = item["Key"][len(prefix):]
            if kept and path.startswith(kept):
                continue
            found[path] = item["ETag"].strip('"')
    return found


def plan(local, remote):
    new = [path for path in local if path not in remote]
    changed = [path for path in local if path in remote and remote[path] != local[path][0]]
    gone = sorted(path for path in remote if path not in local)
    return sorted(new + changed, key=rules.upload_order), set(new), gone


def upload(s3, bucket, key, path, md5):
    with open(path, "rb") as handle:
        data = handle.read()
    s3.put_object(
        Bucket=bucket,
        Key=key,
        Body=data,
        ContentType=rules.content_type(path),
        CacheControl=rules.cache_control(key),
        ContentMD5=base64.b64encode(bytes.fromhex(md5)).decode(),
    )


def deploy(config, output="output", dry_run=False, log=print, keep=()):
    problem = rules.check_built_site(output)
    if problem:
        raise Refused(problem)
    s3 = client(config)
    bucket, prefix = config["S3_BUCKET"], config["S3_PREFIX"]
    local = local_files(output)
    remote = remote_objects(s3, bucket, prefix, keep)
    uploads, new, gone = plan(local, remote)
    for path in uploads:
        log(f"{'+' if path in new else '~'} {prefix}{path}")
    for path in gone:
        log(f"- {prefix}{path}")
    summary = (len(uploads), len(gone), len(local) - len(uploads))
    if dry_run:
        return summary
    # Assets first, then pages: each stage completes before the next starts.
    stages = [[p for p in uploads if not rules.is_entry(p)], [p for p in uploads if rules.is_entry(p)]]
    with concurrent.futures.ThreadPoolExecutor(PARALLEL) as pool:
        for stage in stages:
            jobs = [pool.submit(upload, s3, bucket, prefix + p, local[p][1], local[p][0]) for p in stage]
            for job in jobs:
                job.result()
    for start in range(0, len(gone), 1000):
        batch = [{"Key": prefix + path} for path in gone[start : start + 1000]]
        result = s3.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})
        if result.get("Errors"):
            first = result["Errors"][0]
            raise Refused(f"删除失败 / could not delete {first.get('Key')}: {first.get('Message')}")
    return summary


def explain(error):
    """A boto error as one line an operator can act on."""
    from botocore import exceptions

    if isinstance(error, exceptions.NoCredentialsError):
        return ("没有找到凭据 / no credentials: export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
                "(the bucket's AccessKey), or set AWS_PROFILE")
    if isinstance(error, exceptions.EndpointConnectionError):
        return f"连不上存储服务 / cannot reach the endpoint: {error}"
    if isinstance(error, exceptions.ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        message = error.response.get("Error", {}).get("Message", "")
        return f"存储服务拒绝 / the storage service refused: {code} {message}".strip()
    return str(error)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="make deploy-s3", description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", default="output")
    parser.add_argument("--settings", default="publishconf.py")
    parser.add_argument("--bucket")
    parser.add_argument("--endpoint", help="e.g. https://oss-cn-hangzhou.aliyuncs.com")
    parser.add_argument("--region")
    parser.add_argument("--prefix", help="key prefix for a site under a sub-path, e.g. community")
    parser.add_argument("--addressing-style", choices=["auto", "virtual", "path"])
    parser.add_argument("--dry-run", action="store_true", help="list what would change, change nothing")
    parser.add_argument("--check-config", action="store_true", help="only check the settings (before a build)")
    args = parser.parse_args(argv)
    try:
        config = read_config(args, args.settings)
        if args.check_config:
            return 0
        uploaded, deleted, unchanged = deploy(config, args.output, args.dry_run)
    except Refused as refused:
        print(f"部署未进行 / not deployed: {refused}", file=sys.stderr)
        return 2
    except Exception as error:  # botocore's errors, reported without a traceback
        if type(error).__module__.startswith(("botocore", "boto3", "s3transfer")):
            print(f"部署失败 / deploy failed: {explain(error)}", file=sys.stderr)
            return 1
        raise
    verb = "将" if args.dry_run else "已"
    print(
        f"{verb}上传 {uploaded} 个、删除 {deleted} 个，{unchanged} 个未变 / "
        f"{'would upload' if args.dry_run else 'uploaded'} {uploaded}, "
        f"{'would delete' if args.dry_run else 'deleted'} {deleted}, unchanged {unchanged}"
        + (" (dry run: nothing changed)" if args.dry_run else ""),
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
