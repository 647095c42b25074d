"""Word import: a correspondent's .docx becomes a ready article, photos and all.

`make import FILE=稿件.docx [COLUMN=栏目] [FORCE=1]` (``python -m plugins.wordimport``).
Not a Pelican plugin: an editor's tool that writes content/ like `make new-article`.
See README.md beside this file.
"""
