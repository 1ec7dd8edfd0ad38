"""A mapping resolved against one table's header and the catalog, before any row is read.

`compile_plan` finds every column the mapping names (matching names after NFKC normalisation),
checks every indicator, dimension and source it names, and turns the wide columns' headers into
periods or dimension codes. Problems with the mapping are located in the mapping file; a column
that is not in the header is located at the data file's header row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ..errors import Problem, follows
from ..japan.periods import Precision
from ..model.builtin import BUILTIN_IDS
from ..model.workspace import Dimension, Indicator
from .cells import DEFAULT_MISSING, CellError, normalise
from .cells import parse_period as _parse_period
from .codes import SKIP, TOTAL, Lookup
from .mapping import ImportMapping
from .sheets import Sheet, header_text, period_in, sheet_code
from .tables import Cell
from .yamlfile import Located


@dataclass(frozen=True)
class Catalog:
    """What a mapping may name: the indicators, dimensions (built-in ones too) and sources."""

    indicators: dict[str, Indicator]
    dimensions: dict[str, Dimension]
    sources: frozenset[str]
    # kind → workspace file that did not parse: what is unknown only for that follows from it
    broken: dict[str, str] = field(default_factory=dict)


@dataclass
class ValueCol:
    """One column of values and what is fixed for all of it."""

    index: int
    name: str
    indicator: str | None  # None: from the row's indicator column
    dims: dict[str, str]
    period: tuple[str, str] | None  # None: from the row's period column
    scale: Decimal | None
    unit: str | None


@dataclass
class DimCol:
    """A column of one dimension's values (and, for municipality names, of their prefecture)."""

    dim: str
    index: int
    name: str
    lookup: Lookup
    prefecture: int = -1  # the column of prefectures its names are read within; -1: none


@dataclass
class Plan:
    """A mapping resolved against one table's header and the catalog."""

    file: str
    header_row: int
    first_row: int
    last_row: int | None
    stop_at_blank: bool
    width: int | None  # CSV: cells every row must have; None for sheets (rows are padded)
    period_col: int | None
    period_name: str
    period_fixed: tuple[str, str] | None
    period_format: str | None
    precision: Precision | None
    dim_cols: list[DimCol]
    dims_fixed: dict[str, str]
    indicator_col: int | None
    indicator_name: str
    indicator_lookup: dict[str, str]
    values: list[ValueCol]
    missing: frozenset[str]
    units: frozenset[str]
    scale: Decimal | None
    provenance: str | None
    source: str | None
    catalog: Catalog


class _Where:
    """Locates mapping problems in the mapping file (when it is a file) by key path."""

    def __init__(self, src: Located | None, name: str):
        self.src, self.name = src, name

    def __call__(self, path: tuple[str | int, ...], message: str) -> Problem:
        if self.src is not None:
            return self.src.problem(path, message)
        return Problem(self.name, None, ".".join(str(p) for p in path) or None, message)


