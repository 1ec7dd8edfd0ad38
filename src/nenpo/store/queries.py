"""Read-only queries over the store for the public API: only what one response needs.

Observations are read a page at a time in the order of the table's key (indicator, period, dims),
so a page is one range of the unique index and the cursor is the last key of the previous page
(keyset pagination: no OFFSET, no page gets slower deeper into a series). Aggregates are computed
in SQL. Nothing here loads the store whole (`Store.read()` does, for builds).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import (
    Connection,
    Date,
    String,
    and_,
    bindparam,
    case,
    func,
    literal,
    not_,
    or_,
    select,
    text,
    tuple_,
    type_coerce,
)
from sqlalchemy.sql.elements import ColumnElement

from . import schema as t
from .db import dims_key, parse_dims
from .portfolio import read_portfolio

o = t.observation.c


@dataclass(frozen=True)
class Selection:
    """Which observations of one indicator: a span of period starts and dimension values.

    `dims` maps a dimension to the codes wanted (any of them); an empty tuple means the rows
    *without* that dimension (the total over it). `dimensions` are all the indicator's own.
    """

    indicator: str
    provenance: str  # the indicator's: a row without its own provenance has this one
    source: str  # the indicator's source, likewise
    dimensions: tuple[str, ...] = ()
    start_from: date | None = None
    start_to: date | None = None
    dims: dict[str, tuple[str, ...]] = field(default_factory=dict)


class ObservationRow(NamedTuple):
    """One stored observation, with the indicator's provenance and source filled in."""

    period: str
    start: str  # ISO 8601, as sent
    dims: dict[str, str]
    value: float
    provenance: str
    source: str


@dataclass(frozen=True)
class Group:
    """One group of an aggregate: its key (a period, or a dimension's code) and statistics."""

    key: str
    count: int
    sum: float
    min: float
    max: float
    illustrative: bool

    @property
    def mean(self) -> float:
        """The arithmetic mean of the group's values."""
        return self.sum / self.count


