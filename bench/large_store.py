"""Benchmark: `nenpo build` from a store that holds a large import (municipal rows).

Imports a synthetic municipal table (1,741 団体コード × indicators × months, as bench/import.py
writes it) into a fresh SQLite store, then builds the site without PDFs in a fresh process, and
prints each stage's time and the build's peak memory (RSS). The build reads every stored
observation: this shows how that scales. No target yet; figures are quoted in docs/imports.md.

Run: python bench/large_store.py [--indicators 10] [--months 60]   (1,044,600 rows)
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

CHILD = """
import json, resource, sys, time
from nenpo import core
from nenpo.settings import get_settings
from nenpo.store import open_store
store = open_store(sys.argv[1])
t = time.perf_counter()
r = core.build(store, sys.argv[2], None, "ja", get_settings(), force=True, pdf=False)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({**r.timings, "wall": time.perf_counter() - t, "peak_mib": peak}))
"""


def _import_bench():  # type: ignore[no-untyped-def]
    """bench/import.py as a module: its table and workspace writers."""
    spec = importlib.util.spec_from_file_location("bench_import", HERE / "import.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--indicators", type=int, default=10)
    parser.add_argument("--months", type=int, default=60)
    args = parser.parse_args()
    bi = _import_bench()
    from nenpo import core
    from nenpo.store import open_store

    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        codes = bi.municipalities(1741)
        rows = bi.write_table(tmp / "t.csv", "long", codes, args.indicators, bi.months(args.months))
        mapping = bi.write_workspace(tmp / "ws", args.indicators, "long")
        url = f"sqlite:///{tmp / 'nenpo.db'}"
        store = open_store(url)
        core.load(tmp / "ws", store)
        t = time.perf_counter()
        core.import_file(store, tmp / "t.csv", mapping)
        imported = time.perf_counter() - t
        store.engine.dispose()
        out = subprocess.run(
            [sys.executable, "-c", CHILD, url, str(tmp / "site")],
            capture_output=True,
            text=True,
            check=True,
            cwd=HERE.parent,
        )
        build = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"{rows:,} stored observations ({args.indicators} indicators, {args.months} months)")
    print(f"  import      {imported:8.2f} s")
    for key in ("load", "check", "model", "write", "wall"):
        print(f"  build {key:<5} {build[key]:8.2f} s")
    print(f"  build peak  {build['peak_mib']:8.0f} MiB")


if __name__ == "__main__":
    main()
