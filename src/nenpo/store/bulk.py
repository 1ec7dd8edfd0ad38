"""Bulk upserts of observations, all or nothing, in constant memory (`nenpo import`).

Rows are staged into a temporary table in one transaction (SQLite: executemany in batches;
PostgreSQL: COPY), then checked for duplicate keys in one query, then upserted into `observation`
in key order with one statement (SQLite: INSERT … ON CONFLICT (indicator_id, period, dims) DO
UPDATE; PostgreSQL: MERGE). Nothing is visible to anyone until the commit, and a rollback leaves
the store as it was. Staging first
costs a second pass inside the database, but it makes the speed independent of the file's row
order, finds every duplicate with both of its rows, and counts new, changed and unchanged rows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError

from ..errors import StoreError
from ..model.workspace import Dimension, Indicator
from . import schema as t

# (pair, dimset, value, row): the key interned as two numbers (see ingest.rows.Obs); the pairs
# (indicator, period, start) and dimsets (dims) join in at the upsert, as do the provenance and
# source, which are the same for every row of an import.
Row = tuple[int, int, float, int]
STAGE = "nenpo_import"
SORTED = "nenpo_import_sorted"
PAIRS = "nenpo_import_pair"
DIMSETS = "nenpo_import_dimset"
TEMP_TABLES = (STAGE, SORTED, PAIRS, DIMSETS)
COLUMNS = "indicator_id, period, start, dims, value, provenance, source_id, origin, line"
REVISION_UP = "UPDATE revision SET value = value + 1"  # as db.bump_revision, in this transaction


@dataclass
class Written:
    """What an upsert did: rows inserted, changed, and already equal (so left alone)."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class Duplicate:
    """Rows of one import with the same key (pair, dimset): all but the first are bad."""

    pair: int
    dimset: int
    rows: tuple[int, ...]


def read_catalog(engine: Engine) -> tuple[list[Indicator], list[Dimension], set[str]] | None:
    """The stored indicators, defined dimensions and source ids; None if nothing is loaded."""
    try:
        with engine.connect() as conn:
            if conn.execute(select(t.document.c.key).limit(1)).first() is None:
                return None
            inds = [
                Indicator.model_validate(r.data)
                for r in conn.execute(select(t.indicator).order_by(t.indicator.c.position))
            ]
            dims = [
                Dimension.model_validate(r.data)
                for r in conn.execute(select(t.dimension).order_by(t.dimension.c.position))
            ]
            sources = {r.id for r in conn.execute(select(t.source.c.id))}
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot read the store: {exc}") from exc
    return inds, dims, sources


