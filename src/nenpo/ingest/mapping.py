"""Mapped imports: observations read from files in other shapes (e.g. a ministry's CSV).

A mapping (imports/*.yaml in a workspace) names the files, the period column, the dimension
columns and the value column of each indicator. Values of a dimension column are matched against
the dimension's codes, labels and aliases, so 東京都, 東京 and 13 all mean prefecture 13.
"""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

from pydantic import Field

from ..errors import Problem, rel
from ..model.periods import Period
from ..model.workspace import Base, Dimension, Id, Observation, Provenance
from .observations import Sourced

MISSING = {"", "-", "－", "―", "‐", "…", "x", "X", "***"}


class DimensionColumn(Base):
    """Where a dimension's values are, and which values mean 'all' or are to be skipped."""

    column: str
    total: list[str] = Field(default=[], description="Values meaning the total: no dimension")
    skip: list[str] = Field(default=[], description="Rows with these values are left out")


class PeriodColumn(Base):
    column: str
    format: str = Field(default="%Y/%m/%d", description="strptime format of the dates")
    precision: str = "day"


class ImportMapping(Base):
    """How to read observations from files that are not in nenpo's own CSV format."""

    files: list[str] = Field(description="Glob patterns relative to the workspace")
    encoding: str = "utf-8-sig"
    period: PeriodColumn
    dimensions: dict[Id, DimensionColumn] = {}
    values: dict[Id, str] = Field(description="indicator id → column holding its value")
    provenance: Provenance | None = None
    source: Id | None = None


def _lookup(dim: Dimension) -> dict[str, str]:
    table: dict[str, str] = {}
    for v in dim.values:
        for key in (v.code, v.label.ja, v.label.en, *v.aliases):
            if key:
                table[key.strip()] = v.code
    return table


def run(
    mapping: ImportMapping, root: Path, dimensions: dict[str, Dimension], problems: list[Problem]
) -> list[Sourced]:
    """Read every file the mapping names; every bad cell becomes a Problem."""
    files = sorted({p for pattern in mapping.files for p in root.glob(pattern)})
    out: list[Sourced] = []
    lookups = {d: _lookup(dimensions[d]) for d in mapping.dimensions if d in dimensions}
    for path in files:
        shown = rel(path, root)
        try:
            text = path.read_text(encoding=mapping.encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            problems.append(Problem(shown, None, None, f"cannot read as {mapping.encoding}: {exc}"))
            continue
        reader = csv.DictReader(text.splitlines())
        needed = [
            mapping.period.column,
            *(c.column for c in mapping.dimensions.values()),
            *mapping.values.values(),
        ]
        absent = [c for c in needed if c not in (reader.fieldnames or [])]
        if absent:
            problems.append(Problem(shown, 1, None, f"missing column(s) {', '.join(absent)}"))
            continue
        for row in reader:
            out.extend(_row(mapping, row, shown, reader.line_num, lookups, problems))
    return out


def _row(
    mapping: ImportMapping,
    row: dict[str, str],
    shown: str,
    line: int,
    lookups: dict[str, dict[str, str]],
    problems: list[Problem],
) -> list[Sourced]:
    raw_date = (row[mapping.period.column] or "").strip()
    try:
        d = datetime.strptime(raw_date, mapping.period.format).date()
    except ValueError:
        problems.append(
            Problem(
                shown,
                line,
                mapping.period.column,
                f"{raw_date!r} is not a date in the form {mapping.period.format}",
            )
        )
        return []
    period = Period(
        d if mapping.period.precision == "day" else d.replace(day=1),
        "month" if mapping.period.precision == "month" else "day",
    )
    dims: dict[str, str] = {}
    for dim_id, spec in mapping.dimensions.items():
        raw = (row[spec.column] or "").strip()
        if raw in spec.skip:
            return []
        if raw in spec.total:
            continue
        code = lookups.get(dim_id, {}).get(raw)
        if code is None:
            problems.append(
                Problem(
                    shown,
                    line,
                    spec.column,
                    f"{raw!r} is not a known value of dimension {dim_id!r}",
                )
            )
            return []
        dims[dim_id] = code
    out = []
    for indicator, column in mapping.values.items():
        raw = (row[column] or "").strip().replace(",", "")
        if raw in MISSING:
            continue
        try:
            value = float(raw)
        except ValueError:
            problems.append(Problem(shown, line, column, f"{raw!r} is not a number"))
            continue
        obs = Observation(
            indicator=indicator,
            period=period.key,
            value=value,
            dims=dims,
            provenance=mapping.provenance,
            source=mapping.source,
        )
        out.append(Sourced(obs, shown, line))
    return out
