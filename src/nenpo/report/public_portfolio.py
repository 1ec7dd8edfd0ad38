"""The portfolio fields a project marked `public:`, as a block on its public page.

Only what `portfolio.public.public_records` let through reaches here; illustrative values carry
the 例示値 badge like every other value.
"""

from __future__ import annotations

from html import escape

from ..japan import numbers
from ..japan.periods import Period
from ..model.portfolio import PHASE_LABELS, RATING_LABELS, SKILL_LABELS
from ..portfolio.public import PublicRecord
from ..portfolio.variance import money
from .markdown import ILLUSTRATIVE

TEXT = {
    "ja": {
        "status": "事業の状況",
        "phase": "フェーズ",
        "milestones": "マイルストーン",
        "baseline": "当初予定",
        "date": "予定・実績",
        "budget": "予算・執行",
        "fy": "年度",
        "amount": "執行（見込）",
        "risk": "リスク評価",
        "staffing": "人員（FTE）",
        "skill": "スキル",
        "demand": "必要",
        "supply": "配置",
    },
    "en": {
        "status": "Project status",
        "phase": "Phase",
        "milestones": "Milestones",
        "baseline": "Original plan",
        "date": "Forecast / actual",
        "budget": "Budget",
        "fy": "Fiscal year",
        "amount": "Spend (forecast)",
        "risk": "Risk rating",
        "staffing": "Staff (FTE)",
        "skill": "Skill",
        "demand": "Needed",
        "supply": "Assigned",
    },
}


def _day(d: object, lang: str) -> str:
    return Period.parse(str(d)).label("long", lang)


def _table(cols: list[str], rows: list[list[str]], caption: str) -> str:
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in cols)
    body = "".join(
        f'<tr><th scope="row">{escape(r[0])}</th>'
        + "".join(f"<td>{escape(c)}</td>" for c in r[1:])
        + "</tr>"
        for r in rows
    )
    return (
        f"<table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def public_block(rec: PublicRecord, lang: str) -> str:
    """The public portfolio fields of one project as HTML (empty when none are public)."""
    t = TEXT[lang]
    badge = f'<span class="badge">{ILLUSTRATIVE[lang]}</span>' if rec.illustrative else ""
    parts = [f'<section class="project-status"><h2>{t["status"]}{badge}</h2>']
    if rec.phase:
        parts.append(
            f'<dl class="facts"><dt>{t["phase"]}</dt>'
            f"<dd>{escape(PHASE_LABELS[rec.phase].get(lang))}{badge}</dd></dl>"
        )
    if rec.risk:
        parts.append(
            f"<h3>{t['risk']}</h3><p>{escape(RATING_LABELS[rec.risk.rating].get(lang))}"
            f"（{_day(rec.risk.date, lang)}）{badge}</p>"
            f"<p>{escape(rec.risk.narrative.get(lang))}</p>"
        )
    if rec.milestones:
        rows = [
            [m.name.get(lang), _day(m.baseline, lang), _day(m.date, lang)] for m in rec.milestones
        ]
        parts.append(_table([t["milestones"], t["baseline"], t["date"]], rows, t["milestones"]))
    if rec.budget:
        rows = [[b.fiscal_year, money(b.baseline, lang), money(b.amount, lang)] for b in rec.budget]
        parts.append(_table([t["fy"], t["budget"], t["amount"]], rows, t["budget"]))
    if rec.staffing:
        rows = [
            [
                SKILL_LABELS[s.skill].get(lang),
                numbers.number(s.demand, 1),
                numbers.number(s.supply, 1),
            ]
            for s in rec.staffing
        ]
        parts.append(_table([t["skill"], t["demand"], t["supply"]], rows, t["staffing"]))
    parts.append("</section>")
    return "".join(parts)
