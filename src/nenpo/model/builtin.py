"""Dimensions every workspace has without defining them: 都道府県 and 市区町村.

Their values come from the reference lists in `nenpo.japan.codes`; an import reads their
columns with `nenpo.japan.columns.CodeColumn` (codes in any form, names, variants).
"""

from __future__ import annotations

from functools import cache

from ..japan.codes import PREFECTURES, municipalities, wards
from .text import I18n
from .workspace import Dimension, DimensionValue

BUILTIN_IDS = ("prefecture", "municipality")

PREFECTURE_DIMENSION = Dimension(
    id="prefecture",
    name=I18n(ja="都道府県", en="Prefecture"),
    values=[
        DimensionValue(
            code=p.code,
            label=I18n(ja=p.name, en=p.en),
            aliases=[p.short, str(int(p.code)), p.lg_code],
        )
        for p in PREFECTURES
    ],
)


@cache
def municipality_dimension() -> Dimension:
    """The built-in `municipality` dimension: the 1,741 municipalities and the 171 wards of the
    designated cities, coded by 団体コード, labelled 東京都府中市."""
    values = [
        DimensionValue(code=p.code, label=I18n(ja=p.full_name), aliases=[p.code[:5], p.name])
        for p in (*municipalities(), *wards())
    ]
    return Dimension(id="municipality", name=I18n(ja="市区町村", en="Municipality"), values=values)


def builtin_dimensions() -> list[Dimension]:
    """The prefecture (JIS X 0401) and municipality (団体コード) dimensions."""
    return [PREFECTURE_DIMENSION, municipality_dimension()]
