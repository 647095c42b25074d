"""Whole-site tests on the built demo (BUILD_DATE fixed in conftest)."""

import collections
import hashlib

from pelican.utils import slugify

from tests.site.helpers import CANONICAL, SETTINGS, demo_articles, links_on, listed_article_urls, resolve


def test_every_article_page_shows_its_byline_and_signoffs(demo_site):
    articles = demo_articles()
    assert len(articles) >= 12
    for meta in articles:
        soup = demo_site.html(meta["url"])
        assert soup.select_one("article h1").get_text(strip=True) == meta["title"]
        assert soup.select_one(".article-meta time").get_text() == f"{meta['date']:%Y-%m-%d %H:%M}"
        assert meta["source"] in soup.select_one(".article-meta").get_text()
        byline = soup.select_one(".byline").get_text(" ")
        for name in meta["reporters"] + meta["correspondents"]:
            assert name in byline, (meta["url"], name)
        signoffs = {
            row.dt.get_text(): row.dd.get_text() for row in soup.select(".signoffs div")
        }
        assert signoffs == {"责任编辑": meta["editor"], "审核": meta["reviewer"], "终审": meta["approver"]}
        crumbs = [li.get_text(strip=True) for li in soup.select(".breadcrumb li")]
        assert crumbs == ["首页", meta["category"].name, "正文"]
        disclaimer = soup.select_one(".article-disclaimer").get_text()
        assert f"{CANONICAL}/{meta['url']}" in disclaimer


def test_article_page_meta_tags(demo_site):
    meta = demo_articles()[0]
    soup = demo_site.html(meta["url"])
    tags = {m["name"]: m["content"] for m in soup.find_all("meta", attrs={"name": True})}
    assert tags["ArticleTitle"] == meta["title"]
    assert tags["ColumnName"] == meta["category"].name
    assert tags["PubDate"] == f"{meta['date']:%Y-%m-%d %H:%M}"
    assert tags["Url"] == f"{CANONICAL}/{meta['url']}"
    assert soup.html["lang"] == "zh-CN"


def test_index_lists_every_article_newest_first(demo_site):
    articles = sorted(demo_articles(), key=lambda m: m["date"], reverse=True)
    assert listed_article_urls(demo_site, "") == [m["url"] for m in articles]
    first_page = demo_site.html("").select(".article-list .article-item")
    assert len(first_page) == SETTINGS["DEFAULT_PAGINATION"]


def test_column_pages_list_exactly_their_articles(demo_site):
    by_column = collections.defaultdict(list)
    for meta in demo_articles():
        by_column[meta["category"].name].append(meta)
    assert len(by_column) >= 4
    for name, items in by_column.items():
        expected = [m["url"] for m in sorted(items, key=lambda m: m["date"], reverse=True)]
        assert listed_article_urls(demo_site, f"column/{slugify(name, regex_subs=SETTINGS['SLUG_REGEX_SUBSTITUTIONS'])}/") == expected


def test_tag_pages_list_exactly_their_articles(demo_site):
    by_tag = collections.defaultdict(set)
    for meta in demo_articles():
        for tag in meta.get("tags", []):
            by_tag[tag.slug].add(meta["url"])
    assert any(len(urls) >= 3 for urls in by_tag.values())
    for slug, urls in by_tag.items():
        assert set(listed_article_urls(demo_site, f"tag/{slug}/")) == urls, slug


def test_archives_group_articles_by_year(demo_site):
    articles = demo_articles()
    years = collections.defaultdict(set)
    for meta in articles:
        years[meta["date"].year].add(meta["url"])
    assert len(years) >= 2
    soup = demo_site.html("archives/")
    headings = [int(section.h2.a.get_text().split()[0]) for section in soup.select(".archive-year")]
    assert headings == sorted(years, reverse=True)
    for year, urls in years.items():
        assert set(listed_article_urls(demo_site, f"archives/{year}/")) == urls


def test_header_navigation_and_footer(demo_site):
    soup = demo_site.html("")
    nav = [a.get_text() for a in soup.select(".site-nav a")]
    assert nav[:5] == ["首页"] + SETTINGS["COLUMNS"]
    footer = soup.select_one(".site-footer").get_text()
    for key in ("SITE_OPERATOR", "ICP_NUMBER", "PSB_NUMBER"):
        assert SETTINGS[key] in footer
    assert "ICP备案号" in footer and "公安备案号" in footer


def test_pages_exist(demo_site):
    for slug, title in (("about", "社区简介"), ("contact", "联系我们"), ("guide", "办事指南")):
        assert demo_site.html(f"{slug}/").h1.get_text() == title


def test_every_internal_link_and_asset_resolves(demo_site):
    broken = []
    pages = [f for f in demo_site.files() if f.suffix == ".html"]
    assert len(pages) > 30
    for page in pages:
        soup = demo_site.html(str(page.relative_to(demo_site.root)))
        for link in links_on(soup):
            target = resolve(demo_site.root, page, link)
            if target is not None and not target.is_file():
                broken.append(f"{page.relative_to(demo_site.root)} -> {link}")
    assert broken == []


def test_no_request_leaves_the_site(demo_site):
    for page in (f for f in demo_site.files() if f.suffix == ".html"):
        soup = demo_site.html(str(page.relative_to(demo_site.root)))
        for tag, attribute in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"), ("source", "srcset")):
            for element in soup.find_all(tag):
                value = element.get(attribute, "")
                if element.name == "link" and element.get("rel") in (["canonical"], ["alternate"]):
                    continue
                assert not value.startswith(("http:", "https:", "//")), (page, value)


def test_nothing_from_drafts_folder(demo_site):
    assert not demo_site.path("drafts").exists()


def test_two_builds_are_byte_identical(demo_site, tmp_path):
    from tests.conftest import ROOT, run_pelican

    # A new interpreter: its own hash seed, as two `make html` runs have.
    again = run_pelican(ROOT / "content", tmp_path / "output", cache=tmp_path / "cache", fresh=True)
    assert again.returncode == 0, again.log

    def digest(build):
        return {
            str(f.relative_to(build.root)): hashlib.sha256(f.read_bytes()).hexdigest() for f in build.files()
        }

    assert digest(again) == digest(demo_site)


def test_header_marks_the_current_section(demo_site):
    for path, label in (("notices/", "通知公告"), ("albums/", "活动相册"), ("guide/", "办事指南"), ("column/hong-se-wu-ye/", "红色物业")):
        current = [a.get_text() for a in demo_site.html(path).select('.site-nav a[aria-current="page"]')]
        assert current == [label], path
