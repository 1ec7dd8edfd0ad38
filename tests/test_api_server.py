"""The API as deployed: `python -m nenpo.web.server` with two uvicorn workers on a free port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from nenpo import core
from nenpo.settings import bundled_example
from nenpo.store import open_store


def test_the_server_runs_workers_from_the_environment(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'n.db'}"
    store = open_store(url)
    core.load(bundled_example(), store)
    store.engine.dispose()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "NENPO_DATABASE_URL": url, "NENPO_EDITIONS_DIR": str(tmp_path / "e")}
    cmd = [sys.executable, "-m", "nenpo.web.server", "--port", str(port), "--workers", "2"]
    proc = subprocess.Popen(cmd, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, "the server exited"
            try:
                with urllib.request.urlopen(f"{base}/indicators", timeout=5) as r:
                    assert r.status == 200 and b"card_issued" in r.read()
                    break
            except OSError:
                assert time.monotonic() < deadline, "no answer within 120 s"
                time.sleep(0.3)
        head = urllib.request.Request(f"{base}/projects", method="HEAD")
        with urllib.request.urlopen(head, timeout=10) as r:
            assert r.status == 200 and r.read() == b"" and r.headers["ETag"]
    finally:
        proc.terminate()
        proc.wait(30)


def test_the_server_refuses_a_folder_without_a_site(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "nenpo.web.server", "--dir", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 1 and "index.html not found" in out.stderr
    assert "Traceback" not in out.stderr
