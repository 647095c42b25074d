"""Atomic output and the duplicate-output guard."""

import hashlib

from tests.conftest import article_source, files_containing


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
    again = make_site(files, settings_file="publishconf.py", output=tmp_path / "again", fresh=True)  # another hash seed
    assert snapshot(again.root) == snapshot(first.root)


def test_compressed_copies_are_made_once_for_every_build_of_the_checkout(make_site, tmp_path):
    """PRECOMPRESS_CACHE: another site (a 街道's next community) gets the
    copies of bytes compressed before from the cache, not from Brotli again."""
    import brotli

    cache = tmp_path / "compressed"
    first = make_site({"articles/a.md": article_source(slug="a", body="正文。" * 200)}, settings_file="publishconf.py",
                      PRECOMPRESS_CACHE=str(cache))
    assert first.returncode == 0, first.log
    kept = {path.name for path in cache.rglob("*") if path.is_file()}
    stylesheet = next(first.root.glob("theme/css/*.css"))
    digest = hashlib.sha256(stylesheet.read_bytes()).hexdigest()
    assert {digest + "-9.gz", digest + "-11.br"} <= kept
    page_digest = hashlib.sha256(first.path("2026/01/a/index.html").read_bytes()).hexdigest()
    assert not any(name.startswith(page_digest) for name in kept)  # a page's copies stay with its site
    other = make_site({"articles/b.md": article_source(title="另一篇", slug="b", body="内容。" * 300)},
                      settings_file="publishconf.py", output=tmp_path / "other", PRECOMPRESS_CACHE=str(cache))
    assert other.returncode == 0, other.log
    copy = other.root / stylesheet.relative_to(first.root).with_name(stylesheet.name + ".br")
    assert copy.stat().st_ino == (cache / digest[:2] / (digest + "-11.br")).stat().st_ino  # taken, not made again
    page = other.root / "2026/01/b/index.html"
    assert brotli.decompress((other.root / "2026/01/b/index.html.br").read_bytes()) == page.read_bytes()


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


# --- {static}/{attach}/{filename} links: one file, never a folder or a source --

DRAFT_MARKER = "LEAKMARKFOLDERDRAFT"
TWO_ARTICLES = {
    "articles/public.md": article_source(title="公开文章", slug="public"),
    "articles/draft.md": article_source(
        title=f"{DRAFT_MARKER} 草稿", slug="draft", status="draft", body=f"{DRAFT_MARKER} 正文。"
    ),
}


def site_linking(body, where="articles/public.md"):
    files = dict(TWO_ARTICLES)
    if where.startswith("pages/"):
        files[where] = f"title: 社区简介\nslug: about\n\n{body}\n"
    else:
        files[where] = article_source(title="公开文章", slug="public", body=body)
    return files


def line_in(source, needle):
    return next(n for n, line in enumerate(source.splitlines(), 1) if needle in line)


def assert_refused(build, tmp_path, where, needle, words):
    """The build fails naming the file and line, and writes nothing."""
    source = (tmp_path / "content" / where).read_text(encoding="utf-8")
    assert build.returncode != 0, build.log
    assert f"{where}:{line_in(source, needle)}: " in build.log, build.log
    assert words in build.log
    assert "Traceback" not in build.log
    assert not build.root.exists() and not (tmp_path / "output.building").exists()


@pytest.mark.parametrize("link, needle", [
    ("[全部]({static}/)", "{static}/"),
    ("[文章夹]({static}/articles/)", "{static}/articles/"),
    ("[此处]({attach}.)", "{attach}."),
    ("[上级]({static}..)", "{static}.."),
    ('<a href = "{static}/">全部</a>', "{static}/"),  # Pelican accepts spaces around =
    ('<a href="&#123;static&#125;/">全部</a>', "&#123;static"),  # an entity the sanitiser decodes
])
@pytest.mark.parametrize("where", ["articles/public.md", "pages/about.md"])
def test_static_link_to_a_folder_is_an_error_and_nothing_is_copied(make_site, tmp_path, link, needle, where):
    build = make_site(site_linking(f"资料见{link}。", where))
    assert_refused(build, tmp_path, where, needle, "链接指向")
    assert "文件夹" in build.log


@pytest.mark.parametrize("target", [
    "{static}/articles/draft.md", "{static}draft.md", "{attach}draft.md",
    "{static}/pages/about.md", "{static}/notices/n.md", "{static}/photos/trip/album.md",
])
def test_static_link_to_an_editors_source_file_is_an_error(make_site, tmp_path, target):
    files = site_linking(f"[原稿]({target})")
    files["pages/about.md"] = "title: 社区简介\nslug: about\n\n简介。\n"
    files["notices/n.md"] = "标题：停水通知\n日期：2026-01-04 09:00\n类型：通知\n\n正文。\n"
    files["photos/trip/album.md"] = "title: 秋游\ndate: 2026-01-03\n\n相册。\n"
    build = make_site(files)
    assert_refused(build, tmp_path, "articles/public.md", target, "链接指向稿件源文件")
    assert "{filename}" in build.log  # tells the editor what to write instead


