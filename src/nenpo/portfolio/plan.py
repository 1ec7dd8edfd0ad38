"""An allocation plan as the core hands it to its adapters (the terminal, JSON, the staff pages)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the optimiser (HiGHS, numpy) is imported only when it runs
    from .allocate import AllocationProblem, AllocationResult


@dataclass
class Plan:
    """An allocation plan with the problem it answers and the projects' display names."""

    problem: AllocationProblem
    result: AllocationResult
    names: dict[str, dict[str, str]]
    illustrative: bool = False  # drawn from illustrative (例示値) portfolio data

    def name(self, project: str, lang: str = "ja") -> str:
        return self.names.get(lang, {}).get(project, project)
