"""Gallery plugin: the photo pipeline (cache, all cores, metadata stripped,
responsive variants) and the albums under content/photos/ (SPEC §3–§6).
See plugins/gallery/README.md."""

import os

from pelican import signals

from ..events import keep_render_state

from . import content, state
from .albums import URL_DEFAULTS, AlbumGenerator
from .markup import FILTERS
from .names import is_raster
from .photos import Registry

# Formats a browser cannot show as they are: published only as variants.
_NOT_COPIED = (".heic", ".heif", ".avif")


def on_get_generators(pelican):
    """A build starts (each rebuild of `make devserver` too)."""
    for key, value in URL_DEFAULTS.items():
        pelican.settings.setdefault(key, value)
    state.registry = Registry(pelican.settings)
    content.install()
    return AlbumGenerator


def on_generator_init(generator):
    generator.env.filters.update(FILTERS)


def on_static_finalized(generator):
    """Originals never leave through Pelican's static copy: album photos are
    published only as variants, other raster images (images/, attachments)
    as a copy with orientation applied and every metadata block removed."""
    registry = state.registry
    if registry is None:
        return
    album_path = generator.settings.get("ALBUM_PATH", "photos")
    kept = []
    for static in generator.staticfiles:
        relative = static.relative_source_path or ""
        if not is_raster(relative):
            kept.append(static)
            continue
        if relative.split("/", 1)[0] == album_path or relative.lower().endswith(_NOT_COPIED):
            continue
        registry.add(os.path.join(generator.path, relative), kind="copy", save_as=static.save_as)
    generator.staticfiles = kept
    generator._update_context(("staticfiles",))


def on_all_generators_finalized(generators):
    registry = state.registry
    if registry is None:
        return
    albums = next((g for g in generators if isinstance(g, AlbumGenerator)), None)
    by_slug = albums.context.get("albums_by_slug", {}) if albums else {}
    unpublished = albums.unpublished_slugs if albums else set()
    pieces = list(content.published_contents(generators))
    for piece in pieces:
        content.collect(piece, by_slug, unpublished)
    registry.process(generators[0].output_path)
    if albums is not None:
        albums.finish()
    for piece in pieces:
        content.finish(piece)


def register():
    keep_render_state("photos", state.current, state.use)
    signals.get_generators.connect(on_get_generators)
    signals.generator_init.connect(on_generator_init)
    signals.static_generator_finalized.connect(on_static_finalized)
    signals.all_generators_finalized.connect(on_all_generators_finalized)
