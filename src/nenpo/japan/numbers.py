"""Numbers as Japanese and English readers expect them: 1,105人, 9,308万枚 / 93.08 million,
+2.9ポイント / +2.9 pp, 75%.

The one home of every printed number. `Display` is an indicator's display format, decided from
the indicator (its unit and decimals) and each value's magnitude: every output that prints a
value of the indicator — prose references, 最新値 and 目標, chart labels, axes and alt text,
tables, the deck and the PDFs — prints it through `Display.value`, and a change in percentage
points through `Display.change` (+2.9ポイント / +2.9 pp), so that one figure reads one way
everywhere (issue 16; tests/test_formats_rendered.py). Below it: `number` (separators and
half-up rounding, the same in ja and en), the large units (万/億, million/billion) printed and
parsed.
"""

from __future__ import annotations

from dataclasses import dataclass
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


def parse_large(text: str) -> float:
    """'9,308万' → 93080000.0; '1.2億' → 120000000.0 (inverse of `scaled`)."""
    t = text.replace(",", "").strip()
    for unit in ("億", "万"):
        if t.endswith(unit):
            return float(Decimal(t[:-1]) * MULTIPLIERS[unit])
    return float(t)


# The one way a change in percentage points is written: ポイント in Japanese prose (PT is a
# table abbreviation that read as a second notation beside it), pp in English.
POINTS = {"ja": "ポイント", "en": " pp"}


def points(diff: float, decimals: int, lang: str = "ja") -> str:
    """A change in percentage points: +2.9ポイント / +2.9 pp."""
    return number(diff, decimals, sign=True) + POINTS["en" if lang == "en" else "ja"]


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


# From a million up a count is written in large units (9,760万件, 97.6 million): below, every
# digit is kept (58,000人, 504枚), so a small value is never rounded to 0万.
LARGE_FROM = 1_000_000
# Large units keep at most this many decimals, trailing zeros dropped (1.2億, 97.6 million,
# 51.13 million): 万 has none (9,760万), so ja and en keep the same precision (10^4).
LARGE_DECIMALS = 2


def _trim(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def scaled(value: float, lang: str = "ja", sign: bool = False) -> tuple[str, str]:
    """(number, large unit) of a value of a million or more: (9,760, 万), (97.6, million);
    ('', '') below a million."""
    a = abs(value)
    if a < LARGE_FROM:
        return "", ""
    if lang == "en":
        size, name = (1e9, " billion") if a >= 1e9 else (1e6, " million")
    else:
        size, name = (1e8, "億") if a >= 1e8 else (1e4, "万")
    dec = 0 if name == "万" else LARGE_DECIMALS
    return _trim(number(value / size, dec, sign=sign)), name


@dataclass(frozen=True)
class Display:
    """An indicator's display format: its unit in each language and its decimals. The one
    formatter of its values (`value`) and of their changes (`change`, `points`)."""

    unit: str = ""
    unit_en: str | None = None
    decimals: int = 0

    def unit_in(self, lang: str) -> str:
        return self.unit_en if lang == "en" and self.unit_en is not None else self.unit

    @property
    def percent(self) -> bool:
        return self.unit == "%"

    def number(self, value: float, lang: str = "ja", sign: bool = False) -> str:
        """The value without its unit: 1,105; 9,760万 / 97.6 million; 11.13."""
        if not self.percent:
            text, large_unit = scaled(value, lang, sign)
            if large_unit:
                return text + large_unit
        return number(value, self.decimals, sign=sign)

    def value(self, value: float, lang: str = "ja", sign: bool = False, unit: bool = True) -> str:
        """The value as every output prints it: 1,105人, 9,760万件, 97.6 million applications,
        75%, 11.13%."""
        text = self.number(value, lang, sign)
        return with_unit(text, self.unit_in(lang), lang) if unit else text

    def change(self, diff: float, lang: str = "ja", unit: bool = True) -> str:
        """A difference of two values: in percentage points for a % indicator (+6.80ポイント,
        +6.80 pp), else signed in the indicator's unit (+534人, +4,647万件)."""
        if self.percent:
            return points(diff, self.decimals, lang)
        return self.value(diff, lang, sign=True, unit=unit)

    def points(self, diff: float, lang: str = "ja") -> str:
        return points(diff, self.decimals, lang)
