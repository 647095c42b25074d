"""Albums: a folder ``content/photos/<slug>/`` with ``album.md`` and photos.

``album.md`` is read by Pelican's readers (so Chinese keys, full-width colons,
GBK files and the privacy scan work as for articles). Captions are a Markdown
list in its body, one photo per item, as an editor types them::

    - IMG_2041.JPG：居民在清理绿化带
    - 活动照片 1.jpg: 志愿者合影

Listed photos come first in list order, the others follow in file-name order.
Pages: ``/albums/`` (covers, newest first) and ``/albums/<slug>/``.
"""

import html
import os
import re

from pelican.contents import Content
from pelican.generators import Generator

from ..common import ContentError, inside, report_error, report_warning
from ..editorial.gate import unpublishable_reason
from ..metadata.encoding import read_source
from ..metadata.reader import split_header
from .names import RASTER_EXTENSIONS, is_raster, natural_key, slug_part

ALBUM_FILE = "album.md"
URL_DEFAULTS = {
    "ALBUM_PATH": "photos",
    "ALBUM_URL": "albums/{slug}/",
    "ALBUM_SAVE_AS": "albums/{slug}/index.html",
    "ALBUMS_URL": "albums/",
    "ALBUMS_SAVE_AS": "albums/index.html",
}
IGNORED_FILES = {"thumbs.db", "desktop.ini", ".ds_store"}

# `- IMG_2041.JPG：说明` in the source (for line numbers of missing files).
_RAW_ITEM = re.compile(r"^\s{0,3}[-*+]\s+`?(?P<name>[^：:`]+?\.(?:" +
                       "|".join(ext[1:] for ext in RASTER_EXTENSIONS) +
                       r"))`?\s*(?:[：:]|$)", re.I)
_HTML_LIST = re.compile(r"<(?P<tag>ul|ol)>\s*(?P<items>(?:<li>.*?</li>\s*)+)</(?P=tag)>\n?", re.S)
_HTML_ITEM = re.compile(r"<li>(.*?)</li>", re.S)
_TAGS = re.compile(r"<[^>]+>")


def _loose(name):
    """Compare names the way Markdown may have mangled them (_x_ → <em>x</em>)."""
    return re.sub(r"[\s_*`]", "", name).lower()


class Album(Content):
    mandatory_properties = ("title",)
    allowed_statuses = ("published", "hidden", "draft")
    default_status = "published"
    default_template = "album"

    folder = ""
    photos = ()
    cover_photo = None
    articles = ()

    @property
    def day(self):
        return self.date.strftime("%Y-%m-%d")

    @property
    def photo_count(self):
        return len(self.photos)


class AlbumPhoto:
    """A photo as it appears in an album: its caption and its number."""

    def __init__(self, album, photo, name, caption, number):
        self.album = album
        self.photo = photo
        self.name = name
        self.caption = caption
        self.number = number

    @property
    def alt(self):
        return self.caption or f"{self.album.title}（第 {self.number} 张）"

    def __repr__(self):
        return f"<AlbumPhoto {self.name}>"


def album_files(folder):
    """Photo file names in an album folder, and files that will not be published."""
    photos, ignored = [], []
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        if name.startswith(".") or name.lower() in IGNORED_FILES or name.lower() == ALBUM_FILE:
            continue
        if os.path.isdir(path):
            ignored.append(name)
        elif is_raster(name):
            photos.append(name)
        else:
            ignored.append(name)
    return sorted(photos, key=natural_key), sorted(ignored)


