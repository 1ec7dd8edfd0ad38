"""The import mapping: how to read observations from a table in another shape (docs/imports.md).

One format serves both `nenpo load` (imports/*.yaml in a workspace, with `files:`) and
`nenpo import FILE --mapping M.yaml`. A mapping says which sheet and rows hold the table, which
columns hold the date, the dimensions, the indicator and the values, how a wide table (one
column per month, or per value of a dimension) becomes long, the scale and units of the numbers,
and which cells mean "no value".
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from ..errors import Problem
from ..japan.periods import Precision
from ..model.workspace import Base, Id, Provenance
from .yamlfile import Located, read_yaml


class FromSheet(Base):
    """A value for a whole sheet: from its name or from a title row above the table."""

    sheet_name: bool = Field(default=False, description="The value is in the sheet's name")
    title_row: int | None = Field(
        default=None, ge=1, description="The value is in this row's text (a title row)"
    )
    pattern: str | None = Field(
        default=None,
        description="A regular expression whose first group is the value within the text; "
        "default: a period: the one date written in the text (2022年12月31日時点); a "
        "dimension: the whole text",
    )

    def _from(self) -> int:
        return int(self.sheet_name) + int(self.title_row is not None)


class PeriodSpec(FromSheet):
    """Where the date of each row is: a column, one value, or the sheet's name or title."""

    column: str | None = Field(default=None, description="Column holding the dates")
    value: str | None = Field(default=None, description="One date for every row (2024-07)")
    format: str | None = Field(
        default=None,
        description="strptime format (e.g. %Y/%m/%d); default: any form nenpo knows",
    )
    precision: Precision | None = Field(
        default=None,
        description="Store dates as day, month, year or fiscal_year; default: as written",
    )

    @model_validator(mode="after")
    def _one(self) -> PeriodSpec:
        if (self.column is not None) + (self.value is not None) + self._from() != 1:
            raise ValueError("give one of `column`, `value`, `sheet_name: true` or `title_row`")
        return self


class DimensionSpec(FromSheet):
    """Where a dimension's values are, and which values mean the total or are to be skipped."""

    column: str | None = Field(default=None, description="Column holding the values")
    value: str | None = Field(default=None, description="One value (code) for every row")
    map: dict[str, str] = Field(default={}, description="Text in the file → dimension code")
    total: list[str] = Field(default=[], description="Values meaning the total: no dimension")
    skip: list[str] = Field(default=[], description="Rows with these values are left out")
    code_form: Literal["jis6", "jis5", "jis2", "name"] | None = Field(
        default=None,
        description="prefecture/municipality: the form of the whole column when its values do "
        "not settle it: jis6 (011002, 11002), jis5 (01100, 1100), jis2 (prefectures: 01, 1) or "
        "name; default: decided from all the column's values",
    )
    prefecture: str | None = Field(
        default=None,
        description="municipality: a column of prefectures that names (府中市) and codes are "
        "read within",
    )

    @model_validator(mode="after")
    def _one(self) -> DimensionSpec:
        if (self.column is not None) + (self.value is not None) + self._from() != 1:
            raise ValueError("give one of `column`, `value`, `sheet_name: true` or `title_row`")
        if self.prefecture is not None and self.column is None:
            raise ValueError("`prefecture` narrows a column; give `column`")
        return self


class IndicatorSpec(Base):
    """A column naming the indicator of each row (long tables)."""

    column: str
    map: dict[str, Id] = Field(default={}, description="Text in the file → indicator id")


class ValueSpec(Base):
    """A column of values: its indicator, and fixed dimension values, scale and unit."""

    column: str
    indicator: Id | None = Field(default=None, description="Indicator id (key of `values:`)")
    dims: dict[Id, str] = Field(default={}, description="Dimension values of the whole column")
    scale: float | None = Field(default=None, description="Multiply (万 → 10000)")
    unit: str | None = Field(default=None, description="Unit text allowed after the numbers")


class WideSpec(Base):
    """Columns that are periods or dimension values (one column per month …) made long."""

    columns: str | list[str] = Field(
        description="The columns: a list of header names, or a regular expression over them"
    )
    into: str = Field(description="`period`, or the id of the dimension the headers are")
    map: dict[str, str] = Field(default={}, description="Header → period or code")
    precision: Precision | None = Field(default=None, description="As for `period`")


class SheetMatch(Base):
    """The sheets whose whole name matches a regular expression."""

    match: str = Field(description="Regular expression over sheet names, e.g. '\\d{4}年\\d+月'")


