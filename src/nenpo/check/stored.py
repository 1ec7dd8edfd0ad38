"""`nenpo check` on a store, a query at a time: the stored observations are never all read.

A store may hold millions of imported rows. The check reads its descriptive objects whole (they
are small) and its observations only as the rules ask: a series by indicator (`StoredData`, the
lookups the prose and chart rules use), and for the data-entry rules (`StoredRows`) the rows
that could break a rule — values outside 0–100 of a share (by SQL), values off by a factor of
two from their neighbours and breakdowns whose parts do not sum exactly to their total (one pass
over the store, a date of an indicator at a time, along its unique index: no sort of the whole
table) — and then judged by the same code as a workspace's rows (check/entry.py).
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
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


def _odd(before: float | None, v: float, after: float | None) -> bool:
    """Whether a value is off by a factor of two or more from the values beside it in its
    series (the first test of check/entry.py's _break): a candidate of series-break."""
    if v <= 0:
        return False
    if before is not None and after is not None:
        return (
            before > 0
            and after > 0
            and ((2 * v < before and 2 * v < after) or (v > 2 * before and v > 2 * after))
        )
    if before is None and after is not None:
        return after > 0 and (2 * v < after or v > 2 * after)
    if after is None and before is not None:
        return before > 0 and (2 * v < before or v > 2 * before)
    return False


_PARENTS: dict[str, list[tuple[str, str]]] = {}  # a store has few distinct sets of them


def _parents(dims: str) -> list[tuple[str, str]]:
    """A stored set of dimension values → (each dimension, the set without it)."""
    found = _PARENTS.get(dims)
    if found is None:
        if len(_PARENTS) > 1 << 16:
            _PARENTS.clear()
        parts = dims.split(";")
        found = _PARENTS[dims] = [
            (part.split("=", 1)[0], ";".join(parts[:k] + parts[k + 1 :]))
            for k, part in enumerate(parts)
        ]
    return found


@dataclass
class Scan:
    """What one pass over the stored series found, by indicator: the series (by their stored
    dimension values) with a value off by a factor of two from its neighbours, those that
    fall somewhere, and every total with two parts or more along one dimension."""

    odd: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    falls: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    groups: defaultdict[str, list[Group]] = field(default_factory=lambda: defaultdict(list))


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

    def _fetch(self, conn: Connection, sql: str, **args: Any) -> list[Any]:
        """Rows as plain tuples: SQLite's own cursor where it is one (SQLAlchemy's rows cost
        more than the query over a million of them)."""
        raw = conn.connection.driver_connection
        if isinstance(raw, sqlite3.Connection):
            return raw.execute(sql, args).fetchall()
        return [tuple(r) for r in conn.execute(text(sql), args)]

    @cached_property
    def _scan(self) -> Scan:
        """One pass over every series, an indicator and a date at a time: the candidates of
        series-break and the breakdowns of parts-sum, never more than one date's rows held."""
        out = Scan()
        with self.engine.connect() as conn:
            indicators = [
                i for (i,) in self._fetch(conn, "SELECT DISTINCT indicator_id FROM observation")
            ]
            for ind in sorted(indicators):
                self._scan_indicator(conn, ind, out)
        return out

    def _scan_indicator(self, conn: Connection, ind: str, out: Scan) -> None:
        dates = [
            p
            for (p,) in self._fetch(
                conn, "SELECT DISTINCT period FROM observation WHERE indicator_id = :i", i=ind
            )
        ]
        for p in dates:
            self.periods.setdefault(p, Period.parse(p))
        # The order of a series: by start, then by the period's text (as ORDER BY start, period).
        dates.sort(key=lambda p: (self.periods[p].start, p))
        last: dict[str, tuple[float | None, float]] = {}  # dims → (value before, latest value)
        odd, falls = out.odd[ind], out.falls[ind]
        for p in dates:
            # Only the dimension values and the value: the rest of a row is read for the few
            # rows a rule reports.
            rows = self._fetch(
                conn,
                "SELECT dims, value FROM observation WHERE indicator_id = :i AND period = :p",
                i=ind,
                p=p,
            )
            for d, n in rows:
                seen = last.get(d)
                if seen is None:
                    last[d] = (None, n)
                    continue
                before, v = seen
                last[d] = (v, n)
                if n < v:
                    falls.add(d)
                # The value before `n` is a candidate only if `n` is twice it or less than half.
                if (2 * v < n or v > 2 * n) and d not in odd and _odd(before, v, n):
                    odd.add(d)
            if len(rows) >= 3:
                self._breakdowns(conn, ind, p, rows, out)
        for d, (before, v) in last.items():
            if d not in odd and _odd(before, v, None):
                odd.add(d)

    def _breakdowns(self, conn: Connection, ind: str, p: str, rows: list[Any], out: Scan) -> None:
        """The sums of one date's parts along each dimension whose total is there too."""
        values = dict(rows)
        sums: dict[tuple[str, str], list[float]] = {}
        for d, v in rows:
            if not d:
                continue
            for key in _PARENTS.get(d) or _parents(d):
                if key[1] in values:
                    acc = sums.get(key)
                    if acc is None:
                        sums[key] = [1, v]
                    else:
                        acc[0] += 1
                        acc[1] += v
        totals = {parent for (_dim, parent), (n, _s) in sums.items() if n >= 2}
        if not totals:
            return
        # The totals' whole rows (their file and line): the one total by its key, else the
        # date's rows again.
        sql = f"SELECT {COLUMNS} FROM observation WHERE indicator_id = :i AND period = :p"
        if len(totals) == 1:
            read = self._fetch(conn, sql + " AND dims = :d", i=ind, p=p, d=next(iter(totals)))
        else:
            read = self._fetch(conn, sql, i=ind, p=p)
        found = {r[2]: r for r in read if r[2] in totals}
        for (dim, parent), (n, total) in sums.items():
            if n >= 2:
                out.groups[ind].append(Group(_row(found[parent], self.periods), dim, int(n), total))

    def suspects(self, running: set[str]) -> Iterator[list[Row]]:
        scan = self._scan
        for ind in sorted(scan.odd.keys() | scan.falls.keys()):
            wanted = scan.odd[ind] | (scan.falls[ind] if ind in running else set())
            if not wanted:
                continue
            series: dict[str, list[Row]] = defaultdict(list)
            for r in self._query(
                f"SELECT {COLUMNS} FROM observation WHERE indicator_id = :i", i=ind
            ):
                if r[2] in wanted:
                    series[r[2]].append(_row(r, self.periods))
            for rows in series.values():
                if len(rows) >= 2:
                    yield sorted(rows, key=lambda r: r.period)

    def groups(self, counted: set[str]) -> list[Group]:
        scan = self._scan
        return [g for ind in sorted(counted) for g in scan.groups.get(ind, [])]

    def parts(self, group: Group) -> list[Row]:
        if group.parts is None:
            parent = _key(group.total.dims)
            found = self._query(
                f"SELECT {COLUMNS} FROM observation WHERE indicator_id = :i AND period = :p",
                i=group.total.indicator,
                p=group.total.period.key,
            )
            group.parts = [
                _row(r, self.periods)
                for r in found
                if r[2] and (group.dimension, parent) in _parents(r[2])
            ]
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
