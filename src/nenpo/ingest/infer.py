"""`nenpo import --infer FILE`: propose a mapping from a table's header and first rows.

The proposal is a starting point to edit, written as YAML with a comment on every guess: which
row is the header (title rows above it are common in government sheets), which column holds the
dates, which hold prefectures, municipalities or another known dimension, which hold numbers
(matched to indicators by name where a workspace is loaded), and whether the table is wide (one
column per month).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..model.builtin import builtin_dimensions
from ..model.workspace import Dimension
from .cells import (
    DEFAULT_MISSING,
    CellError,
    fast_number,
    normalise,
    parse_number,
    parse_period,
)
from .codes import Lookup
from .plan import Catalog
from .tables import Cell, Table, TableError, open_table

SAMPLE_ROWS = 200
MISSING = frozenset(DEFAULT_MISSING)
TOTAL_WORDS = ("全国", "合計", "総計", "計", "総数", "全体", "全県", "全市町村")
CODE_WORDS = ("コード", "code", "都道府県", "市区町村", "団体", "番号")
DATE_WORDS = ("基準日", "年月日", "年月", "日付", "時点", "date", "年度", "期間")


@dataclass
class Column:
    """What the sample says one column is."""

    index: int
    name: str
    kind: str = "text"  # period | dimension | number | indicator | text | empty
    dimension: str | None = None
    totals: list[str] = field(default_factory=list)
    indicator: str | None = None


def infer(path: Path, catalog: Catalog | None = None) -> str:
    """A proposed mapping for `path`, as commented YAML."""
    table = open_table(path, str(path))
    sample: list[Sequence[Cell]] = []
    for _, cells in table.rows():
        sample.append(cells)
        if len(sample) >= SAMPLE_ROWS:
            break
    if not any(_text(c) for row in sample for c in row):
        raise TableError(str(path), None, "empty file: no rows to propose a mapping from")
    header_at = _header_row(sample)
    header = [_text(c) for c in sample[header_at]] if sample else []
    body = [r for r in sample[header_at + 1 :] if any(_text(c) for c in r)]
    dims = {d.id: d for d in (catalog.dimensions.values() if catalog else builtin_dimensions())}
    columns = [_column(i, name, body, dims, catalog) for i, name in enumerate(header)]
    return _render(table, header_at + 1, columns, catalog)


def _text(c: Cell) -> str:
    if c is None:
        return ""
    if isinstance(c, float) and c == int(c):
        return str(int(c))
    return str(c).strip()


def _is_number(c: Cell) -> bool:
    if isinstance(c, (int, float)) and not isinstance(c, bool):
        return True
    t = _text(c)
    if not t:
        return False
    if fast_number(t) is not None:
        return True
    try:
        parse_number(t, frozenset({"%"}))
    except CellError:
        return False
    return True


def _header_row(sample: list[Sequence[Cell]]) -> int:
    """The first row that is mostly text and about as wide as the table (titles are narrow)."""
    width = max((sum(1 for c in r if _text(c)) for r in sample), default=0)
    for i, row in enumerate(sample[:30]):
        filled = [c for c in row if _text(c)]
        texts = [c for c in filled if not _is_number(c)]
        if width and len(filled) >= max(2, 0.6 * width) and len(texts) >= len(filled) / 2:
            return i
    return 0


def _column(
    i: int,
    name: str,
    body: list[Sequence[Cell]],
    dims: dict[str, Dimension],
    catalog: Catalog | None,
) -> Column:
    col = Column(i, name or f"(column {i + 1})")
    # Missing-value markers (－, x, …) say nothing about what a column holds.
    cells = [r[i] for r in body if i < len(r) and _text(r[i]) not in MISSING]
    if not cells:
        col.kind = "empty"
        return col
    if _share(cells, _is_period) >= 0.8 and (
        not all(_is_number(c) for c in cells) or any(w in name for w in DATE_WORDS)
    ):
        col.kind = "period"
        return col
    numeric = _share(cells, _is_number) >= 0.8
    if numeric and not any(w in name.lower() for w in CODE_WORDS):
        col.kind = "number"
        col.indicator = _indicator_for(name, catalog)
        return col
    for dim_id, dim in dims.items():
        lookup = Lookup(dim)
        fits, totals = 0, set()
        for c in cells:
            try:
                lookup.resolve(c)
                fits += 1
            except CellError:
                if _text(c) in TOTAL_WORDS:
                    totals.add(_text(c))
        if fits and (fits + sum(_text(c) in totals for c in cells)) / len(cells) >= 0.8:
            col.kind, col.dimension, col.totals = "dimension", dim_id, sorted(totals)
            return col
    if numeric:
        col.kind = "number"
        col.indicator = _indicator_for(name, catalog)
        return col
    if catalog is not None:
        names = {normalise(k) for ind in catalog.indicators.values() for k in (ind.id, ind.name.ja)}
        if _share(cells, lambda c: normalise(_text(c)) in names) >= 0.8:
            col.kind = "indicator"
    return col


def _share(cells: list[Cell], test: Callable[[Cell], bool]) -> float:
    return sum(1 for c in cells if test(c)) / len(cells)


def _is_period(c: Cell) -> bool:
    try:
        parse_period(c)
    except CellError:
        return False
    return True


def _indicator_for(name: str, catalog: Catalog | None) -> str | None:
    """An indicator whose name is the column's (交付枚数 → マイナンバーカード交付枚数)."""
    if catalog is None or not name:
        return None
    key = normalise(name)
    named = {i.id: normalise(i.name.ja) for i in catalog.indicators.values()}
    for test in (lambda n: n == key, lambda n: n.endswith(key), lambda n: key in n):
        hits = [ident for ident, n in named.items() if test(n)]
        if len(hits) == 1:
            return hits[0]
    return None


