"""`make serve-all`: the network as it will be online, on one port — the
portal at /, each community at /<name>/ (as their preview builds link to
each other), straight from their output folders."""

import functools
import http.server
import os
import posixpath
import sys
from urllib.parse import unquote, urlsplit

from ..sites import PORTAL, has_portal, project_root, site_names, site_places


def mounts(root=None):
    """``{url prefix: output folder}``, the longest prefix first."""
    root = root or project_root()
    found = {f"/{name}/": site_places(name, root)["OUTPUT_PATH"] for name in site_names(root)}
    if has_portal(root):
        found["/"] = site_places(PORTAL, root)["OUTPUT_PATH"]
    return dict(sorted(found.items(), key=lambda item: len(item[0]), reverse=True))


class NetworkHandler(http.server.SimpleHTTPRequestHandler):
    mounts = {}

    def translate_path(self, path):
        path = posixpath.normpath(unquote(urlsplit(path).path))
        path += "/" if path != "/" and urlsplit(self.path).path.endswith("/") else ""
        for prefix, folder in self.mounts.items():
            if path == prefix.rstrip("/") or path.startswith(prefix):
                rest = path[len(prefix):] if path.startswith(prefix) else ""
                return os.path.join(folder, *[part for part in rest.split("/") if part not in ("", ".", "..")])
        return os.path.join(os.devnull, "missing")

    def send_error(self, code, message=None, explain=None):
        """A page that is not there: the site's own 404 page, as the host serves it."""
        path = urlsplit(self.path).path
        page = next((os.path.join(folder, "404.html") for prefix, folder in self.mounts.items()
                     if path.startswith(prefix)), None)
        if code != 404 or page is None or not os.path.isfile(page):
            return super().send_error(code, message, explain)
        with open(page, "rb") as handle:
            body = handle.read()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def serve(port=8000, bind="127.0.0.1"):
    handler = type("Handler", (NetworkHandler,), {"mounts": mounts()})
    with http.server.ThreadingHTTPServer((bind, port), functools.partial(handler)) as server:
        print(f"预览整个网络 / serving the network at http://{bind}:{port}/ (Ctrl-C 停止)", file=sys.stderr)
        for prefix, folder in handler.mounts.items():
            print(f"   {prefix} → {os.path.relpath(folder)}", file=sys.stderr)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0
