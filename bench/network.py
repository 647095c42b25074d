"""Network builds: N communities and the 街道 portal, beside vanilla Pelican
building the same sites one after another.

    .venv/bin/python bench/network.py [--sites 40] [--articles 250] [--rev REV]
        [--search-off-too] [--html-noop] [--json PATH]

Network: a temporary project folder holding a snapshot of this checkout's
``plugins/``, ``theme/``, ``pelicanconf.py``, ``publishconf.py`` and
``wording.txt`` (the working tree, or ``--rev`` from git: the code cannot
change under a run, and ``plugins.sites.project_root()`` is that folder),
``sites/c01`` … ``sites/cNN`` and ``portal/``. Each community's
``content/`` is ``../shared/bench/gen_corpus.py --articles N --flavor
pelican --seed 20240701+i`` (distinct articles per site), every article
signed off (责任编辑、审核、终审: a production build publishes nothing
else), with a 办事指南 page, favicon and robots.txt; its ``site.py`` names
第i社区 at https://net.example.org/cNN. The portal's ``site.py`` is shaped
like ``portal/site.py``, its ``content/extra`` copied from
``portal/content/extra`` and its 街道简介 page generated.

Builds: ``python -m plugins.network build BUILD_DATE='"2026-11-20"'
--publish`` run in that folder (search index on, as a real build), i.e.
``make publish-all``:

1. clean: no caches, no output;
2. one edit: a paragraph appended to one article of the middle community
   (checked in that site's output);
3. no-op: the same command again, nothing changed;

and optionally a clean build with ``SEARCH_INDEX=false``
(``--search-off-too``) and an ``html-all`` twice, the second timed
(``--html-noop``). Yardstick: vanilla Pelican 4.12
(``../shared/bench/vanilla-pelicanconf.py``, content cache on, empty) over
the same content folders, one ``pelican`` process per site one after
another in one shell loop, as an operator would script it.

Wall time and peak memory (largest sum of RSS over the process tree: the
forked site builds share the driver's pages copy-on-write, so the sum
counts them once per process, an upper bound) come from
``bench/site.py``'s sampler. Prints a Markdown table with the issue's
targets and writes the raw figures to
``bench/results/network-<sites>x<articles>.json``.
"""

