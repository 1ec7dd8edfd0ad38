"""What data a typed figure could state: the values of a subject's series and targets, and the
figures derived from them that authors write (differences, ratios, relative changes, the rest
of a share). Lookups are by bisection over sorted values, so a long series costs n log n, never
n² pairs."""

from __future__ import annotations

import unicodedata
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from ..japan.periods import Period
from ..japan.typed import Figure
from ..lookups.data import Data

Dims = tuple[tuple[str, str], ...]

UNIT_KIND = {"%": "%", "％": "%", "ポイント": "pt", "PT": "pt", "pt": "pt", "pp": "pt"}


def unit_kind(unit: str) -> str:
    """What a unit measures, for comparing a figure with an indicator: '%', 'pt', '人', …."""
    unit = unicodedata.normalize("NFKC", unit or "")
    return UNIT_KIND.get(unit, unit.split("/")[0])


@dataclass(frozen=True)
class Point:
    """One value a figure may state: when, what, and whether it is illustrative (例示値)."""

    period: Period | None
    value: float
    illustrative: bool
    target: bool = False  # a target (目標), not an observation


@dataclass
class Series:
    """The values of one indicator for one combination of dimension values (or one survey
    option over its waves), in date order, with the sorted values for bisection."""

    target: str
    dims: dict[str, str]
    points: list[Point]
    unit: str
    sorted_values: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sorted_values = sorted(p.value for p in self.points if not p.target)

    @property
    def observed(self) -> list[Point]:
        """The observations, without targets."""
        return [p for p in self.points if not p.target]


@dataclass(frozen=True)
class Match:
    """How a figure agrees with the data: which value (or pair of values) it states."""

    how: str  # value, target, difference, ratio, relative, complement, derived
    series: Series | None
    points: tuple[Point, ...]

    @property
    def illustrative(self) -> bool:
        """True when a value it rests on is illustrative."""
        return any(p.illustrative for p in self.points)

    @property
    def latest(self) -> bool:
        """True unless it states an observation older than its series' latest."""
        if self.how != "value" or self.series is None:
            return True
        observed = self.series.observed
        return not observed or self.points[0].period == observed[-1].period


class Values:
    """Every series a typed figure could be about, by indicator id and survey option. An
    indicator's series are read when first asked for (a store reads it then), so a check
    reads only the indicators its texts are about."""

    def __init__(self, data: Data):
        self.data = data
        self._loaded: dict[str, list[Series]] = {}
        self._grouped: dict[str, dict[Dims, list[Any]]] | None = None
        self.keys: dict[str, str] = {i.id: unit_kind(i.unit) for i in data.ws.indicators}
        for sv in data.ws.surveys:
            for q in sv.questions:
                for o in q.options:
                    self.keys[f"{sv.id}.{q.id}.{o.id}"] = "%"

    def _load(self, key: str) -> list[Series]:
        data = self.data
        if key in data.indicators:
            ind = data.indicators[key]
            kind = unit_kind(ind.unit)
            targets = [
                Point(Period.parse(t.date), t.value, t.provenance == "illustrative", True)
                for t in ind.targets
            ]
            out = [
                Series(
                    key,
                    dict(dims),
                    [Point(p.period, p.value, p.illustrative) for p in pts]
                    + (targets if not dims else []),
                    kind,
                )
                for dims, pts in self._by_dims(key).items()
            ]
            if targets and not any(not s.dims for s in out):
                out.append(Series(key, {}, targets, kind))
            return out
        sid, qid, oid = [*key.split("."), "", ""][:3]
        if sid not in data.surveys:
            return []
        ill = data.surveys[sid].provenance == "illustrative"
        shares = [
            Point(Period.parse(w.date), s[oid], ill) for w, s in data.shares(sid, qid) if oid in s
        ]
        return [Series(key, {}, shares, "%")]

    def _by_dims(self, indicator: str) -> dict[Dims, list[Any]]:
        """An indicator's series by dimension values, through the lookups' own reading (a
        store's lookups read one indicator at a time)."""
        load = getattr(self.data, "load", None)
        if callable(load):
            return cast(dict[Dims, list[Any]], load(indicator))
        if self._grouped is None:
            self._grouped = defaultdict(dict)
            for (ind, dims), pts in self.data._series.items():
                self._grouped[ind][dims] = pts
        return self._grouped.get(indicator, {})

    def series(self, target: str, dims: dict[str, str] | None = None) -> list[Series]:
        """The series of an indicator (or survey option); with `dims`, those that have them."""
        if target not in self._loaded:
            self._loaded[target] = self._load(target) if target in self.keys else []
        all_ = self._loaded[target]
        if not dims:
            return all_
        return [s for s in all_ if all(s.dims.get(k) == v for k, v in dims.items())]

    def of_unit(self, unit: str) -> Iterator[Series]:
        """Every series in a unit kind ('' for all but shares), read as needed."""
        for key, kind in self.keys.items():
            if unit == kind or (unit == "" and kind != "%") or (unit == "pt" and kind == "%"):
                yield from self.series(key)


def _near(values: list[float], lo: float, hi: float) -> bool:
    return bisect_right(values, hi) > bisect_left(values, lo)


