"""Bulk upserts of observations, all or nothing, in constant memory (`nenpo import`).

Rows are staged into a temporary table in one transaction (SQLite: executemany in batches;
PostgreSQL: COPY), then checked for duplicate keys in one query, then upserted into `observation`
in key order with one INSERT … ON CONFLICT (indicator_id, period, dims) DO UPDATE. Nothing is
visible to anyone until the commit, and a rollback leaves the store as it was. Staging first
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

# (indicator_id, period, dims, value, row): what varies from row to row. The period's first day,
# the provenance and the source are the same for many rows and join in at the upsert.
Row = tuple[str, str, str, float, int]
STAGE = "nenpo_import"
SORTED = "nenpo_import_sorted"
PERIODS = "nenpo_import_period"
COLUMNS = "indicator_id, period, start, dims, value, provenance, source_id"


@dataclass
class Written:
    """What an upsert did: rows inserted, changed, and already equal (so left alone)."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class Duplicate:
    """Rows of one import with the same (indicator, period, dims): all but the first are bad."""

    indicator: str
    period: str
    dims: str
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
            for table in (STAGE, SORTED, PERIODS):
                cur.execute(f"DROP TABLE IF EXISTS temp.{table}")
            cur.execute(
                f"CREATE TEMP TABLE {STAGE} (indicator_id TEXT, period TEXT, dims TEXT, "
                "value REAL, row INTEGER)"
            )
            cur.execute(
                f"CREATE TEMP TABLE {PERIODS} (period TEXT PRIMARY KEY, start TEXT) WITHOUT ROWID"
            )
        else:
            self._cur = db.cursor()
            self._cur.execute(
                f"CREATE TEMP TABLE {STAGE} (indicator_id text, period text, dims text, "
                "value double precision, row integer) ON COMMIT DROP"
            )
            self._cur.execute(
                f"CREATE TEMP TABLE {PERIODS} (period text PRIMARY KEY, start date) ON COMMIT DROP"
            )

    def stage(self, rows: Sequence[Row]) -> None:
        """Add rows to the import (not yet visible, not yet checked for duplicates)."""
        if not rows:
            return
        db = self._raw.driver_connection
        try:
            if self.dialect == "sqlite":
                db.executemany(f"INSERT INTO {STAGE} VALUES (?, ?, ?, ?, ?)", rows)
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
        """Every key staged more than once, with all its rows, in key order."""
        self._end_copy()
        if self.dialect == "sqlite":
            yield from self._sqlite_duplicates()
            return
        db = self._raw.driver_connection
        self._cur.execute(f"ANALYZE {STAGE}")
        # A server-side cursor: a file of nothing but duplicates still streams.
        with db.cursor(name="nenpo_import_duplicates") as cur:
            cur.execute(
                f"SELECT indicator_id, period, dims, array_agg(row ORDER BY row) FROM {STAGE} "
                "GROUP BY indicator_id, period, dims HAVING count(*) > 1 "
                "ORDER BY indicator_id, period, dims"
            )
            for ind, period, dims, rows in cur:
                yield Duplicate(ind, period, dims, tuple(rows))

    def _sqlite_duplicates(self) -> Iterator[Duplicate]:
        db = self._raw.driver_connection
        # Sort the staged rows into a table keyed like `observation`: the upsert then reads
        # them in key order, and the key refuses a duplicate, so that the search for duplicates
        # (a second sort) only runs when there is one.
        db.execute(
            f"CREATE TEMP TABLE {SORTED} (indicator_id TEXT, period TEXT, dims TEXT, value REAL, "
            "row INTEGER, PRIMARY KEY (indicator_id, period, dims)) WITHOUT ROWID"
        )
        try:
            db.execute(
                f"INSERT INTO {SORTED} SELECT * FROM {STAGE} ORDER BY indicator_id, period, dims"
            )
            self._sorted = True
            return
        except sqlite3.IntegrityError:
            pass  # a duplicate key: find them all
        sql = (
            f"SELECT indicator_id, period, dims, group_concat(row) FROM {STAGE} "
            "GROUP BY indicator_id, period, dims HAVING count(*) > 1"
        )
        for ind, period, dims, rows in db.execute(sql):
            yield Duplicate(ind, period, dims, tuple(sorted(int(r) for r in rows.split(","))))

    def upsert(self, starts: dict[str, str], provenance: str | None, source: str | None) -> Written:
        """Move the staged rows into `observation`: new keys inserted, changed values updated.

        `starts` gives each period's first day; `provenance` and `source` are the import's
        (None: the indicator's own).
        """
        self._end_copy()
        db = self._raw.driver_connection
        changed = (
            "observation.value IS NOT excluded.value OR observation.start IS NOT excluded.start "
            "OR observation.provenance IS NOT excluded.provenance "
            "OR observation.source_id IS NOT excluded.source_id"
        )
        sets = (
            "start = excluded.start, value = excluded.value, provenance = excluded.provenance, "
            "source_id = excluded.source_id"
        )
        staged = SORTED if self._sorted else STAGE
        select = (
            "SELECT s.indicator_id, s.period, p.start, s.dims, s.value, {0}, {0} "
            f"FROM {staged} s JOIN {PERIODS} p ON p.period = s.period"
        )
        # Sorted by key, the unique index is appended to rather than written at random.
        order = "ORDER BY s.indicator_id, s.period, s.dims"
        try:
            if self.dialect == "sqlite":
                db.executemany(f"INSERT INTO {PERIODS} VALUES (?, ?)", sorted(starts.items()))
                before = db.execute("SELECT coalesce(max(id), 0) FROM observation").fetchone()[0]
                # `WHERE true` tells SQLite's parser that ON CONFLICT is the upsert clause.
                cur = db.execute(
                    f"INSERT INTO observation ({COLUMNS}) {select.format('?')} WHERE true {order} "
                    f"ON CONFLICT (indicator_id, period, dims) DO UPDATE SET {sets} "
                    f"WHERE {changed}",
                    (provenance, source),
                )
                touched = cur.rowcount
                new = db.execute("SELECT count(*) FROM observation WHERE id > ?", (before,))
                inserted = new.fetchone()[0]
            else:
                cur = self._cur
                cur.executemany(f"INSERT INTO {PERIODS} VALUES (%s, %s)", sorted(starts.items()))
                cur.execute("SELECT coalesce(max(id), 0) FROM observation")
                before = cur.fetchone()[0]
                cur.execute(
                    f"INSERT INTO observation ({COLUMNS}) {select.format('%s::text')} {order} "
                    f"ON CONFLICT (indicator_id, period, dims) DO UPDATE SET {sets} "
                    f"WHERE {changed.replace('IS NOT', 'IS DISTINCT FROM')}",
                    (provenance, source),
                )
                touched = cur.rowcount
                cur.execute("SELECT count(*) FROM observation WHERE id > %s", (before,))
                inserted = cur.fetchone()[0]
        except Exception as exc:
            raise StoreError(f"writing the store failed, nothing was changed: {exc}") from exc
        return Written(inserted, touched - inserted, self.staged - touched)

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
                for table in (STAGE, SORTED, PERIODS):
                    db.execute(f"DROP TABLE IF EXISTS temp.{table}")
                db.execute(f"PRAGMA cache_size = {int(self._cache)}")
                db.isolation_level = self._isolation
            elif self._cur is not None:
                self._cur.close()
                self._cur = None
