"""What a page tells WeChat, search engines and a phone camera about itself."""

import functools
import json
from dataclasses import dataclass

import segno
from markupsafe import Markup, escape

from ..common import plain_text, public_site_url, setting

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


@functools.lru_cache(maxsize=4096)
def qr_svg(url, label="用手机扫码打开本页"):
    """An SVG QR code a phone camera reads from screen or paper."""
    code = segno.make(url, error="m")
    svg = code.svg_inline(border=4, dark="#000", light="#fff", title=label, svgclass="qr-code", omitsize=True)
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))


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
    return info
