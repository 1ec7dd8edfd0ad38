"""Cross-references between files: every id a file names must exist, once, where it belongs."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from ..errors import Problem, follows
from ..model.builtin import builtin_dimensions
from ..model.workspace import Chart, Dimension, Indicator, Survey, Workspace
from .observations import Sourced

T = TypeVar("T")

if TYPE_CHECKING:
    from .workspace import Where


def cross_check(
    ws: Workspace,
    where: Where,
    observations: list[Sourced],
    problems: list[Problem],
    salvaged: dict[str, set[str]] | None = None,
    broken: dict[str, str] | None = None,
) -> None:
    """Add a Problem for every dangling or conflicting reference.

    `salvaged` holds ids read leniently from files that did not parse, so that a syntax error
    in focus_areas.yaml does not make every project's focus area 'unknown'. `broken` names
    those files by the kind they define: a reference that is unknown only because its file did
    not parse is marked as following from that file (Problem.after).
    """
    _cross_check(ws, where, observations, problems, salvaged or {}, broken or {})


def _cross_check(
    ws: Workspace,
    where: Where,
    observations: list[Sourced],
    problems: list[Problem],
    salvaged: dict[str, set[str]],
    broken: dict[str, str],
) -> None:
    sources = {s.id for s in ws.sources} | salvaged.get("sources", set())
    areas = {a.id for a in ws.focus_areas} | salvaged.get("focus_areas", set())
    indicators = _first(ws.indicators)
    dims = {d.id: d for d in [*builtin_dimensions(), *ws.dimensions]}
    surveys = _first(ws.surveys)

    def need(
        ok: bool, kind: str, ident: str, sub: tuple[str | int, ...], msg: str, ref: str = ""
    ) -> None:
        if not ok:
            problems.append(follows(where.problem(kind, ident, sub, msg), ref, broken))

    if ws.statement and ws.statement.source:
        need(
            ws.statement.source in sources,
            "main",
            "statement",
            ("source",),
            f"unknown source {ws.statement.source!r}",
            "sources",
        )

    for project, parent in ws.all_projects():
        pid = project.id
        if parent is None:
            need(
                project.focus_area is not None,
                "projects",
                pid,
                ("focus_area",),
                "a project needs a focus_area (one of: " + ", ".join(sorted(areas)) + ")",
            )
        elif project.focus_area not in (None, parent.focus_area):
            problems.append(
                where.problem(
                    "projects",
                    pid,
                    ("focus_area",),
                    f"a sub-project belongs to its parent's focus area "
                    f"{parent.focus_area!r}, not {project.focus_area!r}",
                )
            )
        if project.focus_area is not None:
            need(
                project.focus_area in areas,
                "projects",
                pid,
                ("focus_area",),
                f"unknown focus area {project.focus_area!r}; expected one of "
                + ", ".join(sorted(areas)),
                "focus_areas",
            )
        for i, ind_id in enumerate(project.indicators):
            need(
                ind_id in indicators,
                "projects",
                pid,
                ("indicators", i),
                f"unknown indicator {ind_id!r}",
                "indicators",
            )

    for ind in ws.indicators:
        need(
            ind.source in sources,
            "indicators",
            ind.id,
            ("source",),
            f"unknown source {ind.source!r}",
            "sources",
        )
        for i, d in enumerate(ind.dimensions):
            need(
                d in dims,
                "indicators",
                ind.id,
                ("dimensions", i),
                f"unknown dimension {d!r}",
                "dimensions",
            )
        if ind.ratio is not None:
            for part in ("numerator", "denominator"):
                other = getattr(ind.ratio, part)
                need(
                    other in indicators and other != ind.id,
                    "indicators",
                    ind.id,
                    ("ratio", part),
                    f"unknown indicator {other!r}"
                    if other != ind.id
                    else "a ratio cannot be computed from itself",
                    "indicators",
                )

    for dim in ws.dimensions:
        _unique(
            where,
            problems,
            "dimensions",
            dim.id,
            "values",
            [v.code for v in dim.values],
            "value code",
        )

    for sv in ws.surveys:
        _check_survey(sv, where, sources, problems, broken)

    for ch in ws.charts:
        _check_chart(ch, where, indicators, dims, surveys, problems, broken)

    _check_observations(observations, indicators, dims, sources, problems, broken)


def _first(objs: list[T]) -> dict[str, T]:
    """id → object, keeping the first of duplicates (the second is reported as duplicate)."""
    out: dict[str, T] = {}
    for o in objs:
        out.setdefault(o.id, o)  # type: ignore[attr-defined]
    return out


def _unique(
    where: Where,
    problems: list[Problem],
    kind: str,
    ident: str,
    key: str,
    values: list[str],
    what: str,
) -> None:
    seen: set[str] = set()
    for i, v in enumerate(values):
        if v in seen:
            problems.append(where.problem(kind, ident, (key, i), f"duplicate {what} {v!r}"))
        seen.add(v)


def _check_survey(
    sv: Survey, where: Where, sources: set[str], problems: list[Problem], broken: dict[str, str]
) -> None:
    if sv.source not in sources:
        problem = where.problem("surveys", sv.id, ("source",), f"unknown source {sv.source!r}")
        problems.append(follows(problem, "sources", broken))
    _unique(
        where, problems, "surveys", sv.id, "questions", [q.id for q in sv.questions], "question"
    )
    _unique(where, problems, "surveys", sv.id, "waves", [w.id for w in sv.waves], "wave")
    questions = {q.id: q for q in sv.questions}
    for qi, q in enumerate(sv.questions):
        seen: set[str] = set()
        for oi, o in enumerate(q.options):
            if o.id in seen:
                problems.append(
                    where.problem(
                        "surveys",
                        sv.id,
                        ("questions", qi, "options", oi),
                        f"duplicate option {o.id!r}",
                    )
                )
            seen.add(o.id)
    waves = {w.id for w in sv.waves}
    done: set[tuple[str, str]] = set()
    for ri, r in enumerate(sv.results):
        at = ("results", ri)
        rq = questions.get(r.question)
        if rq is None:
            problems.append(
                where.problem(
                    "surveys", sv.id, (*at, "question"), f"unknown question {r.question!r}"
                )
            )
            continue
        if r.wave not in waves:
            problems.append(
                where.problem(
                    "surveys",
                    sv.id,
                    (*at, "wave"),
                    f"unknown wave {r.wave!r}; expected one of " + ", ".join(sorted(waves)),
                )
            )
        if (r.question, r.wave) in done:
            problems.append(
                where.problem(
                    "surveys", sv.id, at, f"second result for {r.question!r} in wave {r.wave!r}"
                )
            )
        done.add((r.question, r.wave))
        options = [o.id for o in rq.options]
        for opt in r.shares:
            if opt not in options:
                problems.append(
                    where.problem(
                        "surveys",
                        sv.id,
                        (*at, "shares", opt),
                        f"{opt!r} is not an option of {rq.id!r}; expected " + ", ".join(options),
                    )
                )
        for opt in options:
            if opt not in r.shares:
                problems.append(
                    where.problem("surveys", sv.id, (*at, "shares"), f"no share for option {opt!r}")
                )


def _check_chart(
    ch: Chart,
    where: Where,
    indicators: dict[str, Indicator],
    dims: dict[str, Dimension],
    surveys: dict[str, Survey],
    problems: list[Problem],
    broken: dict[str, str],
) -> None:
    def bad(key: str, msg: str, ref: str = "") -> None:
        problems.append(follows(where.problem("charts", ch.id, (key,), msg), ref, broken))

    if ch.survey is not None:
        sv = surveys.get(ch.survey)
        if sv is None:
            bad("survey", f"unknown survey {ch.survey!r}", "surveys")
        elif ch.question not in {q.id for q in sv.questions}:
            bad("question", f"unknown question {ch.question!r} in survey {ch.survey!r}")
    if ch.indicator is not None:
        ind = indicators.get(ch.indicator)
        if ind is None:
            bad("indicator", f"unknown indicator {ch.indicator!r}", "indicators")
        elif ch.dimension is not None and ch.dimension not in ind.dimensions:
            bad("dimension", f"indicator {ind.id!r} has no dimension {ch.dimension!r}")
    if ch.dimension is not None and ch.dimension not in dims:
        bad("dimension", f"unknown dimension {ch.dimension!r}", "dimensions")


def _check_observations(
    observations: list[Sourced],
    indicators: dict[str, Indicator],
    dims: dict[str, Dimension],
    sources: set[str],
    problems: list[Problem],
    broken: dict[str, str],
) -> None:
    codes = {d: {v.code for v in dim.values} for d, dim in dims.items()}
    seen: dict[tuple[str, str, tuple[tuple[str, str], ...]], Sourced] = {}
    for s in observations:
        o = s.obs
        ind = indicators.get(o.indicator)
        if ind is None:
            problem = s.problem("indicator", f"unknown indicator {o.indicator!r}")
            problems.append(follows(problem, "indicators", broken))
            continue
        for d, code in o.dims.items():
            if d not in ind.dimensions:
                problems.append(s.problem(d, f"indicator {ind.id!r} has no dimension {d!r}"))
            elif d not in codes:  # the indicator names a dimension that is not defined
                problem = s.problem(d, f"unknown dimension {d!r}")
                problems.append(follows(problem, "dimensions", broken))
            elif code not in codes[d]:
                problems.append(s.problem(d, f"{code!r} is not a value of dimension {d!r}"))
        if o.source is not None and o.source not in sources:
            problem = s.problem("source", f"unknown source {o.source!r}")
            problems.append(follows(problem, "sources", broken))
        key = (o.indicator, o.period, tuple(sorted(o.dims.items())))
        if key in seen:
            first = seen[key]
            problems.append(
                s.problem(
                    None,
                    f"duplicate observation of {o.indicator!r} at "
                    f"{o.period} (first at {first.file}:{first.line})",
                )
            )
        else:
            seen[key] = s
