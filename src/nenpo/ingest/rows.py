"""Rows of a table → observations, as a compiled mapping says: the importer's inner loop.

Each bad cell becomes a row-level Problem (file, row, column, value, reason) and the row gives
no observation. Everything derived from a cell's text (a period, a dimension code, an indicator
id) is cached per distinct text, so a 21-million-row file costs a few dictionary lookups and one
float() per value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ..errors import Problem
from ..store.db import dims_key
from .cells import CellError, is_formula, normalise, parse_number, parse_period
from .codes import SKIP, TOTAL, Lookup, formula_message
from .plan import Plan, ValueCol
from .tables import EXCEL_ERRORS, Cell

# (indicator, period key, period start ISO, dims key, value, provenance, source, row)
Obs = tuple[str, str, str, str, float, str | None, str | None, int]
Emit = Callable[[Problem], None]
_UNCHECKED = "\x00unchecked"


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

    def __init__(self, plan: Plan, emit: Emit):
        self.plan = plan
        self._emit = emit
        self.counts = Counts()
        self._periods: dict[Any, tuple[str, str] | CellError] = {}
        self._dims: list[dict[Any, str | CellError]] = [{} for _ in plan.dim_cols]
        self._indicators: dict[Any, str | CellError] = {}
        self._keys: dict[tuple[int, tuple[tuple[str, str], ...]], str] = {}
        self._fits: dict[tuple[str, str], str | None] = {}
        self._units: dict[tuple[str, str | None], frozenset[str]] = {}

    def problem(self, row: int, column: str | None, value: object, message: str) -> None:
        """Report one bad cell (or row)."""
        self.counts.problems += 1
        shown = None if value is None else str(value)
        self._emit(Problem(self.plan.file, row, column, message, value=shown))

    def read(self, rows: Iterable[tuple[int, Sequence[Cell]]]) -> Iterator[Obs]:
        """Observations of every good row; a Problem for every bad cell."""
        p, counts = self.plan, self.counts
        first, last, width = p.first_row, p.last_row, p.width
        pcol, pfixed, periods = p.period_col, p.period_fixed, self._periods
        dim_cols = [
            (d, i, name, lk, self._dims[k]) for k, (d, i, name, lk) in enumerate(p.dim_cols)
        ]
        fixed_dims = tuple(sorted(p.dims_fixed.items()))
        icol, inds = p.indicator_col, self._indicators
        prov, src = p.provenance, p.source
        for n, cells in rows:
            if n < first:
                continue
            if last is not None and n > last:
                break
            if _blank(cells):
                if p.stop_at_blank:
                    break
                continue
            counts.rows += 1
            if width is not None and len(cells) != width:
                self._bad_width(n, len(cells), width)
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
            codes: list[tuple[str, str]] = []
            skip = False
            for d, i, name, lk, cache in dim_cols:
                raw = cells[i]
                code = cache.get(raw)
                if code is None:
                    code = cache[raw] = _resolve(lk, raw)
                if code.__class__ is CellError:
                    self.problem(n, name, raw, str(code))
                    bad = True
                elif code == SKIP:
                    skip = True
                elif code != TOTAL:
                    codes.append((d, code))  # type: ignore[arg-type]
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
            row_dims = (*fixed_dims, *codes)
            for k, vc in enumerate(p.values):
                raw = cells[vc.index]
                # The common case inline: a plain number (CSV text or a sheet's number).
                cls = raw.__class__
                v: Any
                if cls is float or cls is int:
                    v = float(raw)
                else:
                    try:
                        v = float(raw) if cls is str else None
                    except ValueError:
                        v = None
                    if v is None or v - v != 0.0 or "_" in raw:
                        v = self._value_slow(raw, vc, ind)
                        if v is None:
                            counts.missing += 1
                            continue
                        if v.__class__ is CellError:
                            self.problem(n, vc.name, raw, str(v))
                            bad = True
                            continue
                if bad:
                    continue
                if vc.scale is not None or p.scale is not None:
                    v = _scaled(v, vc.scale, p.scale)
                indicator = vc.indicator or ind
                vper = vc.period or per
                key = (k, row_dims)
                dkey = self._keys.get(key)
                if dkey is None:
                    dkey = self._keys[key] = dims_key(dict(row_dims) | vc.dims)
                fit = self._fits.get((indicator, dkey), _UNCHECKED)
                if fit is _UNCHECKED:
                    fit = self._fits[(indicator, dkey)] = self._check_dims(indicator, dkey)
                if fit is not None:
                    self.problem(n, p.indicator_name or vc.name, indicator, fit)
                    bad = True
                    continue
                counts.observations += 1
                yield (indicator, vper[0], vper[1], dkey, v, prov, src, n)
            if bad:
                counts.bad_rows += 1

    def _bad_width(self, n: int, got: int, width: int) -> None:
        self.counts.bad_rows += 1
        if got < width:
            why = f"truncated row: {got} cells, the header has {width}"
        else:
            why = f"{got} cells, the header has {width} (an unquoted comma or a stray delimiter?)"
        self.problem(n, None, None, why)

    def _period(self, raw: Cell) -> tuple[str, str] | CellError:
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
        return (period.key, period.start.isoformat())

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

    def _check_dims(self, indicator: str, dkey: str) -> str | None:
        ind = self.plan.catalog.indicators[indicator]
        names = [part.split("=", 1)[0] for part in dkey.split(";")] if dkey else []
        extra = [d for d in names if d not in ind.dimensions]
        if extra:
            return (
                f"indicator {indicator!r} has no dimension {', '.join(extra)}; its dimensions "
                f"are {', '.join(ind.dimensions) or 'none'}"
            )
        return None


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

    from ..model.periods import Period
    from .cells import coarsen

    try:
        d = datetime.strptime(text, fmt).date()
    except ValueError:
        raise CellError(f"{text!r} is not a date in the form {fmt}") from None
    period = Period(d, "day")
    return coarsen(period, precision) if precision else period
