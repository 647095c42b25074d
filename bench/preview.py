"""Live preview: edit-to-visible time of `make devserver`, in a real browser.

    .venv/bin/python bench/preview.py [--site demo|corpus] [--articles 1000] [--edits 5] [--settle]

Starts the devserver (plugins/devserver) on a copy of the demo content or of
the reference corpus (``../shared/bench/gen_corpus.py``), opens one article in
Debian's Chromium (Playwright), then appends a paragraph to that article's
file several times. Each time it measures from the moment the file is written
to the moment the new paragraph is on the screen — the page reloads itself,
nobody presses F5 — and reports the median and the slowest, beside the
server's own build time (the build that brings the rest of the site up to
date after the edited page was shown). The next edit comes one second after
the last one was visible (an editor fixing a typo), or, with ``--settle``,
once the server has finished building (an editor who reads the page first).
Figures go to ``bench/results/preview-<site>.json``.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.site import make_corpus  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.devserver import DevServer  # noqa: E402

DEMO_ARTICLE = "articles/news/2024-03-22-spring-cleanup-volunteers.md"
_SLUG = re.compile(r"^slug\s*[:：]\s*(\S+)\s*$", re.I | re.M)
_DATE = re.compile(r"^(?:date|日期|发布时间)\s*[:：]\s*(\d{4})-(\d{2})", re.I | re.M)


def article_url(source):
    text = source.read_text(encoding="utf-8-sig")
    year, month = _DATE.search(text).groups()
    return f"/{year}/{month}/{_SLUG.search(text).group(1)}/"


def measure(content, article, edits, folder, settle=False):
    from playwright.sync_api import sync_playwright

    server = DevServer(folder, content)
    try:
        first_started = time.perf_counter()
        server.wait_for(lambda s: s["build"] >= 1 and s["state"] == "ok", timeout=1800)
        first_build = time.perf_counter() - first_started
        source = server.content / article
        url = server.url + article_url(source)
        results = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(url)
            for number in range(1, edits + 1):
                if settle:
                    server.wait_for(lambda s: s["state"] == "ok", timeout=600)
                time.sleep(1.0)  # the page is idle and polling, as after an editor's save
                before = server.status()
                marker = f"预览计时第{number}次修改，编辑保存后应自动出现。"
                started, written = time.perf_counter(), time.time()
                with open(source, "a", encoding="utf-8") as handle:
                    handle.write(f"\n{marker}\n")
                page.wait_for_selector(f"text={marker}", timeout=600_000)
                visible = time.perf_counter() - started
                status = server.status()
                fast = status["fast"] > before["fast"]
                if not fast and status["build"] <= before["build"]:
                    sys.exit(f"the page showed the edit without a new page or build? {status}")
                # When the server had the page ready: the rest is the browser's
                # status request returning, the reload and drawing the page.
                ready = status["fast_page"]["at"] - written if fast else None
                results.append({"edit_to_visible_s": visible, "fast_page": fast, "server_ready_s": ready, "build_s": None})
                print(f"  edit {number}: visible after {visible:.2f} s "
                      f"({f'edited page first, ready on the server after {ready:.2f} s' if fast else 'build'})",
                      file=sys.stderr)
                if settle or number == edits:
                    # The build that brings the rest of the site up to date.
                    done = server.wait_for(lambda s: s["build"] > before["build"] and s["state"] == "ok", timeout=600)
                    results[-1]["build_s"] = done["seconds"]
                    results[-1]["site_up_to_date_s"] = time.perf_counter() - started
                    print(f"          rest of the site after {results[-1]['site_up_to_date_s']:.2f} s "
                          f"(build {done['seconds']:.2f} s)", file=sys.stderr)
            browser.close()
        return first_build, results
    finally:
        server.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", choices=("demo", "corpus"), default="demo")
    parser.add_argument("--articles", type=int, default=1000, help="corpus size (with --site corpus)")
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--settle", action="store_true", help="wait for each build to finish before the next edit")
    parser.add_argument("--json", help="default bench/results/preview-<site>.json")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit("Debian's chromium is needed (apt-get install chromium)")
    scratch = Path(tempfile.mkdtemp(prefix="bench-preview-"))
    try:
        if args.site == "demo":
            content, article, label = ROOT / "content", DEMO_ARTICLE, "demo site"
        else:
            content = make_corpus(args.articles, scratch / "corpus")
            articles = sorted((content / "articles").rglob("*.md"))
            article = str(articles[len(articles) // 2].relative_to(content))
            label = f"{args.articles:,}-article corpus"
        print(f"devserver on the {label} …", file=sys.stderr)
        first_build, results = measure(content, article, args.edits, scratch / "site", args.settle)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    visible = [r["edit_to_visible_s"] for r in results]
    builds = [r["build_s"] for r in results if r["build_s"] is not None]
    spacing = "each once the last build finished" if args.settle else "1 s apart"
    print(f"\n`make devserver`, {label}, {len(results)} edits of one article (append a paragraph, save; {spacing})\n")
    ready = [r["server_ready_s"] for r in results if r["server_ready_s"] is not None]
    print("| first build s | edit-to-visible median s | slowest s | edited page first | "
          "page ready on the server median s | rebuild median s |")
    print("|---|---|---|---|---|---|")
    print(f"| {first_build:.1f} | {statistics.median(visible):.2f} | {max(visible):.2f} | "
          f"{len(ready)} of {len(results)} | {statistics.median(ready) if ready else float('nan'):.2f} | "
          f"{statistics.median(builds):.2f} |")
    target = Path(args.json) if args.json else ROOT / "bench" / "results" / f"preview-{args.site}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({
        "site": label, "first_build_s": first_build, "settle": args.settle, "edits": results,
        "git": subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip(),
        "cpus": os.cpu_count(),
    }, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nfigures written to {os.path.relpath(target)}")


if __name__ == "__main__":
    main()
