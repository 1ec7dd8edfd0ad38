"""Risk ratings over time: the latest assessment at a date, the trend, the optimiser's weight."""

from __future__ import annotations

import datetime as dt

from ..model.portfolio import RATING_SCORES, Portfolio, ProjectPortfolio, RiskAssessment


def latest(record: ProjectPortfolio | None, as_of: dt.date | None = None) -> RiskAssessment | None:
    """The most recent assessment on or before `as_of` (any date when None)."""
    if record is None:
        return None
    found = [r for r in record.risk if as_of is None or r.date <= as_of]
    return found[-1] if found else None


def previous(
    record: ProjectPortfolio | None, as_of: dt.date | None = None
) -> RiskAssessment | None:
    """The assessment before the latest one, for the trend."""
    if record is None:
        return None
    found = [r for r in record.risk if as_of is None or r.date <= as_of]
    return found[-2] if len(found) >= 2 else None


def trend(record: ProjectPortfolio | None, as_of: dt.date | None = None) -> str | None:
    """'better', 'worse' or 'same' since the previous assessment; None without two."""
    now, before = latest(record, as_of), previous(record, as_of)
    if now is None or before is None:
        return None
    diff = RATING_SCORES[now.rating] - RATING_SCORES[before.rating]
    return "better" if diff > 0 else "worse" if diff < 0 else "same"


def weight(pf: Portfolio, project: str) -> float:
    """The optimiser's weight of a unit of unmet demand on `project` (its latest rating's)."""
    r = latest(pf.project(project), pf.as_of)
    return pf.risk_weights.of(r.rating if r else None)
