"""`make html-all`, `publish-all`, `check-all`, `deploy-all`, `serve-all`:
every community of the network, then the 街道 portal.

    python -m plugins.network build [--publish] [--jobs N] [--site NAME ...] [KEY=VALUE ...]
    python -m plugins.network check
    python -m plugins.network deploy [--dry-run]
    python -m plugins.network serve [--port 8000]

Sites are built in parallel, one process per core, each as ``make html
SITE=<name>`` would build it — incrementally, with its own build record,
and swapped into its own ``output/`` only when its whole build succeeded.
The processes are forked from this one after it has imported Pelican and
the plugins once, so a site with nothing to do costs its check, not an
interpreter. A site's messages are shown together once it is done, under
its name. The portal is built last, from the communities' records, and
only when every community built: it never lists what a failed build did
not publish.
"""

import argparse
import gc
import importlib
import os
import pickle
import sys
import tempfile
import time

from ..common import available_cores
from ..search.service import ServicePool
from ..sites import ENVIRONMENT, PORTAL, SiteError, community_settings, has_portal, project_root, site_names


class Outcome:
    def __init__(self, name, code, log, seconds):
        self.name, self.code, self.log, self.seconds = name, code, log, seconds


def prepare_forked_builds(settings_file, sites=()):
    """What every site's build starts with, made once before forking:
    Pelican and the plugins imported (not registered: each build registers
    its own), the theme compiled — taken from the build record of one of
    ``sites`` when its last build kept it, else compiled in a child of its
    own, with what its templates read — the digests of the theme and the
    plugin code, the library versions."""
    import rich.status  # noqa: F401 - what `pelican` imports when it starts a build
    from pelican.settings import read_settings

    from .. import build_record
    from ..incremental import renders
    from ..safety import templates

    saved = os.environ.get(ENVIRONMENT)
    if sites:  # a network-only checkout has no content/ of its own: a site's settings
        os.environ[ENVIRONMENT] = sites[0]
    try:
        settings = read_settings(settings_file)
    except BaseException:  # noqa: BLE001 - each build reports its settings' problem
        settings = None
    finally:
        if saved is None:
            os.environ.pop(ENVIRONMENT, None)
        else:
            os.environ[ENVIRONMENT] = saved
        # publishconf.py imports pelicanconf.py: each site's build runs it
        # again with its own LINLI_SITE, never the module read here.
        for name in ("pelicanconf", "publishconf"):
            sys.modules.pop(name, None)
    for name in (settings or {}).get("PLUGINS", ()):
        try:
            importlib.import_module(str(name))
        except Exception:  # noqa: BLE001 - the build itself reports it, in the site's log
            pass
    kept = None
    for name in sites if settings is not None else ():
        try:
            kept = build_record.read_section(community_settings(name, base=settings), templates.SECTION)
        except SiteError:
            continue
        if kept:
            break
    if kept:
        templates.COMPILED.read(kept)
    elif settings is not None:
        compiled = _in_a_child(_compile_theme, settings)
        if compiled is not None:
            templates.COMPILED.read(compiled[0])
            renders.remember_templates_read(compiled[1])
    build_record.library_versions()
    build_record.tree_digest(build_record.PLUGINS_FOLDER, (".py",))
    if settings is not None and os.path.isdir(settings["THEME"]):
        build_record.tree_digest(settings["THEME"])
    # What this process holds now is every build's to read, never to
    # collect: the collector leaves it alone, so a forked build does not
    # copy every page of it by walking it (copy-on-write).
    gc.collect()
    gc.freeze()


def _compile_theme(settings):
    from ..incremental.renders import templates_read
    from ..safety.templates import COMPILED, compile_theme

    environment = compile_theme(settings)
    return COMPILED.stored(), templates_read(environment)


def _in_a_child(work, *args):
    """``work(*args)`` in a forked process, its (picklable) result here;
    None when it failed. What it registers or imports stays there."""
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(reading)
        try:
            data = pickle.dumps(work(*args))
            with os.fdopen(writing, "wb") as out:
                out.write(data)
        finally:
            os._exit(0)
    os.close(writing)
    with os.fdopen(reading, "rb") as source:
        data = source.read()
    os.waitpid(pid, 0)
    try:
        return pickle.loads(data) if data else None
    except Exception:  # noqa: BLE001 - each build compiles what this could not
        return None


