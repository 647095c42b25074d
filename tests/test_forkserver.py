"""The tests' build server (tests/forkserver.py)."""

import os

from tests import forkserver
from tests.conftest import ROOT


def test_one_server_serves_every_test_of_a_worker():
    """pytest puts the running test's name in the environment; a server per
    test would import Python and Pelican again for every build."""
    first = dict(os.environ, PYTEST_CURRENT_TEST="tests/test_a.py::test_one (call)")
    second = dict(os.environ, PYTEST_CURRENT_TEST="tests/test_b.py::test_two (call)")
    assert forkserver.server_for(first, ROOT) is forkserver.server_for(second, ROOT)
    assert forkserver.server_for(dict(first, LINLI_SITE="liushu"), ROOT) is not forkserver.server_for(first, ROOT)


def test_a_command_from_another_checkout_runs_that_checkouts_code(tmp_path):
    """tests/test_network.py's projects link the shared code, copy the
    sites, and run `python -m plugins.network` there: the project's
    ``plugins.sites.project_root()`` must be the project, as in a new
    interpreter, not the checkout the server imported it from."""
    project = tmp_path / "project"
    (project / "plugins").mkdir(parents=True)
    (project / "plugins" / "__init__.py").write_text("", encoding="utf-8")
    (project / "plugins" / "where.py").write_text("print(__file__)\n", encoding="utf-8")
    env = dict(os.environ)
    from_server = forkserver.run_module("plugins.where", [], env, project, timeout=60, server_cwd=ROOT)
    fresh = forkserver.run_module("plugins.where", [], env, project, timeout=60, fresh=True)
    assert from_server.returncode == fresh.returncode == 0, from_server.stderr + fresh.stderr
    assert from_server.stdout == fresh.stdout == f"{project / 'plugins' / 'where.py'}\n"
