"""Serve a built site as static files (the site has no server-side logic).

Every check comes before the server says it is serving: the tree is a built site without
staff-only pages (`outputs.check_servable`), staff pages are served only on purpose and only on
the loopback address, and the port is free. Folders are never listed, hidden files (the build's
markers) are never served, and nothing outside the tree is reachable through a symbolic link.
"""

from __future__ import annotations

import errno
import functools
import ipaddress
import os
import socket
from collections.abc import Callable
from contextlib import suppress
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from ..errors import SettingsError
from ..outputs import check_servable


class SiteHandler(SimpleHTTPRequestHandler):
    """Files of one tree: no folder listings, no hidden files, nothing outside the tree."""

    root: Path

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        """A folder without index.html is not a page: 404, never a listing."""
        self.send_error(HTTPStatus.NOT_FOUND, "Not found")
        return None

    def translate_path(self, path: str) -> str:
        """The file for `path`, or a path that does not exist when it must not be served."""
        local = Path(super().translate_path(path))
        hidden = any(part.startswith(".") for part in local.relative_to(self.root).parts)
        try:
            inside = local.resolve().is_relative_to(self.root)
        except (OSError, RuntimeError):  # a symbolic link that loops
            inside = False
        return str(local) if inside and not hidden else str(self.root / ".nenpo-not-found")


class Server6(ThreadingHTTPServer):
    """The server on an IPv6 address."""

    address_family = socket.AF_INET6


def is_loopback(host: str) -> bool:
    """True when `host` is an address of this machine only (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def open_server(directory: Path, host: str, port: int, staff: bool = False) -> ThreadingHTTPServer:
    """A server for `directory`, bound and ready, after every check (SettingsError if one fails)."""
    check_servable(directory, staff)
    if staff and not is_loopback(host):
        raise SettingsError(
            f"--host {host}: staff-only pages are served on 127.0.0.1 only (--staff); "
            "leave --host and NENPO_HOST unset or set them to 127.0.0.1"
        )
    root = Path(directory).resolve()
    handler = functools.partial(
        type("Handler", (SiteHandler,), {"root": root}), directory=str(root)
    )
    server = Server6 if ":" in host else ThreadingHTTPServer
    try:
        return server((host, port), handler)
    except OSError as exc:
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


def serve(
    directory: Path,
    host: str,
    port: int,
    staff: bool = False,
    ready: Callable[[str], Any] | None = None,
) -> None:
    """Serve `directory` until interrupted; `ready` is told the URL once the port is bound."""
    with open_server(directory, host, port, staff) as httpd:
        if ready is not None:
            bound_host, bound_port = str(httpd.server_address[0]), httpd.server_address[1]
            shown = f"[{bound_host}]" if ":" in bound_host else bound_host
            ready(f"http://{shown}:{bound_port}/")
        with suppress(KeyboardInterrupt):
            httpd.serve_forever()
