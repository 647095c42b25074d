"""Two sources that would write the same output file are an error naming both
(Pelican itself only warns, or stops with a traceback)."""

from ..common import relative_path, report_error

# Generator attributes that hold content objects, ours included.
CONTENT_LISTS = (
    "articles", "translations", "hidden_articles", "hidden_translations",
    "drafts", "drafts_translations", "pages", "hidden_pages", "draft_pages",
    "notices", "hidden_notices", "albums", "hidden_albums", "staticfiles",
)


def output_owners(generators):
    owners = {}
    for generator in generators:
        for attribute in CONTENT_LISTS:
            for item in getattr(generator, attribute, None) or []:
                save_as = getattr(item, "save_as", "")
                if not save_as:
                    continue
                path = save_as.lstrip("/")
                if path.endswith("/"):
                    path += "index.html"
                owners.setdefault(path, []).append(item.source_path)
    return owners


def check_duplicate_outputs(generators):
    found = False
    for path, sources in sorted(output_owners(generators).items()):
        unique = sorted(set(sources))
        if len(unique) > 1:
            found = True
            names = "、".join(relative_path(source) for source in unique)
            report_error(
                unique[1],
                None,
                f"与 {relative_path(unique[0])} 输出到同一文件 {path}，请修改 slug / "
                f"same output file {path} as another source: {names}; change one slug",
            )
    return found
