"""Run Pagefind over the staged output, and say what each page offers it."""

import os
import shutil
import subprocess
import sys

from markupsafe import Markup, escape

from .. import incremental
from ..common import report_error, setting

DEFAULTS = {"SEARCH_INDEX": True}

KIND_LABELS = {"Article": None, "Page": "页面", "Album": "相册"}


def search_attributes(content):
    """`data-pagefind-*` attributes for a piece's main element, or nothing for
    a piece that must not be found (hidden, draft)."""
    if getattr(content, "status", "published") != "published":
        return Markup("")
    meta = {}
    category = getattr(content, "category", None)
    label = getattr(content, "kind", None) if content.__class__.__name__ == "Notice" else None
    if category is not None and content.__class__.__name__ == "Article":
        label = category.name
    label = label or KIND_LABELS.get(content.__class__.__name__)
    if label:
        meta["column"] = label
    date = getattr(content, "date", None)
    if date is not None and content.__class__.__name__ != "Page":
        meta["date"] = f"{date:%Y-%m-%d}"
    # Pagefind splits data-pagefind-meta on commas: keep them out of values.
    pairs = ", ".join(f"{key}:{str(value).replace(',', '，')}" for key, value in meta.items())
    attributes = " data-pagefind-body"
    if pairs:
        attributes += f' data-pagefind-meta="{escape(pairs)}"'
    return Markup(attributes)


def build_index(pelican, output_path, **_):
    if not setting(pelican.settings, "SEARCH_INDEX", DEFAULTS):
        return
    if _carry_over(pelican, output_path):
        return
    result = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", output_path, "--silent"],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        report_error("pagefind", None, f"搜索索引生成失败 / search index failed: {result.stderr.strip()[-500:]}")


def _carry_over(pelican, output_path):
    """No page Pagefind reads changed since the last build: its index is the
    previous one, byte for byte, so copy it rather than index the site again."""
    renders = incremental.current()
    if renders is None or not renders.search_index_unchanged():
        return False
    previous = os.path.join(renders.output, "pagefind")
    if not os.path.isdir(previous):
        return False
    shutil.copytree(previous, os.path.join(output_path, "pagefind"))
    return True
