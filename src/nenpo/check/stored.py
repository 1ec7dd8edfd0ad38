"""`nenpo check` on a store, a query at a time: the stored observations are never all read.

A store may hold millions of imported rows. The check reads its descriptive objects whole (they
are small) and its observations only as the rules ask: a series by indicator (`StoredData`, the
lookups the prose and chart rules use), and for the data-entry rules (`StoredRows`) the rows
that could break a rule, found by SQL — values outside 0–100 of a share, values off by a factor
of two from their neighbours (window functions), breakdowns whose parts do not sum exactly to
their total — and then judged by the same code as a workspace's rows (check/entry.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from functools import cached_property
from typing import Any

from sqlalchemy import Connection, text

from ..japan.periods import Period
from ..lookups.data import Data, Point
from ..model.workspace import Workspace
from ..store import Store
from ..store.db import IMPORT_PREFIX, parse_dims
from .rows import Dims, Group, Place, Row

COLUMNS = "indicator_id, period, dims, value, file, line, origin"

# The values off by a factor of two or more from the values beside them in their series (the
# first test of check/entry.py's _break), and the running totals that fall: all the candidates
# of series-break, found without reading the rows.
SUSPECTS = """
SELECT DISTINCT indicator_id, dims FROM (
  SELECT indicator_id, dims, value AS v,
         LAG(value) OVER w AS p, LEAD(value) OVER w AS n
  FROM observation
  WINDOW w AS (PARTITION BY indicator_id, dims ORDER BY start, period)
) s
WHERE (v > 0 AND (
        (p IS NOT NULL AND n IS NOT NULL AND p > 0 AND n > 0
         AND (2 * v < p AND 2 * v < n OR v > 2 * p AND v > 2 * n))
     OR (p IS NULL AND n > 0 AND (2 * v < n OR v > 2 * n))
     OR (n IS NULL AND p > 0 AND (2 * v < p OR v > 2 * p))))
   OR (indicator_id IN ({running}) AND v < p)
