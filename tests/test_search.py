"""plugins/search/service.py: Pagefind run a bundle, or kept running and lent to forked builds."""

import gzip
import json
import os
import signal
import time

import pytest

from plugins.search.index import build_parts
from plugins.search.service import (PagefindCommand, PagefindService, PagefindStopped, ServicePool, lend, lent,
                                    pagefind_indexer)

PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head>
<body><nav>导航不进索引</nav><main data-pagefind-body><h1>{title}</h1><p>{body}</p></main></body></html>
"""
PAGES = {
    "2026/03/garbage/index.html": ("垃圾分类新规", "小区垃圾分类投放点本周调整，厨余垃圾请在早七点到九点投放。"),
    "notices/water.html": ("停水通知", "因管网检修，三号楼周六上午停水，请居民提前储水。"),
}


@pytest.fixture
def pages(tmp_path):
    site = tmp_path / "site"
    for path, (title, body) in PAGES.items():
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_text(PAGE.format(title=title, body=body), encoding="utf-8")
    return site


@pytest.fixture(autouse=True)
def nothing_lent():
    lend(None)
    yield
    lend(None)


def bundle_pages(bundle):
    """{url: (title, content)} of every page a Pagefind bundle holds."""
    found = {}
    for fragment in (bundle / "fragment").iterdir():
        data = gzip.decompress(fragment.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        page = json.loads(data[len(b"pagefind_dcd"):])
        found[page["url"]] = (page["meta"]["title"], page["content"].replace("\u200b", "").replace(" ", ""))
    return found


def bundle_bytes(bundle):
    return {str(path.relative_to(bundle)): path.read_bytes() for path in sorted(bundle.rglob("*")) if path.is_file()}


def test_a_service_indexes_a_folder_as_the_command_line_does(pages, tmp_path):
    PagefindCommand().index(pages, tmp_path / "by-command")
    entry = json.loads((tmp_path / "by-command" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"]["zh-cn"]["page_count"] == 2
    found = bundle_pages(tmp_path / "by-command")
    # Addresses as the site serves them; the text is the page's body only.
    assert set(found) == {"/2026/03/garbage/", "/notices/water.html"}
    title, content = found["/notices/water.html"]
    assert title == "停水通知" and "三号楼周六上午停水" in content and "导航" not in content
    service = PagefindService()
    try:
        service.index(pages, tmp_path / "by-service")
    finally:
        service.close()
    assert not service.running()
    assert bundle_bytes(tmp_path / "by-service") == bundle_bytes(tmp_path / "by-command")


def test_a_build_alone_runs_the_command_line_and_one_the_devserver_may_stop_never_shares(pages, tmp_path):
    assert isinstance(pagefind_indexer(), PagefindCommand)
    service = PagefindService().start()
    try:
        lend(service)
        assert pagefind_indexer() is service
        assert isinstance(pagefind_indexer(started=lambda process: None), PagefindCommand)
    finally:
        service.close()
    assert isinstance(pagefind_indexer(), PagefindCommand)  # the lent one ended


def test_one_service_writes_many_bundles_each_as_a_fresh_one_would(pages, tmp_path):
    service = PagefindService().start()
    try:
        service.index(pages, tmp_path / "first")
        (pages / "notices" / "water.html").unlink()  # the second bundle is of other pages
        service.index(pages, tmp_path / "second")
        service.index(pages, tmp_path / "third")
        assert service.running()
    finally:
        service.close()
    assert len(bundle_pages(tmp_path / "first")) == 2
    assert set(bundle_pages(tmp_path / "second")) == {"/2026/03/garbage/"}
    PagefindCommand().index(pages, tmp_path / "fresh")
    # Nothing of an earlier index is carried into a later one.
    assert bundle_bytes(tmp_path / "second") == bundle_bytes(tmp_path / "fresh") == bundle_bytes(tmp_path / "third")


def test_a_forked_build_indexes_with_the_lent_service_which_outlives_it(pages, tmp_path):
    pool = ServicePool()
    try:
        pool.lend(0)
        slot_service = lent()
        for number in range(2):  # two builds, one after the other, on the same slot
            pid = os.fork()
            if pid == 0:
                code = 1
                try:
                    indexer = pagefind_indexer()
                    code = 0 if indexer is slot_service else 2
                    indexer.index(pages, tmp_path / f"bundle{number}")
                finally:
                    os._exit(code)
            assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
            assert len(bundle_pages(tmp_path / f"bundle{number}")) == 2
            pool.lend(0)
            assert lent() is slot_service and slot_service.running()  # the same process, still there
    finally:
        pool.close()
    assert not slot_service.running() and lent() is None


def test_a_slot_whose_build_failed_or_whose_service_ended_gets_a_new_one(pages, tmp_path):
    pool = ServicePool()
    try:
        pool.lend(0)
        first = lent()
        pool.retire(0)  # a build on slot 0 failed, perhaps half-way through a conversation
        assert not first.running()
        pool.lend(0)
        second = lent()
        assert second is not first and second.running()
        second.process.kill()
        second.process.wait()
        pool.lend(0)
        third = lent()
        assert third is not second and third.running()
        third.index(pages, tmp_path / "bundle")
        assert len(bundle_pages(tmp_path / "bundle")) == 2
        for _ in range(ServicePool.BUILDS_A_SERVICE - 1):
            pool.lend(0)
        assert lent() is third  # it served its share of builds …
        pool.lend(0)
        assert lent() is not third and not third.running()  # … and a new one takes over
    finally:
        pool.close()


def test_retiring_a_slots_service_does_not_wait_for_the_builds_on_other_slots():
    pool = ServicePool()
    sibling = None
    try:
        pool.lend(0)
        pool.lend(1)
        retired = lent()
        sibling = os.fork()  # a build on slot 0: it holds a copy of slot 1's pipes
        if sibling == 0:
            time.sleep(60)
            os._exit(0)
        began = time.monotonic()
        pool.retire(1)
        # Waiting for the end of the service's input would last as long as the sibling.
        assert time.monotonic() - began < 5
        assert not retired.running()
    finally:
        if sibling:
            os.kill(sibling, signal.SIGKILL)
            os.waitpid(sibling, 0)
        pool.close()


def test_a_service_that_ended_is_an_error_not_a_hang(pages, tmp_path):
    service = PagefindService().start()
    service.process.kill()
    service.process.wait()
    with pytest.raises(PagefindStopped):
        service.index(pages, tmp_path / "bundle")
    service.close()


def test_an_index_the_devserver_stops_is_no_error_and_one_that_fails_is(pages, tmp_path, caplog):
    processes = []

    def stop_it(process):  # what the devserver does when a newer save comes in
        processes.append(process)
        process.kill()

    assert build_parts(str(pages), [sorted(PAGES)], started=stop_it) is False
    assert processes and "search index failed" not in caplog.text

    # Pagefind refusing a site (no page to index) is reported, with its words.
    empty = tmp_path / "empty"
    empty.mkdir()
    assert build_parts(str(empty), [[]]) is False
    assert "search index failed: Error: Pagefind was not able to build an index" in caplog.text
    caplog.clear()

    # A lent service that ended after the pool looked: the forked build
    # says the index failed (its site is not published), it does not hang.
    dead = PagefindService().start()
    lend(dead)
    dead.process.kill()  # not waited for: the forked build sees it as running
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            failed = build_parts(str(pages), [sorted(PAGES)]) is False
            code = 0 if failed and "search index failed" in caplog.text else 3
        finally:
            os._exit(code)
    assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
    dead.close()
