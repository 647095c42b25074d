"""Pages rendered on several cores (plugins/safety/parallel.py) are the pages
one process renders, byte for byte, and everything a forked renderer did —
log records, link records, the incremental record, errors — reaches the
build as if it had rendered alone."""

import json
import logging
import os
import re

import pytest

from plugins.safety import writer as writer_module
from tests.conftest import DEMO_PHOTO_CACHE, ROOT, article_source, build_in_fork, copy_demo_content, flat_log, tree

BUILD_DATE = "2026-11-20"


def build(tmp_path, content, name, settings_file="pelicanconf.py", before=None, **settings):
    base = tmp_path / name
    # What is tested is rendering on several processes: a quick rebuild
    # (plugins/incremental/quick.py) renders a few pages in one, or none.
    settings = {"BUILD_DATE": BUILD_DATE, "CACHE_PATH": str(base / "cache"),
                "PHOTO_CACHE": str(tmp_path / "photo-cache"), "SEARCH_INDEX": False, "QUICK_REBUILD": False,
                **settings}
    argv = [str(content), "-o", str(base / "output"), "-s", str(ROOT / settings_file), "-e",
            *[f"{key}={json.dumps(value, ensure_ascii=False)}" for key, value in settings.items()]]
    base.mkdir(parents=True, exist_ok=True)
    result = build_in_fork(argv, base / "build.log", before)
    result.output = base / "output"
    return result


def messages(log):
    """The build's log lines in a stable order (processes finish in any),
    without the lines naming the output folder or the time taken, nor the
    clock time a warning is shown at."""
    skipped = ("已发布到", "Done:", "pages and")
    lines = (re.sub(r"^\[\d\d:\d\d:\d\d\] ", " " * 11, line) for line in log.splitlines())
    return sorted(line for line in lines if not any(text in line for text in skipped))


@pytest.fixture(scope="module")
def demo_content(tmp_path_factory):
    target = tmp_path_factory.mktemp("parallel-demo") / "content"
    copy_demo_content(target)
    return target


@pytest.mark.parametrize("settings_file", ["pelicanconf.py", "publishconf.py"])
def test_the_demo_rendered_on_several_processes_equals_one(tmp_path, demo_content, settings_file):
    photos = str(DEMO_PHOTO_CACHE)  # the demo's photos, made once: pages are what is compared
    one = build(tmp_path, demo_content, "one", settings_file, RENDER_PROCESSES=1, PHOTO_CACHE=photos)
    assert one.returncode == 0, one.stderr
    for processes in (2, 3):
        many = build(tmp_path, demo_content, f"many-{processes}", settings_file, RENDER_PROCESSES=processes,
                     PHOTO_CACHE=photos)
        assert many.returncode == 0, many.stderr
        got, want = tree(many.output), tree(one.output)
        assert sorted(got) == sorted(want)
        assert [name for name in want if got[name] != want[name]] == []
        assert messages(many.stderr) == messages(one.stderr)


def many_articles(content, count=12, body=lambda number: f"第 {number} 篇正文。"):
    for number in range(count):
        path = content / "articles" / f"a{number:02d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            article_source(title=f"第{number}篇", date=f"2026-03-{number + 1:02d} 09:00", slug=f"story-{number}",
                           body=body(number)),
            encoding="utf-8",
        )


def test_links_broken_on_pages_a_child_rendered_are_reported_with_file_and_line(tmp_path):
    content = tmp_path / "content"
    many_articles(content, body=lambda number: f"第 {number} 篇。\n\n见[旧页面](/old-{number}/)。")
    result = build(tmp_path, content, "site", RENDER_PROCESSES=2)
    assert result.returncode == 0, result.stderr
    log = flat_log(result.stderr)
    for number in range(12):
        assert f"a{number:02d}.md:11" in log, number  # the line of the link, below the header
        assert f"/old-{number}/" in log


