"""Benchmark: the public API (/api/v1) under load, on SQLite and PostgreSQL, beside Datasette.

Creates an observation table of indicators × prefectures × months (741 × 47 × 120 = 4,179,240
rows at full size) with `nenpo load` and `nenpo import`, serves it with N uvicorn workers on
127.0.0.1, and loads it from the same machine with wrk (loopback only, each run bounded in time):

  one series   GET /api/v1/observations?indicator=…&prefecture=…  (a random one of 34,827
               series each request: 120 rows, the whole series)   target ≥ 1,000 req/s, p99 ≤ 50 ms
  aggregate    GET /api/v1/aggregates?indicator=…&by=period  (sum, mean, count … over the 47
               prefectures for each of the 120 months)          target p99 ≤ 20 ms

When Datasette is installed (`pip install datasette` in this venv; it is no dependency of nenpo)
it serves the same SQLite file and gets the same two requests — the whole series (`_size=max`:
by default it returns only the first 100 rows) and the same GROUP BY as SQL — and the ratios
are printed. wrk and the servers share the machine's cores: the load average is printed with
every figure.

Needs: Debian's `wrk` (apt-get install wrk); a PostgreSQL server for the postgresql backend
(NENPO_TEST_PG_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/test).

Run: python bench/api.py [--scale 0.1] [--workers 2] [--connections 32] [--duration 10]
     [--backends sqlite,postgresql] [--no-datasette]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

PG_URL = os.environ.get("NENPO_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
HOST = "127.0.0.1"

LUA = """
local ni, np = %(indicators)d, %(prefectures)d
local fmt = "%(fmt)s"
local counter = 0
setup = function(thread)
  counter = counter + 1
  thread:set("seed", counter)
end
init = function(args)
  math.randomseed(os.time() * 7 + (seed or 0) * 7919)
