"""`python -m MODULE ARGS` for the tests, without starting Python and
importing Pelican for every build.

The tests run each build and each `make check` as a separate command, as an
editor does (tests/conftest.py: run_pelican, run_module). A new interpreter
spends about a third of a small build importing Pelican; here one server
process per xdist worker and environment imports it once, then forks a child
for each command. The child starts from the server's state, never a test's
(the server runs nothing but this loop), takes the command's folder
(a command from another checkout imports that checkout's own modules,
from there), environment and arguments, and runs the module as `python -m` does (runpy),
with its own stdout and stderr. The environment is the one the server was
started with — a command with another gets another server (the name of
the running test, which pytest puts there, aside) — so whatever
Pelican reads from it on import (Rich reads COLUMNS) is what a new
interpreter would read.

What stays different from a new interpreter: Pelican, the plugins that
pelicanconf.py names and what they import are already loaded (their module
code has run, in the same folder and environment; the settings files are
run by each command, and each command registers the plugins), the theme
is compiled and what its templates read is known (as `make html-all` has
them, plugins/network/build.py), and the commands of one server share its
hash seed. A test that compares two
builds byte for byte runs one of them in a new interpreter (``fresh=True``),
so that set order still differs between them as between two commands.
"""

import json
import os
import select
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

# The server: imports, then one command at a time.
SERVER = r"""
import ast, atexit, importlib, json, os, runpy, sys, threading, traceback
import pelican, pelican.settings  # what `python -m pelican` imports before it reads anything

# The plugins the project's settings name, and the project modules they
# import (read, not run: pelicanconf.py itself is run by each command).
# A plugin connects to Pelican's signals in register(), which each command
# calls; one that fails to import here fails again, and is reported, there.
try:
    names = []
    for node in ast.walk(ast.parse(open("pelicanconf.py", encoding="utf-8").read())):
        if isinstance(node, ast.Assign) and any(getattr(target, "id", None) == "PLUGINS" for target in node.targets):
            names += ast.literal_eval(node.value)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("plugins."):
            names.append(node.module)
except (OSError, SyntaxError, ValueError):
    names = []
for name in names:
    try:
        importlib.import_module(name)
    except Exception:
        pass

# The theme compiled and what its templates read, as `make html-all` makes
# them before forking its sites' builds (in a child: nothing registered here).
try:
    from plugins.network.build import prepare_forked_builds
    prepare_forked_builds("pelicanconf.py")
except Exception:
    pass

# A command run from another checkout (tests/test_network.py's projects)
# imports that checkout's own modules, from there, as `python -m` would:
# what was imported from this folder is forgotten in its child.
home = os.getcwd() + os.sep
own = [name for name, module in sys.modules.items()
       if (getattr(module, "__file__", None) or "").startswith(home)
       and not module.__file__.startswith(sys.prefix + os.sep)]  # the checkout's .venv is Python's, not the checkout's

requests, replies = os.fdopen(int(sys.argv[1]), "rb", buffering=0), os.fdopen(int(sys.argv[2]), "wb", buffering=0)
for line in requests:
    request = json.loads(line)
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            requests.close()
            replies.close()
            os.chdir(request["cwd"])
            if os.getcwd() + os.sep != home:
                for name in own:
                    sys.modules.pop(name, None)
                sys.path.insert(0, os.getcwd())  # as `python -m` puts it first ('' stands for the server's folder)
            for fd, name, flags in ((0, os.devnull, os.O_RDONLY), (1, request["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
                                    (2, request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)):
                opened = os.open(name, flags, 0o600)
                os.dup2(opened, fd)
                os.close(opened)
            # As a new interpreter opens them: stdout buffered, stderr by line.
            encoding = os.environ.get("PYTHONIOENCODING", "").split(":")[0] or None
            sys.stdin = open(0, "r", encoding=encoding, closefd=False)
            sys.stdout = open(1, "w", encoding=encoding, closefd=False)
            sys.stderr = open(2, "w", encoding=encoding, errors="backslashreplace", buffering=1, closefd=False)
            sys.argv = [request["module"], *request["args"]]
            code = 0
            try:
                runpy.run_module(request["module"], run_name="__main__", alter_sys=True)
            except SystemExit as stop:
                if stop.code is None:
                    code = 0
                elif isinstance(stop.code, int):
                    code = stop.code
                else:
                    print(stop.code, file=sys.stderr)
                    code = 1
            except BaseException:
                traceback.print_exc()
                code = 1
            # What the interpreter does on its way out.
            threading._shutdown()
            atexit._run_exitfuncs()
        except BaseException:
            traceback.print_exc()
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code & 0xFF)
    replies.write((json.dumps({"pid": pid}) + "\n").encode())
    _, status, usage = os.wait4(pid, 0)
    replies.write((json.dumps({"status": status, "cpu": usage.ru_utime + usage.ru_stime}) + "\n").encode())
"""


