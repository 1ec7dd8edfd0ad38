"""Schedule and budget variance, always against the original baseline (rebaselines shown).

Schedule variance is in days: (actual, else forecast) minus the original baseline; positive is
late. Budget variance is (actual, else forecast) minus the baseline, in yen and in percent of the
baseline; positive is over. A variance whose size exceeds the threshold (5% by default, as the UK
major projects portfolio requires) needs a narrative.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from ..model.portfolio import BudgetYear, Milestone, Portfolio
from ..model.text import I18n


@dataclass(frozen=True)
class ScheduleVariance:
    """One milestone's dates and its slip against the original and the current baseline."""

    project: str
    milestone: str
    name: I18n
    baseline: dt.date
    current_baseline: dt.date
    rebaselines: int
    forecast: dt.date | None
    actual: dt.date | None
    days: int
    days_vs_current: int
    stale_forecast: bool

    @property
    def date(self) -> dt.date:
        """The date the variance is measured at: the actual, else the forecast."""
        return self.actual or self.forecast or self.current_baseline


def schedule(project: str, m: Milestone, as_of: dt.date) -> ScheduleVariance:
    """The schedule variance of one milestone, as of a date."""
    at = m.actual or m.forecast
    assert at is not None  # the model requires one of them
    return ScheduleVariance(
        project=project,
        milestone=m.id,
        name=m.name,
        baseline=m.baseline,
        current_baseline=m.current_baseline,
        rebaselines=len(m.rebaselines),
        forecast=m.forecast,
        actual=m.actual,
        days=(at - m.baseline).days,
        days_vs_current=(at - m.current_baseline).days,
        # A forecast in the past for a milestone not done is out of date: say so, don't trust it.
        stale_forecast=m.actual is None and m.forecast is not None and m.forecast < as_of,
    )


@dataclass(frozen=True)
class BudgetVariance:
    """One 年度's budget: the amount compared (actual, else forecast) against the baseline."""

    project: str
    fiscal_year: str
    baseline: int
    forecast: int | None
    actual: int | None
    basis: str
    amount: int
    variance: int
    percent: float
    exceeds: bool
    narrative: I18n | None

    @property
    def needs_narrative(self) -> bool:
        """True when the variance exceeds the threshold and no narrative explains it."""
        return self.exceeds and self.narrative is None


def budget(project: str, b: BudgetYear, threshold: float = 5.0) -> BudgetVariance:
    """The budget variance of one 年度; `exceeds` is decided exactly, without float rounding."""
    basis, amount = ("actual", b.actual) if b.actual is not None else ("forecast", b.forecast)
    assert amount is not None  # the model requires one of them
    variance = amount - b.baseline
    # |variance| / baseline > threshold / 100, in exact rational arithmetic: 5.0% is not over 5%.
    exceeds = abs(variance) * 100 > Fraction(threshold) * b.baseline
    return BudgetVariance(
        project=project,
        fiscal_year=b.fiscal_year,
        baseline=b.baseline,
        forecast=b.forecast,
        actual=b.actual,
        basis=basis,
        amount=amount,
        variance=variance,
        percent=variance / b.baseline * 100,
        exceeds=exceeds,
        narrative=b.narrative,
    )


def schedules(pf: Portfolio) -> list[ScheduleVariance]:
    """Every milestone of the portfolio, project by project."""
    return [schedule(r.project, m, pf.as_of) for r in pf.projects for m in r.milestones]


def budgets(pf: Portfolio) -> list[BudgetVariance]:
    """Every budget year of the portfolio, project by project."""
    return [budget(r.project, b, pf.budget_threshold) for r in pf.projects for b in r.budget]


def money(yen: int | float, lang: str = "ja", sign: bool = False) -> str:
    """Yen as budget tables show them: 1,287.4百万円 (en: ¥1,287.4m)."""
    from ..japan.numbers import number

    text = number(yen / 1_000_000, 1, sign=sign)
    return f"{text}百万円" if lang == "ja" else f"¥{text}m"