"""


_DIMS: dict[str, Dims] = {}  # a store has few distinct sets of dimension values: read each once


def _dims(key: str) -> Dims:
    found = _DIMS.get(key)
    if found is None:
        if len(_DIMS) > 1 << 16:
            _DIMS.clear()
        found = _DIMS[key] = tuple(sorted(parse_dims(key).items()))
    return found


def _row(r: Any, periods: dict[str, Period]) -> Row:
    """A stored row (indicator_id, period, dims, value, file, line, origin) for the rules."""
    period = periods.get(r[1]) or periods.setdefault(r[1], Period.parse(r[1]))
    return Row(r[0], period, _dims(r[2]), r[3], _place(r[4], r[5], r[6]))


def _place(file: str | None, line: int | None, origin: str) -> Place:
    if file is not None:
        return (file, line)
    if origin.startswith(IMPORT_PREFIX):
        return (origin.removeprefix(IMPORT_PREFIX), line)
    return ("", None)


def _key(dims: Dims) -> str:
    return ";".join(f"{k}={v}" for k, v in dims)


def _names(ids: set[str]) -> str:
    """A list of ids as SQL literals (ids are [a-z0-9_-], checked at load)."""
    return ", ".join(f"'{i}'" for i in sorted(ids)) or "''"


class StoredRows:
    """The questions of the data-entry rules (check.entry.Source), answered by the store."""

    def __init__(self, store: Store):
        self.engine = store.engine
        self.periods: dict[str, Period] = {}
        self._of: dict[str, list[Row]] = {}

    def _query(self, sql: str, **args: Any) -> list[Any]:
        with self.engine.connect() as conn:
            return list(conn.execute(text(sql), args))

    def of(self, indicator: str) -> list[Row]:
        if indicator not in self._of:
            found = self._query(
                f"SELECT {COLUMNS} FROM observation WHERE indicator_id = :i", i=indicator
            )
            self._of[indicator] = [_row(r, self.periods) for r in found]
        return self._of[indicator]

    def outside(self, indicator: str, top: float) -> list[Row]:
        found = self._query(
            f"SELECT {COLUMNS} FROM observation WHERE indicator_id = :i "
            "AND (value > :top OR value < 0)",
            i=indicator,
            top=top + 1e-9,
        )
        return [_row(r, self.periods) for r in found]

    def at(self, indicator: str, period: Period, dims: Dims) -> Row | None:
        found = self._query(
            f"SELECT {COLUMNS} FROM observation WHERE indicator_id = :i AND period = :p "
            "AND dims = :d",
            i=indicator,
            p=period.key,
            d=_key(dims),
        )
        return _row(found[0], self.periods) if found else None

    def suspects(self, running: set[str]) -> Iterator[list[Row]]:
        keys: dict[str, set[str]] = defaultdict(set)
        for ind, dims in self._query(SUSPECTS.format(running=_names(running))):
            keys[ind].add(dims)
        for ind, wanted in sorted(keys.items()):
            series: dict[str, list[Row]] = defaultdict(list)
            for r in self._query(
                f"SELECT {COLUMNS} FROM observation WHERE indicator_id = :i", i=ind
            ):
                if r[2] in wanted:
                    series[r[2]].append(_row(r, self.periods))
            for rows in series.values():
                if len(rows) >= 2:
                    yield sorted(rows, key=lambda r: r.period)

    @cached_property
    def _children(self) -> dict[str, list[tuple[str, str]]]:
        """Each stored set of dimension values → (dimension, the set without it)."""
        out = {}
        for (dims,) in self._query("SELECT DISTINCT dims FROM observation WHERE dims != ''"):
            parts = dims.split(";")
            out[dims] = [
                (part.split("=", 1)[0], ";".join(parts[:k] + parts[k + 1 :]))
                for k, part in enumerate(parts)
            ]
        return out

    def groups(self, counted: set[str]) -> list[Group]:
        if not counted or not self._children:
            return []
        with self.engine.connect() as conn:
            conn.execute(
                text("CREATE TEMPORARY TABLE nenpo_dims_parent (dims TEXT, dim TEXT, parent TEXT)")
            )
            try:
                return self._groups(conn, counted)
            finally:
                conn.execute(text("DROP TABLE nenpo_dims_parent"))
                conn.commit()

    def _groups(self, conn: Connection, counted: set[str]) -> list[Group]:
        conn.execute(
            text("INSERT INTO nenpo_dims_parent VALUES (:d, :k, :p)"),
            [
                {"d": d, "k": k, "p": p}
                for d, children in self._children.items()
                for k, p in children
            ],
        )
        # The parts are summed first, then each sum is joined to its total: one index lookup
        # per breakdown rather than per row.
        found = conn.execute(
            text(
                "SELECT t.indicator_id, t.period, t.dims, t.value, t.file, t.line, t.origin, "
                "g.dim, g.n, g.s FROM (SELECT o.indicator_id, o.period, dp.parent, dp.dim, "
                "count(*) AS n, sum(o.value) AS s "
                "FROM observation o JOIN nenpo_dims_parent dp ON dp.dims = o.dims "
                f"WHERE o.indicator_id IN ({_names(counted)}) "
                "GROUP BY o.indicator_id, o.period, dp.parent, dp.dim HAVING count(*) >= 2) g "
                "JOIN observation t ON t.indicator_id = g.indicator_id AND t.period = g.period "
                "AND t.dims = g.parent"
            )
        )
        return [Group(_row(r[:7], self.periods), r[7], r[8], r[9]) for r in found]

    def parts(self, group: Group) -> list[Row]:
        if group.parts is None:
            parent = _key(group.total.dims)
            wanted = {
                d for d, children in self._children.items() if (group.dimension, parent) in children
            }
            found = self._query(
                f"SELECT {COLUMNS} FROM observation WHERE indicator_id = :i AND period = :p",
                i=group.total.indicator,
                p=group.total.period.key,
            )
            group.parts = [_row(r, self.periods) for r in found if r[2] in wanted]
        return group.parts

    def sources(self) -> dict[str, str]:
        """Each source observations name → 'real' if any of them is real, else 'illustrative'."""
        out: dict[str, str] = {}
        for src, prov in self._query(
            "SELECT DISTINCT source_id, provenance FROM observation WHERE source_id IS NOT NULL"
        ):
            if (prov or "real") == "real" or src not in out:
                out[src] = prov or "real"
        return out


class _BySeries:
    """(indicator, dimension values) → points, an indicator read from the store when first asked."""

    def __init__(self, data: StoredData):
        self.data = data

    def get(self, key: tuple[str, Dims], default: list[Point]) -> list[Point]:
        return self.data.load(key[0]).get(key[1], default)


class _ByIndicator:
    """indicator → its series, read from the store when first asked."""

    def __init__(self, data: StoredData):
        self.data = data

    def get(self, indicator: str, default: list[list[Point]]) -> list[list[Point]]:
        return list(self.data.load(indicator).values()) or default


class StoredData(Data):
    """The lookups (nenpo.lookups.data.Data) of a store's workspace, read an indicator at a time:
    only the indicators the rules look at are read."""

    def __init__(self, ws: Workspace, store: Store):
        super().__init__(ws)
        self.engine = store.engine
        self._loaded: dict[str, dict[Dims, list[Point]]] = {}
        self._periods: dict[str, Period] = {}

    def load(self, indicator: str) -> dict[Dims, list[Point]]:
        """Every series of one indicator, by its dimension values, oldest first."""
        if indicator not in self._loaded:
            ind = self.indicators.get(indicator)
            out: dict[Dims, list[Point]] = defaultdict(list)
            if ind is not None:
                with self.engine.connect() as conn:
                    found = conn.execute(
                        text(
                            "SELECT period, dims, value, provenance, source_id FROM observation "
                            "WHERE indicator_id = :i"
                        ),
                        {"i": indicator},
                    )
                    periods = self._periods
                    for period, dims, value, prov, src in found:
                        p = periods.get(period) or periods.setdefault(period, Period.parse(period))
                        illustrative = (prov or ind.provenance) == "illustrative"
                        out[_dims(dims)].append(Point(p, value, illustrative, src or ind.source))
                for pts in out.values():
                    pts.sort(key=lambda pt: pt.period)
            self._loaded[indicator] = dict(out)
        return self._loaded[indicator]

    def _end(self, indicator: str, which: str) -> Period | None:
        """The earliest (min) or latest (max) period of an indicator's observations: from its
        series when they are read, else by SQL (the periods of its first or last start only)."""
        if indicator in self._loaded:
            return super().first(indicator) if which == "min" else super().latest(indicator)
        with self.engine.connect() as conn:
            found = conn.execute(
                text(
                    "SELECT DISTINCT period FROM observation WHERE indicator_id = :i AND start = "
                    f"(SELECT {which}(start) FROM observation WHERE indicator_id = :i)"
                ),
                {"i": indicator},
            )
            periods = [Period.parse(p) for (p,) in found]
        if not periods:
            return None
        return min(periods) if which == "min" else max(periods)

    def first(self, indicator: str) -> Period | None:
        return self._end(indicator, "min")

    def latest(self, indicator: str) -> Period | None:
        return self._end(indicator, "max")

    @cached_property
    def _series(self) -> Any:
        return _BySeries(self)

    @cached_property
    def _by_indicator(self) -> Any:
        return _ByIndicator(self)
