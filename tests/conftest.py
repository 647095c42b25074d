"""Shared fixtures: build a site (the demo, or a small one made in a test)
with a fixed BUILD_DATE into a temporary folder, and read its output."""

import functools
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import traceback
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pelican import main as pelican_main

ROOT = Path(__file__).resolve().parents[1]

# The tests' temporary folders (pytest's tmp_path, some 400 MB of small sites
# per run) in memory when the machine has room there: the thousands of
# files each build writes, renames and deletes cost a fifth of the suite's
# time on a disk. PYTEST_DEBUG_TEMPROOT is pytest's own setting for it; one
# given by the caller wins, and so does --basetemp.
def _temporary_root():
    shm = Path("/dev/shm")
    try:
        if os.access(shm, os.W_OK) and shutil.disk_usage(shm).free > 4 * 2**30:
            return str(shm)
    except OSError:
        pass
    return None


if "PYTEST_DEBUG_TEMPROOT" not in os.environ and _temporary_root():
    os.environ["PYTEST_DEBUG_TEMPROOT"] = _temporary_root()
BUILD_DATE = "2026-11-20"
SMALL_SITE_ALLOW = ["/favicon.svg", "/guide/"]
# The photo cache of every build of the demo that names none: pelicanconf.py's
# PHOTO_CACHE, shared by `make html` and `make devserver`. Tests that build the
# demo and compare anything but the photo pipeline use it, so the demo's
# photos are made once per run, not once per build.
DEMO_PHOTO_CACHE = ROOT / ".cache" / "photos"


# How `make test` shares the tests between xdist workers (--dist loadscope,
# with the scopes below). A file's tests run on one worker, in order, so that
# its module fixtures are made once (as with --dist loadfile) — except in the
# files of SPREAD, whose tests each build their own sites: those are handed
# out one at a time to whichever worker is free. tests/browser is one scope:
# one Chromium.
SPREAD = {
    "tests/test_incremental.py", "tests/test_quick.py", "tests/test_parallel.py", "tests/test_devserver.py",
    "tests/test_safety.py", "tests/test_leaks.py", "tests/test_notices.py", "tests/test_editorial.py",
    "tests/test_links.py", "tests/test_assets.py", "tests/test_privacy.py", "tests/test_metadata.py",
    "tests/test_gallery.py", "tests/site/test_demo_dates.py", "tests/site/test_preview_site.py",
    "tests/site/test_albums_site.py", "tests/site/test_html_valid.py", "tests/test_network.py",
}
# Handed out first, longest first (the rest in the order collected), so
# that no long piece of work is left for the end while the other worker idles.
FIRST = [
    "tests/browser", "tests/test_network.py", "tests/test_quick.py", "tests/test_incremental.py",
    "tests/test_parallel.py", "tests/test_deploy.py", "tests/site/test_preview_site.py", "tests/test_devserver.py",
]


def _file_scope(nodeid):
    path = nodeid.split("::")[0]
    return "tests/browser" if path.startswith("tests/browser/") else path


def work_unit(nodeid):
    """What one worker runs as a whole: a file (or tests/browser), or one test."""
    scope = _file_scope(nodeid)
    return nodeid if scope in SPREAD else scope


def pytest_collection_modifyitems(config, items):
    def rank(item):
        scope = _file_scope(item.nodeid)
        return FIRST.index(scope) if scope in FIRST else len(FIRST)

    items.sort(key=rank)  # stable: each file keeps its order


@pytest.hookimpl(tryfirst=True, optionalhook=True)  # optional: pytest -p no:xdist
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class Scheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            return work_unit(nodeid)

    config.option.loadscopereorder = False  # the order above, not by size
    return Scheduling(config, log)


class Build:
    def __init__(self, output, result):
        self.root = Path(output)
        self.result = result
        self.returncode = result.returncode
        self.log = result.stdout + result.stderr

    def path(self, relative):
        return self.root / relative.lstrip("/")

    def text(self, relative):
        return self.path(relative).read_text(encoding="utf-8")

    def html(self, relative):
        relative = relative.lstrip("/")
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        return BeautifulSoup(self.text(relative), "lxml")

    def files(self):
        return sorted(p for p in self.root.rglob("*") if p.is_file())


def run_module(module, *args, env=None, timeout=None, fresh=False):
    """``python -m module args`` from the project folder, as a separate
    command (``subprocess.run(…, capture_output=True, text=True)``), through
    tests/forkserver.py: Pelican is not imported again for every command.
    ``fresh=True``: a new interpreter (its own hash seed)."""
    from tests import forkserver

    return forkserver.run_module(module, args, dict(os.environ) if env is None else env, ROOT,
                                 timeout=timeout, fresh=fresh)


