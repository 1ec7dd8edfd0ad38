"""Dimension values as files write them, matched to codes: 東京都, 東京, 13, 130001 → prefecture 13.

A value is matched after NFKC normalisation and with spaces removed, so 「東　京　都」, 「１３」 and
「0～4歳」/「0~4歳」 match too. A text that fits two codes (府中市: Tokyo and Hiroshima) is an
error that names both, never a guess.

The built-in 都道府県 and 市区町村 are read by `nenpo.japan.columns.CodeColumn`: codes in any form
(12203 could be 北海道士別市 or 千葉県市川市) are read in the one form the whole column fits,
so a Lookup of those is made per column, and `finish` is asked once every value has been read.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from datetime import date, datetime
from typing import Any

from ..japan.codes import CodeError
from ..japan.columns import CodeColumn
from ..model.builtin import BUILTIN_IDS
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
        *,
        code_form: str | None = None,
        column: str = "",
        key: str = "",
    ):
        self.dim = dim
        self.table: dict[str, str] = {}
        self.ambiguous: dict[str, set[str]] = {}
        codes = {v.code for v in dim.values}
        # The built-in dimensions' codes and names are read by the column, not by this table.
        self.column: CodeColumn | None = None
        if dim.id in BUILTIN_IDS:
            self.column = CodeColumn(dim.id, code_form, column, key)  # type: ignore[arg-type]
        elif code_form is not None:
            raise ValueError(f"code_form is for prefecture and municipality, not {dim.id!r}")
        for v in dim.values if self.column is None else ():
            keys = [v.code, v.label.ja, v.label.en, *v.aliases]
            for key_ in {normalise(k) for k in keys if k}:
                self._add(key_, v.code)
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
        """The code for a cell, TOTAL or SKIP; CellError saying what was expected otherwise.

        A cell of a municipality column narrowed by a prefecture column comes as the pair
        (prefecture cell, cell).
        """
        value = cell[1] if isinstance(cell, tuple) else cell
        if isinstance(value, (bool, date, datetime)):
            raise CellError(f"{value!r} is not a value of {self._what()}")
        text = "" if value is None else str(value)
        if isinstance(value, str):
            if is_formula(text.strip()):
                raise CellError(_formula(text))
            key = normalise(text)
            if key in self.table:
                return self.table[key]
        if self.column is not None:
            if not text.strip():
                raise CellError(f"empty cell; expected a value of {self._what()}")
            try:
                return self.column.read(cell if isinstance(cell, tuple) else value)
            except CodeError as exc:
                raise CellError(str(exc)) from None
        if isinstance(value, (int, float)):
            return self._number(value)
        key = normalise(text)
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
        if s in self.table:
            return self.table[s]
        # A sheet drops leading zeros: code 01 arrives as 1. Only a code with zeros in front
        # that no other code shares is taken: two would be a guess.
        found = {
            self.table[k] for k in (s.zfill(w) for w in range(len(s) + 1, 7)) if k in self.table
        }
        if len(found) == 1:
            return found.pop()
        if found:
            both = ", ".join(sorted(found))
            raise CellError(
                f"{s!r} is ambiguous in {self._what()}: with zeros in front it fits {both}"
            )
        raise CellError(f"{s!r} is not a value of {self._what()}; expected {self._examples()}")

    def observe(self, cells: Iterable[Hashable]) -> None:
        """Cells read ahead, so that a built-in column knows its form before its first cell."""
        if self.column is not None:
            self.column.observe(c for c in cells if not self._in_table(c))

    def finish(self, streamed: Mapping[Any, object]) -> tuple[str | None, dict[Hashable, str]]:
        """After every cell is read: a problem with the whole column, and the cells read wrongly
        or not settled by the column (built-in dimensions only; see CodeColumn.finish)."""
        if self.column is None:
            return None, {}
        return self.column.finish({c: r for c, r in streamed.items() if not self._in_table(c)})

    def resolve_all(self, cells: Iterable[Hashable]) -> dict[Hashable, str | CellError]:
        """Each cell's code, the column decided from all of them (fixed values, wide headers)."""
        out: dict[Hashable, str | CellError] = {}
        for c in cells:
            try:
                out[c] = self.resolve(c)
            except CellError as exc:
                out[c] = exc
        whole, late = self.finish(dict(out))
        for c in out:
            if whole:
                out[c] = CellError(whole)
            elif c in late:
                out[c] = CellError(late[c])
        return out

    def _in_table(self, cell: object) -> bool:
        value = cell[1] if isinstance(cell, tuple) else cell
        return isinstance(value, str) and normalise(value) in self.table

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
