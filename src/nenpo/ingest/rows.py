"""Rows of a table → observations, as a compiled mapping says: the importer's inner loop.

Each bad cell becomes a row-level Problem (file, row, column, value, reason) and the row gives
no observation. Everything derived from a cell's text (a period, a dimension code, an indicator
id) is worked out once per distinct text (`Memo`), so a 21-million-row file costs a few
dictionary lookups and one float() per value.

A chunk of CSV rows is read a column at a time (`RowReader._columns`): each lookup and float()
then runs over a whole column inside the interpreter's C code (map, zip) instead of in a Python
loop per cell. It only takes chunks in which every row is regular (full width, not blank, before
the last row) and every text reads without a problem; any other chunk is read again row by row
(`_rows`), which reports each problem at its row. Both give the same observations in the same
order (tests/test_import_columns.py).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import chain, dropwhile, islice, repeat, zip_longest
from math import isfinite
from operator import itemgetter
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


class Memo(dict[Any, Any]):
    """Cell text → what it reads as, worked out by `make` on its first lookup only.

    `odd` holds the texts that read as a problem (CellError) or as a row to skip: a chunk whose
    column holds none of them can be read a column at a time.
    """

    def __init__(self, make: Callable[[Any], Any]):
        super().__init__()
        self.make = make
        self.odd: set[Any] = set()

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self.make(key)
        if value.__class__ is CellError or (value.__class__ is str and value == SKIP):
            self.odd.add(key)
        return value

    def column(self, cells: list[Any]) -> list[Any] | None:
        """What every cell of a column reads as; None if any of them is odd."""
        out = list(map(self.__getitem__, cells))
        if self.odd and not self.odd.isdisjoint(cells):
            return None
        return out


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
        self._periods = Memo(self._period)
        self.starts: dict[str, str] = shared.starts if shared else {}
        self.starts.update(
            {vc.period[0]: vc.period[1] for vc in plan.values if vc.period is not None}
        )
        if plan.period_fixed is not None:
            self.starts[plan.period_fixed[0]] = plan.period_fixed[1]
        self._dims = [Memo(_resolver(d.lookup)) for d in plan.dim_cols]
        self._indicators = Memo(self._indicator)
        self._units: dict[tuple[str, str | None], frozenset[str]] = {}
        self.pairs: dict[tuple[str, str], int] = shared.pairs if shared else {}
        self.dimsets: dict[str, int] = shared.dimsets if shared else {}
        # Per value column: its index, spec, fixed period, and the dimension sets met so far,
        # keyed by the row's codes (with the row's indicator, when a column names it). Columns
        # with the same fixed dimensions share that cache: the 120 month columns of a wide row
        # then work out its dimension set once, not 120 times.
        caches: dict[tuple[tuple[str, str], ...], Memo] = {}
        self.values: list[tuple[int, ValueCol, str | None, Memo]] = [
            (
                vc.index,
                vc,
                vc.period[0] if vc.period else None,
                caches.setdefault(
                    (*sorted(vc.dims.items()), ("", vc.indicator or "")), Memo(self._keyed(vc))
                ),
            )
            for vc in plan.values
        ]
        # Small chunks: a few thousand rows held at once stay in the CPU's caches (measured:
        # chunks of 20,000 rows made reading half again as slow).
        self.chunk_rows = max(1, CHUNK // max(1, len(plan.values)))
        # CSV only: a sheet's cells come typed (numbers, dates, None) and are read row by row.
        self.by_columns = plan.width is not None
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
            out = self._columns(chunk) if self.by_columns else None
            if out is None:
                out = self._rows(chunk)
            if out:
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
            (d.index, d.prefecture, d.name, self._dims[k]) for k, d in enumerate(p.dim_cols)
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
                self._bad_width(n, cells, width)  # type: ignore[arg-type]
                continue
            bad = False
            per: Any = pfixed
            if pcol is not None:
                raw = cells[pcol]
                per = periods[raw]
                if per.__class__ is CellError:
                    self.problem(n, p.period_name, raw, str(per))
                    bad = True
            codes: Any = ()
            skip = False
            for i, j, name, cache in dim_cols:
                raw = cells[i] if j < 0 else (cells[j], cells[i])
                code = cache[raw]
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
                ind = inds[raw]
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
                dk = dimsets[codes if vc.indicator else (ind, codes)]
                if dk.__class__ is CellError:
                    self.problem(n, p.indicator_name or vc.name, indicator, str(dk))
                    bad = True
                    continue
                pair = (indicator, vper or per)
                ip = pairs.get(pair)
                if ip is None:
                    ip = pairs[pair] = len(pairs)
                append((ip, dk, v, n))
            if bad:
                counts.bad_rows += 1
        counts.rows += n_rows
        counts.missing += n_missing
        counts.observations += len(out)
        return out

    def _columns(self, chunk: list[tuple[int, Sequence[Cell]]]) -> list[Obs] | None:
        """The observations of a chunk of CSV rows, read a column at a time; None when a row
        needs reading on its own (a problem to report, a blank, skipped or last row).

        Gives what `_rows` gives, in the same order: per row, its value columns' observations.
        """
        p, counts = self.plan, self.counts
        ns, rows = zip(*chunk, strict=True)
        n = len(rows)
        if (p.last_row is not None and ns[-1] > p.last_row) or not all(map(any, rows)):
            return None  # the end of the table, or a blank row
        if set(map(len, rows)) != {p.width}:
            return None  # a row with cells missing or too many

        def column(i: int) -> list[Cell]:
            return list(map(itemgetter(i), rows))

        per: list[Any] = [p.period_fixed[0] if p.period_fixed else None] * n
        if p.period_col is not None:
            read = self._periods.column(column(p.period_col))
            if read is None:
                return None
            per = read
        code_cols: list[list[Any]] = []
        for d, memo in zip(p.dim_cols, self._dims, strict=True):
            cells: list[Any] = column(d.index)
            if d.prefecture >= 0:
                cells = list(zip(column(d.prefecture), cells, strict=True))
            found = memo.column(cells)
            if found is None:
                return None
            code_cols.append(found)
        codes: list[Any] = list(zip(*code_cols, strict=True)) if code_cols else [()] * n
        inds: list[Any] = [None] * n
        if p.indicator_col is not None:
            read = self._indicators.column(column(p.indicator_col))
            if read is None:
                return None
            inds = read
        scaled = p.scale is not None
        # per value column: (pair keys, dimension sets, values, rows) of its observations
        cols: list[tuple[list[Any], list[Any], list[Any], Sequence[int]]] = []
        missing = 0
        for index, vc, vper, dimsets in self.values:
            raw = column(index)
            vals: list[Any]
            try:  # plain numbers, as _rows takes them
                vals = list(map(float, raw))
                if not all(map(isfinite, vals)):
                    raise ValueError
            except ValueError:  # missing markers, units, 万, △: as _rows reads them
                slow: list[Any] = [
                    self._value_slow(r, vc, i) if _not_plain(r) else float(r)
                    for r, i in zip(raw, inds, strict=True)
                ]
                if any(v.__class__ is CellError for v in slow):
                    return None
                vals = slow
            c_codes, c_inds, c_per, c_ns = codes, inds, per, ns  # type: Any, Any, Any, Sequence[int]
            if None in vals:  # missing-value markers: those cells give no observation
                keep = [k for k, v in enumerate(vals) if v is not None]
                missing += n - len(keep)
                vals = [vals[k] for k in keep]
                c_codes = [codes[k] for k in keep]
                c_ns = [ns[k] for k in keep]
                c_inds = [inds[k] for k in keep]
                c_per = [per[k] for k in keep]
            if scaled or vc.scale is not None:
                vals = [_scaled(v, vc.scale, p.scale) for v in vals]
            if vc.indicator:
                dks = dimsets.column(c_codes)
                if vper:  # one pair for the whole column
                    keys: list[Any] = [(vc.indicator, vper)] if vals else []
                else:
                    keys = list(zip(repeat(vc.indicator), c_per, strict=False))
            else:
                dks = dimsets.column(list(zip(c_inds, c_codes, strict=True)))
                if vper:
                    keys = list(zip(c_inds, repeat(vper), strict=False))
                else:
                    keys = list(zip(c_inds, c_per, strict=True))
            if dks is None:
                return None
            cols.append((keys, dks, vals, c_ns))
        # Only now, with every row read well, are new (indicator, period) pairs numbered: in
        # the order of their first observation, row by row, as _rows numbers them.
        pairs = self.pairs
        found_ips = [list(map(pairs.get, c[0])) for c in cols]
        if any(None in f for f in found_ips):
            for k in dict.fromkeys(chain.from_iterable(zip_longest(*(c[0] for c in cols)))):
                if k is not None and k not in pairs:
                    pairs[k] = len(pairs)
            found_ips = [list(map(pairs.__getitem__, c[0])) for c in cols]
        per_col: list[list[Any]] = []
        for ips, (keys, dks, vals, c_ns) in zip(found_ips, cols, strict=True):
            if len(keys) == 1 and len(vals) != 1:  # one pair for the whole column
                per_col.append(list(zip(repeat(ips[0]), dks, vals, c_ns, strict=False)))
            else:
                per_col.append(list(zip(ips, dks, vals, c_ns, strict=True)))
        out: list[Obs]
        if len(per_col) == 1:
            out = per_col[0]
        elif missing:  # columns of different lengths: row by row, columns in order
            out = sorted(chain.from_iterable(per_col), key=itemgetter(3))
        else:
            out = list(chain.from_iterable(zip(*per_col, strict=True)))
        counts.rows += n
        counts.missing += missing
        counts.observations += len(out)
        return out

    def _keyed(self, vc: ValueCol) -> Callable[[Any], int | CellError]:
        """A value column's key of a row's dimension set → its number (see _dimset): the
        row's codes, with its indicator first when the column does not fix one."""
        if vc.indicator:
            fixed = vc.indicator
            return lambda codes: self._dimset(fixed, vc, codes)
        return lambda key: self._dimset(key[0], vc, key[1])

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

    def _bad_width(self, n: int, cells: Sequence[Cell], width: int) -> None:
        self.counts.bad_rows += 1
        got = len(cells)
        spans = any("\n" in c for c in cells if isinstance(c, str))
        if spans and got < width:
            # A quote that is never closed (or closed lines later) makes the CSV reader take
            # the following lines into one cell: "truncated row" would send the author to the
            # wrong place, so name the quote.
            why = (
                f'a quote (") opened in this row is not closed on its line: the lines '
                f"after it were read into one cell ({got} cells, the header has {width}); "
                "remove the stray quote or close it"
            )
        elif got < width:
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


def _resolver(lookup: Lookup) -> Callable[[Cell], str | CellError]:
    def resolve(raw: Cell) -> str | CellError:
        try:
            return lookup.resolve(raw)
        except CellError as exc:
            return exc

    return resolve


def _not_plain(raw: str) -> bool:
    """A cell float() does not read as a finite number: for _value_slow."""
    try:
        return not isfinite(float(raw))
    except ValueError:
        return True


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
