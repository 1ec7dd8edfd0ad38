"""What the API's views share: the read-only engine, the catalogue per revision, the cache."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import Connection, Engine, create_engine, event

from ..publish.editions import Edition, list_editions
from ..store import queries as q
from .cache import Cached, ResponseCache
from .http import respond
from .public import Public

QUERY_SECONDS = 10.0


def api_engine(url: str, query_seconds: float = QUERY_SECONDS) -> Engine:
    """An engine for the API: read-only, and every query stopped after `query_seconds`."""
    engine = create_engine(url, pool_size=8, max_overflow=8, pool_pre_ping=False)
    ms = max(1, int(query_seconds * 1000))  # 0 would mean no limit to PostgreSQL
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite(dbapi_conn: Any, record: Any) -> None:
            dbapi_conn.execute("PRAGMA query_only = ON")
            info = record.info

            def over_time() -> int:
                deadline = info.get("deadline")
                return 1 if deadline is not None and time.monotonic() > deadline else 0

            # Called every few thousand virtual-machine steps: a query past its deadline stops.
            dbapi_conn.set_progress_handler(over_time, 10_000)

    else:

        @event.listens_for(engine, "connect")
        def _pg(dbapi_conn: Any, _record: Any) -> None:
            with dbapi_conn.cursor() as cur:
                cur.execute(f"SET statement_timeout = {ms}")
                cur.execute("SET default_transaction_read_only = on")
            dbapi_conn.commit()

    return engine


class Api:
    """The state behind the views: the engine, the public catalogue (per load) and editions."""

    def __init__(
        self, engine: Engine, editions_dir: Path | None, query_seconds: float, cache_bytes: int
    ):
        self.engine = engine
        self.editions_dir = editions_dir
        self.query_seconds = query_seconds
        self.cache = ResponseCache(cache_bytes)
        self._public: tuple[int, Public] | None = None
        self._lock = threading.Lock()

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A connection whose queries stop at the deadline (SQLite; PostgreSQL's own timeout)."""
        with self.engine.connect() as conn:
            conn.info["deadline"] = time.monotonic() + self.query_seconds
            try:
                yield conn
            finally:
                conn.info["deadline"] = None

    def public(self, conn: Connection, version: int | None = None) -> Public:
        """The public catalogue, rebuilt when the store has been written since."""
        if version is None:
            version = q.revision(conn)
        cached = self._public
        if cached is not None and cached[0] == version:
            return cached[1]
        with self._lock:
            if self._public is None or self._public[0] != version:
                self._public = (version, Public(q.catalogue(conn), q.portfolio_data(conn)))
            return self._public[1]

    def keep(
        self,
        request: Request,
        key: str,
        revision: int,
        body: bytes,
        media_type: str,
        headers: dict[str, str],
    ) -> Response:
        """Answer with a body computed at `revision`, and keep it for the next asker."""
        self.cache.put(key, Cached(revision, body, media_type, tuple(headers.items())))
        return respond(request, body, media_type, headers=headers)

    def editions(self) -> list[Edition]:
        """Every published edition, oldest first (none without an editions folder)."""
        return list_editions(self.editions_dir) if self.editions_dir else []


# -- parameters ------------------------------------------------------------------------------
