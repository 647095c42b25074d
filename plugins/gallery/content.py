"""Images inside articles, pages and notices.

Before any page is written, every published piece is scanned for
``{static}``/``{attach}`` references to raster images (``<img src>`` and
``<a href>``), its ``cover`` and its ``album``; the images join the build's
photo registry. When Pelican renders a piece's HTML (``Content._update_content``,
which also resolves ``{static}`` links, once per page URL), each such
``<img>`` becomes the responsive ``<picture>``; an image alone in its
paragraph becomes a ``<figure>`` with its caption (the Markdown title, else
the alt text). A link to a photo points at its large variant: originals are
not published.
"""

import html
import os
import re
from html.parser import HTMLParser
from urllib.parse import unquote, urlparse

from markupsafe import escape
from pelican.contents import Content, Static

from .. import sites
from ..common import inside, report_error, report_warning
from . import state
from .albums import Album, metadata_line, resolve_reference
from .names import is_raster

_REF = re.compile(
    r"""(?P<attr>\b(?:src|href))\s*=\s*(?P<q>["'])(?P<url>[{|](?P<what>static|attach)[|}](?P<path>[^"']*))(?P=q)""",
    re.I,
)
_IMG = re.compile(r"<img\b[^>]*>", re.I)
_MARKERS = ("{static}", "|static|", "{attach}", "|attach|")
_ALONE = re.compile(r"<p>\s*(<img\b[^>]*>)\s*</p>", re.I)


