"""Rules on the portfolio (staff only): a budget variance over the threshold needs a narrative."""

from __future__ import annotations

from collections.abc import Iterable

from ..portfolio.rules import budget_narratives
from .findings import Finding
from .run import Context


def budget_narrative(ctx: Context) -> Iterable[Finding]:
    """A 年度 whose budget varies from its baseline by more than the threshold, unexplained."""
    for p in budget_narratives(ctx.ws, ctx.where):
        yield ctx.finding(
            "budget-narrative",
            p.file,
            p.line,
            p.message,
            "say why under narrative: (the cause, and what is done about it)",
        )


CHECKS = [budget_narrative]
