"""Benchmark: what the dashboard costs a cold build, and its largest page's weight and speed.

1. Cold full builds of the bundled example (new process, new store, empty out dir), paired:
   with the dashboard and without it (the same build with `build_dashboard` switched off),
   alternating, wall and CPU time of the whole process. With the Vega bundle in its cache (as
   every build after the first on a machine) and, once, with an empty cache (the first build:
   vl-convert bundles Vega for seconds, in a thread beside the rest of the build).
   Target: the dashboard adds at most 1 s.
2. The largest indicator page: a store with an imported municipal table — the 1,741
   municipalities of the reference list (tests/municipal.py) × N dates (3: the municipal
   tables of tests/municipal.py; 12 and 46: a year of monthly tables, and the 46 dates of the
   MIC prefecture files in /work/shared/data/mynumbercard), values drawn like real counts (a
   population per municipality, a rising share with noise, seeded), so that they compress as
   real figures do. Weight: the page and everything it loads (HTML with its data, vega.js,
   dashboard.js, the CSS), gzip level 6 as web servers send them. Interactive: from navigation
   start until the page's script has drawn the chart and answers input (`data-ready`), in
   headless Chromium, a new browser context (empty cache) each run.
   Targets: at most 500 KB compressed, interactive within 1 s.

Run: python bench/dashboard.py [--runs N] [--dates 3,12,46]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHILD = """
import json, os, resource, sys, time
t0 = time.perf_counter()
from nenpo import core
from nenpo.settings import get_settings
from nenpo.store import open_store
if sys.argv[2] == "off":
    core.build_dashboard = lambda site, font, cache: None
