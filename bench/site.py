"""Site build benchmark: Linli beside vanilla Pelican (same corpus, no plugins,
default theme), measured in the same run.

    python bench/site.py [--articles 400] [--runs 3]

Reports the median of each: full build (cold caches), and rebuild after
editing one article (warm caches). Prints a Markdown table.
"""

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = ["社区动态", "党建引领", "红色物业", "便民服务"]
WORDS = "社区 居民 志愿者 服务 活动 楼栋 物业 党员 议事 垃圾分类 电梯 医保 养老 文明 安全 邻里".split()


def make_corpus(folder, count, seed=7):
    """Articles with plain English keys, so vanilla Pelican reads them too."""
    rng = random.Random(seed)
    articles = folder / "articles"
    articles.mkdir(parents=True)
    (folder / "pages").mkdir()
    for number in range(count):
        paragraphs = [
            "".join(rng.choice(WORDS) for _ in range(rng.randint(40, 90))) + "。" for _ in range(rng.randint(4, 9))
        ]
        (articles / f"a{number:04d}.md").write_text(
            f"Title: 社区新闻第 {number} 篇\n"
            f"Date: {2024 + number % 3}-{1 + number % 12:02d}-{1 + number % 28:02d} 09:{number % 60:02d}\n"
            f"Category: {COLUMNS[number % 4]}\n"
            f"Tags: {rng.choice(WORDS)}, {rng.choice(WORDS)}\n"
            f"Slug: news-{number:04d}\n"
            "Editor: 韩思远\nReviewer: 罗美华\nApprover: 吴建国\n\n" + "\n\n".join(paragraphs) + "\n",
            encoding="utf-8",
        )
    return folder


def pelican(content, output, settings, extra=()):
    command = [sys.executable, "-m", "pelican", str(content), "-o", str(output), "-q", *extra]
    if settings:
        command += ["-s", str(settings)]
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


def measure(label, corpus, settings, extra, runs):
    full, rebuild = [], []
    for _ in range(runs):
        work = Path(tempfile.mkdtemp())
        content = work / "content"
        shutil.copytree(corpus, content)
        cache = ["-e", f'CACHE_PATH="{work / "cache"}"', 'BUILD_DATE="2026-11-20"', "SEARCH_INDEX=false"] if settings else []
        vanilla_cache = ["-e", f'CACHE_PATH="{work / "cache"}"', "CACHE_CONTENT=true", "LOAD_CONTENT_CACHE=true"]
        options = [*extra, *(cache or vanilla_cache)]
        full.append(pelican(content, work / "output", settings, options))
        edited = content / "articles" / "a0001.md"
        edited.write_text(edited.read_text(encoding="utf-8") + "\n编辑后新增一段。\n", encoding="utf-8")
        rebuild.append(pelican(content, work / "output", settings, options))
        shutil.rmtree(work)
    return label, statistics.median(full), statistics.median(rebuild)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    corpus = make_corpus(Path(tempfile.mkdtemp()) / "corpus", args.articles)
    rows = [
        measure("vanilla Pelican (no plugins, default theme)", corpus, None, ["-e", "TIMEZONE=\"Asia/Shanghai\""], args.runs),
        measure("Linli (all plugins, search index off)", corpus, ROOT / "pelicanconf.py", [], args.runs),
    ]
    print(f"\n{args.articles} articles, median of {args.runs} runs\n")
    print("| build | full build (s) | rebuild after one edit (s) |")
    print("|---|---|---|")
    for label, full, rebuild in rows:
        print(f"| {label} | {full:.2f} | {rebuild:.2f} |")
    ratio_full = rows[1][1] / rows[0][1]
    ratio_rebuild = rows[1][2] / rows[0][2]
    print(f"\nLinli / vanilla: full {ratio_full:.2f}×, rebuild {ratio_rebuild:.2f}×")
    shutil.rmtree(corpus.parent)


if __name__ == "__main__":
    main()
