"""Production overrides: `make publish` builds with these."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: E402,F403

SITEURL = os.environ.get("SITEURL", CANONICAL_SITEURL)
# One public address: canonical links and printed QR codes follow an override.
CANONICAL_SITEURL = SITEURL
RELATIVE_URLS = False
REVIEW_REQUIRED = True
PII_POLICY = "fail"
LINK_CHECK = "fail"
# 居务公开: an overdue item is a warning here too; "fail" stops a production
# build until the item is published (plugins/disclosure/README.md).
DISCLOSURE_OVERDUE = "warn"
# Proofreading (plugins/proofread): findings of "error" rules stop the build
# (the freshness report's warnings are make check's).
PROOFREAD = "fail"
# Gzip and Brotli copies beside each text file, for hosts with `gzip_static on`
# and `brotli_static on` (deploy/nginx.conf).
PRECOMPRESS = True
# Content hashes in theme and photo file names, so hosts may cache them for a
# year (plugins/assets/).
ASSET_FINGERPRINT = True
# Object storage for `make deploy-s3` (README, operator's guide); the command
# line and the environment override these. Credentials never go here: they
# come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or ~/.aws/credentials.
# S3_BUCKET = "qinghe-site"
# S3_ENDPOINT = "https://oss-cn-hangzhou.aliyuncs.com"
# S3_REGION = "oss-cn-hangzhou"
# S3_PREFIX = ""
# S3_ADDRESSING_STYLE = "virtual"
