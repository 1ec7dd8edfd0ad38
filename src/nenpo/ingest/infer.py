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

from ..japan.codes import digits
from ..model.builtin import BUILTIN_IDS, builtin_dimensions
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
from .sheets import period_in
from .tables import Cell, Table, TableError, file_format, open_books, open_table, open_tables

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
    form: str | None = None  # prefecture/municipality: the form of the codes (or names)


@dataclass
class _Sheet:
    """One table's sample: where its header is, the header, the rows under it."""

    table: Table
    header_at: int  # 0-based
    header: list[str]
    body: list[Sequence[Cell]]
    above: list[Sequence[Cell]]

    def shape(self) -> tuple[int, tuple[str, ...]]:
        return self.header_at, tuple(normalise(h) for h in self.header)


def infer(path: Path, catalog: Catalog | None = None) -> str:
    """A proposed mapping for `path`, as commented YAML.

    A workbook's sheets are each looked at; the mapping reads every sheet of the most common
    shape (the same header in the same row), and takes the period from the sheets' names or
    title rows when there is no column of dates. A file that holds no table is an error.
    """
    tables = (
        open_tables(path, str(path), sheet="*") if _is_xlsx(path) else [open_table(path, str(path))]
    )
    with open_books(tables) as books:
        sheets = [s for t in tables if (s := _sample(t, books.get(t.path))) is not None]
    if not sheets:
        what = "sheet" if len(tables) > 1 else "file"
        if _all_empty(tables):
            raise TableError(
                str(path), None, "no table found: empty file (no rows to propose a mapping from)"
            )
        raise TableError(
            str(path),
            None,
            f"no table found: no {what} has a row of column names with rows of values under it",
        )
    groups: dict[tuple[int, tuple[str, ...]], list[_Sheet]] = {}
    for sh in sheets:
        groups.setdefault(sh.shape(), []).append(sh)
    group = max(groups.values(), key=len)  # the first of the largest
    first = group[0]
    dims = {d.id: d for d in (catalog.dimensions.values() if catalog else builtin_dimensions())}
    body = [r for sh in group for r in sh.body][:SAMPLE_ROWS]
    columns = [_column(i, name, body, dims, catalog) for i, name in enumerate(first.header)]
    left_out = [t.sheet or "" for t in tables if t.sheet not in {sh.table.sheet for sh in group}]
    return _render(first, group, len(tables), left_out, columns, catalog)


def _all_empty(tables: list[Table]) -> bool:
    """Whether no table holds a single non-blank cell (read again: only on the error path)."""
    with open_books(tables) as books:
        return not any(
            _text(c) for t in tables for _, cells in t.rows(books.get(t.path)) for c in cells
        )


def _is_xlsx(path: Path) -> bool:
    try:
        return file_format(path) == "xlsx"
    except TableError:
        return False


def _sample(table: Table, book: object = None) -> _Sheet | None:
    """The first rows of a table, with its header found; None when it holds no table."""
    sample: list[Sequence[Cell]] = []
    for _, cells in table.rows(book):
        sample.append(cells)
        if len(sample) >= SAMPLE_ROWS:
            break
    if not any(_text(c) for row in sample for c in row):
        return None
    header_at = _header_row(sample)
    if header_at is None:
        return None
    header = [_text(c) for c in sample[header_at]]
    body = [r for r in sample[header_at + 1 :] if any(_text(c) for c in r)]
    if not body:
        return None
    return _Sheet(table, header_at, header, body, sample[:header_at])


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


def _header_row(sample: list[Sequence[Cell]]) -> int | None:
    """The first row that is mostly text and about as wide as the table (titles are narrow);
    None when no row of two or more cells is."""
    width = max((sum(1 for c in r if _text(c)) for r in sample), default=0)
    for i, row in enumerate(sample[:30]):
        filled = [c for c in row if _text(c)]
        texts = [c for c in filled if not _is_number(c)]
        if width and len(filled) >= max(2, 0.6 * width) and len(texts) >= len(filled) / 2:
            return i
    return None


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
    coded = any(w in normalise(name).lower() for w in CODE_WORDS)
    # Prefectures and municipalities first, read as an import reads them: the whole column in
    # one form. 団体コード with dropped zeros (11002) are numbers too: they are codes here.
    for dim_id in BUILTIN_IDS:
        if dim_id not in dims:
            continue
        fits, totals, form = _fits(dims[dim_id], cells)
        # A column of small numbers (1–47) is a prefecture code only under a name that says so.
        small = all(len(digits(c) or "xxx") <= 2 for c in cells)
        if fits >= 0.8 and (coded or not (numeric and small)):
            col.kind, col.dimension, col.totals, col.form = "dimension", dim_id, totals, form
            return col
    if numeric and not coded:
        col.kind = "number"
        col.indicator = _indicator_for(name, catalog)
        return col
    for dim_id, dim in dims.items():
        if dim_id in BUILTIN_IDS:
            continue
        fits, totals, _ = _fits(dim, cells)
        if fits >= 0.8:
            col.kind, col.dimension, col.totals = "dimension", dim_id, totals
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


