"""`make devserver`: build, serve on localhost, and rebuild on every save.

    python -m plugins.devserver content -o output -s pelicanconf.py [-p 8000] [-b 127.0.0.1] [-e KEY=VALUE …]

(the arguments are Pelican's own). One process keeps the Pelican object
alive between builds, like ``pelican -r``, and serves output/ while it
builds; the page open in the browser reloads itself after each good build
and shows the errors of a failed one (file, line, message) over the last good
version. A save that changed only the body of an article or page shows that
page first (fast.py), then the normal build runs; a newer save stops a
build that has become moot. A change to plugin code or to the settings file
restarts the process, so the next build runs the new code.
"""

import contextlib
import logging
import os
import queue
import re
import sys
import threading
import time
import traceback
from pathlib import Path

import watchfiles
from pelican import LOG_HANDLERS, get_config, get_instance, parse_arguments, signals
from pelican.log import LimitFilter, console
from pelican.log import init as init_logging
from pelican.settings import DEFAULT_CONFIG, read_settings

from .. import privacy
from ..common import location, relative_path
from ..events import site_complete, site_rendered, site_verified, site_written
from ..safety.atomic import BuildFailed
from ..search.index import index_later
from .fast import FastPages, Recorder, Refused, forget_memoised
from .server import BuildStatus, digest, make_server, serve_in_background

PLUGINS_DIR = Path(__file__).resolve().parents[1]
# file:line: message, as plugins.common.report_error logs it.
_AT_LINE = re.compile(r"^(?P<file>[^\n]+?):(?P<line>\d+): (?P<message>.*)$", re.S)
_AT_FILE = re.compile(r"^(?P<file>[^\n:]+?): (?P<message>.*)$", re.S)
# The summary the safety plugin logs after the errors themselves.
_SUMMARY = re.compile(r"^构建失败")
PROGRESS_EVERY = 3.0  # seconds between "still building" lines
FAST_PAGE_LOADING = 1.0  # at most this long the build waits for the browser to load a fast page
# Files editors' programs make and remove around a save (a temporary copy
# renamed over the file, a backup, vim's "4913" probe): never a reason to build.
_TEMPORARY = re.compile(r"^\.|~$|^#.*#$|^\d+$|\.(?:sw[a-p]|tmp|saving|bak|part)$", re.I)


class Superseded(BaseException):
    """A newer save made the build in progress moot: it stops at its next
    step (a BaseException, so that no ``except Exception`` in Pelican or a
    plugin takes it for a broken file)."""


def describe(text):
    """A logged error as {file, line, message} for the page; the file only
    when the text starts with a path that exists."""
    first = text.strip()
    for pattern in (_AT_LINE, _AT_FILE):
        match = pattern.match(first)
        if match and os.path.exists(match["file"]):
            line = match.groupdict().get("line")
            return {"file": match["file"], "line": int(line) if line else None, "message": match["message"]}
    return {"file": None, "line": None, "message": first}


def describe_exception(error):
    """An exception that escaped the build (a template syntax error, a bug):
    where it happened in the editor's or the theme's files, and what."""
    filename = getattr(error, "filename", None)
    line = getattr(error, "lineno", None)
    message = getattr(error, "message", None) or str(error) or error.__class__.__name__
    if not filename:
        for frame in reversed(traceback.extract_tb(error.__traceback__)):
            if frame.filename.endswith((".html", ".xml", ".md")) or PLUGINS_DIR in Path(frame.filename).parents:
                filename, line = frame.filename, frame.lineno
                break
    if filename:
        filename = relative_path(filename)
    return {"file": filename, "line": line, "message": f"{error.__class__.__name__}: {message}"}


def forget_previous_build():
    """Pelican memoises Content.get_content and get_summary in class-level
    dicts keyed by the content object, so in a long-lived process every
    build's pages would stay in memory (and each rebuild grow slower)."""
    forget_memoised()


def forget_superseded_build():
    """What a stopped build leaves behind that the next one would not reset:
    the official sitemap plugin's queue of written pages (it empties it only
    after writing the sitemap). Its staging folder is removed when the next
    build starts."""
    module = sys.modules.get("pelican.plugins.sitemap.sitemap")
    generator = getattr(module, "generator", None)
    if generator is not None:
        generator.page_queue = []
        generator._main_pelican = None


def log_escaped(error, exception):
    """The terminal shows what the page shows; the traceback only with -D."""
    where = location(error["file"], error["line"]) + ": " if error["file"] else ""
    log = logging.getLogger("linli")
    log.error("%s%s", where, error["message"], exc_info=exception if log.isEnabledFor(logging.DEBUG) else None)


