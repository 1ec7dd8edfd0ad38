"""Cells of government tables: numbers (1,234 / １２３ / 55.7% / △12 / 9,308万枚) and dates
(2022/12/31, 令和6年7月末, 平成31年度, R6.7), each parsed or rejected with a reason.

Every function raises CellError with a message that says what was expected; the importer turns
that into a row-level problem. Results are cached per distinct text by the caller, so the slow
paths here (Unicode normalisation, regular expressions) run once per distinct value, not per row.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from ..japan.numbers import MULTIPLIERS
from ..japan.periods import Period, Precision, parse_written


class CellError(ValueError):
    """A cell that does not hold what its column should; the message says what was expected."""


# Cells meaning "no value" in Japanese statistical tables: dashes of every width, 秘匿 (x, ***),
# 該当なし (…), 不詳 and the like. The row's other values still come in.
DEFAULT_MISSING = (
    "",
    "-",
    "－",
    "―",
    "‐",
    "—",
    "–",
    "−",
    "ー",
    "…",
    "...",
    "x",
    "X",
    "ｘ",
    "*",
    "***",
    "＊",
    "NA",
    "N/A",
    "n.a.",
    "不詳",
    "該当なし",
)

_NEGATIVE = ("△", "▲", "-", "−", "－")  # △/▲ mark negatives in Japanese accounts
_MULT = "|".join(sorted(MULTIPLIERS, key=len, reverse=True))  # 百万 before 万
_NUMBER = re.compile(
    rf"(?P<int>\d{{1,3}}(?:,\d{{3}})+|\d+)(?P<frac>\.\d+)?(?P<mult>{_MULT})?(?P<unit>.*)"
)
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """NFKC (full-width digits and letters to ASCII) and no whitespace: the form lookups use."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text))


def is_formula(text: str) -> bool:
    """A spreadsheet formula (=HYPERLINK(…), =SUM(…)) rather than a value."""
    return len(text) > 1 and text[0] == "=" and not text[1].isspace()


def parse_number(text: str, units: frozenset[str] = frozenset()) -> float:
    """A number as people write it in tables: 1,234 / １２３ / 55.7% / △12 / 9,308万枚.

    `units` are the unit texts allowed after the number (the indicator's unit, e.g. 枚 or %);
    anything else after it is an error, so that "12件" in a column of 枚 is not read as 12.
    """
    s = normalise(text)
    sign = 1
    for mark in _NEGATIVE:
        if s.startswith(mark) and len(s) > len(mark):
            sign, s = -1, s[len(mark) :]
            break
    if s.startswith("+"):
        s = s[1:]
    m = _NUMBER.fullmatch(s)
    if m is None:
        raise CellError(f"{text!r} is not a number")
    unit = m["unit"]
    if unit and unit not in units:
        allowed = ", ".join(sorted(units)) or "none"
        raise CellError(f"{text!r}: unexpected unit {unit!r} after the number (allowed: {allowed})")
    try:
        value = Decimal(m["int"].replace(",", "") + (m["frac"] or ""))
    except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
        raise CellError(f"{text!r} is not a number") from None
    if m["mult"]:
        value *= MULTIPLIERS[m["mult"]]
    return sign * float(value)


def fast_number(text: str) -> float | None:
    """The common case without normalising: plain ASCII decimals; None when it needs more work."""
    try:
        v = float(text)
    except ValueError:
        return None
    # float() also takes 'nan', 'inf' and '1_000': leave those to the strict parser (which
    # rejects them). Exponents (1e-05) stay: software writes small and large floats that way.
    if not math.isfinite(v) or "_" in text:
        return None
    return v


def parse_period(value: object, precision: Precision | None = None) -> Period:
    """A date or period in any written form (japan.periods.ACCEPTED) or a spreadsheet date.

    `precision` coarsens the result (a day to its month, a month to its year); a period cannot
    be made finer than it was written (2024年7月 is not a day).
    """
    if isinstance(value, datetime):
        period = Period(value.date(), "day")
    elif isinstance(value, date):
        period = Period(value, "day")
    else:
        try:
            period = parse_written(str(value))
        except ValueError as exc:
            raise CellError(str(exc)) from None
    return coarsen(period, precision) if precision else period


_COARSER: dict[str, tuple[str, ...]] = {
    "day": ("month", "year", "fiscal_year"),
    "month": ("year", "fiscal_year"),
    "year": (),
    "fiscal_year": (),
}


def coarsen(period: Period, precision: Precision) -> Period:
    """The period at a coarser precision: 2024-07-31 as a month is 2024-07."""
    if period.precision == precision:
        return period
    if precision not in _COARSER[period.precision]:
        what = period.precision.replace("_", " ")
        raise CellError(
            f"{period.key} is a {what}; it cannot be read as a {precision.replace('_', ' ')}"
        )
    d = period.start
    if precision == "month":
        return Period(date(d.year, d.month, 1), "month")
    if precision == "year":
        return Period(date(d.year, 1, 1), "year")
    return Period(date(d.year if d.month >= 4 else d.year - 1, 4, 1), "fiscal_year")