class ImportMapping(Base):
    """How to read observations from a table that is not in nenpo's own CSV format."""

    files: list[str] = Field(
        default=[], description="Workspace imports: globs relative to the workspace"
    )
    format: Literal["auto", "csv", "xlsx"] = "auto"
    encoding: str = Field(
        default="auto", description="auto, utf-8, utf-8-sig, cp932 / shift_jis, euc-jp"
    )
    delimiter: str = Field(default=",", min_length=1, max_length=1)
    sheet: str | int | list[str | int] | SheetMatch | None = Field(
        default=None,
        description='xlsx: a name or number (from 1), a list of them, "*" for every sheet, or '
        "{match: REGEX} for the sheets whose whole name matches; default: the first",
    )
    header_row: int = Field(default=1, ge=1, description="Row (line) holding the column names")
    first_row: int | None = Field(default=None, ge=1, description="First data row")
    last_row: int | None = Field(default=None, ge=1, description="Last data row")
    stop_at_blank: bool = Field(default=False, description="End at the first blank row")
    period: PeriodSpec | None = None
    indicator: Id | IndicatorSpec | None = Field(
        default=None, description="One indicator id, or a column naming it"
    )
    value: str | None = Field(default=None, description="Column of values (with `indicator`)")
    values: dict[Id, str | ValueSpec] | list[ValueSpec] | None = Field(
        default=None, description="Columns of values: indicator id → column"
    )
    wide: WideSpec | None = None
    dimensions: dict[Id, str | DimensionSpec] = Field(
        default={}, description="Dimension id → column (or spec)"
    )
    scale: float = Field(default=1, description="Multiply every value (万 → 10000)")
    units: list[str] = Field(default=[], description="Unit texts allowed after numbers")
    missing: list[str] | None = Field(
        default=None, description="Cells meaning no value (default: the usual dashes, x, …)"
    )
    provenance: Provenance | None = None
    source: Id | None = None

    @model_validator(mode="after")
    def _shape(self) -> ImportMapping:
        shapes = [k for k in ("values", "value", "wide") if getattr(self, k) is not None]
        if len(shapes) != 1:
            raise ValueError(
                "give exactly one of `values` (a column per indicator), `value` (one column of "
                "values, with `indicator`) or `wide` (a column per period or dimension value)"
            )
        if shapes[0] in ("value", "wide") and self.indicator is None:
            raise ValueError(f"`{shapes[0]}` needs `indicator` (an id, or {{column: …}})")
        if shapes[0] == "values" and self.indicator is not None:
            raise ValueError("`values` names the indicators; leave out `indicator`")
        into_period = self.wide is not None and self.wide.into == "period"
        if into_period and self.period is not None:
            raise ValueError("the periods are the wide columns; leave out `period`")
        if not into_period and self.period is None:
            raise ValueError("`period` is required: a column of dates or one value")
        if isinstance(self.values, list):
            for v in self.values:
                if v.indicator is None:
                    raise ValueError(f"the values column {v.column!r} needs an `indicator`")
        if self.first_row is not None and self.first_row <= self.header_row:
            raise ValueError("first_row must come after header_row")
        return self

    def value_specs(self) -> list[ValueSpec]:
        """The `values:` columns as a list, whichever way they were written."""
        if self.values is None:
            return []
        if isinstance(self.values, list):
            return list(self.values)
        return [
            ValueSpec(column=v, indicator=k)
            if isinstance(v, str)
            else v.model_copy(update={"indicator": k})
            for k, v in self.values.items()
        ]

    def dimension_specs(self) -> dict[str, DimensionSpec]:
        """The dimensions, a bare column name expanded to {column: …}."""
        return {
            k: DimensionSpec(column=v) if isinstance(v, str) else v
            for k, v in self.dimensions.items()
        }


def read_mapping(path: Path, shown: str, problems: list[Problem]) -> ImportMapping | None:
    """Read and validate a mapping file; problems are located at its lines."""
    src = read_yaml(path, shown, problems)
    if src is None:
        return None
    return mapping_from(src, problems)


def mapping_from(src: Located, problems: list[Problem]) -> ImportMapping | None:
    """Validate parsed YAML as a mapping."""
    from .validate import one

    if not isinstance(src.data, dict):
        problems.append(src.problem((), "expected a mapping (files:, period:, values: …)"))
        return None
    return one(ImportMapping, src, (), problems)
