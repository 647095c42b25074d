"""Incremental builds equal clean builds, byte for byte (plugins/incremental).

A small site is edited step by step the way editors and operators change a
real one; after every step the incrementally rebuilt output tree is compared
file by file with a clean build of the same content. Any difference is a bug
in the dependency record — never a reason to loosen the comparison.
"""

import io
import json
import pickle
import os
import shutil
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from PIL import Image

import plugins.gallery  # noqa: F401  (imported once here, not in every build)
import plugins.notices  # noqa: F401

from tests.conftest import ROOT, article_source, build_in_fork, clean_reference, tree

BUILD_DATE = "2026-11-20"
COLUMNS = ["社区动态", "党建引领", "红色物业"]
TAGS = ["垃圾分类", "志愿服务", "加装电梯", "医保"]


def photo_bytes(seed, size=(64, 48)):
    """A small JPEG, different for each seed."""
    image = Image.new("RGB", size, ((seed * 53) % 256, (seed * 97) % 256, (seed * 31) % 256))
    for x in range(0, size[0], 8):
        image.putpixel((x, seed % size[1]), (255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def notice_source(title, date, kind="通知", expires=None, extra="", body="请居民周知。"):
    lines = [f"标题：{title}", f"日期：{date}", f"类型：{kind}"]
    if expires:
        lines.append(f"截止日期：{expires}")
    lines += ["责任编辑：苏婉清", "审核：罗美华", "终审：吴建国"]
    if extra:
        lines.append(extra)
    return "\n".join(lines) + "\n\n" + body + "\n"


PUBLICITY_LIST = (
    "公示如下：\n\n<!-- 公示名单 -->\n| 序号 | 姓名 |\n|---|---|\n| 1 | 郑秀兰 |\n<!-- /公示名单 -->\n\n"
    "如有异议请联系社区。"
)


def starting_files():
    files = {}
    for number in range(7):
        extra = {"slug": f"story-{number}", "tags": "、".join(TAGS[number % 3 : number % 3 + 2])}
        body = f"第 {number} 篇的正文。\n\n第二段。"
        if number == 1:
            body += "\n\n参见[另一篇]({filename}/articles/a3.md)。"
        if number == 2:
            body += "\n\n![广场上的居民]({static}/photos/fair/IMG_1.jpg)"
            extra["cover"] = "photos/fair/IMG_2.jpg"
        if number == 4:
            extra["album"] = "fair"
        files[f"articles/a{number}.md"] = article_source(
            title=f"社区新闻第{number}篇",
            date=f"{2024 + number % 2}-0{1 + number}-1{number} 09:00",
            category=COLUMNS[number % 3],
            body=body,
            **extra,
        )
    files["pages/about.md"] = "标题：社区简介\nslug: about\n\n青禾社区位于望川街道。\n"
    files["notices/water.md"] = notice_source("停水通知", "2026-11-18 09:00", expires="2026-11-22")
    files["notices/list.md"] = notice_source(
        "低保对象公示", "2026-11-13 09:00", kind="公示", expires="2026-11-21", body=PUBLICITY_LIST
    )
    files["notices/rules-old.md"] = notice_source(
        "养犬公约", "2024-05-10 09:00", kind="公告", extra="有效性：废止\n替代文件：rules-new"
    )
    files["notices/rules-new.md"] = notice_source("养犬公约（修订）", "2026-09-01 09:00", kind="公告")
    files["photos/fair/album.md"] = "标题：邻里节\n日期：2026-09-28 20:15\n\n- IMG_1.jpg：长桌宴\n- IMG_2.jpg：猜灯谜\n"
    files["photos/fair/IMG_1.jpg"] = photo_bytes(1)
    files["photos/fair/IMG_2.jpg"] = photo_bytes(2)
    return files


class Site:
    """Content on disk, an incremental output with its own cache, and a way
    to compare it with a clean build."""

    def __init__(self, base, photo_cache):
        self.base = Path(base)
        self.content = self.base / "content"
        self.photo_cache = photo_cache
        self.settings = {
            "BUILD_DATE": BUILD_DATE,
            # The checkout's theme, which the process forking the builds has
            # compiled (tests/conftest.py build_in_fork), until a test edits it.
            "THEME": str(ROOT / "theme"),
            "DEFAULT_PAGINATION": 2,
            "REVIEW_REQUIRED": True,
            "SEARCH_INDEX": False,
            "PHOTO_WORKERS": 1,
            "PHOTO_WIDTHS": [32, 64],
            "NAV_LINKS": [["通知公告", "notices/"], ["活动相册", "albums/"]],
        }
        self.steps = []
        self.write_all(starting_files())
        self.steps = []

    # --- editing ----------------------------------------------------------
    def write(self, relative, data):
        target = self.content / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            target.write_bytes(data)
        else:
            target.write_text(data, encoding="utf-8")
        self.steps.append(f"write {relative}")

    def write_all(self, files):
        for relative, data in files.items():
            self.write(relative, data)

    def read(self, relative):
        return (self.content / relative).read_text(encoding="utf-8")

    def replace(self, relative, old, new):
        text = self.read(relative)
        assert old in text, (relative, old)
        self.write(relative, text.replace(old, new, 1))

    def header(self, relative, key, value):
        """Set (or with None remove) one header line of an editor's file."""
        head, _, body = self.read(relative).partition("\n\n")
        lines = [line for line in head.split("\n") if not line.startswith(f"{key}:") and not line.startswith(f"{key}：")]
        if value is not None:
            lines.append(f"{key}: {value}")
        self.write(relative, "\n".join(lines) + "\n\n" + body)

    def delete(self, relative):
        (self.content / relative).unlink()
        self.steps.append(f"delete {relative}")

    def rename(self, relative, new):
        (self.content / relative).rename(self.content / new)
        self.steps.append(f"rename {relative} {new}")

    @property
    def theme(self):
        return Path(self.settings["THEME"])

    def theme_file(self, relative):
        """A file of the site's own copy of the theme, for a test to edit
        (made on first use: until then the site builds with the checkout's)."""
        own = self.base / "theme"
        if self.theme != own:
            shutil.copytree(ROOT / "theme", own)
            self.settings["THEME"] = str(own)
            self.steps.append("own theme")
        return own / relative

    def articles(self):
        return sorted(p.relative_to(self.content).as_posix() for p in (self.content / "articles").glob("*.md"))

    # --- building ---------------------------------------------------------
    def build(self, output, cache, photo_cache=None, processes=1, quiet=True):
        overrides = dict(self.settings, CACHE_PATH=str(cache), PHOTO_CACHE=str(photo_cache or self.photo_cache),
                         RENDER_PROCESSES=processes)
        argv = [
            str(self.content), "-o", str(output), *(["-q"] if quiet else []), "-s", str(ROOT / "pelicanconf.py"),
            "-e", *[f"{key}={json.dumps(value, ensure_ascii=False)}" for key, value in overrides.items()],
        ]
        return build_in_fork(argv, self.base / "build.log")

    def check(self, quiet=True):
        """Rebuild incrementally, build clean, and compare every byte. The
        incremental build renders on two processes (plugins/safety/parallel.py),
        the clean one in one, as Pelican does: the reference."""
        incremental = self.base / "output"
        before = tree(incremental) if incremental.exists() else None
        result = self.build(incremental, self.base / "cache", processes=2, quiet=quiet)
        clean_dir = self.base / f"clean-{uuid.uuid4().hex[:8]}"
        clean = clean_reference(self, clean_dir)  # made once per content, theme and settings (tests/conftest.py)
        try:
            assert (result.returncode == 0) == (clean.returncode == 0), (self.steps, result.stderr, clean.stderr)
            if result.returncode != 0:
                # A failed build leaves the previous output exactly as it was.
                assert before is None or tree(incremental) == before, self.steps
                return result
            got, want = tree(incremental), tree(clean_dir / "output")
            assert sorted(got) == sorted(want), (self.steps, set(got) ^ set(want))
            different = [name for name in want if got[name] != want[name]]
            assert not different, (self.steps, different)
            return result
        finally:
            shutil.rmtree(clean_dir)


def rendered_count(result):
    """Pages the build rendered (not carried over), from its summary line."""
    for line in result.stderr.splitlines():
        if line.startswith("重新生成"):
            return int(line.split()[1])
        if line.startswith("没有变化"):  # plugins/incremental/quick.py: nothing to read, nothing rendered
            return 0
    raise AssertionError(result.stderr)


@pytest.fixture
def site(tmp_path, tmp_path_factory):
    site = Site(tmp_path / "site", tmp_path_factory.getbasetemp() / "photo-cache")
    first = site.check()
    assert first.returncode == 0, first.stderr
    return site


# --- named sequences: each kind of edit, with what it must (not) re-render -----

def test_nothing_changed_renders_nothing(site):
    assert rendered_count(site.check()) == 0


def test_body_edit_renders_the_article_and_its_listings_only(site):
    site.replace("articles/a5.md", "第二段。", "第二段，补充了一句。")
    rendered = rendered_count(site.check())
    assert 0 < rendered < 25


def test_title_date_column_tags_and_slug(site):
    site.header("articles/a3.md", "title", "改过的标题")
    site.check()
    site.header("articles/a3.md", "date", "2023-12-31 23:59")  # to the last page, another year
    site.check()
    site.header("articles/a3.md", "category", "红色物业")
    site.check()
    site.header("articles/a3.md", "tags", "医保、新标签")
    site.check()
    site.header("articles/a3.md", "slug", "renamed-story")  # the {filename} link in a1 follows
    site.check()


def test_status_and_review(site):
    site.header("articles/a2.md", "status", "draft")
    site.check()
    site.header("articles/a2.md", "status", "hidden")
    site.check()
    site.header("articles/a2.md", "status", None)
    site.check()
    site.header("articles/a6.md", "approver", None)  # review sign-off removed: unpublished
    site.check()
    site.header("articles/a6.md", "approver", "吴建国")
    site.check()


def test_notice_expiry_and_publicity_list_follow_build_date(site):
    for day in ("2026-11-21", "2026-11-22", "2026-11-23", "2026-11-19"):
        site.settings["BUILD_DATE"] = day
        site.check()


def test_photos_and_album_captions(site):
    site.write("photos/fair/IMG_3.jpg", photo_bytes(3))
    site.check()
    site.write("photos/fair/IMG_1.jpg", photo_bytes(11))  # replaced under the same name
    site.check()
    site.replace("photos/fair/album.md", "猜灯谜", "居民猜灯谜")
    site.check()
    site.delete("photos/fair/IMG_3.jpg")
    site.check()


def test_files_added_deleted_renamed(site):
    site.write("articles/new.md", article_source(title="新来的稿件", date="2026-11-19 08:00", body="新稿。"))
    site.check()
    site.rename("articles/a0.md", "articles/a0-moved.md")
    site.check()
    site.delete("articles/a6.md")
    site.check()
    site.delete("pages/about.md")
    site.check()


def test_template_theme_and_setting_changes(site):
    template = site.theme_file("templates/article.html")
    template.write_text(template.read_text(encoding="utf-8").replace("发布时间：", "发布于："), encoding="utf-8")
    site.check()
    site.settings["SITE_CONTACT"] = "电话 0871-6555 0000"
    site.check()
    site.settings["DEFAULT_PAGINATION"] = 3
    site.check()


def test_search_index_is_rebuilt_only_when_indexed_text_changes(site):
    site.settings["SEARCH_INDEX"] = True
    site.check()
    index = site.base / "output" / "pagefind" / "pagefind-entry.json"
    stamp = index.stat().st_mtime_ns
    site.check()  # nothing changed: the previous index, carried over
    assert index.stat().st_mtime_ns == stamp
    site.replace("articles/a5.md", "第二段。", "第二段，居民可以搜索到这句新话。")
    site.check()


def part_stamps(output):
    bundle = output / "pagefind"
    parts = json.loads((bundle / "linli-parts.json").read_text(encoding="utf-8"))["parts"]
    entries = [bundle / "pagefind-entry.json"] + [output / part / "pagefind-entry.json" for part in parts]
    return {entry.parent.name: entry.stat().st_mtime_ns for entry in entries}


def test_a_search_index_in_parts_reindexes_only_the_part_with_the_edit(site):
    site.settings.update(SEARCH_INDEX=True, SEARCH_PART_PAGES=3)
    site.check()
    before = part_stamps(site.base / "output")
    assert len(before) >= 3  # 7 articles, 4 notices, a page and an album: several parts
    site.replace("articles/a5.md", "第二段。", "第二段，居民可以搜索到这句新话。")
    site.check()
    after = part_stamps(site.base / "output")
    assert sorted(after) == sorted(before)
    assert len([part for part in before if after[part] != before[part]]) == 1
    site.delete("articles/a6.md")  # parts after it are made again: their pages moved
    site.check()


def test_production_extras_hashed_names_and_compressed_copies(site):
    site.settings.update(ASSET_FINGERPRINT=True, PRECOMPRESS=True)
    site.check()
    site.replace("articles/a5.md", "第二段。", "第二段，改了一句。")
    site.check()
    site.write("photos/fair/IMG_2.jpg", photo_bytes(12))  # a new photo address in every page showing it
    site.check()
    css = site.theme_file("static/css/site.css")
    css.write_text(css.read_text(encoding="utf-8") + "\n/* 新样式 */\n", encoding="utf-8")
    site.check()


def test_a_page_changed_in_the_output_folder_is_rendered_again(site):
    page = site.base / "output" / "2025" / "06" / "story-5" / "index.html"
    page.write_text("<p>改坏了</p>", encoding="utf-8")
    assert rendered_count(site.check()) == 1


def test_a_failed_build_keeps_the_previous_output_and_record(site):
    site.header("articles/a4.md", "date", "不是日期")
    assert site.check().returncode != 0
    site.header("articles/a4.md", "date", "2024-05-14 09:00")
    site.check()


def test_remembered_scans_still_report_and_sanitise_on_every_build(tmp_path):
    """The memo (plugins/memo.py) keeps results, not verdicts: a
    personal number is reported on every build, a script never comes back."""
    content = tmp_path / "content"
    (content / "articles").mkdir(parents=True)
    (content / "articles" / "a.md").write_text(
        article_source(body="报名请联系 13812345678。\n\n<script>alert(1)</script>正文。"), encoding="utf-8"
    )

    def build(output, **settings):
        overrides = {"BUILD_DATE": BUILD_DATE, "CACHE_PATH": str(tmp_path / "cache"), "SEARCH_INDEX": False,
                     "PHOTO_CACHE": str(tmp_path / "photos"), "PII_POLICY": "warn", **settings}
        argv = [str(content), "-o", str(tmp_path / output), "-s", str(ROOT / "pelicanconf.py"), "-e",
                *[f"{key}={json.dumps(value, ensure_ascii=False)}" for key, value in overrides.items()]]
        return build_in_fork(argv, tmp_path / "build.log")

    first = build("output")
    assert first.returncode == 0, first.stderr
    (kept,) = (tmp_path / "cache").glob("linli-build-*.pickle")  # the build record (plugins/build_record.py)
    memos = pickle.loads(pickle.loads(kept.read_bytes())["sections"]["memo"])["memos"]
    assert [hit[-1] for hits in memos["personal-numbers"].values() for hit in hits] == ["138****5678"]
    # Its page deleted by hand: a normal build, which reads every file and
    # renders the page again from the remembered body.
    page = next(path for path in (tmp_path / "output").rglob("*.html") if "正文" in path.read_text(encoding="utf-8"))
    page.unlink()
    second = build("output")
    assert second.returncode == 0, second.stderr
    assert "重新生成 1 页" in second.stderr
    for result in (first, second):
        assert "138****5678" in result.stderr and "13812345678" not in result.stderr
    assert "<script>alert" not in page.read_text(encoding="utf-8")
    # Nothing changed at all: the last build's warnings still stand, and are shown.
    third = build("output")
    assert "没有变化" in third.stderr and "138****5678" in third.stderr, third.stderr
    assert build("output", PII_POLICY="fail").returncode != 0


# --- random sequences ---------------------------------------------------------

class EditSequence(RuleBasedStateMachine):
    """Random sequences of the edits above; checked after every step."""

    def __init__(self):
        super().__init__()
        self.site = None

    @initialize()
    def start(self):
        base = Path(self.tmp) / uuid.uuid4().hex[:8]
        self.site = Site(base, Path(self.tmp) / "photo-cache")

    @rule(index=st.integers(0, 30), text=st.sampled_from(["补充一句。", "新的段落。\n\n又一段。", ""]))
    def edit_body(self, index, text):
        articles = self.site.articles()
        path = articles[index % len(articles)]
        self.site.write(path, self.site.read(path).rstrip("\n") + "\n\n" + text + "\n")

    @rule(index=st.integers(0, 30), key=st.sampled_from(["title", "date", "category", "tags", "status", "approver"]),
          choice=st.integers(0, 3))
    def edit_header(self, index, key, choice):
        articles = self.site.articles()
        path = articles[index % len(articles)]
        values = {
            "title": ["标题甲", "标题乙", "标题丙", "标题丁"],
            "date": ["2022-03-01 08:00", "2024-06-30 12:00", "2025-12-31 23:00", "2026-11-01 07:30"],
            "category": COLUMNS + ["便民服务"],
            "tags": ["医保", "垃圾分类、志愿服务", "新标签", "加装电梯、医保"],
            "status": ["draft", "hidden", "published", None],
            "approver": [None, "吴建国", "吴建国", None],
        }
        self.site.header(path, key, values[key][choice])

    @rule(day=st.sampled_from(["2026-11-19", "2026-11-21", "2026-11-22", "2026-11-24"]))
    def change_build_date(self, day):
        self.site.settings["BUILD_DATE"] = day

    @rule(seed=st.integers(1, 5), name=st.sampled_from(["IMG_1.jpg", "IMG_2.jpg", "IMG_9.jpg"]))
    def replace_photo(self, seed, name):
        self.site.write(f"photos/fair/{name}", photo_bytes(seed + 20))

    @rule(caption=st.sampled_from(["长桌宴", "三十张桌子的长桌宴", "邻里共聚"]))
    def album_caption(self, caption):
        text = self.site.read("photos/fair/album.md")
        head, _, rest = text.partition("- IMG_1.jpg：")
        _, _, after = rest.partition("\n")
        self.site.write("photos/fair/album.md", f"{head}- IMG_1.jpg：{caption}\n{after}")

    @rule(number=st.integers(10, 14))
    def add_article(self, number):
        self.site.write(
            f"articles/n{number}.md",
            article_source(title=f"新稿件{number}", date=f"2025-0{number - 9}-0{number - 9} 10:00", body="新稿。"),
        )

    @rule(index=st.integers(0, 30))
    def delete_or_rename(self, index):
        articles = [a for a in self.site.articles() if a not in ("articles/a3.md",)]  # a1 links to a3
        if len(articles) <= 3:
            return
        path = articles[index % len(articles)]
        if index % 2:
            self.site.delete(path)
        else:
            self.site.rename(path, path.replace(".md", "-r.md"))

    @rule(contact=st.sampled_from(["电话 0871-6555 0123", "电话 0871-6555 0999"]))
    def change_setting(self, contact):
        self.site.settings["SITE_CONTACT"] = contact

    @invariant()
    def incremental_equals_clean(self):
        if self.site is not None:
            self.site.check()


def test_random_edit_sequences(tmp_path):
    EditSequence.tmp = tmp_path
    runner = EditSequence.TestCase
    runner.settings = settings(
        max_examples=int(os.environ.get("LINLI_INCREMENTAL_EXAMPLES", "4")),
        stateful_step_count=5,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
    )
    runner().runTest()


def test_a_search_index_file_deleted_by_hand_is_made_again(site):
    site.settings.update(SEARCH_INDEX=True, SEARCH_PART_PAGES=3)
    site.check()
    bundle = site.base / "output" / "pagefind"
    (bundle / "pagefind-entry.json").unlink()
    next((bundle / "parts").rglob("*.pf_fragment")).unlink()
    site.check()  # every file of a clean build, the index's included
