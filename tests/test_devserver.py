"""`make devserver` (plugins/devserver): rebuild on save, reload script added
only to the pages the preview serves, build errors with file and line."""

from bs4 import BeautifulSoup

from plugins.devserver.__main__ import describe, describe_exception
from plugins.devserver.server import digest, with_reload_script
from tests.conftest import DEMO_PHOTO_CACHE, ROOT, article_source, run_pelican
from tests.devserver import save

ARTICLE = "articles/lift.md"
URL = "/2026/01/lift-repair/"


def site(body="电梯维修已经完成。"):
    return {
        ARTICLE: article_source(title="电梯维修通知", slug="lift-repair", body=body),
        "articles/other.md": article_source(title="另一篇新闻", slug="other-news", date="2026-01-04 09:00"),
    }


def reload_scripts(html):
    soup = BeautifulSoup(html, "lxml")
    return [tag for tag in soup.find_all("script") if "/__linli/" in (tag.get("src") or "")]


def test_reload_script_goes_before_the_end_of_head():
    page = b"<!DOCTYPE html><html><head><title>t</title></head><body><p>x</p></body></html>"
    result = with_reload_script(page, 7).decode()
    tag = f'<script src="/__linli/reload.js" data-build="7" data-page="{digest(page)}" defer></script>'
    assert result.index(tag) < result.index("</head>")
    assert with_reload_script(b"<p>no head</p></body>", 1).decode().endswith("defer></script>\n</body>")
    assert digest(page) != digest(page.replace(b"x", b"y"))


