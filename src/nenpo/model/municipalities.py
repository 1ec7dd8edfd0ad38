"""The 1,741 municipalities (市区町村) with their 団体コード: a built-in dimension.

Codes are the six-digit 全国地方公共団体コード (the JIS X 0402 code and a check digit, as the
ministry publishes them). Imports also accept the five-digit JIS code, the name with its
prefecture (東京都府中市) and the bare name where it is unique (府中市 is not: Tokyo and Hiroshima).
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

from .text import I18n
from .workspace import Dimension, DimensionValue

_WEIGHTS = (6, 5, 4, 3, 2)


def check_digit(code5: str) -> str:
    """The check digit of a five-digit JIS X 0402 code: 13101 → 6 (131016)."""
    total = sum(int(d) * w for d, w in zip(code5, _WEIGHTS, strict=True))
    return str((11 - total % 11) % 10)


@cache
def municipalities() -> list[tuple[str, str, str]]:
    """(code, prefecture, name) for every municipality, in code order."""
    text = resources.files("nenpo.model").joinpath("data/municipalities.csv").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    return [(r["code"], r["prefecture"], r["name"]) for r in rows]


@cache
def municipality_dimension() -> Dimension:
    """The built-in `municipality` dimension: label 東京都府中市, aliases the 5-digit code and name.

    A name shared by two municipalities (府中市) stays an alias of both: lookups report it as
    ambiguous rather than pick one.
    """
    values = [
        DimensionValue(code=code, label=I18n(ja=pref + name), aliases=[code[:5], name])
        for code, pref, name in municipalities()
    ]
    return Dimension(id="municipality", name=I18n(ja="市区町村", en="Municipality"), values=values)
