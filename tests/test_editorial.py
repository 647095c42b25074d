"""Bylines, sign-offs, the review gate and future-dated pieces."""

from tests.conftest import article_source


def test_signoff_block_renders_three_names(make_site):
    build = make_site({"articles/a.md": article_source(slug="a", reporters="林晓岚、周启明", correspondents="陈雨桐")})
    assert build.returncode == 0, build.log
    soup = build.html("2026/01/a/")
    rows = [(div.dt.get_text(), div.dd.get_text()) for div in soup.select(".signoffs div")]
    assert rows == [("责任编辑", "韩思远"), ("审核", "罗美华"), ("终审", "吴建国")]
    assert "全媒体记者 林晓岚 周启明" in soup.select_one(".byline").get_text(" ")


UNREVIEWED = article_source(title="未审稿件", slug="unreviewed", approver=None)


def test_review_required_holds_back_unreviewed_and_reports_it(make_site):
    build = make_site({"articles/u.md": UNREVIEWED, "articles/ok.md": article_source(slug="ok")}, REVIEW_REQUIRED=True)
    assert build.returncode == 0, build.log
    assert "u.md" in build.log and "终审" in build.log
    assert not build.path("2026/01/unreviewed").exists()
    assert build.path("2026/01/ok/index.html").exists()
    assert "未审稿件" not in build.text("index.html")


def test_review_not_required_publishes(make_site):
    build = make_site({"articles/u.md": UNREVIEWED}, REVIEW_REQUIRED=False)
    assert build.path("2026/01/unreviewed/index.html").exists()


def test_publishconf_requires_review(make_site):
    build = make_site({"articles/u.md": UNREVIEWED, "articles/ok.md": article_source(slug="ok")}, settings_file="publishconf.py")
    assert build.returncode == 0, build.log
    assert not build.path("2026/01/unreviewed").exists()


def test_future_dated_article_is_held_back_until_build_date(make_site, tmp_path):
    files = {"articles/f.md": article_source(title="明日活动预告", slug="future", date="2026-11-21 09:00")}
    early = make_site(files, BUILD_DATE="2026-11-20")
    assert not early.path("2026/11/future").exists()
    assert "明日活动预告" not in early.text("index.html")
    on_the_day = make_site(files, output=tmp_path / "later", BUILD_DATE="2026-11-21")
    assert on_the_day.path("2026/11/future/index.html").exists()
