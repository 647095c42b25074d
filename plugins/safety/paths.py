"""Nothing outside content/ is ever read or copied: not through ``{static}``
or ``{filename}`` links with ``../``, nor through a symlink that points out.
Nothing inside it is copied whole either: Pelican copies a ``{static}``
folder (``{static}/``, ``{attach}.``) with everything in it, drafts included,
and copies an editor's Markdown source as it is."""

import difflib
import os
from urllib.parse import urlparse

from pelican.readers import MarkdownReader

from .. import sites
from ..common import inside, line_of, report_error, report_warning

_SOURCE_EXTENSIONS = tuple("." + extension for extension in MarkdownReader.file_extensions)
_COPIED = {"static", "attach"}
_LINKED = _COPIED | {"filename"}


def resolve_reference(value, source_path, content_root):
    """Where Pelican would look for a ``{static}``/``{filename}`` reference
    (the path part, as ``Content.get_static_links`` takes it)."""
    path = urlparse(value).path.replace("%20", " ")
    if path.startswith("/"):
        return os.path.normpath(os.path.join(content_root, path.lstrip("/")))
    return os.path.normpath(os.path.join(os.path.dirname(source_path), path))


def is_editor_source(path):
    return path.lower().endswith(_SOURCE_EXTENSIONS)


def reference_problem(what, value, target, root):
    """Why Pelican must not follow this reference, or None."""
    if not inside(target, root):
        return sites.outside_reference_problem(value, target, root)
    if not os.path.exists(target):
        close = likely_reference(value, target, root)
        hint = (f"；是否应为 {{{what}}}/{close}？", f"; did you mean {{{what}}}/{close}?") if close else ("", "")
        return f"引用的文件不存在：{value}{hint[0]} / referenced file not found: {value!r}{hint[1]}"
    if os.path.isdir(target):
        folder = " content/ 整个文件夹" if os.path.realpath(target) == os.path.realpath(root) else "文件夹"
        if what not in _COPIED:
            return (
                f"链接指向{folder}：{{{what}}}{value}，请链接到具体的稿件文件 / "
                f"link points at a folder: {{{what}}}{value!r}; link to one piece's file"
            )
        return (
            f"链接指向{folder}：{{{what}}}{value}，会把其中所有文件（含草稿）发布出去；请链接到具体文件 / "
            f"link points at a folder: {{{what}}}{value!r} would publish everything in it, drafts included"
        )
    if what in _COPIED and is_editor_source(target):
        return (
            f"链接指向稿件源文件：{{{what}}}{value}，源文件不发布；链接到文章请用 {{filename}} / "
            f"link points at an editor's source file {value!r}: sources are never published; "
            f"link to a piece with {{filename}}"
        )
    return None


def likely_reference(written, target, root):
    """The file under content/ an editor most likely meant (a typo in a
    ``{filename}`` or ``{static}`` link), as a path from content/."""
    names = []
    for folder, _, files in os.walk(root):
        names.extend(os.path.relpath(os.path.join(folder, name), root).replace(os.sep, "/") for name in files)
    wanted = os.path.relpath(target, root).replace(os.sep, "/")
    close = difflib.get_close_matches(wanted, names, 1, 0.75)
    return close[0] if close else None


def guard_references(content):
    """Report and disarm references Pelican must not follow, before it does
    (content_object_init runs before the generator collects static links).
    Run on the sanitised body: Pelican's own link pattern on the final HTML,
    so an entity-encoded or oddly spaced attribute cannot slip past."""
    body = getattr(content, "_content", None)
    if not body:
        return
    root = content.settings["PATH"]
    source = content.source_path

    def check(match):
        what, value = match["what"], match["value"]
        if what not in _LINKED:
            return match.group(0)
        problem = reference_problem(what, value, resolve_reference(value, source, root), root)
        if problem is None:
            return match.group(0)
        report_error(source, line_of(source, match["path"]) or line_of(source, value), problem)
        return match["markup"] + match["quote"] + "#" + match["quote"]

    content._content = content._get_intrasite_link_regex().sub(check, body)


def guard_source_file(path, root):
    if not inside(path, root):
        report_error(path, None, "文件链接到 content/ 以外，已拒绝 / file is a link to outside content/")
        return False
    return True


def static_file_problem(static, sources):
    """Why a file Pelican collected as static must not be copied, or None
    (the last line of defence: a link that reached here was not guarded)."""
    relative = static.relative_source_path or ""
    if os.path.isdir(static.source_path):
        return "文件夹不整体复制（其中可能有草稿）/ a folder is never copied whole (it may hold drafts)"
    if is_editor_source(relative) or os.path.normpath(relative) in sources:
        return "稿件源文件不发布 / an editor's source file is never published"
    return None


def drop_static_files_outside(generator):
    """Keep only single files inside content/ that are not a piece's source."""
    root = generator.settings["PATH"]
    sources = {os.path.normpath(path) for path in generator.context.get("generated_content", {})}
    linked = {os.path.normpath(path) for path in generator.context.get("static_links", ())}
    kept = []
    for static in generator.staticfiles:
        if not guard_source_file(static.source_path, root):
            continue
        problem = static_file_problem(static, sources)
        if problem is None:
            kept.append(static)
        elif os.path.normpath(static.relative_source_path or "") in linked:
            report_error(static.source_path, None, problem)
        else:  # lying in a STATIC_PATHS folder, linked by no one
            report_warning(static.source_path, None, problem)
    generator.staticfiles = kept
    generator._update_context(("staticfiles",))
