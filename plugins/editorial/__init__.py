"""Editorial plugin: bylines, the three-level review (三审) sign-offs and gate,
future-dated pieces held back, and the column navigation (SPEC §2, §4)."""

from pelican import signals
from pelican.contents import Static

from .gate import hold_back_unpublishable
from .people import attach_bylines, build_archive_years, build_column_nav, link_taxonomies


def on_content_init(content):
    if not isinstance(content, Static):  # every copied file passes here too
        attach_bylines(content)


def on_articles_pretaxonomy(generator):
    hold_back_unpublishable(generator, "articles", "hidden_articles", "drafts")


def on_pages_finalized(generator):
    hold_back_unpublishable(generator, "pages", "hidden_pages", "draft_pages", review=False)


def on_articles_finalized(generator):
    generator.context["columns"] = build_column_nav(generator.categories, generator.settings)
    generator.context["archive_years"] = build_archive_years(generator.articles, generator.settings)
    link_taxonomies(generator)


def register():
    signals.content_object_init.connect(on_content_init)
    signals.article_generator_pretaxonomy.connect(on_articles_pretaxonomy)
    signals.page_generator_finalized.connect(on_pages_finalized)
    signals.article_generator_finalized.connect(on_articles_finalized)