def _child(name, argv, log_fd, module):
    """In the forked process: run one site's command, its output to ``log_fd``."""
    os.dup2(log_fd, 1)
    os.dup2(log_fd, 2)
    os.environ[ENVIRONMENT] = name
    code = 1
    try:
        sys.argv = [module, *argv]
        if module == "pelican":
            from pelican import main

            main(argv)
            code = 0
        else:
            code = importlib.import_module(module).main(argv) or 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        if not isinstance(stop.code, int) and stop.code is not None:
            print(stop.code, file=sys.stderr)
    except BaseException as error:  # noqa: BLE001 - reported under the site's name
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def run_sites(names, argv_of, jobs, module="pelican", show=print, slots=None):
    """Run ``module`` for each site in ``names``, at most ``jobs`` at a time;
    the outcomes in the order of ``names``, each shown as it finishes.
    ``slots`` (a ``search.service.ServicePool``) lends each build what the
    slot it runs on keeps — ``lend(slot)`` here, just before the fork — and
    takes it back after a build that failed (``retire(slot)``)."""
    waiting, running, done = list(names), {}, {}
    free = list(range(jobs))
    while waiting or running:
        while waiting and len(running) < jobs:
            name, slot = waiting.pop(0), free.pop(0)
            log = tempfile.TemporaryFile()
            if slots is not None:
                slots.lend(slot)
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                _child(name, argv_of(name), log.fileno(), module)
            running[pid] = (name, slot, log, time.monotonic())
        pid, status = os.wait()
        if pid not in running:
            continue  # a process of the slots' own
        name, slot, log, started = running.pop(pid)
        log.seek(0)
        outcome = Outcome(name, os.waitstatus_to_exitcode(status), log.read().decode("utf-8", "replace"), time.monotonic() - started)
        log.close()
        if outcome.code != 0 and slots is not None:
            slots.retire(slot)
        free.append(slot)
        done[name] = outcome
        show(outcome)
    return [done[name] for name in names]


def _show(outcome):
    mark = "完成 / done" if outcome.code == 0 else f"失败 / FAILED (exit {outcome.code})"
    print(f"── {outcome.name}: {mark}, {outcome.seconds:.1f} s", flush=True)
    text = outcome.log.rstrip()
    if text:
        print("\n".join("   " + line for line in text.splitlines()), flush=True)


