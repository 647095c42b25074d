"""Quick rebuilds (plugins/incremental/quick.py): a build whose only changes
are the bodies of articles or pages reads just those files and renders just
the pages that show them. Its output must equal a clean build byte for byte
(``Site.check`` compares every file), and anything else — a header, a
notice, a photo, a new file, a changed BUILD_DATE, a warning, an output
folder touched by hand — must be a normal build."""

import os
import pickle
import re

import pytest

from tests.conftest import ROOT
from tests.test_incremental import Site, photo_bytes, rendered_count

QUICK = "快速重建"


def quick(result):
    return any(line.startswith(QUICK) for line in result.stderr.splitlines())


@pytest.fixture
def site(tmp_path, tmp_path_factory):
    site = Site(tmp_path / "site", tmp_path_factory.getbasetemp() / "photo-cache")
    # The icon every page links to: a build shown in full (not -q) then has no warning.
    site.write("extra/favicon.svg", (ROOT / "content" / "extra" / "favicon.svg").read_bytes())
    first = site.check()
    assert first.returncode == 0, first.stderr
    assert not quick(first)
    return site


def test_body_edits_are_quick_and_equal_a_clean_build(site):
    site.replace("articles/a5.md", "第二段。", "第二段，补充了一句。")
    result = site.check()
    assert quick(result), result.stderr
    assert 0 < rendered_count(result) < 25
    # On the snapshot the first quick rebuild left: the same piece again, then another.
    site.replace("articles/a5.md", "补充了一句", "又补充了一句")
    assert quick(site.check())
    site.replace("articles/a2.md", "第二段。", "第二段，写到[第五篇]({filename}/articles/a5.md)。")
    assert quick(site.check())
    site.replace("pages/about.md", "青禾社区位于", "青禾社区地处")
    assert quick(site.check())
    # Two files at once.
    site.replace("articles/a0.md", "第二段。", "第二段改过。")
    site.replace("articles/a6.md", "第二段。", "第二段也改过。")
    assert quick(site.check())


def test_nothing_changed_writes_nothing(site):
    output = site.base / "output"
    before = {path: path.stat().st_mtime_ns for path in output.rglob("*")}
    result = site.check()
    assert "没有变化" in result.stderr
    assert {path: path.stat().st_mtime_ns for path in output.rglob("*")} == before


@pytest.mark.parametrize("edit", [
    lambda site: site.header("articles/a3.md", "title", "改过的标题"),
    lambda site: site.replace("notices/water.md", "请居民周知。", "请各位居民周知。"),
    lambda site: site.replace("photos/fair/album.md", "猜灯谜", "居民猜灯谜"),
    lambda site: site.write("photos/fair/IMG_1.jpg", photo_bytes(21)),
    lambda site: site.replace("articles/a5.md", "第二段。", "第二段。\n\n![灯谜]({static}/photos/fair/IMG_2.jpg)"),
    lambda site: site.write("articles/a7.md", site.read("articles/a5.md").replace("story-5", "story-7")),
    lambda site: site.delete("articles/a6.md"),
    lambda site: site.settings.update(BUILD_DATE="2026-11-23"),
], ids=["header", "notice", "album", "photo", "photo-reference", "new-file", "deleted-file", "build-date"])
def test_anything_but_a_body_is_a_normal_build(site, edit):
    edit(site)
    site.replace("articles/a1.md", "第二段。", "第二段，同时改了正文。")
    assert not quick(site.check())
    # The build after it is quick again.
    site.replace("articles/a1.md", "同时改了正文", "又改了正文")
    assert quick(site.check())


def test_an_output_folder_changed_by_hand_is_built_again(site):
    page = site.base / "output" / "about" / "index.html"
    if not page.exists():
        page = next((site.base / "output").rglob("index.html"))
    page.write_text("改坏了", encoding="utf-8")
    site.replace("articles/a5.md", "第二段。", "第二段，补充了一句。")
    assert not quick(site.check())


def test_a_lost_or_broken_snapshot_is_a_normal_build(site):
    cache = site.base / "cache"
    (record,) = cache.glob("linli-build-*.pickle")  # the build record (plugins/build_record.py)
    record.write_bytes(record.read_bytes()[:1000])
    site.replace("articles/a5.md", "第二段。", "第二段，补充了一句。")
    assert not quick(site.check())
    # A head written with another build's body.
    stored = pickle.loads(record.read_bytes())
    head = pickle.loads(stored["sections"]["quick"])
    head.token = "another build"
    stored["sections"]["quick"] = pickle.dumps(head)
    record.write_bytes(pickle.dumps(stored))
    site.replace("articles/a5.md", "补充了一句", "又补充了一句")
    assert not quick(site.check())


def test_an_error_in_the_edit_fails_as_a_normal_build_does(site):
    site.settings["PII_POLICY"] = "fail"
    site.check(quiet=False)  # errors and warnings are shown from here on
    site.replace("articles/a5.md", "第二段。", "第二段。居民张某（身份证号 11010519491231002X）已申请。")
    result = site.check(quiet=False)  # both builds fail; output/ is left as it was
    assert result.returncode != 0
    assert not quick(result)
    # Reported once, by the normal build: the quick one stopped at it without a word.
    assert result.stderr.count("发现个人信息") == 1, result.stderr


