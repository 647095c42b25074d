"""No leaks, audited the hard way: a unique marker in the title, summary and
body of every piece that must not be published, then every byte of the output
searched. Each test also flips the setting to show the marker can appear."""

import pytest

from tests.conftest import article_source, files_containing


def marked(marker, **extra):
    return article_source(
        title=f"{marker} 标题", summary=f"{marker} 摘要", body=f"{marker} 正文。", **extra
    )


BASE = {
    "articles/public.md": article_source(title="公开文章", slug="public"),
    "pages/about.md": "title: 社区简介\nslug: about\n\n简介。\n",
}


@pytest.mark.parametrize("name, piece, allowed, settings", [
    ("draft", {"status": "draft"}, {"status": "published"}, {}),
    ("future", {"date": "2026-12-01 09:00"}, {"date": "2026-11-01 09:00"}, {}),
    ("unreviewed", {"approver": None}, {"approver": "吴建国"}, {"REVIEW_REQUIRED": True}),
])
def test_unpublished_article_reaches_no_output_byte(make_site, tmp_path, name, piece, allowed, settings):
    marker = f"LEAKMARK{name.upper()}"
    files = dict(BASE)
    files[f"articles/{name}.md"] = marked(marker, slug=name, **piece)
    build = make_site(files, **settings)
    assert build.returncode == 0, build.log
    assert files_containing(build.root, marker) == []
    assert not build.path("drafts").exists()

    files[f"articles/{name}.md"] = marked(marker, slug=name, **allowed)
    flipped = make_site(files, output=tmp_path / "flipped", **settings)
    assert len(files_containing(flipped.root, marker)) >= 3  # page, index, feed …


def test_draft_page_reaches_no_output_byte(make_site, tmp_path):
    files = dict(BASE)
    files["pages/secret.md"] = "title: LEAKMARKPAGE 页面\nslug: secret\nstatus: draft\nsummary: LEAKMARKPAGE\n\nLEAKMARKPAGE 正文\n"
    build = make_site(files)
    assert files_containing(build.root, "LEAKMARKPAGE") == []
    files["pages/secret.md"] = files["pages/secret.md"].replace("status: draft\n", "")
    flipped = make_site(files, output=tmp_path / "flipped")
    assert "secret/index.html" in files_containing(flipped.root, "LEAKMARKPAGE")


def test_hidden_pieces_have_their_own_page_and_nothing_else(make_site):
    files = dict(BASE)
    files["articles/hidden.md"] = marked("LEAKMARKHIDDEN", slug="hidden", status="hidden")
    files["pages/hidden.md"] = "title: LEAKMARKHPAGE\nslug: hidden-page\nstatus: hidden\n\nLEAKMARKHPAGE\n"
    build = make_site(files)
    assert build.returncode == 0, build.log
    assert files_containing(build.root, "LEAKMARKHIDDEN") == ["2026/01/hidden/index.html"]
    assert files_containing(build.root, "LEAKMARKHPAGE") == ["hidden-page/index.html"]
    sitemap = build.text("sitemap.xml")
    assert "hidden" not in sitemap


def test_hidden_pages_ask_search_engines_not_to_index(make_site):
    files = dict(BASE)
    files["articles/hidden.md"] = marked("HIDDENX", slug="hidden", status="hidden")
    files["pages/hidden.md"] = "title: 隐藏页\nslug: hidden-page\nstatus: hidden\n\n正文\n"
    build = make_site(files)
    for path in ("2026/01/hidden/", "hidden-page/"):
        assert build.html(path).find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert build.html("2026/01/public/").find("meta", attrs={"name": "robots"}) is None


@pytest.mark.parametrize("link", ["{static}/", "{static}/articles/", "{attach}.", "{static}/articles/draft.md"])
def test_link_to_a_folder_or_source_publishes_no_draft_byte(make_site, tmp_path, link):
    """Pelican copies a linked folder whole (and a linked file as it is): the
    draft's source would sit in output/ beside the article that links it."""
    marker = "LEAKMARKFOLDER"
    previous = make_site(BASE)
    assert previous.returncode == 0, previous.log
    files = dict(BASE)
    files["articles/public.md"] = article_source(title="公开文章", slug="public", body=f"资料见[这里]({link})。")
    files["articles/draft.md"] = marked(marker, slug="draft", status="draft")
    files["pages/draft.md"] = f"title: {marker} 页面\nslug: draft-page\nstatus: draft\n\n{marker}\n"
    build = make_site(files)
    assert build.returncode != 0
    written = [hit for hit in files_containing(tmp_path, marker) if not hit.startswith(("content/", "cache/"))]
    assert written == []

    files["articles/public.md"] = BASE["articles/public.md"]
    files["articles/draft.md"] = marked(marker, slug="draft")
    flipped = make_site(files, output=tmp_path / "flipped")
    assert len(files_containing(flipped.root, marker)) >= 3
