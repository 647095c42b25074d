"""Nothing outside content/ is ever read or copied: not through ``{static}``
or ``{filename}`` links with ``../``, nor through a symlink that points out."""

import difflib
import os
import re

from ..common import inside, line_of, report_error

_REFERENCE = re.compile(
    r"""(?P<attribute>(?:href|src)=["'])[{|](?P<what>static|attach|filename)[}|](?P<value>[^"'#?]*)"""
)


def resolve_reference(value, source_path, content_root):
    """Where Pelican would look for a ``{static}``/``{filename}`` reference."""
    if value.startswith("/"):
        return os.path.normpath(os.path.join(content_root, value.lstrip("/")))
    return os.path.normpath(os.path.join(os.path.dirname(source_path), value))


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
    """Report and disarm references that leave content/ before Pelican follows
    them (content_object_init runs before the generator collects static links)."""
    root = content.settings["PATH"]
    source = content.source_path

    def check(match):
        target = resolve_reference(match["value"], source, root)
        if inside(target, root):
            if not os.path.exists(target):
                close = likely_reference(match["value"], target, root)
                hint = (f"；是否应为 {{{match['what']}}}/{close}？", f"; did you mean {{{match['what']}}}/{close}?") if close else ("", "")
                report_error(
                    source,
                    line_of(source, match["value"]),
                    f"引用的文件不存在：{match['value']}{hint[0]} / referenced file not found: {match['value']!r}{hint[1]}",
                )
            return match.group(0)
        report_error(
            source,
            line_of(source, match["value"]),
            f"引用 {match['value']} 指向 content/ 以外，已拒绝 / "
            f"reference {match['value']!r} points outside content/",
        )
        return match["attribute"] + "#"

    if getattr(content, "_content", None):
        content._content = _REFERENCE.sub(check, content._content)


def guard_source_file(path, root):
    if not inside(path, root):
        report_error(path, None, "文件链接到 content/ 以外，已拒绝 / file is a link to outside content/")
        return False
    return True


def drop_static_files_outside(generator):
    root = generator.settings["PATH"]
    generator.staticfiles = [
        static for static in generator.staticfiles if guard_source_file(static.source_path, root)
    ]
    generator._update_context(("staticfiles",))