def _like(text: str) -> str:
    """`text` for a LIKE pattern with backslash as the escape character."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _where(sel: Selection) -> list[ColumnElement[bool]]:
    """The WHERE clauses of a selection (the indicator, the span, the dimension values)."""
    out: list[ColumnElement[bool]] = [o.indicator_id == sel.indicator]
    if sel.start_from is not None:
        out.append(o.start >= sel.start_from)
    if sel.start_to is not None:
        out.append(o.start <= sel.start_to)
    exact = _exact_key(sel)
    if exact is not None:
        # Every dimension of the indicator is fixed: one dims key, equal (an index lookup).
        out.append(o.dims == exact)
        return out
    framed = literal(";") + o.dims + literal(";")  # ';a=1;b=2;': each pair between semicolons
    for dim, codes in sel.dims.items():
        if codes:
            out.append(
                or_(*(framed.like(f"%;{_like(dim)}={_like(c)};%", escape="\\") for c in codes))
            )
        else:
            out.append(not_(framed.like(f"%;{_like(dim)}=%", escape="\\")))
    return out


def _exact_key(sel: Selection) -> str | None:
    """The one dims key a selection allows, when it fixes every dimension to at most one code."""
    if not sel.dims or set(sel.dims) != set(sel.dimensions):
        return None
    if any(len(codes) > 1 for codes in sel.dims.values()):
        return None
    return dims_key({d: codes[0] for d, codes in sel.dims.items() if codes})


def observation_page(
    conn: Connection, sel: Selection, after: tuple[str, str] | None, limit: int
) -> tuple[list[ObservationRow], tuple[str, str] | None]:
    """Up to `limit` observations after the key `after` (period, dims), and the next cursor.

    The cursor is None when this page holds the last matching row.
    """
    exact = _exact_key(sel)
    if exact is not None:
        rows = _one_series(conn, sel, exact, after[0] if after else None, limit)
    else:
        rows = _scan(conn, sel, after, limit)
    more = len(rows) > limit
    rows = rows[:limit]
    dims: dict[str, dict[str, str]] = {}  # a page holds few distinct dims keys: parse each once
    prov, src = sel.provenance, sel.source
    out = [
        ObservationRow(
            r[0],
            r[1] if isinstance(r[1], str) else r[1].isoformat(),
            dims.get(r[2]) or dims.setdefault(r[2], parse_dims(r[2])),
            r[3],
            r[4] or prov,
            r[5] or src,
        )
        for r in rows
    ]
    nxt = (rows[-1][0], rows[-1][2]) if more and rows else None
    return out, nxt


def _scan(
    conn: Connection, sel: Selection, after: tuple[str, str] | None, limit: int
) -> Sequence[Any]:
    """The selected rows in key order: one range of the unique index (the indicator's)."""
    where = _where(sel)
    if after is not None:
        where.append(tuple_(o.period, o.dims) > tuple_(literal(after[0]), literal(after[1])))
    # start as stored (SQLite: ISO text), not through the Date type: it is sent as text anyway.
    stmt = (
        select(o.period, type_coerce(o.start, String), o.dims, o.value, o.provenance, o.source_id)
        .where(and_(*where))
        .order_by(o.indicator_id, o.period, o.dims)
        .limit(limit + 1)
    )
    return conn.execute(stmt).all()


# One series (every dimension fixed) without an index of its own: the unique index is ordered
# (indicator, period, dims), so the series' rows lie one per period, spread over the indicator's
# range. Rather than read the whole range (every prefecture's rows), walk its distinct periods
# with one index seek each (a "loose index scan") and look the series' row up at each: two seeks
# a period instead of one row read for each of the indicator's rows. A second index would cost
# every import; this costs nothing there.
_SERIES = """
WITH RECURSIVE p(period) AS (
  SELECT min(period) FROM observation WHERE indicator_id = :ind AND period > :after
  UNION ALL
  SELECT (SELECT min(o.period) FROM observation o
          WHERE o.indicator_id = :ind AND o.period > p.period)
  FROM p WHERE p.period IS NOT NULL
)
SELECT o.period, o.start, o.dims, o.value, o.provenance, o.source_id
FROM p {join}
WHERE {span}
ORDER BY o.period
LIMIT :limit
"""
# SQLite's planner walks p and looks each row up. PostgreSQL's may instead read the indicator's
# whole range into a hash table: a LATERAL subquery with a LIMIT (the key is unique) is a
# lookup per period by construction.
_JOIN = {
    "sqlite": "JOIN observation o "
    "ON o.indicator_id = :ind AND o.period = p.period AND o.dims = :dims",
    "postgresql": "CROSS JOIN LATERAL (SELECT * FROM observation o WHERE o.indicator_id = :ind "
    "AND o.period = p.period AND o.dims = :dims LIMIT 1) o",
}


def _one_series(
    conn: Connection, sel: Selection, dims: str, after: str | None, limit: int
) -> Sequence[Any]:
    span = ["1 = 1"]
    args: dict[str, Any] = {"ind": sel.indicator, "dims": dims, "after": after or ""}
    args["limit"] = limit + 1
    if sel.start_from is not None:
        span.append("o.start >= :start_from")
        args["start_from"] = sel.start_from
    if sel.start_to is not None:
        span.append("o.start <= :start_to")
        args["start_to"] = sel.start_to
    dates = [bindparam(k, type_=Date) for k in ("start_from", "start_to") if k in args]
    join = _JOIN.get(conn.dialect.name, _JOIN["postgresql"])
    stmt = text(_SERIES.format(span=" AND ".join(span), join=join)).bindparams(*dates)
    return conn.execute(stmt, args).all()


def _illustrative(sel: Selection) -> Any:
    prov = func.coalesce(o.provenance, literal(sel.provenance))
    return func.max(case((prov == "illustrative", 1), else_=0))


def aggregate_by_period(conn: Connection, sel: Selection) -> list[Group]:
    """count, sum, min and max of the selected values for each period, oldest first."""
    stmt = (
        select(
            o.period,
            func.count(),
            func.sum(o.value),
            func.min(o.value),
            func.max(o.value),
            _illustrative(sel),
            func.min(o.start),
        )
        .where(and_(*_where(sel)))
        .group_by(o.period)
        .order_by(func.min(o.start), o.period)
    )
    return [
        Group(r[0], r[1], float(r[2]), float(r[3]), float(r[4]), bool(r[5]))
        for r in conn.execute(stmt)
    ]


def aggregate_by_dimension(conn: Connection, sel: Selection, dimension: str) -> list[Group]:
    """count, sum, min and max of the selected values for each code of `dimension`.

    SQL groups by the stored dims key (one group per series: at most a few thousand); the
    groups that share the dimension's code are merged here. Rows without the dimension are not
    in any group. Groups come in the order of their codes as stored.
    """
    stmt = (
        select(
            o.dims,
            func.count(),
            func.sum(o.value),
            func.min(o.value),
            func.max(o.value),
            _illustrative(sel),
        )
        .where(and_(*_where(sel)))
        .group_by(o.dims)
    )
    merged: dict[str, list[Any]] = {}
    for dims, n, total, lo, hi, ill in conn.execute(stmt):
        code = parse_dims(dims).get(dimension)
        if code is None:
            continue
        g = merged.get(code)
        if g is None:
            merged[code] = [n, float(total), float(lo), float(hi), bool(ill)]
        else:
            g[0] += n
            g[1] += float(total)
            g[2] = min(g[2], float(lo))
            g[3] = max(g[3], float(hi))
            g[4] = g[4] or bool(ill)
    return [Group(code, *merged[code]) for code in sorted(merged)]


# -- metadata --------------------------------------------------------------------------------


def revision(conn: Connection) -> int:
    """The store's revision: it rises with every load and every import that changed a row."""
    return int(conn.execute(select(t.revision.c.value).where(t.revision.c.id == 1)).scalar_one())


def _objects(conn: Connection, table: t.Table) -> list[dict[str, Any]]:
    return [r.data for r in conn.execute(select(table.c.data).order_by(table.c.position))]


@dataclass(frozen=True)
class Catalogue:
    """The descriptive objects the API serves, as stored (validated JSON)."""

    indicators: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    dimensions: list[dict[str, Any]]
    focus_areas: list[dict[str, Any]]
    projects: list[dict[str, Any]]  # each with its parent_id and focus_area_id
    report: dict[str, Any] | None


def catalogue(conn: Connection) -> Catalogue:
    """Indicators, sources, dimensions, focus areas and projects (no observations)."""
    projects = [
        {**r.data, "parent_id": r.parent_id, "focus_area_id": r.focus_area_id}
        for r in conn.execute(
            select(t.project.c.data, t.project.c.parent_id, t.project.c.focus_area_id).order_by(
                t.project.c.position
            )
        )
    ]
    report = conn.execute(select(t.document.c.data).where(t.document.c.key == "report")).first()
    return Catalogue(
        indicators=_objects(conn, t.indicator),
        sources=_objects(conn, t.source),
        dimensions=_objects(conn, t.dimension),
        focus_areas=_objects(conn, t.focus_area),
        projects=projects,
        report=report.data["value"] if report else None,
    )


def portfolio_data(conn: Connection) -> dict[str, Any] | None:
    """The stored portfolio as model data (staff only: callers publish only its public part)."""
    return read_portfolio(conn)
