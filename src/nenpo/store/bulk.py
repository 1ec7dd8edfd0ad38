"""Bulk upserts of observations, all or nothing, in constant memory (`nenpo import`).

Rows are staged into a temporary table in one transaction (SQLite: executemany in batches;
PostgreSQL: COPY), then checked for duplicate keys in one query, then upserted into `observation`
in key order with one INSERT … ON CONFLICT (indicator_id, period, dims) DO UPDATE. Nothing is
visible to anyone until the commit, and a rollback leaves the store as it was. Staging first
costs a second pass inside the database, but it makes the speed independent of the file's row
order, finds every duplicate with both of its rows, and counts new, changed and unchanged rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError

from ..errors import StoreError
from ..model.workspace import Dimension, Indicator
from . import schema as t

# (indicator_id, period, start ISO, dims, value, provenance, source_id, row)
Row = tuple[str, str, str, str, float, str | None, str | None, int]
STAGE = "nenpo_import"
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
            cur.execute(f"DROP TABLE IF EXISTS temp.{STAGE}")
            cur.execute(
                f"CREATE TEMP TABLE {STAGE} (indicator_id TEXT, period TEXT, start TEXT, "
                "dims TEXT, value REAL, provenance TEXT, source_id TEXT, row INTEGER)"
            )
        else:
            self._cur = db.cursor()
            self._cur.execute(
                f"CREATE TEMP TABLE {STAGE} (indicator_id text, period text, start date, "
                "dims text, value double precision, provenance text, source_id text, "
                "row integer) ON COMMIT DROP"
            )

    def stage(self, rows: Sequence[Row]) -> None:
        """Add rows to the import (not yet visible, not yet checked for duplicates)."""
        if not rows:
            return
        db = self._raw.driver_connection
        try:
            if self.dialect == "sqlite":
                db.executemany(f"INSERT INTO {STAGE} VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
            else:
                if self._copy is None:
                    self._copy_cm = self._cur.copy(f"COPY {STAGE} ({COLUMNS}, row) FROM STDIN")
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
        db = self._raw.driver_connection
        if self.dialect == "sqlite":
            # One sorted copy of the staged rows serves both this query and the upsert.
            db.execute(
                f"CREATE INDEX temp.{STAGE}_key ON {STAGE} "
                "(indicator_id, period, dims, row, start, value, provenance, source_id)"
            )
            sql = (
                f"SELECT indicator_id, period, dims, group_concat(row) FROM {STAGE} "
                "GROUP BY indicator_id, period, dims HAVING count(*) > 1"
            )
            for ind, period, dims, rows in db.execute(sql):
                yield Duplicate(ind, period, dims, tuple(sorted(int(r) for r in rows.split(","))))
        else:
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

    def upsert(self) -> Written:
        """Move the staged rows into `observation`: new keys inserted, changed values updated."""
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
        try:
            if self.dialect == "sqlite":
                before = db.execute("SELECT coalesce(max(id), 0) FROM observation").fetchone()[0]
                # `WHERE true` tells SQLite's parser that ON CONFLICT is the upsert clause.
                cur = db.execute(
                    f"INSERT INTO observation ({COLUMNS}) SELECT {COLUMNS} FROM {STAGE} "
                    "WHERE true ORDER BY indicator_id, period, dims "
                    f"ON CONFLICT (indicator_id, period, dims) DO UPDATE SET {sets} WHERE {changed}"
                )
                touched = cur.rowcount
                new = db.execute("SELECT count(*) FROM observation WHERE id > ?", (before,))
                inserted = new.fetchone()[0]
            else:
                with db.cursor() as cur:
                    cur.execute("SELECT coalesce(max(id), 0) FROM observation")
                    before = cur.fetchone()[0]
                    # Sorted by key, the unique index is appended to rather than written at random.
                    cur.execute(
                        f"INSERT INTO observation ({COLUMNS}) SELECT {COLUMNS} FROM {STAGE} "
                        "ORDER BY indicator_id, period, dims "
                        f"ON CONFLICT (indicator_id, period, dims) DO UPDATE SET {sets} "
                        f"WHERE {changed.replace('IS NOT', 'IS DISTINCT FROM')}"
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
                db.execute(f"DROP TABLE IF EXISTS temp.{STAGE}")
                db.execute(f"PRAGMA cache_size = {int(self._cache)}")
                db.isolation_level = self._isolation
            elif self._cur is not None:
                self._cur.close()
                self._cur = None
