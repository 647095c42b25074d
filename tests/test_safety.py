"""Atomic output and the duplicate-output guard."""

import hashlib

from tests.conftest import article_source


def snapshot(root):
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*")) if p.is_file()
    }


GOOD = {"articles/good.md": article_source(title="好文章", slug="good")}


def test_failed_build_leaves_previous_output_untouched(make_site, tmp_path):
    first = make_site(GOOD)
    assert first.returncode == 0, first.log
    before = snapshot(first.root)
    assert "2026/01/good/index.html" in before

    broken = make_site({
        "articles/second.md": article_source(title="新文章", slug="second"),
        "articles/bad.md": "标题：坏稿件\n日期：2026-13-01\n\n正文\n",
    })
    assert broken.returncode != 0
    assert "bad.md:2" in broken.log
    assert "output/ 保持原样" in broken.log or "left unchanged" in broken.log
    assert "Traceback" not in broken.log
    assert snapshot(first.root) == before
    assert not (tmp_path / "output.building").exists()


def test_successful_build_replaces_output_and_removes_stale_files(make_site, tmp_path):
    first = make_site(GOOD)
    stale = first.root / "stale.html"
    stale.write_text("old", encoding="utf-8")
    (tmp_path / "content" / "articles" / "good.md").unlink()
    second = make_site({"articles/other.md": article_source(title="另一篇", slug="other")})
    assert second.returncode == 0, second.log
    assert not stale.exists()
    assert not (second.root / "2026/01/good/index.html").exists()
    assert (second.root / "2026/01/other/index.html").exists()


def test_same_output_path_is_an_error_naming_both_files(make_site):
    build = make_site({
        "articles/one.md": article_source(title="第一篇", slug="same"),
        "articles/two.md": article_source(title="第二篇", slug="same"),
    })
    assert build.returncode != 0
    assert "one.md" in build.log and "two.md" in build.log
    assert "2026/01/same/index.html" in build.log
    assert "Traceback" not in build.log
    assert not build.root.exists()


def test_page_clashing_with_an_article_is_an_error(make_site):
    build = make_site({
        "articles/one.md": article_source(title="第一篇", slug="x", date="2026-01-05"),
        "pages/x.md": "title: 页面\nslug: 2026/01/x\n\n正文\n",
    })
    assert build.returncode != 0
    assert "one.md" in build.log and "x.md" in build.log


def test_publish_build_precompresses_reproducibly(make_site, tmp_path):
    import gzip

    files = {"articles/a.md": article_source(slug="a", body="正文。" * 200)}
    first = make_site(files, settings_file="publishconf.py")
    assert first.returncode == 0, first.log
    page = first.path("2026/01/a/index.html")
    packed = first.path("2026/01/a/index.html.gz")
    assert gzip.decompress(packed.read_bytes()) == page.read_bytes()
    again = make_site(files, settings_file="publishconf.py", output=tmp_path / "again")
    assert snapshot(again.root) == snapshot(first.root)


import pytest  # noqa: E402


@pytest.mark.parametrize("header", ["slug: albums", "slug: search", "slug: column", "save_as: index.html", "save_as: feeds/all.atom.xml", "save_as: sitemap.xml"])
def test_page_taking_a_site_page_address_is_an_error(make_site, header):
    good = make_site(GOOD)
    assert good.returncode == 0, good.log
    before = snapshot(good.root)
    build = make_site({"pages/p.md": f"标题：抢占地址\n{header}\n\n正文\n"})
    assert build.returncode != 0
    assert "p.md" in build.log and "同一文件" in build.log
    assert "Traceback" not in build.log
    assert snapshot(good.root) == before


def test_long_title_gets_a_short_generated_slug(make_site):
    title = "青禾社区党委联合禾安物业和辖区共建单位开展春季环境整治暨文明城市创建志愿服务活动" * 3
    build = make_site({"articles/long.md": article_source(title=title)})
    assert build.returncode == 0, build.log
    pages = [p for p in build.root.glob("2026/01/*/index.html")]
    assert len(pages) == 1 and len(pages[0].parent.name) <= 80


def test_javascript_link_in_original_url_is_an_error(make_site):
    build = make_site({"articles/x.md": article_source(slug="x", original_url="javascript:alert(1)")})
    assert build.returncode != 0
    assert "x.md:" in build.log and "http" in build.log


