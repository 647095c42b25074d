"""A 街道's network (plugins/sites.py, plugins/network/): the demo's
communities and portal, copied into a project folder of their own and built
with `python -m plugins.network build` (what `make html-all` runs)."""

import datetime
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import icalendar
import pytest
from bs4 import BeautifulSoup

from tests import forkserver
from tests.conftest import BUILD_DATE, DEMO_PHOTO_CACHE, ROOT, shared

SHARED = ("plugins", "theme", "deploy", "pelicanconf.py", "publishconf.py", "wording.txt")
COMMUNITIES = ("liushu", "nanpu")  # the demo's small ones (青禾's content is the big demo)
ENV = dict(os.environ, PYTHONIOENCODING="utf-8", COLUMNS="200", TERM="dumb")


def make_project(where, communities=COMMUNITIES):
    """A checkout with the shared code (linked) and copies of the sites
    (青禾's content, the big demo in content/, linked)."""
    where.mkdir(parents=True)
    for name in SHARED + (("content",) if "qinghe" in communities else ()):
        (where / name).symlink_to(ROOT / name)
    ignore = shutil.ignore_patterns("output", "output.*", "output-check", ".cache")
    for name in communities:
        shutil.copytree(ROOT / "sites" / name, where / "sites" / name, ignore=ignore)
    shutil.copytree(ROOT / "portal", where / "portal", ignore=ignore)
    return where


def network(project, *args, build_date=BUILD_DATE, fresh=False):
    """`python -m plugins.network …` in ``project``, from the tests' build
    server (tests/forkserver.py: Pelican imported, the project's own code
    imported from the project); ``fresh=True``: in a new interpreter."""
    if args and args[0] == "build":
        args = (*args, f"BUILD_DATE={json.dumps(build_date)}")
    return forkserver.run_module("plugins.network", args, ENV, project, timeout=600, fresh=fresh, server_cwd=ROOT)


def tree(folder):
    """``{path: bytes}`` of every file below ``folder``."""
    folder = Path(folder)
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def stamps(folder):
    folder = Path(folder)
    return {str(path.relative_to(folder)): path.stat().st_mtime_ns for path in folder.rglob("*") if path.is_file()}


def outputs(project):
    return {name: project / "sites" / name / "output" for name in COMMUNITIES} | {"portal": project / "portal" / "output"}


def html(path):
    return BeautifulSoup(Path(path).read_text(encoding="utf-8"), "lxml")


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The demo network, built once per test run (shared by the xdist workers)."""

    def build(root):
        result = network(make_project(root / "project"), "build")
        return {"returncode": result.returncode, "log": result.stdout + result.stderr}

    root, result = shared(tmp_path_factory, "network", build)
    assert result["returncode"] == 0, result["log"]
    return root / "project"


def served_file(project, page, href):
    """The file a link on portal page ``page`` leads to, with the network
    served as `make serve-all` serves it (the portal at /, a community at /<name>/)."""
    path = urlsplit(urljoin("http://network.test/" + page, href)).path
    parts = [part for part in path.split("/") if part]
    if parts and (project / "sites" / parts[0] / "site.py").is_file():
        base, parts = project / "sites" / parts[0] / "output", parts[1:]
    else:
        base = project / "portal" / "output"
    target = base.joinpath(*parts)
    return target / "index.html" if path.endswith("/") else target


def _edit(project, step):
    """One step of an editor's week in the network."""
    liushu, nanpu = project / "sites/liushu/content", project / "sites/nanpu/content"
    if step == "body":  # article text only: a quick rebuild
        path = liushu / "articles/2026-11-09-cuiliuyuan-fire-drill.md"
        path.write_text(path.read_text(encoding="utf-8") + "\n下一次演练安排在明年春季。\n", encoding="utf-8")
    elif step == "new notice":  # a new file: the portal's list changes
        (nanpu / "notices/2026-11-19-heating-check.md").write_text(
            "标题：关于开展冬季供暖设施检查的通知\n类型：通知\n发布单位：南浦社区居民委员会\n文号：南浦社〔2026〕32号\n"
            "日期：2026-11-19 09:00\n生效日期：2026-11-20\n截止日期：2026-11-22\n\n"
            "各位居民：社区将于 11 月 20 日至 22 日逐楼检查供暖设施，请家中留人配合。\n",
            encoding="utf-8")
    elif step == "retitle":  # a header: the community's summary changes
        path = liushu / "articles/2026-10-09-liuyinyuan-canteen.md"
        text = path.read_text(encoding="utf-8")
        title = text.split("\n", 1)[0]
        path.write_text(text.replace(title, title + "（续）", 1), encoding="utf-8")
    elif step == "remove":  # a piece withdrawn
        next((liushu / "notices").glob("2026-11-19-*.md")).unlink()