def take_captions(content_html, names):
    """Remove the caption list items from the album's HTML.

    Returns ``(html, captions, order)``: captions by file name (text only,
    after the privacy plugin's masking), and the listed order.
    """
    lookup = {}
    for name in names:
        lookup.setdefault(name, name)
        lookup.setdefault(name.lower(), name)
        lookup.setdefault(_loose(name), name)
    captions, order = {}, []

    def one_list(match):
        items = _HTML_ITEM.findall(match.group("items"))
        kept = []
        for inner in items:
            text = html.unescape(_TAGS.sub("", inner)).strip()
            parts = re.match(r"(?P<head>[^：:]*)(?P<sep>[：:]?)(?P<tail>.*)", text, re.S)
            head, sep, tail = parts["head"].strip().strip("`"), parts["sep"], parts["tail"]
            name = lookup.get(head) or lookup.get(head.lower()) or lookup.get(_loose(head))
            if name and name not in captions:
                captions[name] = tail.strip() if sep else ""
                order.append(name)
            else:
                kept.append(inner)
        if len(kept) == len(items):
            return match.group(0)
        if not kept:
            return ""
        tag = match.group("tag")
        return f"<{tag}>\n" + "\n".join(f"<li>{inner}</li>" for inner in kept) + f"\n</{tag}>\n"

    return _HTML_LIST.sub(one_list, content_html or ""), captions, order


def listed_names(source_path):
    """``(name, line)`` for each caption item that names an image file."""
    try:
        text, _ = read_source(source_path)
    except (OSError, ContentError):
        return []
    _, body, first_line = split_header(text)
    found = []
    for offset, line in enumerate(body.split("\n")):
        match = _RAW_ITEM.match(line)
        if match:
            found.append((match["name"].strip(), first_line + offset))
    return found


def resolve_reference(value, base_dirs, content_root):
    """A cover / image reference → absolute path inside content/, or None.

    ``{static}/photos/a/b.jpg`` and ``/photos/a/b.jpg`` are relative to
    content/; a bare ``b.jpg`` or ``a/b.jpg`` is tried against each of
    ``base_dirs`` (the piece's own folder first), then content/.
    """
    value = str(value).strip()
    value = re.sub(r"^[{|](?:static|attach|filename)[|}]", "", value)
    candidates = []
    if value.startswith("/"):
        candidates.append(os.path.join(content_root, value.lstrip("/")))
    else:
        candidates.extend(os.path.join(base, value) for base in base_dirs)
        candidates.append(os.path.join(content_root, value))
    for candidate in candidates:
        if inside(candidate, content_root) and os.path.isfile(candidate):
            return os.path.realpath(candidate)
    return None


def metadata_line(content, key):
    return (getattr(content, "metadata", {}).get("metadata_lines") or {}).get(key)


def _by_slug(albums):
    """Albums by slug, and by folder name (what an editor sees) as well."""
    found = {a.folder: a for a in albums}
    found.update({a.slug: a for a in albums})
    return found


