"""The one Writer of a Linli build.

- Two things written to one file are an error naming both, never a silent
  overwrite (Pelican lets a page's ``save_as: index.html`` replace the home
  page) nor a traceback (its FileOverwriteFailedError).
- A page whose inputs did not change since the last build is carried over
  instead of rendered (plugins/incremental).
- Feeds are read off-site, by feed readers: their links and the images in
  their content use the public address even in a relative-URL preview build.
- Every file it writes is announced on ``file_written`` with its text, still
  in memory, and the piece it was written for (the link check reads them).
"""

import io
import os

from blinker import signal
from pelican.writers import Writer

from .. import incremental
from ..common import public_site_url, relative_path, report_error
from . import duplicates

# Written outside the writer, after it: a page must not take these paths.
RESERVED = ("sitemap.xml", "pagefind/")

# sender: the writer; path (relative to the output folder, "/"-separated),
# text, source (the piece's source file, or None) and template (its name).
file_written = signal("linli_file_written")
# The same, for a page carried over unchanged from the previous build
# (plugins/incremental): no text, the file is already in place.
file_carried = signal("linli_file_carried")


class _Announced(io.TextIOBase):
    """The written file, whose text is announced once it is closed."""

    def __init__(self, handle, announce):
        self._handle = handle
        self._announce = announce
        self._parts = []

    def writable(self):
        return True

    def write(self, text):
        self._parts.append(text)
        return self._handle.write(text)

    def close(self):
        if not self.closed:
            self._handle.close()
            super().close()
            self._announce("".join(self._parts))


def _piece_source(kwargs):
    for key in ("article", "page", "notice", "album"):
        item = kwargs.get(key)
        if item is not None and getattr(item, "source_path", None):
            return item.source_path
    return None


def _describe(kwargs, template):
    source = _piece_source(kwargs)
    if source:
        return relative_path(source)
    name = getattr(template, "name", None) or "?"
    return f"模板 template {name}"


class GuardedWriter(Writer):
    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self._owners = {}
        self._source = "?"
        self._piece = None
        self._template = None

    def write_file(self, name, template, context, *args, **kwargs):
        self._source = _describe(kwargs, template)
        self._piece = _piece_source(kwargs)
        self._template = getattr(template, "name", None)
        return super().write_file(name, incremental.recorded(template), context, *args, **kwargs)

    def write_feed(self, elements, context, *args, **kwargs):
        self._source = f"订阅 feed {kwargs.get('path') or (args[0] if args else '?')}"
        self._piece = self._template = None
        public = public_site_url(self.settings)
        if not public:
            return super().write_feed(elements, context, *args, **kwargs)
        # A summary's links follow the shared context's localsiteurl (left
        # relative by the last page rendered): absolute while the feed is written.
        local = context.get("localsiteurl")
        context["localsiteurl"] = public
        try:
            return super().write_feed(elements, {**context, "SITEURL": public}, *args, **kwargs)
        finally:
            context["localsiteurl"] = local

    def _open_w(self, filename, encoding, override=False):
        relative = os.path.relpath(filename, self.output_path).replace(os.sep, "/")
        clash = self._owners.get(filename)
        if clash is None and relative.startswith(RESERVED):
            clash = f"站点文件 site file {relative}"
        if clash is not None and relative in duplicates.clashing_paths:
            return open(os.devnull, "w", encoding=encoding)
        if clash is not None:
            report_error(
                self._source if self._source.endswith(".md") else clash,
                None,
                f"与 {clash if self._source.endswith('.md') else self._source} 输出到同一文件 {relative}，请修改 slug 或 save_as / "
                f"same output file {relative} as another source; change a slug or save_as",
            )
            return open(os.devnull, "w", encoding=encoding)
        self._owners[filename] = self._source
        renders = incremental.current()
        if renders is not None and renders.carry_over(relative, filename):
            file_carried.send(self, path=relative, source=self._piece, template=self._template)
            return open(os.devnull, "w", encoding=encoding)
        handle = super()._open_w(filename, encoding, override)
        if not file_written.receivers:
            return handle
        piece, template = self._piece, self._template
        return _Announced(
            handle,
            lambda text: file_written.send(self, path=relative, text=text, source=piece, template=template),
        )


def guarded_writer(pelican):
    return GuardedWriter
