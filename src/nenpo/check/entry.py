"""Data-entry errors: values that cannot be right given the rest of the data.

Each rule reads the observations with the file and line they were written at (`Context.rows`)
and reports the row: a share above 100 %, parts that do not sum to their total, a value that
breaks its own series (digits swapped, a digit dropped or added), a ratio that its inputs
contradict. They are warnings: the data may be right and the rule wrong, but a row that fails
one of them is worth a second look before it is published.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

from ..japan.periods import Period
from ..model.workspace import Indicator, Observation
from .findings import Finding
from .run import Context, Place

# Units a total is not the sum of its parts in: shares, ranks, scores, ratios per something.
NOT_ADDITIVE = {"%", "％", "割", "点", "位", "倍", "ポイント", "pt", "歳", "年", "か月", "ヶ月"}
# The largest value of a share, by unit.
SHARE_MAX = {"%": 100.0, "％": 100.0, "割": 10.0}

Dims = tuple[tuple[str, str], ...]


def additive(ind: Indicator) -> bool:
    """True when the indicator counts something, so that parts add up to their total."""
    unit = ind.unit.strip()
    return unit not in NOT_ADDITIVE and not any(s in unit for s in ("/", "当たり", "あたり"))


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


def number(value: float) -> str:
    """A value as a reader writes it: 1,105; 63,200,000; 71.6."""
    return f"{int(value):,}" if value == int(value) else f"{value:,.6f}".rstrip("0")


def where(place: Place) -> str:
    """file:line of a row, for a message that names other rows."""
    file, line = place
    return file if line is None else f"{file}:{line}"


@dataclass(frozen=True)
class Row:
    """One observation, its position in ws.observations and where it was written."""

    index: int
    obs: Observation
    period: Period
    dims: Dims
    place: Place

    def describe(self) -> str:
        """indicator at period (dimension values) = value."""
        dims = ", ".join(f"{k}={v}" for k, v in self.dims)
        at = f"{self.obs.indicator} at {self.period.key}" + (f" ({dims})" if dims else "")
        return f"{at} = {number(self.obs.value)}"


class Rows:
    """The observations indexed for the data-entry rules, each with its file and line."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.by_key: dict[tuple[str, str, Dims], Row] = {}
        self.series: dict[tuple[str, Dims], list[Row]] = defaultdict(list)
        self.by_indicator: dict[str, list[Row]] = defaultdict(list)
        for i, o in enumerate(ctx.ws.observations):
            dims = tuple(sorted(o.dims.items()))
            row = Row(i, o, Period.parse(o.period), dims, ctx.row(i))
            self.by_key[(o.indicator, row.period.key, dims)] = row
            self.series[(o.indicator, dims)].append(row)
            self.by_indicator[o.indicator].append(row)
        for rows in self.series.values():
            rows.sort(key=lambda r: r.period)

    def at(self, indicator: str, period: Period, dims: Dims) -> Row | None:
        """The observation of `indicator` at exactly this period and these dimension values."""
        return self.by_key.get((indicator, period.key, dims))

    def finding(self, rule: str, row: Row, message: str, hint: str) -> Finding:
        """A finding at the row's file and line (the indicator's definition if not known)."""
        file, line = row.place
        if not file:
            file, line = self.ctx.where.of("indicators", row.obs.indicator)
        return self.ctx.finding(rule, file, line, f"{row.describe()}: {message}", hint)


def _rows(ctx: Context) -> Rows:
    return ctx.cache("entry.rows", lambda: Rows(ctx))


# ── a share above 100 ───────────────────────────────────────────────────────────────────────


def share_over_100(ctx: Context) -> Iterable[Finding]:
    """A value of a share (an indicator in %) above 100, or below 0."""
    rows = _rows(ctx)
    for ind in ctx.ws.indicators:
        top = SHARE_MAX.get(ind.unit.strip())
        if top is None:
            continue
        mine = rows.by_indicator.get(ind.id, [])
        over = [r for r in mine if r.obs.value > top + 1e-9]
        # An indicator that goes above its maximum on purpose (a ratio to a plan, a change on
        # the year) is not a share: a target above it, or two values above it, say so.
        if len(over) >= 2 or any(t.value > top for t in ind.targets):
            over = []
        for r in over:
            yield rows.finding(
                "share-over-100",
                r,
                f"a share of more than {number(top)} {ind.unit}",
                "check the row against its source (a decimal point or a digit lost?)",
            )
        for r in mine:
            if r.obs.value < 0:
                yield rows.finding(
                    "share-over-100",
                    r,
                    f"a share below 0 {ind.unit}",
                    "check the row against its source (a sign typed by mistake?)",
                )


