"""Build the site aside and swap it into OUTPUT_PATH only when the whole build
succeeded, so a failed build never leaves a half-written or stale-mixed site.

Every ERROR logged during a build (by Pelican or by any plugin) fails it.
Post-build steps that must see the finished tree before the swap connect to
``site_rendered`` (renames files, e.g. the hashed theme files), ``site_written``
(adds files, e.g. the search index), ``site_verified``
(checks the finished tree, e.g. links; also run by `make check`) and then
``site_complete`` (rewrites files, e.g. precompression): blinker does not keep
receivers in order, so each stage is its own signal (plugins/events.py).
``site_swapped`` follows the swap: its receivers put what they keep into the
build record (plugins/build_record.py), which is then saved, once. Every build
finishes here, a quick rebuild included.
"""

import glob
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import uuid

from pelican.log import FatalLogger

from .. import build_record, memo
from ..common import logger
from ..events import site_complete, site_rendered, site_swapped, site_verified, site_written

STAGING_SUFFIX = ".building"
RETIRED_SUFFIX = ".previous"
TRASH_SUFFIX = ".deleting"


class BuildFailed(SystemExit):
    """Stops the build with exit status 1 and no traceback: the messages were
    already logged with their file and line."""

    def __init__(self, message):
        super().__init__(1)
        self.message = message

    def __str__(self):
        return self.message


class LogCounter(logging.Handler):
    """How many records of ``level`` and above were logged."""

    def __init__(self, level=logging.ERROR):
        super().__init__(level=level)
        self.count = 0

    def emit(self, record):
        self.count += 1


def take_over_fatal():
    """`pelican --fatal errors|warnings` (as Pelican's docs suggest for CI)
    makes Pelican raise in the middle of logging the first one, which ends
    in a traceback after the message. The build fails the same way without
    it: every message is logged, then the build stops, exit status 1, output
    untouched. With ``warnings`` a warning fails the build too."""
    fatal = FatalLogger.fatal_lvl
    if fatal <= logging.CRITICAL:
        FatalLogger.fatal_lvl = logging.CRITICAL + 1
        error_counter.setLevel(min(fatal, logging.ERROR))


error_counter = LogCounter()
current_build = None  # the Pelican instance whose build is in progress


def _target(pelican):
    return os.path.abspath(pelican.settings["OUTPUT_PATH"])


def _remove(path):
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    elif os.path.lexists(path):
        os.remove(path)


def _remove_in_background(path):
    """Delete the site that was just replaced without waiting for it: nothing
    serves it any more, and removing thousands of folders takes longer than
    writing them. It is renamed first, so the next build never meets it."""
    trash = f"{path}.{uuid.uuid4().hex[:12]}{TRASH_SUFFIX}"
    os.rename(path, trash)
    _delete_detached(trash)


def _delete_detached(path):
    subprocess.Popen(
        [sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)", path],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _remove_leftovers(target):
    """Folders of earlier builds that were killed before they were removed
    (a folder still being deleted is only deleted again, harmlessly)."""
    _remove(target + RETIRED_SUFFIX)
    for trash in glob.glob(glob.escape(target) + ".*" + TRASH_SUFFIX):
        _delete_detached(trash)


def start_build(pelican):
    """Point Pelican's writers at a fresh staging folder (runs on every build,
    including each rebuild of `make devserver`)."""
    global current_build
    current_build = pelican
    root = logging.getLogger()
    if error_counter not in root.handlers:
        root.addHandler(error_counter)
    take_over_fatal()
    if root.getEffectiveLevel() > error_counter.level:
        # `pelican -q` raises the root level to CRITICAL, which would drop
        # errors before they are counted (and publish a broken site): keep
        # the terminal quiet with the handlers' levels instead.
        for handler in root.handlers:
            if handler is not error_counter:
                handler.setLevel(max(handler.level, root.level))
        root.setLevel(error_counter.level)
    error_counter.count = 0
    # The memo of pure functions (sanitising, the personal-number scan) for
    # the files this build reads; a quick rebuild leaves it as it is.
    build = build_record.of(pelican)
    quick_or_check = getattr(pelican, "linli_quick", False) or pelican.settings.get("LINLI_CHECK_ONLY")
    memo.start(build, None if quick_or_check else build.reader_key)
    if pelican.settings.get("LINLI_CHECK_ONLY"):
        # `make check` writes nothing beside output/: photo checks use a temp dir.
        staging = tempfile.mkdtemp(prefix="linli-check-")
        pelican.output_path = staging
        pelican.linli_staging = staging
        return
    target = _target(pelican)
    staging = target + STAGING_SUFFIX
    _remove(staging)  # left over from a build that was killed
    _remove_leftovers(target)
    os.makedirs(staging)
    pelican.output_path = staging
    pelican.linli_staging = staging


def discard_staging(pelican):
    staging = getattr(pelican, "linli_staging", None)
    if staging:
        _remove(staging)


def fail(pelican, message):
    discard_staging(pelican)
    logger.error(
        "构建失败，output/ 保持原样 / build failed, output/ left unchanged: %s", message
    )
    raise BuildFailed(message)


def check_errors(pelican):
    if pelican is not None and error_counter.count:
        if error_counter.level < logging.ERROR:
            fail(pelican, f"{error_counter.count} 个错误或提醒（--fatal warnings） / error(s) or warning(s)")
        else:
            fail(pelican, f"{error_counter.count} 个错误 / error(s)")


def finish_check(pelican):
    """`make check`: the site was rendered into a temporary folder; run the
    checks of the finished tree on it (not the search index), then drop it."""
    staging = getattr(pelican, "linli_staging", None)
    if staging and os.path.isdir(staging):
        site_rendered.send(pelican, output_path=staging)
        site_verified.send(pelican, output_path=staging)
    discard_staging(pelican)


def finish_build(pelican):
    staging = getattr(pelican, "linli_staging", None)
    if not staging or not os.path.isdir(staging):
        return
    check_errors(pelican)
    if not os.path.isdir(staging):
        return
    site_rendered.send(pelican, output_path=staging)
    site_written.send(pelican, output_path=staging)
    site_verified.send(pelican, output_path=staging)
    check_errors(pelican)
    if not os.path.isdir(staging):
        return
    site_complete.send(pelican, output_path=staging)
    check_errors(pelican)
    if not os.path.isdir(staging):
        return
    target = swap(pelican)
    site_swapped.send(pelican, target=target)
    memo.finish()
    build_record.of(pelican).save()


def swap(pelican):
    """Put the staged site in the place of the published one; its folder."""
    target = _target(pelican)
    retired = target + RETIRED_SUFFIX
    if os.path.lexists(target):
        os.rename(target, retired)
    os.rename(pelican.linli_staging, target)
    if os.path.lexists(retired):
        _remove_in_background(retired)
    pelican.output_path = target
    print(f"已发布到 {os.path.relpath(target)}/ / site written to {target}", file=sys.stderr)
    return target
