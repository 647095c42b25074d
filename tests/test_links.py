"""The link check (plugins/links): every internal link of the rendered site
resolves; a broken one is reported against the content file and line (or the
setting or template) that holds it, with the likely intended target."""

import pickle
import subprocess
import sys

from plugins.links.check import Site
from plugins.links.record import PageLinks, extract, page_links, source_line
from tests.conftest import ROOT, article_source, flat_log
from tests.test_notices import notice_source

NOTICE = notice_source(
    "禾丰苑停水通知", date="2026-11-01 09:00",
    body="## Fanwei\n\n禾丰苑 1 至 6 栋。",
)
# A 公示 whose period ended: its list (and the link in it) is removed.
EXPIRED_LIST = notice_source(
    "低保公示", date="2026-10-01 09:00", kind="公示", 截止日期="2026-10-10",
    body="公示如下：\n\n<!-- 公示名单 -->\n名单另见[附表](/notices/no-such-list/)。\n<!-- /公示名单 -->\n\n监督电话 12345。",
)
ARTICLE_BODY = """停水安排见[通知]({filename}/notices/2026-11-01-water-outage.md)，范围见[第一节]({filename}/notices/2026-11-01-water-outage.md#fanwei)。

旧地址：[停水通知](/notices/2026-11-01-water-outages/)。

已删除的通知：[停车](/notices/2025-01-01-parking/)。

位置：[附件](/notices/2026-11-01-water-outage/#fujian)。
"""


def planted_site(**extra):
    files = {
        "notices/2026-11-01-water-outage.md": NOTICE,
        "notices/2026-10-01-allowance.md": EXPIRED_LIST,
        "articles/a.md": article_source("社区停水提醒", slug="water-reminder", body=ARTICLE_BODY),
    }
    files.update(extra)
    return files


def reports(log):
    """The link check's reports in a build log, whitespace removed."""
    return [part for part in flat_log(log).split("WARNING") if "brokenlink" in part]


def test_planted_broken_links_name_file_line_and_likely_target(make_site):
    build = make_site(planted_site(), NAV_LINKS=[["通知公告", "notices/"], ["办事指南", "guide/"]], LINK_CHECK_ALLOW=[],
                      SHARE_IMAGE="theme/img/shares.png")
    assert build.returncode == 0, build.log  # make html warns, the site is built
    found = reports(build.log)
    assert len(found) == 6, found
    log = flat_log(build.log)
    source = "articles/a.md"  # its body starts on line 9
    assert flat_log(f"{source}:11: 链接 /notices/2026-11-01-water-outages/ 指向的页面或文件不存在") in log
    assert flat_log("是否应为 /notices/2026-11-01-water-outage/？") in log
    assert flat_log(f"{source}:13: 链接 /notices/2025-01-01-parking/ 指向的页面或文件不存在") in log
    assert flat_log(f"{source}:15: 链接 /notices/2026-11-01-water-outage/#fujian 目标页面上没有 #fujian 这个位置") in log
    # NAV_LINKS given on the command line: reported against the setting.
    assert flat_log("设置 NAV_LINKS “办事指南” → guide/：链接 guide/ 指向的页面或文件不存在") in log
    assert flat_log("设置 SHARE_IMAGE theme/img/shares.png：链接 theme/img/shares.png 指向的页面或文件不存在") in log
    assert flat_log("是否应为 /theme/img/share.png？") in log
    # This small site has no content/extra/favicon.svg: the theme's link is
    # reported once, against the template line, not once per page.
    assert flat_log("theme/templates/base.html:14: 主题模板 theme template：链接 /favicon.svg 指向的页面或文件不存在") in log
    assert "是否应为/notices/2026-11-01-water-outage/？/brokenlink/notices/2025-01-01-parking/" not in log
    # The removed 公示名单 took its link along; valid {filename} and #fragment links pass.
    assert "no-such-list" not in log
    assert "#fanwei" not in log


