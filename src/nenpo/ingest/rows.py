"""Rows of a table → observations, as a compiled mapping says: the importer's inner loop.

Each bad cell becomes a row-level Problem (file, row, column, value, reason) and the row gives
no observation. Everything derived from a cell's text (a period, a dimension code, an indicator
id) is cached per distinct text, so a 21-million-row file costs a few dictionary lookups and one
float() per value.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import chain, dropwhile, islice
from typing import Any

from ..errors import Problem
from ..store.db import dims_key
from .cells import CellError, is_formula, normalise, parse_number, parse_period
from .codes import SKIP, TOTAL, Lookup, formula_message
from .plan import Plan, ValueCol
from .tables import EXCEL_ERRORS, Cell

CHUNK = 1_000  # observations a chunk of rows should give
PEEK = 2_000  # rows read ahead to learn the form of a column of codes

# (pair, dimset, value, row). The key of an observation is interned: `pair` numbers an
# (indicator, period) and `dimset` a canonical dims key, as RowReader.pairs and .dimsets say.
# A 21-million-row file has a few thousand of each, and numbers are cheaper than text to pass
# on, sort and compare. Provenance and source are the plan's.
Obs = tuple[int, int, float, int]
Emit = Callable[[Problem], None]


@dataclass
class Counts:
    """What reading a table found."""

    rows: int = 0  # data rows read (blank rows not counted)
    observations: int = 0
    missing: int = 0  # value cells holding a missing-value marker
    skipped: int = 0  # rows left out by a dimension's `skip`
    bad_rows: int = 0
    problems: int = 0
    periods: set[str] = field(default_factory=set)


class RowReader:
    """Reads the rows of one table with one plan; `counts` says what it found."""

    def __init__(self, plan: Plan, emit: Emit, shared: RowReader | None = None):
        """`shared`: a reader of another sheet of the same import, whose counts and numbering
        of keys this one continues."""
        self.plan = plan
        self._emit = emit
        self.counts: Counts = shared.counts if shared else Counts()
        self._periods: dict[Any, str | CellError] = {}
        self.starts: dict[str, str] = shared.starts if shared else {}
        self.starts.update(
            {vc.period[0]: vc.period[1] for vc in plan.values if vc.period is not None}
        )
        if plan.period_fixed is not None:
            self.starts[plan.period_fixed[0]] = plan.period_fixed[1]
        self._dims: list[dict[Any, str | CellError]] = [{} for _ in plan.dim_cols]
        self._indicators: dict[Any, str | CellError] = {}
        self._units: dict[tuple[str, str | None], frozenset[str]] = {}
        self.pairs: dict[tuple[str, str], int] = shared.pairs if shared else {}
        self.dimsets: dict[str, int] = shared.dimsets if shared else {}
        # Per value column: its index, spec, fixed period, and the dimension sets met so far,
        # keyed by the row's codes (with the row's indicator, when a column names it). Columns
        # with the same fixed dimensions share that cache: the 120 month columns of a wide row
        # then work out its dimension set once, not 120 times.
        caches: dict[tuple[tuple[str, str], ...], dict[Any, int | CellError]] = {}
        self.values: list[tuple[int, ValueCol, str | None, dict[Any, int | CellError]]] = [
            (
                vc.index,
                vc,
                vc.period[0] if vc.period else None,
                caches.setdefault((*sorted(vc.dims.items()), ("", vc.indicator or "")), {}),
            )
            for vc in plan.values
        ]
        # Small chunks: a few thousand rows held at once stay in the CPU's caches (measured:
        # chunks of 20,000 rows made reading half again as slow).
        self.chunk_rows = max(1, CHUNK // max(1, len(plan.values)))
        self.stopped = False  # the last row or a blank row (stop_at_blank) was reached
        # per coded dimension column: values found wrong once the whole column was read
        self.late: dict[int, dict[Any, str]] = {}

    def problem(self, row: int, column: str | None, value: object, message: str) -> None:
        """Report one bad cell (or row)."""
        self.counts.problems += 1
        shown = None if value is None else str(value)
        self._emit(Problem(self.plan.file, row, column, message, value=shown))

    def read(self, rows: Iterable[tuple[int, Sequence[Cell]]]) -> Iterator[list[Obs]]:
        """Observations of every good row, a list per chunk of rows; a Problem per bad cell.

        Columns of prefectures and municipalities are then judged whole (`late`): a value
        read in a form the whole column does not bear out is reported by `locate`.
        """
        first = self.plan.first_row
        rows = dropwhile(lambda r: r[0] < first, rows)
        coded = [(k, d) for k, d in enumerate(self.plan.dim_cols) if d.lookup.column is not None]
        if coded:
            # Read a few rows ahead so that each column's form is known before its first cell.
            ahead = list(islice(rows, PEEK))
            for _, d in coded:
                last = max(d.index, d.prefecture)
                d.lookup.observe(
                    {_key(cells, d.index, d.prefecture) for _, cells in ahead if len(cells) > last}
                )
            rows = chain(ahead, rows)
        while not self.stopped and (chunk := list(islice(rows, self.chunk_rows))):
            if out := self._rows(chunk):
                yield out
        for k, d in coded:
            whole, late = d.lookup.finish(self._dims[k])
            if whole:
                self.problem(self.plan.header_row, d.name, None, whole)
            if late:
                self.late[k] = late

    def locate(self, rows: Iterable[tuple[int, Sequence[Cell]]]) -> None:
        """Report every row holding a value `read` found wrong once the whole column was read
        (the error path only: the table is read again from its first row)."""
        if not self.late:
            return
        p = self.plan
        last = p.last_row if p.last_row is not None else sys.maxsize
        cols = [(p.dim_cols[k], late) for k, late in self.late.items()]
        for n, cells in rows:
            if n < p.first_row:
                continue
            if n > last or (p.stop_at_blank and _blank(cells)):
                break
            if p.width is not None and len(cells) != p.width:
                continue
            for d, late in cols:
                if max(d.index, d.prefecture) < len(cells):
                    raw = _key(cells, d.index, d.prefecture)
                    if raw in late:
                        cell = raw if d.prefecture < 0 else raw[1]
                        self.problem(n, d.name, cell, late[raw])

    def _rows(self, chunk: list[tuple[int, Sequence[Cell]]]) -> list[Obs]:
        """The observations of a chunk of rows."""
        p, counts = self.plan, self.counts
        width, last = p.width, p.last_row if p.last_row is not None else sys.maxsize
        pcol, periods = p.period_col, self._periods
        pfixed = p.period_fixed[0] if p.period_fixed else None
        dim_cols = [
            (d.index, d.prefecture, d.name, d.lookup, self._dims[k])
            for k, d in enumerate(p.dim_cols)
        ]
        icol, inds = p.indicator_col, self._indicators
        pairs, values = self.pairs, self.values
        scaled = p.scale is not None or any(vc.scale is not None for vc in p.values)
        is_csv = width is not None
        out: list[Obs] = []
        append = out.append
        n_rows = n_missing = 0  # counted here: an attribute update per row costs
        for n, cells in chunk:
            if n > last:
                self.stopped = True
                break
            # CSV cells are strings: a row of empty ones is blank (a line of spaces would
            # fail the width check below); sheet cells may be 0, so they are looked at.
            if (not any(cells)) if is_csv else _blank(cells):
                if p.stop_at_blank:
                    self.stopped = True
                    break
                continue
            n_rows += 1
            if is_csv and len(cells) != width:
                self._bad_width(n, len(cells), width)  # type: ignore[arg-type]
                continue
            bad = False
            per: Any = pfixed
            if pcol is not None:
                raw = cells[pcol]
                per = periods.get(raw)
                if per is None:
                    per = periods[raw] = self._period(raw)
                if per.__class__ is CellError:
                    self.problem(n, p.period_name, raw, str(per))
                    bad = True
            codes: Any = ()
            skip = False
            for i, j, name, lk, cache in dim_cols:
                raw = cells[i] if j < 0 else (cells[j], cells[i])
                code = cache.get(raw)
                if code is None:
                    code = cache[raw] = _resolve(lk, raw)
                if code.__class__ is CellError:
                    self.problem(n, name, raw if j < 0 else raw[1], str(code))
                    bad = True
                elif code == SKIP:
                    skip = True
                codes += (code,)
            if skip:
                counts.skipped += 1
                continue
            ind: Any = None
            if icol is not None:
                raw = cells[icol]
                ind = inds.get(raw)
                if ind is None:
                    ind = inds[raw] = self._indicator(raw)
                if ind.__class__ is CellError:
                    self.problem(n, p.indicator_name, raw, str(ind))
                    bad = True
            for index, vc, vper, dimsets in values:
                raw = cells[index]
                v: Any
                try:  # a plain number (CSV text or a sheet's number)
                    v = float(raw)
                    if v - v or raw.__class__ is bool:  # nan, inf, a sheet's TRUE
                        raise ValueError
                except (ValueError, TypeError):
                    v = self._value_slow(raw, vc, ind)
                    if v is None:
                        n_missing += 1
                        continue
                    if v.__class__ is CellError:
                        self.problem(n, vc.name, raw, str(v))
                        bad = True
                        continue
                if bad:
                    continue
                if scaled:
                    v = _scaled(v, vc.scale, p.scale)
                indicator = vc.indicator or ind
                key = codes if vc.indicator else (ind, codes)
                dk = dimsets.get(key)
                if dk is None:
                    dk = dimsets[key] = self._dimset(indicator, vc, codes)
                if dk.__class__ is CellError:
                    self.problem(n, p.indicator_name or vc.name, indicator, str(dk))
                    bad = True
                    continue
                pair = (indicator, vper or per)
                ip = pairs.get(pair)
                if ip is None:
                    ip = pairs[pair] = len(pairs)
                append((ip, dk, v, n))  # type: ignore[arg-type]
            if bad:
                counts.bad_rows += 1
        counts.rows += n_rows
        counts.missing += n_missing
        counts.observations += len(out)
        return out

    def _dimset(
        self, indicator: str, vc: ValueCol, codes: tuple[str | None, ...]
    ) -> int | CellError:
        """The dimension set of an observation, or why its indicator cannot have it."""
        p = self.plan
        dims = dict(p.dims_fixed)
        for d, code in zip(p.dim_cols, codes, strict=True):
            if code != TOTAL:
                dims[d.dim] = code  # type: ignore[assignment]
        dims.update(vc.dims)
        allowed = self.plan.catalog.indicators[indicator].dimensions
        extra = [d for d in dims if d not in allowed]
        if extra:
            return CellError(
                f"indicator {indicator!r} has no dimension {', '.join(extra)}; its dimensions "
                f"are {', '.join(allowed) or 'none'}"
            )
        key = dims_key(dims)
        if key not in self.dimsets:
            self.dimsets[key] = len(self.dimsets)
        return self.dimsets[key]

    def _bad_width(self, n: int, got: int, width: int) -> None:
        self.counts.bad_rows += 1
        if got < width:
            why = f"truncated row: {got} cells, the header has {width}"
        else:
            why = f"{got} cells, the header has {width} (an unquoted comma or a stray delimiter?)"
        self.problem(n, None, None, why)

    def _period(self, raw: Cell) -> str | CellError:
        p = self.plan
        try:
            text = raw.strip() if isinstance(raw, str) else raw
            if isinstance(text, str) and is_formula(text):
                return CellError(formula_message(text))
            if isinstance(raw, (int, float)) and not isinstance(raw, bool):
                text = str(int(raw)) if raw == int(raw) else str(raw)
            if p.period_format and isinstance(text, str):
                period = _strptime(text, p.period_format, p.precision)
            else:
                period = parse_period(text if text is not None else "", p.precision)
        except CellError as exc:
            return exc
        self.counts.periods.add(period.key)
        self.starts[period.key] = period.start.isoformat()
        return period.key

    def _indicator(self, raw: Cell) -> str | CellError:
        text = "" if raw is None else str(raw).strip()
        if is_formula(text):
            return CellError(formula_message(text))
        found = self.plan.indicator_lookup.get(normalise(text))
        if found is None:
            known = sorted(self.plan.catalog.indicators)
            shown = ", ".join(known[:8]) + (" …" if len(known) > 8 else "")
            return CellError(f"{text!r} is not an indicator (id or name); known: {shown}")
        return found

    def _value_slow(self, raw: Cell, vc: ValueCol, ind: Any) -> float | CellError | None:
        """Missing markers, formulas, units, 万, △: everything but a plain number."""
        if raw is None:
            return None
        if isinstance(raw, (bool, date)):
            return CellError(f"{raw!r} is not a number")
        text = str(raw).strip()
        if text in self.plan.missing or normalise(text) in self.plan.missing:
            return None
        if is_formula(text):
            return CellError(formula_message(text))
        if text in EXCEL_ERRORS:
            return CellError(f"the spreadsheet shows the error {text}; fix the cell or its formula")
        indicator = vc.indicator or (ind if isinstance(ind, str) else None)
        try:
            return parse_number(text, self._allowed_units(indicator, vc.unit))
        except CellError as exc:
            return exc

    def _allowed_units(self, indicator: str | None, unit: str | None) -> frozenset[str]:
        key = (indicator or "", unit)
        if key not in self._units:
            allowed = set(self.plan.units)
            ind = self.plan.catalog.indicators.get(indicator or "")
            if ind is not None:
                allowed.add(ind.unit)
            if unit:
                allowed.add(unit)
            self._units[key] = frozenset(normalise(u) for u in allowed if u)
        return self._units[key]


def _key(cells: Sequence[Cell], i: int, j: int) -> Any:
    """A dimension cell as its lookup takes it: with its prefecture cell when j is a column."""
    return cells[i] if j < 0 else (cells[j], cells[i])


def _resolve(lookup: Lookup, raw: Cell) -> str | CellError:
    try:
        return lookup.resolve(raw)
    except CellError as exc:
        return exc


def _blank(cells: Sequence[Cell]) -> bool:
    for c in cells:
        if c is not None and c != "" and not (isinstance(c, str) and c.isspace()):
            return False
    return True


def _scaled(v: float, *scales: Decimal | None) -> float:
    d = Decimal(repr(v))
    for s in scales:
        if s is not None:
            d *= s
    return float(d)


def _strptime(text: str, fmt: str, precision: Any) -> Any:
    from datetime import datetime

    from ..japan.periods import Period
    from .cells import coarsen

    try:
        d = datetime.strptime(text, fmt).date()
    except ValueError:
        raise CellError(f"{text!r} is not a date in the form {fmt}") from None
    period = Period(d, "day")
    return coarsen(period, precision) if precision else period
