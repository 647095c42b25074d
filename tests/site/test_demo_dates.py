"""The demo site publishes on every day its content spans: each day a piece
appears, a notice takes effect or ends (and the day after), checked by
`make check` with the production rules (review, personal data, links)."""

import datetime
import re

import pytest

from tests.conftest import ROOT, run_module, run_pelican

_DATE_LINE = re.compile(r"^(?:日期|发布时间|date|生效日期|effective|截止日期|expires)\s*[:：]\s*(\d{4}-\d{2}-\d{2})", re.M)
_ENDS = re.compile(r"^(?:截止日期|expires)\s*[:：]\s*(\d{4}-\d{2}-\d{2})", re.M)


def demo_days():
    days = set()
    for path in (ROOT / "content").rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        days.update(datetime.date.fromisoformat(day) for day in _DATE_LINE.findall(text))
        # The day after a deadline the notice moves to the archive.
        days.update(datetime.date.fromisoformat(day) + datetime.timedelta(days=1) for day in _ENDS.findall(text))
    return sorted(day.isoformat() for day in days)


@pytest.mark.parametrize("day", demo_days())
def test_demo_passes_the_production_check_on(day, tmp_path_factory):
    cache = tmp_path_factory.getbasetemp() / "demo-dates-cache"
    result = run_module("plugins.safety", "publishconf.py", f'BUILD_DATE="{day}"', f'CACHE_PATH="{cache}"')
    assert result.returncode == 0, result.stdout + result.stderr
    assert "检查完成：0 个错误" in result.stdout


def test_demo_builds_while_the_2026_dog_rules_are_scheduled(tmp_path):
    """Issue 11's reproduction: the 2024 rules name their 2026 replacement."""
    build = run_pelican(ROOT / "content", tmp_path / "output", cache=tmp_path / "cache", BUILD_DATE="2024-07-15")
    assert build.returncode == 0, build.log
    old = build.html("notices/2024-05-10-dog-rules-2024/")
    assert old.select_one(".notice-withdrawn") is None
    assert "已废止" not in old.select_one(".notice-head-badges").get_text()
    assert not build.path("notices/2026-09-01-dog-rules-2026").exists()
