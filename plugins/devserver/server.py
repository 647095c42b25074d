"""Serve output/ on localhost with the live-reload script added to each HTML
page on the way out, plus the preview's own files under ``/__linli/``:
``reload.js``, ``reload.css`` and ``status`` (the build number, the errors,
and a digest of the page asking, which the page polls). Pages made by the
fast path (fast.py) are served from memory until the build that follows
replaces them. Nothing here is ever written into output/."""

import hashlib
import http.server
import json
import os
import re
import threading
import time
import urllib.parse
from pathlib import Path

PREFIX = "/__linli/"
HERE = Path(__file__).resolve().parent
ASSETS = {"reload.js": "text/javascript; charset=utf-8", "reload.css": "text/css; charset=utf-8"}
# The policy the README recommends for the published site: the preview keeps
# to it, so what works here works on the real host.
CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
    "img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
_HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)
_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)
WAITING_PAGE = (
    '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>正在生成预览</title></head>'
    "<body><h1>正在生成预览，请稍候…</h1><p>生成完成后本页会自动刷新。</p></body></html>"
)


LONG_POLL = 20.0  # seconds a visible page's status request may be held
WATCHED = 2.5  # a page that asked for the status this recently is open somewhere


def digest(page):
    return hashlib.blake2b(page, digest_size=8).hexdigest()


class BuildStatus:
    """What the page polls: the number of the last good build (``build``),
    the build after which every open page reloads (``reload``: a build that
    only follows a fast page leaves it, and a page reloads then only if its
    own text changed), whether a build is running, the errors of the last
    build if it failed — and the pages made by the fast path, served until
    the next build replaces them. ``version`` changes with any of it."""

    def __init__(self):
        self._changed = threading.Condition()
        self._state = {"build": 0, "reload": 0, "fast": 0, "state": "building", "errors": [], "version": 0}
        self._pages = {}  # output name -> HTML bytes, made by the fast path
        self._asked = {}  # output name -> when a page showing it last asked for the status
        self._holding = {}  # output name -> status requests of it held open now
        self._loaded = set()  # fast pages a browser has loaded (and run the script of)

    def update(self, **changes):
        with self._changed:
            self._state.update(changes)
            self._bump()

    def show_pages(self, pages, **changes):
        """Serve ``pages`` ({output name: HTML bytes}) instead of the files."""
        with self._changed:
            self._pages.update(pages)
            self._loaded -= set(pages)
            self._state.update(changes)
            self._bump()

    def asked(self, name, loaded, holding=0):
        """A page showing ``name`` asks for the status (``loaded``: its
        first request since it was loaded); ``holding`` ±1 around a request
        held open."""
        with self._changed:
            self._asked[name] = time.monotonic()
            self._holding[name] = self._holding.get(name, 0) + holding
            if loaded and name in self._pages and name not in self._loaded:
                self._loaded.add(name)
                self._changed.notify_all()

    def wait_until_loaded(self, name, timeout):
        """If a browser shows ``name``, until it has loaded the fast page (at
        most ``timeout`` seconds): the build that follows then does not slow
        down its requests. True when it did."""
        with self._changed:
            watched = self._holding.get(name, 0) > 0 or time.monotonic() - self._asked.get(name, -WATCHED) < WATCHED
            if not watched:
                return False
            return self._changed.wait_for(lambda: name in self._loaded, timeout)

    def drop_pages(self, **changes):
        with self._changed:
            self._pages.clear()
            self._state.update(changes)
            self._bump()

    def page(self, name):
        with self._changed:
            return self._pages.get(name)

    def _bump(self):
        self._state["version"] += 1
        self._changed.notify_all()

    def snapshot(self):
        with self._changed:
            return json.loads(json.dumps(self._state))

    def wait(self, version, timeout=LONG_POLL):
        """Hold a status request until something changed since ``version``."""
        with self._changed:
            self._changed.wait_for(lambda: self._state["version"] != version, timeout)


