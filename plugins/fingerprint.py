"""Fingerprints: a short digest of everything a template could read from a
value, computed the same way in every build, so equal digests mean equal
rendered pages.

A piece of content (article, page, notice, album) is digested from all of
its attributes — metadata, body, computed status, cover photo … — except the
shared build context and settings (covered by the site-wide key). Another
piece it points at (prev/next neighbour, replacement notice, linked album)
enters with a *shallow* digest of its own attributes, so a neighbour's new
title reaches this page without pulling in the whole site.
"""

import datetime

from markupsafe import Markup
from pelican.contents import Content
from pelican.paginator import Page, Paginator
from pelican.urlwrappers import URLWrapper
from pelican.utils import SafeDatetime

from .common import INTRASITE_LINK, text_digest

# Attributes that are the build itself, not the piece: the shared context
# (every other piece), the settings (in the site-wide key) and memos that a
# template filter adds while rendering.
SKIPPED = frozenset({"_context", "settings", "_share_info"})

_ABSENT = object()


# Where a value sits: a template variable, an attribute of a piece, or an
# attribute of a piece that piece points at.
_TOP, _IN_CONTENT, _IN_SHALLOW = "top", "in-content", "in-shallow"


class Fingerprints:
    """Digests for one build. ``links`` is the digest of every address and
    photo on the site: a piece whose body links with {filename}/{static}
    depends on it (a renamed target or a replaced photo changes the link)."""

    def __init__(self, links=""):
        self.links = links
        self._deep = {}  # id(content) -> digest, pinned the first time it is asked
        self._shallow = {}
        self._keep = []  # keep objects alive so their ids stay theirs

    # --- kept from one build to the next (quick.py) -------------------------
    def pinned(self):
        """``[(piece, deep digest or None, shallow digest or None)]``."""
        seen, found = set(), []
        for item in self._keep:
            if id(item) not in seen:
                seen.add(id(item))
                found.append((item, self._deep.get(id(item)), self._shallow.get(id(item))))
        return found

    def made(self, item):
        """(deep, shallow) digests of ``item`` so far (None: not made)."""
        return self._deep.get(id(item)), self._shallow.get(id(item))

    def seed(self, item, deep=None, shallow=None):
        """Take a digest the last build made of the same, unchanged piece."""
        if deep is not None:
            self._deep[id(item)] = deep
        if shallow is not None:
            self._shallow[id(item)] = shallow
        self._keep.append(item)

    # --- content ----------------------------------------------------------
    def content(self, item):
        return self._piece(item, _IN_CONTENT, self._deep)

    def shallow(self, item):
        return self._piece(item, _IN_SHALLOW, self._shallow)

    def _piece(self, item, mode, memo):
        found = memo.get(id(item))
        if found is None:
            parts = [type(item).__name__]
            self._attributes(item, parts, mode)
            if mode is _IN_CONTENT and self._links_in(item):
                parts.append("links=" + self.links)
            found = memo[id(item)] = text_digest("\x1f".join(parts))
            self._keep.append(item)
        return found

    @staticmethod
    def _links_in(item):
        texts = (getattr(item, "_content", None), getattr(item, "metadata", {}).get("summary"))
        return any(isinstance(text, str) and INTRASITE_LINK.search(text) for text in texts)

    def _attributes(self, item, parts, mode):
        attributes = vars(item)
        for name in sorted(attributes):
            if name in SKIPPED:
                continue
            parts.append(name)
            value = attributes[name]
            if name == "metadata" and type(value) is dict:
                self._metadata(value, attributes, parts, mode)
            else:
                self._value(value, parts, mode, set())

    def _metadata(self, metadata, attributes, parts, mode):
        """Most metadata values are the piece's attributes themselves (Pelican
        sets one from the other): those enter as a reference to the
        attribute, whose digest already covers the value."""
        parts.append("{")
        for key in sorted(metadata, key=repr):
            parts.append(repr(key))
            value = metadata[key]
            if type(key) is str and attributes.get(key.lower(), _ABSENT) is value and key.lower() not in SKIPPED:
                parts.append("=" + key.lower())
            else:
                self._value(value, parts, mode, set())
        parts.append("}")

    # --- any value --------------------------------------------------------
    def value(self, value):
        parts = []
        self._value(value, parts, _TOP, set())
        return text_digest("\x1f".join(parts))

    def _value(self, value, parts, mode, active):
        kind = type(value)
        if kind is str:  # the common cases first: this runs for every attribute
            parts.append("s" + value)
        elif kind is list:
            parts.append("[")
            for item in value:
                self._value(item, parts, mode, active)
            parts.append("]")
        elif value is None or kind is int or kind is bool:
            parts.append(repr(value))
        elif isinstance(value, (bool, int, float)):
            parts.append(repr(value))
        elif isinstance(value, str):  # Markup too
            parts.append("s" + value)
        elif isinstance(value, (datetime.date, datetime.time)):
            parts.append(f"d{value.isoformat()}{getattr(value, 'tzinfo', '')}")
        elif isinstance(value, Content):
            if mode is _TOP:
                parts.append("c" + self.content(value))
            elif mode is _IN_CONTENT:
                parts.append("n" + self.shallow(value))
            else:
                parts.append("r" + str(getattr(value, "source_path", "")))
        elif isinstance(value, URLWrapper):
            parts.append(f"w{type(value).__name__}|{value.name}|{value.slug}")
        elif isinstance(value, Paginator):
            parts.append(f"p{value.name}|{value.url}|{value.per_page}|{value.orphans}|{value.count}|{value.num_pages}")
        elif isinstance(value, Page):
            parts.append(f"g{value.full_name}|{value.base_url}|{value.number}")
            self._value(value.paginator, parts, mode, active)
            self._value(value.object_list, parts, mode, active)
        elif id(value) in active:
            parts.append("cycle" + type(value).__name__)  # e.g. a photo and its album
        elif isinstance(value, (list, tuple)):
            active.add(id(value))
            parts.append("[")
            for item in value:
                self._value(item, parts, mode, active)
            parts.append("]")
            active.discard(id(value))
        elif isinstance(value, dict) and "generated_content" in value:
            parts.append("context")  # the build's shared context, held by a helper object
        elif isinstance(value, dict):
            active.add(id(value))
            parts.append("{")
            for key in sorted(value, key=repr):
                parts.append(repr(key))
                self._value(value[key], parts, mode, active)
            parts.append("}")
            active.discard(id(value))
        elif isinstance(value, (set, frozenset)):
            parts.append("(" + ",".join(sorted(self.value(item) for item in value)) + ")")
        elif hasattr(value, "__dict__") and not callable(value):
            active.add(id(value))
            parts.append("o" + type(value).__qualname__)
            for name in sorted(vars(value)):
                if name in SKIPPED:
                    continue
                parts.append(name)
                self._value(vars(value)[name], parts, mode, active)
            active.discard(id(value))
        else:
            # Functions, classes, modules: their code is in the site-wide key.
            parts.append("t" + getattr(value, "__qualname__", type(value).__qualname__))


