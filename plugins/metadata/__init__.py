"""Metadata plugin: Chinese key aliases, full-width colons, GBK/BOM/CRLF files,
list and date fields, errors with file and line (SPEC §3)."""

from pelican import signals

from .reader import LinliMarkdownReader, convert_ahead


def add_reader(readers):
    for extension in LinliMarkdownReader.file_extensions:
        readers.reader_classes[extension] = LinliMarkdownReader


def articles_ahead(generator):
    convert_ahead(generator, "ARTICLE_PATHS", "ARTICLE_EXCLUDES")


def pages_ahead(generator):
    convert_ahead(generator, "PAGE_PATHS", "PAGE_EXCLUDES")


def register():
    signals.readers_init.connect(add_reader)
    signals.article_generator_preread.connect(articles_ahead)
    signals.page_generator_preread.connect(pages_ahead)
