"""Stores holding the bundled example, on SQLite and PostgreSQL, for the API's tests (one per
module: loading the example takes seconds), and a client of the API over each."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from nenpo import core
from nenpo.settings import bundled_example
from nenpo.store import Store, open_store
from nenpo.web.api import create_app

from .conftest import _PG_SKIP, PG_URL


def example_store(backend: str, tmp: Path, workspace: Path | None = None) -> Iterator[Store]:
    """A store on `backend` with the workspace (default: the bundled example) loaded."""
    schema = None
    if backend == "sqlite":
        url = f"sqlite:///{tmp / 'nenpo.db'}"
    else:
        if _PG_SKIP:
            print(f"SKIP reason: {_PG_SKIP}")
            pytest.skip(_PG_SKIP)
        schema = f"nenpo_test_{uuid.uuid4().hex[:10]}"
        with create_engine(PG_URL).begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
        url = url.render_as_string(hide_password=False)
    store = open_store(url)
    try:
        core.load(workspace or bundled_example(), store)
        yield store
    finally:
        store.engine.dispose()
        if schema:
            with create_engine(PG_URL).begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


def client(store: Store, editions: Path | None = None, **kw: object) -> TestClient:
    """A client of the API over `store` (the store's URL: the API opens its own engine)."""
    url = store.engine.url.render_as_string(hide_password=False)
    return TestClient(create_app(url, editions_dir=editions, **kw))  # type: ignore[arg-type]


def write_editions(root: Path) -> None:
    """Two editions as `nenpo publish` leaves them (edition.json is all the API reads), the
    second with 更新履歴 entries and an approver, who is internal."""
    from nenpo.publish.editions import Edition, finish, start
    from nenpo.publish.errata import Entry

    first = Edition(
        "2024-09-01", "2024-09-01", "承認者X", "a" * 64, None, "2024-09-01T09:00:00+00:00"
    )
    second = Edition(
        "2024-10-01",
        "2024-10-01",
        "承認者Y",
        "b" * 64,
        first.id,
        "2024-10-01T09:00:00+00:00",
        [Entry("16ページ、凡例に誤りがありましたので修正しました", "results.html", "legend")],
    )
    for e in (first, second):
        finish(root, start(root, e.id), e)
