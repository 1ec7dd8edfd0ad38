"""Cells as spreadsheets read them: CSV for Excel (UTF-8 with a BOM), and no text read as a formula.

A spreadsheet reads a cell that begins with = + - @ (or a tab or carriage return, which some
programs drop before looking) as a formula: a label such as `=HYPERLINK(…)` in a downloaded
file would run when opened (CSV injection). Text cells that begin so are written with a
leading apostrophe in CSV, which spreadsheets take as "this is text"; numbers are written as
numbers, so -1.5 stays a number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_FIRST = frozenset(TRIGGERS)


def neutralise(text: str) -> str:
    """`text` as a spreadsheet will read it as text: '=1+2 for =1+2; other text unchanged."""
    return "'" + text if text[:1] in _FIRST else text


def needs_quote(text: str) -> bool:
    """True when a spreadsheet would read `text` as a formula."""
    return text[:1] in _FIRST


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value  # numbers as Python writes them (5113, 4.33, -1.5), None as an empty cell


def csv_bytes(rows: Iterable[Iterable[Any]]) -> bytes:
    """CSV in UTF-8 with a BOM (so that Excel opens Japanese text correctly), lines ending in
    CRLF; text cells neutralised, booleans true/false, numbers as numbers."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_cell(c) for c in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
