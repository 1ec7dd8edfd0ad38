"""Open, migrate, write and read the store. One workspace per store; a load replaces it whole."""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, create_engine, delete, event, func, insert, inspect, select, update
from sqlalchemy.engine import URL
from sqlalchemy.exc import DatabaseError, SQLAlchemyError

from ..errors import StoreError
from ..gcpause import paused_gc
from ..ingest.where import Where
from ..japan.periods import Period
from ..model.workspace import Observation, Result, Survey, Workspace
from . import schema as t
from .migrate import upgrade
from .portfolio import read_baselines, read_portfolio, write_portfolio
from .url import database_url, mask

Place = tuple[str, int | None]  # where an observation was written: file, line
IMPORT_PREFIX = "import:"  # observation.origin of rows `nenpo import` wrote: import:FILE
DOCUMENT_KEYS = ("organisation", "report", "statement", "aims", "priority_plan", "deck")
LOCATIONS = "locations"  # document key: where each object was written, for check's file:line
SIMPLE = {
    "sources": t.source,
    "focus_areas": t.focus_area,
    "dimensions": t.dimension,
    "charts": t.chart,
    "chapters": t.chapter,
}


def dims_key(dims: dict[str, str]) -> str:
    """Canonical text of a dimension set, part of an observation's key: 'a=1;b=2' or ''."""
    return ";".join(f"{k}={dims[k]}" for k in sorted(dims))


def parse_dims(key: str) -> dict[str, str]:
    """Inverse of dims_key."""
    return dict(part.split("=", 1) for part in key.split(";")) if key else {}


