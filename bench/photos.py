"""Photo throughput: Linli's pipeline beside Debian's vipsthumbnail, same run.

    .venv/bin/python bench/photos.py [-n 12] [--workers N] [--json bench/results/photos.json]

1. Draws N phone-sized photos (4032×3024, JPEG quality 92, phone EXIF with
   GPS) into a temporary folder — drawn scenes, see plugins/gallery/demo.py.
2. Times the pipeline exactly as a build runs it (hash, cache lookup, decode,
   variants, copy into an output folder) with an empty cache, serial
   (1 worker) and parallel (all cores), then a warm rebuild with the cache of
   the parallel run: it must decode 0 photos (read from the pipeline's own
   report, not inferred from the time).
3. Times vipsthumbnail producing the same variants: one call per photo, width
   and format (vipsthumbnail makes one size per call) with the same quality
   and encoder settings, ``xargs -P 1`` and ``xargs -P <cores>``, each call
   with ``VIPS_CONCURRENCY=1`` so "serial" means one core for both tools;
   a last row lets vips use its own threads.

Prints a Markdown table and the ratios (target: parallel within 1.5× of
vipsthumbnail's parallel time).
"""

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from plugins.common import available_cores  # noqa: E402
from plugins.gallery import demo  # noqa: E402
from plugins.gallery.photos import DEFAULTS, Registry  # noqa: E402

KINDS = ("cleanup", "sorting", "festival")
VIPS_SUFFIX = {
    "webp": "webp[Q={q},strip]",
    "jpeg": "jpg[Q={q},strip,optimize_coding,interlace]",
    "avif": "avif[Q={q},strip]",
    "png": "png[strip]",
}


def make_corpus(folder, count):
    paths = []
    for index in range(count):
        path = os.path.join(folder, f"IMG_{9000 + index}.jpg")
        image = demo.draw_scene(KINDS[index % len(KINDS)], demo.PHONE, seed=100 + index)
        demo.save_phone_jpeg(image, path, gps=True, quality=92)
        paths.append(path)
    return paths


def run_linli(source_dir, paths, cache, output, workers):
    settings = dict(DEFAULTS, PATH=source_dir, PHOTO_CACHE=cache, PHOTO_WORKERS=workers, PHOTO_PROGRESS_MIN=10**9)
    registry = Registry(settings)
    for path in paths:
        registry.add(path)
    os.makedirs(output, exist_ok=True)
    started = time.perf_counter()
    registry.process(output)
    elapsed = time.perf_counter() - started
    failed = [p.rel for p in registry.photos.values() if not p.ok]
    if failed:
        raise SystemExit(f"pipeline failed on {failed}")
    return elapsed, registry.report


def vips_commands(paths, output, widths, formats, quality):
    lines = []
    for path in paths:
        calls = []
        for width in widths:
            for fmt in formats:
                suffix = VIPS_SUFFIX[fmt].format(q=quality.get(fmt))
                target = os.path.join(output, f"%s-{width}.{suffix}")
                calls.append(f"vipsthumbnail {shlex.quote(path)} -s {width}x -o {shlex.quote(target)}")
        lines.append(" && ".join(calls))
    return lines


def run_vips(lines, parallel, threads=False):
    env = dict(os.environ)
    if threads:
        env.pop("VIPS_CONCURRENCY", None)
    else:
        env["VIPS_CONCURRENCY"] = "1"
    script = "\n".join(lines) + "\n"
    started = time.perf_counter()
    subprocess.run(
        ["xargs", "-P", str(parallel), "-d", "\n", "-n", "1", "sh", "-c"],
        input=script, text=True, env=env, check=True,
    )
    return time.perf_counter() - started


