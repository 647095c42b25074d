"""Jinja filters: templates pass data, Python writes the markup.

``{{ photo|picture("grid", eager=loop.first) }}`` — ``photo`` is a Photo, an
AlbumPhoto (its caption is the alt text) or None (renders nothing); the first
argument names a ``PHOTO_SIZES`` preset or is a literal ``sizes`` value.
``{{ item|photo_link(eager=loop.first) }}`` — the album tile: a link to the
large image (works without JavaScript) around the picture.
"""

from jinja2 import pass_context
from markupsafe import Markup, escape

from . import state


def _unwrap(item):
    """``(Photo, alt)`` for a Photo, an AlbumPhoto or None."""
    if item is None:
        return None, ""
    photo = getattr(item, "photo", None)
    if photo is not None:
        return photo, item.alt
    return item, ""


def _sizes(name):
    registry = state.registry
    return registry.sizes(name) if registry is not None else name


@pass_context
def picture(context, item, sizes="content", eager=False, alt=None, css_class=None):
    photo, default_alt = _unwrap(item)
    if photo is None or not getattr(photo, "ok", False):
        return Markup("")
    return photo.picture_html(
        context.get("SITEURL", ""), default_alt if alt is None else alt, _sizes(sizes), eager, css_class,
    )


@pass_context
def photo_link(context, item, sizes="grid", eager=False):
    photo, alt = _unwrap(item)
    if photo is None or not getattr(photo, "ok", False):
        return Markup("")
    siteurl = context.get("SITEURL", "")
    inner = photo.picture_html(siteurl, alt, _sizes(sizes), eager)
    # The viewer reads the srcset of the <picture> inside, so the large view
    # loads the size a phone needs rather than the 1600 px link target.
    return Markup(f'<a class="album-link" href="{escape(photo.large_url(siteurl))}">{inner}</a>')


@pass_context
def large_url(context, item):
    """URL of the large variant (for og:image or a plain link)."""
    photo, _ = _unwrap(item)
    if photo is None or not getattr(photo, "ok", False):
        return ""
    return photo.large_url(context.get("SITEURL", ""))


@pass_context
def full_url(context, item):
    """URL of the full-size copy (PHOTO_PUBLISH_ORIGINALS), else ''."""
    photo, _ = _unwrap(item)
    if photo is None or not getattr(photo, "ok", False) or photo.full is None:
        return ""
    return photo.url(photo.full, context.get("SITEURL", ""))


FILTERS = {"picture": picture, "photo_link": photo_link, "large_url": large_url, "full_url": full_url}
