"""The portfolio view and the allocation plan for the terminal (Rich tables) and as JSON."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from ..japan.numbers import number
from ..model.portfolio import PHASE_LABELS, RATING_LABELS, RATINGS, SKILL_LABELS
from ..portfolio.explain import describe
from ..portfolio.plan import Plan
from ..portfolio.variance import money
from ..portfolio.view import PortfolioView

UNRATED = {"ja": "未評価", "en": "Unrated"}
TREND = {"better": "↑", "worse": "↓", "same": "→"}


def print_view(console: Console, view: PortfolioView, lang: str = "ja") -> None:
    """Heatmap, project table, variances needing attention, staffing by skill, findings."""
    ja = lang == "ja"
    note = (
        "（例示値）" if view.illustrative and ja else " (illustrative)" if view.illustrative else ""
    )
    console.print(
        f"[bold]{'ポートフォリオ' if ja else 'Portfolio'}[/] {view.as_of.isoformat()}"
        f"{'時点' if ja else ''}{note} — "
        + ("職員限定：公開しないでください" if ja else "staff only: do not publish"),
        highlight=False,
    )
    heat = Table(title="注力領域 × 最新の評価" if ja else "Focus area × latest rating")
    heat.add_column("注力領域" if ja else "Focus area")
    cols = [*RATINGS, None]
    for col in cols:
        heat.add_column(RATING_LABELS[col].get(lang) if col else UNRATED[lang], justify="right")
    for fa in view.ws.focus_areas:
        heat.add_row(fa.name.get(lang), *(str(len(view.heatmap.get((fa.id, c), []))) for c in cols))
    console.print(heat)

    table = Table(title="プロジェクト" if ja else "Projects")
    for c in (
        ("プロジェクト", "Project"),
        ("フェーズ", "Phase"),
        ("評価", "Rating"),
        ("最大遅延(日)", "Slip (days)"),
        ("予算差異", "Budget var."),
        ("人員 不足/需要", "Staff short/demand"),
    ):
        table.add_column(c[0] if ja else c[1], justify="left" if c[1] in ("Project",) else "right")
    for r in view.rows:
        rating = (
            f"{RATING_LABELS[r.latest.rating].get(lang)} {TREND.get(r.trend or '', '')}"
            if r.latest
            else "—"
        )
        b = r.budget[-1] if r.budget else None
        table.add_row(
            r.name.get(lang),
            PHASE_LABELS[r.phase].get(lang) if r.phase else "—",
            rating,
            str(r.worst_slip) if r.worst_slip is not None else "—",
            f"{number(b.percent, 1, sign=True)}%" if b else "—",
            f"{number(r.shortfall, 1)}/{number(r.demand, 1)}",
        )
    console.print(table)

    skills = Table(title="スキル別の人員（FTE）" if ja else "Staff by skill (FTE)")
    for head in ("スキル/Skill", "需要/Demand", "配置/Assigned", "不足/Short", "未配置/Bench"):
        jp, en = head.split("/")
        skills.add_column(jp if ja else en, justify="right")
    for s in view.skills:
        skills.add_row(
            SKILL_LABELS[s.skill].get(lang),
            number(s.demand, 1),
            number(s.supply, 1),
            number(s.shortfall, 1),
            number(s.bench, 1),
        )
    console.print(skills)
    console.print(
        ("リスク加重の人員不足：" if ja else "Risk-weighted staff shortfall: ")
        + number(view.weighted_shortfall, 2),
        highlight=False,
    )
    over = [b for b in view.budgets if b.exceeds]
    if over:
        console.print(
            "[bold]"
            + ("予算差異が閾値を超える年度" if ja else "Budget variances over the threshold")
            + "[/]"
        )
        for b in over:
            why = b.narrative.get(lang) if b.narrative else ("説明なし" if ja else "NO NARRATIVE")
            amounts = f"{money(b.amount, lang)} / {money(b.baseline, lang)}"
            console.print(
                f"  {b.project} {b.fiscal_year}: {amounts} ({number(b.percent, 1, sign=True)}%) "
                f"— {why}",
                highlight=False,
                markup=False,
            )
    if view.findings:
        console.print("[bold red]" + ("指摘" if ja else "Findings") + f"[/] ({len(view.findings)})")
        for p in view.findings:
            console.print(f"  {p}", highlight=False, markup=False)


def print_plan(console: Console, plan: Plan, lang: str = "ja") -> None:
    """The optimiser's plan in words, or why there is none."""
    res, ja = plan.result, lang == "ja"
    names = plan.names.get(lang, {})
    if plan.illustrative:
        console.print(
            "例示値：この配置案は例示用の架空のデータによるものです。"
            if ja
            else "Illustrative: this plan is drawn from made-up example data.",
            highlight=False,
        )
    if res.status == "infeasible":
        console.print(
            "[bold red]"
            + ("配置案はありません" if ja else "No plan meets every constraint")
            + "[/]"
        )
        for r in res.reasons:
            console.print(f"  {r.text(lang, names)}", highlight=False, markup=False)
        return
    after = res.objective_after or 0.0
    status = {
        "optimal": "最適解" if ja else "optimal",
        "feasible": "実行可能解" if ja else "feasible",
    }
    gap = "" if res.status == "optimal" else f", gap {res.gap}"
    console.print(
        (
            f"リスク加重不足 {number(res.objective_before, 2)} → {number(after, 2)}"
            f"（{len(res.moves)}人の移動、上限{res.max_moves}人、{status[res.status]}{gap}、"
            f"{res.seconds:.2f}秒）"
        )
        if ja
        else (
            f"risk-weighted shortfall {number(res.objective_before, 2)} → {number(after, 2)} "
            f"({len(res.moves)} moves, limit {res.max_moves}, {status[res.status]}{gap}, "
            f"{res.seconds:.2f} s)"
        ),
        highlight=False,
    )
    for i, m in enumerate(res.moves, 1):
        console.print(
            f"{i}. {describe(m, plan.problem, lang, names)}", highlight=False, markup=False
        )


def plan_json(plan: Plan, lang: str = "ja") -> dict[str, Any]:
    """The plan as data: status, objectives, each move with its cells and its sentence."""
    res = plan.result
    names = plan.names.get(lang, {})

    def cells(d: dict[tuple[str, str], float]) -> list[dict[str, Any]]:
        return [{"project": j, "skill": s, "fte": v} for (j, s), v in d.items()]

    return {
        "illustrative": plan.illustrative,
        "status": res.status,
        "max_moves": res.max_moves,
        "objective_before": round(res.objective_before, 9),
        "objective_after": None if res.objective_after is None else round(res.objective_after, 9),
        "gap": res.gap,
        "seconds": res.seconds,
        "moves": [
            {
                "person": m.person,
                "from": cells(m.leaves),
                "to": cells(m.joins),
                "delta": m.delta,
                "text": describe(m, plan.problem, lang, names),
            }
            for m in res.moves
        ],
        "reasons": [
            {
                "project": r.project,
                "minimum": r.minimum,
                "reachable": r.reachable,
                "moves_needed": r.moves_needed,
                "text": r.text(lang, names),
            }
            for r in res.reasons
        ],
    }
