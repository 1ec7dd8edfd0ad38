"""Benchmark: `nenpo import` of a synthetic municipal table into SQLite and PostgreSQL.

The table has 1,741 municipalities × 100 indicators × 120 months (20,892,000 rows at full size),
in nenpo's long shape (団体コード, 指標, 年月, 値) or wide (one column per month). Each import runs
in a fresh process on a fresh store holding a workspace with those 100 indicators; it prints rows
per second and the process's peak memory (RSS), which must not grow with the file. Target
(issue 7): at least 200,000 rows/s into SQLite.

Run: python bench/import.py [--scale 0.1] [--shape long|wide] [--backends sqlite,postgresql]
     [--twice]   (import the same file again: every row unchanged)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

PG_URL = os.environ.get("NENPO_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

CHILD = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[4])
from nenpo import core
from nenpo.store import open_store
store = open_store(sys.argv[1])
runs = []
def child_cpu():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime
for _ in range(int(sys.argv[5])):
    t0, c0, k0 = time.perf_counter(), time.process_time(), child_cpu()
    r = core.import_file(store, sys.argv[2], sys.argv[3])
    runs.append({"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0,
                 "reader_cpu": child_cpu() - k0,
                 "rows": r.counts.observations, "inserted": r.written.inserted,
                 "steps": r.timings,
                 "updated": r.written.updated, "unchanged": r.written.unchanged})
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"runs": runs, "peak_mib": peak}))
"""


def municipalities(n: int) -> list[str]:
    """The first n real 団体コード (the full list has 1,741)."""
    from nenpo.japan.codes import municipalities as all_

    codes = [c for c, _, _ in all_()]
    return (codes * (n // len(codes) + 1))[:n] if n > len(codes) else codes[:n]


def months(n: int) -> list[str]:
    """n months back from 2024-12, oldest first, written as 和暦 (令和6年12月) half the time."""
    out = []
    for k in range(n):
        y, m = divmod(2024 * 12 + 11 - (n - 1 - k), 12)
        out.append(f"{y}-{m + 1:02d}")
    return out


def write_table(path: Path, shape: str, codes: list[str], inds: int, ms: list[str]) -> int:
    """The synthetic table; returns the number of observations it holds."""
    rnd = random.Random(7)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = f.write
        if shape == "long":
            w("団体コード,指標,年月,値\n")
            for code in codes:
                for i in range(1, inds + 1):
                    ind = f"ind{i:03d}"
                    for m in ms:
                        w(f"{code},{ind},{m},{rnd.randrange(100000)}\n")
        else:
            w("団体コード,指標," + ",".join(ms) + "\n")
            for code in codes:
                for i in range(1, inds + 1):
                    vals = ",".join(str(rnd.randrange(100000)) for _ in ms)
                    w(f"{code},ind{i:03d},{vals}\n")
    return len(codes) * inds * len(ms)


def write_workspace(root: Path, inds: int, shape: str) -> Path:
    """A minimal workspace with the indicators, and the mapping of the table."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "nenpo.yaml").write_text(
        "organisation: {name: ベンチマーク市}\n"
        "report: {title: ベンチマーク, period_start: 2024-01-01, period_end: 2024-12-31}\n",
        encoding="utf-8",
    )
    (root / "sources.yaml").write_text("- {id: bench, title: 合成データ}\n", encoding="utf-8")
    (root / "indicators.yaml").write_text(
        "".join(
            f"- {{id: ind{i:03d}, name: 指標{i}, unit: 件, source: bench, "
            "provenance: illustrative, dimensions: [municipality]}\n"
            for i in range(1, inds + 1)
        ),
        encoding="utf-8",
    )
    mapping = root / "mapping.yaml"
    if shape == "long":
        text = "indicator: {column: 指標}\nvalue: 値\nperiod: {column: 年月}\n"
    else:
        text = "indicator: {column: 指標}\nwide: {columns: '\\d{4}-\\d{2}', into: period}\n"
    mapping.write_text(text + "dimensions: {municipality: 団体コード}\n", encoding="utf-8")
    return mapping


def run(url: str, table: Path, mapping: Path, workspace: Path, times: int) -> dict:
    from nenpo import core
    from nenpo.store import open_store

    store = open_store(url)
    core.load(workspace, store)
    store.engine.dispose()
    src = str(Path(__file__).resolve().parents[1] / "src")
    out = subprocess.run(
        [sys.executable, "-c", CHILD, url, str(table), str(mapping), src, str(times)],
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise SystemExit(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def pg_schema_url() -> tuple[str, str]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    schema = f"nenpo_bench_{uuid.uuid4().hex[:8]}"
    with create_engine(PG_URL).begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False), schema


def drop_pg_schema(schema: str) -> None:
    from sqlalchemy import create_engine, text

    with create_engine(PG_URL).begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--municipalities", type=int, default=1741)
    ap.add_argument("--indicators", type=int, default=100)
    ap.add_argument("--months", type=int, default=120)
    ap.add_argument("--scale", type=float, default=1.0, help="Fraction of the municipalities")
    ap.add_argument("--shape", choices=["long", "wide"], default="long")
    ap.add_argument("--backends", default="sqlite,postgresql")
    ap.add_argument("--twice", action="store_true", help="Import the same file a second time")
    ap.add_argument("--dir", type=Path, default=None, help="Where to write (default: a temp dir)")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(dir=args.dir) as tmp_:
        tmp = Path(tmp_)
        codes = municipalities(max(1, round(args.municipalities * args.scale)))
        ms = months(args.months)
        table = tmp / f"table-{args.shape}.csv"
        t = time.perf_counter()
        n = write_table(table, args.shape, codes, args.indicators, ms)
        size = table.stat().st_size / 2**20
        print(
            f"table: {len(codes):,} municipalities × {args.indicators} indicators × "
            f"{len(ms)} months = {n:,} rows, {args.shape}, {size:,.0f} MiB "
            f"(written in {time.perf_counter() - t:.0f} s); load average {os.getloadavg()[0]:.1f}"
        )
        mapping = write_workspace(tmp / "ws", args.indicators, args.shape)
        for backend in args.backends.split(","):
            schema = None
            if backend == "sqlite":
                url = f"sqlite:///{tmp / 'bench.db'}"
            else:
                url, schema = pg_schema_url()
            try:
                res = run(url, table, mapping, tmp / "ws", 2 if args.twice else 1)
            finally:
                if schema:
                    drop_pg_schema(schema)
            for i, r in enumerate(res["runs"]):
                what = "first import" if i == 0 else "same file again"
                print(
                    f"{backend:10} {what:15} {r['rows']:>12,} rows in {r['seconds']:7.1f} s "
                    f"= {r['rows'] / r['seconds']:>9,.0f} rows/s (cpu {r['cpu']:.0f} s + reader "
                    f"process {r['reader_cpu']:.0f} s; "
                    f"{r['inserted']:,} new, {r['updated']:,} changed, "
                    f"{r['unchanged']:,} unchanged)"
                )
                steps = ", ".join(f"{k} {v:.1f} s" for k, v in r["steps"].items())
                print(f"{'':10} {'':15} steps: {steps}")
            print(f"{backend:10} peak memory of the importing process: {res['peak_mib']:,.0f} MiB")


if __name__ == "__main__":
    main()
