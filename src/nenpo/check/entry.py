"""Data-entry errors: values that cannot be right given the rest of the data.

Each rule reads the observations with the file and line they were written at (`Context.rows`)
and reports the row: a share above 100 %, parts that do not sum to their total, a value that
breaks its own series (digits swapped, a digit dropped or added), a ratio that its inputs
contradict. They are warnings: the data may be right and the rule wrong, but a row that fails
one of them is worth a second look before it is published.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

from ..japan.periods import Period
from ..model.workspace import Indicator
from .findings import Finding
from .rows import Dims, Group, Row, Rows, half_unit, lines, shown, where
from .run import Context

# Units a total is not the sum of its parts in: shares, ranks, scores, ratios per something.
NOT_ADDITIVE = {"%", "％", "割", "点", "位", "倍", "ポイント", "pt", "歳", "年", "か月", "ヶ月"}
# The largest value of a share, by unit.
SHARE_MAX = {"%": 100.0, "％": 100.0, "割": 10.0}


def additive(ind: Indicator) -> bool:
    """True when the indicator counts something, so that parts add up to their total."""
    unit = ind.unit.strip()
    return unit not in NOT_ADDITIVE and not any(s in unit for s in ("/", "当たり", "あたり"))


class Source(Protocol):
    """Where the rules read observations: `Rows` (in memory) or `stored.StoredRows`."""

    def of(self, indicator: str) -> list[Row]: ...
    def outside(self, indicator: str, top: float) -> list[Row]: ...
    def at(self, indicator: str, period: Period, dims: Dims) -> Row | None: ...
    def suspects(self, running: set[str]) -> Iterator[list[Row]]: ...
    def groups(self, counted: set[str]) -> list[Group]: ...
    def parts(self, group: Group) -> list[Row]: ...
    def sources(self) -> dict[str, str]: ...


def source(ctx: Context) -> Source:
    """The observations of this run: those the store answers for, else the workspace's."""
    made: Source = ctx.cache("entry.rows", lambda: ctx.source or Rows(ctx.ws, ctx.rows))
    return made


def _finding(ctx: Context, rule: str, row: Row, message: str, hint: str) -> Finding:
    """A finding at the row's file and line (the indicator's definition if not known)."""
    file, line = row.place
    if not file:
        file, line = ctx.where.of("indicators", row.indicator)
    return ctx.finding(rule, file, line, f"{row.describe()}: {message}", hint)


# ── a share above 100 ───────────────────────────────────────────────────────────────────────


def share_over_100(ctx: Context) -> Iterable[Finding]:
    """A value of a share (an indicator in %) above 100, or below 0."""
    src = source(ctx)
    for ind in ctx.ws.indicators:
        top = SHARE_MAX.get(ind.unit.strip())
        if top is None:
            continue
        outside = src.outside(ind.id, top)
        over = [r for r in outside if r.value > top + 1e-9]
        # An indicator that goes above its maximum on purpose (a ratio to a plan, a change on
        # the year) is not a share: a target above it, or two values above it, say so.
        if len(over) >= 2 or any(t.value > top for t in ind.targets):
            over = []
        for r in over:
            yield _finding(
                ctx,
                "share-over-100",
                r,
                f"a share of more than {shown(top)} {ind.unit}",
                "check the row against its source (a decimal point or a digit lost?)",
            )
        for r in outside:
            if r.value < 0:
                yield _finding(
                    ctx,
                    "share-over-100",
                    r,
                    f"a share below 0 {ind.unit}",
                    "check the row against its source (a sign typed by mistake?)",
                )


# ── parts and their total ──────────────────────────────────────────────────────────────────


def _tolerance(group: Group, parts: list[Row]) -> float:
    """How far parts may miss their total by rounding alone: half a last digit each."""
    return sum(half_unit(r.value) for r in [group.total, *parts]) + 1e-9


