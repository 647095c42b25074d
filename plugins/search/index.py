"""Run Pagefind over the staged output, and say what each page offers it."""

import json
import os
import shutil
import tempfile

from markupsafe import Markup, escape

from .. import build_record, incremental
from ..common import report_error, setting
from .service import PagefindCancelled, PagefindError, pagefind_indexer

DEFAULTS = {
    "SEARCH_INDEX": True,
    # `make devserver` only: a changed site keeps the previous index for this
    # build and `index_later()` brings it up to date once the page is shown.
    "SEARCH_INDEX_LATER": False,
    # Pages one Pagefind index holds at most. A bigger site is indexed in
    # parts that the search page merges, so memory stays near 350 MB a
    # thousand pages (one run over 5,000 took 1.6 GB) and an edit re-indexes
    # only its own part.
    "SEARCH_PART_PAGES": 1000,
}
PARTS_FOLDER = "parts"  # pagefind/parts/2/ …: the parts after the first
PARTS_FILE = "linli-parts.json"  # pagefind/linli-parts.json: their addresses, for search.js
SECTION = "search"  # of the build record: the pages and files of each part

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
    # Each value in an attribute of its own: Pagefind reads a literal
    # "key:value" as one pair, the rest of the list included in the value.
    attributes = " data-pagefind-body"
    if meta:
        attributes += ' data-pagefind-meta="' + ", ".join(f"{key}[data-search-{key}]" for key in meta) + '"'
        attributes += "".join(f' data-search-{key}="{escape(value)}"' for key, value in meta.items())
    return Markup(attributes)


def build_index(pelican, output_path, **_):
    settings = pelican.settings
    pelican.linli_search_record = []  # no index, no parts to carry over next time
    if not setting(settings, "SEARCH_INDEX", DEFAULTS):
        return
    renders = incremental.current()
    pages = renders.indexed_pages() if renders is not None else _pages_read_by_pagefind(output_path)
    parts = plan_parts(pages, int(setting(settings, "SEARCH_PART_PAGES", DEFAULTS)))
    previous = _load_record(pelican)
    changed = renders.index_changes() if renders is not None else set(pages)
    published = os.path.join(renders.output, "pagefind") if renders is not None else None
    stale = [
        number for number, members in enumerate(parts)
        if number >= len(previous) or previous[number]["pages"] != members or previous[number].get("pending")
        or changed.intersection(members) or not _intact(published, number, previous[number].get("files"))
    ]
    if stale and setting(settings, "SEARCH_INDEX_LATER", DEFAULTS) and _copy_previous(output_path, renders):
        # `make devserver`: the page first, the index after it (index_later).
        pelican.linli_search_pending = True
        pelican.linli_search_record = [{"pages": members, "pending": True} for members in parts]
        return
    build_parts(output_path, parts, set(stale) if renders is not None else None, renders)
    bundle = os.path.join(output_path, "pagefind")
    pelican.linli_search_record = [
        {"pages": members, "files": _part_files(bundle, number)} for number, members in enumerate(parts)
    ]


def _part_folder(bundle, number):
    return bundle if number == 0 else os.path.join(bundle, PARTS_FOLDER, str(number + 1))


def _part_files(bundle, number):
    """``{path: size}`` of a part's files (the first part's without the others)."""
    root = _part_folder(bundle, number)
    found = {}
    for folder, dirs, names in os.walk(root):
        if folder == root and number == 0:
            dirs[:] = [name for name in dirs if name != PARTS_FOLDER]
        for name in names:
            path = os.path.join(folder, name)
            if not (folder == root and name == PARTS_FILE):
                found[os.path.relpath(path, root)] = os.path.getsize(path)
    return found


def _intact(bundle, number, files):
    """The published part holds every file it was made with (one deleted
    by hand is made again)."""
    return bundle is not None and files is not None and _part_files(bundle, number) == files


def plan_parts(pages, size):
    """The pages Pagefind reads, in parts of at most ``size``: whole top
    folders (a year of news, notices/) packed in path order, a bigger one cut
    in slices, so an edit leaves every other part as it was."""
    groups = {}
    for page in sorted(pages):
        groups.setdefault(page.split("/", 1)[0] if "/" in page else "", []).append(page)
    parts, current = [], []
    for members in groups.values():
        if len(current) + len(members) > size and current:
            parts.append(current)
            current = []
        for start in range(0, len(members), size):
            current = current + members[start:start + size]
            if len(current) >= size:
                parts.append(current)
                current = []
    if current or not parts:
        parts.append(current)
    return parts


