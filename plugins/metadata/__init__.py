"""Metadata plugin: Chinese key aliases, full-width colons, GBK/BOM/CRLF files,
list and date fields, errors with file and line (SPEC §3)."""

from pelican import signals

from .reader import LinliMarkdownReader


def add_reader(readers):
    for extension in LinliMarkdownReader.file_extensions:
        readers.reader_classes[extension] = LinliMarkdownReader


def register():
    signals.readers_init.connect(add_reader)