# The longest first (tests/conftest.py hands this file's tests out one at a time).
def test_a_week_of_edits_leaves_every_site_and_the_portal_as_a_clean_build(tmp_path):
    """The proof of tests/test_incremental.py and test_quick.py, per site and
    for the portal: after each step (and a day later), the incremental
    network is byte for byte a clean build of the same sources."""
    project = make_project(tmp_path / "live")
    assert network(project, "build").returncode == 0
    for number, (step, day) in enumerate([("body", BUILD_DATE), ("new notice", BUILD_DATE), ("retitle", BUILD_DATE),
                                          ("remove", BUILD_DATE), (None, "2026-11-23")]):
        if step:
            _edit(project, step)
        result = network(project, "build", build_date=day)
        assert result.returncode == 0, result.stdout + result.stderr
        clean = make_project(tmp_path / f"clean-{number}")
        for name in COMMUNITIES:
            shutil.rmtree(clean / "sites" / name / "content")
            shutil.copytree(project / "sites" / name / "content", clean / "sites" / name / "content")
        assert network(clean, "build", build_date=day, fresh=True).returncode == 0
        for name, output in outputs(project).items():
            assert tree(output) == tree(outputs(clean)[name]), (step, day, name)
        shutil.rmtree(clean)
        listed = {item.select_one(".notice-item-title").get_text(strip=True): item.select_one(".badge-status-soon")
                  for item in html(project / "portal/output/notices/index.html").select(".notice-item")}
        heating = "关于开展冬季供暖设施检查的通知"
        if step == "new notice":
            assert listed[heating] is not None  # 即将截止 on the portal the day it is published
        if day != BUILD_DATE:
            assert heating not in listed  # past its deadline: off the portal's list of notices in force


def test_every_community_and_the_portal_are_built(built):
    for name, output in outputs(built).items():
        assert (output / "index.html").is_file(), name
    directory = html(built / "portal/output/communities/index.html")
    cards = directory.select(".portal-community-card")
    assert [card.h2.get_text(strip=True) for card in cards] == ["柳树社区", "南浦社区"]
    for card in cards:
        facts = {dt.get_text(strip=True): dd for dt, dd in zip(card.select("dt"), card.select("dd"))}
        assert {"所辖小区", "地址", "办公时间", "电话"} <= set(facts)
        assert facts["电话"].a["href"].startswith("tel:0871")
        assert "amap.com" in facts["地址"].a["href"]


def test_the_demo_network_publishes_with_no_warning_of_its_own(tmp_path):
    """`make publish-all` of the whole demo (青禾 included): every site and
    the portal publish; only 青禾's demo content warns (its overdue 居务公开 item)."""
    project = make_project(tmp_path / "demo", ("qinghe", *COMMUNITIES))
    # The demo's photos, made once per checkout (tests/conftest.py): the sites' pages are what is checked here.
    result = network(project, "build", "--publish", f"PHOTO_CACHE={json.dumps(str(DEMO_PHOTO_CACHE))}")
    log = result.stdout + result.stderr
    assert result.returncode == 0, log
    blocks = {}
    for block in log.split("── ")[1:]:
        blocks[block.split(":", 1)[0]] = block
    assert set(blocks) == {"qinghe", *COMMUNITIES, "portal"}
    for name in (*COMMUNITIES, "portal"):
        assert "WARNING" not in blocks[name] and "ERROR" not in blocks[name], blocks[name]
    directory = html(project / "portal/output/communities/index.html")
    assert [card.h2.get_text(strip=True) for card in directory.select(".portal-community-card")] == ["柳树社区", "南浦社区", "青禾社区"]
    for name in ("qinghe", *COMMUNITIES):  # every community's footer leads to the 街道 portal
        footer = html(project / "sites" / name / "output/index.html").select_one(".site-footer")
        assert footer.find("a", string="望川街道社区之窗")["href"] == "https://wangchuan.example.org/"
    assert directory.select_one(".portal-community-card h2 a")["href"] == "https://wangchuan.example.org/liushu/"
    assert directory.select(".portal-community-card h2 a")[2]["href"] == "https://qinghe.example.org/"