def build(publish=False, jobs=None, only=None, overrides=(), root=None, show=_show):
    """Build the communities (``only``: just these) and then the portal; 0
    when all were published, 1 naming the failed ones."""
    root = root or project_root()
    names = site_names(root)
    if not names:
        print("没有 sites/ 文件夹或其中没有 site.py：这是单站点项目，用 make html / "
              "no sites/<name>/site.py: a single-site checkout, use make html", file=sys.stderr)
        return 1
    unknown = [name for name in only or () if name not in names and name != PORTAL]
    if unknown:
        print(f"没有这些社区：{', '.join(unknown)}（现有：{', '.join(names)}）/ no such sites", file=sys.stderr)
        return 1
    chosen = [name for name in names if not only or name in only]
    settings_file = os.path.join(root, "publishconf.py" if publish else "pelicanconf.py")
    prepare_forked_builds(settings_file, chosen[:3])
    cores = available_cores()
    jobs = max(1, min(jobs or cores, len(chosen) or 1))
    # Each site renders on its share of the cores (RENDER_PROCESSES), so that
    # the running builds together use every core and no more.
    share = max(1, cores // jobs)
    extra = [f"{key}={value}" for key, value in overrides]

    def argv_of(name, processes=share):
        return ["-s", settings_file, "-e", f"RENDER_PROCESSES={processes}", f"PHOTO_WORKERS={processes}", *extra]

    started = time.monotonic()
    # Each core's search indexing in one Pagefind process for all the sites built there.
    pool = ServicePool()
    try:
        outcomes = run_sites(chosen, argv_of, jobs, show=show, slots=pool)
        failed = [outcome.name for outcome in outcomes if outcome.code != 0]
        if has_portal(root):  # it lists every community, so any build may change it
            if failed:
                print(f"门户未更新：它列出的社区 {', '.join(failed)} 构建失败，portal/output/ 保持原样 / "
                      "portal not rebuilt: a community it lists failed", file=sys.stderr)
            else:
                portal = run_sites([PORTAL], lambda name: argv_of(name, cores), 1, show=show, slots=pool)[0]
                if portal.code != 0:
                    failed.append(PORTAL)
    finally:
        pool.close()
    seconds = time.monotonic() - started
    if failed:
        print(f"失败的站点 / failed: {', '.join(failed)}（其他站点已发布；失败站点的 output/ 保持原样）"
              f" — {seconds:.1f} s", file=sys.stderr)
        return 1
    print(f"全部完成 / all built: {len(chosen)} 个社区{' 和门户' if has_portal(root) else ''}，{seconds:.1f} s", file=sys.stderr)
    return 0


def check(jobs=None, root=None):
    """`make check` for every site (and the portal): 1 when any has an error."""
    root = root or project_root()
    names = site_names(root) + ([PORTAL] if has_portal(root) else [])
    settings_file = os.path.join(root, "publishconf.py")
    prepare_forked_builds(settings_file, site_names(root)[:3])
    outcomes = run_sites(names, lambda name: [settings_file], max(1, min(jobs or available_cores(), len(names))),
                         module="plugins.safety.check", show=_show)
    failed = [outcome.name for outcome in outcomes if outcome.code != 0]
    if failed:
        print(f"有错误的站点 / sites with errors: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def _destination(settings):
    """(method, where) of a site's DEPLOY_TARGET or S3 settings: where is
    the rsync target, or (bucket, prefix) in object storage."""
    if str(settings.get("DEPLOY_METHOD") or "rsync") == "s3":
        bucket = str(settings.get("S3_BUCKET") or "")
        return "s3", (bucket, str(settings.get("S3_PREFIX") or "").strip("/")) if bucket else None
    target = str(settings.get("DEPLOY_TARGET") or "")
    return "rsync", target.rstrip("/") or None


def _inside(where, other):
    """The folder of ``other`` inside ``where`` (both rsync targets, or both (bucket, prefix)), or None."""
    if isinstance(where, tuple):
        (bucket, prefix), (other_bucket, other_prefix) = where, other
        if bucket != other_bucket or other_prefix == prefix or not other_prefix.startswith(prefix + "/" if prefix else ""):
            return None
        return other_prefix[len(prefix) + 1 if prefix else 0:]
    return other[len(where) + 1:] if other.startswith(where + "/") else None


def deploy_plan(root=None):
    """(site, its settings, method, where, folders of it that other sites
    deploy to) for every site, the portal last."""
    root = root or project_root()
    names = site_names(root) + ([PORTAL] if has_portal(root) else [])
    sites = [(name, community_settings(name, root)) for name in names]
    destinations = [(name, settings, *_destination(settings)) for name, settings in sites]
    plan = []
    for name, settings, method, where in destinations:
        nested = [] if where is None else sorted(
            folder + "/" for other, _, other_method, other_where in destinations
            if other != name and other_method == method and other_where is not None
            and (folder := _inside(where, other_where))
        )
        plan.append((name, settings, method, where, nested))
    return plan


def deploy(dry_run=False, root=None):
    """Each site to its own target (rsync, or S3 with DEPLOY_METHOD = "s3"),
    the portal last; a site deployed under another's folder or prefix is
    never deleted by that one's sync."""
    from deploy import rsync, s3

    failed = []
    for name, settings, method, where, nested in deploy_plan(root):
        if where is None:
            print(f"── {name}: site.py 没有 DEPLOY_TARGET（或 S3_BUCKET），跳过 / no deploy target, skipped", file=sys.stderr)
            continue
        output = settings["OUTPUT_PATH"]
        print(f"── {name} → {where if method == 'rsync' else 's3://' + '/'.join(where)}", file=sys.stderr, flush=True)
        try:
            if method == "rsync":
                rsync.deploy(where + "/", output, dry_run, keep=nested)
            else:
                config = {key: str(os.environ.get(key) or settings.get(key) or "") for key in s3.SETTING_NAMES}
                config["S3_PREFIX"] = where[1] + "/" if where[1] else ""
                uploads, deletions, unchanged = s3.deploy(config, output, dry_run, keep=nested)
                print(f"   {uploads} 上传 / uploaded, {deletions} 删除 / deleted, {unchanged} 未变 / unchanged", file=sys.stderr)
        except (rsync.Refused, s3.Refused) as refused:
            print(f"   部署未进行 / not deployed: {refused}", file=sys.stderr)
            failed.append(name)
        except Exception as error:  # noqa: BLE001 - boto's errors, as make deploy-s3 words them
            print(f"   部署未进行 / not deployed: {s3.explain(error)}", file=sys.stderr)
            failed.append(name)
    if failed:
        print(f"未部署的站点 / not deployed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m plugins.network", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["build", "check", "deploy", "serve"])
    parser.add_argument("--publish", action="store_true", help="production builds (publishconf.py)")
    parser.add_argument("--jobs", type=int, default=None, help="sites built at once (default: one per core)")
    parser.add_argument("--site", action="append", default=None, help="only this site (repeatable)")
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("overrides", nargs="*", help="KEY=VALUE settings for every build, e.g. BUILD_DATE='\"2026-11-20\"'")
    args = parser.parse_intermixed_args(argv)
    try:
        if args.command == "build":
            overrides = [item.split("=", 1) for item in args.overrides if "=" in item]
            return build(args.publish, args.jobs, args.site, overrides)
        if args.command == "check":
            return check(args.jobs)
        if args.command == "deploy":
            return deploy(args.dry_run)
        from .serve import serve

        return serve(args.port, args.bind)
    except SiteError as error:
        print(error.code, file=sys.stderr)
        return 1