def folder_bytes(folder):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(folder) for f in files)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Linli photo pipeline vs vipsthumbnail")
    parser.add_argument("-n", "--count", type=int, default=12, help="photos in the corpus (default 12)")
    parser.add_argument("--workers", type=int, default=0, help="parallel workers (default: all cores)")
    parser.add_argument("--json", default=os.path.join(ROOT, "bench", "results", "photos.json"))
    args = parser.parse_args(argv)
    if not shutil.which("vipsthumbnail"):
        raise SystemExit("vipsthumbnail not found: apt-get install libvips-tools")
    cores = args.workers or available_cores()
    widths = DEFAULTS["PHOTO_WIDTHS"]
    formats = DEFAULTS["PHOTO_FORMATS"]
    quality = DEFAULTS["PHOTO_QUALITY"]
    vips_version = subprocess.run(["vipsthumbnail", "--version"], capture_output=True, text=True).stdout.strip()

    with tempfile.TemporaryDirectory(prefix="linli-bench-") as tmp:
        source = os.path.join(tmp, "src")
        os.makedirs(source)
        print(f"drawing {args.count} photos of 4032×3024 …", file=sys.stderr)
        paths = make_corpus(source, args.count)
        corpus_mb = folder_bytes(source) / 1e6

        rows = []
        serial, report = run_linli(source, paths, os.path.join(tmp, "cache1"), os.path.join(tmp, "out1"), 1)
        rows.append(("Linli, empty cache, serial", 1, serial, report["decoded"]))
        parallel, report = run_linli(source, paths, os.path.join(tmp, "cache2"), os.path.join(tmp, "out2"), cores)
        rows.append(("Linli, empty cache, parallel", cores, parallel, report["decoded"]))
        linli_bytes = folder_bytes(os.path.join(tmp, "out2"))
        warm, warm_report = run_linli(source, paths, os.path.join(tmp, "cache2"), os.path.join(tmp, "out3"), cores)
        rows.append(("Linli, warm rebuild (cache)", cores, warm, warm_report["decoded"]))

        vout = os.path.join(tmp, "vips1")
        os.makedirs(vout)
        vips_serial = run_vips(vips_commands(paths, vout, widths, formats, quality), 1)
        rows.append(("vipsthumbnail, xargs -P 1", 1, vips_serial, None))
        vout = os.path.join(tmp, "vips2")
        os.makedirs(vout)
        vips_parallel = run_vips(vips_commands(paths, vout, widths, formats, quality), cores)
        vips_bytes = folder_bytes(vout)
        rows.append((f"vipsthumbnail, xargs -P {cores}", cores, vips_parallel, None))
        vout = os.path.join(tmp, "vips3")
        os.makedirs(vout)
        vips_threads = run_vips(vips_commands(paths, vout, widths, formats, quality), 1, threads=True)
        rows.append(("vipsthumbnail, xargs -P 1, vips threads", "auto", vips_threads, None))

    variants = len(widths) * len(formats)
    print()
    print(f"{args.count} photos 4032×3024 ({corpus_mb:.1f} MB) → widths {widths} × formats {formats} "
          f"= {variants} files each; {cores} cores; {vips_version}")
    print()
    print("| run | workers | seconds | photos/s | decoded |")
    print("|---|---|---|---|---|")
    for name, workers, seconds, decoded in rows:
        shown = "—" if decoded is None else str(decoded)
        print(f"| {name} | {workers} | {seconds:.2f} | {args.count / seconds:.1f} | {shown} |")
    print()
    ratio_parallel = parallel / vips_parallel
    ratio_serial = serial / vips_serial
    print(f"Linli / vipsthumbnail: parallel {ratio_parallel:.2f}×, serial {ratio_serial:.2f}× (target ≤ 1.5×)")
    print(f"output bytes: Linli {linli_bytes / 1e6:.2f} MB, vipsthumbnail {vips_bytes / 1e6:.2f} MB")
    print(f"warm rebuild decoded {warm_report['decoded']} photos (target 0)")
    result = {
        "count": args.count, "cores": cores, "widths": widths, "formats": formats, "vips": vips_version,
        "rows": [{"run": n, "workers": w, "seconds": round(s, 3), "decoded": d} for n, w, s, d in rows],
        "ratio_parallel": round(ratio_parallel, 3), "ratio_serial": round(ratio_serial, 3),
        "warm_decoded": warm_report["decoded"], "linli_bytes": linli_bytes, "vips_bytes": vips_bytes,
    }
    os.makedirs(os.path.dirname(args.json), exist_ok=True)
    with open(args.json, "w", encoding="utf-8") as handle:
        json.dump(result, handle, ensure_ascii=False, indent=1)
    ok = ratio_parallel <= 1.5 and warm_report["decoded"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
