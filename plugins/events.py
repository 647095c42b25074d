"""Build events: what happens during a Linli build, as blinker signals in
the manner of Pelican's own ``pelican/plugins/signals.py``.

A module that does something emits; a module that cares subscribes. The
writer announces pages, the atomic finish announces its stages, and the
incremental build, its snapshot, the link check, the search index … listen,
so no plugin imports another to learn what happened.

The stages of the finish run in this order, each its own signal because
blinker does not keep receivers in order. Every build runs all of them,
a quick rebuild included (plugins/safety/atomic.py ``finish``):
"""

from blinker import signal

# --- the writer (plugins/safety/writer.py) ---------------------------------
# A page was asked for: sender the writer; job (safety.writer.Job).
page_queued = signal("linli_page_queued")
# A feed was asked for: sender the writer; feed (safety.writer.FeedJob).
feed_queued = signal("linli_feed_queued")
# Before the queued pages render (the generators are done): sender the
# writer; jobs (the page jobs); context (the shared context, as they see it).
pages_rendering = signal("linli_pages_rendering")
# A file was written: sender the writer; path (relative to the output folder,
# "/"-separated), text, source (the piece's source file, or None) and
# template (its name, or None).
file_written = signal("linli_file_written")
# The same for a page carried over unchanged from the previous build: no
# text, the file is in place already.
file_carried = signal("linli_file_carried")

# --- the finish (plugins/safety/atomic.py), in this order -----------------
# sender the Pelican instance; output_path the staged site.
site_rendered = signal("linli_site_rendered")  # renames files (hashed theme files)
site_written = signal("linli_site_written")  # adds files (the search index)
site_verified = signal("linli_site_verified")  # checks the tree (links); `make check` too
site_complete = signal("linli_site_complete")  # rewrites files (precompression)
# After the swap: sender the Pelican instance; target the published folder.
site_swapped = signal("linli_site_swapped")
