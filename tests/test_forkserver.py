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
