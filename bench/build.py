"""Benchmark: a cold full build of the bundled example (new store, new process, empty out dir).

Prints wall time per stage, total wall time and peak memory (RSS) of the build process.
Target (issue 2): under 10 s on a 2-core machine. Run: python bench/build.py [--runs N]
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


def run_once() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            [sys.executable, "-c", CHILD, tmp],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parents[1],
        )
        return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs = [run_once() for _ in range(args.runs)]
    print(
        f"cold full build of the bundled example, {args.runs} runs "
        f"({runs[0]['pages']:.0f} pages, {runs[0]['charts']:.0f} charts)"
    )
    for key in ("import", "load", "model", "write", "total", "wall", "peak_mib"):
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


if __name__ == "__main__":
    main()
