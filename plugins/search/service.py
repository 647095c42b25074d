"""How a build runs Pagefind: its command line, a run a bundle
(``PagefindCommand``), or — in a network build — a ``pagefind_extended
--service`` process kept for many builds (``PagefindService``).

Why a service at all: the extended build loads jieba's dictionary in every
process that meets Chinese, about 0.3 CPU-seconds, and a network build
indexes forty communities, so it lends one service to each core
(``ServicePool``) and a community built there finds the dictionary loaded:
0.99 CPU-seconds a 250-page bundle against the command line's 1.15. Why not
always: for the same bundle a service does more work a page (more of its
time in memcpy), and past a few hundred pages that outweighs the
dictionary — 1,000 pages cost a service already loaded 3.7 CPU-seconds,
the command line 3.4 — so a build alone runs the command line. The
official Python client (``pagefind.index``) runs on asyncio and starts a
process of its own per index; these few synchronous lines speak the same
protocol — JSON, base64 encoded, each message ended by a comma — to a
process that outlives a build. Pages are handed over as a folder
(``AddDir``): Pagefind reads it in parallel, and handing them one by one
(``AddFile``) cost 0.73 CPU-seconds for 250 pages against 0.57."""

import base64
import contextlib
import functools
import itertools
import json
import os
import subprocess
import sys
import tempfile


class PagefindError(Exception):
    """Pagefind could not index: it said why, or it ended."""


class PagefindStopped(PagefindError):
    """The service ended before it answered."""


class PagefindCancelled(Exception):
    """The devserver stopped the run: a newer save came in. No error."""


@functools.cache
def pagefind_command():
    """The Pagefind program: its binary straight away (``python -m
    pagefind`` starts an interpreter only to find it)."""
    try:
        from pagefind_bin_extended import get_executable
        return [str(get_executable())]
    except (ImportError, FileNotFoundError):
        return [sys.executable, "-m", "pagefind"]


class PagefindCommand:
    """Pagefind's command line, one run a bundle; ``started(process)`` (the
    devserver's) is told of each run, to stop it when a newer save comes in."""

    def __init__(self, started=None):
        self._started = started

    def index(self, folder, bundle):
        """Pagefind over the HTML files of ``folder``, its bundle written to ``bundle``."""
        process = subprocess.Popen(
            [*pagefind_command(), "--site", os.path.abspath(folder), "--output-path", os.path.abspath(bundle), "--silent"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if self._started is not None:
            self._started(process)
        _, errors = process.communicate()
        if process.returncode < 0 and self._started is not None:
            raise PagefindCancelled()
        if process.returncode != 0:
            raise PagefindError(errors.strip()[-500:] or f"pagefind exited with {process.returncode}")


class PagefindService:
    """One ``pagefind --service`` process, started when first asked."""

    def __init__(self):
        self.process = None
        self._ids = itertools.count(1)
        self._unread = b""
        self._errors = None
        self._parent = None  # the process that started it

    def start(self):
        if self.process is None:
            self._errors = tempfile.TemporaryFile()  # a crash's message, kept for the report
            self.process = subprocess.Popen([*pagefind_command(), "--service"], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=self._errors)
            self._parent = os.getpid()
        return self

    def running(self):
        if self.process is None:
            return False
        if os.getpid() != self._parent:  # lent to a forked build: not its child to ask about
            return self.process.returncode is None
        return self.process.poll() is None

    def index(self, folder, bundle):
        """As ``PagefindCommand.index``."""
        index_id = self._ask(type="NewIndex", config=None)["index_id"]
        try:
            self._ask(type="AddDir", index_id=index_id, path=os.path.abspath(folder), glob=None)
            self._ask(type="WriteFiles", index_id=index_id, output_path=os.path.abspath(bundle))
        finally:
            if self.running():
                self._ask(type="DeleteIndex", index_id=index_id)

    def close(self):
        """End the process, and wait for it."""
        if self.process is None:
            return
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        # Not waiting for the end of its input: a build forked while it ran
        # holds a copy of that pipe until the build ends (a network build
        # stalled 10 s a retired service). Nothing is lost: every bundle was
        # written before its answer came.
        if self.process.poll() is None:
            self.process.terminate()
        self.process.wait()
        self.process.stdout.close()
        self._errors.close()

    def _ask(self, **payload):
        self.start()
        message_id = next(self._ids)
        message = json.dumps({"message_id": message_id, "payload": payload}).encode()
        try:
            self.process.stdin.write(base64.b64encode(message) + b",")
            self.process.stdin.flush()
        except (BrokenPipeError, ValueError):  # ended, or its input closed
            raise PagefindStopped(self._error_text()) from None
        while True:
            try:
                answer = json.loads(base64.b64decode(self._read_message()))
            except ValueError:
                raise PagefindStopped("unreadable answer from pagefind --service") from None
            # An answer to another question was left by a build that stopped half-way.
            if answer.get("message_id") == message_id:
                break
        reply = answer.get("payload") or {}
        if reply.get("type") == "Error":
            raise PagefindError(reply.get("message") or json.dumps(reply, ensure_ascii=False))
        return reply

    def _read_message(self):
        while b"," not in self._unread:
            chunk = self.process.stdout.read1(1 << 16)
            if not chunk:
                self.process.wait()
                raise PagefindStopped(self._error_text())
            self._unread += chunk
        message, _, self._unread = self._unread.partition(b",")
        return message

    def _error_text(self):
        if self._errors is None:
            return ""
        self._errors.seek(0)
        return self._errors.read().decode("utf-8", "replace").strip()[-500:]


_lent = None  # the service of the network build's core this build runs on


def lend(service):
    """Builds in this process, and in processes forked from it, index with
    ``service`` (None: with the command line)."""
    global _lent
    _lent = service


def lent():
    return _lent


def pagefind_indexer(started=None):
    """What a build indexes with: the service its network build lent it,
    or the command line. A build told of its Pagefind runs (``started``,
    the devserver's) may stop them, so it never shares a service."""
    if _lent is not None and started is None and _lent.running():
        return _lent
    return PagefindCommand(started)


class ServicePool:
    """The network build's services, one for each site built at once
    (``slot``), started here so that they outlive the forked builds."""

    # Builds a service serves before a new one takes over: Pagefind keeps
    # about 2 MB of every index it wrote (125 MB after one 250-page site,
    # 175 MB after 25), and a new process costs one dictionary load.
    BUILDS_A_SERVICE = 16

    def __init__(self):
        self._services = {}
        self._builds = {}

    def lend(self, slot):
        """Before a build is forked onto ``slot``."""
        service = self._services.get(slot)
        if service is not None and (not service.running() or self._builds[slot] >= self.BUILDS_A_SERVICE):
            self.retire(slot)
            service = None
        if service is None:
            service = PagefindService()
            try:
                service.start()
            except OSError:  # no Pagefind here: each build says so itself
                lend(None)
                return
            self._services[slot], self._builds[slot] = service, 0
        self._builds[slot] += 1
        lend(service)

    def retire(self, slot):
        """After a failed build on ``slot``: it may have left its
        conversation half-way, so the next one gets a new service."""
        service = self._services.pop(slot, None)
        if service is not None:
            service.close()

    def close(self):
        lend(None)
        for slot in list(self._services):
            self.retire(slot)
