"""Serving: a built site's pages, never a folder listing, a hidden file or anything outside the
tree; a tree with staff-only pages only on purpose (--staff) and only on 127.0.0.1."""

from __future__ import annotations

import shutil
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from nenpo import core
from nenpo.errors import SettingsError
from nenpo.outputs import check_servable, check_staff_out, staff_files
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