def build_parts(output_path, parts, stale=None, renders=None, started=None, bundle=None):
    """Index each part (``stale`` ones; None: all) with its own Pagefind index
    — about 350 MB a thousand pages, whatever the site's size — and copy the
    others from the previous output. The first part is the search page's own
    bundle (pagefind/), the others are merged into it (pagefind/parts/N/)."""
    bundle = bundle or os.path.join(output_path, "pagefind")
    previous = os.path.join(renders.output, "pagefind") if renders is not None else None
    indexer = pagefind_indexer(started)
    for number, members in enumerate(parts):
        target = bundle if number == 0 else os.path.join(bundle, PARTS_FOLDER, str(number + 1))
        source = None
        if stale is not None and number not in stale and previous is not None:
            source = previous if number == 0 else os.path.join(previous, PARTS_FOLDER, str(number + 1))
        if source is not None and os.path.isfile(os.path.join(source, "pagefind-entry.json")):
            ignored = shutil.ignore_patterns(PARTS_FOLDER, PARTS_FILE) if number == 0 else None
            shutil.copytree(source, target, ignore=ignored, dirs_exist_ok=True)
        elif not _index_part(indexer, output_path, members, target):
            return False
    with open(os.path.join(bundle, PARTS_FILE), "w", encoding="utf-8") as out:
        json.dump({"parts": [f"pagefind/{PARTS_FOLDER}/{number + 1}/" for number in range(1, len(parts))]}, out)
    return True


def _index_part(indexer, output_path, pages, bundle):
    """Pagefind over ``pages`` only: hard links to them in a folder of their
    own (addresses stay those of the site), the bundle written to ``bundle``.
    A site with no page to index gets Pagefind over all of it, as before
    parts (the search page needs a bundle, and Pagefind one page)."""
    if not pages:
        return _index_folder(indexer, output_path, bundle)
    # Pagefind numbers pages in the order it finds them: a folder of
    # their own, made in path order, keeps the index the same whatever
    # order the site's folders were made in (a clean build, a rebuild).
    farm = tempfile.mkdtemp(prefix=".search-", dir=output_path)  # gone before the site is checked and swapped
    try:
        for page in pages:
            os.makedirs(os.path.join(farm, os.path.dirname(page)), exist_ok=True)
            try:
                os.link(os.path.join(output_path, page), os.path.join(farm, page))
            except OSError:  # a file system without hard links
                shutil.copy2(os.path.join(output_path, page), os.path.join(farm, page))
        return _index_folder(indexer, farm, bundle)
    finally:
        shutil.rmtree(farm, ignore_errors=True)


def _index_folder(indexer, folder, bundle):
    """True when the index was written. A Pagefind run the devserver
    stopped (a newer save came in) is no error."""
    try:
        indexer.index(folder, bundle)
        return True
    except PagefindCancelled:
        return False
    except PagefindError as error:
        report_error("pagefind", None, f"搜索索引生成失败 / search index failed: {str(error) or 'pagefind ended'}")
        return False


def index_later(pelican, started=None):
    """The index a SEARCH_INDEX_LATER build left as it was, made again over
    the published preview (called by the devserver after the page reloaded)."""
    if getattr(pelican, "linli_search_pending", False):
        pelican.linli_search_pending = False
        output = pelican.settings["OUTPUT_PATH"]
        parts = [entry["pages"] for entry in getattr(pelican, "linli_search_record", None) or []]
        # Made beside the published index and swapped in: search keeps working meanwhile.
        bundle, old = os.path.join(output, ".pagefind-next"), os.path.join(output, ".pagefind-old")
        shutil.rmtree(bundle, ignore_errors=True)
        if not build_parts(output, parts or [_pages_read_by_pagefind(output)], started=started, bundle=bundle):
            shutil.rmtree(bundle, ignore_errors=True)
            return
        published = os.path.join(output, "pagefind")
        if os.path.exists(published):
            os.rename(published, old)
        os.rename(bundle, published)
        shutil.rmtree(old, ignore_errors=True)
        if parts:
            pelican.linli_search_record = [
                {"pages": members, "files": _part_files(published, number)} for number, members in enumerate(parts)
            ]
            save_record(pelican)
            build_record.of(pelican).save()


def save_record(pelican, **_):
    """What each part of the published index holds (after the swap)."""
    parts = getattr(pelican, "linli_search_record", None)
    if parts is not None and pelican.settings.get("CACHE_PATH"):
        build_record.of(pelican).put(SECTION, {"parts": parts})


def _load_record(pelican):
    stored = build_record.of(pelican).get(SECTION)
    parts = stored.get("parts") if isinstance(stored, dict) else None
    return parts if isinstance(parts, list) and all(isinstance(part, dict) for part in parts) else []


def _pages_read_by_pagefind(output_path):
    """Without a render record: every page with a ``data-pagefind-body``."""
    found = []
    for folder, _, names in os.walk(output_path):
        for name in names:
            if name.endswith(".html"):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8", errors="replace") as handle:
                    if "data-pagefind-body" in handle.read():
                        found.append(os.path.relpath(path, output_path).replace(os.sep, "/"))
    return sorted(found)


def _copy_previous(output_path, renders):
    """The previous build's whole index, as it was."""
    previous = os.path.join(renders.output, "pagefind") if renders is not None else None
    if previous is None or not os.path.isdir(previous):
        return False
    shutil.copytree(previous, os.path.join(output_path, "pagefind"))
    return True
