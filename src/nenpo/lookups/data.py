"""Lookups over a workspace's data: series, values at a date, survey shares, labels."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from ..errors import BuildError
from ..gcpause import paused_gc
from ..japan.periods import Period
from ..model.builtin import builtin_dimensions
from ..model.workspace import Dimension, Indicator, Question, Source, Survey, Wave, Workspace


@dataclass(frozen=True)
class Point:
    """One observation, resolved: its period, value and whether it is illustrative (例示値)."""

    period: Period
    value: float
    illustrative: bool
    source: str


def _dims(d: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(d.items()))


class Data:
    """Indexes over one workspace, built once per build."""

    def __init__(self, ws: Workspace):
        self.ws = ws
        self.indicators: dict[str, Indicator] = {i.id: i for i in ws.indicators}
        self.sources: dict[str, Source] = {s.id: s for s in ws.sources}
        self.surveys: dict[str, Survey] = {s.id: s for s in ws.surveys}
        self.dimensions: dict[str, Dimension] = {
            d.id: d for d in [*builtin_dimensions(), *ws.dimensions]
        }

    @cached_property
    def _series(self) -> dict[tuple[str, tuple[tuple[str, str], ...]], list[Point]]:
        out: dict[tuple[str, tuple[tuple[str, str], ...]], list[Point]] = defaultdict(list)
        with paused_gc():  # a point per observation: there may be millions
            for o in self.ws.observations:
                ind = self.indicators[o.indicator]
                prov = o.provenance or ind.provenance
                out[(o.indicator, _dims(o.dims))].append(
                    Point(
                        Period.parse(o.period),
                        o.value,
                        prov == "illustrative",
                        o.source or ind.source,
                    )
                )
            for pts in out.values():
                pts.sort(key=lambda p: p.period)
        return out

    @cached_property
    def _by_indicator(self) -> dict[str, list[list[Point]]]:
        out: dict[str, list[list[Point]]] = defaultdict(list)
        for (ind, _dims), pts in self._series.items():
            out[ind].append(pts)
        return out

    @cached_property
    def _keyed(self) -> dict[str, list[tuple[dict[str, str], list[Point]]]]:
        out: dict[str, list[tuple[dict[str, str], list[Point]]]] = defaultdict(list)
        for (ind, dims), pts in self._series.items():
            out[ind].append((dict(dims), pts))
        return out

    def keyed_series(self, indicator: str) -> list[tuple[dict[str, str], list[Point]]]:
        """Every series of the indicator with its dimension values ({} for the whole)."""
        return self._keyed.get(indicator, [])

    def all_series(self, indicator: str) -> list[list[Point]]:
        """Every series of the indicator: the whole, and each combination of dimension values."""
        return self._by_indicator.get(indicator, [])

    def latest(self, indicator: str) -> Period | None:
        """The latest period the indicator has any observation for, in any dimension."""
        ends = [pts[-1].period for pts in self.all_series(indicator) if pts]
        return max(ends) if ends else None

    def first(self, indicator: str) -> Period | None:
        """The earliest period the indicator has any observation for, in any dimension."""
        starts = [pts[0].period for pts in self.all_series(indicator) if pts]
        return min(starts) if starts else None

    def indicator(self, ident: str) -> Indicator:
        try:
            return self.indicators[ident]
        except KeyError:
            raise BuildError(f"unknown indicator {ident!r}") from None

    def series(self, indicator: str, dims: dict[str, str] | None = None) -> list[Point]:
        """The indicator's observations for exactly these dimension values, oldest first."""
        return self._series.get((indicator, _dims(dims or {})), [])

    def breakdown(
        self,
        indicator: str,
        dimension: str,
        period: Period | None,
        where: dict[str, str] | None = None,
    ) -> list[tuple[str, Point]]:
        """(code, point) for each value of `dimension` at `period` (latest common if None)."""
        where = where or {}
        dim = self.dimensions[dimension]
        rows = []
        for v in dim.values:
            pts = self.series(indicator, {**where, dimension: v.code})
            if period is not None:
                pts = [p for p in pts if p.period == period]
            if pts:
                rows.append((v.code, pts[-1]))
        if period is None and rows:
            latest = max(p.period for _, p in rows)
            rows = [(c, p) for c, p in rows if p.period == latest]
            rows = [
                (c, p)
                for c, p in (
                    (c, self._at(indicator, {**where, dimension: c}, latest)) for c, _ in rows
                )
                if p is not None
            ]
        return rows

    def _at(self, indicator: str, dims: dict[str, str], period: Period) -> Point | None:
        return next((p for p in self.series(indicator, dims) if p.period == period), None)

    def value_at(
        self, indicator: str, period: Period | None, dims: dict[str, str] | None = None
    ) -> Point | None:
        """The observation at `period` (the latest if None), or None."""
        pts = self.series(indicator, dims)
        if not pts:
            return None
        if period is None:
            return pts[-1]
        return self._at(indicator, dims or {}, period)

    def dimension_label(self, dimension: str, code: str, lang: str = "ja") -> str:
        for v in self.dimensions[dimension].values:
            if v.code == code:
                return v.label.get(lang)
        return code

    def question(self, survey: str, question: str) -> tuple[Survey, Question]:
        sv = self.surveys[survey]
        return sv, next(q for q in sv.questions if q.id == question)

    def shares(self, survey: str, question: str) -> list[tuple[Wave, dict[str, float]]]:
        """Per wave (in date order), the share of each option of one question."""
        sv = self.surveys[survey]
        by_wave = {r.wave: r.shares for r in sv.results if r.question == question}
        waves = sorted(sv.waves, key=lambda w: Period.parse(w.date))
        return [(w, by_wave[w.id]) for w in waves if w.id in by_wave]

    def source_of(self, ident: str) -> Source | None:
        return self.sources.get(ident)