tmp = sys.argv[1]
store = open_store(f"sqlite:///{tmp}/nenpo.db")
result = core.build(store, f"{tmp}/site", None, "ja", get_settings())
wall = time.perf_counter() - t0
own = resource.getrusage(resource.RUSAGE_SELF)
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
print(json.dumps({"wall": wall, "cpu": cpu, **result.timings}))
"""


def cold_build(mode: str, cache: str | None = None) -> dict[str, float]:
    env = dict(os.environ)
    if cache:
        env["NENPO_CACHE_DIR"] = cache
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            [sys.executable, "-c", CHILD, tmp, mode],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env=env,
        )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def build_cost(runs: int) -> None:
    cold_build("on")  # fills the bundle cache, as the first build on a machine does
    pairs = []
    for _ in range(runs):
        pairs.append((cold_build("off"), cold_build("on")))
    print(f"cold builds of the bundled example, {runs} pairs (without / with the dashboard)")
    for key in ("wall", "cpu", "model", "write"):
        off = statistics.median(a[key] for a, _ in pairs)
        on = statistics.median(b[key] for _, b in pairs)
        diffs = statistics.median(b[key] - a[key] for a, b in pairs)
        print(
            f"  {key:<6} without {off:6.2f} s   with {on:6.2f} s   "
            f"added (median of pairs) {diffs:+.2f} s"
        )
    added = statistics.median(b["wall"] - a["wall"] for a, b in pairs)
    print(
        f"target: the dashboard adds <= 1 s -> {'met' if added <= 1 else 'NOT met'} "
        f"({added:+.2f} s)"
    )
    with tempfile.TemporaryDirectory() as empty:
        first = cold_build("on", cache=empty)
    print(
        f"  first build on a machine (empty bundle cache): wall {first['wall']:.2f} s, "
        f"cpu {first['cpu']:.2f} s (vl-convert bundles Vega in a thread during the build)"
    )


# ── The largest page ──────────────────────────────────────────────────────────────────────

MIC = Path("/work/shared/data/mynumbercard")


def dates_for(n: int) -> list[date]:
    if n == 3:
        from tests.municipal import DATES

        return list(DATES)
    if MIC.is_dir():
        mic = sorted(
            date(int(d[:4]), int(d[4:6]), int(d[6:])) for d in os.listdir(MIC) if d.isdigit()
        )
        if n <= len(mic):
            return mic[-n:]
    return [date(2022 - (n - 1 - i) // 12, (i % 12) + 1, 28) for i in range(n)]


def write_table(path: Path, n_dates: int) -> int:
    """A long CSV of 1,741 municipalities × n dates (illustrative figures, seeded)."""
    from tests.municipal import reference

    rng = random.Random(14)
    days = dates_for(n_dates)
    rows = 0
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["算出基準日", "団体コード", "交付枚数", "人口に対する交付枚数率"])
        for code, _pref, _name in reference():
            population = int(rng.lognormvariate(10.2, 1.1)) + 200
            share = rng.uniform(0.05, 0.15)
            for d in days:
                share = min(0.98, share + rng.uniform(0.0, 0.03))
                cards = int(population * share)
                w.writerow([d.isoformat(), code, cards, round(cards * 100 / population, 1)])
                rows += 1
    return rows


def municipal_site(tmp: Path, n_dates: int) -> Path:
    from tests.municipal import make_municipal_workspace

    from nenpo import core
    from nenpo.store import open_store

    ws = make_municipal_workspace(tmp / "ws")
    table = tmp / "municipal.csv"
    write_table(table, n_dates)
    mapping = tmp / "municipal.yaml"
    mapping.write_text(
        "period: {column: 算出基準日}\ndimensions:\n  municipality: 団体コード\n"
        "values:\n  card_issued: 交付枚数\n  card_rate: 人口に対する交付枚数率\n"
        "provenance: illustrative\nsource: mic\n",
        encoding="utf-8",
    )
    store = open_store(f"sqlite:///{tmp / 'nenpo.db'}")
    core.load(ws, store)
    core.import_file(store, table, mapping)
    t = time.perf_counter()
    result = core.build(store, tmp / "site", pdf=False)
    print(f"  built the municipal store ({n_dates} dates) in {time.perf_counter() - t:.1f} s")
    return result.out


def gz(data: bytes) -> int:
    return len(gzip.compress(data, 6))


def weight(site: Path, page: Path) -> dict[str, int]:
    html = page.read_bytes()
    out = {"html": gz(html), "html_raw": len(html)}
    for ref in re.findall(rb'(?:src|href)="([^"]+\.(?:js|css))"', html):
        f = (page.parent / ref.decode()).resolve()
        out[f.name] = gz(f.read_bytes())
    out["total"] = sum(v for k, v in out.items() if k != "html_raw")
    return out


def interactive_ms(page_file: Path, runs: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu"],
        )
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 390, "height": 844})
            p = context.new_page()
            p.goto(page_file.as_uri())
            p.wait_for_selector("html[data-ready='1']", timeout=60_000)
            times.append(p.evaluate("window.nenpoReadyAt"))
            context.close()
        browser.close()
    return times


def largest_page(n_dates: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        site = municipal_site(Path(tmp), n_dates)
        pages = sorted((site / "dashboard").glob("*/index.html"), key=lambda f: f.stat().st_size)
        page = pages[-1]
        w = weight(site, page)
        ms = interactive_ms(page, runs)
    med = statistics.median(ms)
    kb = w["total"] / 1000
    print(
        f"  {page.parent.name}: 1,741 municipalities x {n_dates} dates: "
        f"{kb:.0f} KB compressed (page {w['html'] / 1000:.0f} KB of {w['html_raw'] / 1e6:.2f} MB, "
        f"vega.js {w.get('vega.js', 0) / 1000:.0f} KB, dashboard.js "
        f"{w.get('dashboard.js', 0) / 1000:.0f} KB, CSS "
        f"{(w.get('nenpo.css', 0) + w.get('dashboard.css', 0)) / 1000:.0f} KB); interactive "
        f"median {med:.0f} ms (min {min(ms):.0f}, max {max(ms):.0f}, {runs} runs)"
    )
    print(
        f"  target: <= 500 KB -> {'met' if kb <= 500 else 'NOT met'}; "
        f"<= 1 s -> {'met' if med <= 1000 else 'NOT met'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dates", default="3,12,46", help="dates of the municipal table(s)")
    parser.add_argument("--skip-build", action="store_true", help="only the largest page")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    if not args.skip_build:
        build_cost(args.runs)
    print("the largest indicator page (municipalities x dates)")
    for n in (int(x) for x in args.dates.split(",")):
        largest_page(n, max(5, args.runs))
    print(f"load average at end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
