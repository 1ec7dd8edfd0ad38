"""Benchmark: a cold full build of the bundled example (new process, new store, empty out dir).

Each run is a new Python process that imports nenpo, opens a new SQLite store and builds the
example into an empty folder — check, site, report.pdf and deck.pdf — so nothing is cached
(nenpo's caches of charts and PDFs live in memory, per process). Prints, as the median of N
runs (default 5), the wall time of each stage and of the whole process (interpreter start to
exit, as `nenpo build` would take), the CPU time of the build (this process and its second
process), and the load average around the runs: on a shared machine the wall times are the
load's as much as nenpo's. The store's write and the check run beside the model and the PDFs
(NENPO_BUILD_PARALLEL), so their times overlap the others'.

Then the `pdf` stage again in a process that has compiled both once with other content (warm:
fonts read, Typst's memo filled), sequential and with the deck beside the report.
Target (issue 16): the cold build in at most 2 s wall on the 2-core machine.
Run: python bench/build.py [--runs N] [--serial]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import time
t0 = time.perf_counter()
import json, os, resource, sys
from nenpo import core
from nenpo.settings import get_settings
from nenpo.store import open_store
t_import = time.perf_counter() - t0
t = time.perf_counter()
tmp = sys.argv[1]
store = open_store(f"sqlite:///{tmp}/nenpo.db")
t_open = time.perf_counter() - t
result = core.build(store, f"{tmp}/site", None, "ja", get_settings())
wall = time.perf_counter() - t0
own = resource.getrusage(resource.RUSAGE_SELF)
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
print(json.dumps({"import": t_import, "open": t_open, **result.timings, "in_process": wall,
                  "cpu": cpu, "peak_mib": own.ru_maxrss / 1024,
                  "pages": len(result.site.pages), "charts": len(result.site.charts),
                  "pdfs": [p.pages for p in result.prints.pdfs] if result.prints else []}))
"""

PDF_CHILD = """
import json, os, resource, sys, time
from nenpo.core import model_stage
from nenpo.ingest.workspace import read_workspace
from nenpo.render.pdf import render_prints
from nenpo.settings import bundled_example, get_settings
from nenpo.render.typeset import engine
font = get_settings().chart_font
ws = read_workspace(bundled_example()).workspace
render_prints(*model_stage(ws, "en", font, True), font, parallel=False)  # warm: fonts, memo
site, deck = model_stage(ws, "ja", font, True)
[c.svg for c in site.charts.values()]  # the charts are drawn in a thread: drawn before timing

def cpu():
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime

out = {"load": os.getloadavg()[0]}
for mode, parallel in (("sequential", False), ("parallel", True)):
    out[mode] = {"wall": [], "cpu": []}
    for _ in range(int(sys.argv[1])):
        engine.PDFS.clear()  # compile again: this measures Typst, not nenpo's cache
        t, c = time.perf_counter(), cpu()
        prints = render_prints(site, deck, font, parallel=parallel)
        out[mode]["wall"].append(time.perf_counter() - t)
        out[mode]["cpu"].append(cpu() - c)
report, deck = prints.pdfs
out.update(report_pages=report.pages, report_mib=len(report.data) / 2**20, deck_pages=deck.pages)
print(json.dumps(out))
"""

STAGES = [
    ("import", "import nenpo"),
    ("open", "open a new store (migrations)"),
    ("load", "read and validate the workspace"),
    ("store", "write it into the store (beside)"),
    ("check", "check (beside)"),
    ("model", "model: pages, charts, deck (the SVGs are drawn in a thread meanwhile)"),
    ("pdf", "pdf: report.pdf and deck.pdf (with the wait for the charts' SVGs)"),
    ("write", "write the site"),
    ("total", "core.build, load to write"),
    ("in_process", "the process, from its first line"),
    ("process", "the process, interpreter start to exit"),
]


def _child(code: str, *args: str, env: dict[str, str] | None = None) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    if out.returncode != 0:
        raise SystemExit(f"the benchmark's child failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_once(serial: bool) -> dict:
    env = {**os.environ, "NENPO_BUILD_PARALLEL": "false" if serial else "true"}
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        result = _child(CHILD, tmp, env=env)
        result["process"] = time.perf_counter() - t
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--serial", action="store_true", help="store and check before the model, not beside it"
    )
    args = parser.parse_args()
    before = os.getloadavg()[0]
    runs = [run_once(args.serial) for _ in range(args.runs)]
    after = os.getloadavg()[0]
    first = runs[0]
    print(
        f"cold full build of the bundled example, median of {args.runs} runs "
        f"({first['pages']} pages, {first['charts']} charts, report.pdf {first['pdfs'][0]} "
        f"pages, deck.pdf {first['pdfs'][1]} slides; "
        f"{'serial' if args.serial else 'store and check beside the model'})"
    )
    for key, label in STAGES:
        values = [r[key] for r in runs if key in r]
        if values:
            print(
                f"  {key:<10} {statistics.median(values):6.2f} s  (min {min(values):.2f}, "
                f"max {max(values):.2f})  {label}"
            )
    cpu = statistics.median(r["cpu"] for r in runs)
    peak = statistics.median(r["peak_mib"] for r in runs)
    print(f"  cpu        {cpu:6.2f} s  of both processes;  peak memory {peak:.0f} MiB")
    wall = statistics.median(r["process"] for r in runs)
    print(
        f"target: a cold build in at most 2 s wall -> {'met' if wall <= 2 else 'NOT met'} "
        f"({wall:.2f} s); load average {before:.2f} before, {after:.2f} after, "
        f"on {os.cpu_count()} cores"
    )
    pdf = _child(PDF_CHILD, str(args.runs))
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
    print(f"load average while measuring the pdf stage: {pdf['load']:.2f}")


if __name__ == "__main__":
    main()