# --- which values show a changed piece (plugins/incremental/quick.py) ---------
_PLAIN = frozenset({str, int, bool, float, type(None), datetime.datetime, datetime.date, SafeDatetime, Markup})


class Reach:
    """Which values show a changed piece, the way fingerprint.py digests
    them: a piece in full (its attributes), a piece it points at by its own
    attributes only."""

    def __init__(self, changed, recorded_variables):
        self.changed = changed  # ids of the changed pieces
        self.recorded_variables = recorded_variables  # template name -> the variables it reads, or None
        self._pieces = {}  # id(piece) -> whether it shows a changed piece
        self._values = {}  # id(shared list) -> the same

    def is_changed(self, piece):
        return id(piece) in self.changed

    def shows(self, piece):
        found = self._pieces.get(id(piece))
        if found is None:
            found = self._pieces[id(piece)] = id(piece) in self.changed or any(
                self._in(value, inside=True, active=set())
                for name, value in vars(piece).items() if name not in SKIPPED
            )
        return found

    def any(self, values):
        return any(self._in(value, inside=False, active=set()) for value in values)

    def page_shows(self, template, context, kwargs):
        """Whether a page (template name, the shared context and its own
        variables as the writer was given them) reads a changed piece."""
        names = self.recorded_variables(template)
        if names is None or None in names:
            names = set(context) | set(kwargs)
        values = [context[name] for name in names if name in context and name not in kwargs]
        # A listing's pages are made from its lists (articles_page …).
        values += [value for key, value in kwargs.items()
                   if key in names or any(name.startswith(key + "_") for name in names)]
        for value in values:
            shared = self._values.get(id(value))
            if shared is None:
                shared = self._values[id(value)] = self._in(value, inside=False, active=set())
            if shared:
                return True
        return False

    def _in(self, value, inside, active):
        kind = type(value)
        if kind in _PLAIN:
            return False
        if isinstance(value, Content):
            # A piece a page shows is read in full; one a piece points at
            # (a neighbour) by its own attributes only.
            return self.is_changed(value) if inside else self.shows(value)
        if isinstance(value, (URLWrapper, str, int, float)) or id(value) in active:
            return False
        if isinstance(value, Page):
            return self._in(value.object_list, inside, active)
        if isinstance(value, dict) and "generated_content" in value:
            return False  # the shared context: fingerprint.py does not read it either
        active.add(id(value))
        try:
            if isinstance(value, (list, tuple)):
                return any(self._in(item, inside, active) for item in value)
            if isinstance(value, dict):
                return any(self._in(item, inside, active) for item in value.values())
            if isinstance(value, (set, frozenset)):
                return any(self._in(item, False, active) for item in value)
            if hasattr(value, "__dict__") and not callable(value):
                return any(self._in(item, inside, active) for name, item in vars(value).items()
                           if name not in SKIPPED)
            return False
        finally:
            active.discard(id(value))
