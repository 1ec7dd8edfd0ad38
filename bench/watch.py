"""Benchmark: save → the page shows it, in `nenpo serve --watch`, in headless Chromium.

Starts `nenpo serve --watch` on a copy of the bundled example, opens the page an edit shows in
Chromium (Playwright, Debian's /usr/bin/chromium), then saves an edit and measures the time
from the moment the file is written and closed to the moment the open page's text shows it
(the page reloads itself when the preview's rebuild changed it). Two kinds of edit, N each:

- prose: a sentence appended to content/about.md, shown on introduction/about.html;
- data: the latest value of maina_hokensho_use_rate in observations/services.csv, shown on
  projects/health-medical-care.html (its latest value, its chart's table).

Prints the median, min and max of each, the server's own rebuild times (from its log), and the
load average. Targets (issue 16): a prose edit visible at most 0.5 s after the save, a data edit
at most 1 s. Run: python bench/watch.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "digital-agency-2024"
PROSE = ("content/about.md", "introduction/about.html")
DATA = ("observations/services.csv", "projects/health-medical-care.html")
ROW = re.compile(r"^maina_hokensho_use_rate,2024-07,[0-9.]+,", re.M)
SERVE = "from nenpo.cli import app; app()"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_up(url: str, proc: subprocess.Popen[str], seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while True:
        if proc.poll() is not None:
            raise SystemExit(
                f"nenpo serve --watch exited:\n{proc.stdout.read() if proc.stdout else ''}"
            )
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit("nenpo serve --watch did not answer")
        time.sleep(0.2)


def shows(page: Any, text: str, seconds: float = 30) -> float:
    """Wait until the page's text includes `text`; the time it did (perf_counter)."""
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        try:
            if page.evaluate("t => document.body && document.body.innerText.includes(t)", text):
                return time.perf_counter()
        except Exception:  # the page is reloading: ask again
            pass
        time.sleep(0.002)
    raise TimeoutError(f"the page never showed {text!r}")


def live(page: Any, base: str) -> None:
    """Wait until the page listens for rebuilds, and the server is idle (the last edit's PDFs
    compiled: each save is measured from a quiet start, as an author saves after reading)."""
    page.wait_for_selector("html[data-nenpo-live=open]", state="attached")
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        with urllib.request.urlopen(base + "_nenpo/status", timeout=10) as r:
            if json.load(r)["idle"]:
                return
        time.sleep(0.1)
    raise SystemExit("the server never became idle")


def save(path: Path, text: str) -> float:
    """Write `text` to `path` as an editor saves; the time it was closed (perf_counter)."""
    with path.open("w", encoding="utf-8") as f:
        f.write(text)
    return time.perf_counter()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="nenpo-bench-watch-"))
    ws = tmp / "ws"
    shutil.copytree(EXAMPLE, ws)
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    log = (tmp / "serve.log").open("w+", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVE, "serve", "--watch", str(ws), "--port", str(port)],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    times: dict[str, list[float]] = {"prose": [], "data": []}
    loads = [os.getloadavg()[0]]
    try:
        wait_up(base, proc)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"]
            )
            page = browser.new_page()
            for i in range(args.runs):
                # prose
                page.goto(base + PROSE[1], wait_until="load")
                live(page, base)
                marker = f"計測用の文{i}。"
                f = ws / PROSE[0]
                t0 = save(f, f.read_text(encoding="utf-8") + f"\n{marker}\n")
                times["prose"].append(shows(page, marker) - t0)
                # data
                page.goto(base + DATA[1], wait_until="load")
                live(page, base)
                value = f"{21 + i / 100:.2f}"
                f = ws / DATA[0]
                text = ROW.sub(f"maina_hokensho_use_rate,2024-07,{value},", f.read_text())
                t0 = save(f, text)
                times["data"].append(shows(page, f"{value}%") - t0)
                loads.append(os.getloadavg()[0])
            browser.close()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the server, and anything it started
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(30)
        log.seek(0)
        server_log = log.read()
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)
        if sys.exc_info()[0] is not None:
            print("the server's log:\n" + server_log, file=sys.stderr)
    print(
        f"nenpo serve --watch, save → the open page shows it (headless Chromium), {args.runs} runs"
    )
    for kind, target in (("prose", 0.5), ("data", 1.0)):
        v = times[kind]
        med = statistics.median(v)
        print(
            f"  {kind:<6} median {med:.2f} s  (min {min(v):.2f}, max {max(v):.2f})  "
            f"target ≤ {target} s -> {'met' if med <= target else 'NOT met'}"
        )
    built = re.findall(r"built (.+?) in ([0-9.]+) s \((prose|full)\)", server_log)
    for kind in ("prose", "full"):
        secs = [float(s) for f, s, k in built if k == kind and f != "the workspace"]
        if secs:
            print(
                f"  the server's {kind} rebuilds: median {statistics.median(secs):.2f} s "
                f"(min {min(secs):.2f}, max {max(secs):.2f}), {len(secs)} rebuilds"
            )
    print(
        f"load average while measuring: median {statistics.median(loads):.2f} "
        f"(min {min(loads):.2f}, max {max(loads):.2f}) on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
