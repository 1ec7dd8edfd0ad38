"""Labels of the data itself: a target or a row marked real where its note or source says it is
illustrative (例示値), and dates typed into the data that cannot be its dates (a future year, a
decade slip that tears a point away from its series)."""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date
from statistics import median

from ..japan.periods import Period
from .findings import Finding
from .run import Context

SAYS_ILLUSTRATIVE = re.compile(r"例示|illustrative|架空|made-up", re.I)
# A note that also says what is real (約1,500人（公表値）。…日付は例示です) labels parts.
SAYS_REAL = re.compile(
    r"例示ではない|公表値|実績値|not illustrative|is public|published figure", re.I
)


def _says(*texts: str | None) -> bool:
    joined = " ".join(t for t in texts if t)
    return bool(SAYS_ILLUSTRATIVE.search(joined)) and not SAYS_REAL.search(joined)


def _row(ctx: Context, index: int) -> tuple[str, int | None]:
    """Where an observation was written, when the run knows (a check of files or of a store)."""
    row = getattr(ctx, "row", None)
    return row(index) if callable(row) else ("", None)


def labels(ctx: Context) -> Iterable[Finding]:
    """A value marked real whose own note, or whose source, says it is illustrative."""
    for ind in ctx.ws.indicators:
        for i, t in enumerate(ind.targets):
            if t.provenance == "real" and t.note and _says(t.note.ja, t.note.en):
                yield ctx.at(
                    "provenance-label",
                    "indicators",
                    ind.id,
                    ("targets", i, "provenance"),
                    f"target {t.value:g} for {t.date} of {ind.id} is marked real, but its note "
                    f"says it is illustrative ({t.note.ja})",
                    "mark it `provenance: illustrative`, or correct the note",
                )
    made_up = {s.id for s in ctx.ws.sources if _says(s.title.ja, s.title.en)}
    for n, o in enumerate(ctx.ws.observations):
        owner = ctx.data.indicators.get(o.indicator)
        if owner is None or not o.source or o.source not in made_up:
            continue
        if (o.provenance or owner.provenance) == "real":
            file, line = _row(ctx, n)
            yield ctx.finding(
                "provenance-label",
                file or "observations",
                line,
                f"{o.indicator} at {o.period} is marked real (the indicator's default), but its "
                f"source {o.source!r} is of illustrative values",
                "write `illustrative` in the row's provenance column, or name its real source",
            )


def dates(ctx: Context, today: date | None = None) -> Iterable[Finding]:
    """A row dated in the future, or far from the rest of its series (2014-07 among 2023–24)."""
    today = today or date.today()
    series: dict[tuple[str, tuple[tuple[str, str], ...]], list[tuple[Period, int]]]
    series = defaultdict(list)
    for n, o in enumerate(ctx.ws.observations):
        try:
            p = Period.parse(o.period)
        except ValueError:
            continue
        series[(o.indicator, tuple(sorted(o.dims.items())))].append((p, n))
        if p.start > today:
            file, line = _row(ctx, n)
            yield ctx.finding(
                "data-date",
                file or "observations",
                line,
                f"{o.indicator} is dated {o.period}, after today ({today})",
                "check the year of the date",
            )
    for (ind, _dims), pts in series.items():
        yield from _torn(ctx, ind, sorted(pts))


def _torn(ctx: Context, ind: str, pts: list[tuple[Period, int]]) -> Iterator[Finding]:
    """The first or last point of a series, years away from the others, which lie close."""
    if len(pts) < 4:
        return
    for end, rest in ((pts[0], pts[1:]), (pts[-1], pts[:-1])):
        gaps = [(b[0].start - a[0].start).days for a, b in itertools.pairwise(rest)]
        typical = median(gaps) if gaps else 0
        span = (rest[-1][0].start - rest[0][0].start).days
        gap = min(abs((end[0].start - r[0].start).days) for r in rest)
        if typical > 0 and gap > max(3 * 365, 10 * typical, 2 * span):
            file, line = _row(ctx, end[1])
            yield ctx.finding(
                "data-date",
                file or "observations",
                line,
                f"{ind} at {end[0]} lies {gap // 365} years from the rest of its series "
                f"({rest[0][0]} … {rest[-1][0]})",
                "check the date (a decade or a year typed wrong?)",
            )


CHECKS = [labels, dates]
