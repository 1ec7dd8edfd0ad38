"""Dimensions every workspace has without defining them: 都道府県 and 市区町村."""

from __future__ import annotations

from .municipalities import municipality_dimension
from .prefectures import PREFECTURE_DIMENSION
from .workspace import Dimension

BUILTIN_IDS = ("prefecture", "municipality")


def builtin_dimensions() -> list[Dimension]:
    """The prefecture (JIS X 0401) and municipality (団体コード) dimensions."""
    return [PREFECTURE_DIMENSION, municipality_dimension()]