def _q(s: str) -> str:
    """A YAML scalar, quoted when needed (JSON strings are valid YAML)."""
    return json.dumps(s, ensure_ascii=False)


def _render(table: Table, header_row: int, columns: list[Column], catalog: Catalog | None) -> str:
    out = [f"# Proposed by `nenpo import --infer {table.shown}`: check every line marked TODO."]
    how = f"sheet {table.sheet!r}" if table.format == "xlsx" else f"encoding {table.encoding}"
    out.append(f"# Read as {table.format} ({how}).")
    if table.format == "xlsx":
        out.append(f"sheet: {_q(table.sheet or '')}")
    if header_row != 1:
        out.append(f"header_row: {header_row}  # the rows above look like titles")
    wide = [c for c in columns if _is_period(c.name) and c.kind in ("number", "empty")]
    periods = [c for c in columns if c.kind == "period"]
    if len(wide) >= 2:
        names = ", ".join(_q(c.name) for c in wide)
        out.append("wide:  # one column per period")
        out.append(f"  columns: [{names}]")
        out.append("  into: period")
        ind = next((c for c in columns if c.kind == "indicator"), None)
        if ind is not None:
            out.append(f"indicator: {{column: {_q(ind.name)}}}")
        else:
            out.append("indicator: TODO  # the id of the indicator these values are")
    else:
        if periods:
            extra = (
                f"  # also dates: {', '.join(c.name for c in periods[1:])}" if periods[1:] else ""
            )
            out.append(f"period: {{column: {_q(periods[0].name)}}}{extra}")
        else:
            out.append("period: {value: TODO}  # no column of dates found: the file's date")
        numbers = [c for c in columns if c.kind == "number"]
        out.append("values:  # indicator id: column")
        for c in numbers:
            if c.indicator:
                out.append(f"  {c.indicator}: {_q(c.name)}")
            else:
                out.append(f"  column_{c.index + 1}: {_q(c.name)}  # TODO: an indicator id")
        if not numbers:
            out.append("  {}  # TODO: no column of numbers found")
    dim_cols = [c for c in columns if c.kind == "dimension"]
    texts = [c for c in columns if c.kind == "text"]
    if dim_cols or texts:
        out.append("dimensions:")
    for c in dim_cols:
        totals = f", total: [{', '.join(_q(t) for t in c.totals)}]" if c.totals else ""
        out.append(f"  {c.dimension}: {{column: {_q(c.name)}{totals}}}")
    for c in texts:
        out.append(
            f"  # TODO {_q(c.name)} holds text that is no known dimension: define one in "
            "dimensions.yaml, or leave the column out"
        )
    out.append("provenance: real  # TODO: or illustrative")
    out.append("# source: TODO  # a source id (default: each indicator's own)")
    return "\n".join(out) + "\n"
