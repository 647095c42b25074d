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

    import brotli

    files = {"articles/a.md": article_source(slug="a", body="正文。" * 200)}
    first = make_site(files, settings_file="publishconf.py")
    assert first.returncode == 0, first.log
    page = first.path("2026/01/a/index.html")
    packed = first.path("2026/01/a/index.html.gz")
    assert gzip.decompress(packed.read_bytes()) == page.read_bytes()
    assert brotli.decompress(first.path("2026/01/a/index.html.br").read_bytes()) == page.read_bytes()
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
         f'CACHE_PATH="{tmp_path / "cache"}"'],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "content"]
