"""Safe HTML and the path guard (plugins/safety)."""

import os

import pytest

from plugins.safety.sanitize import clean_html
from tests.conftest import article_source


@pytest.mark.parametrize("dirty, forbidden", [
    ('<p>hi<script>alert(1)</script></p>', "<script"),
    ('<p onclick="steal()">hi</p>', "onclick"),
    ('<a href="javascript:alert(1)">x</a>', "javascript:"),
    ('<img src="x.png" onerror="steal()" alt="a">', "onerror"),
    ('<iframe src="https://evil.example"></iframe>', "<iframe"),
    ('<style>body{display:none}</style><p>x</p>', "<style"),
    ('<p style="position:fixed">x</p>', "style="),
    ('<svg><script>alert(1)</script></svg>', "<script"),
    ('<a href="data:text/html,<script>alert(1)</script>">x</a>', "data:"),
])
def test_dangerous_markup_is_dropped(dirty, forbidden):
    assert forbidden not in clean_html(dirty)


def test_markdown_structure_is_kept():
    html = (
        '<h2 id="a">标题</h2><table><thead><tr><th>材料</th></tr></thead><tbody><tr><td>身份证</td></tr></tbody></table>'
        '<figure><picture><source type="image/webp" srcset="a-480.webp 480w" sizes="100vw">'
        '<img src="a-480.jpg" alt="说明" width="480" height="360" loading="lazy" decoding="async"></picture>'
        '<figcaption>说明</figcaption></figure><ol start="3"><li>一</li></ol>'
    )
    assert clean_html(html) == html


def test_external_links_get_noopener_internal_do_not():
    html = clean_html('<a href="https://news.example.org/a">外</a> <a href="/2025/01/x/">内</a>'
                      ' <a href="https://qinghe.example.org/about/">本站</a>', "https://qinghe.example.org")
    assert '<a rel="noopener noreferrer" href="https://news.example.org/a">' in html
    assert '<a href="/2025/01/x/">' in html
    assert '<a href="https://qinghe.example.org/about/">' in html


def test_hostile_article_is_sanitised_and_title_escaped(make_site):
    body = (
        '正文<script>alert("x")</script>\n\n<a href="javascript:alert(1)" onclick="x()">点我</a>\n\n'
        '<img src="x.png" onerror="alert(1)" alt="图">'
    )
    build = make_site({"articles/h.md": article_source(title='<script>alert("t")</script>标题', slug="h", body=body)})
    assert build.returncode == 0, build.log
    html = build.text("2026/01/h/index.html")
    assert "<script>alert" not in html
    assert "onclick" not in html and "onerror" not in html and "javascript:" not in html
    soup = build.html("2026/01/h/")
    assert soup.h1.get_text() == '<script>alert("t")</script>标题'
    executable = [s for s in soup.find_all("script") if s.get("type") != "application/ld+json"]
    assert all(s.get("src") and not s.string for s in executable)  # only our own files
    json_ld = soup.find("script", type="application/ld+json").string
    assert "<" not in json_ld and "\\u003cscript" in json_ld


def test_reference_outside_content_is_an_error_and_nothing_is_copied(make_site, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER", encoding="utf-8")
    body = "![x]({static}/../secret.txt)\n\n[y]({static}../../secret.txt)\n"
    build = make_site({"articles/p.md": article_source(slug="p", body=body)})
    assert build.returncode != 0
    assert "p.md:" in build.log and "content/" in build.log
    assert not (tmp_path / "output").exists() or "TOP-SECRET-MARKER" not in "".join(
        f.read_text(errors="ignore") for f in (tmp_path / "output").rglob("*") if f.is_file())


def test_symlink_out_of_content_is_an_error(make_site, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "passwd.txt").write_text("ROOT-MARKER", encoding="utf-8")
    (outside / "evil.md").write_text(article_source(slug="evil", title="外部文章"), encoding="utf-8")
    content = tmp_path / "content"
    (content / "images").mkdir(parents=True)
    (content / "articles").mkdir(parents=True)
    os.symlink(outside / "passwd.txt", content / "images" / "passwd.txt")
    os.symlink(outside / "evil.md", content / "articles" / "evil.md")
    build = make_site({"articles/ok.md": article_source(slug="ok")})
    assert build.returncode != 0
    assert "passwd.txt" in build.log and "evil.md" in build.log
    assert not (tmp_path / "output").exists()