# ── parts and their total ──────────────────────────────────────────────────────────────────


@dataclass
class _Parts:
    total: Row
    dimension: str
    parts: list[Row]

    @cached_property
    def codes(self) -> frozenset[str]:
        return frozenset(dict(p.dims)[self.dimension] for p in self.parts)

    @cached_property
    def sum(self) -> float:
        return sum(p.obs.value for p in self.parts)

    @cached_property
    def tolerance(self) -> float:
        rows = [self.total, *self.parts]
        return sum(half_unit(r.obs.value) for r in rows) + 1e-9

    @property
    def off(self) -> float:
        return self.sum - self.total.obs.value


def _breakdowns(ctx: Context, rows: Rows) -> list[_Parts]:
    """Every total that has two or more parts along one dimension, at one period."""
    found: dict[tuple[int, str], list[Row]] = defaultdict(list)
    totals: dict[int, Row] = {}
    counted = {i.id for i in ctx.ws.indicators if additive(i)}
    for row in rows.by_key.values():
        if row.obs.indicator not in counted or not row.dims:
            continue
        for k, (name, _code) in enumerate(row.dims):
            total = rows.at(row.obs.indicator, row.period, row.dims[:k] + row.dims[k + 1 :])
            if total is not None:
                totals[total.index] = total
                found[(total.index, name)].append(row)
    return [
        _Parts(totals[index], name, sorted(parts, key=lambda r: r.index))
        for (index, name), parts in found.items()
        if len(parts) >= 2
    ]


def _lines(rows: list[Row]) -> str:
    """Where rows were written, compactly: a.csv:3–5, b.csv:7."""
    by_file: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        file, line = r.place
        if file and line is not None:
            by_file[file].append(line)
    out = []
    for file, lines in by_file.items():
        lines = sorted(set(lines))
        spans, start = [], lines[0]
        for a, b in zip(lines, [*lines[1:], None], strict=True):
            if b != a + 1:
                spans.append(f"{start}" if start == a else f"{start}–{a}")
                start = b if b is not None else start
        shown = ", ".join(spans[:3]) + (", …" if len(spans) > 3 else "")
        out.append(f"{file}:{shown}")
    return "; ".join(out) or "lines not known"