def compile_plan(
    mapping: ImportMapping,
    header: Sequence[Cell],
    catalog: Catalog,
    file: str,
    is_csv: bool,
    mapping_src: Located | None,
    mapping_name: str,
    problems: list[Problem],
    sheet: Sheet | None = None,
) -> Plan | None:
    """Resolve column names and ids; every problem found is added, None if there were any."""
    sheet = sheet or Sheet("", {})
    at = _Where(mapping_src, mapping_name)
    before = len(problems)
    names = [header_text(h) for h in header]
    index: dict[str, int] = {}
    twice: set[str] = set()
    for i, n in enumerate(names):
        if n:
            key = normalise(n)
            if key in index:
                twice.add(key)
            index.setdefault(key, i)

    def column(name: str, path: tuple[str | int, ...]) -> int:
        key = normalise(name)
        if key in twice:
            problems.append(
                Problem(file, mapping.header_row, name, "this column name appears twice")
            )
        if key not in index:
            shown = ", ".join(n for n in names if n) or "none"
            problems.append(
                Problem(
                    file,
                    mapping.header_row,
                    name,
                    f"no column {name!r} in the header (row {mapping.header_row}, named by "
                    f"{'.'.join(map(str, path))} in the mapping); the columns are: {shown}",
                )
            )
            return -1
        return index[key]

    inds, dims = catalog.indicators, catalog.dimensions
    if mapping.source is not None and mapping.source not in catalog.sources:
        problem = at(("source",), f"unknown source {mapping.source!r}")
        problems.append(follows(problem, "sources", catalog.broken))

    # when
    period_col, period_fixed, period_name = None, None, ""
    p = mapping.period
    if p is not None and p.column is not None:
        period_col, period_name = column(p.column, ("period", "column")), p.column
    elif p is not None and p.value is not None:
        try:
            fixed = _parse_period(p.value, p.precision)
            period_fixed = (fixed.key, fixed.start.isoformat())
        except CellError as exc:
            problems.append(at(("period", "value"), str(exc)))
    elif p is not None:
        text = sheet.text(p)
        try:
            fixed = period_in(text, p.pattern, p.precision)
            period_fixed = (fixed.key, fixed.start.isoformat())
        except CellError as exc:
            src_ = "the sheet's name" if p.sheet_name else f"the title (row {p.title_row})"
            line = None if p.sheet_name else p.title_row
            problems.append(Problem(file, line, None, f"period from {src_}: {exc}"))

    # dimensions
    dim_cols: list[DimCol] = []
    dims_fixed: dict[str, str] = {}
    for dim_id, spec in mapping.dimension_specs().items():
        dim = dims.get(dim_id)
        if dim is None:
            problems.append(
                at(("dimensions", dim_id), f"unknown dimension {dim_id!r}; " + _known(dims))
            )
            continue
        if spec.prefecture is not None and dim_id != "municipality":
            problems.append(
                at(("dimensions", dim_id, "prefecture"), "`prefecture` is for municipality")
            )
            continue
        try:
            lookup = Lookup(
                dim,
                spec.map,
                spec.total,
                spec.skip,
                code_form=spec.code_form,
                column=spec.column or "",
                key=f"dimensions.{dim_id}",
            )
        except ValueError as exc:
            key = "code_form" if spec.code_form and dim_id not in BUILTIN_IDS else "map"
            problems.append(at(("dimensions", dim_id, key), str(exc)))
            continue
        if spec.column is None and spec.value is None:
            found = sheet_code(lookup, spec, sheet, file, dim_id, problems)
            if found is not None:
                dims_fixed[dim_id] = found
        elif spec.column is not None:
            qualifier = -1
            if spec.prefecture is not None:
                qualifier = column(spec.prefecture, ("dimensions", dim_id, "prefecture"))
            dim_cols.append(
                DimCol(
                    dim_id,
                    column(spec.column, ("dimensions", dim_id)),
                    spec.column,
                    lookup,
                    qualifier,
                )
            )
        else:
            code = _fixed_code(lookup, spec.value, at, ("dimensions", dim_id, "value"), problems)
            if code is not None:
                dims_fixed[dim_id] = code

    # which indicator
    indicator_col, indicator_name, indicator_lookup = None, "", {}
    fixed_indicator: str | None = None
    if isinstance(mapping.indicator, str):
        fixed_indicator = _indicator(mapping.indicator, inds, at, ("indicator",), problems)
    elif mapping.indicator is not None:
        spec_i = mapping.indicator
        indicator_col, indicator_name = (
            column(spec_i.column, ("indicator", "column")),
            spec_i.column,
        )
        indicator_lookup = _indicator_table(catalog)
        for text, ident in spec_i.map.items():
            if _indicator(ident, inds, at, ("indicator", "map", text), problems):
                indicator_lookup[normalise(text)] = ident

    # values
    values: list[ValueCol] = []
    for i, vs in enumerate(mapping.value_specs()):
        where: str | int = i if isinstance(mapping.values, list) else (vs.indicator or "")
        path: tuple[str | int, ...] = ("values", where)
        vident = _indicator(vs.indicator or "", inds, at, path, problems)
        vdims: dict[str, str] = {}
        for d, v in vs.dims.items():
            if d not in dims:
                problems.append(at((*path, "dims", d), f"unknown dimension {d!r}"))
                continue
            code = _fixed_code(Lookup(dims[d]), v, at, (*path, "dims", d), problems)
            if code is not None:
                vdims[d] = code
        values.append(
            ValueCol(
                column(vs.column, path),
                vs.column,
                vident,
                vdims,
                None,
                _scale(vs.scale),
                vs.unit,
            )
        )
    if mapping.value is not None:
        values.append(
            ValueCol(
                column(mapping.value, ("value",)),
                mapping.value,
                fixed_indicator,
                {},
                None,
                None,
                None,
            )
        )
    if mapping.wide is not None:
        values.extend(_wide(mapping, names, fixed_indicator, dims, at, file, problems))

    # every dimension named must belong to every fixed indicator that receives it
    row_dims = {d.dim for d in dim_cols} | set(dims_fixed)
    for vc in values:
        if vc.indicator and vc.indicator in inds:
            extra = (row_dims | set(vc.dims)) - set(inds[vc.indicator].dimensions)
            if extra:
                problems.append(
                    at(
                        ("dimensions",),
                        f"indicator {vc.indicator!r} has no dimension "
                        f"{', '.join(sorted(extra))}; its dimensions are "
                        f"{', '.join(inds[vc.indicator].dimensions) or 'none'} "
                        "(add them in indicators.yaml and load the workspace)",
                    )
                )
    if len(problems) > before:
        return None
    missing = frozenset(
        normalise(m) for m in (DEFAULT_MISSING if mapping.missing is None else mapping.missing)
    ) | frozenset(DEFAULT_MISSING if mapping.missing is None else mapping.missing)
    first = mapping.first_row or mapping.header_row + 1
    return Plan(
        file=file,
        header_row=mapping.header_row,
        first_row=first,
        last_row=mapping.last_row,
        stop_at_blank=mapping.stop_at_blank,
        width=len(header) if is_csv else None,
        period_col=period_col,
        period_name=period_name,
        period_fixed=period_fixed,
        period_format=p.format if p else None,
        precision=(p.precision if p else None),
        dim_cols=dim_cols,
        dims_fixed=dims_fixed,
        indicator_col=indicator_col,
        indicator_name=indicator_name,
        indicator_lookup=indicator_lookup,
        values=values,
        missing=missing,
        units=frozenset(mapping.units),
        scale=_scale(mapping.scale),
        provenance=mapping.provenance,
        source=mapping.source,
        catalog=catalog,
    )