def test_publish_fails_on_a_broken_link_and_leaves_output_untouched(make_site, tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_text("上一次的网站", encoding="utf-8")
    build = make_site(planted_site(), settings_file="publishconf.py", output=output)
    assert build.returncode != 0
    assert flat_log("articles/a.md:13: 链接 /notices/2025-01-01-parking/") in flat_log(build.log)
    assert sorted(p.name for p in output.iterdir()) == ["index.html"]
    assert (output / "index.html").read_text(encoding="utf-8") == "上一次的网站"
    assert not (tmp_path / "output.building").exists()


def run_check(tmp_path, *settings):
    content = tmp_path / "content"
    result = subprocess.run(
        [sys.executable, "-m", "plugins.safety", "publishconf.py", f'PATH="{content}"',
         f'OUTPUT_PATH="{tmp_path / "out"}"', f'CACHE_PATH="{tmp_path / "cache"}"', 'BUILD_DATE="2026-11-20"', *settings],
        cwd=ROOT, capture_output=True, text=True,
    )
    return result


def write_files(tmp_path, files):
    for relative, text in files.items():
        target = tmp_path / "content" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    (tmp_path / "content" / "pages").mkdir(exist_ok=True)


def test_make_check_lists_every_broken_link_and_a_mistyped_filename(tmp_path):
    typo = article_source("另一篇", slug="other", date="2026-11-02 10:00",
                          body="见[通知]({filename}/notices/2026-11-01-water-outages.md)。")
    write_files(tmp_path, planted_site(**{"articles/b.md": typo}))
    result = run_check(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = [line.strip() for line in result.stdout.splitlines() if "[错误 error]" in line]
    # Four broken links and the theme's favicon (publishconf fails on them), and the typo.
    assert len(lines) == 6, result.stdout
    typos = [line for line in lines if "articles/b.md:9:" in line]
    assert len(typos) == 1 and "是否应为 {filename}/notices/2026-11-01-water-outage.md？" in typos[0]
    assert sum("articles/a.md:" in line and "broken link" in line for line in lines) == 3
    assert sum("NAV_LINKS" in line for line in lines) == 1
    assert not (tmp_path / "out").exists()


def test_paths_served_elsewhere_are_accepted(tmp_path):
    body = "历年档案见[档案室](/oa/archive/2019/)。"
    write_files(tmp_path, {"articles/a.md": article_source("档案", slug="archive-link", body=body)})
    assert "/oa/archive/2019/" in run_check(tmp_path).stdout
    result = run_check(tmp_path, 'LINK_CHECK_ALLOW=["/oa/", "favicon.svg", "guide/"]')
    assert "/oa/archive/2019/" not in result.stdout
    assert "broken link" not in result.stdout, result.stdout


def test_demo_site_has_no_broken_link(demo_site):
    assert "broken link" not in demo_site.log
    assert "引用的文件不存在" not in demo_site.log


# --- the record and the resolver (no build) ------------------------------------------


def test_record_takes_links_and_ids_and_skips_text_that_only_looks_like_a_tag():
    page = (
        '<a href="../x/#a">x</a><img src="p.jpg" srcset="p-480.webp 480w, p-960.webp 960w" alt="">'
        '<h2 id="fanwei">范围</h2><pre><code>&lt;a href="/nowhere/"&gt;</code></pre>'
        '<meta property="og:image" content="https://qinghe.example.org/theme/img/share.png">'
        '<meta name="description" content="社区新闻">'
    )
    links, ids = extract(page)
    assert links == ["../x/#a", "p.jpg", "p-480.webp", "p-960.webp", "https://qinghe.example.org/theme/img/share.png"]
    assert ids == {"fanwei"}
    feed = '<entry><link href="https://s/a/"/><content type="html">&lt;a href="/b/?x=1&amp;amp;y=2"&gt;b&lt;/a&gt;</content></entry>'
    assert extract(feed, xml=True)[0] == ["https://s/a/", "/b/?x=1&y=2"]
    assert extract("<urlset><url><loc>https://s/c/</loc></url></urlset>", xml=True)[0] == ["https://s/c/"]


def test_record_survives_being_kept_for_files_carried_over_by_an_incremental_build():
    entry = page_links('<a href="/old/">旧</a><a href="../">上</a><p id="p1"></p>', "content/a.md",
                       "标题：a\n\n见[旧](/old/)。\n", "article.html")
    assert entry.links == (("/old/", 3), ("../", None))
    assert PageLinks.from_plain(pickle.loads(pickle.dumps(entry.plain()))) == entry


def test_source_line_finds_the_link_as_written_not_inside_another():
    text = "a\n见 /notices/x/y/ 说明\n[通知](/notices/x/)\n"
    assert source_line(text, "/notices/x/") == 3
    assert source_line(text, "/notices/z/") is None


def test_site_paths_under_a_sub_path_and_the_public_address(tmp_path):
    (tmp_path / "notices" / "a").mkdir(parents=True)
    (tmp_path / "notices" / "a" / "index.html").write_text("", encoding="utf-8")
    site = Site(str(tmp_path), {"SITEURL": "https://example.org/qinghe", "CANONICAL_SITEURL": "https://example.org/qinghe"})
    assert site.site_path("x/index.html", "https://example.org/qinghe/notices/a/") == ("notices/a/", None)
    assert site.site_path("x/index.html", "/qinghe/notices/a/#t") == ("notices/a/", "t")
    assert site.site_path("x/index.html", "/notices/a/") == ("/notices/a/", None)  # above the sub-path
    assert site.site_path("x/index.html", "https://other.example/") is None
    assert site.site_path("x/index.html", "mailto:a@b") is None
    assert site.file_for("notices/a/") == "notices/a/index.html"
    assert site.file_for("notices/a") == "notices/a/index.html"
    assert site.file_for("notices/b/") is None


def test_a_page_carried_over_unchanged_is_still_checked_and_named(make_site, tmp_path):
    """An incremental rebuild carries the article's page over unchanged; the
    notice it links to by address is deleted: the link is still reported
    against the article's file and line."""
    article = article_source("停水提醒", slug="reminder", body="详见[停水通知](/notices/2026-11-01-water-outage/)。")
    files = {"notices/2026-11-01-water-outage.md": NOTICE, "articles/a.md": article}
    first = make_site(files)
    assert first.returncode == 0 and not reports(first.log), first.log
    page = first.path("2026/01/reminder/index.html")
    inode = page.stat().st_ino
    (tmp_path / "content" / "notices" / "2026-11-01-water-outage.md").unlink()
    second = make_site({"articles/a.md": article})
    assert second.returncode == 0, second.log
    assert page.stat().st_ino == inode  # carried over (linked), not rendered again
    assert flat_log("articles/a.md:9: 链接 /notices/2026-11-01-water-outage/ 指向的页面或文件不存在") in flat_log(second.log)


def test_a_hidden_article_links_no_tag_page_that_is_never_written(make_site):
    """A hidden (unlisted) article is left out of every listing, tag pages
    included: a tag only it carries has no page, so its page must not link
    one (a production build fails on the site's own broken link)."""
    build = make_site({
        "articles/hidden.md": article_source(
            "内部通报", slug="internal", status="hidden", tags="仅内部、垃圾分类", category="内部事务",
        ),
        "articles/listed.md": article_source("垃圾分类宣传", slug="sorting", tags="垃圾分类"),
    }, LINK_CHECK="fail")
    assert build.returncode == 0, build.log
    page = build.html("internal/") if build.path("internal/index.html").exists() else build.html(
        next(str(p.relative_to(build.root)) for p in build.root.rglob("internal/index.html")))
    tags = page.select_one("p.tags")
    assert "仅内部" in tags.get_text() and "垃圾分类" in tags.get_text()
    hrefs = [a["href"] for a in tags.find_all("a")]
    assert len(hrefs) == 1 and "tag/" in hrefs[0]  # the tag a listed article carries keeps its page
    assert not any(p.match("tag/*仅内部*") or "仅内部" in str(p) for p in build.files())
    crumbs = page.select("nav.breadcrumb li")
    assert [li.get_text(strip=True) for li in crumbs] == ["首页", "内部事务", "正文"]
    assert crumbs[1].find("a") is None and crumbs[2]["aria-current"] == "page"


def test_a_summary_link_to_another_file_is_absolute_in_the_feeds(make_site):
    """Feeds are read off-site: a {filename} link in a summary must carry the
    public address even in a preview build with relative URLs."""
    build = make_site({
        "pages/about.md": "标题：社区简介\nslug: about\n\n青禾社区位于望川街道。\n",
        "articles/a.md": article_source(
            "社区简介更新", slug="about-updated", summary="详见[社区简介]({filename}/pages/about.md)。",
        ),
    })
    assert build.returncode == 0, build.log
    assert "WARNING" not in build.log, build.log
    from bs4 import BeautifulSoup

    feed = BeautifulSoup(build.text("feeds/all.atom.xml"), "xml")
    summaries = [BeautifulSoup(entry.summary.get_text(), "lxml") for entry in feed.find_all("entry")]
    links = [a["href"] for summary in summaries for a in summary.find_all("a")]
    assert links == ["https://qinghe.example.org/about/"], links
