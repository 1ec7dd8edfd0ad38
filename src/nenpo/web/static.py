"""Serve a built site as static files (the site has no server-side logic)."""

from __future__ import annotations

import functools
from contextlib import suppress
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ..errors import BuildError


def serve(directory: Path, host: str, port: int) -> None:
    """Serve `directory` until interrupted."""
    if not (directory / "index.html").is_file():
        raise BuildError(f"{directory}/index.html not found: run `nenpo build --out {directory}`")
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(directory))
    with ThreadingHTTPServer((host, port), handler) as httpd, suppress(KeyboardInterrupt):
        httpd.serve_forever()
