"""Benchmark: what the open data and the phone drawings of the charts add to a build.

Loads the bundled example (or --scale N copies of its observations under other indicator ids,
to see how the open data grows with the store) and prints, as medians of --runs runs:
- the open data stage: the tables decided (build_opendata) and the files written (CSV, XLSX,
  JSON, datapackage.json, catalog.jsonld, README), with the rows and bytes written;
- the charts of the site drawn wide only, and wide and narrow (the narrow drawing for phones).
Prints the machine's load average with each figure: on a shared machine they move with it.
Run: python bench/opendata.py [--runs N] [--scale N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f} (5 min {five:.2f}) on {os.cpu_count()} cores"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--scale", type=int, default=1, help="copies of the example's observations")
    args = ap.parse_args()

    from nenpo.charts import make_chart
    from nenpo.ingest.workspace import read_workspace
    from nenpo.lookups.data import Data
    from nenpo.portfolio.public import public_workspace
    from nenpo.render.opendata import write_opendata
    from nenpo.report.opendata import build_opendata
    from nenpo.report.site import build_site
    from nenpo.settings import bundled_example, get_settings

    ws = public_workspace(read_workspace(bundled_example()).workspace)
    if args.scale > 1:
        inds, obs = list(ws.indicators), list(ws.observations)
        for k in range(1, args.scale):
            inds += [i.model_copy(update={"id": f"{i.id}_{k}"}) for i in ws.indicators]
            obs += [
                o.model_copy(update={"indicator": f"{o.indicator}_{k}"}) for o in ws.observations
            ]
        ws = ws.model_copy(update={"indicators": inds, "observations": obs})
    model, write = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.runs):
            out = Path(tmp) / "site"
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir()
            t = time.perf_counter()
            od = build_opendata(ws, "ja")
            model.append(time.perf_counter() - t)
            t = time.perf_counter()
            files = write_opendata(od, out)
            write.append(time.perf_counter() - t)
        size = sum(f.stat().st_size for f in files)
    rows = sum(len(t.rows) for t in od.tables())
    print(
        f"open data: {len(ws.observations):,} observations → {len(files)} files, "
        f"{rows:,} table rows, {size / 2**20:.1f} MiB"
    )
    print(
        f"  tables (model) {statistics.median(model):.3f} s, files (render) "
        f"{statistics.median(write):.3f} s, median of {args.runs}; {_load()}"
    )

    if args.scale > 1:
        return
    font = get_settings().chart_font
    site = build_site(ws, "ja", font)  # warm: fonts checked, vl-convert started
    charts = {c.id: c for c in ws.charts}
    data = Data(ws)
    specs = [(charts.get(c.id), c) for c in site.charts.values()]  # site charts, deck's aside
    timings: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(args.runs):
        for narrow in (False, True):
            t = time.perf_counter()
            for chart, out_chart in specs:
                if chart is None:  # a project page's indicator chart
                    from nenpo.model.workspace import Chart

                    ind = out_chart.id.removeprefix("indicator-")
                    chart = Chart(id=out_chart.id, kind="timeseries", indicator=ind)
                make_chart(chart, data, "ja", font, out_chart.id, narrow=narrow)
            timings[narrow].append(time.perf_counter() - t)
    wide, both = (statistics.median(timings[k]) for k in (False, True))
    print(
        f"charts: {len(specs)} drawn wide {wide:.2f} s, wide and narrow {both:.2f} s "
        f"(+{both - wide:.2f} s), median of {args.runs}; {_load()}"
    )


if __name__ == "__main__":
    main()