def test_portal_lists_notices_in_force_with_community_and_status(built):
    page = html(built / "portal/output/notices/index.html")
    items = page.select(".notice-list .notice-item")
    assert items
    communities = {item.select_one(".portal-community").get_text(strip=True) for item in items}
    assert communities == {"柳树社区", "南浦社区"}
    for item in items:
        assert item.select_one(".badge-status-in-force, .badge-status-soon, .badge-status-upcoming"), item
    # What each community lists as current on its own board is on the portal, nothing else.
    listed = {a["href"].split("/notices/")[1] for a in page.select(".notice-item-title a")}
    own = set()
    for name in COMMUNITIES:
        board = html(built / "sites" / name / "output/notices/index.html")
        own |= {a["href"].split("notices/")[-1] for a in board.select(".notice-item-title a")}
    assert listed == own


def test_every_portal_link_leads_to_a_published_page(built):
    output = built / "portal/output"
    checked = 0
    for page_file in output.rglob("*.html"):
        page = page_file.relative_to(output).as_posix()
        for anchor in html(page_file).select("a[href]"):
            href = anchor["href"]
            if href.startswith(("http:", "https:", "tel:", "mailto:", "#")):
                continue
            target = served_file(built, page, href.split("#")[0])
            assert target.exists(), f"{page}: {href}"
            checked += 1
    assert checked > 50


