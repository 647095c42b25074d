"""Find and mask personal data in text: resident ID numbers, mobile numbers, bank cards.

Pure functions, no Pelican import, so the checks are tested on their own. Rules
(SPEC §9): ID numbers per GB 11643-1999 (ISO 7064 MOD 11-2 check digit, real
birth date) and the legacy 15-digit form; mainland mobiles ``1[3-9]`` + 9
digits with an optional +86; bank cards of 16–19 digits passing Luhn. A number
glued to more digits is part of something else (an order number, a timestamp)
and is left alone.
"""

import datetime
import re
from dataclasses import dataclass

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
# The birth date is a plausibility check. The lower bound admits the well-known
# sample 440524188001010014 (born 1880); an 1800s year costs almost no precision.
EARLIEST_BIRTH = datetime.date(1800, 1, 1)

# Province-level codes (GB/T 2260). Only the 15-digit form is checked against
# them: it has no check digit, so a date in the right place is not evidence
# enough (about 4% of random 15-digit runs would pass on the date alone).
PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)

# Editors type with a Chinese IME: full-width digits, ＋, －, ideographic space.
# They map one character to one, so offsets into the original text stay valid.
_HALF_WIDTH = str.maketrans(
    "０１２３４５６７８９Ｘｘ＋－\u3000", "0123456789Xx+- "
)

_NOT_AFTER_DIGIT = r"(?<![0-9])"
_NOT_BEFORE_DIGIT = r"(?![0-9])"
# Groups written with spaces belong together: "6222 0212 3456 7890 1234" is
# twenty digits, not a card followed by stray digits.
_NOT_IN_GROUPS = r"(?<![0-9])(?<![0-9][- ])"
_NOT_BEFORE_GROUP = r"(?![- ]?[0-9])"

_PATTERNS = (
    # ID: 18 digits, or 6-8-4 as sometimes written on forms.
    ("id", re.compile(
        _NOT_AFTER_DIGIT + r"[0-9]{6}([- ]?)[0-9]{8}\1[0-9]{3}[0-9Xx]" + _NOT_BEFORE_DIGIT
    )),
    ("id", re.compile(_NOT_AFTER_DIGIT + r"[0-9]{15}" + _NOT_BEFORE_DIGIT)),
    ("mobile", re.compile(
        _NOT_AFTER_DIGIT
        + r"(?P<prefix>(?:\+|00)?86[- ]?)?"
        + r"1[3-9][0-9]([- ]?)[0-9]{4}\2[0-9]{4}"
        + _NOT_BEFORE_DIGIT
    )),
    ("bankcard", re.compile(_NOT_AFTER_DIGIT + r"[0-9]{16,19}" + _NOT_BEFORE_DIGIT)),
    ("bankcard", re.compile(
        _NOT_IN_GROUPS + r"[0-9]{4}([- ])[0-9]{4}(?:\1[0-9]{4}){2}(?:\1[0-9]{1,3})?"
        + _NOT_BEFORE_GROUP
    )),
)


# Every pattern above holds eleven digits, at most one separator between two:
# text without such a run has nothing to find (most text, checked at once).
# Matched on the text as typed (full-width forms included), because
# translating every page to half-width first cost more than the whole scan.
_CANDIDATE = re.compile(r"[0-9０-９](?:[- －\u3000]?[0-9０-９]){10}")


def may_hold_pii(text):
    return _CANDIDATE.search(text) is not None


@dataclass(frozen=True)
class Hit:
    kind: str  # "id" | "mobile" | "bankcard"
    text: str  # as written, separators and prefix included
    start: int
    end: int
    masked: str

    @property
    def digits(self):
        """The number without separators, ASCII, check letter upper-case."""
        return _digits(self.text)

    @property
    def number(self):
        """The number without a country prefix: what PII_ALLOW is compared to."""
        digits = self.digits
        return digits[-11:] if self.kind == "mobile" else digits


def _digits(text):
    plain = text.translate(_HALF_WIDTH).upper()
    return "".join(c for c in plain if c in "0123456789X")