def test_error_text_becomes_file_line_and_message(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.md").write_text("x", encoding="utf-8")
    assert describe("a.md:3: 日期: 不存在的日期") == {"file": "a.md", "line": 3, "message": "日期: 不存在的日期"}
    assert describe("a.md: 缺少标题") == {"file": "a.md", "line": None, "message": "缺少标题"}
    # Text that merely looks like a location is kept whole.
    assert describe("missing.md:3: x")["file"] is None
    assert describe("Could not process a.md") == {"file": None, "line": None, "message": "Could not process a.md"}


def test_template_syntax_error_names_template_and_line(tmp_path, monkeypatch):
    from jinja2 import Environment, FileSystemLoader, TemplateSyntaxError

    monkeypatch.chdir(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "article.html").write_text("<h1>{{ title }}</h1>\n{% if %}\n", encoding="utf-8")
    try:
        Environment(loader=FileSystemLoader(tmp_path / "templates")).get_template("article.html")
    except TemplateSyntaxError as error:
        described = describe_exception(error)
    assert described["file"] == "templates/article.html"
    assert described["line"] == 2
    assert described["message"].startswith("TemplateSyntaxError: ")


def test_edit_rebuilds_error_is_reported_and_fixing_recovers(devserver):
    server = devserver(site())
    server.wait_for(lambda s: s["build"] >= 1 and s["state"] == "ok")
    code, html = server.get(URL)
    assert code == 200
    assert "电梯维修已经完成。" in html
    assert len(reload_scripts(html)) == 1
    # The script is added on the way out: the built file itself has none.
    on_disk = (server.output / URL.strip("/") / "index.html").read_text(encoding="utf-8")
    assert reload_scripts(on_disk) == [] and "__linli" not in on_disk

    first = server.status()["build"]
    server.write(ARTICLE, article_source(title="电梯维修通知", slug="lift-repair", body="三号楼电梯明天恢复运行。"))
    status = server.wait_for(lambda s: s["build"] > first and s["state"] == "ok")
    html = server.get(URL)[1]
    assert "三号楼电梯明天恢复运行。" in html
    assert reload_scripts(html)[0]["data-build"] == str(status["reload"])

    broken = article_source(title="电梯维修通知", slug="lift-repair", date="2026-02-30 10:00", body="坏日期。")
    server.write(ARTICLE, broken)
    status = server.wait_for(lambda s: s["state"] == "failed")
    located = [e for e in status["errors"] if e["file"] and e["file"].endswith("lift.md")]
    assert located, status
    assert located[0]["line"] == 2  # the date line
    assert "2026-02-30" in located[0]["message"]
    assert located[0]["message"] in server.log  # the message the terminal shows
    # The last good build is still served, with the script that shows the errors.
    html = server.get(URL)[1]
    assert "三号楼电梯明天恢复运行。" in html and reload_scripts(html)

    good = server.status()["build"]
    server.write(ARTICLE, article_source(title="电梯维修通知", slug="lift-repair", body="修好了。"))
    server.wait_for(lambda s: s["build"] > good and s["state"] == "ok" and s["errors"] == [])
    assert "修好了。" in server.get(URL)[1]


def test_a_broken_settings_file_is_shown_and_a_fix_restarts_the_preview(devserver, tmp_path):
    settings = tmp_path / "conf.py"
    good = (ROOT / "pelicanconf.py").read_text(encoding="utf-8")
    settings.write_text(good, encoding="utf-8")
    server = devserver(site(), settings_file=settings, THEME=str(ROOT / "theme"))
    first = server.wait_for(lambda s: s["build"] >= 1 and s["state"] == "ok")["build"]

    save(settings, good + 'SITENAME = "青禾社区\n')
    status = server.wait_for(lambda s: s["state"] == "failed")
    assert status["errors"][0]["file"].endswith("conf.py")
    assert status["errors"][0]["line"] == good.count("\n") + 1
    assert "SyntaxError" in status["errors"][0]["message"]

    save(settings, good.replace('SITENAME = "青禾社区"', 'SITENAME = "禾苑社区"'))
    server.wait_for(lambda s: s["build"] > first and s["state"] == "ok")
    assert "禾苑社区" in server.get(URL)[1]  # restarted with the new settings


def test_preview_files_and_missing_pages(devserver):
    server = devserver(site())
    server.wait_for(lambda s: s["build"] >= 1)
    code, script = server.get("/__linli/reload.js")
    assert code == 200 and "location.reload" in script
    assert server.get("/__linli/reload.css")[0] == 200
    code, html = server.get("/no/such/page/")
    assert code == 404 and reload_scripts(html)  # a page being written reloads when it exists


def test_a_rebuild_frees_the_previous_builds_pages():
    """Pelican's memoised get_content would keep every build's articles alive
    in the devserver's long-lived process."""
    import gc
    import weakref

    from pelican.contents import Article

    from plugins.devserver.__main__ import forget_previous_build

    article = Article("<p>正文</p>", metadata={"title": "t"})
    assert article.get_content("") == "<p>正文</p>"
    alive = weakref.ref(article)
    forget_previous_build()
    del article
    gc.collect()
    # Only this article is asked about: other tests in the same worker may
    # hold pieces of their own builds.
    assert alive() is None


def test_the_search_index_catches_up_after_the_page_is_shown(devserver):
    """The preview shows the edited page first and brings Pagefind's index up
    to date in the background (SEARCH_INDEX_LATER); `make html` never does."""
    import time

    server = devserver(site())
    server.wait_for(lambda s: s["build"] >= 1 and s["state"] == "ok")
    entry = server.output / "pagefind" / "pagefind-entry.json"
    before = entry.read_bytes()
    first = server.status()["build"]
    server.write(ARTICLE, article_source(title="电梯维修通知", slug="lift-repair", body="新增的搜索词：翡翠湖畔。"))
    server.wait_for(lambda s: s["build"] > first and s["state"] == "ok")
    assert "翡翠湖畔" in server.get(URL)[1]
    deadline = time.monotonic() + 120
    while entry.read_bytes() == before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert entry.read_bytes() != before, server.log
    assert "搜索索引在后台更新" in server.log


# --- the edited page first (plugins/devserver/fast.py) --------------------------

DEMO_PIECES = [
    # (source, how the body changes): photos in the body, an album, a cover,
    # a first paragraph that is also the summary (share card, listings), pages.
    ("articles/news/2024-03-22-spring-cleanup-volunteers.md", "append"),
    ("articles/news/2026-09-28-mid-autumn-neighbours.md", "append"),
    ("articles/news/2025-04-10-waste-sorting-points.md", "append"),
    ("articles/news/2024-08-16-summer-care-class.md", "first paragraph"),
    ("pages/about.md", "append"),
    ("pages/guide.md", "first paragraph"),
    # A link made relative to the page's own address (one level deep here,
    # three for an article).
    ("pages/contact.md", "link"),
]


def edited_body(text, how, number):
    header, body = text.split("\n\n", 1)
    if how == "append":
        return f"{header}\n\n{body.rstrip()}\n\n预览先行测试第 {number} 段：新加的一段。\n"
    if how == "link":
        link = "[春季环境整治]({filename}/articles/news/2024-03-22-spring-cleanup-volunteers.md)"
        return f"{header}\n\n{body.rstrip()}\n\n预览先行测试第 {number} 段：见{link}。\n"
    return f"{header}\n\n预览先行测试第 {number} 次：改写后的第一段。{body}"


def test_the_edited_page_first_is_the_page_the_build_then_writes(devserver, tmp_path):
    """Every fast page, on the demo's real templates, photos, albums and
    summaries, is byte for byte the page the normal build writes after it;
    that build reloads no page (its text is unchanged)."""
    from plugins.devserver.server import digest

    server = devserver(ROOT / "content", PHOTO_CACHE=str(DEMO_PHOTO_CACHE))  # the demo's photos, made once
    status = server.wait_for(lambda s: s["build"] >= 1 and s["state"] == "ok", timeout=600)
    for number, (source, how) in enumerate(DEMO_PIECES, 1):
        before = server.status()
        path = server.content / source
        save(path, edited_body(path.read_text(encoding="utf-8"), how, number))
        status = server.wait_for(lambda s: s["build"] > before["build"] and s["state"] in ("ok", "failed"), timeout=600)
        assert status["state"] == "ok", status
        assert status["fast"] > before["fast"], f"{source} went the normal way\n{server.log}"
        assert status["reload"] == before["reload"]  # no page reloads only because a build finished
        shown = status["fast_page"]
        written = (server.output / shown["name"]).read_bytes()
        assert f"第 {number} " in written.decode("utf-8")
        assert shown["digest"] == digest(written), f"{source}: the fast page differs from the built page"


def test_a_header_change_goes_the_normal_way(devserver):
    server = devserver({ARTICLE: article_source(title="电梯维修通知", slug="lift-repair", summary="旧的摘要。",
                                                body="电梯维修已经完成。")})
    before = server.wait_for(lambda s: s["build"] >= 1 and s["state"] == "ok")
    before_html = server.get(URL)[1]
    assert "旧的摘要。" in server.get("/")[1]
    server.write(ARTICLE, article_source(title="电梯维修完成的通知", slug="lift-repair", summary="旧的摘要。",
                                         body="电梯维修已经完成。"))
    status = server.wait_for(lambda s: s["build"] > before["build"] and s["state"] == "ok")
    assert status["fast"] == before["fast"]
    html = server.get(URL)[1]
    assert "电梯维修完成的通知" in html
    # Open pages whose text changed reload (this one, the listings …).
    assert reload_scripts(html)[0]["data-page"] != reload_scripts(before_html)[0]["data-page"]

    # A header line removed is a header change too (the summary goes back
    # to the first paragraph), whatever the body does.
    before = status
    server.write(ARTICLE, article_source(title="电梯维修完成的通知", slug="lift-repair", body="电梯今天恢复运行。"))
    status = server.wait_for(lambda s: s["build"] > before["build"] and s["state"] == "ok")
    assert status["fast"] == before["fast"]
    assert "旧的摘要。" not in server.get("/")[1]


def test_personal_data_saved_into_a_body_is_reported_not_shown(devserver):
    """The personal-data check runs on every save (not only on the first
    build of the process), and the fast path never shows what it refuses."""
    server = devserver(site(), PII_POLICY="fail")
    before = server.wait_for(lambda s: s["build"] >= 1 and s["state"] == "ok")
    server.write(ARTICLE, article_source(title="电梯维修通知", slug="lift-repair", body="联系人手机 13912345678。"))
    status = server.wait_for(lambda s: s["state"] == "failed")
    assert status["fast"] == before["fast"]
    assert any("手机号" in error["message"] for error in status["errors"]), status
    assert "13912345678" not in server.get(URL)[1]


def test_quick_saves_end_in_the_same_site_as_a_clean_build(devserver, tmp_path):
    """Saves in quick succession (each may stop the build the one before it
    started) leave output/ as a clean build of the same files makes it."""
    server = devserver(site())
    server.wait_for(lambda s: s["build"] >= 1 and s["state"] == "ok")
    for number in range(1, 5):
        before = server.status()
        server.write(ARTICLE, article_source(title="电梯维修通知", slug="lift-repair", body=f"第 {number} 次修改。"))
        server.wait_for(lambda s: s["fast"] > before["fast"])
        assert f"第 {number} 次修改。" in server.get(URL)[1]
    written = server.output / URL.strip("/") / "index.html"
    server.wait_for(lambda s: s["state"] == "ok" and "第 4 次修改。" in written.read_text(encoding="utf-8"))
    clean = run_pelican(server.content, tmp_path / "clean", cache=tmp_path / "clean-cache")
    assert clean.result.returncode == 0, clean.result.stderr
    for name in ("sitemap.xml", "index.html", URL.strip("/") + "/index.html", "feeds/all.atom.xml"):
        assert (server.output / name).read_bytes() == (tmp_path / "clean" / name).read_bytes(), name


def test_an_editors_temporary_files_are_no_reason_to_build(tmp_path):
    from plugins.devserver.__main__ import Preview

    article, page = tmp_path / "lift.md", tmp_path / "about.md"
    for path in (article, page):
        path.write_text("x", encoding="utf-8")
    preview = Preview.__new__(Preview)  # only what classify() reads
    preview.sources = frozenset({str(article), str(page)})
    saved = [(2, str(tmp_path / ".lift.md.saving")), (1, str(article)), (1, str(tmp_path / "4913")),
             (1, str(tmp_path / "lift.md~")), (2, str(tmp_path / ".#lift.md"))]
    assert preview.classify(saved) == ({str(article)}, False)
    assert preview.classify(saved[:1]) == (set(), False)
    # A new file, a photo, a deleted article: the normal build.
    (tmp_path / "new.md").write_text("x", encoding="utf-8")
    assert preview.classify([(1, str(tmp_path / "new.md")), (1, str(page))]) == ({str(page)}, True)
    page.unlink()
    assert preview.classify([(3, str(page))]) == (set(), True)


def test_the_build_waits_only_for_a_browser_that_shows_the_page():
    from plugins.devserver.server import BuildStatus

    status = BuildStatus()
    status.show_pages({"a/index.html": b"<p>a</p>"})
    assert status.wait_until_loaded("a/index.html", 0.01) is False  # nobody has it open
    status.asked("a/index.html", loaded=False)  # an open page polls …
    status.show_pages({"a/index.html": b"<p>b</p>"})
    status.asked("a/index.html", loaded=True)  # … reloads and asks again
    assert status.wait_until_loaded("a/index.html", 5) is True