end
request = function()
  return wrk.format("GET", string.format(fmt, math.random(1, ni), math.random(1, np)))
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%.0f %%.0f %%.0f %%d %%d\\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(99), latency.mean,
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def write_workspace(root: Path, inds: int) -> Path:
    """A workspace of `inds` indicators by prefecture, and the mapping of the table."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "nenpo.yaml").write_text(
        "organisation: {name: ベンチマーク庁}\n"
        "report: {title: ベンチマーク, period_start: 2024-01-01, period_end: 2024-12-31}\n",
        encoding="utf-8",
    )
    (root / "sources.yaml").write_text("- {id: bench, title: 合成データ}\n", encoding="utf-8")
    (root / "indicators.yaml").write_text(
        "".join(
            f"- {{id: ind{i:03d}, name: 指標{i}, unit: 件, source: bench, "
            "provenance: illustrative, dimensions: [prefecture]}\n"
            for i in range(1, inds + 1)
        ),
        encoding="utf-8",
    )
    mapping = root / "mapping.yaml"
    mapping.write_text(
        "indicator: {column: 指標}\nvalue: 値\nperiod: {column: 年月}\n"
        "dimensions: {prefecture: 都道府県コード}\n",
        encoding="utf-8",
    )
    return mapping


def write_table(path: Path, inds: int, prefs: int, months: int) -> int:
    """The long table (都道府県コード, 指標, 年月, 値); returns its number of rows."""
    import random

    rnd = random.Random(15)
    ms = []
    for k in range(months):
        y, m = divmod(2024 * 12 + 11 - (months - 1 - k), 12)
        ms.append(f"{y}-{m + 1:02d}")
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("都道府県コード,指標,年月,値\n")
        for i in range(1, inds + 1):
            for p in range(1, prefs + 1):
                f.writelines(f"{p:02d},ind{i:03d},{m},{rnd.randrange(100000)}\n" for m in ms)
    return inds * prefs * months


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, proc: subprocess.Popen[bytes], seconds: float = 120) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited ({proc.returncode}) before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"no answer from {url} within {seconds:.0f} s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a server this script started (its own process group: uvicorn's workers too)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def wrk(base: str, fmt: str, args: argparse.Namespace, inds: int, prefs: int) -> dict:
    """One bounded wrk run; requests/s and latency percentiles (ms), with the load average."""
    # `fmt` is a format for Python's % and Lua's string.format alike (%03d, and %% for a %).
    lua = LUA % {"indicators": inds, "prefectures": prefs, "fmt": fmt}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(lua)
        script = f.name
    cmd = ["wrk", "-t", "2", "-c", str(args.connections), "-d", f"{args.duration}s"]
    cmd += ["--timeout", "10s", "-s", script, base]
    load = os.getloadavg()[0]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=args.duration + 60)
    os.unlink(script)
    line = next((x for x in out.stdout.splitlines() if x.startswith("RESULT")), None)
    if line is None:
        raise SystemExit(f"wrk failed: {out.stdout[-2000:]} {out.stderr[-2000:]}")
    n, micros, p50, p99, mean, bad, broken = (int(x) for x in line.split()[1:])
    return {
        "rps": n / (micros / 1e6),
        "p50": p50 / 1000,
        "p99": p99 / 1000,
        "mean": mean / 1000,
        "requests": n,
        "non2xx": bad,
        "errors": broken,
        "load_before": load,
        "load_after": os.getloadavg()[0],
    }


def line(name: str, r: dict, target: str = "") -> str:
    bad = (
        f", {r['non2xx']} non-2xx, {r['errors']} socket errors"
        if r["non2xx"] or r["errors"]
        else ""
    )
    return (
        f"  {name:34} {r['rps']:8,.0f} req/s  p50 {r['p50']:7.1f} ms  p99 {r['p99']:7.1f} ms"
        f"  (load {r['load_before']:.1f}→{r['load_after']:.1f}{bad}){target}"
    )


def check_series(base: str, fmt: str, months: int) -> None:
    """The one-series request returns the whole series, as the benchmark claims."""
    with urllib.request.urlopen(base + fill(fmt, 1, 13), timeout=30) as r:
        body = json.loads(r.read())
    rows = body["data"] if isinstance(body, dict) and "data" in body else body
    if isinstance(body, dict) and "rows" in body:
        rows = body["rows"]
    if len(rows) != months:
        raise SystemExit(f"{base}: one series has {len(rows)} rows, not {months}")


def serve_nenpo(url: str, workers: int, port: int, cache: bool = True) -> subprocess.Popen[bytes]:
    env = {**os.environ, "NENPO_API_CACHE_MB": "64" if cache else "0"}
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from nenpo.web.server import serve_api; from nenpo.web.static import bind;"
        f"serve_api(bind({HOST!r}, {port}), {workers}, database_url=sys.argv[2])"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code, str(ROOT / "src"), url], start_new_session=True, env=env
    )


def warm(base: str, series: str, agg: str, inds: int, prefs: int) -> None:
    """A first request to each worker's catalogue, and the database's pages: a few seconds."""
    end = time.monotonic() + 3
    i = 0
    while time.monotonic() < end:
        i += 1
        for fmt in (series, agg):
            with urllib.request.urlopen(base + fill(fmt, i % inds + 1, i % prefs + 1), timeout=30):
                pass


def fill(fmt: str, indicator: int, prefecture: int) -> str:
    """A URL of the format (which may take the indicator alone)."""
    args = (indicator, prefecture)[: len(re.findall(r"%0\dd", fmt))]
    return fmt % args


def serve_datasette(db: Path, port: int) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "datasette", "serve", str(db), "--host", HOST]
    cmd += ["--port", str(port), "--setting", "sql_time_limit_ms", "10000"]
    return subprocess.Popen(
        cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def build_store(url: str, ws: Path, table: Path, mapping: Path) -> float:
    """Load the workspace and import the table; returns rows per second of the import."""
    code = (
        "import sys, time; sys.path.insert(0, sys.argv[1]);"
        "from nenpo import core; from nenpo.store import open_store;"
        "from pathlib import Path;"
        "s = open_store(sys.argv[2]); core.load(Path(sys.argv[3]), s);"
        "t = time.perf_counter(); r = core.import_file(s, Path(sys.argv[4]), Path(sys.argv[5]));"
        "print(r.counts.observations / (time.perf_counter() - t))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(ROOT / "src"), url, str(ws), str(table), str(mapping)],
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise SystemExit(out.stderr[-3000:])
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--indicators", type=int, default=741)
    ap.add_argument("--prefectures", type=int, default=47)
    ap.add_argument("--months", type=int, default=120)
    ap.add_argument("--scale", type=float, default=1.0, help="Fraction of the indicators")
    ap.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--duration", type=int, default=10, help="Seconds of each wrk run")
    ap.add_argument("--backends", default="sqlite,postgresql")
    ap.add_argument("--no-datasette", action="store_true")
    ap.add_argument("--dir", type=Path, default=None, help="Where to write (default: a temp dir)")
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    inds = max(1, round(args.indicators * args.scale))
    series = "/api/v1/observations?indicator=ind%03d&prefecture=%02d"
    agg = "/api/v1/aggregates?indicator=ind%03d&by=period"
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp_:
        tmp = Path(tmp_)
        mapping = write_workspace(tmp / "ws", inds)
        n = write_table(tmp / "table.csv", inds, args.prefectures, args.months)
        print(
            f"table: {inds} indicators × {args.prefectures} prefectures × {args.months} months"
            f" = {n:,} observations; {args.workers} workers, c={args.connections}, "
            f"{args.duration} s a run; {os.cpu_count()} cores, load {os.getloadavg()}"
        )
        results: dict[str, dict[str, dict]] = {}
        sqlite_db = tmp / "bench.db"
        for backend in args.backends.split(","):
            schema = None
            if backend == "sqlite":
                url = f"sqlite:///{sqlite_db}"
            else:
                url, schema = pg_schema_url()
            try:
                rate = build_store(url, tmp / "ws", tmp / "table.csv", mapping)
                print(f"{backend}: imported at {rate:,.0f} rows/s")
                if backend != "sqlite":
                    vacuum(url)
                results[backend] = {}
                for cache in (True, False):
                    port = free_port()
                    proc = serve_nenpo(url, args.workers, port, cache)
                    base = f"http://{HOST}:{port}"
                    tag = "" if cache else " (no cache)"
                    try:
                        wait_for(base + "/api/v1/indicators", proc)
                        check_series(base, series, args.months)
                        warm(base, series, agg, inds, args.prefectures)
                        results[backend]["series" + tag] = wrk(
                            base, series, args, inds, args.prefectures
                        )
                        results[backend]["aggregate" + tag] = wrk(
                            base, agg, args, inds, args.prefectures
                        )
                    finally:
                        stop(proc)
            finally:
                if schema:
                    drop_pg_schema(schema)
            r = results[backend]
            print(
                line("one series (120 rows)", r["series"], "   target ≥ 1,000 req/s, p99 ≤ 50 ms")
            )
            print(line("aggregate by period", r["aggregate"], "   target p99 ≤ 20 ms"))
            print(line("one series, no response cache", r["series (no cache)"]))
            print(line("aggregate, no response cache", r["aggregate (no cache)"]))
        if not args.no_datasette and "sqlite" in results:
            datasette(args, sqlite_db, inds, results)


def datasette(args: argparse.Namespace, db: Path, inds: int, results: dict) -> None:
    try:
        import datasette  # noqa: F401
    except ImportError:
        print("datasette: not installed (pip install datasette), no comparison")
        return
    port = free_port()
    proc = serve_datasette(db, port)
    base = f"http://{HOST}:{port}"
    sql = (
        "select period, count(*), sum(value), avg(value), min(value), max(value) "
        "from observation where indicator_id = :i group by period order by period"
    )
    series = "/bench/observation.json?indicator_id=ind%03d&dims=prefecture%%3D%02d&_size=max"
    series += "&_shape=array"
    agg = "/bench.json?" + urllib.parse.urlencode({"sql": sql, "_shape": "array"}).replace(
        "%", "%%"
    )
    agg += "&i=ind%03d"
    try:
        wait_for(base + "/bench.json", proc)
        check_series(base, series, args.months)
        ds = {
            "series": wrk(base, series, args, inds, args.prefectures),
            "aggregate": wrk(base, agg, args, inds, args.prefectures),
        }
    finally:
        stop(proc)
    print("datasette (the same SQLite file, one process):")
    print(line("one series (all 120 rows)", ds["series"]))
    print(line("aggregate by period (SQL)", ds["aggregate"]))
    r = results["sqlite"]
    for what in ("series", "aggregate"):
        print(
            f"  nenpo/datasette {what:10}: {r[what]['rps'] / ds[what]['rps']:.1f}× the requests "
            f"per second; p99 {r[what]['p99']:.0f} ms against {ds[what]['p99']:.0f} ms"
        )


def vacuum(url: str) -> None:
    """What autovacuum does within a minute of a bulk import: statistics and the visibility
    map (without it, every index-only lookup also reads the table)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("VACUUM ANALYZE observation"))
    engine.dispose()


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


if __name__ == "__main__":
    main()