def workspace_hash(ws: Workspace) -> str:
    """SHA-256 of the workspace's canonical JSON: equal content, equal hash."""
    text = json.dumps(ws.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


class Store:
    """The store behind one report. All writes go through `replace`, in one transaction."""

    def __init__(self, engine: Engine):
        self.engine = engine

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def migrate(self) -> None:
        """Create or upgrade the schema to the newest migration."""
        try:
            with self.engine.begin() as conn:
                upgrade(conn)
        except DatabaseError as exc:  # unreachable, locked, not a database, …
            raise StoreError(f"cannot open the store at {self.url}: {mask(str(exc.orig))}") from exc

    def is_empty(self) -> bool:
        """True when no workspace has been loaded."""
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(t.document)).scalar_one() == 0

    def table_names(self) -> list[str]:
        return inspect(self.engine).get_table_names()

    def replace(
        self,
        ws: Workspace,
        origin: str,
        where: Where | None = None,
        rows: Sequence[Place] = (),
    ) -> None:
        """Replace the stored workspace (and where its parts were written, and `rows`: the file
        and line of each observation, in order), all or nothing."""
        try:
            with self.engine.begin() as conn:
                for table in t.ALL_TABLES:
                    conn.execute(delete(table))
                self._insert_documents(conn, ws)
                if where is not None:
                    _insert(conn, t.document, [{"key": LOCATIONS, "data": where.to_json()}])
                for key, table in SIMPLE.items():
                    objects = [
                        {"id": o.id, "position": i, "data": o.model_dump(mode="json")}
                        for i, o in enumerate(getattr(ws, key))
                    ]
                    _insert(conn, table, objects)
                _insert(
                    conn,
                    t.indicator,
                    [
                        {
                            "id": o.id,
                            "position": i,
                            "source_id": o.source,
                            "provenance": o.provenance,
                            "data": o.model_dump(mode="json"),
                        }
                        for i, o in enumerate(ws.indicators)
                    ],
                )
                _insert(conn, t.project, list(_project_rows(ws)))
                self._insert_surveys(conn, ws.surveys)
                _insert(conn, t.text, [{"path": p, "body": b} for p, b in ws.texts.items()])
                places = itertools.chain(rows, itertools.repeat((None, None)))
                _insert(
                    conn,
                    t.observation,
                    [_observation_row(o, p) for o, p in zip(ws.observations, places, strict=False)],
                )
                write_portfolio(conn, ws.portfolio)
                conn.execute(
                    insert(t.load_log).values(
                        loaded_at=datetime.now(UTC),
                        workspace=origin,
                        content_hash=workspace_hash(ws),
                    )
                )
                bump_revision(conn)
        except SQLAlchemyError as exc:
            raise StoreError(
                f"writing the store at {self.url} failed, nothing was changed: {exc}"
            ) from exc

    def _insert_documents(self, conn: Any, ws: Workspace) -> None:
        rows = []
        for key in DOCUMENT_KEYS:
            value = getattr(ws, key)
            if isinstance(value, list):
                data: Any = [v.model_dump(mode="json") for v in value]
            else:
                data = value.model_dump(mode="json") if value is not None else None
            rows.append({"key": key, "data": {"value": data}})
        _insert(conn, t.document, rows)

    def _insert_surveys(self, conn: Any, surveys: list[Survey]) -> None:
        _insert(
            conn,
            t.survey,
            [
                {
                    "id": s.id,
                    "position": i,
                    "source_id": s.source,
                    "data": s.model_dump(mode="json", exclude={"results"}),
                }
                for i, s in enumerate(surveys)
            ],
        )
        rows = []
        for s in surveys:
            for r in s.results:
                for pos, (opt, share) in enumerate(r.shares.items()):
                    rows.append(
                        {
                            "survey_id": s.id,
                            "question_id": r.question,
                            "wave_id": r.wave,
                            "option_id": opt,
                            "position": pos,
                            "share": share,
                        }
                    )
        _insert(conn, t.survey_share, rows)

    def read(self, rows: list[Place] | None = None, observations: bool = True) -> Workspace | None:
        """The stored workspace, or None when the store is empty; with `rows`, also where each
        observation was written (file and line, in the order of its observations). Without
        `observations`, none is read (the check reads them a query at a time)."""
        with self.engine.connect() as conn:
            docs = {
                r.key: r.data["value"]
                for r in conn.execute(select(t.document).where(t.document.c.key.in_(DOCUMENT_KEYS)))
            }
            if not docs:
                return None
            data: dict[str, Any] = {k: v for k, v in docs.items() if v is not None}
            for key, table in SIMPLE.items():
                data[key] = [r.data for r in conn.execute(select(table).order_by(table.c.position))]
            data["indicators"] = [
                r.data for r in conn.execute(select(t.indicator).order_by(t.indicator.c.position))
            ]
            data["projects"] = _project_tree(
                list(conn.execute(select(t.project).order_by(t.project.c.position)))
            )
            data["surveys"] = self._read_surveys(conn)
            data["texts"] = {r.path: r.body for r in conn.execute(select(t.text))}
            # Rows were validated when they were loaded or imported: constructing them without
            # validating again makes reading a million observations about three times faster.
            with paused_gc():
                query = select(t.observation).order_by(t.observation.c.id)
                stored = conn.execute(query).all() if observations else []
                data["observations"] = [
                    Observation.model_construct(
                        indicator=r.indicator_id,
                        period=r.period,
                        value=r.value,
                        dims=parse_dims(r.dims),
                        provenance=r.provenance,
                        source=r.source_id,
                    )
                    for r in stored
                ]
                if rows is not None:
                    rows.extend(_place(r) for r in stored)
            data["portfolio"] = read_portfolio(conn)
        return Workspace.model_validate(data)

    def _read_surveys(self, conn: Any) -> list[dict[str, Any]]:
        shares: dict[tuple[str, str, str], dict[str, float]] = {}
        for r in conn.execute(
            select(t.survey_share).order_by(
                t.survey_share.c.survey_id,
                t.survey_share.c.question_id,
                t.survey_share.c.wave_id,
                t.survey_share.c.position,
            )
        ):
            shares.setdefault((r.survey_id, r.question_id, r.wave_id), {})[r.option_id] = r.share
        out = []
        for r in conn.execute(select(t.survey).order_by(t.survey.c.position)):
            data = dict(r.data)
            results = []
            for q in data["questions"]:
                for w in data["waves"]:
                    if (r.id, q["id"], w["id"]) in shares:
                        results.append(
                            Result(
                                question=q["id"],
                                wave=w["id"],
                                shares=shares[(r.id, q["id"], w["id"])],
                            )
                        )
            data["results"] = [x.model_dump() for x in results]
            out.append(data)
        return out

    def baselines(self) -> dict[tuple[str, str], tuple[Any, list[dict[str, Any]]]]:
        """Each stored milestone's original baseline and recorded rebaselines."""
        with self.engine.connect() as conn:
            return read_baselines(conn)

    def imported(self) -> dict[tuple[str, str, str], tuple[float, str]]:
        """(indicator, period, dims) → (value, origin) of every row `nenpo import` wrote."""
        o = t.observation.c
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(o.indicator_id, o.period, o.dims, o.value, o.origin).where(
                    o.origin != t.WORKSPACE_ORIGIN
                )
            )
            return {(r[0], r[1], r[2]): (r[3], r[4]) for r in rows}

    def read_locations(self) -> Where:
        """Where each stored object was written (file and line), as of the last load."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.document.c.data).where(t.document.c.key == LOCATIONS)
            ).first()
        return Where.from_json(row.data) if row else Where()

    def last_load(self) -> dict[str, Any] | None:
        """When and from where the store was last loaded, with the content hash."""
        with self.engine.connect() as conn:
            row = conn.execute(select(t.load_log).order_by(t.load_log.c.id.desc()).limit(1)).first()
        return dict(row._mapping) if row else None


def bump_revision(conn: Any) -> None:
    """Raise the store's revision in the caller's transaction (readers' caches then refresh)."""
    conn.execute(update(t.revision).values(value=t.revision.c.value + 1))


def _insert(conn: Any, table: t.Table, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(insert(table), rows)


def _place(r: Any) -> Place:
    """Where a stored row was written: a load's file, else the file an import read."""
    if r.file is not None:
        return (r.file, r.line)
    if r.origin.startswith(IMPORT_PREFIX):
        return (r.origin.removeprefix(IMPORT_PREFIX), r.line)
    return ("", None)


def _observation_row(o: Observation, place: tuple[str | None, int | None]) -> dict[str, Any]:
    return {
        "indicator_id": o.indicator,
        "period": o.period,
        "start": Period.parse(o.period).start,
        "dims": dims_key(o.dims),
        "value": o.value,
        "provenance": o.provenance,
        "source_id": o.source,
        "origin": t.WORKSPACE_ORIGIN,
        "file": place[0] or None,
        "line": place[1],
    }


def _project_rows(ws: Workspace) -> Iterable[dict[str, Any]]:
    for i, (p, parent) in enumerate(ws.all_projects()):
        area = p.focus_area or (parent.focus_area if parent else None)
        yield {
            "id": p.id,
            "position": i,
            "parent_id": parent.id if parent else None,
            "focus_area_id": area,
            "data": p.model_dump(mode="json", exclude={"subprojects"}),
        }


def _project_tree(rows: list[Any]) -> list[dict[str, Any]]:
    nodes = {r.id: {**r.data, "subprojects": []} for r in rows}
    roots: list[dict[str, Any]] = []
    for r in rows:
        (nodes[r.parent_id]["subprojects"] if r.parent_id else roots).append(nodes[r.id])
    return roots


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.close()


def open_store(url: str | URL, migrate: bool = True) -> Store:
    """Open the store at `url` (SQLAlchemy URL), creating or upgrading its schema."""
    parsed = database_url(url, write=False) if isinstance(url, str) else url
    try:
        engine = create_engine(parsed)
    except (SQLAlchemyError, ValueError, ImportError) as exc:
        shown = parsed.render_as_string(hide_password=True)
        raise StoreError(f"cannot use the database URL {shown}: {mask(str(exc))}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    store = Store(engine)
    if migrate:
        store.migrate()
    return store