class ErrorCollector(logging.Handler):
    """The errors one build logs, as the terminal shows them."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.errors = []

    def emit(self, record):
        try:
            text = record.getMessage()
        except Exception:  # a malformed log call must not stop the build
            text = str(record.msg)
        if not _SUMMARY.match(text):
            self.errors.append(describe(text))


@contextlib.contextmanager
def collecting():
    collector = ErrorCollector()
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        yield collector
    finally:
        root.removeHandler(collector)


class Progress:
    """A line every few seconds while a build runs, so a long first build or
    a batch of photos never looks like a hang."""

    def __init__(self):
        self.read = 0
        self.written = 0
        self._done = threading.Event()
        self._thread = None

    def count_read(self, *args, **kwargs):
        self.read += 1

    def count_written(self, *args, **kwargs):
        self.written += 1

    def start(self):
        self.read = self.written = 0
        self._done.clear()
        self._started = time.monotonic()
        self._thread = threading.Thread(target=self._tick, name="preview-progress", daemon=True)
        self._thread.start()

    def stop(self):
        self._done.set()
        if self._thread:
            self._thread.join()

    def _tick(self):
        while not self._done.wait(PROGRESS_EVERY):
            elapsed = time.monotonic() - self._started
            console.print(
                f"… 仍在构建（{elapsed:.0f} 秒）：已读取 {self.read} 篇稿件，已写出 {self.written} 个文件"
                f" / still building ({elapsed:.0f} s): {self.read} read, {self.written} written",
                highlight=False,
            )


class Preview:
    def __init__(self, args):
        self.args = args
        self.pelican = None
        self.status = BuildStatus()
        self.progress = Progress()
        self.recorder = Recorder()
        self.fast = FastPages(self.recorder)
        self.sources = frozenset()  # articles and pages of the last good build
        # Something other than an article's or page's body changed since the
        # last good build: no fast page until a build has taken it in.
        self.dirty = False
        # The next good build reloads every open page, not only those whose
        # text changed (pieces alone change nothing but the pages' text).
        self.reload_all = True
        self.building = False
        self._build_thread = None
        self.supersede = threading.Event()
        # blinker holds receivers weakly: bound methods of a live object.
        signals.content_object_init.connect(self.progress.count_read)
        signals.content_written.connect(self.progress.count_written)
        # Where a build may stop for a newer save: while it reads, while it
        # writes, between the steps before its output is swapped in.
        signals.content_object_init.connect(self.checkpoint)
        signals.content_written.connect(self.checkpoint)
        for stage in (site_rendered, site_written, site_verified, site_complete):
            stage.connect(self.checkpoint)
        self.number = 0  # good builds of this process
        self.fast_pages = 0  # fast pages shown by this process
        self.indexing = None  # the search index of the last build, made after it was shown
        self._indexer = None  # its Pagefind process
        self._indexer_lock = threading.Lock()
        self._indexer_stopped = False
        # Build ids grow across restarts, so a page served before one reloads after it.
        self.first_id = int(time.time() * 1000)
        try:  # where to serve and what to watch, even if the settings are broken
            self.settings = read_settings(args.settings, override=get_config(args))
        except Exception:
            self.settings = {**DEFAULT_CONFIG, "OUTPUT_PATH": os.path.abspath("output"),
                             "PATH": os.path.abspath("content"), **get_config(args)}

    def load(self):
        """Read the settings and register the plugins; False (and the errors
        shown in the page) when that fails, e.g. a typo in pelicanconf.py."""
        escaped = None
        with collecting() as collector:
            try:
                self.pelican, self.settings = get_instance(self.args)
                # The edited page first; the search index catches up after it.
                self.settings["SEARCH_INDEX_LATER"] = True
                # Its server threads must not be forked: pages render in this process.
                self.settings["RENDER_PROCESSES"] = 1
                # It keeps the last build in memory for its own fast path.
                self.settings["QUICK_REBUILD"] = False
            except Exception as error:
                escaped = error
                collector.errors.append(describe_exception(error))
        if escaped:
            log_escaped(collector.errors[-1], escaped)
        if collector.errors:
            self.status.update(state="failed", errors=collector.errors)
            console.print("设置或插件有错误，修改保存后自动重启 / settings or plugins failed to load; "
                          "fix and save to restart", style="bold red", highlight=False)
            return False
        return True

    def watched(self):
        paths = [self.settings["PATH"], self.settings["THEME"], str(PLUGINS_DIR)]
        if self.args.settings:
            paths.append(os.path.abspath(self.args.settings))
        return [path for path in paths if os.path.exists(path)]

    def needs_restart(self, changes):
        settings_file = os.path.abspath(self.args.settings) if self.args.settings else None
        for _, path in changes:
            if path == settings_file or (path.endswith(".py") and PLUGINS_DIR in Path(path).parents):
                return True
        return False

    def classify(self, changes):
        """(articles and pages of the last good build whose file was saved,
        whether anything else the site reads changed)."""
        pieces, other = set(), False
        for _, path in changes:
            if _TEMPORARY.search(os.path.basename(path)):
                continue
            if path in self.sources and os.path.isfile(path):
                pieces.add(path)
            else:
                other = True
        return pieces, other

    # --- a newer save stops a build that became moot --------------------------
    def saved_meanwhile(self, changes):
        """Called by the watcher for each batch of saves: a build in progress
        is stopped when the saves can be shown at once by the fast path and
        go into the next build anyway."""
        if self.dirty or self.fast.last is None or self.needs_restart(changes):
            return
        pieces, other = self.classify(changes)
        if pieces and not other:
            self.supersede.set()

    def checkpoint(self, *args, **kwargs):
        # Only in the build's own thread and process: a worker (of a parallel
        # render, say) never stops half-way; the build stops at its next step.
        here = (os.getpid(), threading.get_ident())
        if self.building and self.supersede.is_set() and here == self._build_thread:
            raise Superseded()

    # --- the search index in the background ------------------------------------
    def _indexer_started(self, process):
        with self._indexer_lock:
            self._indexer = process
            if self._indexer_stopped:
                process.kill()

    def stop_indexing(self):
        """A newer save does not wait for the last build's search index: it
        is stopped, and made again after the next build."""
        if self.indexing is None:
            return
        with self._indexer_lock:
            self._indexer_stopped = True
            if self._indexer is not None and self._indexer.poll() is None:
                self._indexer.kill()
        self.indexing.join()
        self.indexing = None
        if self._indexer is not None and self._indexer.returncode != 0:
            self.pelican.linli_search_pending = True  # the index is still the older one
        self._indexer = None

    def index_in_background(self):
        self._indexer, self._indexer_stopped = None, False
        self.indexing = threading.Thread(target=index_later, args=(self.pelican, self._indexer_started),
                                         name="preview-search")
        self.indexing.start()

    # --- a save ---------------------------------------------------------------
    def saved(self, changes):
        """Show what was saved: the edited page at once when only its body
        changed, then the normal build."""
        pieces, other = self.classify(changes)
        if not pieces and not other:
            return  # only an editor's temporary files
        names = sorted({relative_path(path) for _, path in changes if not _TEMPORARY.search(os.path.basename(path))})
        console.print(f"-> 已修改 / changed: {', '.join(names[:5])}{' …' if len(names) > 5 else ''}", highlight=False)
        self.stop_indexing()
        if other:
            # A stylesheet, a photo … can change what a page shows without
            # changing its text: every open page reloads after the build.
            self.dirty = self.reload_all = True
        if len(pieces) == 1 and not self.dirty:
            self.show_fast_page(next(iter(pieces)))
        self.build()

    def show_fast_page(self, path):
        started = time.monotonic()
        privacy.reset()  # so the personal-data check looks at the new body (and refuses the fast page)
        try:
            name, html = self.fast.render(path)
        except Refused as why:
            console.print(f"   整站构建后刷新 / shown after the build: {why}", style="dim", highlight=False)
            return False
        except Exception as error:  # a bug must never cost the editor the normal build
            logging.getLogger("linli").debug("preview: fast page of %s failed", relative_path(path), exc_info=error)
            self.fast.restore()
            return False
        self.fast_pages += 1
        page = html.encode("utf-8")
        # The errors of an earlier build belong to older files: the build
        # that follows shows them again if they are still there.
        self.status.show_pages({name: page}, fast=self.first_id + self.fast_pages,
                               fast_page={"name": name, "digest": digest(page), "at": time.time()},
                               state="building", errors=[])
        console.print(f"已先显示修改的页面（{(time.monotonic() - started) * 1000:.0f} 毫秒），正在更新全站"
                      f" / edited page shown first, now the rest of the site", highlight=False)
        # The build competes with the browser's requests for this process:
        # let a browser showing the page load it first.
        self.status.wait_until_loaded(name, FAST_PAGE_LOADING)
        return True

    def build(self, first=False):
        self.status.update(state="building")
        # Warnings repeat on every build, as in a fresh `make html`.
        LimitFilter._raised_messages.clear()
        LimitFilter._group_count.clear()
        if first:
            console.print("正在构建全站，首次构建需要一些时间… / first full build…", highlight=False)
        forget_previous_build()
        started = time.monotonic()
        escaped = None
        superseded = False
        self.recorder.start()
        self._build_thread = (os.getpid(), threading.get_ident())
        self.building = True
        self.progress.start()
        with collecting() as collector:
            try:
                self.pelican.run()
            except Superseded:
                superseded = True
            except BuildFailed as failure:
                if not collector.errors:  # logged where we could not see it
                    collector.errors.append(describe(str(failure)))
            except Exception as error:
                escaped = error
                collector.errors.append(describe_exception(error))
            finally:
                self.building = False
                self.progress.stop()
        if superseded:
            forget_superseded_build()
            console.print("有新的保存，本次构建作废，先处理新的修改 / a newer save came in: build stopped",
                          highlight=False)
            return
        if escaped:
            log_escaped(collector.errors[-1], escaped)
        seconds = time.monotonic() - started
        if collector.errors:
            # The fast pages go: the page shows the last good build under the errors.
            self.fast.restore()
            self.status.drop_pages(state="failed", errors=collector.errors, seconds=seconds)
            console.print(
                f"构建失败（{len(collector.errors)} 个错误），浏览器中显示错误，预览仍是上一次成功的版本"
                f" / build failed, the preview keeps the last good build",
                style="bold red", highlight=False,
            )
        else:
            self.number += 1
            built = self.recorder.finish()
            self.fast.adopt(built)
            self.sources = built.sources()
            self.dirty = False
            build = self.first_id + self.number
            reload = build if self.reload_all else self.status.snapshot()["reload"]
            self.reload_all = False
            self.status.drop_pages(build=build, reload=reload, state="ok", errors=[], seconds=seconds)
            console.print(f"第 {self.number} 次构建完成，用时 {seconds:.1f} 秒，有变化的页面将自动刷新 / build {self.number} done",
                          highlight=False)
            if getattr(self.pelican, "linli_search_pending", False):
                console.print("搜索索引在后台更新 / search index updating in the background", highlight=False)
                self.index_in_background()

    def restart(self, port):
        """Start afresh on the same port (the pages open on it reconnect)."""
        self.stop_indexing()
        console.print("插件或设置已修改，重新启动预览… / plugins or settings changed, restarting…", highlight=False)
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(sys.executable, [sys.executable, *sys.orig_argv[1:], "-p", str(port)])


class Saves:
    """The saves not yet taken into a build. A batch that can supersede the
    build in progress sets the flag in the same step as it is queued, and the
    flag is cleared in the same step as the queue is emptied, so a build is
    only ever stopped for a save that is still waiting."""

    def __init__(self, preview):
        self.preview = preview
        self._queue = queue.Queue()
        self._lock = threading.Lock()

    def put(self, batch):
        with self._lock:
            self._queue.put(batch)
            self.preview.saved_meanwhile(batch)

    def take(self):
        """Every batch saved so far (waits for the first)."""
        batch = set(self._queue.get())
        with self._lock:
            while not self._queue.empty():  # saves that came in during the last build
                batch |= self._queue.get()
            self.preview.supersede.clear()
        return batch


def watch(paths, saves, stop):
    for batch in watchfiles.watch(*paths, stop_event=stop, debounce=400, step=10, raise_interrupt=False):
        saves.put(batch)


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    # The server's threads answer the browser while a build runs in this
    # process: hand them the interpreter sooner than every 5 ms (a reload's
    # few requests would otherwise each wait several switches for it).
    sys.setswitchinterval(0.0005)
    args = parse_arguments(argv + ["--listen"])  # we listen; Pelican warns about -p otherwise
    init_logging(
        level=args.verbosity,
        fatal=args.fatal,
        name="pelican",
        handler=LOG_HANDLERS[args.log_handler],
        logs_dedup_min_level=getattr(logging, args.logs_dedup_min_level),
    )
    preview = Preview(args)
    bind = preview.settings.get("BIND") or "127.0.0.1"
    port = preview.settings.get("PORT", 8000)
    try:
        server = make_server(preview.settings["OUTPUT_PATH"], preview.status, bind, port)
    except OSError as error:
        sys.exit(f"无法在 {bind}:{port} 启动预览（{error.strerror}）：端口可能已被占用，可换一个端口，如 make devserver PORT=8001")
    host, port = server.server_address[:2]
    serve_in_background(server)
    print(f"预览地址 / preview at http://{host}:{port}/ — 保存文件后，浏览器里的页面会自动刷新；按 Ctrl+C 停止", flush=True)

    saves, stop = Saves(preview), threading.Event()
    threading.Thread(target=watch, args=(preview.watched(), saves, stop), name="preview-watch", daemon=True).start()
    try:
        if preview.load():
            preview.build(first=True)
        while True:
            batch = saves.take()
            if preview.needs_restart(batch) or preview.pelican is None:
                stop.set()
                server.server_close()
                preview.restart(port)
            preview.saved(batch)
    except KeyboardInterrupt:
        print("预览已停止 / preview stopped")
    finally:
        stop.set()
        server.shutdown()


if __name__ == "__main__":
    main()