def _pairs_with(s: Series, fig: Figure, make: str) -> Iterator[tuple[Point, Point]]:
    pts = s.observed  # in date order: a change runs from the earlier to the later
    for i, a in enumerate(pts):
        for b in pts[i + 1 :]:
            if _derived(make, a.value, b.value, fig) or (
                make == "ratio" and _derived(make, b.value, a.value, fig)
            ):
                yield a, b


def _derived(how: str, a: float, b: float, fig: Figure) -> bool:
    """Whether the change from `a` to `b` is what the figure states: a rise or a fall as its
    words or sign say (1.3ポイント上昇, −534人), either way for a comparison (534 fewer than)."""
    if how == "ratio":
        return a != 0 and fig.admits(b / a)
    if how == "difference":
        d = b - a
    elif a == 0:
        return False
    else:
        d = (b - a) / abs(a) * 100  # relative change, in percent
    if fig.sign:
        return fig.admits(d)
    if fig.change and not fig.compare and (d > 0) != (fig.change > 0):
        return False
    return fig.admits(abs(d))


def _pair(s: Series, fig: Figure, how: str) -> Match | None:
    """A pair of the series' values whose difference (ratio, relative change) the figure states;
    bisection for plain figures, the extremes for bounds."""
    vals = s.sorted_values
    if len(vals) < 2:
        return None
    if fig.bound is not None or len(vals) <= 60:
        pairs = list(_pairs_with(s, fig, how))
        # a pair of real values, when there is one, before one resting on illustrative values
        pairs.sort(key=lambda ab: ab[0].illustrative or ab[1].illustrative)
        return Match(how, s, pairs[0]) if pairs else None
    v, h = abs(fig.value), fig.half
    for x in vals:
        if how == "difference":
            windows = [(x + v - h, x + v + h)]
        elif how == "ratio":
            windows = [(x * (v - h), x * (v + h))] if x > 0 else []
        else:
            windows = [(x * (1 + (v - h) / 100), x * (1 + (v + h) / 100))] if x > 0 else []
        for lo, hi in windows:
            if _near(vals, lo, hi):
                a = next(p for p in s.observed if p.value == x)
                b = next(p for p in s.observed if lo <= p.value <= hi)
                return Match(how, s, (a, b))
    return None


def _hit(s: Series, fig: Figure) -> Point | None:
    """A value of the series the figure states (bisection finds whether there is one)."""
    lo, hi = fig.interval()
    targets = [p for p in s.points if p.target]
    if not _near(s.sorted_values, lo, hi) and not targets:
        return None
    return next((p for p in s.points if fig.admits(p.value)), None)


def explain(fig: Figure, series: Iterable[Series], figure_unit: str) -> list[Match]:
    """Every way the figure agrees with one of the series (at most one match per series and
    way): its values and targets, and — as the figure's wording asks — differences between two
    of its values (増, ポイント), ratios (倍), relative changes (%増) and the rest (残り)."""
    out: list[Match] = []
    for s in series:
        same = figure_unit in ("", s.unit) or (figure_unit == "%" and s.unit == "%")
        if same and not (fig.change and s.unit == "%" and figure_unit == "%"):
            hit = _hit(s, fig)
            if hit is not None:
                out.append(Match("target" if hit.target else "value", s, (hit,)))
        if (figure_unit == "pt" and s.unit == "%") or (fig.change and same and s.unit != "%"):
            m = _pair(s, fig, "difference")
            if m:
                out.append(m)
        if figure_unit == "倍":
            m = _pair(s, fig, "ratio")
            if m:
                out.append(m)
        if figure_unit == "%" and fig.change:
            m = _pair(s, fig, "relative")
            if m:
                out.append(m)
        if figure_unit == "%" and s.unit == "%" and fig.complement:
            hit = next((p for p in s.observed if fig.admits(100 - p.value)), None)
            if hit is not None:
                out.append(Match("complement", s, (hit,)))
    return out


def derived(fig: Figure, values: list[tuple[float, str, bool]]) -> Match | None:
    """A figure computed from values referenced together (the same sentence or paragraph):
    a difference (残り329件 = 8,164 − 7,835), a ratio or share (7割 = 115 ÷ 155), the rest of
    a share (残り約4% = 100 − 96). `values`: (value, unit kind, illustrative)."""
    for i, (a, ua, ia) in enumerate(values):
        if ua == "%" and fig.unit == "%" and fig.admits(100 - a):
            return Match("derived", None, (Point(None, a, ia),))
        for b, ub, ib in values[i + 1 :]:
            pts = (Point(None, a, ia), Point(None, b, ib))
            if ua == ub and fig.unit not in ("%", "倍") and fig.admits(abs(a - b)):
                return Match("derived", None, pts)
            if ua == ub == "%" and fig.unit == "pt" and fig.admits(abs(a - b)):
                return Match("derived", None, pts)
            if ua == ub and a and b:
                for r in (a / b, b / a):
                    if (fig.unit == "%" and fig.admits(r * 100)) or (
                        fig.unit == "倍" and fig.admits(r)
                    ):
                        return Match("derived", None, pts)
    return None
