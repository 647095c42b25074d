"""Personal-data guard: resident ID, mobile and bank card numbers in content.

Every article, page and notice is scanned in its source file, so each hit has a
real line number. ``PII_POLICY`` decides what happens: ``fail`` reports each hit
as an error (the build fails), ``mask`` publishes the masked form, ``warn`` only
reports. Messages carry the masked form, never the number itself: build logs
end up in CI pages and chat groups. Numbers in ``PII_ALLOW`` (the office
hotline) are left alone.
"""

from dataclasses import astuple

from pelican import signals
from pelican.contents import Static
from pelican.urlwrappers import URLWrapper

from ..common import ContentError, location, logger, report_error, report_warning, setting
from ..metadata.encoding import read_source
from .. import memo
from .pii import Hit, find_pii, is_allowed, mask_text, may_hold_pii, normalise_allow

DEFAULTS = {
    # Publishing a resident's number is the incident this plugin exists to
    # prevent, so a site that forgets the setting is safe rather than sorry.
    "PII_POLICY": "fail",
    "PII_ALLOW": [],
}

POLICIES = ("fail", "mask", "warn")
NUMBERS = "personal-numbers"  # the memo's name for _numbers_by_line's results

KIND_NAMES = {
    "id": ("身份证号", "resident ID number"),
    "mobile": ("手机号", "mobile number"),
    "bankcard": ("银行卡号", "bank card number"),
}

# content_object_init can fire more than once for one file in a build; report
# each file once. Reset when each build starts (Pelican asks for generators).
_reported = set()


def reset(_pelican=None):
    _reported.clear()


def _policy(settings):
    policy = str(setting(settings, "PII_POLICY", DEFAULTS)).strip().lower()
    if policy in POLICIES:
        return policy
    if "PII_POLICY" not in _reported:
        _reported.add("PII_POLICY")
        report_error(
            "PII_POLICY", None,
            f"PII_POLICY 应为 fail / mask / warn，按 fail 处理 / "
            f"PII_POLICY must be fail, mask or warn (got {policy!r}); using fail",
        )
    return "fail"


def _found(hit):
    zh, en = KIND_NAMES[hit.kind]
    return f"发现个人信息（{zh}）{hit.masked}", f"personal data ({en}) found: {hit.masked}"


def _message(hit, policy):
    zh, en = _found(hit)
    if policy == "warn":
        return f"{zh}，发布前请删除 / {en}; remove it before publishing"
    return (
        f"{zh}，请删除或改用 PII_POLICY=mask；可公开的号码加入 PII_ALLOW / "
        f"{en}; remove it or use PII_POLICY=mask; add a number meant to be public to PII_ALLOW"
    )


def _file_name_message(hit):
    zh, en = KIND_NAMES[hit.kind]
    return (
        f"文件名含个人信息（{zh}）{hit.masked}，请重命名文件 / "
        f"file name contains personal data ({en}) {hit.masked}: rename the file"
    )


def _source_hits(content, allowed):
    """``(lines, [(line_number, hit)])`` of the source file; lines are ``None``
    when there is no readable source (the metadata plugin reports bad encodings)."""
    try:
        text, _ = read_source(content.source_path)
    except (OSError, TypeError, ContentError):
        return None, []
    lines = text.split("\n")
    found = memo.remembered(NUMBERS, text, _numbers_by_line)
    hits = [(number, Hit(*fields)) for number, *fields in found]
    return lines, [(number, hit) for number, hit in hits if not is_allowed(hit, allowed)]


def _numbers_by_line(text):
    """``[[line, *Hit fields]]`` of every number in ``text`` (kept across builds)."""
    return [
        [number, *astuple(hit)]
        for number, line in enumerate(text.split("\n"), 1)
        if may_hold_pii(line)
        for hit in find_pii(line)
    ] if may_hold_pii(text) else []


def _field_texts(content):
    """The object's own text, for content that has no readable source file."""
    yield getattr(content, "title", None)
    yield getattr(content, "_content", None)
    yield getattr(content, "_summary", None)
    for value in content.metadata.values():
        yield from value if isinstance(value, (list, tuple)) else (value,)


def _attachment_hits(content, lines, allowed):
    """Hits in attachment file names, with the line that names the file."""
    names = content.metadata.get("attachments") or []
    if isinstance(names, str):
        names = [names]
    found = []
    for name in names:
        if not isinstance(name, str):
            continue
        line = next((i for i, text in enumerate(lines or [], 1) if name in text), None)
        found += [(line, hit) for hit in find_pii(name) if not is_allowed(hit, allowed)]
    return found