def parts_sum(ctx: Context) -> Iterable[Finding]:
    """Parts (by one dimension) that do not sum to their total within rounding.

    Parts that sum to more than the total are always wrong. Parts that sum to less may simply
    be incomplete (a breakdown that shows two of four categories), so they are reported only
    when they are known to be complete: every value of the dimension is there, or the same
    values summed to the total at another date.
    """
    dims = {d.id: {v.code for v in d.values} for d in ctx.data.dimensions.values()}
    groups = _breakdowns(ctx, _rows(ctx))
    complete: set[tuple[str, Dims, str, frozenset[str]]] = set()
    for g in groups:
        if abs(g.off) <= g.tolerance:
            complete.add((g.total.obs.indicator, g.total.dims, g.dimension, g.codes))
    rows = _rows(ctx)
    for g in groups:
        if abs(g.off) <= g.tolerance:
            continue
        key = (g.total.obs.indicator, g.total.dims, g.dimension, g.codes)
        if g.off < 0 and g.codes != dims.get(g.dimension) and key not in complete:
            continue
        shown = [f"{dict(p.dims)[g.dimension]} {number(p.obs.value)}" for p in g.parts]
        more = len(shown) - 6
        listed = ", ".join(shown[:6]) + (f" and {more} more" if more > 0 else "")
        yield rows.finding(
            "parts-sum",
            g.total,
            f"its {len(g.parts)} parts by {g.dimension} ({listed}; {_lines(g.parts)}) sum to "
            f"{number(g.sum)}, {'more' if g.off > 0 else 'less'} than the total by "
            f"{number(abs(g.off))} (±{number(round(g.tolerance, 6))} for rounding)",
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
        a, b = rows[k - 1].obs.value, rows[k].obs.value
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
    v = rows[i].obs.value
    near = [rows[k].obs.value for k in (i - 1, i + 1) if 0 <= k < len(rows)]
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

    beside = f"the value{'s' if len(near) > 1 else ''} beside it ({', '.join(map(number, near))})"
    for w in _swaps(v):
        if fits(w):
            return f"two digits look swapped: {number(w)} would fit {beside}"
    for power in (1, 2, 3, 4, -1, -2, -3, -4):
        w = v * 10**power
        if fits(w):
            what = "a digit dropped" if power > 0 else "a digit added"
            return (
                f"{number(10 ** abs(power))} times {'smaller' if power > 0 else 'larger'} than "
                f"{beside}: {what}, a decimal point moved or the wrong unit? "
                f"{number(round(w, 6))} would fit"
            )
    if len(rows) >= 3 and off >= JUMP and off >= 4 * max(moves, default=1.0):
        return (
            f"about {number(round(off))} times {'smaller' if v < lo else 'larger'} than "
            f"{beside}, though the series moves by less elsewhere: a digit dropped or added, "
            "or the wrong unit?"
        )
    return None


def _fall(rows: list[Row], i: int) -> str | None:
    """Why the i-th value of a running total (累計) is out of order, or None: it is below the
    value before it, and the value after it (if any) is not."""
    v = rows[i].obs.value
    if i == 0 or v >= rows[i - 1].obs.value:
        return None
    before = rows[i - 1].obs.value
    after = rows[i + 1].obs.value if i + 1 < len(rows) else None
    if after is not None and after < before:
        return None  # the value before is the odd one: reported as its own break, if at all
    top = after if after is not None else float("inf")
    swapped = [w for w in _swaps(v) if before <= w <= top]
    guess = f": two digits look swapped, {number(swapped[0])} would fit" if swapped else ""
    return (
        f"a running total (累計) cannot fall, but this is less than "
        f"{number(before)} at {rows[i - 1].period.key}{guess}"
    )


def series_break(ctx: Context) -> Iterable[Finding]:
    """A value that breaks its own series: digits swapped, or an order of magnitude off; or
    a running total that falls."""
    rows = _rows(ctx)
    running = {i.id for i in ctx.ws.indicators if i.cumulative}
    for (ind, _dims), series in rows.series.items():
        if len(series) < 2:
            continue
        for i in range(len(series)):
            why = _break(series, i) or (_fall(series, i) if ind in running else None)
            if why is not None:
                yield rows.finding(
                    "series-break",
                    series[i],
                    why,
                    "check the row against its source; if the value is right, the series "
                    "really moved: nothing to do",
                )


# ── a ratio and its inputs ─────────────────────────────────────────────────────────────────

RATIO_SCALE = {"%": 100.0, "％": 100.0, "割": 10.0}


def _inputs(rows: Rows, ratio: Row, numerator: str, denominator: str) -> tuple[Row, Row] | None:
    """The numerator at the ratio's period and dimension values, the denominator at the same
    values or, for a share of a whole (staff by category ÷ all staff), at its total."""
    num = rows.at(numerator, ratio.period, ratio.dims)
    same = denominator == numerator  # a part of a whole: the denominator is the whole
    den = (None if same else rows.at(denominator, ratio.period, ratio.dims)) or rows.at(
        denominator, ratio.period, ()
    )
    if den is num:
        return None
    return (num, den) if num is not None and den is not None else None


def ratio_inputs(ctx: Context) -> Iterable[Finding]:
    """A ratio whose numerator and denominator are both in the data and give another value."""
    rows = _rows(ctx)
    for ind in ctx.ws.indicators:
        if ind.ratio is None:
            continue
        scale = RATIO_SCALE.get(ind.unit.strip(), 1.0)
        for r in rows.by_indicator.get(ind.id, []):
            found = _inputs(rows, r, ind.ratio.numerator, ind.ratio.denominator)
            if found is None:
                continue
            num, den = found
            if not den.obs.value:
                continue
            computed = scale * num.obs.value / den.obs.value
            # The stated ratio is rounded, and so may be each input.
            n, d = num.obs.value, den.obs.value
            spread = scale * (abs(n) + half_unit(n)) / max(abs(d) - half_unit(d), 1e-12)
            tolerance = half_unit(r.obs.value) + abs(spread - computed) + 1e-9
            if abs(computed - r.obs.value) > tolerance:
                yield rows.finding(
                    "ratio-inputs",
                    r,
                    f"its inputs give {computed:.{max(ind.decimals, 1)}f}: "
                    f"{num.describe()} ({where(num.place)}) ÷ {den.describe()} "
                    f"({where(den.place)})" + (f" × {number(scale)}" if scale != 1 else ""),
                    "check the ratio and both inputs against the source",
                )


# One row is reported once, by the most telling rule.
ORDER = ("share-over-100", "ratio-inputs", "series-break")


def entry(ctx: Context) -> Iterator[Finding]:
    """The data-entry rules, one finding per row and rule family."""
    seen: set[tuple[str, int | None, str]] = set()
    for f in [*share_over_100(ctx), *ratio_inputs(ctx), *series_break(ctx)]:
        key = (f.file, f.line, f.message.split(": ", 1)[0])
        if f.line is not None and key in seen:
            continue
        seen.add(key)
        yield f
    yield from parts_sum(ctx)


CHECKS = [entry]