def test_the_record_of_pages_rendered_by_children_lets_the_next_build_carry_them(tmp_path):
    content = tmp_path / "content"
    many_articles(content)
    before = built_tree(tmp_path, content, "site", RENDER_PROCESSES=2)
    again = build(tmp_path, content, "site", RENDER_PROCESSES=2)
    assert again.returncode == 0, again.stderr
    assert "重新生成 0 页" in again.stderr
    assert tree(again.output) == before


def _in_children(action):
    """Patch the writer, in the build's fork, so that ``action(job)`` runs
    before each page a forked renderer (not the build process) renders."""
    def before():
        build_pid = os.getpid()
        render_job = writer_module.GuardedWriter.render_job

        def patched(self, job):
            if os.getpid() != build_pid:
                action(job)
            return render_job(self, job)

        writer_module.GuardedWriter.render_job = patched
    return before


def built_tree(tmp_path, content, name, **settings):
    """The output of a build that must succeed, file by file."""
    result = build(tmp_path, content, name, **settings)
    assert result.returncode == 0, result.stderr
    return tree(result.output)


def _reference(tmp_path, content):
    return built_tree(tmp_path, content, "one", RENDER_PROCESSES=1)


def _fail(job):
    raise RuntimeError("only in the child")


def _die(job):
    os._exit(9)


@pytest.mark.parametrize("trouble", [_fail, _die], ids=["a page fails", "the child dies"])
def test_what_a_child_could_not_render_is_rendered_by_the_build(tmp_path, trouble):
    content = tmp_path / "content"
    many_articles(content)
    result = build(tmp_path, content, "many", before=_in_children(trouble), RENDER_PROCESSES=2)
    assert result.returncode == 0, result.stderr
    assert tree(result.output) == _reference(tmp_path, content)


def test_an_error_a_child_logs_fails_the_build_and_is_shown(tmp_path):
    content = tmp_path / "content"
    many_articles(content)
    published = built_tree(tmp_path, content, "many", RENDER_PROCESSES=2)

    def complain(job):
        if job.name.endswith("story-5/index.html") or job.name.endswith("story-5.html"):
            logging.getLogger("plugins.test").error("子进程报告的错误 / error in a renderer")

    failed = build(tmp_path, content, "many", before=_in_children(complain), RENDER_PROCESSES=12)
    assert failed.returncode != 0
    assert "子进程报告的错误" in failed.stderr
    assert tree(tmp_path / "many" / "output") == published  # output/ untouched


def test_a_render_error_fails_the_build_with_its_traceback(tmp_path):
    content = tmp_path / "content"
    many_articles(content)
    first = build(tmp_path, content, "many", RENDER_PROCESSES=2)
    published = tree(first.output)

    def before():
        render_job = writer_module.GuardedWriter.render_job

        def patched(self, job):
            if "story-7" in job.name:
                raise ValueError("模板出错 / a template failed")
            return render_job(self, job)

        writer_module.GuardedWriter.render_job = patched

    failed = build(tmp_path, content, "many", before=before, RENDER_PROCESSES=2)
    assert failed.returncode != 0
    assert "模板出错" in failed.stderr
    assert tree(first.output) == published


