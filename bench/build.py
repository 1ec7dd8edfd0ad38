"""Benchmark: a cold full build of the bundled example (new store, new process, empty out dir).

Prints wall time per stage (the `pdf` stage compiles report.pdf and deck.pdf with Typst), total
wall time and peak memory (RSS) of the build process; then the `pdf` stage again in a process
that has compiled both once (warm: Typst memoizes, so this is mostly what an unchanged document
costs), with its CPU time, the deck compiled after the report and beside it (a second thread).
Targets: the whole build under 10 s (issue 2); report.pdf and deck.pdf together under 3 s
(issue 3), on a 2-core machine. Run: python bench/build.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = """
import json, resource, sys, time
t0 = time.perf_counter()
from nenpo import core
from nenpo.settings import get_settings
from nenpo.store import open_store
t_import = time.perf_counter() - t0
tmp = sys.argv[1]
store = open_store(f"sqlite:///{tmp}/nenpo.db")
result = core.build(store, f"{tmp}/site", None, "ja", get_settings())
wall = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"import": t_import, **result.timings, "wall": wall, "peak_mib": peak,
                  "pages": len(result.site.pages), "charts": len(result.site.charts)}))
"""


PDF_CHILD = """
import json, os, resource, sys, time
from nenpo.ingest.workspace import read_workspace
from nenpo.render.pdf import render_prints
from nenpo.report.deck import deck_model
from nenpo.report.site import build_site
from nenpo.settings import bundled_example, get_settings
font = get_settings().chart_font
site = build_site(read_workspace(bundled_example()).workspace, "ja", font)
deck = deck_model(site, font)  # the model stage builds it
render_prints(site, deck, font, parallel=False)  # warm: fonts loaded, caches filled

def cpu():
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime

out = {"load": os.getloadavg()[0], "cores": os.cpu_count()}
for mode, parallel in (("sequential", False), ("parallel", True)):
    out[mode] = {"wall": [], "cpu": []}
    for _ in range(int(sys.argv[1])):
        t, c = time.perf_counter(), cpu()
        prints = render_prints(site, deck, font, parallel=parallel)
        out[mode]["wall"].append(time.perf_counter() - t)
        out[mode]["cpu"].append(cpu() - c)
report, deck = prints.pdfs
out.update(report_pages=report.pages, report_mib=len(report.data) / 2**20, deck_pages=deck.pages)
print(json.dumps(out))
"""


def _child(code: str, *args: str) -> str:
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    return out.stdout.strip().splitlines()[-1]


def run_once() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        return json.loads(_child(CHILD, tmp))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs = [run_once() for _ in range(args.runs)]
    print(
        f"cold full build of the bundled example, {args.runs} runs "
        f"({runs[0]['pages']:.0f} pages, {runs[0]['charts']:.0f} charts)"
    )
    for key in ("import", "load", "model", "pdf", "write", "total", "wall", "peak_mib"):
        values = [r[key] for r in runs if key in r]
        if not values:
            continue
        unit = "MiB" if key == "peak_mib" else "s"
        print(
            f"  {key:<9} median {statistics.median(values):8.2f} {unit}   "
            f"min {min(values):.2f}   max {max(values):.2f}"
        )
    wall = statistics.median(r["wall"] for r in runs)
    print(f"target: wall < 10 s -> {'met' if wall < 10 else 'NOT met'} ({wall:.2f} s)")
    pdf = json.loads(_child(PDF_CHILD, str(args.runs)))
    print(
        f"pdf stage alone, warm, {args.runs} runs (report.pdf {pdf['report_pages']} pages, "
        f"{pdf['report_mib']:.2f} MiB; deck.pdf {pdf['deck_pages']} pages)"
    )
    for mode in ("sequential", "parallel"):
        w, c = pdf[mode]["wall"], pdf[mode]["cpu"]
        print(
            f"  {mode:<10} wall median {statistics.median(w):6.2f} s  min {min(w):.2f}   "
            f"cpu median {statistics.median(c):6.2f} s"
        )
    best = min(statistics.median(pdf[m]["wall"]) for m in ("sequential", "parallel"))
    print(f"target: pdf < 3 s -> {'met' if best < 3 else 'NOT met'} ({best:.2f} s)")
    print(f"load average while measuring: {pdf['load']:.2f} on {pdf['cores']} cores")


if __name__ == "__main__":
    main()
