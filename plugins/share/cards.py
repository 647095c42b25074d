"""What a page tells WeChat, search engines and a phone camera about itself."""

import json
from dataclasses import dataclass

from markupsafe import Markup

from ..common import plain_text, public_site_url, setting
from .qr import qr_svg

DEFAULTS = {
    "SHARE_IMAGE": "theme/img/share.png",
}


@dataclass
class ShareInfo:
    url: str
    title: str
    description: str
    image: str
    kind: str
    qr_svg: Markup
    json_ld: Markup


def absolute(site, url):
    if not url or url.startswith(("http://", "https://")):
        return url
    return f"{site.rstrip('/')}/{url.lstrip('/')}"


def content_kind(content):
    name = content.__class__.__name__
    return {"Article": "article", "Notice": "notice", "Album": "album"}.get(name, "page")


def json_ld(content, info, settings):
    publisher = {"@type": "Organization", "name": settings.get("SITE_OPERATOR") or settings.get("SITENAME")}
    data = {
        "@context": "https://schema.org",
        "@type": {"article": "NewsArticle", "notice": "Article", "album": "ImageGallery"}.get(info.kind, "WebPage"),
        "headline" if info.kind in ("article", "notice") else "name": info.title,
        "description": info.description,
        "url": info.url,
        "mainEntityOfPage": info.url,
        "image": [info.image],
        "publisher": publisher,
        "inLanguage": "zh-CN",
    }
    date = getattr(content, "date", None)
    if date is not None:
        data["datePublished"] = date.isoformat()
        modified = getattr(content, "modified", None) or date
        data["dateModified"] = modified.isoformat()
    reporters = getattr(content, "reporters", None) or []
    if info.kind == "article":
        data["author"] = [{"@type": "Person", "name": name} for name in reporters] or publisher
        category = getattr(content, "category", None)
        if category is not None:
            data["articleSection"] = category.name
        tags = getattr(content, "tags", None) or []
        if tags:
            data["keywords"] = ",".join(tag.name for tag in tags)
    elif info.kind == "notice":
        data["articleSection"] = getattr(content, "kind", "通知公告")
        data["author"] = {"@type": "Organization", "name": getattr(content, "issuer", None) or publisher["name"]}
    # A data block, not a script: markup characters are escaped so a title
    # can never close the element or read as HTML.
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(f'<script type="application/ld+json">{text}</script>')


def share_info(content, settings):
    """The page's share card, made once per page however often a template
    asks (its head and its QR block both do)."""
    cached = content.__dict__.get("_share_info")
    if cached is not None:
        return cached
    site = public_site_url(settings)
    url = absolute(site, content.url)
    image = absolute(site, getattr(content, "share_image", None) or setting(settings, "SHARE_IMAGE", DEFAULTS))
    description = plain_text(getattr(content, "summary", "") or getattr(content, "content", ""), 120)
    info = ShareInfo(
        url=url,
        title=str(content.title),
        description=description,
        image=image,
        kind=content_kind(content),
        qr_svg=qr_svg(url),
        json_ld=Markup(""),
    )
    info.json_ld = json_ld(content, info, settings)
    content._share_info = info
    return info
