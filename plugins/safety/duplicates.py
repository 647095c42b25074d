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


def site_pages(settings):
    """Fixed output files of the site itself (home, listings, feeds, sitemap):
    a piece whose slug or save_as lands on one would replace it."""
    pages = {"sitemap.xml": "sitemap.xml"}
    for key, value in settings.items():
        if not isinstance(value, str) or not value or "{" in value:
            continue
        if key.endswith("_SAVE_AS") or key.startswith("FEED_ALL_") or key == "NOTICE_CALENDAR":
            path = value.lstrip("/")
            pages[path + "index.html" if path.endswith("/") else path] = f"站点页面 site page {key}"
    return pages


# Output paths already reported as clashes in this build: the writer (which
# `make check` runs even after errors) does not report them a second time.
clashing_paths = set()


def check_duplicate_outputs(generators):
    found = False
    clashing_paths.clear()
    owners = output_owners(generators)
    if generators:
        for path, label in site_pages(generators[0].settings).items():
            if path in owners:
                owners[path].append(label)
    for path, sources in sorted(owners.items()):
        unique = sorted(set(sources))
        if len(unique) > 1:
            found = True
            clashing_paths.add(path)
            files = [source for source in unique if not source.startswith("站点页面")]
            reported = files[-1]
            others = "、".join(relative_path(source) for source in unique if source != reported)
            report_error(
                reported,
                None,
                f"与 {others} 输出到同一文件 {path}，请修改 slug / "
                f"same output file {path} as {others}; change the slug",
            )
    return found