import argparse
import importlib.util
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _load_site_bench():
    """bench/site.py (its sampler and helpers); not importable as ``site``."""
    spec = importlib.util.spec_from_file_location("bench_site", HERE / "site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = _load_site_bench()
ROOT, SHARED, BUILD_DATE = bench.ROOT, bench.SHARED, bench.BUILD_DATE
CODE = ("plugins", "theme", "pelicanconf.py", "publishconf.py", "wording.txt")
SEED = 20240701
MIB = 2**20
# The targets.
CLEAN_RATIO = 1.0  # clean publish-all ≤ 1.0× vanilla, sites one after another
EDIT_SHARE = 0.10  # one-edit rebuild ≤ 10% of the clean network build
NOOP_SECONDS = 3.0
MEMORY_BYTES = 2 * 10**9  # < 2 GB


# --- the network -------------------------------------------------------------------

def site_names(count):
    width = max(2, len(str(count)))
    return [f"c{i:0{width}d}" for i in range(1, count + 1)]


def community_file(index, name):
    phone = f"0871-6560 {index:04d}"
    return f'''"""第{index}社区: a generated community of the benchmark network (bench/network.py)."""

SITENAME = "第{index}社区"
SITE_SUBTITLE = "基准市基准区基准街道第{index}社区居民委员会"
SITE_DESCRIPTION = "第{index}社区居民委员会门户：社区新闻、通知公告与办事指南。"
SITE_OPERATOR = "基准街道第{index}社区居民委员会"
SITE_CONTACT = "基准市基准区基准街道基准路 {index} 号 · 电话 {phone}"
AUTHOR = "第{index}社区"
PII_ALLOW = ["{phone}", "12345"]
CANONICAL_SITEURL = "https://net.example.org/{name}"
STREET = "基准街道"
OFFICE_ADDRESS = "基准市基准区基准街道基准路 {index} 号"
OFFICE_PHONE = "{phone}"
OFFICE_HOURS = "周一至周五 8:30–12:00、14:00–17:30"
COMPOUNDS = ["第{index}小区", "基准花园 {index} 期"]
'''


PORTAL_FILE = '''"""基准街道社区之窗: the portal of the benchmark network (bench/network.py),
shaped like portal/site.py."""

SITENAME = "基准街道社区之窗"
SITE_SUBTITLE = "基准市基准区基准街道办事处"
SITE_DESCRIPTION = "基准街道各社区的新闻、通知公告和便民服务信息汇总。"
SITE_OPERATOR = "基准市基准区基准街道办事处"
SITE_CONTACT = "基准市基准区基准街道基准大道 1 号 · 电话 0871-6560 0000"
AUTHOR = "基准街道"
COPYRIGHT_NOTICE = "本站汇集的新闻和通知来自基准街道各社区居民委员会，版权归发布单位所有。"
PII_ALLOW = ["0871-6560 0000", "12345"]
CANONICAL_SITEURL = "https://net.example.org"
BRAND_COLOUR = "teal"
STREET = "基准街道"
OFFICE_ADDRESS = "基准市基准区基准街道基准大道 1 号"
OFFICE_PHONE = "0871-6560 0000"
OFFICE_HOURS = "周一至周五 9:00–12:00、13:30–17:30"
'''

GUIDE = """标题：办事指南
slug: guide
摘要：社区便民服务站常办事项的办理地点和所需材料。

社区便民服务站设在社区党群服务中心一楼，工作日上午和下午对外办理。

## 常办事项

- 居住证登记：带身份证和租房合同。
- 老年人优待证：带身份证和一寸照片一张。
- 临时救助申请：带身份证和相关证明材料。
"""

SIGN_OFF = "责任编辑：编辑甲\n审核：审核乙\n终审：终审丙\n"


def signed_off(text):
    """The article with the three sign-offs at the end of its header."""
    header, blank, body = text.partition("\n\n")
    return f"{header}\n{SIGN_OFF.rstrip()}{blank}{body}"


def make_corpus(folder, names, articles):
    """``folder/<name>/content`` for each community: distinct seeds."""
    extra = ROOT / "portal" / "content" / "extra"
    for index, name in enumerate(names, 1):
        generated = folder / f"gen-{name}"
        subprocess.run(
            [sys.executable, str(SHARED / "gen_corpus.py"), "--out", str(generated), "--articles", str(articles),
             "--flavor", "pelican", "--seed", str(SEED + index), "--jobs", "1"],
            check=True, capture_output=True,
        )
        content = folder / name / "content"
        content.parent.mkdir(parents=True)
        shutil.move(generated / "content", content)
        shutil.rmtree(generated)
        for article in content.glob("articles/**/*.md"):
            article.write_text(signed_off(article.read_text(encoding="utf-8")), encoding="utf-8")
        (content / "pages").mkdir()
        (content / "pages" / "guide.md").write_text(GUIDE, encoding="utf-8")
        (content / "extra").mkdir()
        shutil.copy(extra / "favicon.svg", content / "extra" / "favicon.svg")
        (content / "extra" / "robots.txt").write_text(
            f"User-agent: *\nAllow: /\n\nSitemap: https://net.example.org/{name}/sitemap.xml\n", encoding="utf-8")
        (folder / name / "site.py").write_text(community_file(index, name), encoding="utf-8")


def copy_code(project, rev):
    """This checkout's code into ``project``: the working tree, or ``rev``."""
    if rev:
        archive = subprocess.run(["git", "archive", rev, "--", *CODE], cwd=ROOT, check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(project)], input=archive, check=True)
    else:
        for name in CODE:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            else:
                shutil.copy2(source, project / name)
    # A checkout that has been used has its bytecode; so does vanilla's venv.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(project / "plugins")], check=True)


