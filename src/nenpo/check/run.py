"""The rule registry and the runner."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar, cast

from ..ingest.where import Where
from ..lookups.data import Data
from ..model.workspace import Workspace
from .findings import Finding, Severity
from .numbers import Values

T = TypeVar("T")
Place = tuple[str, int | None]  # a file of the workspace and a line in it (None: not known)

# Every rule: id → (severity, what it catches). docs/check.md explains each with an example.
RULES: dict[str, tuple[Severity, str]] = {
    "legend-labels": (
        "error",
        "a hand-set legend differs from the survey's options or the "
        "dimension's values, or their order",
    ),
    "axis-labels": ("error", "a hand-set time-axis label differs from the observation dates"),
    "chart-title": ("warning", "a hand-set chart title does not name what the chart shows"),
    "missing-alt": ("error", "a chart's hand-set alt text is empty or too short to describe it"),
    "missing-source": (
        "warning",
        "a source of real figures gives neither an address nor a "
        "publisher, so a reader cannot look the figure up",
    ),
    "missing-licence": ("warning", "a source used in the report has no licence"),
    "unknown-reference": (
        "error",
        "a reference to an unknown indicator, survey, option, date "
        "or chart, or a reference that cannot be read",
    ),
    "override-text": (
        "error",
        "a figure given by hand in a reference (text=) disagrees with the value it stands for",
    ),
    "prose-number": (
        "error",
        "a number typed in prose contradicts a value referenced in the same paragraph (same unit)",
    ),
    "unlinked-number": ("warning", "a number typed in prose matches no data at all"),
    "illustrative-unlabelled": (
        "error",
        "a number typed in prose matches only illustrative "
        "values, so it would not be labelled 例示値",
    ),
    "shares-sum": ("error", "one question's shares in one wave do not sum to 100 within rounding"),
    "stale-data": (
        "warning",
        "data shown in the report ends more than a year before the end of the report period",
    ),
    "target-direction": (
        "error",
        "a target lies on the wrong side of the current value for the indicator's direction",
    ),
    "target-date": ("warning", "a target is due before the first observation of its indicator"),
    "chart-placement": (
        "warning",
        "a chart stands under a heading of another subject than what it draws",
    ),
    "unmatched-content": (
        "error",
        "a Markdown file under content/ that no page shows (a misnamed file)",
    ),
    "heading-mismatch": ("error", "a page's own heading differs from its title in report.yaml"),
    "missing-explanation": (
        "warning",
        "a chart or table follows a heading with no text saying what it shows",
    ),
    "share-over-100": ("warning", "a value of a share (an indicator in %) above 100 or below 0"),
    "parts-sum": (
        "warning",
        "parts by one dimension do not sum to their total within rounding",
    ),
    "series-break": (
        "warning",
        "a value breaks its own series: two digits swapped, or an order of magnitude off",
    ),
    "ratio-inputs": (
        "warning",
        "a ratio disagrees with its numerator and denominator, both in the data",
    ),
    "budget-narrative": (
        "error",
        "a budget variance above the portfolio's threshold (5% by default) has no narrative",
    ),
}


@dataclass
class Context:
    """What rules look at: the workspace, where its parts were written, the data indexes."""

    ws: Workspace
    where: Where
    data: Data
    # Where each observation was written, in the order of ws.observations: (file, line) of its
    # row in observations/*.csv or in the table an import read; ("", None) when not known.
    rows: Sequence[Place] = field(default=())
    # A store that answers the data-entry rules' questions itself (check.stored.StoredRows),
    # so that its rows are not all read; None: the rules index ws.observations.
    source: Any = None

    _cached: dict[str, Any] = field(default_factory=dict)

    def cache(self, key: str, make: Callable[[], T]) -> T:
        """An index built once per run and shared by the rules that need it."""
        if key not in self._cached:
            self._cached[key] = make()
        return cast(T, self._cached[key])

    def row(self, index: int) -> Place:
        """File and line of the observation at `index` of ws.observations."""
        return self.rows[index] if index < len(self.rows) else ("", None)

    def finding(
        self, rule: str, file: str, line: int | None, message: str, hint: str = ""
    ) -> Finding:
        """A finding of `rule`, with the rule's severity."""
        return Finding(file, line, rule, RULES[rule][0], message, hint)

    def at(
        self,
        rule: str,
        kind: str,
        ident: str,
        sub: tuple[str | int, ...],
        message: str,
        hint: str = "",
    ) -> Finding:
        """A finding located at a key of a defined object."""
        file, line = self.where.of(kind, ident, *sub)
        return self.finding(rule, file, line, message, hint)

    @cached_property
    def values(self) -> Values:
        """Every value a typed number could mean, indexed once for the pages and the deck."""
        return Values(self.data)


Check = Callable[[Context], Iterable[Finding]]


def _checks() -> list[Check]:
    from . import charts, data, entry, placement, portfolio, prose

    return [
        *charts.CHECKS,
        *prose.CHECKS,
        *placement.CHECKS,
        *data.CHECKS,
        *entry.CHECKS,
        *portfolio.CHECKS,
    ]


def run_checks(
    ws: Workspace,
    where: Where | None = None,
    extra: Iterable[Check] = (),
    rows: Sequence[Place] = (),
    data: Data | None = None,
    source: Any = None,
) -> list[Finding]:
    """Every finding for a workspace, errors first, then by file and line; `rows` says where
    each observation was written (in the order of ws.observations). A check of a store passes
    lookups (`data`) and the data-entry rules' `source` that read it a query at a time."""
    ctx = Context(ws, where or Where(), data or Data(ws), rows, source)
    found: list[Finding] = []
    for check in [*_checks(), *extra]:
        found.extend(check(ctx))
    return sorted(set(found), key=lambda f: (f.severity != "error", f.file, f.line or 0, f.rule))