def with_reload_script(html, build):
    tag = f'<script src="{PREFIX}reload.js" data-build="{build}" data-page="{digest(html)}" defer></script>\n'.encode()
    for pattern in (_HEAD_END, _BODY_END):
        match = pattern.search(html)
        if match:
            return html[: match.start()] + tag + html[match.start():]
    return html + tag


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    status = None  # a BuildStatus, set by make_server
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm", ".mjs": "text/javascript", ".pf_meta": "application/octet-stream",
    }

    def end_headers(self):
        # Pages (with the script) and the status are made per request; other
        # files are revalidated, so a reload does not fetch every photo again.
        self.send_header("Cache-Control", "no-store" if getattr(self, "_made_here", False) else "no-cache")
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()

    def log_message(self, format, *args):
        pass  # a status request per open page and change: the terminal is for the build

    def do_HEAD(self):
        self.do_GET(head=True)

    def do_GET(self, head=False):
        self._made_here = False  # the handler serves several requests on a kept-alive connection
        url = urllib.parse.urlsplit(self.path)
        if url.path.startswith(PREFIX):
            return self._preview_file(url.path[len(PREFIX):], urllib.parse.parse_qs(url.query), head)
        self._wait_for_output()
        target = self.translate_path(url.path)
        if os.path.isdir(target) and not url.path.endswith("/"):
            return super().do_GET() if not head else super().do_HEAD()  # the redirect to path/
        reload = self.status.snapshot()["reload"]  # read first: a newer page only reloads once more
        page = self._page(url.path)
        if page is None:
            return super().do_GET() if not head else super().do_HEAD()
        code, html = page
        if html is None:
            return self.send_error(404)
        self._send(code, "text/html; charset=utf-8", with_reload_script(html, reload), head)

    def _page(self, path):
        """(status code, HTML) of the page served at ``path`` — the fast
        path's page, the built file, 404.html, or the waiting page during the
        first build — or None when ``path`` is another kind of file."""
        if not os.path.isdir(self.directory) and not self.status.snapshot()["build"]:
            if path.endswith("/") or path.endswith((".html", ".htm")):  # the first build is still running
                return 200, WAITING_PAGE.encode()
            return None
        target = self.translate_path(path)
        if os.path.isdir(target):
            target = os.path.join(target, "index.html")
        html = target.endswith((".html", ".htm"))
        if html:
            made = self.status.page(self._name(path))
            if made is not None:
                return 200, made
            if os.path.isfile(target):
                data = self._read(target)
                if data is not None:
                    return 200, data
        elif os.path.exists(target):
            return None
        not_found = os.path.join(self.directory, "404.html")
        data = self._read(not_found) if os.path.isfile(not_found) else None
        if data is None and not html:
            return None
        return 404, data

    def _name(self, path):
        """The output file a page address is served from."""
        target = self.translate_path(path)
        if os.path.isdir(target) or path.endswith("/"):
            target = os.path.join(target, "index.html")
        return os.path.relpath(target, self.directory).replace(os.sep, "/")

    def _wait_for_output(self):
        """output/ is missing for an instant while a build is swapped in."""
        for _ in range(40):
            if os.path.isdir(self.directory):
                return
            time.sleep(0.025)

    def _read(self, path):
        for attempt in range(2):
            try:
                with open(path, "rb") as handle:
                    return handle.read()
            except OSError:
                if attempt:
                    return None
                self._wait_for_output()  # caught between the two renames of a swap
        return None

    def _preview_file(self, name, query, head):
        if name == "status":
            since = query.get("since", [None])[0]
            path = query.get("page", [None])[0]
            name = self._name(path) if path is not None else None
            if since is not None and since.isdigit():
                if name:
                    self.status.asked(name, False, holding=1)
                try:
                    self.status.wait(int(since))
                finally:
                    if name:
                        self.status.asked(name, False, holding=-1)
            elif name:
                self.status.asked(name, loaded=True)
            status = self.status.snapshot()
            if path is not None:
                self._wait_for_output()
                page = self._page(path)
                status["page"] = digest(page[1]) if page and page[1] is not None else None
            body = json.dumps(status, ensure_ascii=False).encode("utf-8")
            return self._send(200, "application/json; charset=utf-8", body, head)
        if name in ASSETS:
            return self._send(200, ASSETS[name], (HERE / name).read_bytes(), head)
        self.send_error(404)

    def _send(self, code, content_type, body, head=False):
        self._made_here = True
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)


class PreviewServer(http.server.ThreadingHTTPServer):
    allow_reuse_address = True
    daemon_threads = True


def make_server(output, status, bind="127.0.0.1", port=8000):
    handler = type("Handler", (PreviewHandler,), {"status": status})

    def factory(*args, **kwargs):
        return handler(*args, directory=os.path.abspath(output), **kwargs)

    return PreviewServer((bind, port), factory)


def serve_in_background(server):
    thread = threading.Thread(target=server.serve_forever, name="preview-http", daemon=True)
    thread.start()
    return thread