def _known(dims: dict[str, Dimension]) -> str:
    return "known dimensions: " + ", ".join(sorted(dims))


def _scale(s: float | None) -> Decimal | None:
    if s is None or s == 1:
        return None
    return Decimal(repr(s))


def _indicator(
    ident: str,
    inds: dict[str, Indicator],
    at: _Where,
    path: tuple[str | int, ...],
    problems: list[Problem],
) -> str | None:
    if ident in inds:
        return ident
    shown = ", ".join(sorted(inds)[:12]) + (" …" if len(inds) > 12 else "")
    problems.append(at(path, f"unknown indicator {ident!r}; known: {shown or 'none'}"))
    return None


def _indicator_table(catalog: Catalog) -> dict[str, str]:
    """Indicator column texts: the id, or the name in Japanese or English."""
    table: dict[str, str] = {}
    for ind in catalog.indicators.values():
        for key in (ind.id, ind.name.ja, ind.name.en):
            if key:
                table.setdefault(normalise(key), ind.id)
    return table


def _fixed_code(
    lookup: Lookup,
    value: str | None,
    at: _Where,
    path: tuple[str | int, ...],
    problems: list[Problem],
) -> str | None:
    found = lookup.resolve_all([value])[value]
    if isinstance(found, CellError):
        problems.append(at(path, str(found)))
        return None
    code = found
    if code in (TOTAL, SKIP):
        problems.append(at(path, "a fixed value cannot be a total or skipped"))
        return None
    return code


def _wide(
    mapping: ImportMapping,
    names: list[str],
    indicator: str | None,
    dims: dict[str, Dimension],
    at: _Where,
    file: str,
    problems: list[Problem],
) -> list[ValueCol]:
    """One ValueCol per wide column, with its period or dimension value from the header."""
    wide = mapping.wide
    assert wide is not None
    if isinstance(wide.columns, list):
        wanted = {normalise(c) for c in wide.columns}
        chosen = [(i, n) for i, n in enumerate(names) if normalise(n) in wanted]
        absent = wanted - {normalise(n) for _, n in chosen}
        for c in sorted(absent):
            problems.append(at(("wide", "columns"), f"no column {c!r} in the header"))
    else:
        try:
            rx = re.compile(wide.columns)
        except re.error as exc:
            problems.append(at(("wide", "columns"), f"not a regular expression: {exc}"))
            return []
        chosen = [(i, n) for i, n in enumerate(names) if n and rx.fullmatch(n)]
        if not chosen:
            problems.append(at(("wide", "columns"), f"no header matches {wide.columns!r}"))
    out: list[ValueCol] = []
    lookup = None
    if wide.into != "period":
        if wide.into not in dims:
            problems.append(at(("wide", "into"), f"`period` or a dimension id; {_known(dims)}"))
            return []
        lookup = Lookup(dims[wide.into], wide.map)
    headers = (
        lookup.resolve_all(wide.map.get(n, n) for _, n in chosen) if lookup is not None else {}
    )
    for i, name in chosen:
        text = wide.map.get(name, name)
        try:
            if lookup is None:
                p = _parse_period(text, wide.precision)
                out.append(
                    ValueCol(i, name, indicator, {}, (p.key, p.start.isoformat()), None, None)
                )
            else:
                code = headers[text]
                if isinstance(code, CellError):
                    raise code
                out.append(ValueCol(i, name, indicator, {wide.into: code}, None, None, None))
        except CellError as exc:
            problems.append(Problem(file, mapping.header_row, name, f"header: {exc}"))
    return out
