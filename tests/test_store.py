"""The store on SQLite and PostgreSQL: migrations, a lossless round trip, all-or-nothing writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from nenpo import core
from nenpo.errors import SettingsError, StoreError
from nenpo.ingest.workspace import read_workspace
from nenpo.store import Store, open_store
from nenpo.store.db import dims_key, parse_dims, workspace_hash
from nenpo.store.schema import metadata


def test_migrations_create_the_declared_schema(store: Store) -> None:
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []
    assert "alembic_version" in store.table_names()


def test_empty_store_reads_none(store: Store) -> None:
    assert store.is_empty()
    assert store.read() is None


def test_round_trip_of_the_example_is_lossless(store: Store, example_dir: Path) -> None:
    loaded = read_workspace(example_dir)
    core.load(example_dir, store)
    back = store.read()
    assert back is not None
    assert back == loaded.workspace
    assert workspace_hash(back) == workspace_hash(loaded.workspace)
    log = store.last_load()
    assert log is not None and log["content_hash"] == workspace_hash(back)


def test_reload_replaces_whole(store: Store, example_dir: Path) -> None:
    core.load(example_dir, store)
    core.load(example_dir, store)
    back = store.read()
    assert back is not None
    assert len(back.observations) == len(read_workspace(example_dir).workspace.observations)


def test_failed_write_changes_nothing(store: Store, example_dir: Path) -> None:
    core.load(example_dir, store)
    before = store.read()
    assert before is not None
    bad = before.model_copy(deep=True)
    # Two identical observations violate the store's unique key: the write must roll back.
    bad.observations.append(bad.observations[0])
    with pytest.raises(StoreError, match="nothing was changed"):
        store.replace(bad, "bad")
    assert store.read() == before


def test_bad_url_is_a_clear_error() -> None:
    with pytest.raises(SettingsError, match="SQLite or PostgreSQL, not nosuchdriver"):
        open_store("nosuchdriver://x")


def test_dims_key_round_trip() -> None:
    dims = {"prefecture": "13", "age_band": "20-24"}
    assert dims_key(dims) == "age_band=20-24;prefecture=13"
    assert parse_dims(dims_key(dims)) == dims
    assert dims_key({}) == "" and parse_dims("") == {}


def test_locations_survive_the_store(store: Store, example_dir: Path) -> None:
    loaded = core.load(example_dir, store)
    where = store.read_locations()
    assert where.places.keys() == loaded.where.places.keys()
    chart = loaded.workspace.charts[0].id
    assert where.of("charts", chart, "kind") == loaded.where.of("charts", chart, "kind")
    assert where.of("charts", chart)[0] == "charts.yaml"
