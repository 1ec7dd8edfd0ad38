"""Number and date formats Japanese readers expect: 1,105人, 9,308万枚, +2.9ポイント, 令和6年7月."""

from __future__ import annotations

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
    if period.precision == "fiscal_year":
        # A fiscal year is named after the era year in which it starts (April).
        era, y = wareki_year(d)
        return f"{era}{_year(y)}年度"
    era, y = wareki_year(d)
    if period.precision == "year":
        return f"{era}{_year(y)}年"
    if period.precision == "month":
        return f"{era}{_year(y)}年{d.month}月"
    return f"{era}{_year(y)}年{d.month}月{d.day}日"


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
