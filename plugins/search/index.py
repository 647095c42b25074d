"""Run Pagefind over the staged output, and say what each page offers it."""

import os
import shutil
import subprocess
import sys

from markupsafe import Markup, escape

from .. import incremental
from ..common import report_error, setting

DEFAULTS = {
    "SEARCH_INDEX": True,
    # `make devserver` only: a changed site keeps the previous index for this
    # build and `index_later()` brings it up to date once the page is shown.
    "SEARCH_INDEX_LATER": False,
}

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
    unchanged = _search_index_unchanged()
    later = setting(pelican.settings, "SEARCH_INDEX_LATER", DEFAULTS)
    if (unchanged or later) and _copy_previous(output_path):
        pelican.linli_search_pending = getattr(pelican, "linli_search_pending", False) or not unchanged
        return
    run_pagefind(output_path)


def run_pagefind(output_path, started=None):
    """``started`` (the devserver's) is handed the process, to stop it when a
    newer save comes in; a process stopped that way is no error."""
    process = subprocess.Popen(
        [sys.executable, "-m", "pagefind", "--site", output_path, "--silent"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    if started is not None:
        started(process)
    _, stderr = process.communicate()
    if process.returncode < 0 and started is not None:
        return
    if process.returncode != 0:
        report_error("pagefind", None, f"搜索索引生成失败 / search index failed: {stderr.strip()[-500:]}")


def index_later(pelican, started=None):
    """The index a SEARCH_INDEX_LATER build left as it was, made again over
    the published preview (called by the devserver after the page reloaded)."""
    if getattr(pelican, "linli_search_pending", False):
        pelican.linli_search_pending = False
        run_pagefind(pelican.settings["OUTPUT_PATH"], started)


def _search_index_unchanged():
    renders = incremental.current()
    return renders is not None and renders.search_index_unchanged()


def _copy_previous(output_path):
    """Copy the previous build's index: byte for byte the one a clean build
    makes when no page Pagefind reads changed."""
    renders = incremental.current()
    previous = os.path.join(renders.output, "pagefind") if renders is not None else None
    if previous is None or not os.path.isdir(previous):
        return False
    shutil.copytree(previous, os.path.join(output_path, "pagefind"))
    return True
