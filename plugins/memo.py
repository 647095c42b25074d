"""Results of pure functions of a text, kept from one build to the next
(the ``memo`` section of the build record, plugins/build_record.py): a rebuild sanitises and scans for personal
numbers only the bodies it has not seen. Pelican's content cache keeps what
the readers made; this keeps what happens to it after (plugins/safety,
plugins/privacy), which runs on every content object of every build.

A memo is only as good as its function is pure: each holds the reader key
(settings, plugin code, library versions) of the build that wrote it and is
dropped whole when that changes. Only results are kept, never verdicts: a
body with a personal number is reported again on every build.
"""

import hashlib

SECTION = "memo"

_key = None  # the reader key of the build in progress; None: nothing is remembered
_record = None  # the build record it is kept in
_previous = {}  # name -> {digest: value}, as the last build left them
_used = {}  # the same, for what this build asked


def remembered(name, text, compute):
    """``compute(text)``, or what it gave for the same text before."""
    if _key is None:
        return compute(text)
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    used = _used.setdefault(name, {})
    value = used.get(digest)
    if value is None:
        value = _previous.get(name, {}).get(digest)
        if value is None:
            value = compute(text)
        used[digest] = value
    return value


def start(record, key):
    """A build starts: what ``record`` keeps, when it was made with ``key``
    (None: remember nothing, keep the section as it is)."""
    global _key, _record
    _key, _record = key, record
    _used.clear()
    _previous.clear()
    stored = record.get(SECTION) if key is not None else None
    if isinstance(stored, dict) and stored.get("key") == key and isinstance(stored.get("memos"), dict):
        _previous.update(stored["memos"])


def finish():
    """Keep what this build used (and only that, so the record never grows
    beyond the site), unless it is what the record holds already."""
    global _key, _record
    if _key is not None and _used != _previous:
        _record.put(SECTION, {"key": _key, "memos": {name: dict(values) for name, values in _used.items()}})
    _key = _record = None
