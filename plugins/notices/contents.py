"""The Notice content object and its attachments."""

import os
import posixpath
import re
from dataclasses import dataclass
from urllib.parse import quote

from pelican.contents import Content
from pelican.utils import slugify

from ..common import plain_text, setting
from .status import file_size_text, file_type_text

FILES_DIR = "notices/files"

URL_DEFAULTS = {
    "NOTICE_URL": "notices/{slug}/",
    "NOTICE_SAVE_AS": "notices/{slug}/index.html",
    "NOTICE_LANG_URL": "notices/{slug}/",
    "NOTICE_LANG_SAVE_AS": "notices/{slug}/index.html",
}



def slug_from_path(source_path, settings):
    """The file name is the address: ``2026-11-18-water-outage.md`` →
    ``notices/2026-11-18-water-outage/`` (a ``slug`` key overrides it)."""
    stem = os.path.splitext(os.path.basename(source_path))[0]
    return slugify(
        stem,
        regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
        preserve_case=False,
        use_unicode=False,
    )


class Notice(Content):
    """A 通知 / 公告 / 公示 on the notice board (not a news article)."""

    mandatory_properties = ("title",)
    allowed_statuses = ("published", "hidden", "draft", "skip")
    default_status = "published"
    default_template = "notice"

    def __init__(self, content, metadata=None, settings=None, source_path=None, context=None):
        metadata = dict(metadata or {})
        if "slug" not in metadata and source_path and settings is not None:
            metadata["slug"] = slug_from_path(source_path, settings)
        if "date" not in metadata and metadata.get("effective") is not None:
            metadata["date"] = metadata["effective"]
        super().__init__(content, metadata, settings, source_path, context)

    def _expand_settings(self, key, klass=None):
        pattern = setting(self.settings, f"NOTICE_{key}".upper(), URL_DEFAULTS)
        return str(pattern).format(**self.url_format)

    @property
    def excerpt(self):
        """The summary as plain text, short enough for a list or the lobby screen."""
        return plain_text(self.summary, 120)


@dataclass
class Attachment:
    """A file under content/notices/files/, linked with its type and size."""

    name: str
    path: str  # relative to content/, e.g. notices/files/选民登记须知.pdf
    size: int
    context: dict

    @property
    def type_text(self):
        return file_type_text(self.name)

    @property
    def size_text(self):
        return file_size_text(self.size)

    @property
    def extension(self):
        return self.name.rsplit(".", 1)[-1].lower() if "." in self.name else ""

    @property
    def url(self):
        """Where the static generator put the file (read when the page is
        written, after static files are known), percent-encoded."""
        static = (self.context.get("static_content") or {}).get(self.path)
        url = static.url if static is not None else self.path
        if re.search(r"%[0-9A-Fa-f]{2}", url):
            return url
        return quote(posixpath.normpath(url), safe="/")
