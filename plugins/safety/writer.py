"""The one Writer of a Linli build.

- Two things written to one file are an error naming both, never a silent
  overwrite (Pelican lets a page's ``save_as: index.html`` replace the home
  page) nor a traceback (its FileOverwriteFailedError).
- A page whose inputs did not change since the last build is carried over
  instead of rendered (plugins/incremental).
- Feeds are read off-site, by feed readers: their links and the images in
  their content use the public address even in a relative-URL preview build.
"""

import os

from pelican.writers import Writer

from .. import incremental
from ..common import public_site_url, relative_path, report_error

# Written outside the writer, after it: a page must not take these paths.
RESERVED = ("sitemap.xml", "pagefind/")


def _describe(kwargs, template):
    for key in ("article", "page", "notice", "album"):
        item = kwargs.get(key)
        if item is not None and getattr(item, "source_path", None):
            return relative_path(item.source_path)
    name = getattr(template, "name", None) or "?"
    return f"模板 template {name}"


class GuardedWriter(Writer):
    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self._owners = {}
        self._source = "?"

    def write_file(self, name, template, context, *args, **kwargs):
        self._source = _describe(kwargs, template)
        return super().write_file(name, incremental.recorded(template), context, *args, **kwargs)

    def write_feed(self, elements, context, *args, **kwargs):
        self._source = f"订阅 feed {kwargs.get('path') or (args[0] if args else '?')}"
        public = public_site_url(self.settings)
        if public:
            context = {**context, "SITEURL": public}
        return super().write_feed(elements, context, *args, **kwargs)

    def _open_w(self, filename, encoding, override=False):
        relative = os.path.relpath(filename, self.output_path).replace(os.sep, "/")
        clash = self._owners.get(filename)
        if clash is None and relative.startswith(RESERVED):
            clash = f"站点文件 site file {relative}"
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
            return open(os.devnull, "w", encoding=encoding)
        return super()._open_w(filename, encoding, override)


def guarded_writer(pelican):
    return GuardedWriter