def id_check_digit(first17):
    """The GB 11643 check character ('0'–'9' or 'X') for 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("need exactly 17 digits")
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS))
    return ID_CHECK_CHARS[total % 11]


def _real_birth_date(yyyymmdd, today):
    try:
        born = datetime.datetime.strptime(yyyymmdd, "%Y%m%d").date()
    except ValueError:
        return False
    return EARLIEST_BIRTH <= born <= today


def is_valid_resident_id(s, today=None):
    """True for an 18-digit GB 11643-1999 number or a legacy 15-digit one."""
    today = today or datetime.date.today()
    s = s.upper()
    if len(s) == 18 and s[:17].isascii() and s[:17].isdigit():
        return s[17] == id_check_digit(s[:17]) and _real_birth_date(s[6:14], today)
    if len(s) == 15 and s.isascii() and s.isdigit():
        # Legacy numbers were issued to people born in the 1900s.
        return s[:2] in PROVINCES and _real_birth_date("19" + s[6:12], today)
    return False


def luhn_valid(digits):
    """The Luhn (ISO/IEC 7812) check used by bank cards; spaces and hyphens ignored."""
    digits = digits.replace(" ", "").replace("-", "")
    if not digits or not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _mask_digits(text, keep):
    """Replace digits with '*' except those whose digit index ``keep`` accepts."""
    count = len(_digits(text))
    out, index = [], 0
    for c in text:
        if _digits(c):
            out.append(c if keep(index, count) else "*")
            index += 1
        else:
            out.append(c)
    return "".join(out)


def _mask(kind, text, prefix_digits=0):
    if kind == "id":
        # First 6 (the area) and the tail stay; the birth date never shows.
        tail = 4 if len(_digits(text)) == 18 else 3
        return _mask_digits(text, lambda i, n: i < 6 or i >= n - tail)
    if kind == "mobile":
        return _mask_digits(text, lambda i, n: i < prefix_digits + 3 or i >= n - 4)
    return _mask_digits(text, lambda i, n: i >= n - 4)


def _valid(kind, match):
    digits = _digits(match.group())
    if kind == "id":
        return is_valid_resident_id(digits)
    if kind == "bankcard":
        return luhn_valid(digits)
    return True


def find_pii(text):
    """Every personal number in ``text``, in order of position, without overlaps."""
    if not may_hold_pii(text):
        return []
    plain = text.translate(_HALF_WIDTH)
    candidates = []
    for priority, (kind, pattern) in enumerate(_PATTERNS):
        for m in pattern.finditer(plain):
            if _valid(kind, m):
                candidates.append((m.start(), -(m.end() - m.start()), priority, kind, m))
    hits, taken_until = [], -1
    # Earliest, then longest, then by kind: a valid ID number is an ID, not a card.
    for start, _, _, kind, m in sorted(candidates, key=lambda c: c[:3]):
        if start < taken_until:
            continue
        written = text[m.start():m.end()]
        prefix = len(_digits(m.group("prefix") or "")) if kind == "mobile" else 0
        hits.append(Hit(kind, written, m.start(), m.end(), _mask(kind, written, prefix)))
        taken_until = m.end()
    return hits


def normalise_allow(allow):
    """PII_ALLOW entries as bare digits; a +86/0086 mobile also counts without it."""
    allowed = set()
    for entry in allow or ():
        digits = _digits(str(entry))
        allowed.add(digits)
        national = re.fullmatch(r"(?:00)?86(1[3-9][0-9]{9})", digits)
        if national:
            allowed.add(national.group(1))
    return allowed


def is_allowed(hit, allowed):
    return hit.digits in allowed or hit.number in allowed


def mask_text(text, allow=()):
    """``text`` with every personal number not in ``allow`` replaced by its masked form."""
    allowed = normalise_allow(allow)
    out, pos = [], 0
    for hit in find_pii(text):
        if is_allowed(hit, allowed):
            continue
        out.append(text[pos:hit.start])
        out.append(hit.masked)
        pos = hit.end
    out.append(text[pos:])
    return "".join(out)