@pytest.fixture(scope="session", autouse=True)
def _stop_fork_servers():
    yield
    from tests import forkserver

    forkserver.stop_all()


def run_pelican(content, output, settings_file="pelicanconf.py", cache=None, fresh=False, **settings):
    """Run Pelican as an editor would (a separate command: run_module), with
    settings as -e KEY=JSON. ``fresh=True``: in a new interpreter, for a
    build compared byte for byte with another."""
    settings.setdefault("BUILD_DATE", BUILD_DATE)
    if Path(content) != ROOT / "content":
        # A small test site has neither the demo's favicon nor its 办事指南
        # page, which the theme and NAV_LINKS link to (tests/test_links.py).
        settings.setdefault("LINK_CHECK_ALLOW", SMALL_SITE_ALLOW)
    if cache is not None:
        settings.setdefault("CACHE_PATH", str(cache))
    overrides = [f"{key}={json.dumps(value, ensure_ascii=False)}" for key, value in settings.items()]
    arguments = [str(content), "-o", str(output), "-s", str(ROOT / settings_file), "-e", *overrides]
    env = dict(os.environ, PYTHONIOENCODING="utf-8", COLUMNS="200", TERM="dumb")
    result = run_module("pelican", *arguments, env=env, timeout=600, fresh=fresh)
    return Build(output, result)


def shared(tmp_path_factory, name, make):
    """``make(folder)`` once per test run: the first xdist worker to ask
    makes it, another waits for it (a lock file) and gets the same folder
    and what ``make`` returned (JSON). Only for what tests read and never change."""
    import fcntl

    base = tmp_path_factory.getbasetemp()
    # Workers' folders (popen-gw0 …) sit in the run's own folder.
    root = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / f"shared-{name}"
    root.mkdir(exist_ok=True)
    with open(root / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        record = root / "result.json"
        if not record.exists():
            record.write_text(json.dumps(make(root)), encoding="utf-8")
        return root, json.loads(record.read_text(encoding="utf-8"))


def shared_build(tmp_path_factory, name, content, settings_file="pelicanconf.py", **settings):
    """``run_pelican`` made once per test run (``shared``)."""

    def build(root):
        result = run_pelican(content, root / "output", settings_file, cache=root / "cache", **settings).result
        return {"args": result.args, "returncode": result.returncode, "stdout": result.stdout, "stderr": result.stderr}

    root, saved = shared(tmp_path_factory, name, build)
    result = subprocess.CompletedProcess(saved["args"], saved["returncode"], saved["stdout"], saved["stderr"])
    return Build(root / "output", result)


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory):
    """The demo site, built once per test run (shared by the xdist workers)."""
    build = shared_build(tmp_path_factory, "demo", ROOT / "content")
    assert build.returncode == 0, build.log
    return build


@pytest.fixture(scope="session")
def published_demo(tmp_path_factory):
    """The demo built for production (publishconf.py, `make publish`), once
    per test run: read by the preview-traces and deploy tests."""
    build = shared_build(tmp_path_factory, "publish", ROOT / "content", "publishconf.py")
    assert build.returncode == 0, build.log
    return build


@pytest.fixture
def make_site(tmp_path):
    """Copy a small content tree into tmp_path and build it.

    ``make_site({"articles/a.md": "...", ...}, **settings)``
    """

    def build(files, settings_file="pelicanconf.py", output=None, fresh=False, **settings):
        content = tmp_path / "content"
        for relative, data in files.items():
            target = content / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, bytes):
                target.write_bytes(data)
            else:
                target.write_text(data, encoding="utf-8")
        for folder in ("articles", "pages"):
            (content / folder).mkdir(parents=True, exist_ok=True)
        return run_pelican(content, output or tmp_path / "output", settings_file, cache=tmp_path / "cache", fresh=fresh,
                           **settings)

    return build


def article_source(title="测试文章", date="2026-01-05 10:00", category="社区动态", body="正文内容。", **extra):
    """A complete article file with all three sign-offs, for small test sites."""
    header = {
        "title": title, "date": date, "category": category,
        "editor": "韩思远", "reviewer": "罗美华", "approver": "吴建国",
    }
    header.update(extra)
    lines = [f"{key}: {value}" for key, value in header.items() if value is not None]
    return "\n".join(lines) + "\n\n" + body + "\n"


def flat_log(log):
    """A build log as one line: without Rich's wrapping, indentation and the
    logger's own ``common.py:89`` column, so a message can be searched whole."""
    return re.sub(r"(common|atomic)\.py:\d+", "", "".join(log.split()))


def copy_demo_content(target):
    shutil.copytree(ROOT / "content", target)
    return target


