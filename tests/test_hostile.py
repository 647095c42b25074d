"""The hostile fixture set (tests/fixtures/hostile/): with production settings
the build fails for exactly the right files with the right messages, and
nothing forbidden reaches any output byte."""

import json
import re
import shutil
import subprocess
import sys

import pytest

from tests.conftest import BUILD_DATE, ROOT, SMALL_SITE_ALLOW, files_containing, run_pelican

HOSTILE = ROOT / "tests" / "fixtures" / "hostile"

EXPECTED_ERRORS = {
    "articles/bad-date.md": ["2", "不存在的日期"],
    "articles/no-title.md": ["1", "缺少标题"],
    "articles/escape.md": ["9", "content/ 以外"],
    "articles/folder-link.md": ["9", "整个文件夹"],
    "articles/missing-image.md": ["9", "不存在"],
    "articles/pii-id.md": ["11", "110105********002X"],
    "articles/pii-mobile.md": ["9", "138****5678"],
    "articles/pii-card.md": ["9", "***************0128"],
    "articles/dup-two.md": [None, "dup-one.md"],
}
RAW_NUMBERS = ["11010519491231002X", "13812345678", "6222021234567890128"]


@pytest.fixture(scope="module")
def check_output(tmp_path_factory):
    content = tmp_path_factory.mktemp("hostile") / "content"
    shutil.copytree(HOSTILE, content)
    result = subprocess.run(
        [sys.executable, "-m", "plugins.safety", "publishconf.py",
         f'PATH="{content}"', f'BUILD_DATE="{BUILD_DATE}"', f'CACHE_PATH="{content.parent / "cache"}"',
         f"LINK_CHECK_ALLOW={json.dumps(SMALL_SITE_ALLOW)}"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    return result, content


def error_lines(report):
    errors = {}
    for line in report.splitlines():
        match = re.match(r"^\s+(?P<path>\S+?\.md)(?::(?P<line>\d+))?: \[错误 error\] (?P<message>.*)$", line)
        if match:
            path = match["path"].split("content/", 1)[-1]
            errors.setdefault(path, []).append((match["line"], match["message"]))
    return errors


def test_check_reports_exactly_the_hostile_files(check_output):
    result, _ = check_output
    assert result.returncode == 1
    errors = error_lines(result.stdout)
    assert set(errors) == set(EXPECTED_ERRORS), result.stdout
    for path, (line, words) in EXPECTED_ERRORS.items():
        assert any((line is None or found_line == line) and words in message for found_line, message in errors[path]), (
            path, errors[path])
    assert "Traceback" not in result.stdout + result.stderr


def test_check_lists_held_back_pieces_and_never_prints_full_numbers(check_output):
    result, _ = check_output
    assert "unreviewed.md" in result.stdout and "终审" in result.stdout
    assert "future.md" in result.stdout
    for number in RAW_NUMBERS:
        assert number not in result.stdout + result.stderr


def test_production_build_fails_and_writes_nothing(check_output, tmp_path):
    _, content = check_output
    build = run_pelican(content, tmp_path / "output", "publishconf.py", cache=tmp_path / "cache")
    assert build.returncode != 0
    assert not (tmp_path / "output").exists()
    assert not (tmp_path / "output.building").exists()
    assert "Traceback" not in build.log


def test_without_the_error_files_nothing_forbidden_is_published(check_output, tmp_path):
    _, source = check_output
    content = tmp_path / "content"
    shutil.copytree(source, content)
    for path in EXPECTED_ERRORS:
        (content / path).unlink()
    (content / "articles" / "dup-one.md").unlink()
    build = run_pelican(content, tmp_path / "output", "publishconf.py", cache=tmp_path / "cache")
    assert build.returncode == 0, build.log
    for marker in ("HOSTILEMARK-UNREVIEWED", "HOSTILEMARK-DRAFT", "HOSTILEMARK-FUTURE"):
        assert files_containing(build.root, marker) == []
    # Its own page, and that page's precompressed copy: nothing else.
    assert files_containing(build.root, "HOSTILEMARK-HIDDEN") == ["2026/01/hidden/index.html", "2026/01/hidden/index.html.br", "2026/01/hidden/index.html.gz"]
    pasted = build.text("2026/01/pasted/index.html")
    assert "evil.example" not in pasted and "onclick" not in pasted and "javascript:" not in pasted
    assert "style=" not in pasted
    assert build.html("2026/01/pasted/").h1.get_text() == "从网页复制的稿件<script>alert(1)</script>"
    assert "0871-6555 0123" in build.text("2026/01/not-pii/index.html")
    assert "记事本保存的文件" in build.text("2026/01/gbk/index.html")
    assert build.html("2026/01/bom-crlf/").h1.get_text() == "带BOM和CRLF的稿件"


def test_check_reports_a_broken_photo(tmp_path):
    content = tmp_path / "content"
    (content / "articles").mkdir(parents=True)
    album = content / "photos" / "broken"
    album.mkdir(parents=True)
    (album / "album.md").write_text("标题：坏照片相册\n日期：2026-01-05\n\n- IMG_0001.JPG：空文件\n", encoding="utf-8")
    (album / "IMG_0001.JPG").write_bytes(b"")
    result = subprocess.run(
        [sys.executable, "-m", "plugins.safety", "publishconf.py",
         f'PATH="{content}"', f'BUILD_DATE="{BUILD_DATE}"', f'CACHE_PATH="{tmp_path / "cache"}"',
         f'PHOTO_CACHE="{tmp_path / "photos"}"'],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 1, result.stdout
    assert "IMG_0001.JPG" in result.stdout and "[错误 error]" in result.stdout
