"""Run the application — the public API at /api/v1 and a built site at / — on uvicorn, with N
worker processes (`nenpo serve`, `python -m nenpo.web.server`).

Every check runs here, once, before anything is served: the site (`static.preflight`: a built
site, staff pages only with --staff and on loopback) and the port, which is bound here and
handed to uvicorn, so that a busy port is an error naming it rather than a worker's crash.
Workers are separate processes that each build the application from the environment (uvicorn
imports `app_from_env` in each), so the settings travel as NENPO_* variables.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from sqlalchemy.engine import URL
from starlette.applications import Starlette

from ..errors import SettingsError
from ..settings import get_settings
from ..store.url import database_url, in_memory
from .static import bind, preflight, site_app, url_of

SITE_ENV = "NENPO_SERVE_SITE"
API_ENV = "NENPO_SERVE_API"  # "0": the site alone (there is no store to read)


def app_from_env() -> Starlette:
    """The application as the environment describes it (uvicorn's factory, in each worker)."""
    site = os.environ.get(SITE_ENV)
    if os.environ.get(API_ENV) == "0":
        if not site:  # pragma: no cover - serve_api never asks for nothing
            raise SettingsError("nothing to serve: neither a site nor the API")
        return site_app(Path(site))
    from .api import create_app

    settings = get_settings()
    app: FastAPI = create_app(
        settings.database_url,
        editions_dir=Path(settings.editions_dir),
        site_dir=Path(site) if site else None,
        cache_mb=settings.api_cache_mb,
    )
    return app


def store_to_serve(url: str | None = None) -> URL | None:
    """The store the API would read, or None when there is none to read (a SQLite file not
    made yet, or an in-memory database): then the site is served alone and no file is made."""
    parsed = database_url(url or get_settings().database_url, write=False)
    if parsed.get_backend_name() == "sqlite" and (
        in_memory(parsed) or not Path(parsed.database or "").is_file()
    ):
        return None
    return parsed


def serve_api(
    sock: socket.socket,
    workers: int = 1,
    site_dir: Path | None = None,
    database_url: str | None = None,
    api: bool = True,
    log_level: str = "warning",
) -> None:
    """Serve /api/v1 (unless not `api`) and `site_dir` at / on `sock` until interrupted."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    if database_url is not None:
        os.environ["NENPO_DATABASE_URL"] = database_url
    if site_dir is not None:
        os.environ[SITE_ENV] = str(Path(site_dir).resolve())
    os.environ[API_ENV] = "1" if api else "0"
    config = uvicorn.Config(
        "nenpo.web.server:app_from_env",
        factory=True,
        workers=workers,
        log_level=log_level,
        proxy_headers=True,
        access_log=False,
    )
    server = uvicorn.Server(config)
    with suppress(KeyboardInterrupt):
        if workers > 1:
            Multiprocess(config, sockets=[sock]).run()
        else:
            server.run(sockets=[sock])


def serve_site(
    directory: Path,
    host: str,
    port: int,
    staff: bool = False,
    workers: int = 1,
    ready: Callable[[str, str | None], Any] | None = None,
) -> None:
    """`nenpo serve`: the built site in `directory` and the API over the store, after every
    check; `ready` is told the URL and the store's (masked) URL, or None when the API is off."""
    if workers < 1:
        raise SettingsError(f"--workers {workers}: expected 1 or more worker processes")
    sock = preflight(directory, host, port, staff)
    try:
        store = store_to_serve()
        if ready is not None:
            ready(url_of(sock), None if store is None else store.render_as_string())
        serve_api(sock, workers, Path(directory), api=store is not None)
    finally:
        sock.close()


def main(argv: list[str] | None = None) -> None:
    """`python -m nenpo.web.server`: the API (and a built site) until interrupted."""
    import argparse

    settings = get_settings()
    ap = argparse.ArgumentParser(prog="python -m nenpo.web.server", description=main.__doc__)
    ap.add_argument("--host", default=settings.host)
    ap.add_argument("--port", type=int, default=settings.port)
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    ap.add_argument("--dir", type=Path, default=None, help="a built site to serve at /")
    args = ap.parse_args(argv)
    if args.dir is not None and not (args.dir / "index.html").is_file():
        raise SystemExit(f"{args.dir}/index.html not found: run `nenpo build --out {args.dir}`")
    try:
        sock = preflight(args.dir, args.host, args.port) if args.dir else bind(args.host, args.port)
    except SettingsError as exc:
        raise SystemExit(str(exc)) from None
    try:
        serve_api(sock, args.workers, args.dir)
    finally:
        sock.close()


if __name__ == "__main__":
    main()