class Server:
    def __init__(self, env, cwd):
        requests_read, self.requests = os.pipe()
        self.replies, replies_write = os.pipe()
        # No terminal anywhere, as for a command whose output is captured.
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(requests_read), str(replies_write)], env=env, cwd=cwd,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(requests_read, replies_write),
        )
        os.close(requests_read)
        os.close(replies_write)
        self.buffer = b""

    def _reply(self, deadline):
        while b"\n" not in self.buffer:
            remaining = None if deadline is None else max(0.0, deadline - _now())
            ready, _, _ = select.select([self.replies], [], [], remaining)
            if not ready:
                return None
            chunk = os.read(self.replies, 65536)
            if not chunk:
                raise RuntimeError("the test build server stopped")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line)

    def run(self, module, args, cwd, timeout):
        with tempfile.TemporaryDirectory(prefix="linli-command-") as folder:
            out, err = Path(folder) / "stdout", Path(folder) / "stderr"
            request = {"module": module, "args": [str(a) for a in args], "cwd": str(cwd),
                       "stdout": str(out), "stderr": str(err)}
            os.write(self.requests, (json.dumps(request) + "\n").encode())
            deadline = None if timeout is None else _now() + timeout
            pid = self._reply(None)["pid"]
            reply = self._reply(deadline)
            if reply is None:  # as subprocess.run(timeout=…): the command is killed
                os.kill(pid, signal.SIGKILL)
                self._reply(None)
                raise subprocess.TimeoutExpired([module, *args], timeout)
            code = os.waitstatus_to_exitcode(reply["status"])
            global cpu_seconds
            cpu_seconds += reply["cpu"]
            read = lambda path: path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""  # noqa: E731
            return subprocess.CompletedProcess([sys.executable, "-m", module, *map(str, args)], code, read(out), read(err))

    def stop(self):
        os.close(self.requests)  # the server's loop ends
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self.replies)


def _now():
    import time

    return time.monotonic()


_servers = {}
cpu_seconds = 0.0  # used by the commands run so far (for measuring the tests)


def run_module(module, args, env, cwd, timeout=None, fresh=False, server_cwd=None):
    """``subprocess.run([python, "-m", module, *args], env=env, cwd=cwd,
    capture_output=True, text=True, timeout=timeout)``, from a server that
    has Pelican imported (started in ``server_cwd``, by default ``cwd``);
    ``fresh=True`` starts a new interpreter instead."""
    if fresh:
        return subprocess.run([sys.executable, "-m", module, *map(str, args)], cwd=cwd, env=env,
                              capture_output=True, text=True, timeout=timeout)
    return server_for(env, server_cwd or cwd).run(module, args, cwd, timeout)


def server_for(env, cwd):
    """The server for commands in ``env`` from ``cwd``, started on first use."""
    # pytest names the running test in the environment: one server for all
    # of a worker's tests, not one each (a server costs Python and Pelican).
    env = {name: value for name, value in env.items() if name != "PYTEST_CURRENT_TEST"}
    key = (json.dumps(sorted(env.items())), str(cwd))
    server = _servers.get(key)
    if server is None or server.process.poll() is not None:
        server = _servers[key] = Server(env, cwd)
    return server


def stop_all():
    while _servers:
        _, server = _servers.popitem()
        server.stop()
