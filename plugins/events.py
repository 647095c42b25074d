"""Build events: what happens during a Linli build, as blinker signals in
the manner of Pelican's own ``pelican/plugins/signals.py``.

A module that does something emits; a module that cares subscribes. The
writer announces pages, the atomic finish announces its stages, and the
incremental build, its snapshot, the link check, the search index … listen,
so no plugin imports another to learn what happened.

The stages of the finish run in the order below, each its own signal
because blinker does not keep receivers in order. Every build runs all of
them, a quick rebuild included (plugins/safety/atomic.py ``finish_build``).
"""

import contextlib

from blinker import signal

# --- the writer (plugins/safety/writer.py) ---------------------------------
# A page was asked for (Pelican's write_file): sender the writer; job
# (safety.writer.Job: name, template, the context as it was, Pelican's options, the page's variables).
page_queued = signal("linli_page_queued")
# A feed was asked for: sender the writer; feed (safety.writer.FeedJob).
feed_queued = signal("linli_feed_queued")
# Before the queued pages render, once (the generators are done, the
# renderers not forked yet): sender the writer; jobs.
pages_rendering = signal("linli_pages_rendering")
# One output file of a page is about to render: sender the writer; template,
# context (the page's own, output_file in it). A receiver that answers with
# the path of the previous build's file has it carried over instead.
page_rendering = signal("linli_page_rendering")
# It was rendered: the same, and text.
page_rendered = signal("linli_page_rendered")
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
# Receivers put what they keep into the build record (plugins/build_record.py),
# which is saved after them.
site_swapped = signal("linli_site_swapped")

# --- what plugins found, for the others ------------------------------------
# The link check is done: sender the Pelican instance; broken (a list of
# (where, message) as reported, empty when none or not shown).
links_checked = signal("linli_links_checked")


# --- what a page's rendering reads besides its context ---------------------
# The photo registry (plugins/gallery), the theme's hashed names
# (plugins/assets): a fast path that renders with an earlier build's context
# (the quick rebuild, the devserver's fast page) takes that build's state too.
_render_state = {}  # name -> (get, put)


def keep_render_state(name, get, put):
    """``get()`` is this build's state, picklable; ``put(value)`` makes an
    earlier build's the current one."""
    _render_state[name] = (get, put)


def render_state():
    """``{name: state}`` of the build in progress."""
    return {name: get() for name, (get, _) in _render_state.items()}


@contextlib.contextmanager
def rendering_with(state):
    """Render with ``state`` (a ``render_state()`` of an earlier build), then
    put back the current one."""
    current = render_state()
    use_render_state(state)
    try:
        yield
    finally:
        use_render_state(current)


def use_render_state(state):
    for name, value in state.items():
        if name in _render_state:
            _render_state[name][1](value)