def make_project(folder, corpus, names, rev):
    project = folder / "project"
    project.mkdir(parents=True)
    copy_code(project, rev)
    for name in names:
        shutil.copytree(corpus / name, project / "sites" / name)
    portal = project / "portal"
    (portal / "content" / "pages").mkdir(parents=True)
    portal.joinpath("site.py").write_text(PORTAL_FILE, encoding="utf-8")
    shutil.copytree(ROOT / "portal" / "content" / "extra", portal / "content" / "extra")
    listing = "\n".join(f"- 第{index}社区" for index in range(1, len(names) + 1))
    portal.joinpath("content", "pages", "about.md").write_text(
        f"标题：街道简介\nslug: about\n摘要：基准街道辖 {len(names)} 个社区。\n\n"
        f"基准街道辖 {len(names)} 个社区：\n\n{listing}\n", encoding="utf-8")
    return project


# --- the builds ------------------------------------------------------------------------

SITE_LINE = re.compile(r"^── (\S+): (.+), ([\d.]+) s$")
RENDERED = re.compile(r"重新生成 (\d+) 页，沿用上次的 (\d+) 页")
TOTAL = re.compile(r"全部完成 / all built: .*?([\d.]+) s$")


def parse_driver_log(text):
    """Per site: seconds, pages rendered / carried over, or nothing to do;
    and the driver's own total."""
    sites, current, total = {}, None, None
    for line in text.splitlines():
        match = SITE_LINE.match(line)
        if match:
            current = sites[match[1]] = {"seconds": float(match[3]), "ok": match[2].startswith("完成")}
            continue
        match = RENDERED.search(line)
        if match and current is not None:
            current.update(rendered=int(match[1]), carried=int(match[2]))
        elif "nothing changed" in line and current is not None:
            current["nothing_changed"] = True
        match = TOTAL.search(line)
        if match:
            total = float(match[1])
    return sites, total


def network(project, *, publish=True, search=True):
    """One ``python -m plugins.network build`` in ``project``: figures and the driver's log."""
    # The overrides before the options: HEAD's driver parses them only there.
    command = [sys.executable, "-m", "plugins.network", "build", f"BUILD_DATE={json.dumps(BUILD_DATE)}"]
    if not search:
        command.append("SEARCH_INDEX=false")
    if publish:
        command.append("--publish")
    load = os.getloadavg()[0]
    seconds, peak, log = bench.timed(command, project)
    sites, total = parse_driver_log(log)
    return {"seconds": seconds, "peak_rss_bytes": peak, "driver_total_s": total, "sites": sites,
            "load_before": load, "load_after": os.getloadavg()[0]}, log


def wipe(project, names):
    for name in names:
        for sub in ("output", ".cache"):
            shutil.rmtree(project / "sites" / name / sub, ignore_errors=True)
    for sub in ("output", ".cache"):
        shutil.rmtree(project / "portal" / sub, ignore_errors=True)
    shutil.rmtree(project / ".cache", ignore_errors=True)  # what the sites share (compressed copies)


def vanilla(folder, corpus, names):
    """Vanilla Pelican over every community's content, one process after another, clean."""
    commands = []
    for name in names:
        output, cache = folder / "vanilla" / name / "output", folder / "vanilla" / name / "cache"
        commands.append(shlex.join(map(str, bench.pelican_command("vanilla", corpus / name / "content", output, cache))))
    script = "set -e\n" + "\n".join(commands) + "\n"
    load = os.getloadavg()[0]
    seconds, peak, _ = bench.timed(["bash", "-c", script], folder)
    return {"seconds": seconds, "peak_rss_bytes": peak, "load_before": load, "load_after": os.getloadavg()[0]}