def _mask_value(value, allow):
    if isinstance(value, str):
        return mask_text(value, allow)
    if isinstance(value, URLWrapper):
        masked = mask_text(value.name, allow)
        if masked != value.name:
            value.name = masked  # also regenerates the tag's or column's slug
        return value
    if isinstance(value, (list, tuple)):
        return type(value)(_mask_value(item, allow) for item in value)
    return value


def _mask_content(content, allow):
    if isinstance(content._content, str):
        content._content = mask_text(content._content, allow)
    if isinstance(getattr(content, "_summary", None), str):
        content._summary = mask_text(content._summary, allow)
    for key, value in content.metadata.items():
        masked = _mask_value(value, allow)
        if key == "slug" or masked is value or masked == value:
            continue
        content.metadata[key] = masked
        attribute = "override_" + key if key in ("save_as", "url") else key.lower()
        setattr(content, attribute, masked)
    # The slug (and so the URL) was made from the unmasked title before we ran.
    # An asterisk does not belong in a URL.
    slug = getattr(content, "slug", None)
    if isinstance(slug, str) and mask_text(slug, allow) != slug:
        content.slug = mask_text(slug, allow).replace("*", "x")
        if "slug" in content.metadata:
            content.metadata["slug"] = content.slug
    # Another plugin may have rendered content or summary already; Pelican
    # memoises both per object, so drop those results.
    for name in ("get_content", "get_summary"):
        cache = getattr(getattr(type(content), name, None), "cache", None)
        if isinstance(cache, dict):
            for key in [k for k in cache if k and k[0] is content]:
                del cache[key]


def check_file_name(path, settings):
    """A published file named after a person's number leaks it in its URL:
    reported like any other hit (the gallery asks this for photo names)."""
    _check_file_name(path, _policy(settings), settings.get("PII_ALLOW", []))


def _check_static(static, policy, allow):
    _check_file_name(static.source_path, policy, allow)


def _check_file_name(path, policy, allow):
    allowed = normalise_allow(allow)
    name = str(path or "").replace("\\", "/").rsplit("/", 1)[-1]
    hits = [hit for hit in find_pii(name) if not is_allowed(hit, allowed)]
    if not hits or path in _reported:
        return
    _reported.add(path)
    report = report_warning if policy == "warn" else report_error
    for hit in hits:
        report(mask_text(str(path), allow), None, _file_name_message(hit))


def _scan(content, allowed):
    """``(hits, attachment_hits)``, each a list of ``(line, hit)``."""
    lines, hits = _source_hits(content, allowed)
    if lines is None:
        texts = dict.fromkeys(t for t in _field_texts(content) if isinstance(t, str))
        hits = [
            (None, hit)
            for text in texts
            for hit in find_pii(text) if not is_allowed(hit, allowed)
        ]
    return hits, _attachment_hits(content, lines, allowed)


def check_content(content):
    settings = content.settings
    policy = _policy(settings)
    allow = setting(settings, "PII_ALLOW", DEFAULTS) or []
    if isinstance(content, Static):
        _check_static(content, policy, allow)
        return
    allowed = normalise_allow(allow)
    path = content.source_path
    key = path or content  # content built in code has no file to key on
    first_time = key not in _reported
    if first_time:
        _reported.add(key)
        hits, attachments = _scan(content, allowed)  # before masking hides them
    if policy == "mask":
        _mask_content(content, allow)
    if not first_time:
        return
    # A file can be named after the number it should not publish.
    shown = memo.remembered("masked", path, lambda text: mask_text(text, allow)) if path else path
    if policy == "mask":
        # Masking the reference cannot rename the file that gets published.
        for line, hit in attachments:
            report_error(shown, line, _file_name_message(hit))
        if hits:
            logger.info(
                "%s: 已遮盖 %d 处个人信息 / masked %d personal numbers",
                location(shown), len(hits), len(hits),
            )
        return
    seen = {(line, hit.digits) for line, hit in hits}
    hits += [(line, hit) for line, hit in attachments if (line, hit.digits) not in seen]
    report = report_warning if policy == "warn" else report_error
    for line, hit in hits:
        report(shown, line, _message(hit, policy))


def register():
    signals.get_generators.connect(reset)  # every build, `make devserver`'s rebuilds too
    signals.content_object_init.connect(check_content)
    memo.compute_ahead(NUMBERS, "source", lambda settings: _numbers_by_line)
