"""Observations in nenpo's own long CSV format: indicator, date, value, [dimensions…]."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from ..errors import Problem
from ..model.workspace import Observation
from .files import CsvReader, read_text

REQUIRED = ("indicator", "date", "value")
OPTIONAL = ("provenance", "source", "note")


@dataclass(frozen=True)
class Sourced:
    """An observation with the file and line it came from, for cross-reference errors."""

    obs: Observation
    file: str
    line: int
    columns: tuple[str, ...] = ()

    def problem(self, column: str | None, message: str) -> Problem:
        return Problem(self.file, self.line, column, message)


def read_csv(path: Path, shown_as: str, problems: list[Problem]) -> list[Sourced]:
    """Read one observations CSV (UTF-8, BOM allowed); every bad row becomes a Problem."""
    hint = "; save it as UTF-8 or import it with a mapping"
    text = read_text(path, shown_as, problems, hint=hint)
    if text is None:
        return []
    reader = CsvReader(text.splitlines(), shown_as, problems)
    header = next(reader, None)
    if header is None:
        problems.append(
            Problem(
                shown_as,
                1,
                None,
                "empty file; expected a header row indicator,date,value[,dimension…]",
            )
        )
        return []
    header = [h.strip() for h in header]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        problems.append(
            Problem(
                shown_as,
                1,
                None,
                f"missing column(s) {', '.join(missing)}; "
                "expected indicator,date,value[,dimension…]",
            )
        )
        return []
    dims = [h for h in header if h not in REQUIRED and h not in OPTIONAL]
    out: list[Sourced] = []
    for row in reader:
        line = reader.line_num
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            problems.append(
                Problem(
                    shown_as,
                    line,
                    None,
                    f"{len(row)} fields; expected {len(header)} as in the header",
                )
            )
            continue
        rec = dict(zip(header, (c.strip() for c in row), strict=True))
        raw = {
            "indicator": rec["indicator"],
            "period": rec["date"],
            "value": rec["value"],
            "dims": {d: rec[d] for d in dims if rec[d]},
            "provenance": rec.get("provenance") or None,
            "source": rec.get("source") or None,
        }
        try:
            obs = Observation.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                col = {"period": "date"}.get(str(err["loc"][0]), str(err["loc"][0]))
                msg = err["msg"].removeprefix("Value error, ")
                problems.append(Problem(shown_as, line, col, f"{msg} (got {rec.get(col)!r})"))
            continue
        out.append(Sourced(obs, shown_as, line))
    return out