def one_run(scratch, corpus, names, rev, run, options):
    folder = scratch / f"run-{run}"
    folder.mkdir()
    figures = {}
    print(f"run {run}: vanilla Pelican, {len(names)} sites one after another …", file=sys.stderr)
    figures["vanilla_clean"] = vanilla(folder, corpus, names)
    print(f"  {figures['vanilla_clean']['seconds']:.1f} s", file=sys.stderr)
    # Vanilla's output stays until the run ends, as Linli's does: deleting
    # its 18,000 files just before Linli's clean build made every file that
    # build created slower. On a file system without a journal (this
    # machine's ext4) each new inode skips those deleted in the last minutes
    # (ext4's recently_deleted()), and the build paid about 0.6 s of system
    # time a site for them.
    project = make_project(folder, corpus, names, rev)
    os.environ["PYTHONPATH"] = str(project)
    os.environ.pop("LINLI_SITE", None)

    def step(key, label, **kwargs):
        print(f"run {run}: {label} …", file=sys.stderr)
        figures[key], log = network(project, **kwargs)
        row = figures[key]
        print(f"  {row['seconds']:.1f} s, {row['peak_rss_bytes'] / MIB:.0f} MiB (load {row['load_before']:.1f} → "
              f"{row['load_after']:.1f})", file=sys.stderr)
        return log

    step("clean", "publish-all, clean")
    edited = names[len(names) // 2]
    article = bench.edited_article(project / "sites" / edited / "content")
    marker = f"网络基准第{run}轮追加的一段文字，检查它出现在输出中。"
    with open(article, "a", encoding="utf-8") as handle:
        handle.write(f"\n{marker}\n")
    step("edit", f"publish-all after appending a paragraph to {edited}/{article.name}")
    if not bench.output_contains(project / "sites" / edited / "output", marker):
        sys.exit(f"the edit to {edited}/{article.name} is missing from sites/{edited}/output")
    figures["edit"]["edited"] = f"{edited}/{article.relative_to(project / 'sites' / edited / 'content')}"
    step("noop", "publish-all, nothing changed")
    if options.search_off_too:
        wipe(project, names)
        step("clean_search_off", "publish-all, clean, SEARCH_INDEX=false", search=False)
    if options.html_noop:
        step("html", "html-all (after a publish-all)", publish=False)
        step("html_noop", "html-all, nothing changed", publish=False)
    shutil.rmtree(folder, ignore_errors=True)
    return figures


# --- report ------------------------------------------------------------------------------

def median(values):
    values = [value for value in values if value is not None]
    return statistics.median(values) if values else None


def summarise(runs):
    def med(key, field="seconds"):
        return median([run[key][field] for run in runs if key in run])

    linli_builds = [key for key in ("clean", "edit", "noop", "clean_search_off", "html", "html_noop")]
    summary = {key: {"seconds": med(key), "peak_mib": (med(key, "peak_rss_bytes") or 0) / MIB}
               for key in ("vanilla_clean", *linli_builds) if any(key in run for run in runs)}
    summary["clean_ratio"] = median([run["clean"]["seconds"] / run["vanilla_clean"]["seconds"] for run in runs])
    summary["edit_share"] = median([run["edit"]["seconds"] / run["clean"]["seconds"] for run in runs])
    if all("clean_search_off" in run for run in runs):
        summary["clean_search_off_ratio"] = median(
            [run["clean_search_off"]["seconds"] / run["vanilla_clean"]["seconds"] for run in runs])
    summary["linli_peak_bytes"] = max(run[key]["peak_rss_bytes"] for run in runs for key in linli_builds if key in run)
    summary["where"] = where_time_goes(runs[-1])
    summary["loads"] = [run[key]["load_before"] for run in runs for key in ("vanilla_clean", "clean")]
    return summary


def where_time_goes(run):
    """From the driver's lines: each site's seconds, the portal's, what the driver adds."""
    found = {}
    for key in ("clean", "edit", "noop", "clean_search_off", "html_noop"):
        if key not in run:
            continue
        sites = run[key]["sites"]
        communities = {name: data for name, data in sites.items() if name != "portal"}
        seconds = sorted(data["seconds"] for data in communities.values())
        found[key] = {
            "wall_s": run[key]["seconds"],
            "driver_total_s": run[key]["driver_total_s"],
            "sites": len(communities),
            "site_s_sum": sum(seconds),
            "site_s_min": seconds[0] if seconds else None,
            "site_s_median": statistics.median(seconds) if seconds else None,
            "site_s_max": seconds[-1] if seconds else None,
            "slowest": sorted(communities, key=lambda name: -communities[name]["seconds"])[:3],
            "portal_s": sites.get("portal", {}).get("seconds"),
            "rendered": sum(data.get("rendered", 0) for data in sites.values()),
            "carried": sum(data.get("carried", 0) for data in sites.values()),
            "nothing_changed": sum(1 for data in sites.values() if data.get("nothing_changed")),
        }
    return found


def verdict(ok):
    return "PASS" if ok else "MISS"


def table(summary, sites, articles, runs, rev):
    vanilla_row = summary["vanilla_clean"]
    clean, edit, noop = summary["clean"], summary["edit"], summary["noop"]
    peak = summary["linli_peak_bytes"]
    lines = [
        f"{sites} communities × {articles:,} articles ({sites * articles:,}) + portal; code: {rev or 'working tree'}; "
        f"BUILD_DATE {BUILD_DATE}; {os.cpu_count()} cores; "
        f"{runs} run{'s' if runs > 1 else ''}{' (medians)' if runs > 1 else ''}. "
        "Linli: `python -m plugins.network build --publish` (= make publish-all), search index on unless said; "
        "1-minute load average before vanilla / Linli clean: "
        f"{', '.join(f'{a:.1f} / {b:.1f}' for a, b in zip(summary['loads'][::2], summary['loads'][1::2]))}.",
        "",
        "| build | s | peak MiB | figure | target | |",
        "|---|---|---|---|---|---|",
        f"| vanilla Pelican, {sites} `pelican` processes one after another, clean | {vanilla_row['seconds']:.1f} | "
        f"{vanilla_row['peak_mib']:.0f} | — | yardstick | |",
        f"| Linli publish-all, clean | {clean['seconds']:.1f} | {clean['peak_mib']:.0f} | "
        f"{summary['clean_ratio']:.2f}× vanilla | ≤ {CLEAN_RATIO:.1f}× | {verdict(summary['clean_ratio'] <= CLEAN_RATIO)} |",
        f"| Linli publish-all after a one-article edit | {edit['seconds']:.1f} | {edit['peak_mib']:.0f} | "
        f"{summary['edit_share']:.1%} of clean | ≤ {EDIT_SHARE:.0%} | {verdict(summary['edit_share'] <= EDIT_SHARE)} |",
        f"| Linli publish-all, nothing changed | {noop['seconds']:.2f} | {noop['peak_mib']:.0f} | "
        f"{noop['seconds']:.2f} s | ≤ {NOOP_SECONDS:.0f} s | {verdict(noop['seconds'] <= NOOP_SECONDS)} |",
    ]
    if "html_noop" in summary:
        row = summary["html_noop"]
        lines.append(f"| Linli html-all, nothing changed (after an html-all) | {row['seconds']:.2f} | {row['peak_mib']:.0f} | "
                     f"{row['seconds']:.2f} s | ≤ {NOOP_SECONDS:.0f} s | {verdict(row['seconds'] <= NOOP_SECONDS)} |")
    lines.append(f"| peak memory, any Linli network build (sum of RSS over the tree) | — | {peak / MIB:.0f} | "
                 f"{peak / 1e9:.2f} GB | < 2 GB | {verdict(peak < MEMORY_BYTES)} |")
    if "clean_search_off" in summary:
        row = summary["clean_search_off"]
        lines.append(f"| Linli publish-all, clean, SEARCH_INDEX=false (for reference) | {row['seconds']:.1f} | "
                     f"{row['peak_mib']:.0f} | {summary['clean_search_off_ratio']:.2f}× vanilla | — | |")
    lines += ["", "Where the time goes (the driver's per-site lines; last run):", "",
              "| build | wall s | driver s | sites | site s: sum / min / median / max | slowest | portal s | pages rendered / carried | sites (portal too) with nothing to do |",
              "|---|---|---|---|---|---|---|---|---|"]
    for key, row in summary["where"].items():
        spread = (f"{row['site_s_sum']:.1f} / {row['site_s_min']:.1f} / {row['site_s_median']:.1f} / {row['site_s_max']:.1f}"
                  if row["sites"] else "—")
        lines.append(f"| {key} | {row['wall_s']:.1f} | {row['driver_total_s'] if row['driver_total_s'] is not None else '—'} | "
                     f"{row['sites']} | {spread} | {', '.join(row['slowest'])} | {row['portal_s']} | "
                     f"{row['rendered']} / {row['carried']} | {row['nothing_changed']} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=40, help="communities (40)")
    parser.add_argument("--articles", type=int, default=250, help="articles per community (250)")
    parser.add_argument("--runs", type=int, default=1, help="runs, each vanilla then Linli in a fresh folder (1)")
    parser.add_argument("--rev", help="build the code of this git revision (default: the working tree)")
    parser.add_argument("--search-off-too", action="store_true", help="also a clean publish-all with SEARCH_INDEX=false")
    parser.add_argument("--html-noop", action="store_true", help="also html-all twice, the second (no-op) timed")
    parser.add_argument("--json", help="where to write the figures (default bench/results/network-<sites>x<articles>.json)")
    args = parser.parse_args()
    if not (SHARED / "gen_corpus.py").exists():
        sys.exit(f"reference corpus generator not found: {SHARED / 'gen_corpus.py'}")
    if args.rev:  # one commit for the whole run, whatever HEAD does meanwhile
        args.rev = subprocess.run(["git", "rev-parse", "--verify", f"{args.rev}^{{commit}}"], cwd=ROOT, check=True,
                                  capture_output=True, text=True).stdout.strip()
    names = site_names(args.sites)
    scratch = Path(tempfile.mkdtemp(prefix="bench-network-"))
    try:
        print(f"generating {args.sites} × {args.articles} articles …", file=sys.stderr)
        corpus = scratch / "corpus"
        make_corpus(corpus, names, args.articles)
        runs = [one_run(scratch, corpus, names, args.rev, run, args) for run in range(1, args.runs + 1)]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    summary = summarise(runs)
    print()
    commit = subprocess.run(["git", "rev-parse", "--short", args.rev or "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    print(table(summary, args.sites, args.articles, args.runs, f"commit {commit}" if args.rev else None))
    target = Path(args.json) if args.json else ROOT / "bench" / "results" / f"network-{args.sites}x{args.articles}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    git = subprocess.run(["git", "rev-parse", args.rev or "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    dirty = bool(subprocess.run(["git", "status", "--porcelain", "--", *CODE], cwd=ROOT, capture_output=True,
                                text=True).stdout.strip()) and not args.rev
    target.write_text(json.dumps({
        "sites": args.sites, "articles_per_site": args.articles, "runs": args.runs, "build_date": BUILD_DATE,
        "code": {"rev": args.rev, "commit": git, "working_tree_changes": dirty},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "targets": {"clean_ratio": CLEAN_RATIO, "edit_share": EDIT_SHARE, "noop_s": NOOP_SECONDS, "memory_bytes": MEMORY_BYTES},
        "summary": summary,
        "runs_raw": runs,
    }, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nfigures written to {os.path.relpath(target)}")


if __name__ == "__main__":
    main()