def files_containing(root, needle):
    """Every output file whose bytes contain ``needle`` — gzip- and
    Brotli-compressed files (precompressed pages, the search index) are
    searched decompressed too."""
    import gzip
    import zlib

    import brotli

    wanted = needle.encode("utf-8")
    hits = []
    for path in sorted(Path(root).rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            try:
                data += gzip.decompress(data)
            except (OSError, EOFError, zlib.error):
                pass
        elif path.suffix == ".br":
            data += brotli.decompress(data)
        if wanted in data:
            hits.append(str(path.relative_to(root)))
    return hits


def require_tool(available, what):
    """Skip a check whose outside tool is missing on a developer's machine;
    in CI (.ci/run sets LINLI_REQUIRE_TOOLS) a missing tool is a failure."""
    if available:
        return
    if os.environ.get("LINLI_REQUIRE_TOOLS"):
        pytest.fail(f"{what} is missing: run `bash .ci/run`, which installs it")
    pytest.skip(f"{what} is not installed (bash .ci/run installs it)")


@pytest.fixture
def devserver(tmp_path):
    """Start ``DevServer(tmp_path, files, …)`` (tests/devserver.py); stopped after the test."""
    from tests.devserver import DevServer

    started = []

    def start(files, settings_file=None, **settings):
        server = DevServer(tmp_path, files, settings_file, **settings)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


class Result:
    def __init__(self, returncode, stderr):
        self.returncode = returncode
        self.stderr = stderr


@functools.cache
def _prepare_forked_builds():
    """Once per worker, as `make html-all` does before forking its sites'
    builds: the checkout's theme compiled, and what its templates read."""
    from plugins.network.build import prepare_forked_builds

    prepare_forked_builds(str(ROOT / "pelicanconf.py"))


def build_in_fork(argv, log, before=None):
    """`pelican ARGV` as the command line runs it, in a forked child: the
    modules are already imported (a build of this site takes a fraction of a
    second instead of seconds) and no state survives from one build to the
    next, as with separate commands. ``before()`` runs in the child first
    (a test's patch lives only as long as that build)."""
    _prepare_forked_builds()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 2
        try:
            descriptor = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(descriptor, 1)
            os.dup2(descriptor, 2)
            # pytest captures by replacing sys.stdout/err: point them at the log.
            sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
            sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
            os.chdir(ROOT)
            # pytest's log capture sits on the root logger, and Pelican adds
            # its own handler only to a root logger without one.
            root = logging.getLogger()
            for handler in list(root.handlers):
                root.removeHandler(handler)
            if before is not None:
                before()
            try:
                pelican_main(argv)
                code = 0
            except SystemExit as stop:
                code = stop.code if isinstance(stop.code, int) else 1
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return Result(os.waitstatus_to_exitcode(status), Path(log).read_text(encoding="utf-8", errors="replace"))


def tree(root):
    """Every file under ``root`` with its bytes."""
    root = Path(root)
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# --- reference builds of tests/test_incremental.py and tests/test_quick.py -----

_CLEAN = {"store": None, "builds": {}}


@pytest.fixture(scope="session", autouse=True)
def _clean_reference_store(tmp_path_factory):
    _CLEAN["store"] = tmp_path_factory.mktemp("clean-references")


def _tree_digest(root):
    import hashlib

    digest = hashlib.sha256()
    for name, data in tree(root).items():
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def clean_reference(site, clean_dir):
    """``site.build`` of a clean build into ``clean_dir`` (output, cache and
    photo cache all new), made once per test session for the same content,
    theme and settings: many tests start from the same site or make the
    same first edit. A clean build is a function of those alone (which
    tests/site/test_site.py's byte-identical builds and the comparisons
    themselves keep checking), so a later test gets a copy of the output
    the first one built. The site's own folder (in THEME) is left out of
    the key: it differs from test to test, never between a site's builds."""
    import hashlib

    settings = json.dumps(site.settings, sort_keys=True, ensure_ascii=False).replace(str(site.base), "<site>")
    key = hashlib.sha256(
        "\n".join([_tree_digest(site.content), _tree_digest(site.theme), settings]).encode("utf-8")
    ).hexdigest()
    clean_dir.mkdir(parents=True, exist_ok=True)
    known = _CLEAN["builds"].get(key)
    if known is not None:
        returncode, stderr, stored = known
        if stored is not None:
            shutil.copytree(stored, clean_dir / "output")
        return Result(returncode, stderr)
    clean = site.build(clean_dir / "output", clean_dir / "cache", clean_dir / "photos")
    stored = None
    if clean.returncode == 0 and _CLEAN["store"] is not None:
        stored = _CLEAN["store"] / key
        shutil.copytree(clean_dir / "output", stored)
    _CLEAN["builds"][key] = (clean.returncode, clean.stderr, stored)
    return clean

