"""Workbooks (.xlsx) of plain tables, written straight as SpreadsheetML.

Why not openpyxl (which nenpo reads workbooks with): writing the example's open data — 21,000
rows in 62 workbooks — took openpyxl 1.4 s per 10,000 rows on the development machine, a
streaming writer of the same cells 0.18 s; a build must stay fast (docs/opendata.md, "Speed").
Tables need little of the format: sheets of numbers, booleans and text, one style (the quote
prefix), no formulas ever. The tests read every workbook back with openpyxl.

Text is stored inline (`inlineStr`), never as a formula: a cell is a formula only if it has an
`<f>` element, which this writer never writes. Text a spreadsheet would take for a formula when
a reader edits the cell (= + - @ tab CR first) gets Excel's quote prefix, which keeps it text.
"""

from __future__ import annotations

import functools
import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from ..japan.numbers import number
from .tabular import needs_quote

Value = str | int | float | bool | None
MAX_ROWS = 1_048_576  # Excel's last row
# Characters XML 1.0 cannot carry, and the `_xHHHH_` escapes of the format itself: written as
# `_xHHHH_` (ECMA-376 Part 1, 22.9.2.19), so that every text comes back as it went in.
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.styles+xml"/>{sheets}</Types>'
)
_SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# Two cell formats: 0 the default, 1 text with the quote prefix.
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<styleSheet xmlns="{_NS}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    "</cellStyleXfs>"
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def column_name(i: int) -> str:
    """Excel's name of the i-th column: 0 → A, 25 → Z, 26 → AA."""
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def _text(value: str) -> str:
    value = _UNSAFE.sub(lambda m: f"_x{ord(m[0]):04X}_", value)
    # A carriage return would come back a line feed (XML normalises line ends): a reference.
    return escape(value).replace("\r", "&#13;")


@functools.lru_cache(maxsize=1 << 16)
def _text_cell(v: str) -> str:
    """A text cell after its reference (tables repeat their texts: each is escaped once)."""
    style = ' s="1"' if needs_quote(v) else ""
    space = ' xml:space="preserve"' if v != v.strip() else ""
    return f'{style} t="inlineStr"><is><t{space}>{_text(v)}</t></is></c>'


def _cells(row: Sequence[Value], n: int, names: list[str]) -> str:
    out = []
    for name, v in zip(names, row, strict=False):
        if v is None:
            continue
        if v is True or v is False:
            out.append(f'<c r="{name}{n}" t="b"><v>{int(v)}</v></c>')
        elif isinstance(v, str):
            out.append(f'<c r="{name}{n}"{_text_cell(v)}')
        elif isinstance(v, int) or math.isfinite(v):
            out.append(f'<c r="{name}{n}"><v>{v!r}</v></c>')
        else:  # a number a workbook cannot hold (inf, nan) is written as text
            out.append(f'<c r="{name}{n}"{_text_cell(str(v))}')
    return f'<row r="{n}">{"".join(out)}</row>'


def _sheet(rows: Iterable[Sequence[Value]], widths: Sequence[float]) -> Iterable[str]:
    yield (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{_NS}" xmlns:r="{_REL}">'
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
        'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
    )
    if widths:
        yield (
            "<cols>"
            + "".join(
                f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"/>'
                for i, w in enumerate(widths, 1)
            )
            + "</cols>"
        )
    yield "<sheetData>"
    names = [column_name(i) for i in range(max(len(widths), 1))]
    for n, row in enumerate(rows, 1):
        if len(row) > len(names):
            names = [column_name(i) for i in range(len(row))]
        yield _cells(row, n, names)
    yield "</sheetData></worksheet>"


def _member(name: str) -> zipfile.ZipInfo:
    """A member of the package, dated 1980-01-01: the same tables give the same bytes."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def write_xlsx(path: Path, sheets: list[tuple[str, list[Sequence[Value]]]]) -> Path:
    """Write a workbook of `sheets` (name, rows: the first row is the header, frozen) to `path`.
    A sheet's name must be unique, at most 31 characters, without []:*?/\\."""
    for name, rows in sheets:
        if len(rows) > MAX_ROWS:
            raise ValueError(
                f"sheet {name!r} has {number(len(rows))} rows; Excel holds {number(MAX_ROWS)}"
            )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.writestr(
            _member("[Content_Types].xml"),
            _CONTENT_TYPES.format(
                sheets="".join(_SHEET_TYPE.format(n=n) for n in range(1, len(sheets) + 1))
            ),
        )
        z.writestr(_member("_rels/.rels"), _ROOT_RELS)
        z.writestr(
            _member("xl/workbook.xml"),
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<workbook xmlns="{_NS}" xmlns:r="{_REL}"><sheets>'
            + "".join(
                f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{n}" r:id="rId{n}"/>'
                for n, (name, _rows) in enumerate(sheets, 1)
            )
            + "</sheets></workbook>",
        )
        z.writestr(
            _member("xl/_rels/workbook.xml.rels"),
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(
                f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" '
                f'Target="worksheets/sheet{n}.xml"/>'
                for n in range(1, len(sheets) + 1)
            )
            + f'<Relationship Id="rId{len(sheets) + 1}" Type="{_REL}/styles" '
            'Target="styles.xml"/></Relationships>',
        )
        z.writestr(_member("xl/styles.xml"), _STYLES)
        for n, (_name, rows) in enumerate(sheets, 1):
            header = rows[0] if rows else []
            widths = [max(8.0, min(40.0, len(str(h)) + 4.0)) for h in header]
            with z.open(_member(f"xl/worksheets/sheet{n}.xml"), "w") as f:
                chunk: list[str] = []
                for part in _sheet(rows, widths):
                    chunk.append(part)
                    if len(chunk) >= 2000:  # rows: write in pieces of a few hundred KB
                        f.write("".join(chunk).encode("utf-8"))
                        chunk.clear()
                f.write("".join(chunk).encode("utf-8"))
    return path