def test_portal_feed_and_calendar_name_the_community_and_link_its_page(built):
    feed = feedparser.parse(str(built / "portal/output/feeds/all.atom.xml"))
    assert not feed.bozo, feed.bozo_exception
    assert feed.entries
    for entry in feed.entries:
        assert entry.title.startswith(("【柳树社区】", "【南浦社区】"))
        assert entry.link.startswith(("https://wangchuan.example.org/liushu/", "https://wangchuan.example.org/nanpu/"))
    calendar = icalendar.Calendar.from_ical((built / "portal/output/notices/deadlines.ics").read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert events and len({str(event["uid"]) for event in events}) == len(events)
    for event in events:
        assert isinstance(event.decoded("dtstart"), datetime.date)
        assert str(event["summary"]).startswith(("【柳树社区】", "【南浦社区】"))


def test_portal_search_merges_each_community_index(built):
    page = html(built / "portal/output/search/index.html")
    sites = json.loads(page.select_one("script#search-sites").string)
    assert [site["href"] for site in sites] == ["liushu/", "nanpu/"]
    for name in COMMUNITIES:
        assert (built / "sites" / name / "output/pagefind/pagefind-entry.json").is_file()


def test_nothing_changed_rebuilds_nothing(built):
    before = {name: stamps(output) for name, output in outputs(built).items()}
    result = network(built, "build")
    assert result.returncode == 0, result.stderr
    assert "没有变化" in result.stdout + result.stderr
    assert {name: stamps(output) for name, output in outputs(built).items()} == before


def test_edits_rebuild_the_site_and_the_portal_as_a_clean_build_would(tmp_path):
    project = make_project(tmp_path / "a")
    assert network(project, "build").returncode == 0
    article = project / "sites/liushu/content/articles/2026-11-09-cuiliuyuan-fire-drill.md"
    article.write_text(article.read_text(encoding="utf-8") + "\n演练结束后，社区为每户发放了一份家庭消防提示卡。\n",
                       encoding="utf-8")
    retitled = project / "sites/nanpu/content/articles/2026-11-16-convenience-market-day.md"
    text = retitled.read_text(encoding="utf-8")
    title = text.split("\n", 1)[0]
    retitled.write_text(text.replace(title, title + "（更新）", 1), encoding="utf-8")
    result = network(project, "build")
    assert result.returncode == 0, result.stdout + result.stderr

    clean = make_project(tmp_path / "b")
    for path in (article, retitled):
        shutil.copy(path, clean / path.relative_to(project))
    assert network(clean, "build", fresh=True).returncode == 0
    for name, output in outputs(project).items():
        assert tree(output) == tree(outputs(clean)[name]), name
    news = html(project / "portal/output/news/index.html")
    assert any(a.get_text().endswith("（更新）") for a in news.select(".portal-item-title"))


def test_a_failing_site_fails_the_run_and_leaves_its_output_and_the_portal(tmp_path):
    project = make_project(tmp_path / "p")
    assert network(project, "build").returncode == 0
    before = {name: stamps(output) for name, output in outputs(project).items()}
    notice = next((project / "sites/nanpu/content/notices").glob("*.md"))
    text = notice.read_text(encoding="utf-8")
    notice.write_text(text.replace("截止日期：", "截止日期：2020-01-01\n原截止日期：", 1), encoding="utf-8")
    edited = project / "sites/liushu/content/articles/2026-10-09-liuyinyuan-canteen.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n助餐点周日暂停供餐。\n", encoding="utf-8")
    result = network(project, "build")
    log = result.stdout + result.stderr
    assert result.returncode == 1, log
    assert "失败的站点 / failed: nanpu" in log
    assert "门户未更新" in log
    assert stamps(outputs(project)["nanpu"]) == before["nanpu"]
    assert stamps(outputs(project)["portal"]) == before["portal"]
    assert "周日暂停供餐" in (outputs(project)["liushu"] / "2026/10").joinpath(
        next(p.name for p in (outputs(project)["liushu"] / "2026/10").iterdir()), "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("reference", [
    "![南浦的图标]({static}../../../nanpu/content/extra/favicon.svg)",
    "见[南浦社区的稿件]({filename}../../../nanpu/content/articles/2026-11-16-convenience-market-day.md)。",
])
def test_a_reference_into_another_community_is_refused_naming_file_and_line(tmp_path, reference):
    project = make_project(tmp_path / "p")
    article = project / "sites/liushu/content/articles/2026-11-18-liuan-stairwell-cleanup.md"
    lines = article.read_text(encoding="utf-8").split("\n")
    lines.insert(len(lines) - 1, "\n" + reference + "\n")
    article.write_text("\n".join(lines), encoding="utf-8")
    line = next(number for number, text in enumerate(article.read_text(encoding="utf-8").split("\n"), 1) if reference in text)
    result = network(project, "build", "--site", "liushu")
    log = result.stdout + result.stderr
    assert result.returncode == 1, log
    assert f"2026-11-18-liuan-stairwell-cleanup.md:{line}" in log
    assert "另一个站点（nanpu）" in log
    assert not (project / "sites/liushu/output").exists()


def test_a_cover_photo_of_another_community_is_refused(tmp_path):
    project = make_project(tmp_path / "p")
    photo = project / "sites/nanpu/content/images/market.jpg"
    photo.parent.mkdir(parents=True)
    from PIL import Image

    Image.new("RGB", (64, 48), "teal").save(photo)
    article = project / "sites/liushu/content/articles/2026-11-18-liuan-stairwell-cleanup.md"
    article.write_text(article.read_text(encoding="utf-8").replace("slug:", "封面：../../../nanpu/content/images/market.jpg\nslug:", 1),
                       encoding="utf-8")
    result = network(project, "build", "--site", "liushu")
    log = result.stdout + result.stderr
    assert result.returncode == 1, log
    assert "另一个站点（nanpu）" in log and "2026-11-18-liuan-stairwell-cleanup.md:" in log