def test_two_processes_writing_one_file_is_the_same_error_as_in_one(tmp_path, caplog):
    writer = writer_module.GuardedWriter(str(tmp_path), settings={"RENDER_PROCESSES": 1, **_writer_settings()})
    writer._owners[os.path.join(str(tmp_path), "news/index.html")] = "articles/a.md"
    with caplog.at_level(logging.ERROR):
        writer.adopt_owners({os.path.join(str(tmp_path), "news/index.html"): "articles/b.md",
                             os.path.join(str(tmp_path), "other/index.html"): "articles/c.md"})
    errors = [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert "news/index.html" in errors[0] and "articles/a.md" in errors[0]


def _writer_settings():
    from pelican.settings import DEFAULT_CONFIG

    return dict(DEFAULT_CONFIG)


def test_markdown_bodies_are_converted_on_several_processes_to_the_same_pages(tmp_path):
    content = tmp_path / "content"
    many_articles(content, count=16, body=lambda number: f"第 {number} 篇。\n\n| 项目 | 数量 |\n|---|---|\n| 桌椅 | {number} |\n")
    calls = tmp_path / "convert-calls"

    def before():
        from markdown import Markdown

        convert = Markdown.convert

        def counted(self, source):
            with open(calls, "a", encoding="utf-8") as out:
                out.write(f"{os.getpid()}\n")
            return convert(self, source)

        Markdown.convert = counted

    many = build(tmp_path, content, "many", before=before, RENDER_PROCESSES=2)
    assert many.returncode == 0, many.stderr
    assert len(set(calls.read_text().split())) == 2  # the build process and one child
    assert len(calls.read_text().split()) == 16  # each body once: the reader used the results
    assert tree(many.output) == _reference(tmp_path, content)


def test_what_plugins_ask_ahead_is_computed_beside_the_markdown_not_again_by_the_reader(tmp_path):
    """Sanitising, the personal-number scan and the proofreading lint of a
    clean build run on every core with the Markdown conversion
    (plugins/memo.py ``compute_ahead``): each of the 16 files once, and the
    reader's calls find the results."""
    content = tmp_path / "content"
    many_articles(content, count=16, body=lambda number: f"第 {number} 篇,居民 {number} 人参加。\n\n- 一项\n- 两项\n")
    calls = tmp_path / "ahead-calls"

    def before():
        from plugins import privacy, proofread
        from plugins.safety import sanitize

        def counted(module, name):
            function = getattr(module, name)

            def count(*args):
                with open(calls, "a", encoding="utf-8") as out:
                    out.write(f"{name} {os.getpid()}\n")
                return function(*args)

            setattr(module, name, count)

        counted(sanitize, "clean_html")
        counted(privacy, "_numbers_by_line")
        counted(proofread, "lint_text")

    def made(result):
        assert result.returncode == 0, result.stderr
        lines = [line.split() for line in calls.read_text().splitlines()]
        calls.unlink()
        return {name: ([pid for called, pid in lines if called == name]) for name in
                ("clean_html", "_numbers_by_line", "lint_text")}

    one = made(build(tmp_path, content, "one", before=before, RENDER_PROCESSES=1))
    many = build(tmp_path, content, "many", before=before, RENDER_PROCESSES=2)
    shared = made(many)
    for name, pids in shared.items():
        assert len(pids) == len(one[name]) >= 16, name  # no file's result computed twice
        assert len(set(pids)) == 2, name  # the build process and one child
    assert tree(many.output) == tree(tmp_path / "one" / "output")


def test_a_link_out_of_content_is_not_read_ahead_either(tmp_path):
    """A clean build big enough to convert Markdown on every core refuses a
    link out of content/ as a one-process build does, and never reads the
    file it points at (SPEC §5: nothing outside content/ is read)."""
    content = tmp_path / "content"
    many_articles(content, count=90)
    outside = tmp_path / "outside.md"
    outside.write_text(article_source(title="外部", slug="outside", body="不该读到的内容。"), encoding="utf-8")
    os.symlink(outside, content / "articles" / "link.md")
    reads = tmp_path / "reads"

    def before():
        from plugins.metadata import encoding

        read_source = encoding.read_source

        def counted(path, *args, **kwargs):
            with open(reads, "a", encoding="utf-8") as out:
                out.write(f"{os.path.realpath(path)}\n")
            return read_source(path, *args, **kwargs)

        encoding.read_source = counted
        import plugins.metadata.reader as reader

        reader.read_source = counted

    result = build(tmp_path, content, "site", before=before, RENDER_PROCESSES=2)
    assert result.returncode != 0 and "link.md" in flat_log(result.stderr)
    read = set(reads.read_text(encoding="utf-8").split())
    assert str(content.resolve() / "articles" / "a01.md") in read  # the counting saw the others
    assert str(outside.resolve()) not in read
