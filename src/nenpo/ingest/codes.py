"""Dimension values as files write them, matched to codes: 東京都, 東京, 13, 130001 → prefecture 13.

A value is matched after NFKC normalisation and with spaces removed, so 「東　京　都」, 「１３」 and
「0～4歳」/「0~4歳」 match too. A text that fits two codes (府中市: Tokyo and Hiroshima) is an
error that names both, never a guess.
"""

from __future__ import annotations

from datetime import date, datetime

from ..model.workspace import Dimension
from .cells import CellError, is_formula, normalise

TOTAL = "\x00total"  # the row is the total over this dimension: no dimension value
SKIP = "\x00skip"  # the row is left out


class Lookup:
    """Text (or a number from a sheet) → the code of one dimension's value."""

    def __init__(
        self,
        dim: Dimension,
        map_: dict[str, str] | None = None,
        total: list[str] | tuple[str, ...] = (),
        skip: list[str] | tuple[str, ...] = (),
    ):
        self.dim = dim
        self.table: dict[str, str] = {}
        self.ambiguous: dict[str, set[str]] = {}
        codes = {v.code for v in dim.values}
        for v in dim.values:
            keys = [v.code, v.label.ja, v.label.en, *v.aliases]
            for key in {normalise(k) for k in keys if k}:
                self._add(key, v.code)
        for text, code in (map_ or {}).items():
            if code not in codes:
                raise ValueError(f"{code!r} is not a code of dimension {dim.id!r}")
            key = normalise(text)
            self.ambiguous.pop(key, None)
            self.table[key] = code  # an explicit map wins over labels
        for text in total:
            self.table[normalise(text)] = TOTAL
        for text in skip:
            self.table[normalise(text)] = SKIP

    def _add(self, key: str, code: str) -> None:
        if key in self.ambiguous:
            self.ambiguous[key].add(code)
        elif key in self.table and self.table[key] != code:
            self.ambiguous[key] = {self.table.pop(key), code}
        else:
            self.table[key] = code

    def resolve(self, cell: object) -> str:
        """The code for a cell, TOTAL or SKIP; CellError saying what was expected otherwise."""
        if isinstance(cell, (bool, date, datetime)):
            raise CellError(f"{cell!r} is not a value of {self._what()}")
        if isinstance(cell, (int, float)):
            return self._number(cell)
        text = "" if cell is None else str(cell)
        if is_formula(text.strip()):
            raise CellError(_formula(text))
        key = normalise(text)
        if key in self.table:
            return self.table[key]
        if key in self.ambiguous:
            labels = {v.code: v.label.ja for v in self.dim.values}
            both = ", ".join(f"{c} ({labels[c]})" for c in sorted(self.ambiguous[key]))
            raise CellError(
                f"{text!r} is ambiguous in {self._what()}: it fits {both}; use the code"
            )
        if not key:
            raise CellError(f"empty cell; expected a value of {self._what()}")
        raise CellError(f"{text!r} is not a value of {self._what()}; expected {self._examples()}")

    def _number(self, n: float) -> str:
        if n != int(n):
            raise CellError(f"{n!r} is not a value of {self._what()}")
        s = str(int(n))
        # A sheet drops leading zeros: 011002 (札幌市) arrives as 11002, 1 (北海道) as 1.
        for key in (s, s.zfill(6), s.zfill(5), s.zfill(2)):
            if key in self.table:
                return self.table[key]
        raise CellError(f"{s!r} is not a value of {self._what()}; expected {self._examples()}")

    def _what(self) -> str:
        return f"{self.dim.name.ja} ({self.dim.id})"

    def _examples(self) -> str:
        v = self.dim.values
        if self.dim.id == "prefecture":
            return "a JIS X 0401 code 01–47 or a name such as 東京都 or 東京"
        if self.dim.id == "municipality":
            return "a 団体コード such as 131016 (or 13101) or a name such as 東京都千代田区"
        shown = ", ".join(f"{x.code} ({x.label.ja})" for x in v[:6])
        return f"one of {shown}{' …' if len(v) > 6 else ''}"


def _formula(text: str) -> str:
    short = text if len(text) <= 40 else text[:37] + "…"
    return (
        f"{short!r} is a spreadsheet formula, not a value; "
        "save the sheet with values (paste as values) before importing"
    )


formula_message = _formula
