"""`make devserver` (plugins/devserver): rebuild on save, reload script added
only to the pages the preview serves, build errors with file and line."""

from bs4 import BeautifulSoup

from plugins.devserver.__main__ import describe, describe_exception
from plugins.devserver.server import digest, with_reload_script
from tests.conftest import ROOT, article_source
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
