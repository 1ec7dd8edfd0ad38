"""The README's scripts: waiting for another package manager's lock, within a bound."""

from __future__ import annotations

import fcntl
import subprocess
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _wait_for_dpkg(lock: Path, wait: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", f'source "{ROOT}/scripts/_env.sh" && wait_for_dpkg && echo done'],
        env={"PATH": "/usr/bin:/bin", "NENPO_DPKG_LOCKS": str(lock), "NENPO_APT_WAIT": str(wait)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_held_lock_is_waited_for_then_refused_with_a_message(tmp_path: Path) -> None:
    lock = tmp_path / "lock-frontend"
    lock.write_text("")
    with lock.open("r+") as f:
        fcntl.lockf(f, fcntl.LOCK_EX)  # as apt holds it
        res = _wait_for_dpkg(lock, 3)
    assert res.returncode == 1
    assert f"waiting for another package manager to release {lock}" in res.stderr
    assert "still holds" in res.stderr and "NENPO_APT_WAIT" in res.stderr


def test_a_lock_released_while_waiting_lets_the_install_go_on(tmp_path: Path) -> None:
    lock = tmp_path / "lock-frontend"
    lock.write_text("")
    f = lock.open("r+")
    fcntl.lockf(f, fcntl.LOCK_EX)
    timer = threading.Timer(3, f.close)  # closing the file releases the lock
    timer.start()
    t0 = time.monotonic()
    res = _wait_for_dpkg(lock, 60)
    timer.join()
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "done"
    assert "waiting for another package manager" in res.stderr
    assert time.monotonic() - t0 < 60


def test_a_free_lock_costs_no_wait(tmp_path: Path) -> None:
    lock = tmp_path / "lock-frontend"
    lock.write_text("")
    res = _wait_for_dpkg(lock, 60)
    assert res.returncode == 0 and res.stdout.strip() == "done"
    assert res.stderr == ""
