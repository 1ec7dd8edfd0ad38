"""Serve a built site's files, as part of the ASGI application (the site has no server logic).

Every check comes before the server says it is serving: the tree is a built site without
staff-only pages (`outputs.check_servable`), staff pages are served only on purpose and only on
the loopback address, and the port is free (`preflight` binds it). Folders are never listed,
hidden files (the build's markers) are never served, and nothing outside the tree is reachable
through a symbolic link (`SiteFiles`).
"""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
import threading
from contextlib import suppress
from pathlib import Path

from starlette.applications import Starlette
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from ..errors import SettingsError
from ..outputs import check_servable


class SiteFiles(StaticFiles):
    """Files of one tree: no folder listings, no hidden files, nothing outside the tree."""

    def __init__(self, directory: Path):
        # html: a folder's index.html is its page, and a folder without one is a 404 (Starlette
        # never lists a folder). follow_symlink=False: a link is followed only within the tree.
        super().__init__(directory=directory, html=True, follow_symlink=False)

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        """The file for `path`, or nothing when it must not be served."""
        if any(part.startswith(".") for part in Path(path).parts):
            return "", None  # a hidden file or folder (.nenpo-build): not part of the site
        try:
            return super().lookup_path(path)
        except OSError:  # a symbolic link that loops, a name too long: not a page
            return "", None


def site_app(directory: Path) -> Starlette:
    """An application that serves only the built site in `directory`."""
    app = Starlette()
    app.mount("/", SiteFiles(Path(directory).resolve()), name="site")
    return app


def is_loopback(host: str) -> bool:
    """True when `host` is an address of this machine only (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_staff_host(host: str, staff: bool) -> None:
    """Staff-only pages are served on the loopback address only."""
    if staff and not is_loopback(host):
        raise SettingsError(
            f"--host {host}: staff-only pages are served on 127.0.0.1 only (--staff); "
            "leave --host and NENPO_HOST unset or set them to 127.0.0.1"
        )


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port, or SettingsError saying why not (busy, not allowed)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise SettingsError(
                f"port {port} on {host} is in use (is nenpo serve, or scripts/start, already "
                "running?); stop it or choose another port with --port or NENPO_PORT"
            ) from None
        if exc.errno == errno.EACCES:
            raise SettingsError(
                f"port {port} on {host}: permission denied (ports below 1024 need root); "
                "choose a port from 1024 to 65535"
            ) from None
        raise SettingsError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)  # uvicorn's worker processes serve on it
    return sock


def preflight(directory: Path, host: str, port: int, staff: bool = False) -> socket.socket:
    """Every check before serving `directory`, then the bound socket (SettingsError if one
    fails): a built site, staff pages only on purpose and on loopback, a free port."""
    check_servable(directory, staff)
    check_staff_host(host, staff)
    return bind(host, port)


def url_of(sock: socket.socket) -> str:
    """http://host:port/ of a bound socket."""
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in str(host) else host
    return f"http://{shown}:{port}/"


class SiteServer:
    """An ASGI application on a bound socket, served by uvicorn in this process.

    `serve_forever` blocks (run it in a thread to serve in the background), `shutdown` stops it
    and waits, `server_address` is the bound (host, port).
    """

    def __init__(self, app: ASGIApp, sock: socket.socket, log_level: str = "warning"):
        import uvicorn

        self.socket = sock
        self.server_address: tuple[str, int] = sock.getsockname()[:2]
        config = uvicorn.Config(
            app,
            log_level=log_level,
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=2,  # an open event stream (--watch) never ends by itself
        )
        self._server = uvicorn.Server(config)
        self._stopped = threading.Event()
        self._stopped.set()

    @property
    def url(self) -> str:
        return url_of(self.socket)

    def serve_forever(self) -> None:
        """Serve until `shutdown` (or, in the main thread, Ctrl-C)."""
        self._stopped.clear()
        try:
            self._server.run(sockets=[self.socket])
        finally:
            self._stopped.set()

    def shutdown(self) -> None:
        """Stop serving and wait until the server has stopped."""
        self._server.should_exit = True
        self._stopped.wait()

    def server_close(self) -> None:
        with suppress(OSError):
            self.socket.close()

    def __enter__(self) -> SiteServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.server_close()


def open_server(
    directory: Path, host: str, port: int, staff: bool = False, app: ASGIApp | None = None
) -> SiteServer:
    """A server for `directory` (or `app`, which serves it), bound and ready, after every check
    (SettingsError if one fails)."""
    sock = preflight(directory, host, port, staff)
    return SiteServer(app or site_app(directory), sock)
