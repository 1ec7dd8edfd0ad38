"""Numbers as Japanese and English readers expect them: 1,105人, 9,308万枚 / 93.08 million,
+2.9ポイント / +2.9 points, 75%.

One formatter for both languages (`number`: separators and half-up rounding are the same in
ja and en), the large units (万/億, million/billion) printed and parsed, and the suffixes of a
change in percentage points (ポイント, PT; points, pp).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

# The large units tables and prose write after a number: 9,308万, 1.5億, 3千.
MULTIPLIERS = {"千": 1_000, "万": 10_000, "百万": 1_000_000, "億": 100_000_000, "兆": 10**12}


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
    if unit not in ("万", "億"):
        raise KeyError(unit)
    return f"{number(value / MULTIPLIERS[unit], decimals)}{unit}"


def parse_large(text: str) -> float:
    """'9,308万' → 93080000.0; '1.2億' → 120000000.0 (inverse of `large`)."""
    t = text.replace(",", "").strip()
    for unit in ("億", "万"):
        if t.endswith(unit):
            return float(Decimal(t[:-1]) * MULTIPLIERS[unit])
    return float(t)


def points(diff: float, decimals: int, lang: str = "ja", short: bool = False) -> str:
    """A change in percentage points: +2.9ポイント / +2.9 points; short: +2.9PT / +2.9 pp."""
    if short:  # PT is Japanese usage, English writes pp
        suffix = "PT" if lang == "ja" else " pp"
    else:
        suffix = "ポイント" if lang == "ja" else " points"
    return number(diff, decimals, sign=True) + suffix


def percent(value: float, decimals: int, sign: bool = False) -> str:
    """75.0% in both languages (no space before %)."""
    return number(value, decimals, sign=sign) + "%"


def with_unit(text: str, unit: str, lang: str = "ja") -> str:
    """Attach a unit as Japanese prose does: no space (75%, 1,105人); English spaces words."""
    if not unit:
        return text
    if lang == "en" and unit not in ("%",) and unit.isascii():
        return f"{text} {unit}"
    return f"{text}{unit}"
