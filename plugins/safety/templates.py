"""A piece whose ``template:`` names a template the theme does not have (a
typo, a value copied from another site) is an error naming its file and line,
found before anything is written — Pelican would stop in the middle of
writing with PelicanTemplateNotFound and a traceback naming no file."""

import difflib
import os

from pelican.generators import PelicanTemplateNotFound

from ..common import report_error

PIECES = ("articles", "hidden_articles", "drafts", "pages", "hidden_pages", "draft_pages",
          "notices", "hidden_notices", "albums", "hidden_albums")


def _available(generator):
    names = set()
    for loader_path in getattr(generator, "_templates_path", None) or []:
        for folder, _, files in os.walk(loader_path):
            for name in files:
                if name.endswith(tuple(generator.settings["TEMPLATE_EXTENSIONS"])):
                    names.add(os.path.splitext(os.path.relpath(os.path.join(folder, name), loader_path))[0])
    return sorted(name for name in names if not name.startswith("partials"))


def check_templates(generators):
    for generator in generators:
        if not hasattr(generator, "get_template"):
            continue
        for attribute in PIECES:
            for piece in getattr(generator, attribute, None) or []:
                name = getattr(piece, "template", None)
                if not name:
                    continue
                try:
                    generator.get_template(name)
                except PelicanTemplateNotFound:
                    line = (piece.metadata.get("metadata_lines") or {}).get("template")
                    available = _available(generator)
                    close = difflib.get_close_matches(str(name), available, 1, 0.6)
                    hint = (f"是否应为 {close[0]}？", f"; did you mean {close[0]}?") if close else ("", "")
                    report_error(
                        piece.source_path, line,
                        f"模板“{name}”不存在，{hint[0]}可用的有：{'、'.join(available)}；不写 template 即用默认模板 / "
                        f"no template {name!r} in the theme{hint[1]}; leave template out for the default",
                    )
                    # `make check` and `make devserver` go on rendering: with the default.
                    piece.template = piece.default_template
