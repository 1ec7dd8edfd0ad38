"""Run the API (and a built site) on uvicorn, with N worker processes.

Workers are separate processes that each build the application from the environment (uvicorn
imports `app_from_env` in each), so the settings travel as NENPO_* variables.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI

from ..settings import get_settings
from .api import create_app

SITE_ENV = "NENPO_SERVE_SITE"


def app_from_env() -> FastAPI:
    """The application as the environment describes it (uvicorn's factory, in each worker)."""
    settings = get_settings()
    site = os.environ.get(SITE_ENV)
    return create_app(
        settings.database_url,
        editions_dir=Path(settings.editions_dir),
        site_dir=Path(site) if site else None,
        cache_mb=settings.api_cache_mb,
    )


def serve_api(
    host: str,
    port: int,
    workers: int = 1,
    site_dir: Path | None = None,
    database_url: str | None = None,
    log_level: str = "warning",
) -> None:
    """Serve /api/v1 (and `site_dir` at /) until interrupted."""
    import uvicorn

    if database_url is not None:
        os.environ["NENPO_DATABASE_URL"] = database_url
    if site_dir is not None:
        os.environ[SITE_ENV] = str(site_dir.resolve())
    uvicorn.run(
        "nenpo.web.server:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        proxy_headers=True,
        access_log=False,
    )


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
    serve_api(args.host, args.port, workers=args.workers, site_dir=args.dir)


if __name__ == "__main__":
    main()
