"""Search plugin: Pagefind (the extended build, which segments Chinese)
indexes the staged site at the end of every build, before it is swapped in.

Only elements carrying ``data-pagefind-body`` are indexed, and templates get
that attribute from ``search_attributes``: published articles, notices,
pages and albums — never listings, hidden or unpublished pieces.

A big site is indexed in parts (``SEARCH_PART_PAGES`` pages a Pagefind index,
merged by the search page), and a part none of whose pages changed is
copied from the previous output (see index.py).
"""

from pelican import signals

from ..events import site_swapped, site_written
from .index import build_index, save_record, search_attributes


def add_filters(generator):
    if hasattr(generator, "env"):
        generator.env.filters["search_attributes"] = search_attributes


def register():
    signals.generator_init.connect(add_filters)
    site_written.connect(build_index)
    site_swapped.connect(save_record)
