"""Observations as the data-entry rules read them: each with its file and line, by series and by
breakdown. `Rows` holds a workspace's observations in memory; `check.stored.StoredRows` answers
the same questions from a store a query at a time, so that a million stored rows are never all
turned into Python objects (docs/check.md, "Data-entry errors").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from ..japan.numbers import number
from ..japan.periods import Period
from ..model.workspace import Workspace

Dims = tuple[tuple[str, str], ...]
Place = tuple[str, int | None]


def half_unit(value: float) -> float:
    """Half the last written digit of a value: how far it may be off by rounding alone
    (1105 → 0.5; 63,200,000, stored from 「6,320万」 → 50,000; 40.3 → 0.05)."""
    if value == int(value):
        n, zeros = abs(int(value)), 0
        while n and n % 10 == 0 and zeros < 12:
            n //= 10
            zeros += 1
        return 0.5 * 10**zeros
    text = f"{abs(value):.6f}".rstrip("0")
    return 0.5 * 10 ** -len(text.split(".")[1])


def shown(value: float) -> str:
    """A value as it was written, with its own decimals: 1,105; 63,200,000; 71.6."""
    text = f"{abs(value):.6f}".rstrip("0").rstrip(".")
    return number(value, len(text.split(".")[1]) if "." in text else 0)


def where(place: Place) -> str:
    """file:line of a row, for a message that names other rows."""
    file, line = place
    return file if line is None else f"{file}:{line}"


@dataclass(frozen=True, slots=True)
class Row:
    """One observation and where it was written."""

    indicator: str
    period: Period
    dims: Dims
    value: float
    place: Place

    def describe(self) -> str:
        """indicator at period (dimension values) = value."""
        dims = ", ".join(f"{k}={v}" for k, v in self.dims)
        at = f"{self.indicator} at {self.period.key}" + (f" ({dims})" if dims else "")
        return f"{at} = {shown(self.value)}"

    def code(self, dimension: str) -> str:
        return dict(self.dims)[dimension]


@dataclass
class Group:
    """A total and its parts along one dimension at one date (two parts or more): their number
    and sum, and the parts themselves once read (`Rows.parts`)."""

    total: Row
    dimension: str
    count: int
    sum: float
    parts: list[Row] | None = field(default=None, repr=False)

    @property
    def off(self) -> float:
        return self.sum - self.total.value


def lines(rows: Sequence[Row]) -> str:
    """Where rows were written, compactly: a.csv:3–5, 9; b.csv:7."""
    by_file: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        file, line = r.place
        if file and line is not None:
            by_file[file].append(line)
    out = []
    for file, found in by_file.items():
        nums = sorted(set(found))
        spans, start = [], nums[0]
        for a, b in zip(nums, [*nums[1:], None], strict=True):
            if b != a + 1:
                spans.append(f"{start}" if start == a else f"{start}–{a}")
                start = b if b is not None else start
        shown = ", ".join(spans[:3]) + (", …" if len(spans) > 3 else "")
        out.append(f"{file}:{shown}")
    return "; ".join(out) or "lines not known"


class Rows:
    """A workspace's observations in memory, indexed for the data-entry rules."""

    def __init__(self, ws: Workspace, places: Sequence[Place]):
        self.by_key: dict[tuple[str, str, Dims], Row] = {}
        self.series: dict[tuple[str, Dims], list[Row]] = defaultdict(list)
        self.by_indicator: dict[str, list[Row]] = defaultdict(list)
        periods: dict[str, Period] = {}
        self._sources: dict[str, str] = {}
        for i, o in enumerate(ws.observations):
            if o.source and (o.source not in self._sources or (o.provenance or "real") == "real"):
                self._sources[o.source] = o.provenance or "real"
            dims = tuple(sorted(o.dims.items()))
            period = periods.get(o.period) or periods.setdefault(o.period, Period.parse(o.period))
            place = places[i] if i < len(places) else ("", None)
            row = Row(o.indicator, period, dims, o.value, place)
            self.by_key[(o.indicator, period.key, dims)] = row
            self.series[(o.indicator, dims)].append(row)
            self.by_indicator[o.indicator].append(row)
        for rows in self.series.values():
            rows.sort(key=lambda r: r.period)

    def of(self, indicator: str) -> list[Row]:
        """Every observation of an indicator."""
        return self.by_indicator.get(indicator, [])

    def outside(self, indicator: str, top: float) -> list[Row]:
        """The indicator's observations above `top` or below 0."""
        return [r for r in self.of(indicator) if r.value > top + 1e-9 or r.value < 0]

    def at(self, indicator: str, period: Period, dims: Dims) -> Row | None:
        """The observation of `indicator` at exactly this period and these dimension values."""
        return self.by_key.get((indicator, period.key, dims))

    def suspects(self, running: set[str]) -> Iterator[list[Row]]:
        """Series that may break (every series of two values or more: the rules decide)."""
        for series in self.series.values():
            if len(series) >= 2:
                yield series

    def groups(self, counted: set[str]) -> list[Group]:
        """Every total of a `counted` indicator with two or more parts along one dimension."""
        found: dict[tuple[tuple[str, str, Dims], str], list[Row]] = defaultdict(list)
        totals: dict[tuple[str, str, Dims], Row] = {}
        for row in self.by_key.values():
            if row.indicator not in counted or not row.dims:
                continue
            for k, (name, _code) in enumerate(row.dims):
                parent = row.dims[:k] + row.dims[k + 1 :]
                total = self.at(row.indicator, row.period, parent)
                if total is not None:
                    key = (row.indicator, row.period.key, parent)
                    totals[key] = total
                    found[(key, name)].append(row)
        return [
            Group(totals[key], name, len(parts), sum(p.value for p in parts), parts)
            for (key, name), parts in found.items()
            if len(parts) >= 2
        ]

    def parts(self, group: Group) -> list[Row]:
        """The parts of a group."""
        return group.parts or []

    def sources(self) -> dict[str, str]:
        """Each source observations name → 'real' if any of them is real, else 'illustrative'."""
        return self._sources
