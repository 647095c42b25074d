"""Typography of Chinese text with autocorrect (``autocorrect-py``, the Python
binding of the Rust autocorrect): half-width punctuation in Chinese
sentences, full-width digits and letters, stray spaces around full-width
punctuation, and — when a site wants it — spaces between Chinese and
English or numbers.

autocorrect proposes a corrected line; we split its proposal into single
changes (difflib) and name each by our rule, so each rule has its own
severity and a switched-off rule is never reported nor fixed. autocorrect
knows Markdown: code, link targets, image paths and URLs are left alone.
"""

import difflib
import functools
import json
import re

import autocorrect_py

# Our rules -> the autocorrect rules that make them (README.md lists them).
RULES = {
    # (not "halfwidth-punctuation", full-width marks in English sentences:
    # rare on a Chinese site, and it also rewrites 》 after a Latin letter)
    "punctuation": ("fullwidth",),
    "fullwidth-alnum": ("halfwidth-word",),
    "punctuation-space": ("no-space-fullwidth",),
    "quote-space": ("no-space-fullwidth-quote",),
    "spacing": ("space-word", "space-punctuation", "space-bracket", "space-backticks", "space-dollar"),
}
_AUTOCORRECT_RULES = (
    "space-word", "space-punctuation", "space-bracket", "space-backticks", "space-dash", "space-dollar",
    "fullwidth", "no-space-fullwidth", "no-space-fullwidth-quote", "halfwidth-word", "halfwidth-punctuation",
    "spellcheck",
)

_FULLWIDTH_ALNUM = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_QUOTES = "“”‘’「」『』"
_FW_PUNCT = r"[\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65…—·]"
_GAP = r"[ \t|\"'”’)）]*"  # what may stand between a mark and the Chinese it follows or precedes
_CJK = r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]"
# What each rule can change, as a cheap test on the whole text: most text
# needs no autocorrect call at all. Generous on purpose (tests prove it
# covers every change autocorrect makes).
_CANDIDATE_PATTERNS = {
    "punctuation": (
        # ("1. 第一项": an ordered list's number is not a sentence's end)
        # (a table's "|" between cells counts as a space)
        _CJK + _GAP + r"[,.!?;:]|[,!?;:]" + _GAP + _CJK + r"|(?:^|[^0-9])\." + _GAP + _CJK + r"|\." + _CJK
        # a table row: autocorrect reads its cells together
        + r"|^(?=[^\n]*\|)(?=[^\n]*(?:[^0-9\n][,.!?;:]|[,.!?;:][^0-9]))(?=[^\n]*" + _CJK + ")",
        re.M,
    ),
    "fullwidth-alnum": (_FULLWIDTH_ALNUM.pattern + r"|[0-9][：．][0-9]", 0),
    # (each starts with the rare character it is about: re scans for it fast)
    "punctuation-space": (r"[ \t](?:(?=" + _FW_PUNCT + r")|(?<=" + _FW_PUNCT + r"[ \t]))", 0),
    "quote-space": (r"[ \t](?:(?=[“”‘’])|(?<=[“”‘’][ \t]))", 0),
    "spacing": (
        _CJK + r"[0-9A-Za-z０-９Ａ-Ｚａ-ｚ`$(\[+-]|[0-9A-Za-z０-９Ａ-Ｚａ-ｚ`$)\]%!?.,;:]" + _CJK
        + r"|[^ \t\n|]\||\|[^ \t\n|]",
        0,
    ),
}


@functools.lru_cache(maxsize=None)
def candidate(rule):
    """The compiled pre-check of ``rule`` (compiled when first needed: a
    build that lints nothing, or nothing that needs it, never pays for it)."""
    pattern, flags = _CANDIDATE_PATTERNS[rule]
    return re.compile(pattern, flags)


_FULLWIDTH_POINT = re.compile(r"(?<=[0-9])．(?=[0-9])")

_loaded = None  # the autocorrect configuration in force (it is process-wide)


def configure(enabled):
    """Switch autocorrect's rules to make exactly our ``enabled`` rules."""
    global _loaded
    wanted = {name for rule in enabled for name in RULES.get(rule, ())}
    config = json.dumps({"rules": {name: 1 if name in wanted else 0 for name in _AUTOCORRECT_RULES}}, sort_keys=True)
    if config != _loaded:
        # load_config merges into what was loaded before: every rule is named.
        autocorrect_py.load_config(config)
        _loaded = config


# Half-width marks are rare in Chinese text: the punctuation pattern (slow:
# it starts with a Chinese character) is only tried on the lines holding one.
_HALF_MARK = re.compile(r"[,.!?;:]")
_REACH = 64  # characters each side of a mark that can decide it


def may_need(text, enabled):
    for rule in enabled:
        if rule not in _CANDIDATE_PATTERNS:
            continue
        pattern = candidate(rule)
        if rule != "punctuation":
            if pattern.search(text):
                return True
            continue
        for mark in _HALF_MARK.finditer(text):
            start = text.rfind("\n", 0, mark.start()) + 1
            end = text.find("\n", mark.end())
            end = len(text) if end < 0 else end
            if "|" not in text[start:end]:  # a table row is read whole; else the mark's surroundings
                start, end = max(start, mark.start() - _REACH), min(end, mark.end() + _REACH)
            if pattern.search(text, start, end):
                return True
    return False


def proposals(text, enabled):
    """``{line number: corrected line}`` for the lines of ``text`` (Markdown)
    autocorrect would change with our ``enabled`` rules (configure() first;
    may_need() tells cheaply whether there can be any)."""
    if not enabled:
        return {}
    lines = text.split("\n")
    corrected = {}
    for result in autocorrect_py.lint_for(text, "markdown").lines:
        number = result.line
        if not 1 <= number <= len(lines):
            continue
        line = corrected.get(number, lines[number - 1])
        start = result.col - 1
        if line[start:start + len(result.old)] != result.old:
            start = line.find(result.old)
            if start < 0:
                continue
        corrected[number] = line[:start] + result.new + line[start + len(result.old):]
    if "fullwidth-alnum" in enabled:
        for number, line in corrected.items():
            corrected[number] = _FULLWIDTH_POINT.sub(".", line)
    return {number: line for number, line in corrected.items() if line != lines[number - 1]}


def rule_of(old, new, before, after):
    """Our rule for one change: ``old`` replaced by ``new`` between the
    characters ``before`` and ``after``."""
    if not old and new.strip() == "":
        return "spacing"
    if not new and old.strip() == "":
        return "quote-space" if (before in _QUOTES or after in _QUOTES) else "punctuation-space"
    if _FULLWIDTH_ALNUM.search(old) or "．" in old:
        return "fullwidth-alnum"
    return "punctuation"


def changes(old_line, new_line):
    """``[(start, end, replacement, rule)]`` turning old_line into new_line."""
    found = []
    matcher = difflib.SequenceMatcher(None, old_line, new_line, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        old, new = old_line[i1:i2], new_line[j1:j2]
        before = old_line[i1 - 1] if i1 else ""
        after = old_line[i2] if i2 < len(old_line) else ""
        found.append((i1, i2, new, rule_of(old, new, before, after)))
    return found


def apply(line, edits):
    """``line`` with ``edits`` ((start, end, replacement), any order) made."""
    for start, end, replacement in sorted(edits, reverse=True):
        line = line[:start] + replacement + line[end:]
    return line