def parts_sum(ctx: Context) -> Iterable[Finding]:
    """Parts (by one dimension) that do not sum to their total within rounding.

    Parts that sum to more than the total are always wrong. Parts that sum to less may simply
    be incomplete (a breakdown that shows two of four categories), so they are reported only
    when they are known to be complete: every value of the dimension is there, or the same
    values summed to the total at another date.
    """
    src = source(ctx)
    orders = {d.id: [v.code for v in d.values] for d in ctx.data.dimensions.values()}
    values = {d: frozenset(codes) for d, codes in orders.items()}
    groups = src.groups({i.id for i in ctx.ws.indicators if additive(i)})

    def family(g: Group) -> tuple[str, Dims, str]:
        return (g.total.indicator, g.total.dims, g.dimension)

    def codes(g: Group) -> frozenset[str]:
        return frozenset(p.code(g.dimension) for p in src.parts(g))

    # Groups whose parts summed to their total: at other dates, they vouch for the same values.
    summed: dict[tuple[str, Dims, str], list[Group]] = {}
    wrong: list[tuple[Group, list[Row], float]] = []
    for g in groups:
        if abs(g.off) < 1e-9:
            summed.setdefault(family(g), []).append(g)
            continue
        parts = src.parts(g)
        tolerance = _tolerance(g, parts)
        if abs(g.off) <= tolerance:
            summed.setdefault(family(g), []).append(g)
        else:
            wrong.append((g, parts, tolerance))
    for g, parts, tolerance in wrong:
        mine = frozenset(p.code(g.dimension) for p in parts)
        if g.off < 0 and mine != values.get(g.dimension):
            alike = [o for o in summed.get(family(g), []) if o.count == g.count]
            if not any(codes(o) == mine for o in alike):
                continue  # perhaps not every part is there: less is no proof of a slip
        order = {c: i for i, c in enumerate(orders.get(g.dimension, []))}
        parts = sorted(parts, key=lambda p: (order.get(p.code(g.dimension), len(order)), p.dims))
        each = [f"{p.code(g.dimension)} {shown(p.value)}" for p in parts]
        more = len(each) - 6
        listed = ", ".join(each[:6]) + (f" and {more} more" if more > 0 else "")
        yield _finding(
            ctx,
            "parts-sum",
            g.total,
            f"its {len(parts)} parts by {g.dimension} ({listed}; {lines(parts)}) sum to "
            f"{shown(g.sum)}, {'more' if g.off > 0 else 'less'} than the total by "
            f"{shown(abs(g.off))} (±{shown(round(tolerance, 6))} for rounding)",
            "check the total and each part against the source: a part typed wrong, or one "
            "missing or counted twice",
        )


# ── a value that breaks its own series ─────────────────────────────────────────────────────

JUMP = 8.0  # an order of magnitude, give or take: a digit dropped or added, 万 for 億


def _swaps(value: float) -> list[float]:
    """The value with two neighbouring digits swapped (57 for 75), each way that changes it."""
    text = f"{abs(value):.6f}".rstrip("0").rstrip(".")
    out = []
    for i in range(len(text) - 1):
        a, b = text[i], text[i + 1]
        if a == b or not (a.isdigit() and b.isdigit()) or (i == 0 and b == "0"):
            continue
        swapped = float(text[:i] + b + a + text[i + 2 :])
        out.append(-swapped if value < 0 else swapped)
    return out


def _factors(rows: list[Row], skip: int) -> list[float]:
    """How much the series moves from one value to the next (as a factor ≥ 1), leaving out
    the two moves into and out of the value at `skip`."""
    out = []
    for k in range(1, len(rows)):
        if k in (skip, skip + 1):
            continue
        a, b = rows[k - 1].value, rows[k].value
        if a > 0 and b > 0:
            out.append(max(a / b, b / a))
    return out