def test_warnings_are_shown_by_a_normal_build(site):
    site.settings["PII_POLICY"] = "warn"
    site.check(quiet=False)  # warnings are looked for from here on
    # A warning while the edited file is read: the normal build shows it.
    site.replace("articles/a5.md", "第二段。", "第二段，联系人手机 13812345678。")
    result = site.check(quiet=False)
    assert not quick(result)
    assert result.stderr.count("发现个人信息") == 1, result.stderr  # once: the quick rebuild said nothing
    # A broken link in an edited body: the link check, which a quick rebuild
    # runs too, over the whole site, reports it.
    site.replace("articles/a6.md", "第二段。", "第二段，见[旧页面](/no-such-page/)。")
    result = site.check(quiet=False)
    assert result.stderr.count("/no-such-page/") >= 1
    assert "no such page" in result.stderr
    # Fixed: the link check reports nothing, then quick again.
    site.replace("articles/a6.md", "[旧页面](/no-such-page/)", "旧页面")
    assert "/no-such-page/" not in site.check(quiet=False).stderr
    site.replace("articles/a6.md", "旧页面", "原来的页面")
    assert quick(site.check(quiet=False))


def test_a_standing_broken_link_is_reported_by_every_quick_rebuild(site):
    site.replace("articles/a2.md", "第二段。", "第二段，见[旧页面](/no-such-page/)。")
    first = site.check(quiet=False)
    assert first.stderr.count("WARNING") == 1 and "/no-such-page/" in first.stderr, first.stderr
    assert any("/no-such-page/" in line for line in _warnings(first))
    # Another article's text: quick, and the same report as before.
    site.replace("articles/a5.md", "第二段。", "第二段，补充了一句。")
    result = site.check(quiet=False)
    assert quick(result), result.stderr
    assert _warnings(result) == _warnings(first)
    # The article holding the link, the link where it was: still quick, still reported.
    site.replace("articles/a2.md", "第 2 篇的正文。", "第 2 篇的正文，改过。")
    result = site.check(quiet=False)
    assert quick(result)
    assert _warnings(result) == _warnings(first)
    # A new broken link, or the old one fixed: the link check (a quick rebuild
    # runs it too, over the whole site) reports what changed.
    site.replace("articles/a5.md", "补充了一句", "补充了[一句](/another-missing/)")
    result = site.check(quiet=False)
    assert "/another-missing/" in result.stderr and "/no-such-page/" in result.stderr
    site.replace("articles/a2.md", "[旧页面](/no-such-page/)", "旧页面")
    site.replace("articles/a5.md", "[一句](/another-missing/)", "一句")
    result = site.check(quiet=False)
    assert "WARNING" not in result.stderr


def _warnings(result):
    """What a build logged before its summary lines, without the times."""
    shown = []
    for line in re.sub(r"\[\d\d:\d\d:\d\d\]", "", result.stderr).splitlines():
        if line.startswith(("Done:", "已发布", "重新生成", "快速重建")):
            break
        shown.append(line.strip())
    return shown


def test_a_quiet_build_does_not_vouch_for_a_loud_one(site):
    site.replace("articles/a5.md", "第二段。", "第二段，补充了一句。")
    assert not quick(site.check(quiet=False))  # the last build ran with -q: its warnings were not looked for


def test_a_production_build_with_compressed_copies_and_search_index(site):
    # What publishconf.py changes, and a search index in parts.
    site.settings.update(
        SITEURL="https://qinghe.example.org", RELATIVE_URLS=False, LINK_CHECK="fail", PII_POLICY="fail",
        ASSET_FINGERPRINT=True, PRECOMPRESS=True, SEARCH_INDEX=True, SEARCH_PART_PAGES=3,
    )
    site.check()
    site.replace("articles/a5.md", "第二段。", "第二段，补充了“灯笼”一词。")
    result = site.check()
    assert quick(result), result.stderr


def test_a_save_that_keeps_size_and_time_is_seen(site):
    """An editor's tool (or a restored backup) can save a same-length word
    change with the old modification time: the content decides, as in
    Pelican's own cache (CHECK_MODIFIED_METHOD = "sha1")."""
    path = site.content / "articles" / "a5.md"
    before = path.stat()
    site.replace("articles/a5.md", "第二段。", "第三段。")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    result = site.check()  # equal to a clean build, byte for byte
    assert "没有变化" not in result.stderr
    assert quick(result), result.stderr


def test_standing_warnings_are_repeated_word_for_word_by_quick_rebuilds(site):
    """A warning that stands from one build to the next — an article waiting
    for its day, a personal number left in under PII_POLICY=warn, a file no
    notice attaches — does not switch quick rebuilds off: a quick rebuild
    shows it again as the last build did."""
    site.settings["PII_POLICY"] = "warn"
    site.write("articles/future.md", site.read("articles/a5.md").replace("story-5", "story-future").replace(
        "2025-06-15", "2026-12-31"))
    site.replace("articles/a3.md", "第二段。", "第二段。联系人手机 13812345678。")
    site.write("notices/files/unused.pdf", b"%PDF-1.4\n%%EOF\n")
    first = site.check(quiet=False)
    shown = _warnings(first)
    assert len([line for line in shown if "WARNING" in line]) == 3, first.stderr
    site.replace("articles/a5.md", "第二段。", "第二段，补充了一句。")
    result = site.check(quiet=False)
    assert quick(result), result.stderr
    assert _warnings(result) == shown
    # The file a warning is about, edited: the normal build decides what it says now.
    site.replace("articles/a3.md", "联系人手机", "联系人的手机")
    result = site.check(quiet=False)
    assert not quick(result)
    assert sum("WARNING" in line for line in _warnings(result)) == 3
