"""Hold back what must not be published yet: future-dated pieces (against
BUILD_DATE) and, with REVIEW_REQUIRED, pieces without all three sign-offs.
They are moved to the generator's draft list, which is never written."""

from ..common import build_date, report_warning, setting
from .people import missing_signoffs

DEFAULTS = {"REVIEW_REQUIRED": False}


def unpublishable_reason(content, settings, review=True):
    date = getattr(content, "date", None)
    if date is not None and date.date() > build_date(settings):
        return f"日期 {date:%Y-%m-%d} 晚于构建日期，暂不发布 / dated in the future: held back"
    if review and setting(settings, "REVIEW_REQUIRED", DEFAULTS):
        missing = missing_signoffs(content)
        if missing:
            labels = "、".join(missing)
            return f"未完成三审（缺少 {labels}），不予发布 / not published: review sign-off missing ({labels})"
    return None


def hold_back_unpublishable(generator, listed, hidden, drafts, review=True):
    held = getattr(generator, drafts)
    for attribute in (listed, hidden):
        kept = []
        for content in getattr(generator, attribute):
            reason = unpublishable_reason(content, generator.settings, review)
            if reason:
                report_warning(content.source_path, None, reason)
                content.status = "draft"
                held.append(content)
            else:
                kept.append(content)
        setattr(generator, attribute, kept)
    # Pages have already put their lists in the shared context.
    generator._update_context((listed, hidden, drafts))
