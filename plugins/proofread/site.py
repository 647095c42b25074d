"""The freshness report, as a site inspection sees the site (国办秘函〔2019〕
19号: a home page or column not updated for two weeks, empty columns): the
home page, each column and the notice board against their limits, columns
and tag pages with nothing in them, a notice board with nothing in force.

A pure function of the published pieces, the settings and BUILD_DATE, so
two builds of the same content on the same day say the same.
"""

import os
from dataclasses import dataclass

from ..common import build_date, line_of, relative_path

SITE = "站点 / site"
HOME = "首页"
BOARD = "通知公告"
IN_FORCE_STATES = ("in-force", "soon")


@dataclass(frozen=True)
class SiteFinding:
    rule: str  # stale | empty | nothing-in-force
    where: str  # SITE, or the settings file
    line: int | None
    problem: str
    fix: str
    english: str


def _limit(name, days, limits):
    value = limits.get(name, days) if isinstance(limits, dict) else days
    try:
        return int(value) if value else 0
    except (TypeError, ValueError):
        return days


def _pairs(value):
    """(taxon, pieces) pairs: Pelican keeps categories and tags as a dict
    while it builds them and as a list of pairs after."""
    if isinstance(value, dict):
        return list(value.items())
    return list(value or [])


def _newest(pieces):
    return max(pieces, key=lambda piece: (piece.date, piece.source_path or "")) if pieces else None


def _stale(label, english, pieces, today, limit):
    newest = _newest(pieces)
    if newest is None or not limit:
        return None
    day = newest.date.date()
    days = (today - day).days
    if days <= limit:
        return None
    where = relative_path(newest.source_path) if newest.source_path else ""
    return SiteFinding(
        "stale", SITE, None,
        f"{label}已 {days} 天未更新（最近 {day}{'，' + where if where else ''}），超过 {limit} 天",
        "发布新稿件；更新本来就少的栏目可在 FRESHNESS_LIMITS 里放宽期限",
        f"{english} not updated for {days} days (latest {day}), limit {limit} days",
    )


def site_findings(generators, settings, days, limits):
    """Every SiteFinding of the built site, in a fixed order."""
    today = build_date(settings)
    articles, categories, tags, notices = [], {}, {}, None
    for generator in generators:
        if hasattr(generator, "categories") and hasattr(generator, "articles"):
            articles += list(generator.articles)
            categories.update({category.name: list(items) for category, items in _pairs(generator.categories)})
            tags.update({tag.name: list(items) for tag, items in _pairs(getattr(generator, "tags", None))})
        if getattr(generator, "notices", None) is not None:
            notices = list(generator.notices)
    found = []
    home = _stale(HOME, "home page", articles + (notices or []), today, _limit(HOME, days, limits))
    if home is not None:
        found.append(SiteFinding(
            home.rule, home.where, home.line, home.problem.replace("未更新", "没有新内容"),
            "发布新稿件或通知：首页两周不更新，检查时按不合格处理", home.english,
        ))
    configured = [name for name in settings.get("COLUMNS", []) or [] if isinstance(name, str)]
    order = {name: index for index, name in enumerate(configured)}
    settings_file = "pelicanconf.py" if os.path.isfile("pelicanconf.py") else None
    for name in sorted(set(categories) | set(configured), key=lambda n: (order.get(n, len(order)), n)):
        pieces = categories.get(name, [])
        if not pieces:
            line = line_of(settings_file, "COLUMNS") if settings_file else None
            found.append(SiteFinding(
                "empty", settings_file or SITE, line,
                f"栏目“{name}”写在 COLUMNS 里，但没有已发布的稿件（空栏目）",
                "发布稿件，或从 COLUMNS 里删掉它",
                f"column {name!r} is in COLUMNS but has no published piece (an empty column)",
            ))
            continue
        stale = _stale(f"栏目“{name}”", f"column {name!r}", pieces, today, _limit(name, days, limits))
        if stale is not None:
            found.append(stale)
    for name in sorted(name for name, items in tags.items() if not items):
        found.append(SiteFinding(
            "empty", SITE, None, f"标签“{name}”的页面没有稿件（空页面）", "检查这个标签的稿件是否都未发布",
            f"tag page {name!r} lists nothing",
        ))
    if notices is not None:
        if not notices:
            found.append(SiteFinding(
                "empty", SITE, None, f"{BOARD}栏为空", "发布通知、公告或公示", "the notice board is empty",
            ))
        else:
            stale = _stale(BOARD, "notice board", notices, today, _limit(BOARD, days, limits))
            if stale is not None:
                found.append(stale)
            in_force = [
                n for n in notices
                if getattr(n, "is_current", False) and getattr(getattr(n, "state", None), "key", None) in IN_FORCE_STATES
            ]
            if not in_force:
                found.append(SiteFinding(
                    "nothing-in-force", SITE, None,
                    f"{BOARD}栏没有正在生效的通知（都已截止、未生效或已废止）",
                    "发布新的通知，或检查截止日期是否写错",
                    "nothing on the notice board is in force (all ended, upcoming or withdrawn)",
                ))
    return found