def test_an_unknown_site_is_named():
    result = subprocess.run(["make", "--no-print-directory", "html", "SITE=no-such"], cwd=ROOT, env=ENV,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "sites/no-such/site.py" in result.stderr and "Traceback" not in result.stderr


def test_a_renamed_community_keeps_its_old_addresses(tmp_path):
    project = make_project(tmp_path / "p")
    (project / "sites/nanpu").rename(project / "sites/nanpuxin")
    site = project / "sites/nanpuxin/site.py"
    site.write_text(site.read_text(encoding="utf-8").replace("example.org/nanpu", "example.org/nanpuxin")
                    + '\nFORMER_ADDRESSES = ["https://wangchuan.example.org/nanpu"]\n', encoding="utf-8")
    result = network(project, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    new = project / "sites/nanpuxin/output"
    pages = sorted(p.relative_to(new).as_posix() for p in new.rglob("*.html")
                   if p.name != "404.html" and "pagefind" not in p.parts)
    assert len(pages) > 20
    for page in pages:
        redirect = html(project / "portal/output/nanpu" / page)
        refresh = redirect.select_one('meta[http-equiv="refresh"]')["content"]
        assert refresh.startswith("0; url=")
        target = refresh.split("url=", 1)[1]
        assert redirect.select_one("main a")["href"] == target
        assert served_file(project, "nanpu/" + page, target) == new / page, page


def test_a_retired_community_keeps_its_site_as_an_archive(tmp_path):
    project = make_project(tmp_path / "p")
    site = project / "sites/nanpu/site.py"
    site.write_text(site.read_text(encoding="utf-8")
                    + '\nRETIRED = "2026-11-20"\nMERGED_INTO = ("柳树社区", "https://wangchuan.example.org/liushu/")\n',
                    encoding="utf-8")
    result = network(project, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    nanpu = project / "sites/nanpu/output"
    for page in ("index.html", "notices/index.html", "notices/archive/index.html"):
        note = html(nanpu / page).select_one(".retired-note")
        assert "撤并" in note.get_text() and note.a["href"] == "https://wangchuan.example.org/liushu/", page
    assert not html(nanpu / "notices/index.html").select(".notice-item")
    sources = list((project / "sites/nanpu/content/notices").glob("*.md"))
    assert len(html(nanpu / "notices/archive/index.html").select(".notice-item")) == len(sources)
    portal = project / "portal/output"
    assert "南浦社区" not in html(portal / "notices/index.html").select_one("main").get_text()
    assert "南浦社区" not in html(portal / "news/index.html").select_one("main").get_text()
    directory = html(portal / "communities/index.html")
    assert [card.h2.get_text(strip=True) for card in directory.select(".portal-community-card")] == ["柳树社区"]
    archive = next(a for a in directory.select("main li a") if a.get_text() == "通知公告存档")
    assert served_file(project, "communities/", archive["href"]) == nanpu / "notices/archive/index.html"


def _luminance(colour):
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_every_colour_of_the_palette_reads_on_white_and_under_white():
    """BRAND_COLOUR is the header's ground under white text and a text colour
    on white: WCAG AA (4.5:1) both ways, for every colour a site.py may pick."""
    from plugins.sites import BRAND_COLOURS

    css = (ROOT / "theme/static/css/site.css").read_text(encoding="utf-8")
    found = dict(re.findall(r'html\[data-brand="(\w+)"\] \{ --brand: (#[0-9a-f]{6}); \}', css))
    found["red"] = re.search(r":root \{[^}]*--brand: (#[0-9a-f]{6});", css).group(1)
    assert set(found) == set(BRAND_COLOURS)
    for name, colour in found.items():
        assert (1.05) / (_luminance(colour) + 0.05) >= 4.5, name


def test_a_colour_outside_the_palette_is_refused_naming_the_file(tmp_path):
    project = make_project(tmp_path / "p")
    site = project / "sites/liushu/site.py"
    site.write_text(site.read_text(encoding="utf-8").replace('BRAND_COLOUR = "green"', 'BRAND_COLOUR = "pink"'), encoding="utf-8")
    result = network(project, "build", "--site", "liushu")
    log = result.stdout + result.stderr
    assert result.returncode == 1 and "sites/liushu/site.py" in log and "pink" in log and "Traceback" not in log, log


def test_deploy_all_to_object_storage_keeps_each_community_under_its_prefix(tmp_path, monkeypatch):
    """DEPLOY_METHOD = "s3": the communities under their prefixes of the
    portal's bucket, the portal at its root, last; its sync deletes none of theirs."""
    from moto.server import ThreadedMotoServer

    from deploy import s3

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        env = dict(ENV, AWS_ACCESS_KEY_ID="linli-test", AWS_SECRET_ACCESS_KEY="linli-test-secret",
                   AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
                   S3_ENDPOINT=f"http://{host}:{port}", S3_REGION="us-east-1", S3_ADDRESSING_STYLE="path")
        for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
            monkeypatch.setenv(key, env[key])
        config = {"S3_BUCKET": "wangchuan", "S3_ENDPOINT": env["S3_ENDPOINT"], "S3_REGION": "us-east-1",
                  "S3_PREFIX": "", "S3_ADDRESSING_STYLE": "path"}
        client = s3.client(config)
        client.create_bucket(Bucket="wangchuan")
        built = make_project(tmp_path / "p")
        assert network(built, "build").returncode == 0
        for name, prefix in (("liushu", "liushu"), ("nanpu", "nanpu"), ("portal", "")):
            site = built / ("portal" if name == "portal" else f"sites/{name}") / "site.py"
            text = re.sub(r"^DEPLOY_TARGET = .*$", "", site.read_text(encoding="utf-8"), flags=re.MULTILINE)
            site.write_text(text + f'\nDEPLOY_METHOD = "s3"\nS3_BUCKET = "wangchuan"\nS3_PREFIX = "{prefix}"\n', encoding="utf-8")
        for _ in range(2):  # the second time: nothing to send, nothing deleted
            result = subprocess.run([sys.executable, "-m", "plugins.network", "deploy"], cwd=built, env=env,
                                    capture_output=True, text=True, timeout=300)
            assert result.returncode == 0, result.stdout + result.stderr
        keys = {item["Key"] for page in client.get_paginator("list_objects_v2").paginate(Bucket="wangchuan")
                for item in page.get("Contents", [])}
        assert {"index.html", "communities/index.html", "liushu/index.html", "nanpu/notices/index.html"} <= keys
        assert "0 删除 / deleted" in result.stderr and " 0 上传 / uploaded" in result.stderr
        assert result.stderr.index("── portal") > result.stderr.index("── nanpu") > result.stderr.index("── liushu")
    finally:
        server.stop()


def test_a_site_of_the_network_is_built_as_make_html_builds_it_alone(built, tmp_path):
    """The driver forks its builds from a process that compiled the theme
    first: the result is byte for byte `make html SITE=…` in a new interpreter."""
    alone = subprocess.run(
        [sys.executable, "-m", "pelican", "-s", "pelicanconf.py", "-o", str(tmp_path / "alone"),
         "-e", f"BUILD_DATE={json.dumps(BUILD_DATE)}", f"CACHE_PATH={json.dumps(str(tmp_path / 'cache'))}"],
        cwd=built, env=dict(ENV, LINLI_SITE="liushu"), capture_output=True, text=True, timeout=300)
    assert alone.returncode == 0, alone.stdout + alone.stderr
    assert tree(tmp_path / "alone") == tree(built / "sites/liushu/output")


def test_serve_all_answers_a_missing_page_with_that_sites_404_page(built):
    """`make serve-all`: the portal at /, each community at /<name>/, and a
    missing page answered 404 with the 404 page of the site it is under."""
    import functools
    import http.server
    import threading
    import urllib.error
    import urllib.request

    from plugins.network.serve import NetworkHandler

    mounts = {f"/{name}/": str(path) for name, path in outputs(built).items() if name != "portal"}
    mounts["/"] = str(outputs(built)["portal"])
    handler = type("Handler", (NetworkHandler,), {"mounts": mounts, "log_message": lambda *args: None})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        for path, title in (("/nanpu/", "南浦社区"), ("/", "望川街道社区之窗")):
            with urllib.request.urlopen(base + path) as response:
                assert BeautifulSoup(response.read(), "lxml").title.get_text().endswith(title)
        for path, site in (("/liushu/no-such-page/", "柳树社区"), ("/no-such-page/", "望川街道社区之窗")):
            with pytest.raises(urllib.error.HTTPError) as missing:
                urllib.request.urlopen(base + path)
            assert missing.value.code == 404
            assert BeautifulSoup(missing.value.read(), "lxml").title.get_text() == f"页面不存在 - {site}"
    finally:
        server.shutdown()
