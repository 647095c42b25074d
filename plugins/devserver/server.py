"""Serve output/ on localhost with the live-reload script added to each HTML
page on the way out, plus the preview's own files under ``/__linli/``:
``reload.js``, ``reload.css`` and ``status`` (the build number and errors the
page polls). Nothing here is ever written into output/."""

import http.server
import json
import os
import re
import threading
import time
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


class BuildStatus:
    """What the page polls: the number of the last good build, whether a build
    is running, and the errors of the last build if it failed."""

    def __init__(self):
        self._lock = threading.Lock()
        self._state = {"build": 0, "state": "building", "errors": []}

    def update(self, **changes):
        with self._lock:
            self._state.update(changes)

    def snapshot(self):
        with self._lock:
            return json.loads(json.dumps(self._state))


def with_reload_script(html, build):
    tag = f'<script src="{PREFIX}reload.js" data-build="{build}" defer></script>\n'.encode()
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
        pass  # four polls a second per open page: the terminal is for the build

    def do_HEAD(self):
        self.do_GET(head=True)

    def do_GET(self, head=False):
        self._made_here = False  # the handler serves several requests on a kept-alive connection
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path.startswith(PREFIX):
            return self._preview_file(path[len(PREFIX):], head)
        self._wait_for_output()
        if not os.path.isdir(self.directory) and (path.endswith("/") or path.endswith((".html", ".htm"))):
            # the first build is still running
            page = with_reload_script(WAITING_PAGE.encode(), self.status.snapshot()["build"])
            return self._send(200, "text/html; charset=utf-8", page, head)
        target = self.translate_path(self.path)
        if os.path.isdir(target):
            if not path.endswith("/"):
                return super().do_GET() if not head else super().do_HEAD()  # the redirect to path/
            target = os.path.join(target, "index.html")
        if target.endswith((".html", ".htm")):
            if os.path.isfile(target):
                return self._html(target, 200, head)
            not_found = os.path.join(self.directory, "404.html")
            if os.path.isfile(not_found):
                return self._html(not_found, 404, head)
            return self.send_error(404)
        if not os.path.exists(target):
            not_found = os.path.join(self.directory, "404.html")
            if os.path.isfile(not_found):
                return self._html(not_found, 404, head)
        return super().do_GET() if not head else super().do_HEAD()

    def _wait_for_output(self):
        """output/ is missing for an instant while a build is swapped in."""
        for _ in range(40):
            if os.path.isdir(self.directory):
                return
            time.sleep(0.025)

    def _html(self, path, code, head):
        build = self.status.snapshot()["build"]  # read first: a newer page only reloads once more
        for attempt in range(2):
            try:
                with open(path, "rb") as handle:
                    data = handle.read()
                break
            except OSError:
                if attempt:
                    return self.send_error(404)
                self._wait_for_output()  # caught between the two renames of a swap
        self._send(code, "text/html; charset=utf-8", with_reload_script(data, build), head)

    def _preview_file(self, name, head):
        if name == "status":
            body = json.dumps(self.status.snapshot(), ensure_ascii=False).encode("utf-8")
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