class AlbumGenerator(Generator):
    """Reads every ``photos/<slug>/album.md`` and writes the album pages."""

    def __init__(self, *args, **kwargs):
        self.albums = []
        self.hidden_albums = []
        self.unpublished_slugs = set()
        super().__init__(*args, **kwargs)

    def generate_context(self):
        from . import state  # the build's photo registry

        registry = state.registry
        root = os.path.join(self.path, self.settings.get("ALBUM_PATH", "photos"))
        albums, hidden = [], []
        if os.path.isdir(root):
            for folder in sorted(os.listdir(root), key=natural_key):
                album = self._read_album(root, folder, registry)
                if album is None:
                    continue
                (hidden if album.status == "hidden" else albums).append(album)
        albums.sort(key=lambda a: (a.date, a.slug), reverse=True)
        hidden.sort(key=lambda a: (a.date, a.slug), reverse=True)
        self.albums, self.hidden_albums = albums, hidden
        self.context["albums"] = albums
        self.context["albums_by_slug"] = _by_slug(albums + hidden)
        self.context["ALBUMS_URL"] = self.settings["ALBUMS_URL"]

    def _read_album(self, root, folder, registry):
        folder_path = os.path.join(root, folder)
        if folder.startswith(".") or not os.path.isdir(folder_path):
            return None
        names = {n.lower(): n for n in os.listdir(folder_path)}
        if ALBUM_FILE not in names:
            return None  # photos only used by articles: no album page
        md_path = os.path.join(folder_path, names[ALBUM_FILE])
        if not registry.inside_content(md_path):
            report_error(md_path, None, "album.md 指向 content/ 之外，已拒绝 / album.md points outside content/: refused")
            return None
        relative = os.path.relpath(md_path, self.path)
        try:
            album = self.readers.read_file(
                base_path=self.path, path=relative, content_class=Album, context=self.context,
            )
        except ContentError:
            return None  # the reader has named the file and line
        except Exception as error:  # never a traceback for one album
            report_error(md_path, None, f"无法读取相册 / cannot read the album: {error}")
            return None
        if not album.is_valid():
            return None
        album.folder = folder
        if "slug" not in album.metadata:
            album.slug = slug_part(folder)
        if album.status == "draft":
            self.unpublished_slugs.update({album.slug, folder})
            return None  # a draft album publishes nothing, not even its photos
        if not hasattr(album, "date"):
            report_error(md_path, 1, "相册缺少日期（date / 日期）/ the album has no date")
            return None
        reason = unpublishable_reason(album, self.settings, review=False)
        if reason:
            report_warning(md_path, metadata_line(album, "date"), reason)
            self.unpublished_slugs.update({album.slug, folder})
            return None
        self._attach_photos(album, folder_path, md_path, registry)
        if not album.photos:
            report_warning(md_path, None, "相册里没有照片，不发布 / the album has no photos: not published")
            return None
        return album

    def _attach_photos(self, album, folder_path, md_path, registry):
        names, ignored = album_files(folder_path)
        for name in ignored:
            report_warning(
                os.path.join(folder_path, name), None,
                "不是照片（jpg、png、webp、heic、gif），不会发布 / not a photo: not published",
            )
        safe = []
        for name in names:
            path = os.path.join(folder_path, name)
            if registry.inside_content(path):
                safe.append(name)
            else:
                report_error(path, None, "链接指向 content/ 之外，已拒绝 / links outside content/: refused")
        content_html, captions, order = take_captions(album._content, safe)
        album._content = content_html
        listed = {name.lower() for name in safe}
        for name, line in listed_names(md_path):
            if name.lower() not in listed and _loose(name) not in {_loose(n) for n in safe}:
                report_error(md_path, line, f"相册里没有照片“{name}” / no photo named {name!r} in this album")
        ordered = order + [name for name in safe if name not in captions]
        album.photos = []
        for number, name in enumerate(ordered, 1):
            photo = registry.add(os.path.join(folder_path, name))
            album.photos.append(AlbumPhoto(album, photo, name, captions.get(name, ""), number))
        album.cover_photo = None
        cover = getattr(album, "cover", None)
        if cover:
            path = resolve_reference(cover, [folder_path], self.path)
            if path is None:
                report_error(md_path, metadata_line(album, "cover"), f"封面照片不存在：{cover} / cover photo not found: {cover}")
            else:
                match = [p for p in album.photos if p.photo.source == os.path.realpath(path)]
                album.cover_photo = match[0] if match else AlbumPhoto(album, registry.add(path), cover, "", 0)

    def finish(self):
        """After the photos were processed: drop photos that failed (skip policy)."""
        for album in self.albums + self.hidden_albums:
            album.photos = [item for item in album.photos if item.photo.ok]
            for number, item in enumerate(album.photos, 1):
                item.number = number
            if album.cover_photo is None or not album.cover_photo.photo.ok:
                album.cover_photo = album.photos[0] if album.photos else None
            if album.cover_photo is not None:
                album.share_image = album.cover_photo.photo.large_url()
        for name in ("albums", "hidden_albums"):
            setattr(self, name, [a for a in getattr(self, name) if a.photos])
        self.context["albums"] = self.albums
        self.context["albums_by_slug"] = _by_slug(self.albums + self.hidden_albums)

    def generate_output(self, writer):
        relative = self.settings["RELATIVE_URLS"]
        for album in self.albums + self.hidden_albums:
            writer.write_file(
                album.save_as, self.get_template(album.template), self.context,
                relative_urls=relative, url=album.url, album=album,
                page_name="album",
            )
        writer.write_file(
            self.settings["ALBUMS_SAVE_AS"], self.get_template("albums"), self.context,
            relative_urls=relative, url=self.settings["ALBUMS_URL"], page_name="albums",
        )
