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

from ..model.periods import Period, Precision


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

MULTIPLIERS = {"千": 1_000, "万": 10_000, "百万": 1_000_000, "億": 100_000_000, "兆": 10**12}
_NEGATIVE = ("△", "▲", "-", "−", "－")  # △/▲ mark negatives in Japanese accounts
_NUMBER = re.compile(
    r"(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?(?P<mult>百万|千|万|億|兆)?(?P<unit>.*)"
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


# 和暦: the modern eras and the day each began (元年 = year 1).
ERAS: dict[str, date] = {
    "明治": date(1868, 1, 25),
    "大正": date(1912, 7, 30),
    "昭和": date(1926, 12, 25),
    "平成": date(1989, 1, 8),
    "令和": date(2019, 5, 1),
}
_ERA_LETTERS = {"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}
_YEAR = r"(?:(?P<era>明治|大正|昭和|平成|令和|[MTSHR]\.?)(?P<ey>元|\d{1,2})|(?P<y>\d{4}))"
_SEP = r"(?:年|[/\-.])"
_MSEP = r"(?:月|[/\-.])"
_PATTERNS: list[tuple[re.Pattern[str], Precision]] = [
    (re.compile(rf"{_YEAR}年度"), "fiscal_year"),
    (re.compile(rf"FY{_YEAR}"), "fiscal_year"),
    (re.compile(rf"{_YEAR}{_SEP}(?P<m>\d{{1,2}}){_MSEP}(?P<d>\d{{1,2}})日?"), "day"),
    (re.compile(rf"{_YEAR}{_SEP}(?P<m>\d{{1,2}})月?(?P<end>末日?|月末|末時点|時点|分)?"), "month"),
    (re.compile(rf"{_YEAR}年?"), "year"),
    (re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"), "day"),
    (re.compile(r"(?P<y>\d{4})(?P<m>\d{2})"), "month"),
]
ACCEPTED = (
    "2024-07-31, 2024/7/31, 2024年7月31日, 2024-07, 2024年7月(末), 2024, FY2024, 2024年度, "
    "令和6年7月末, 令和元年度, R6.7.31"
)


def parse_period(value: object, precision: Precision | None = None) -> Period:
    """A date or period in any of the forms in ACCEPTED (or a spreadsheet date).

    `precision` coarsens the result (a day to its month, a month to its year); a period cannot
    be made finer than it was written (2024年7月 is not a day).
    """
    if isinstance(value, datetime):
        period = Period(value.date(), "day")
    elif isinstance(value, date):
        period = Period(value, "day")
    else:
        period = _parse_text(str(value))
    return coarsen(period, precision) if precision else period


def _parse_text(text: str) -> Period:
    s = normalise(text)
    for pattern, precision in _PATTERNS:
        m = pattern.fullmatch(s)
        if m is None:
            continue
        year = _year(m, text, precision)
        groups = m.groupdict()
        month = int(groups.get("m") or 1)
        day = int(groups.get("d") or 1)
        if precision == "fiscal_year":
            return Period(date(year, 4, 1), "fiscal_year")
        try:
            start = date(year, month, day)
        except ValueError:
            raise CellError(f"{text!r} is not a real date") from None
        _check_era(m, start, precision, text)
        return Period(start, precision)
    raise CellError(f"{text!r} is not a date; expected a form such as {ACCEPTED}")


def _year(m: re.Match[str], text: str, precision: Precision) -> int:
    if m.groupdict().get("y"):
        return int(m["y"])
    era = _ERA_LETTERS.get(m["era"].rstrip("."), m["era"].rstrip("."))
    n = 1 if m["ey"] == "元" else int(m["ey"])
    if n < 1:
        raise CellError(f"{text!r}: an era year starts at 元年 (1)")
    return ERAS[era].year + n - 1


def _check_era(m: re.Match[str], start: date, precision: Precision, text: str) -> None:
    """令和元年4月 did not exist (令和 began on 1 May 2019): say so rather than guess."""
    if not m.groupdict().get("era"):
        return
    era = _ERA_LETTERS.get(m["era"].rstrip("."), m["era"].rstrip("."))
    began = ERAS[era]
    last = Period(start, precision).end
    if last < began:
        raise CellError(f"{text!r} is before {era} began ({began.isoformat()})")
    names = list(ERAS)
    nxt = names.index(era) + 1
    if nxt < len(names) and precision in ("day", "month") and start >= ERAS[names[nxt]]:
        raise CellError(
            f"{text!r} is after {era} ended; {names[nxt]} began on {ERAS[names[nxt]].isoformat()}"
        )


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
