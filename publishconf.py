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
# Gzip copies beside each text file, for hosts with `gzip_static on`.
PRECOMPRESS = True
