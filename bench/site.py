"""Site builds: Linli beside vanilla Pelican on the reference corpus, same run.

    .venv/bin/python bench/site.py [--articles 1000] [--runs 3] [--json PATH]

Corpus: ``../shared/bench/gen_corpus.py --articles N --flavor pelican``.
Yardstick: vanilla Pelican 4.12 with ``../shared/bench/vanilla-pelicanconf.py``
(its own content cache on, so its rebuilds are warm too). Linli:
``pelicanconf.py`` with ``BUILD_DATE`` fixed, a fresh ``CACHE_PATH`` and
``PHOTO_CACHE`` per run and ``SEARCH_INDEX`` off; the search index is timed
separately (a clean Linli build with it on, minus the same build with it off).

Each run of each tool, in a fresh folder: a clean build (empty caches, no
output), a rebuild after appending a paragraph to one article (caches warm,
previous output present; the new paragraph is checked in the output), and a
rebuild with nothing changed. Runs alternate vanilla, Linli, vanilla, Linli …;
every build is its own ``pelican`` subprocess. Peak memory is the largest sum
of RSS over the build's process tree (sampled from /proc every 20 ms, and
never below the largest single process the kernel reports at exit).

Prints a Markdown table (medians; ratios are the median of the per-pair
ratios) and writes the raw figures to ``bench/results/site-<N>.json``.
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "bench"
BUILD_DATE = "2026-11-20"
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
WORK = ("clean", "edit", "noop")


# --- process-tree memory ------------------------------------------------------

def _children(pid):
    found = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found += [int(child) for child in handle.read().split()]
        except OSError:
            pass
    return found


def _tree_rss(pid):
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/statm") as handle:
                total += int(handle.read().split()[1]) * PAGE_SIZE
        except (OSError, ValueError, IndexError):
            continue
        stack += _children(current)
    return total


def timed(command, cwd):
    """Run one build; return (seconds, peak tree RSS in bytes, log)."""
    log = tempfile.TemporaryFile()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
    peak = 0
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(process.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    log.seek(0)
    text = log.read().decode("utf-8", "replace")
    if process.returncode != 0:
        sys.exit(f"build failed ({process.returncode}): {' '.join(map(str, command))}\n{text[-3000:]}")
    return seconds, max(peak, usage.ru_maxrss * 1024), text


# --- the two tools --------------------------------------------------------------

def pelican_command(tool, content, output, cache, search=False):
    command = [sys.executable, "-m", "pelican", str(content), "-o", str(output), "-q"]
    if tool == "vanilla":
        return command + [
            "-s", str(SHARED / "vanilla-pelicanconf.py"),
            "-e", f"CACHE_PATH={json.dumps(str(cache / 'pelican'))}",
            "CACHE_CONTENT=true", "LOAD_CONTENT_CACHE=true",
        ]
    return command + [
        "-s", str(ROOT / "pelicanconf.py"),
        "-e", f"BUILD_DATE={json.dumps(BUILD_DATE)}",
        f"CACHE_PATH={json.dumps(str(cache / 'pelican'))}",
        f"PHOTO_CACHE={json.dumps(str(cache / 'photos'))}",
        f"SEARCH_INDEX={json.dumps(search)}",
    ]


def edited_article(content):
    """The article every run edits: the middle one in file-name order."""
    articles = sorted((content / "articles").rglob("*.md"))
    return articles[len(articles) // 2]


def output_contains(output, text):
    needle = text.encode("utf-8")
    return any(needle in path.read_bytes() for path in output.rglob("*.html"))


def one_run(tool, corpus, scratch, run, search_build):
    """Clean build, one-edit rebuild and no-op rebuild of one tool in a fresh
    folder of ``scratch``; for Linli also a clean build with the search index
    on, into folders of its own. Nothing is deleted until the bench ends:
    on a file system without a journal (this machine's ext4) every file or
    folder made in the half-minute after thousands were deleted skips their
    inodes one by one (ext4's ``recently_deleted()``), and the build that
    followed the deletion paid for it (see bench/README.md)."""
    work = scratch / f"{tool}-{run}"
    content, output, cache = work / "content", work / "output", work / "cache"
    shutil.copytree(corpus, content)
    figures = {}
    command = pelican_command(tool, content, output, cache)
    figures["clean"] = timed(command, ROOT)[:2]
    article = edited_article(content)
    marker = f"基准测试第{run}轮追加的一段文字，检查它出现在输出中。"
    with open(article, "a", encoding="utf-8") as handle:
        handle.write(f"\n{marker}\n")
    figures["edit"] = timed(command, ROOT)[:2]
    if not output_contains(output, marker):
        sys.exit(f"{tool}: the edit to {article.name} is missing from the rebuilt output")
    figures["noop"] = timed(command, ROOT)[:2]
    if search_build:
        searched_output = work / "output-search"
        searched = pelican_command(tool, content, searched_output, work / "cache-search", search=True)
        figures["search_build"] = timed(searched, ROOT)[:2]
        if not (searched_output / "pagefind").is_dir():
            sys.exit("Linli: the build with SEARCH_INDEX on wrote no pagefind/ index")
    return figures


def make_corpus(articles, folder):
    subprocess.run(
        [sys.executable, str(SHARED / "gen_corpus.py"), "--out", str(folder),
         "--articles", str(articles), "--flavor", "pelican"],
        check=True, capture_output=True,
    )
    return folder / "content"


# --- report -------------------------------------------------------------------------

def median(values):
    return statistics.median(values) if values else None


def summarise(runs):
    """Medians per tool and work, and the median of per-pair ratios."""
    summary = {}
    for work in WORK:
        pairs = list(zip(runs["vanilla"], runs["linli"]))
        summary[work] = {
            "vanilla_s": median([v[work][0] for v, _ in pairs]),
            "vanilla_mib": median([v[work][1] / 2**20 for v, _ in pairs]),
            "linli_s": median([l[work][0] for _, l in pairs]),
            "linli_mib": median([l[work][1] / 2**20 for _, l in pairs]),
            "ratio": median([l[work][0] / v[work][0] for v, l in pairs]),
            "of_linli_clean": median([l[work][0] / l["clean"][0] for _, l in pairs]),
        }
    linli = runs["linli"]
    summary["search"] = {
        "linli_s": median([max(0.0, l["search_build"][0] - l["clean"][0]) for l in linli]),
        "linli_mib": median([l["search_build"][1] / 2**20 for l in linli]),
        "build_with_search_s": median([l["search_build"][0] for l in linli]),
    }
    return summary


def table(summary, articles, runs):
    lines = [
        f"{articles:,} articles, {runs} alternating pairs (vanilla, Linli, …), medians; "
        "ratio = median of the per-pair ratios Linli / vanilla; search index off in the compared builds.",
        "",
        "| work | vanilla s | vanilla MiB | Linli s | Linli MiB | ratio | % of Linli clean |",
        "|---|---|---|---|---|---|---|",
    ]
    labels = {"clean": "clean build (cold caches)", "edit": "one-edit rebuild (warm)", "noop": "no-op rebuild"}
    for work in WORK:
        row = summary[work]
        lines.append(
            f"| {labels[work]} | {row['vanilla_s']:.2f} | {row['vanilla_mib']:.0f} | {row['linli_s']:.2f} | "
            f"{row['linli_mib']:.0f} | {row['ratio']:.2f}× | {row['of_linli_clean']:.0%} |"
        )
    search = summary["search"]
    lines.append(
        f"| search index (Linli clean build with it − without; MiB: peak of that build) | — | — | "
        f"{search['linli_s']:.2f} | {search['linli_mib']:.0f} | — | — |"
    )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000, help="corpus size (1000; 5000 for the big run)")
    parser.add_argument("--runs", type=int, default=3, help="alternating pairs, at least 3")
    parser.add_argument("--json", help="where to write the figures (default bench/results/site-<N>.json)")
    args = parser.parse_args()
    if not (SHARED / "gen_corpus.py").exists():
        sys.exit(f"reference corpus generator not found: {SHARED / 'gen_corpus.py'}")
    scratch = Path(tempfile.mkdtemp(prefix="bench-site-"))
    try:
        print(f"generating {args.articles} articles …", file=sys.stderr)
        corpus = make_corpus(args.articles, scratch / "corpus")
        runs = {"vanilla": [], "linli": []}
        for run in range(1, args.runs + 1):
            for tool in ("vanilla", "linli"):
                print(f"run {run}/{args.runs}: {tool} …", file=sys.stderr)
                figures = one_run(tool, corpus, scratch, run, search_build=tool == "linli")
                runs[tool].append(figures)
                print("  " + ", ".join(f"{work} {s:.2f} s {b / 2**20:.0f} MiB" for work, (s, b) in figures.items()),
                      file=sys.stderr)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    summary = summarise(runs)
    print()
    print(table(summary, args.articles, args.runs))
    target = Path(args.json) if args.json else ROOT / "bench" / "results" / f"site-{args.articles}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({
        "articles": args.articles,
        "runs": args.runs,
        "build_date": BUILD_DATE,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "git": subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip(),
        "summary": summary,
        "runs_raw": {tool: [{work: {"seconds": s, "peak_rss_bytes": b} for work, (s, b) in run.items()} for run in items]
                     for tool, items in runs.items()},
    }, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nfigures written to {os.path.relpath(target)}")


if __name__ == "__main__":
    main()
