"""`make devserver` (plugins/devserver) run as an editor runs it, for the
devserver tests and bench/preview.py."""

import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.conftest import BUILD_DATE, ROOT


def save(path, text):
    """Save as many editors do (a new file renamed over the old), so no build
    ever sees a half-written file."""
    temporary = path.with_name(f".{path.name}.saving")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


class DevServer:
    """`make devserver` (plugins/devserver) on a site in a temporary folder
    (``files``: {path: text}, or a content folder to copy), on a free port;
    its terminal output is kept in ``log``."""

    def __init__(self, folder, files, settings_file=None, **settings):
        self.content = Path(folder) / "content"
        self.output = Path(folder) / "output"
        if isinstance(files, Path):  # a whole content folder, e.g. the demo's
            shutil.copytree(files, self.content)
            files = {}
        for relative, data in files.items():
            target = self.content / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(data, encoding="utf-8")
        for name in ("articles", "pages"):
            (self.content / name).mkdir(parents=True, exist_ok=True)
        settings = {"BUILD_DATE": BUILD_DATE, "CACHE_PATH": str(Path(folder) / "cache"),
                    "PHOTO_CACHE": str(Path(folder) / "photos"), **settings}
        command = [
            sys.executable, "-m", "plugins.devserver", str(self.content), "-o", str(self.output),
            "-s", str(settings_file or ROOT / "pelicanconf.py"), "-p", "0",
            "-e", *[f"{key}={json.dumps(value)}" for key, value in settings.items()],
        ]
        # A wide terminal: one message a line, however long the temporary path.
        env = dict(os.environ, PYTHONIOENCODING="utf-8", PYTHONUNBUFFERED="1", COLUMNS="1000", TERM="dumb")
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True, encoding="utf-8")
        self.lines = []
        self.url = None
        address = threading.Event()

        def read():
            for line in self.process.stdout:
                self.lines.append(line)
                if self.url is None and "http://" in line:
                    self.url = line.split("http://", 1)[1].split("/", 1)[0]
                    self.url = "http://" + self.url
                    address.set()
            address.set()

        threading.Thread(target=read, daemon=True).start()
        if not address.wait(120) or self.url is None:
            self.stop()
            raise AssertionError("devserver did not start:\n" + self.log)

    @property
    def log(self):
        return "".join(self.lines)

    def get(self, path):
        try:
            with urllib.request.urlopen(self.url + path, timeout=30) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")

    def status(self):
        return json.loads(self.get("/__linli/status")[1])

    def wait_for(self, condition, timeout=180):
        """Poll the build status until ``condition(status)`` holds (no timing
        is asserted: the limit only stops a hung test)."""
        deadline = time.monotonic() + timeout
        status = None
        while time.monotonic() < deadline:
            try:
                status = self.status()
            except urllib.error.URLError:  # restarting
                status = None
            if status is not None and condition(status):
                return status
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"devserver never reached the expected state; last {status}\n{self.log}")

    def write(self, relative, text):
        save(self.content / relative, text)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