def _break(rows: list[Row], i: int) -> str | None:
    """Why the i-th value breaks its series, or None.

    A value breaks its series when it lies outside the band its neighbours span by more than a
    factor of two, and by more than the series moves anywhere else; and when what it most
    likely was — the same digits with two of them swapped, or a power of ten away — lies inside
    that band. Without such a candidate only a jump of an order of magnitude, in a series that
    otherwise moves little, is reported. Only series of positive values are read.
    """
    v = rows[i].value
    near = [rows[k].value for k in (i - 1, i + 1) if 0 <= k < len(rows)]
    if v <= 0 or min(near) <= 0:
        return None
    lo, hi = min(near), max(near)
    off = lo / v if v < lo else v / hi if v > hi else 1.0
    if off < 2.0:
        return None  # most values: the series' other moves need not be looked at
    moves = _factors(rows, i)
    if off < max(moves, default=1.0):
        return None
    usual = sorted(moves)[len(moves) // 2] - 1 if moves else 0.0
    # How near its neighbours a candidate must come: within twice the series' usual move, and
    # at least 5 % between two neighbours or beside the one other value of a series of two
    # (which says nothing of how the series moves), 15 % at either end of a longer series.
    margin = max(2 * usual, 0.15 if len(near) == 1 and len(rows) > 2 else 0.05)

    def fits(w: float) -> bool:
        return lo / (1 + margin) <= w <= hi * (1 + margin)

    beside = f"the value{'s' if len(near) > 1 else ''} beside it ({', '.join(map(shown, near))})"
    for w in _swaps(v):
        if fits(w):
            return f"two digits look swapped: {shown(w)} would fit {beside}"
    for power in (1, 2, 3, 4, -1, -2, -3, -4):
        w = v * 10**power
        if fits(w):
            what = "a digit dropped" if power > 0 else "a digit added"
            return (
                f"{shown(10 ** abs(power))} times {'smaller' if power > 0 else 'larger'} than "
                f"{beside}: {what}, a decimal point moved or the wrong unit? "
                f"{shown(round(w, 6))} would fit"
            )
    if len(rows) >= 3 and off >= JUMP and off >= 4 * max(moves, default=1.0):
        return (
            f"about {shown(round(off))} times {'smaller' if v < lo else 'larger'} than "
            f"{beside}, though the series moves by less elsewhere: a digit dropped or added, "
            "or the wrong unit?"
        )
    return None


def _fall(rows: list[Row], i: int) -> str | None:
    """Why the i-th value of a running total (累計) is out of order, or None: it is below the
    value before it, and the value after it (if any) is not."""
    v = rows[i].value
    if i == 0 or v >= rows[i - 1].value:
        return None
    before = rows[i - 1].value
    after = rows[i + 1].value if i + 1 < len(rows) else None
    if after is not None and after < before:
        return None  # the value before is the odd one: reported as its own break, if at all
    top = after if after is not None else float("inf")
    swapped = [w for w in _swaps(v) if before <= w <= top]
    guess = f": two digits look swapped, {shown(swapped[0])} would fit" if swapped else ""
    return (
        f"a running total (累計) cannot fall, but this is less than "
        f"{shown(before)} at {rows[i - 1].period.key}{guess}"
    )


def series_break(ctx: Context) -> Iterable[Finding]:
    """A value that breaks its own series: digits swapped, or an order of magnitude off; or
    a running total that falls."""
    running = {i.id for i in ctx.ws.indicators if i.cumulative}
    for series in source(ctx).suspects(running):
        falls = series[0].indicator in running
        for i in range(len(series)):
            why = _break(series, i) or (_fall(series, i) if falls else None)
            if why is not None:
                yield _finding(
                    ctx,
                    "series-break",
                    series[i],
                    why,
                    "check the row against its source; if the value is right, the series "
                    "really moved: nothing to do",
                )


# ── a ratio and its inputs ─────────────────────────────────────────────────────────────────

RATIO_SCALE = {"%": 100.0, "％": 100.0, "割": 10.0}


def _inputs(rows: Source, ratio: Row, numerator: str, denominator: str) -> tuple[Row, Row] | None:
    """The numerator at the ratio's period and dimension values, the denominator at the same
    values or, for a share of a whole (staff by category ÷ all staff), at its total."""
    num = rows.at(numerator, ratio.period, ratio.dims)
    same = denominator == numerator  # a part of a whole: the denominator is the whole
    den = (None if same else rows.at(denominator, ratio.period, ratio.dims)) or rows.at(
        denominator, ratio.period, ()
    )
    if den == num:  # the same observation: no ratio to compare
        return None
    return (num, den) if num is not None and den is not None else None


def ratio_inputs(ctx: Context) -> Iterable[Finding]:
    """A ratio whose numerator and denominator are both in the data and give another value."""
    rows = source(ctx)
    for ind in ctx.ws.indicators:
        if ind.ratio is None:
            continue
        scale = RATIO_SCALE.get(ind.unit.strip(), 1.0)
        for r in rows.of(ind.id):
            found = _inputs(rows, r, ind.ratio.numerator, ind.ratio.denominator)
            if found is None:
                continue
            num, den = found
            if not den.value:
                continue
            computed = scale * num.value / den.value
            # The stated ratio is rounded, and so may be each input.
            n, d = num.value, den.value
            spread = scale * (abs(n) + half_unit(n)) / max(abs(d) - half_unit(d), 1e-12)
            tolerance = half_unit(r.value) + abs(spread - computed) + 1e-9
            if abs(computed - r.value) > tolerance:
                yield _finding(
                    ctx,
                    "ratio-inputs",
                    r,
                    f"its inputs give {computed:.{max(ind.decimals, 1)}f}: "
                    f"{num.describe()} ({where(num.place)}) ÷ {den.describe()} "
                    f"({where(den.place)})" + (f" × {shown(scale)}" if scale != 1 else ""),
                    "check the ratio and both inputs against the source",
                )


def entry(ctx: Context) -> Iterator[Finding]:
    """The data-entry rules; a row is reported once, by the most telling rule (a share above
    100 before the ratio it breaks, before the series it breaks)."""
    seen: set[tuple[str, int | None, str]] = set()
    for f in [*share_over_100(ctx), *ratio_inputs(ctx), *series_break(ctx)]:
        key = (f.file, f.line, f.message.split(": ", 1)[0])
        if f.line is not None and key in seen:
            continue
        seen.add(key)
        yield f
    yield from parts_sum(ctx)


CHECKS = [entry]
