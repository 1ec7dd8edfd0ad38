"""Migration 0004 on a store holding data, and the revision every write raises."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, inspect, text

from nenpo import core
from nenpo.store import Store, open_store
from nenpo.store.migrate import upgrade
from nenpo.store.queries import revision


def test_0004_keeps_the_rows_and_drops_the_foreign_keys(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        upgrade(conn, "0003")
        conn.execute(text("INSERT INTO source (id, position, data) VALUES ('s', 0, '{}')"))
        conn.execute(
            text(
                "INSERT INTO indicator (id, position, source_id, provenance, data) "
                "VALUES ('i', 0, 's', 'real', '{}')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO observation (indicator_id, period, start, dims, value, origin) "
                "VALUES ('i', '2024-01', '2024-01-01', 'prefecture=13', 5, 'import:x.csv')"
            )
        )
    assert inspect(engine).get_foreign_keys("observation")
    engine.dispose()
    store = open_store(url)  # migrates to the newest revision
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT indicator_id, dims, value, origin FROM observation"))
        assert rows.all() == [("i", "prefecture=13", 5.0, "import:x.csv")]
        assert revision(conn) == 1
    assert inspect(store.engine).get_foreign_keys("observation") == []
    assert {"uq_observation_key"} <= {
        u["name"] for u in inspect(store.engine).get_unique_constraints("observation")
    }


def test_a_load_and_a_changing_import_raise_the_revision(store: Store, tmp_path: Path) -> None:
    def now() -> int:
        with store.engine.connect() as conn:
            return revision(conn)

    start = now()
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "nenpo.yaml").write_text(
        "organisation: {name: 市}\nreport: {title: 年報, period_start: 2024-01-01, "
        "period_end: 2024-12-31}\n",
        encoding="utf-8",
    )
    (ws / "sources.yaml").write_text("- {id: s, title: 出典}\n", encoding="utf-8")
    (ws / "indicators.yaml").write_text(
        "- {id: i, name: 指標, unit: 件, source: s, provenance: real}\n", encoding="utf-8"
    )
    core.load(ws, store)
    assert now() == start + 1
    table, mapping = tmp_path / "t.csv", tmp_path / "m.yaml"
    table.write_text("indicator,date,value\ni,2024-01,1\n", encoding="utf-8")
    mapping.write_text("indicator: {column: indicator}\nperiod: {column: date}\nvalue: value\n")
    core.import_file(store, table, mapping)
    assert now() == start + 2
    core.import_file(store, table, mapping)  # every row unchanged: nothing to see
    assert now() == start + 2
    table.write_text("indicator,date,value\ni,2024-01,2\n", encoding="utf-8")
    core.import_file(store, table, mapping)
    assert now() == start + 3
    core.import_file(store, table, mapping, dry_run=True)  # rolled back, with its revision
    assert now() == start + 3


def test_an_import_naming_an_indicator_the_store_lost_meanwhile_writes_nothing(
    store: Store, tmp_path: Path
) -> None:
    """No foreign keys: the import checks its indicators in its transaction (a load may have
    removed one after the importer read the catalogue)."""
    from nenpo.errors import StoreError
    from nenpo.store.bulk import BulkWriter

    with BulkWriter(store.engine) as writer:
        writer.stage([(0, 0, 1.0, 2)])
        assert list(writer.duplicates()) == []
        try:
            writer.upsert([(0, "gone", "2024-01", "2024-01-01")], [(0, "")], None, None, "import:t")
        except StoreError as exc:
            assert "no indicator gone" in str(exc)
        else:
            raise AssertionError("an unknown indicator was written")
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM observation")).scalar() == 0