class _Attributes(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.attrs = {}

    def handle_starttag(self, tag, attrs):
        self.attrs = {name: value or "" for name, value in attrs}

    handle_startendtag = handle_starttag


def tag_attributes(tag):
    parser = _Attributes()
    parser.feed(tag)
    parser.close()
    return parser.attrs


def published_contents(generators):
    """Every article, page, notice … that will be written (not drafts)."""
    seen = set()
    for generator in generators:
        for name, value in sorted(vars(generator).items()):
            if not isinstance(value, list) or name.startswith("draft") or name == "staticfiles":
                continue
            for item in value:
                if isinstance(item, Content) and not isinstance(item, (Static, Album)) and id(item) not in seen:
                    seen.add(id(item))
                    yield item


def referenced_path(content, url):
    """The file a ``{static}…`` URL in ``content`` points at (absolute), as
    Pelican resolves it: ``/x`` from content/, ``x`` from the piece's folder."""
    registry = state.registry
    path = unquote(html.unescape(urlparse(url).path))
    root = registry.content_root
    if path.startswith("/"):
        candidate = os.path.join(root, path.lstrip("/"))
    else:
        candidate = os.path.join(root, content.relative_dir, path)
    return os.path.realpath(candidate)


def _in_albums(path):
    registry = state.registry
    return registry.relative(path).split("/", 1)[0] == registry.settings.get("ALBUM_PATH", "photos")


def collect(content, albums_by_slug, unpublished_albums):
    """Register the images of one piece; attach ``cover_photo`` and ``linked_album``."""
    registry = state.registry
    source = content.source_path
    body = getattr(content, "_content", "") or ""
    # Most bodies have no {static}/{attach} link, and the pattern scans
    # slowly (a millisecond a page): without a { or | there is none.
    for match in _REF.finditer(body) if "{" in body or "|" in body else ():
        target = referenced_path(content, match["path"])
        if not is_raster(target):
            continue
        if match["attr"].lower() == "href" and not _in_albums(target):
            continue  # a link to images/…: its cleaned copy is published as is
        if not registry.inside_content(target):
            continue  # the safety plugin's path guard reports it
        if not os.path.isfile(target):
            continue  # the safety plugin reports a missing file with its line
        registry.add(target)
    content.cover_photo = None
    content.linked_album = None
    slug = getattr(content, "album", None)
    if slug:
        slug = str(slug).strip()
        album = albums_by_slug.get(slug)
        if album is not None:
            content.linked_album = album
            if getattr(content, "status", "published") == "published":  # hidden ones stay unlisted
                album.articles = sorted(list(album.articles) + [content], key=lambda a: a.date, reverse=True)
        elif slug in unpublished_albums:
            report_warning(source, metadata_line(content, "album"),
                           f"相册 {slug} 尚未发布，文中不显示 / album {slug} is not published: not shown")
        else:
            report_error(source, metadata_line(content, "album"),
                         f"没有这个相册：{slug}（应为 content/photos/ 下的文件夹名或 slug）/ no album {slug!r}")
    cover = getattr(content, "cover", None)
    if cover:
        base = os.path.dirname(os.path.realpath(source)) if source else registry.content_root
        path = resolve_reference(cover, [base], registry.content_root)
        if path is None or not is_raster(path):
            written = re.sub(r"^[{|](?:static|attach|filename)[|}]", "", str(cover).strip())
            elsewhere = os.path.join(registry.content_root if written.startswith("/") else base, written.lstrip("/"))
            if os.path.exists(elsewhere) and not inside(elsewhere, registry.content_root):
                problem = "封面照片" + sites.outside_reference_problem(cover, elsewhere, registry.content_root).removeprefix("引用 ")
            else:
                problem = f"封面照片不存在或不是图片：{cover} / cover photo not found or not an image: {cover}"
            report_error(source, metadata_line(content, "cover"), problem)
        else:
            content.cover_photo = registry.add(path)


def finish(content):
    """After processing: a cover that failed (skip policy) is no cover; the
    cover's large JPEG is the share card image (og:image)."""
    album = getattr(content, "linked_album", None)
    if album is not None and not album.photos:
        content.linked_album = None  # every photo of it failed (skip policy)
    photo = getattr(content, "cover_photo", None)
    if photo is None or not photo.ok:
        # No cover of its own (or a bad one): the linked album's cover.
        album = getattr(content, "linked_album", None)
        content.cover_photo = album.cover_photo.photo if album and album.cover_photo else None
    if content.cover_photo is not None:
        content.share_image = content.cover_photo.large_url()


# --- rendering ----------------------------------------------------------------

def rewrite_html(content, text, siteurl):
    """``<img src="{static}/photos/…">`` → ``<picture>``; links to photos →
    their large variant. Runs before Pelican resolves the other links."""
    registry = state.registry
    if registry is None or not text or not any(marker in text for marker in _MARKERS):
        return text
    counter = {"images": 0}

    def photo_for(url_path):
        target = referenced_path(content, url_path)
        if not is_raster(target) or not registry.inside_content(target) or not os.path.isfile(target):
            return None
        return registry.add(target)

    def picture(tag, figure):
        attrs = tag_attributes(tag)
        match = _REF.search(tag)
        if not match or match["attr"].lower() != "src":
            return None
        photo = photo_for(match["path"])
        if photo is None:
            return None
        if not photo.ok:
            return ""  # skipped by PHOTO_ON_ERROR = "skip"
        counter["images"] += 1
        alt = attrs.get("alt", "").strip() or f"{getattr(content, 'title', '')}配图 {counter['images']}"
        markup = photo.picture_html(
            siteurl, alt, registry.sizes("content"), eager=counter["images"] == 1,
            css_class=attrs.get("class") or None,
        )
        if not figure:
            return str(markup)
        caption = attrs.get("title", "").strip() or attrs.get("alt", "").strip()
        caption_html = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
        return f'<figure class="photo">{markup}{caption_html}</figure>'

    def alone(match):
        result = picture(match.group(1), figure=True)
        return match.group(0) if result is None else result

    def inline(match):
        result = picture(match.group(0), figure=False)
        return match.group(0) if result is None else result

    def link(match):
        if match["attr"].lower() != "href":
            return match.group(0)
        target = referenced_path(content, match["path"])
        if not is_raster(target) or not _in_albums(target):
            return match.group(0)  # images/… keep their own (cleaned) copy
        photo = photo_for(match["path"])
        if photo is None or not photo.ok:
            return match.group(0)
        return f'{match["attr"]}={match["q"]}{escape(photo.large_url(siteurl))}{match["q"]}'

    text = _ALONE.sub(alone, text)
    text = _IMG.sub(inline, text)
    return _REF.sub(link, text)


_original_update_content = Content._update_content


def _update_content(self, content, siteurl):
    if content and state.registry is not None and isinstance(content, str):
        content = rewrite_html(self, content, siteurl)
    return _original_update_content(self, content, siteurl)


def install():
    """Hook into Pelican's link replacement (idempotent)."""
    if Content._update_content is not _update_content:
        Content._update_content = _update_content