class BulkWriter:
    """One import's transaction: stage rows, find duplicates, upsert, then commit or roll back."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.dialect = engine.dialect.name
        self._raw: Any = None  # the pooled DBAPI connection, while the transaction is open
        self._cur: Any = None  # PostgreSQL: the cursor COPY runs on
        self._copy_cm: Any = None  # PostgreSQL: the COPY in progress
        self._copy: Any = None
        self._sorted = False  # SQLite: the staged rows were sorted into SORTED
        self.staged = 0

    def __enter__(self) -> BulkWriter:
        try:
            self._raw = self.engine.raw_connection()
            self._begin()
        except Exception as exc:
            if self._raw is not None:
                self._raw.close()
                self._raw = None
            raise StoreError(f"cannot open the store for writing: {exc}") from exc
        return self

    def __exit__(self, *exc: object) -> None:
        if self._raw is not None:
            self.rollback()

    # -- the steps -------------------------------------------------------------------------

    def _begin(self) -> None:
        db = self._raw.driver_connection
        if self.dialect == "sqlite":
            self._isolation = db.isolation_level
            db.isolation_level = None  # we say BEGIN and COMMIT ourselves
            cur = db.cursor()
            # A bigger page cache keeps the B-tree pages being appended to in memory; it is a
            # fixed size (64 MiB), so memory still does not grow with the file.
            self._cache = cur.execute("PRAGMA cache_size").fetchone()[0]
            cur.execute("PRAGMA cache_size = -65536")
            cur.execute("PRAGMA temp.cache_size = -65536")
            cur.execute("BEGIN IMMEDIATE")  # take the write lock now, not halfway through
            for table in TEMP_TABLES:
                cur.execute(f"DROP TABLE IF EXISTS temp.{table}")
            cur.execute(
                f"CREATE TEMP TABLE {STAGE} (pair INTEGER, dimset INTEGER, value REAL, row INTEGER)"
            )
        else:
            self._cur = db.cursor()
            self._cur.execute(
                f"CREATE TEMP TABLE {STAGE} (pair integer, dimset integer, "
                "value double precision, row integer) ON COMMIT DROP"
            )

    def stage(self, rows: Sequence[Row]) -> None:
        """Add rows to the import (not yet visible, not yet checked for duplicates)."""
        if not rows:
            return
        db = self._raw.driver_connection
        try:
            if self.dialect == "sqlite":
                db.executemany(f"INSERT INTO {STAGE} VALUES (?, ?, ?, ?)", rows)
            else:
                if self._copy is None:
                    self._copy_cm = self._cur.copy(f"COPY {STAGE} FROM STDIN")
                    self._copy = self._copy_cm.__enter__()
                write = self._copy.write_row
                for r in rows:
                    write(r)
        except Exception as exc:
            raise StoreError(
                f"staging rows in the store failed, nothing was changed: {exc}"
            ) from exc
        self.staged += len(rows)

    def _end_copy(self, failed: bool = False) -> None:
        if self._copy_cm is not None:
            cm, self._copy_cm, self._copy = self._copy_cm, None, None
            if failed:  # tell the server the COPY is abandoned
                err = RuntimeError("import abandoned")
                cm.__exit__(RuntimeError, err, None)
            else:
                cm.__exit__(None, None, None)

    def duplicates(self) -> Iterator[Duplicate]:
        """Every key staged more than once, with all its rows."""
        self._end_copy()
        if self.dialect == "sqlite":
            yield from self._sqlite_duplicates()
            return
        db = self._raw.driver_connection
        self._cur.execute(f"ANALYZE {STAGE}")
        # A server-side cursor: a file of nothing but duplicates still streams.
        with db.cursor(name="nenpo_import_duplicates") as cur:
            cur.execute(
                f"SELECT pair, dimset, array_agg(row ORDER BY row) FROM {STAGE} "
                "GROUP BY pair, dimset HAVING count(*) > 1"
            )
            for pair, dimset, rows in cur:
                yield Duplicate(pair, dimset, tuple(rows))

    def _sqlite_duplicates(self) -> Iterator[Duplicate]:
        db = self._raw.driver_connection
        # Sort the staged rows into a table keyed by (pair, dimset): the upsert then reads them
        # in key order, and the key refuses a duplicate, so that the search for duplicates (a
        # second sort) only runs when there is one.
        db.execute(
            f"CREATE TEMP TABLE {SORTED} (pair INTEGER, dimset INTEGER, value REAL, row INTEGER, "
            "PRIMARY KEY (pair, dimset)) WITHOUT ROWID"
        )
        try:
            db.execute(f"INSERT INTO {SORTED} SELECT * FROM {STAGE} ORDER BY pair, dimset")
            self._sorted = True
            return
        except sqlite3.IntegrityError:
            pass  # a duplicate key: find them all
        sql = (
            f"SELECT pair, dimset, group_concat(row) FROM {STAGE} "
            "GROUP BY pair, dimset HAVING count(*) > 1"
        )
        for pair, dimset, rows in db.execute(sql):
            yield Duplicate(pair, dimset, tuple(sorted(int(r) for r in rows.split(","))))

    def upsert(
        self,
        pairs: Sequence[tuple[int, str, str, str]],
        dimsets: Sequence[tuple[int, str]],
        provenance: str | None,
        source: str | None,
        origin: str,
    ) -> Written:
        """Move the staged rows into `observation`: new keys inserted, changed values updated.

        `pairs` are (pair, indicator, period, its first day) and `dimsets` (dimset, dims) as
        the rows were staged with; `provenance` and `source` are the import's (None: the
        indicator's own); `origin` marks the rows it writes ("import:FILE").
        """
        self._end_copy()
        changed = (
            "observation.value IS NOT excluded.value OR observation.start IS NOT excluded.start "
            "OR observation.provenance IS NOT excluded.provenance "
            "OR observation.source_id IS NOT excluded.source_id"
        )
        sets = (
            "start = excluded.start, value = excluded.value, provenance = excluded.provenance, "
            "source_id = excluded.source_id, origin = excluded.origin, line = excluded.line, "
            "file = NULL"
        )
        conflict = f"ON CONFLICT (indicator_id, period, dims) DO UPDATE SET {sets} WHERE "
        try:
            if self.dialect == "sqlite":
                written = self._sqlite_upsert(
                    pairs, dimsets, (provenance, source, origin), conflict + changed
                )
            else:
                written = self._pg_upsert(pairs, dimsets, (provenance, source, origin))
            if written.inserted or written.updated:  # readers' caches must see the change
                self._raw.driver_connection.execute(REVISION_UP)
            return written
        except Exception as exc:
            raise StoreError(f"writing the store failed, nothing was changed: {exc}") from exc

    def _sqlite_upsert(
        self,
        pairs: Sequence[tuple[int, str, str, str]],
        dimsets: Sequence[tuple[int, str]],
        constants: tuple[str | None, str | None, str],
        conflict: str,
    ) -> Written:
        db = self._raw.driver_connection
        db.execute(
            f"CREATE TEMP TABLE {PAIRS} (pair INTEGER PRIMARY KEY, indicator_id TEXT, "
            "period TEXT, start TEXT)"
        )
        db.execute(f"CREATE TEMP TABLE {DIMSETS} (dimset INTEGER PRIMARY KEY, dims TEXT)")
        db.executemany(f"INSERT INTO {PAIRS} VALUES (?, ?, ?, ?)", pairs)
        db.executemany(f"INSERT INTO {DIMSETS} VALUES (?, ?)", dimsets)
        self._check_references(constants[1])
        before = db.execute("SELECT coalesce(max(id), 0) FROM observation").fetchone()[0]
        staged = SORTED if self._sorted else STAGE
        # The staged rows in key order (CROSS JOIN keeps them the outer loop), so that each
        # (indicator, period) is written in one go rather than all over the unique index.
        # `WHERE true` tells SQLite's parser that ON CONFLICT is the upsert clause.
        cur = db.execute(
            f"INSERT INTO observation ({COLUMNS}) "
            "SELECT p.indicator_id, p.period, p.start, d.dims, s.value, ?, ?, ?, s.row "
            f"FROM {staged} s CROSS JOIN {PAIRS} p CROSS JOIN {DIMSETS} d "
            f"WHERE p.pair = s.pair AND d.dimset = s.dimset ORDER BY s.pair, s.dimset {conflict}",
            constants,
        )
        touched = cur.rowcount
        new = db.execute("SELECT count(*) FROM observation WHERE id > ?", (before,))
        inserted = new.fetchone()[0]
        return Written(inserted, touched - inserted, self.staged - touched)

    def _pg_upsert(
        self,
        pairs: Sequence[tuple[int, str, str, str]],
        dimsets: Sequence[tuple[int, str]],
        constants: tuple[str | None, str | None, str],
    ) -> Written:
        cur = self._cur
        cur.execute(
            f"CREATE TEMP TABLE {PAIRS} (pair integer PRIMARY KEY, indicator_id text, "
            "period text, start date) ON COMMIT DROP"
        )
        cur.execute(
            f"CREATE TEMP TABLE {DIMSETS} (dimset integer PRIMARY KEY, dims text) ON COMMIT DROP"
        )
        for table, content in ((PAIRS, pairs), (DIMSETS, dimsets)):
            with cur.copy(f"COPY {table} FROM STDIN") as copy:
                for row in content:
                    copy.write_row(row)
        cur.execute(f"ANALYZE {PAIRS}")
        cur.execute(f"ANALYZE {DIMSETS}")
        # Readers still read; another writer (an import, a load) waits until this one commits,
        # so no one adds one of these keys, or removes an indicator they refer to, in between.
        cur.execute("LOCK TABLE observation IN SHARE ROW EXCLUSIVE MODE")
        cur.execute("LOCK TABLE indicator, source IN SHARE MODE")
        self._check_references(constants[1])
        cur.execute("SET LOCAL work_mem = '64MB'")  # the sort by key: fewer passes over disk
        rows = (
            "SELECT p.indicator_id, p.period, p.start, d.dims, s.value, "
            "%(provenance)s::text AS provenance, %(source)s::text AS source_id, "
            "%(origin)s::text AS origin, s.row AS line "
            f"FROM {STAGE} s JOIN {PAIRS} p ON p.pair = s.pair "
            f"JOIN {DIMSETS} d ON d.dimset = s.dimset"
        )
        args = dict(zip(("provenance", "source", "origin"), constants, strict=True))
        if cur.connection.info.server_version < 150000:
            return self._pg_update_insert(rows, args)
        # One statement: MERGE joins the staged rows to the table (in key order, so that each
        # (indicator, period) goes into the unique index in one go), updates the keys that
        # exist with another value and inserts the rest. The ids it inserts come from the
        # sequence, in one block while we hold the lock: counting them needs no second pass.
        cur.execute("SELECT nextval(pg_get_serial_sequence('observation', 'id'))")
        before = cur.fetchone()[0]
        cur.execute(
            f"MERGE INTO observation o USING ({rows} ORDER BY s.pair, s.dimset) n "
            "ON o.indicator_id = n.indicator_id AND o.period = n.period AND o.dims = n.dims "
            "WHEN MATCHED AND (o.start, o.value, o.provenance, o.source_id) IS DISTINCT FROM "
            "(n.start, n.value, n.provenance, n.source_id) THEN UPDATE SET start = n.start, "
            "value = n.value, provenance = n.provenance, source_id = n.source_id, "
            "origin = n.origin, line = n.line, file = NULL "
            f"WHEN NOT MATCHED THEN INSERT ({COLUMNS}) VALUES (n.indicator_id, n.period, "
            "n.start, n.dims, n.value, n.provenance, n.source_id, n.origin, n.line)",
            args,
        )
        touched = cur.rowcount
        cur.execute("SELECT nextval(pg_get_serial_sequence('observation', 'id'))")
        inserted = cur.fetchone()[0] - before - 1
        return Written(inserted, touched - inserted, self.staged - touched)

    def _pg_update_insert(self, rows: str, args: dict[str, str | None]) -> Written:
        """Before PostgreSQL 15 (no MERGE): an UPDATE of the keys that exist, then an INSERT."""
        cur = self._cur
        cur.execute(
            "UPDATE observation o SET start = n.start, value = n.value, "
            "provenance = n.provenance, source_id = n.source_id, origin = n.origin, "
            "line = n.line, file = NULL "
            f"FROM ({rows}) n "
            "WHERE o.indicator_id = n.indicator_id AND o.period = n.period AND o.dims = n.dims "
            "AND (o.start, o.value, o.provenance, o.source_id) IS DISTINCT FROM "
            "(n.start, n.value, n.provenance, n.source_id)",
            args,
        )
        updated = cur.rowcount
        cur.execute(
            # In key order: each (indicator, period) goes into the unique index in one go.
            f"INSERT INTO observation ({COLUMNS}) "
            f"SELECT * FROM ({rows} ORDER BY s.pair, s.dimset) n WHERE NOT EXISTS "
            "(SELECT 1 FROM observation o WHERE o.indicator_id = n.indicator_id "
            "AND o.period = n.period AND o.dims = n.dims)",
            args,
        )
        inserted = cur.rowcount
        return Written(inserted, updated, self.staged - inserted - updated)

    def _check_references(self, source: str | None) -> None:
        """Every indicator (and the source) the rows name is in the store: one query each.

        The table has no foreign keys (checking them row by row halved an import's speed);
        the importer checked the names against the catalogue it read, and this checks them
        again inside the transaction, after the lock, in case a load changed it since.
        """
        db = self._raw.driver_connection
        missing = db.execute(
            f"SELECT DISTINCT p.indicator_id FROM {PAIRS} p WHERE NOT EXISTS "
            "(SELECT 1 FROM indicator i WHERE i.id = p.indicator_id) ORDER BY 1"
        ).fetchall()
        if missing:
            names = ", ".join(r[0] for r in missing[:10])
            raise StoreError(f"the store has no indicator {names} (was it loaded meanwhile?)")
        if source is not None:
            sql = "SELECT 1 FROM source WHERE id = " + ("?" if self.dialect == "sqlite" else "%s")
            if db.execute(sql, (source,)).fetchone() is None:
                raise StoreError(f"the store has no source {source!r} (was it loaded meanwhile?)")

    def commit(self) -> None:
        """Make the import visible."""
        db = self._raw.driver_connection
        try:
            if self.dialect == "sqlite":
                db.execute("COMMIT")
            else:
                db.commit()
        except Exception as exc:
            raise StoreError(f"committing the import failed, nothing was changed: {exc}") from exc
        self._finish()

    def rollback(self) -> None:
        """Leave the store as it was before the import."""
        db = self._raw.driver_connection
        try:
            self._end_copy(failed=True)
            if self.dialect == "sqlite":
                if db.in_transaction:
                    db.execute("ROLLBACK")
            else:
                db.rollback()
        finally:
            self._finish()

    def _finish(self) -> None:
        raw, self._raw = self._raw, None
        with closing(raw):  # back to the pool, as it was
            db = raw.driver_connection
            if self.dialect == "sqlite":
                for table in TEMP_TABLES:
                    db.execute(f"DROP TABLE IF EXISTS temp.{table}")
                db.execute(f"PRAGMA cache_size = {int(self._cache)}")
                db.isolation_level = self._isolation
            elif self._cur is not None:
                self._cur.close()
                self._cur = None
