"""Share plugin: QR codes, Open Graph / JSON-LD, absolute feed links."""

import json

import feedparser

from plugins.share.qr import qr_svg
from tests.site.helpers import CANONICAL

ARTICLE = "2025/06/qinghe-jiayuan-elevators/"


def test_qr_svg_scales_and_is_labelled():
    svg = qr_svg("https://qinghe.example.org/x/")
    assert svg.startswith('<svg role="img" aria-label=')
    assert "viewBox=" in svg and "width=" not in svg.split(">")[0]


def test_open_graph_and_page_meta_tags(demo_site):
    soup = demo_site.html(ARTICLE)
    og = {m["property"]: m["content"] for m in soup.find_all("meta", property=True)}
    assert og["og:title"] == "青禾家园完成首批加装电梯"
    assert og["og:url"] == f"{CANONICAL}/{ARTICLE}"
    assert og["og:image"].startswith("https://") and og["og:description"]
    names = [m["name"].lower() for m in soup.find_all("meta", attrs={"name": True})]
    expected = {"sitename", "columnname", "articletitle", "pubdate", "contentsource", "keywords", "description", "url"}
    assert expected <= set(names)
    assert len(names) == len(set(names))  # names are case-insensitive: no tag twice
    assert soup.find("link", rel="canonical")["href"] == f"{CANONICAL}/{ARTICLE}"


def test_json_ld_news_article(demo_site):
    soup = demo_site.html(ARTICLE)
    data = json.loads(soup.find("script", type="application/ld+json").string)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "青禾家园完成首批加装电梯"
    assert data["datePublished"].startswith("2025-06-18T15:50")
    assert all(url.startswith("https://") for url in data["image"])
    assert [a["name"] for a in data["author"]] == ["林晓岚", "周启明"]


def test_every_article_notice_and_album_page_has_a_qr_code(demo_site):
    pages = [p for p in demo_site.files() if p.name == "index.html"]
    checked = 0
    for page in pages:
        relative = str(page.relative_to(demo_site.root).parent) + "/"
        soup = demo_site.html(relative)
        if soup.select_one("article.article, article.notice, article.album"):
            assert soup.select_one(".share svg.qr-code"), relative
            checked += 1
    assert checked >= 17 + 8 + 3


def test_feeds_use_absolute_urls(demo_site):
    for feed_path in ("feeds/all.atom.xml", "feeds/notices.atom.xml"):
        feed = feedparser.parse(demo_site.text(feed_path))
        assert not feed.bozo, feed_path
        assert feed.entries
        for entry in feed.entries:
            assert entry.link.startswith(CANONICAL + "/"), entry.link
    news = feedparser.parse(demo_site.text("feeds/all.atom.xml"))
    assert news.feed.link.startswith(CANONICAL)
    for entry in news.entries:
        for value in (entry.get("content") or [{}])[0].get("value", "").split('src="')[1:]:
            assert value.startswith("https://"), value[:60]
