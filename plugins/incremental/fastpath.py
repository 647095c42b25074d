"""The core both fast paths share — the quick rebuild (quick.py) and the
devserver's fast page (plugins/devserver/fast.py): what a body-only edit
is, the pieces as they were before any page was rendered, reading one file
again, and putting a piece back as it was.

Both render a page from the last build's context with only a body changed,
so both must know the piece as the generators left it: a template filter
may leave a memo on a piece while it renders (the share card), and a page
rendered from such a piece would differ from a clean build's.
"""

import logging
import os
import re
from typing import NamedTuple

from pelican.contents import Article, Content, Page

from ..fingerprint import SKIPPED

# Kinds whose page is "read the file, render the piece's template" (exactly
# these: notices and albums post-process their body in their own generator).
FAST_KINDS = (Article, Page)
# Photos and attachments a body points at are processed by the build: a body
# that starts or stops pointing at one needs it.
REFERENCE = re.compile(r"[{|](?:static|attach)[|}][^\"'\s)>]*")


class Refused(Exception):
    """Why a fast path is not taken (the normal build runs instead)."""


class PieceState(NamedTuple):
    """A piece as it was before any page was rendered."""

    piece: Content
    attributes: dict  # vars(piece)
    metadata: dict
    header: dict | None  # its metadata when it was made (content_object_init): the file's header


class PieceRecorder:
    """Every piece of a build as the generators left it; connect ``made``
    to ``content_object_init`` and call ``before_writing`` when Pelican asks
    for its writer (every generator and plugin is done, nothing rendered)."""

    def __init__(self):
        self.headers = {}  # absolute source path -> an article's or page's metadata when it was made
        self.states = {}  # id(piece) -> PieceState

    def start(self):
        self.headers = {}
        self.states = {}

    def made(self, content):
        if type(content) in FAST_KINDS and getattr(content, "source_path", None):
            self.headers[os.path.abspath(content.source_path)] = dict(content.metadata)

    def before_writing(self, generators):
        for generator in generators:
            for name, value in vars(generator).items():
                if not isinstance(value, list):
                    continue
                for item in value:
                    if isinstance(item, Content) and id(item) not in self.states:
                        source = getattr(item, "source_path", None)
                        header = self.headers.get(os.path.abspath(source)) if source else None
                        self.states[id(item)] = PieceState(item, dict(vars(item)), dict(item.metadata), header)

    def editable(self):
        """``{absolute source: PieceState}`` of the articles and pages whose
        body a fast path may put in again."""
        found = {}
        for state in self.states.values():
            source = getattr(state.piece, "source_path", None)
            if type(state.piece) in FAST_KINDS and source and state.header is not None:
                found.setdefault(os.path.abspath(source), state)
        return found


def body_only_change(attributes, header, new, new_header):
    """Raise Refused unless ``new`` (the file read again) differs from the
    piece recorded with ``attributes`` and ``header`` (its metadata when it
    was made) in its body alone."""
    if new_header is None or header is None or new_header != header:
        raise Refused("the header changed")
    if sorted(REFERENCE.findall(new._content or "")) != sorted(REFERENCE.findall(attributes.get("_content") or "")):
        raise Refused("photo or attachment references changed")
    for name, value in vars(new).items():
        if name in ("_content", "metadata") or name in SKIPPED:
            continue
        if name not in attributes or not _same(attributes[name], value):
            raise Refused(f"{name} changed")


def _same(a, b):
    if a is b:
        return True
    try:
        return bool(a == b)
    except Exception:
        return False


def read_again(readers, base_path, source, state, headers, context):
    """The body of ``source`` read again through ``readers`` (every
    ``content_object_init`` step runs on it: sanitising, masking …), when
    only the body changed since ``state``; else Refused. ``headers`` is the
    PieceRecorder that saw it made."""
    old = state.piece
    new = readers.read_file(
        base_path=base_path, path=os.path.relpath(source, base_path), content_class=type(old), context=context,
    )
    if type(new) is not type(old) or not new.is_valid():
        raise Refused("not a valid piece of the same kind any more")
    body_only_change(state.attributes, state.header, new, headers.get(os.path.abspath(source)))
    return new._content


def restore(state, body=None):
    """The piece as it was before rendering (with ``body`` put in)."""
    piece = state.piece
    piece.__dict__.clear()
    piece.__dict__.update(state.attributes)
    piece.metadata = dict(state.metadata)
    if body is not None:
        piece._content = body


class Problems(logging.Handler):
    """Any warning or error refuses a fast path: the normal build that
    follows reports it where it belongs (and fails if it must)."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(record)

    def check(self):
        if self.records:
            record = self.records[0]
            raise Refused(f"{record.levelname}: {record.getMessage()[:200]}")