def test_check_writes_nothing_beside_output(tmp_path):
    import subprocess
    import sys

    from tests.conftest import ROOT

    content = tmp_path / "content"
    (content / "articles").mkdir(parents=True)
    (content / "articles" / "a.md").write_text(article_source(slug="a"), encoding="utf-8")
    output = tmp_path / "out"
    subprocess.run(
        [sys.executable, "-m", "plugins.safety", "publishconf.py", f'PATH="{content}"', f'OUTPUT_PATH="{output}"',
         f'CACHE_PATH="{tmp_path / "cache"}"', 'LINK_CHECK_ALLOW=["/favicon.svg", "/guide/"]'],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "content"]


# --- never a traceback: --fatal and an unknown template (issue 11) -------------------

import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

import pytest  # noqa: E402

from tests.conftest import ROOT, flat_log  # noqa: E402


def pelican_with(tmp_path, files, *flags):
    """Build ``files`` on top of a good site as CI does: plain pelican with flags."""
    content = tmp_path / "content"
    for relative, data in {**GOOD, **files}.items():
        target = content / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    (content / "pages").mkdir(exist_ok=True)
    command = [sys.executable, "-m", "pelican", str(content), "-o", str(tmp_path / "output"),
               "-s", str(ROOT / "pelicanconf.py"), *flags, "-e", 'BUILD_DATE="2026-11-20"',
               f'CACHE_PATH="{tmp_path / "cache"}"', 'LINK_CHECK_ALLOW=["/favicon.svg", "/guide/"]']
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "COLUMNS": "200"})
    return result.returncode, result.stdout + result.stderr


def previous_site(tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_text("上一次的网站", encoding="utf-8")
    return lambda: sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("output")) == ["output"] and \
        [p.name for p in output.iterdir()] == ["index.html"]


BAD_DATE = {"articles/bad.md": "标题：坏稿件\n日期：2026-13-01\n\n正文\n"}
GBK_ONLY = {"articles/gbk.md": article_source(title="记事本保存的稿件", slug="gbk").encode("gbk")}
UNKNOWN_TEMPLATE = {"articles/odd.md": article_source(title="模板写错", slug="odd", template="artcle")}


@pytest.mark.parametrize("flag", ["errors", "warnings"])
def test_fatal_flag_gives_the_message_and_exit_status_without_a_traceback(tmp_path, flag):
    untouched = previous_site(tmp_path)
    status, log = pelican_with(tmp_path, BAD_DATE, "--fatal", flag)
    assert status == 1
    assert "Traceback" not in log and "RuntimeError" not in log
    assert "bad.md:2" in log and "2026-13-01" in log
    assert untouched()


def test_fatal_warnings_fails_on_a_warning_alone(tmp_path):
    untouched = previous_site(tmp_path)
    status, log = pelican_with(tmp_path, GBK_ONLY, "--fatal", "warnings")
    assert status == 1 and "Traceback" not in log
    assert "gbk.md: 文件不是 UTF-8" in log
    assert untouched()
    status, log = pelican_with(tmp_path, GBK_ONLY, "--fatal", "errors")
    assert status == 0, log  # a warning is only a warning there


@pytest.mark.parametrize("flags", [(), ("--fatal", "errors"), ("--fatal", "warnings")])
def test_unknown_template_names_the_file_and_line(tmp_path, flags):
    untouched = previous_site(tmp_path)
    status, log = pelican_with(tmp_path, UNKNOWN_TEMPLATE, *flags)
    assert status == 1
    assert "Traceback" not in log and "PelicanTemplateNotFound" not in log
    flat = flat_log(log)
    assert "odd.md:8:" in flat and "模板“artcle”不存在，是否应为article？" in flat
    assert untouched()


def test_make_check_reports_an_unknown_template_without_a_traceback(tmp_path):
    content = tmp_path / "content"
    for relative, data in {**GOOD, **UNKNOWN_TEMPLATE}.items():
        (content / relative).parent.mkdir(parents=True, exist_ok=True)
        (content / relative).write_text(data, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "plugins.safety", "publishconf.py", f'PATH="{content}"', f'CACHE_PATH="{tmp_path / "cache"}"',
         'LINK_CHECK_ALLOW=["/favicon.svg", "/guide/"]'],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "odd.md:8: [错误 error] 模板“artcle”不存在" in result.stdout
