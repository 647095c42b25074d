"""Results of pure functions of a text, kept from one build to the next
(the ``memo`` section of the build record, plugins/build_record.py): a
rebuild sanitises and scans for personal numbers only the bodies it has not
seen. Pelican's content cache keeps what the readers made; this keeps what
happens to it after (plugins/safety, plugins/privacy), which runs on every
content object of every build.

A memo is only as good as its function is pure: each holds the reader key
(settings, plugin code, library versions) of the build that wrote it and is
dropped whole when that changes. Only results are kept, never verdicts: a
body with a personal number is reported again on every build.

The build's lifecycle (plugins/safety/atomic.py) starts and finishes it.

A clean build would compute them all in the build process, one file after
another, while Pelican reads the files: a function asked for ahead
(``compute_ahead``) is computed instead on every core, beside the
Markdown conversion of each file not read before
(plugins/metadata/reader.py), and the reader's call finds the result.
"""

from .common import text_digest

SECTION = "memo"


class Memo:
    """One build's memo: what the last build left (``previous``) and what
    this one asked (``used``), by function name and digest of the text."""

    def __init__(self, record=None, key=None):
        self.record = record
        self.key = key  # None: nothing is remembered
        self.previous = {}
        self.used = {}
        self.ahead = {}  # what was computed on every core for this build (adopt)
        stored = record.get(SECTION) if record is not None and key is not None else None
        if isinstance(stored, dict) and stored.get("key") == key and isinstance(stored.get("memos"), dict):
            self.previous = stored["memos"]

    def remembered(self, name, text, compute):
        if self.key is None and not self.ahead:
            return compute(text)  # nothing to find, nothing kept
        digest = text_digest(text)
        used = self.used.setdefault(name, {})
        value = used.get(digest)
        if value is None:
            value = self.previous.get(name, {}).get(digest)
        if value is None:
            value = self.ahead.get(name, {}).get(digest)
        if value is None:
            value = compute(text)
        used[digest] = value  # kept by keep() only when there is a key
        return value

    def adopt(self, results):
        for name, values in results.items():
            self.ahead.setdefault(name, {}).update(values)

    def keep(self):
        """Keep what this build used (and only that, so the record never grows
        beyond the site), unless it is what the record holds already."""
        if self.key is not None and self.used != self.previous:
            self.record.put(SECTION, {"key": self.key, "memos": self.used})


_current = Memo()  # of the build in progress
_ahead = {}  # name -> (which text, make): the functions computed ahead


def compute_ahead(name, of, make):
    """Have ``name`` computed ahead on every core: a pure function of a
    file's source text (``of="source"``) or of the HTML its Markdown body
    or summary converts to (``of="html"``), made by ``make(settings)`` —
    None when the build will not ask for it."""
    _ahead[name] = (of, make)


def worked_ahead(settings, texts):
    """``{name: {digest: result}}`` of every function asked for ahead, over
    ``texts`` (``{"source": [...], "html": [...]}``); run where the
    Markdown is converted, and handed to ``adopt``."""
    results = {}
    for name, (of, make) in _ahead.items():
        compute = make(settings)
        if compute is not None:
            results[name] = {text_digest(text): compute(text) for text in texts.get(of, ())}
    return results


def adopt(results):
    """What ``worked_ahead`` gave, for this build's ``remembered`` to find."""
    _current.adopt(results)


def remembered(name, text, compute):
    """``compute(text)``, or what it gave for the same text before."""
    return _current.remembered(name, text, compute)


def start(record, key):
    """A build starts: what ``record`` keeps, when it was made with ``key``
    (None: remember nothing, leave the section as it is)."""
    global _current
    _current = Memo(record, key)


def finish():
    global _current
    _current.keep()
    _current = Memo()
