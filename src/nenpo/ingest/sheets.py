"""What a table says above its header: its sheet's name and its title rows, where a mapping may
find the period or a dimension value of the whole sheet (「…(2022年12月31日時点)」)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ..errors import Problem
from ..japan.periods import DATE_IN_TEXT, Period, Precision
from .cells import CellError, normalise
from .cells import parse_period as _parse_period
from .codes import SKIP, TOTAL, Lookup
from .mapping import DimensionSpec, FromSheet
from .tables import Cell


@dataclass(frozen=True)
class Sheet:
    """What a table says above its header: its sheet's name (a CSV file's name without its
    extension) and the title rows, for a period or dimension taken from them."""

    name: str
    above: dict[int, Sequence[Cell]]

    def text(self, spec: FromSheet) -> str:
        """The sheet's name, or the text of the title row the spec names."""
        if spec.sheet_name:
            return self.name
        cells = self.above.get(spec.title_row or 0, ())
        return " ".join(header_text(c) for c in cells if header_text(c))


def period_in(text: str, pattern: str | None, precision: Precision | None) -> Period:
    """The one period written in a title or sheet name: 「交付状況(2022年12月31日時点)」.

    `pattern`'s first group (or whole match) is the date; without it, every date-like part of
    the text is tried and exactly one period must come out: two are an error, not a guess.
    """
    s = normalise(text)
    if pattern is not None:
        m = re.search(pattern, unicodedata.normalize("NFKC", text))
        if m is None:
            raise CellError(f"{pattern!r} does not match {text!r}")
        return _parse_period(m.group(1) if m.groups() else m.group(0), precision)
    found: dict[str, Period] = {}
    for part in DATE_IN_TEXT.findall(s):
        try:
            period = _parse_period(part, precision)
        except CellError:
            continue
        found[period.key] = period
    if len(found) == 1:
        return next(iter(found.values()))
    if not found:
        raise CellError(f"no date in {text!r}")
    raise CellError(f"{text!r} holds several dates ({', '.join(found)}); say which with `pattern:`")


def header_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    if isinstance(cell, float) and cell == int(cell):
        return str(int(cell))
    return str(cell).strip()


def sheet_code(
    lookup: Lookup,
    spec: DimensionSpec,
    sheet: Sheet,
    file: str,
    dim_id: str,
    problems: list[Problem],
) -> str | None:
    """A dimension's value for the whole sheet, from its name or a title row."""
    text = sheet.text(spec)
    if spec.pattern is not None:
        m = re.search(spec.pattern, text)
        text = (m.group(1) if m.groups() else m.group(0)) if m else ""
    code = lookup.resolve_all([text])[text]
    if isinstance(code, str) and code not in (TOTAL, SKIP):
        return code
    where = "the sheet's name" if spec.sheet_name else f"the title (row {spec.title_row})"
    why = str(code) if isinstance(code, CellError) else "a total cannot be a sheet's value"
    problems.append(Problem(file, spec.title_row, None, f"{dim_id} from {where}: {why}"))
    return None