def _fits(dim: Dimension, cells: list[Cell]) -> tuple[float, list[str], str | None]:
    """The share of cells that are values of `dim` (totals such as 全国 counted), the totals,
    and for a built-in dimension the form its column is in: TODO when every value reads two
    ways (the import would ask for `code_form`)."""
    lookup = Lookup(dim)
    found: dict[Cell, str | CellError] = {}
    for c in cells:
        if _text(c) not in TOTAL_WORDS and c not in found:
            try:
                found[c] = lookup.resolve(c)
            except CellError as exc:
                found[c] = exc
    fits = sum(1 for c in cells if isinstance(found.get(c), str))
    totals = sorted({_text(c) for c in cells if _text(c) in TOTAL_WORDS})
    share = (fits + sum(_text(c) in totals for c in cells)) / len(cells)
    form = None
    if lookup.column is not None and fits:
        whole, _ = lookup.finish(found)
        form = "TODO" if whole else lookup.column.provisional
    return (share if fits else 0.0), totals, form


def _share(cells: list[Cell], test: Callable[[Cell], bool]) -> float:
    return sum(1 for c in cells if test(c)) / len(cells)


def _is_period(c: Cell) -> bool:
    try:
        parse_period(c)
    except CellError:
        return False
    return True


MIN_SUFFIX = 3  # characters a column's name needs to stand for the end of an indicator's name


def _indicator_for(name: str, catalog: Catalog | None, dims: set[str] | None = None) -> str | None:
    """An indicator whose name is the column's (交付枚数 → マイナンバーカード交付枚数), among
    those that have the table's dimensions when they are known."""
    if catalog is None or not name:
        return None
    key = normalise(name)
    named = {
        i.id: normalise(i.name.ja)
        for i in catalog.indicators.values()
        if dims is None or dims <= set(i.dimensions)
    }
    # The whole name, or its end when the column names what is counted (交付枚数); never a
    # part inside a name, nor a short end (人数, 件数, "a"): those fit unrelated indicators, and
    # a wrong proposal that is not marked TODO would import into the wrong indicator.
    tests = [lambda n: n == key]
    if len(key) >= MIN_SUFFIX:
        tests.append(lambda n: n.endswith(key))
    for test in tests:
        hits = [ident for ident, n in named.items() if test(n)]
        if len(hits) == 1:
            return hits[0]
    return None


def _q(s: str) -> str:
    """A YAML scalar, quoted when needed (JSON strings are valid YAML)."""
    return json.dumps(s, ensure_ascii=False)