def test_filename_link_to_a_folder_is_an_error(make_site, tmp_path):
    build = make_site(site_linking("[全部文章]({filename}/articles/)"))
    assert_refused(build, tmp_path, "articles/public.md", "{filename}/articles/", "链接指向文件夹")


def test_links_to_single_files_still_work(make_site):
    png = bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c63f8cfc0f01f0005000201e5273ede0000000049454e44ae426082"
    )
    files = site_linking("![地图]({static}/images/map.png)\n\n[简介]({filename}/pages/about.md)")
    files["images/map.png"] = png
    files["pages/about.md"] = "title: 社区简介\nslug: about\n\n简介。\n"
    build = make_site(files)
    assert build.returncode == 0, build.log
    page = build.html("2026/01/public/")
    assert page.find("a", string="简介")["href"].endswith("about/")
    assert any(p.name == "map.png" for p in build.files())
    assert not [p for p in build.files() if p.suffix == ".md"]


def test_markdown_in_a_static_folder_is_not_published(make_site):
    files = dict(TWO_ARTICLES)
    files["extra/说明.md"] = f"{DRAFT_MARKER} 给同事的说明\n"
    build = make_site(files)
    assert build.returncode == 0, build.log
    assert "说明.md" in build.log and "不发布" in build.log
    assert files_containing(build.root, DRAFT_MARKER) == []


def test_static_folder_or_source_that_reaches_the_copy_is_dropped_with_an_error(tmp_path, caplog):
    """The last line of defence, for a link the body guard never saw (a
    plugin adding static links): folders and sources are not copied."""
    from types import SimpleNamespace

    from plugins.safety.paths import drop_static_files_outside

    content = tmp_path / "content"
    (content / "articles").mkdir(parents=True)
    (content / "articles" / "draft.md").write_text("x", encoding="utf-8")
    (content / "images").mkdir()
    (content / "images" / "a.png").write_bytes(b"png")

    def static(relative):
        return SimpleNamespace(source_path=str(content / relative), relative_source_path=relative)

    kept = static("images/a.png")
    generator = SimpleNamespace(
        settings={"PATH": str(content)},
        context={"generated_content": {"articles/draft.md": None}, "static_links": {"", "articles", "articles/draft.md"}},
        staticfiles=[static(""), static("articles"), static("articles/draft.md"), kept],
        _update_context=lambda names: None,
    )
    with caplog.at_level("ERROR", logger="linli"):
        drop_static_files_outside(generator)
    assert generator.staticfiles == [kept]
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 3
    assert sum("文件夹" in e for e in errors) == 2 and sum("源文件" in e for e in errors) == 1

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


# --- compiled templates shared by the build's environments (plugins/safety/templates.py) ---

from jinja2 import DictLoader, Environment  # noqa: E402

from plugins.safety.templates import CompiledTemplates  # noqa: E402


def _environment(store, name_of):
    environment = Environment(loader=DictLoader({"page.html": '<link href="{{ "site.css"|asset }}">{{ title }}'}),
                              bytecode_cache=store)
    environment.filters["asset"] = name_of
    return environment


def test_compiled_templates_are_shared_and_kept_whatever_the_settings():
    from jinja2 import pass_context

    from plugins.assets.fingerprint import asset_filter

    names = {}
    asset = pass_context(lambda context, name: names.get(name, name))  # as plugins/assets' filter takes it
    assert getattr(asset_filter, "jinja_pass_arg", None) == asset.jinja_pass_arg
    store = CompiledTemplates()
    store.read(None)
    first = _environment(store, asset).get_template("page.html").render(title="一")
    assert first == '<link href="site.css">一' and store.added
    store.read(None)  # the next generator of the same build
    assert _environment(store, asset).get_template("page.html").render(title="二") == first.replace("一", "二")
    assert not store.added  # not compiled again
    kept = store.stored()
    # The next build, another process, another site (hashed asset names):
    # what the record kept serves it, nothing compiled, and the names are its own.
    later = CompiledTemplates()
    later.read(kept)
    names["site.css"] = "site.3f9c0a1b2d.css"
    assert _environment(later, asset).get_template("page.html").render(title="一") == '<link href="site.3f9c0a1b2d.css">一'
    assert not later.added
    # A filter Jinja may call while compiling (no context) folds its result
    # into the code: the store keys it apart, never serving one to the other.
    plain = lambda name: name  # noqa: E731
    assert _environment(later, plain).get_template("page.html").render(title="一") == first
    assert later.added
