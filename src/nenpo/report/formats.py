"""Number and date formats Japanese readers expect: 1,105人, 9,308万枚, +2.9ポイント, 令和6年7月."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from ..model.periods import Period

# Era start dates (改元日). An era's first year is 元年.
ERAS: list[tuple[str, str, date]] = [
    ("令和", "Reiwa", date(2019, 5, 1)),
    ("平成", "Heisei", date(1989, 1, 8)),
    ("昭和", "Showa", date(1926, 12, 25)),
    ("大正", "Taisho", date(1912, 7, 30)),
    ("明治", "Meiji", date(1868, 10, 23)),
]


def round_half_up(value: float, decimals: int) -> Decimal:
    """Round as people do (2.25 → 2.3), not as binary floats do (banker's)."""
    q = Decimal(1).scaleb(-decimals)
    return Decimal(repr(value)).quantize(q, rounding=ROUND_HALF_UP)


def number(value: float, decimals: int = 0, sep: bool = True, sign: bool = False) -> str:
    """1105 → '1,105'; decimals fixed; `sign` adds '+' to positive numbers."""
    d = round_half_up(value, decimals)
    if d == 0:
        d = abs(d)
    text = f"{d:,.{decimals}f}" if sep else f"{d:.{decimals}f}"
    return f"+{text}" if sign and d > 0 else text


def large(value: float, unit: str = "万", decimals: int = 0, lang: str = "ja") -> str:
    """93,080,000 → '9,308万' (unit 万 = 10^4, 億 = 10^8); English: '93.08 million'."""
    if lang == "en":
        for name, size in (("billion", 1e9), ("million", 1e6)):
            if abs(value) >= size:
                return f"{number(value / size, max(decimals, 2))} {name}"
        return number(value, decimals)
    size = {"万": 10_000, "億": 100_000_000}[unit]
    return f"{number(value / size, decimals)}{unit}"


def parse_large(text: str) -> float:
    """'9,308万' → 93080000.0; '1.2億' → 120000000.0 (inverse of `large`)."""
    t = text.replace(",", "").strip()
    for unit, size in (("億", 100_000_000), ("万", 10_000)):
        if t.endswith(unit):
            return float(Decimal(t[:-1]) * size)
    return float(t)


def wareki_year(d: date) -> tuple[str, int]:
    """The era and year of the Japanese calendar (和暦) a date falls in."""
    for name, _en, start in ERAS:
        if d >= start:
            return name, d.year - start.year + 1
    raise ValueError(f"{d} is before the Meiji era")


def wareki(period: Period) -> str:
    """Period in 和暦: 令和6年7月, 令和元年5月1日, 令和5年度."""
    d = period.start
    if period.precision in ("year", "fiscal_year"):
        # A year that saw two eras is named by the later one (2019 → 令和元年, FY2019 → 令和元年度,
        # as official documents wrote it), i.e. by the era in effect on 31 December.
        era, y = wareki_year(date(d.year, 12, 31))
        suffix = "年度" if period.precision == "fiscal_year" else "年"
        return f"{era}{_year(y)}{suffix}"
    # A month that began just before 明治 (1868-10) is named by the era it ends in.
    era, y = wareki_year(max(d, ERAS[-1][2]) if period.precision == "month" else d)
    if period.precision == "month":
        return f"{era}{_year(y)}年{d.month}月"
    return f"{era}{_year(y)}年{d.month}月{d.day}日"


_WAREKI = re.compile(
    r"^(?P<era>明治|大正|昭和|平成|令和)(?P<year>元|\d{1,3})年(?P<fy>度)?"
    r"(?:(?P<month>\d{1,2})月(?:(?P<day>\d{1,2})日)?)?(?P<end>末)?$"
)


def parse_wareki(text: str) -> Period:
    """令和6年7月(末) → 2024-07, 令和元年5月1日 → 2019-05-01, 令和5年度 → FY2023 (inverse of
    `wareki`); a date outside its era (平成31年5月1日) is an error."""
    m = _WAREKI.match(unicodedata.normalize("NFKC", text).strip())
    if not m or (m["fy"] and m["month"]):
        raise ValueError(f"{text!r} is not a Japanese-era date such as 令和6年7月 or 令和5年度")
    starts = {name: start for name, _en, start in ERAS}
    start = starts[m["era"]]
    year = start.year + (1 if m["year"] == "元" else int(m["year"])) - 1
    if year < start.year or (m["year"] != "元" and int(m["year"]) < 1):
        raise ValueError(f"{text!r}: no year 0 in an era")
    later = [s for _n, _e, s in ERAS if s > start]
    era_end = min(later) if later else date.max
    if m["fy"]:
        period = Period(date(year, 4, 1), "fiscal_year")
    elif m["day"]:
        period = Period(date(year, int(m["month"]), int(m["day"])), "day")
    elif m["month"]:
        period = Period(date(year, int(m["month"]), 1), "month")
    else:
        period = Period(date(year, 1, 1), "year")
    # The period must overlap the era (平成31年度 and 令和元年度 are both FY2019).
    first, last = period.start, period.end
    if last < start or first >= era_end:
        raise ValueError(
            f"{text!r} is outside the {m['era']} era ({start.isoformat()} to "
            f"{era_end.isoformat() if later else 'now'})"
        )
    return period


def _year(y: int) -> str:
    return "元" if y == 1 else str(y)


def date_label(period: Period, style: str = "long", lang: str = "ja") -> str:
    """A period for prose: long (2024年7月 / July 2024), dot (2024.7) or wareki (令和6年7月)."""
    if style == "wareki":
        return wareki(period) if lang == "ja" else period.label("long", "en")
    return period.label(style, lang)


def with_unit(text: str, unit: str, lang: str = "ja") -> str:
    """Attach a unit as Japanese prose does: no space (75%, 1,105人); English spaces words."""
    if not unit:
        return text
    if lang == "en" and unit not in ("%",) and unit.isascii():
        return f"{text} {unit}"
    return f"{text}{unit}"
