"""Reading the built site the way a resident's browser and a link checker do."""

from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlparse

from pelican.settings import read_settings

from plugins.metadata.reader import LinliMarkdownReader
from tests.conftest import ROOT

SETTINGS = read_settings(str(ROOT / "pelicanconf.py"))
CANONICAL = SETTINGS["CANONICAL_SITEURL"]


def demo_articles():
    """Metadata of every demo article, read from its source as the site does."""
    reader = LinliMarkdownReader(SETTINGS)
    articles = []
    for path in sorted((ROOT / "content" / "articles").rglob("*.md")):
        _, meta = reader.read(str(path))
        if meta.get("status", "published") != "published":
            continue
        meta["url"] = f"{meta['date']:%Y/%m}/{meta['slug']}/"
        meta["path"] = path
        articles.append(meta)
    return articles


def page_url(root, file):
    relative = PurePosixPath(file.relative_to(root).as_posix())
    if relative.name == "index.html":
        return "/" + (str(relative.parent) + "/" if str(relative.parent) != "." else "")
    return "/" + str(relative)


def resolve(root, page, link):
    """The output file a link on ``page`` points to, or None if external."""
    base = "http://site" + page_url(root, page)
    if link.startswith(CANONICAL + "/") or link == CANONICAL:
        link = link[len(CANONICAL):] or "/"
    absolute = urlparse(urljoin(base, link))
    if absolute.scheme not in ("http", "https") or absolute.netloc != "site":
        return None
    path = unquote(absolute.path)
    target = Path(root) / path.lstrip("/")
    if path.endswith("/"):
        target = target / "index.html"
    return target


def links_on(soup):
    for tag, attribute in (("a", "href"), ("link", "href"), ("img", "src"), ("script", "src"), ("source", "srcset"), ("img", "srcset")):
        for element in soup.find_all(tag):
            value = element.get(attribute)
            if not value:
                continue
            if attribute == "srcset":
                for candidate in value.split(","):
                    yield candidate.strip().split(" ")[0]
            else:
                yield value


def listed_article_urls(build, start):
    """Article URLs listed on a listing page and the pages its pagination leads to."""
    urls, seen, queue = [], set(), [start]
    while queue:
        page = queue.pop(0)
        if page in seen:
            continue
        seen.add(page)
        soup = build.html(page)
        for link in soup.select(".article-list .article-item-title a"):
            target = resolve(build.root, build.path(page if page.endswith(".html") else page + "index.html"), link["href"])
            urls.append(page_url(build.root, target).lstrip("/"))
        for link in soup.select(".pagination a[rel=next]"):
            target = resolve(build.root, build.path(page + "index.html"), link["href"])
            queue.append(page_url(build.root, target).lstrip("/"))
    return urls