def _render(
    first: _Sheet,
    group: list[_Sheet],
    n_tables: int,
    left_out: list[str],
    columns: list[Column],
    catalog: Catalog | None,
) -> str:
    table = first.table
    header_row = first.header_at + 1
    out = [f"# Proposed by `nenpo import --infer {table.path}`: check every line marked TODO."]
    if table.format == "xlsx":
        names = [sh.table.sheet or "" for sh in group]
        if n_tables == 1:
            out.append(f"# Read as xlsx (sheet {names[0]!r}).")
            out.append(f"sheet: {_q(names[0])}")
        elif len(names) == n_tables:
            out.append(f"# Read as xlsx: all {n_tables} sheets have this table.")
            out.append('sheet: "*"')
        else:
            out.append(
                f"# Read as xlsx: {len(names)} of {n_tables} sheets have this table; left out: "
                + ", ".join(left_out)
            )
            out.append(f"sheet: [{', '.join(_q(n) for n in names)}]")
    else:
        out.append(f"# Read as csv (encoding {table.encoding}).")
    if header_row != 1:
        out.append(f"header_row: {header_row}  # the rows above look like titles")
    dims = _dimensions(columns)
    wide = [c for c in columns if _is_period(c.name) and c.kind in ("number", "empty")]
    periods = [c for c in columns if c.kind == "period"]
    if len(wide) >= 2:
        names_ = ", ".join(_q(c.name) for c in wide)
        out.append("wide:  # one column per period")
        out.append(f"  columns: [{names_}]")
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
            out.append(_sheet_period(group))
        numbers = [c for c in columns if c.kind == "number"]
        out.append("values:  # indicator id: column")
        for c in numbers:
            ident = _indicator_for(c.name, catalog, {d.dimension or "" for d in dims})
            if ident and catalog is not None:
                full = catalog.indicators[ident].name.ja
                note = "" if normalise(full) == normalise(c.name) else f"  # 「{full}」"
                out.append(f"  {ident}: {_q(c.name)}{note}")
            else:
                out.append(f"  column_{c.index + 1}: {_q(c.name)}  # TODO: an indicator id")
        if not numbers:
            out.append("  {}  # TODO: no column of numbers found")
    texts = [c for c in columns if c.kind == "text"]
    implied = [c for c in columns if c.kind == "dimension" and c not in dims]
    if dims or texts or implied:
        out.append("dimensions:")
    for c in dims:
        out.append(f"  {c.dimension}: {{{_dimension_spec(c, columns)}}}")
    for c in implied:
        if c.dimension == "prefecture" and any(d.dimension == "municipality" for d in dims):
            why = "the prefecture of each municipality (its code or name says it)"
        elif c.form == "TODO":
            why = f"{c.dimension} codes that read two ways (jis6 or jis5): the names are used"
        else:
            why = f"also {c.dimension}: another column of the same dimension"
        out.append(f"  # {_q(c.name)}: {why}")
    for c in texts:
        out.append(
            f"  # TODO {_q(c.name)} holds text that is no known dimension: define one in "
            "dimensions.yaml, or leave the column out"
        )
    out.append("provenance: real  # TODO: or illustrative")
    out.append("# source: TODO  # a source id (default: each indicator's own)")
    return "\n".join(out) + "\n"


def _dimensions(columns: list[Column]) -> list[Column]:
    """The dimension columns to map: one per dimension (codes before names), and no prefecture
    column beside a municipality column (a municipality's code or name says its prefecture)."""
    rank = {"TODO": 0, "name": 1}  # codes (any other form) rank 2: a column that reads
    chosen: dict[str, Column] = {}
    for c in columns:
        if c.kind != "dimension" or c.dimension is None:
            continue
        old = chosen.get(c.dimension)
        if old is None or rank.get(c.form or "", 2) > rank.get(old.form or "", 2):
            chosen[c.dimension] = c
    if "municipality" in chosen:
        chosen.pop("prefecture", None)
    return list(chosen.values())


def _dimension_spec(c: Column, columns: list[Column]) -> str:
    parts = [f"column: {_q(c.name)}"]
    if c.totals:
        parts.append(f"total: [{', '.join(_q(t) for t in c.totals)}]")
    if c.form == "TODO":
        parts.append("code_form: TODO  # its codes read two ways: jis6 or jis5 (docs/imports.md)")
    if c.dimension == "municipality" and c.form == "name":
        pref = next(
            (x for x in columns if x.kind == "dimension" and x.dimension == "prefecture"), None
        )
        if pref is not None:
            parts.append(f"prefecture: {_q(pref.name)}")
    return ", ".join(parts)


def _sheet_period(group: list[_Sheet]) -> str:
    """`period:` from a title row or the sheets' names, when each sheet has its own date there
    (the more precise of the two: 2022年12月31日時点 in a title over a sheet named 2022年12月)."""
    found: list[tuple[int, str]] = []
    finer = {"day": 0, "month": 1, "fiscal_year": 2, "year": 3}
    for n in range(len(group[0].above)):
        try:
            periods = [
                period_in(" ".join(_text(c) for c in sh.above[n] if _text(c)), None, None)
                for sh in group
                if n < len(sh.above)
            ]
        except CellError:
            continue
        if len(periods) == len(group) and len({p.key for p in periods}) == len(group):
            found.append(
                (finer[periods[0].precision], f"period: {{title_row: {n + 1}}}  # in the title")
            )  # (before the sheet's name when both are as precise: a title says what it is)
            break
    if group[0].table.sheet is not None:
        try:
            periods = [period_in(sh.table.sheet or "", None, None) for sh in group]
            if len({p.key for p in periods}) == len(group):
                found.append(
                    (finer[periods[0].precision], "period: {sheet_name: true}  # in the name")
                )
        except CellError:
            pass
    if found:
        return min(found, key=lambda f: f[0])[1]
    return "period: {value: TODO}  # no column of dates found: the file's date"
