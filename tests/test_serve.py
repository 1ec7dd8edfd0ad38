"""Serving: a built site's pages, never a folder listing, a hidden file or anything outside the
tree; a tree with staff-only pages only on purpose (--staff) and only on 127.0.0.1."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from nenpo import core
from nenpo.errors import SettingsError
from nenpo.outputs import check_servable, check_staff_out, staff_files
from nenpo.settings import bundled_example
from nenpo.store import open_store
from nenpo.web.static import open_server


@pytest.fixture
def site(tmp_path: Path, built_example: core.BuildResult) -> Path:
    dst = tmp_path / "site"
    shutil.copytree(built_example.out, dst, ignore=shutil.ignore_patterns("*.pdf"))
    return dst


def _get(base: str, path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(base + path, timeout=30) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.fixture
def served(site: Path) -> Iterator[str]:
    server = open_server(site, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_pages_are_served_and_folders_never_listed(site: Path, served: str) -> None:
    status, body = _get(served, "")
    assert status == 200
    assert "デジタル庁" in BeautifulSoup(body, "html.parser").get_text()
    folders = sorted({p.parent for p in site.rglob("*") if p.is_file()} - {site})
    assert folders, "the site has sub-folders"
    for folder in folders:
        rel = folder.relative_to(site).as_posix() + "/"
        status, body = _get(served, rel)
        if (folder / "index.html").is_file():
            assert status == 200, rel
        else:  # never a listing of the folder's files
            assert status == 404, rel
            names = [p.name for p in folder.iterdir()]
            assert not any(n.encode() in body for n in names), rel


def test_hidden_files_and_links_out_of_the_tree_are_not_served(site: Path, served: str) -> None:
    assert (site / ".nenpo-build").is_file()
    assert _get(served, ".nenpo-build")[0] == 404
    (site / "escape").symlink_to("/etc")
    (site / "passwd.html").symlink_to("/etc/passwd")
    assert _get(served, "escape/hostname")[0] == 404
    assert _get(served, "passwd.html")[0] == 404
    assert _get(served, "../../etc/passwd")[0] == 404


def test_staff_pages_are_refused_unless_asked_for_on_loopback(
    site: Path, tmp_path: Path, built_example: core.BuildResult
) -> None:
    staff = tmp_path / "staff"
    store_url = f"sqlite:///{tmp_path / 'n.db'}"
    from nenpo.settings import bundled_example
    from nenpo.store import open_store

    core.build_portfolio(open_store(store_url), staff, bundled_example())
    assert staff_files(staff), "the portfolio pages are recognised as staff-only"
    with pytest.raises(SettingsError, match="staff-only pages"):
        check_servable(staff)
    # copied into the public site, folder or single page, they are found there too
    shutil.copytree(staff, site / "staff")
    with pytest.raises(SettingsError, match="staff-only pages"):
        open_server(site, "127.0.0.1", 0)
    shutil.rmtree(site / "staff")
    shutil.copy(staff / "allocation.html", site / "a.html")
    with pytest.raises(SettingsError, match=r"staff-only pages \(a.html\)"):
        open_server(site, "127.0.0.1", 0)
    with pytest.raises(SettingsError, match=r"127\.0\.0\.1 only"):
        open_server(staff, "0.0.0.0", 0, staff=True)
    server = open_server(staff, "127.0.0.1", 0, staff=True)
    server.server_close()


def test_staff_pages_never_go_into_a_public_tree(site: Path, tmp_path: Path) -> None:
    for out in (site, site / "staff", site / "projects" / "a" / "b"):
        with pytest.raises(SettingsError, match="holds a public site"):
            check_staff_out(out)
    public = tmp_path / "public-not-yet-built"
    with pytest.raises(SettingsError, match="holds a public site"):
        check_staff_out(public / "x", public)
    check_staff_out(tmp_path / "elsewhere", public)  # outside: allowed


# ── nenpo serve: the application (site and API) on uvicorn workers ───────────────────────────


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(site: Path, env: dict[str, str], *extra: str) -> tuple[subprocess.Popen[str], str]:
    port = _free_port()
    cmd = [sys.executable, "-c", "from nenpo.cli import app; app()", "serve", "--dir", str(site)]
    proc = subprocess.Popen(
        [*cmd, "--port", str(port), *extra],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    while True:
        assert proc.poll() is None, (
            f"nenpo serve exited: {proc.stdout.read() if proc.stdout else ''}"
        )
        try:
            if _get(base, "")[0] == 200:
                return proc, base
        except OSError:
            assert time.monotonic() < deadline, "no answer within 120 s"
            time.sleep(0.3)


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.terminate()
    out, _ = proc.communicate(timeout=30)
    return out


def test_nenpo_serve_runs_the_site_and_the_api_in_worker_processes(
    site: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'n.db'}"
    store = open_store(url)
    core.load(bundled_example(), store)
    store.engine.dispose()
    env = {"NENPO_DATABASE_URL": url, "NENPO_EDITIONS_DIR": str(tmp_path / "editions")}
    proc, base = _serve(site, env, "--workers", "2")
    try:
        status, body = _get(base, "")
        assert status == 200 and "デジタル庁" in BeautifulSoup(body, "html.parser").get_text()
        status, body = _get(base, "api/v1/indicators")
        assert status == 200
        assert "card_issued" in {i["id"] for i in json.loads(body)["data"]}
        assert _get(base, ".nenpo-build")[0] == 404  # hidden: the build's marker
        assert _get(base, "data/")[0] == 404  # a folder without index.html: never listed
    finally:
        out = _stop(proc)
    assert f"the API on {base}api/v1" in out and "Traceback" not in out


def test_nenpo_serve_without_a_store_serves_the_site_alone(site: Path, tmp_path: Path) -> None:
    db = tmp_path / "none.db"
    proc, base = _serve(site, {"NENPO_DATABASE_URL": f"sqlite:///{db}"})
    try:
        assert _get(base, "index.html")[0] == 200
        assert _get(base, "api/v1/indicators")[0] == 404
    finally:
        out = _stop(proc)
    assert "no store: no API" in out
    assert not db.exists()  # serving reads: it makes no database
