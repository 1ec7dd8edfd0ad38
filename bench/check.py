"""Benchmark: `nenpo check` on the bundled example, and on a store of a million observations.

1. The example, read from its files (the YAML, the CSVs, the ministry's tables its imports/
   read) and checked: in process (`core.check`, the median of --runs after one warm-up run; wall
   and CPU time), and as the command `nenpo check examples/digital-agency-2024` in a fresh
   process (interpreter start and imports included). Target (issue 11): under 1 s in process.
2. A SQLite store of 1,741 municipalities × 10 indicators × 60 months (1,044,600 rows, imported
   with `nenpo import`) plus the national total of each indicator and month: series that grow
   smoothly, as real municipal counts and rates do, so the rules find what such data has (a few
   planted slips), not noise. `core.check(store)` runs in a fresh process: wall, CPU, peak
   memory. Target (issue 11): under 5 s.

The machine's load average is printed with the figures: on shared cores they move with it.

Run: python bench/check.py [--runs 5] [--municipalities 1741] [--months 60] [--skip-store]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
EXAMPLE = ROOT / "examples" / "digital-agency-2024"

CHILD = """
import json, resource, sys, time
t0, c0 = time.perf_counter(), time.process_time()
from nenpo import core
from nenpo.store import open_store
store = open_store(sys.argv[1])
t1, c1 = time.perf_counter(), time.process_time()
found = core.check(store)
t2, c2 = time.perf_counter(), time.process_time()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
rules = {}
for f in found:
    rules[f.rule] = rules.get(f.rule, 0) + 1
print(json.dumps({"import_s": t1 - t0, "wall": t2 - t1, "cpu": c2 - c1, "peak_mib": peak,
                  "findings": rules}))
"""

INDICATORS = [  # id, unit, a municipality's typical first value, monthly growth
    ("residents_served", "人", 20000, 0.002),
    ("applications", "件", 3000, 0.01),
    ("cards_held", "枚", 15000, 0.008),
    ("certificates", "通", 800, 0.015),
    ("inquiries", "件", 400, 0.0),
    ("staff", "人", 300, 0.001),
    ("facilities", "施設", 40, 0.004),
    ("volunteers", "人", 25, 0.02),
    ("use_rate", "%", 30, 0.004),
    ("online_share", "%", 10, 0.01),
]


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} CPUs"


def bench_example(runs: int) -> None:
    from nenpo import core

    core.check(None, EXAMPLE)  # warm-up: imports, caches of the first run
    walls, cpus = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        found = core.check(None, EXAMPLE)
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    errors = sum(f.severity == "error" for f in found)
    print(f"example ({EXAMPLE.relative_to(ROOT)}): {errors} errors, {len(found) - errors} warnings")
    print(
        f"  core.check, in process  median {statistics.median(walls):.2f} s wall, "
        f"{statistics.median(cpus):.2f} s CPU (min {min(walls):.2f} s; {runs} runs; target < 1 s)"
    )
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "nenpo.cli", "check", str(EXAMPLE)],
        capture_output=True,
        check=False,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    print(f"  nenpo check, the command {time.perf_counter() - t:.2f} s wall (a fresh process)")
    print(f"  ({load()})")


def write_store_input(tmp: Path, n_muni: int, n_months: int) -> tuple[Path, Path, Path, int]:
    """A workspace with the indicators and their national totals, and the municipal table."""
    from nenpo.japan.codes import municipalities

    codes = [c for c, _, _ in municipalities()][:n_muni]
    months = []
    for k in range(n_months):
        y, m = divmod(2024 * 12 + 11 - (n_months - 1 - k), 12)
        months.append(f"{y}-{m + 1:02d}")
    rnd = random.Random(11)
    ws = tmp / "ws"
    (ws / "observations").mkdir(parents=True)
    (ws / "nenpo.yaml").write_text(
        "organisation: {name: ベンチマーク市}\n"
        "report: {title: ベンチマーク, period_start: 2024-01-01, period_end: 2024-12-31}\n",
        encoding="utf-8",
    )
    (ws / "sources.yaml").write_text("- {id: bench, title: 合成データ}\n", encoding="utf-8")
    (ws / "indicators.yaml").write_text(
        "".join(
            f"- {{id: {ind}, name: {ind}, unit: '{unit}', source: bench, "
            "provenance: illustrative, dimensions: [municipality]}\n"
            for ind, unit, _, _ in INDICATORS
        ),
        encoding="utf-8",
    )
    totals: dict[tuple[str, str], float] = {}
    table = tmp / "municipal.csv"
    rows = 0
    with table.open("w", encoding="utf-8") as f:
        f.write("団体コード,指標,年月,値\n")
        for code in codes:
            for ind, unit, base, growth in INDICATORS:
                size = rnd.uniform(0.2, 5.0)
                value = base * size if unit != "%" else base * rnd.uniform(0.5, 1.5)
                for m in months:
                    value *= 1 + growth + rnd.uniform(-0.01, 0.01)
                    shown = min(round(value, 1), 99.9) if unit == "%" else round(value)
                    f.write(f"{code},{ind},{m},{shown}\n")
                    if unit != "%":
                        totals[(ind, m)] = totals.get((ind, m), 0) + shown
                    rows += 1
    with (ws / "observations" / "totals.csv").open("w", encoding="utf-8") as f:
        f.write("indicator,date,value\n")
        for (ind, m), v in totals.items():
            f.write(f"{ind},{m},{v:.0f}\n")
    mapping = tmp / "mapping.yaml"
    mapping.write_text(
        "indicator: {column: 指標}\nvalue: 値\nperiod: {column: 年月}\n"
        "dimensions: {municipality: 団体コード}\n",
        encoding="utf-8",
    )
    return ws, table, mapping, rows + len(totals)


def bench_store(n_muni: int, n_months: int) -> None:
    from nenpo import core
    from nenpo.store import open_store

    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        ws, table, mapping, rows = write_store_input(tmp, n_muni, n_months)
        url = f"sqlite:///{tmp / 'nenpo.db'}"
        store = open_store(url)
        core.load(ws, store)
        t = time.perf_counter()
        core.import_file(store, table, mapping)
        imported = time.perf_counter() - t
        store.engine.dispose()
        out = subprocess.run(
            [sys.executable, "-c", CHILD, url],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
    print(
        f"store: {rows:,} observations ({n_muni:,} municipalities × {len(INDICATORS)} indicators "
        f"× {n_months} months, and national totals); imported in {imported:.1f} s"
    )
    print(
        f"  core.check(store)  {r['wall']:.2f} s wall, {r['cpu']:.2f} s CPU, peak "
        f"{r['peak_mib']:.0f} MiB (target < 5 s)"
    )
    print(f"  findings by rule: {r['findings'] or 'none'}")
    print(f"  ({load()})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--municipalities", type=int, default=1741)
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--skip-store", action="store_true", help="only the example")
    args = parser.parse_args()
    bench_example(args.runs)
    if not args.skip_store:
        bench_store(args.municipalities, args.months)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"(this process's peak memory: {peak:.0f} MiB)")


if __name__ == "__main__":
    main()
