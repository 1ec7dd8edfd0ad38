"""A finding of `nenpo check`: where, which rule, how bad, what is wrong, how to fix it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Finding:
    """One finding, located at a file and line of the workspace."""

    file: str
    line: int | None
    rule: str
    severity: Severity
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        text = f"{where}: {self.severity} [{self.rule}] {self.message}"
        return f"{text}\n    hint: {self.hint}" if self.hint else text

    def to_json(self) -> dict[str, Any]:
        """As a JSON object."""
        return asdict(self)
