"""Read the portfolio folder: settings, one YAML per project, people and allocations as CSV.

Layout (docs/workspace.md):

    portfolio/portfolio.yaml        as_of, source, budget_threshold, max_moves, risk_weights
    portfolio/projects/PROJECT.yaml one project's phase, milestones, budget, risk, staffing
    portfolio/people.csv            id,skills,capacity   (skills separated by ';')
    portfolio/allocations.csv       person,project,skill,fte

Every problem is reported with file and line, and cross-references (projects, people, skills,
sources) are checked against the rest of the workspace.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import Problem, follows, rel
from ..model.portfolio import (
    Allocation,
    Person,
    Portfolio,
    PortfolioSettings,
    ProjectPortfolio,
)
from ..model.workspace import Workspace
from .files import CsvReader, list_folder, read_text
from .validate import one
from .where import Where
from .yamlfile import Located, read_yaml

FOLDER = "portfolio"
CAPACITY_SLACK = 1e-9  # FTE sums are floats: 0.1 + 0.2 must not exceed a capacity of 0.3


def read_portfolio(root: Path, where: Where, problems: list[Problem]) -> Portfolio | None:
    """The portfolio of the workspace at `root`, or None when it has no portfolio/ folder."""
    folder = root / FOLDER
    if not folder.is_dir():
        return None
    settings_file = folder / "portfolio.yaml"
    shown = rel(settings_file, root)
    settings: dict[str, Any] = {}
    if not settings_file.is_file():
        problems.append(
            Problem(shown, None, None, "file not found; a portfolio needs as_of and source here")
        )
    else:
        src = read_yaml(settings_file, shown, problems)
        if src is not None and not isinstance(src.data, dict):
            problems.append(src.problem((), "expected a mapping (as_of:, source:, …)"))
        elif src is not None:
            where.add("portfolio_settings", "portfolio", src, ())
            checked = one(PortfolioSettings, src, (), problems)
            if checked is not None:
                settings = checked.model_dump(by_alias=True)
    projects = _read_projects(folder / "projects", root, where, problems)
    people_shown = rel(folder / "people.csv", root)
    n = len(problems)
    people = _read_people(folder / "people.csv", people_shown, where, problems)
    # No one read from a people.csv with problems: its unknown people follow from it.
    people_failed = not people and any(p.file == people_shown for p in problems[n:])
    n = len(problems)
    _read_allocations(
        folder / "allocations.csv", rel(folder / "allocations.csv", root), people, where, problems
    )
    if people_failed:
        problems[n:] = [
            dataclasses.replace(p, after=people_shown) if p.field == "person" else p
            for p in problems[n:]
        ]
    if not settings:
        return None
    return Portfolio.model_validate(
        {**settings, "projects": projects, "people": list(people.values())}
    )


def _read_projects(
    folder: Path, root: Path, where: Where, problems: list[Problem]
) -> list[ProjectPortfolio]:
    out: list[ProjectPortfolio] = []
    if not folder.is_dir():
        return out
    for f in list_folder(folder, "*.yaml", rel(folder, root), problems):
        shown = rel(f, root)
        src = read_yaml(f, shown, problems)
        if src is None:
            continue
        if not isinstance(src.data, dict):
            problems.append(src.problem((), "expected a mapping (provenance:, phase:, …)"))
            continue
        if "project" in src.data:
            problems.append(
                src.problem(("project",), "the file's name names the project; remove 'project:'")
            )
            continue
        named = Located(src.file, {**src.data, "project": f.stem}, src.lines)
        record = one(ProjectPortfolio, named, (), problems)
        where.add("portfolio", f.stem, named, ())
        if record is not None:
            _unique_within(record, named, problems)
            out.append(record)
    return out


def _unique_within(record: ProjectPortfolio, src: Located, problems: list[Problem]) -> None:
    """Milestone ids, fiscal years and assessment dates are each unique within a project."""
    for key, values in (
        ("milestones", [m.id for m in record.milestones]),
        ("budget", [b.fiscal_year for b in record.budget]),
        ("risk", [r.date.isoformat() for r in record.risk]),
    ):
        seen: set[str] = set()
        for i, v in enumerate(values):
            if v in seen:
                problems.append(src.problem((key, i), f"{v} appears twice in {key}"))
            seen.add(v)


def _rows(
    path: Path, shown: str, required: tuple[str, ...], problems: list[Problem]
) -> list[tuple[int, dict[str, str]]]:
    """Rows of a UTF-8 CSV (BOM allowed) with their line numbers; a bad header is a Problem."""
    text = read_text(path, shown, problems, missing_ok=True)
    if text is None:
        return []
    reader = CsvReader(text.splitlines(), shown, problems)
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in required if c not in header]
    if missing:
        problems.append(
            Problem(
                shown,
                1,
                None,
                f"missing column(s) {', '.join(missing)}; expected {','.join(required)}",
            )
        )
        return []
    out = []
    for row in reader:
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            problems.append(
                Problem(
                    shown,
                    reader.line_num,
                    None,
                    f"{len(row)} fields; expected {len(header)} as in the header",
                )
            )
            continue
        out.append((reader.line_num, dict(zip(header, (c.strip() for c in row), strict=True))))
    return out


def _row_problems(
    shown: str, line: int, exc: ValidationError, rec: dict[str, str]
) -> list[Problem]:
    out = []
    for err in exc.errors():
        col = str(err["loc"][0]) if err["loc"] else None
        msg = err["msg"].removeprefix("Value error, ")
        got = f" (got {rec[col]!r})" if col in rec else ""
        out.append(Problem(shown, line, col, f"{msg}{got}"))
    return out


def _read_people(
    path: Path, shown: str, where: Where, problems: list[Problem]
) -> dict[str, Person]:
    people: dict[str, Person] = {}
    first: dict[str, int] = {}
    for line, rec in _rows(path, shown, ("id", "skills", "capacity"), problems):
        raw = {
            "id": rec["id"],
            "skills": [s for s in rec["skills"].replace(",", ";").split(";") if s.strip()],
            "capacity": rec["capacity"],
        }
        raw["skills"] = [s.strip() for s in raw["skills"]]
        try:
            person = Person.model_validate(raw)
        except ValidationError as exc:
            problems.extend(_row_problems(shown, line, exc, rec))
            continue
        if person.id in people:
            problems.append(
                Problem(
                    shown,
                    line,
                    "id",
                    f"duplicate person id {person.id!r} (first at {shown}:{first[person.id]})",
                )
            )
            continue
        if len(set(person.skills)) != len(person.skills):
            problems.append(Problem(shown, line, "skills", "a skill is listed twice"))
        people[person.id] = person
        first[person.id] = line
        where.add("people", person.id, Located(shown, None, {(): line}), ())
    return people


def _read_allocations(
    path: Path, shown: str, people: dict[str, Person], where: Where, problems: list[Problem]
) -> None:
    seen: dict[tuple[str, str, str], int] = {}
    for line, rec in _rows(path, shown, ("person", "project", "skill", "fte"), problems):
        try:
            alloc = Allocation.model_validate(
                {"project": rec["project"], "skill": rec["skill"], "fte": rec["fte"]}
            )
        except ValidationError as exc:
            problems.extend(_row_problems(shown, line, exc, rec))
            continue
        person = people.get(rec["person"])
        if person is None:
            problems.append(
                Problem(shown, line, "person", f"unknown person {rec['person']!r} (people.csv)")
            )
            continue
        if alloc.skill not in person.skills:
            problems.append(
                Problem(
                    shown,
                    line,
                    "skill",
                    f"{person.id} has no skill {alloc.skill!r}; their skills are "
                    + ", ".join(person.skills),
                )
            )
            continue
        key = (person.id, alloc.project, alloc.skill)
        if key in seen:
            problems.append(
                Problem(
                    shown,
                    line,
                    None,
                    f"{person.id} is allocated to {alloc.project} as {alloc.skill} twice "
                    f"(first at {shown}:{seen[key]})",
                )
            )
            continue
        seen[key] = line
        if person.allocated + alloc.fte > person.capacity + CAPACITY_SLACK:
            problems.append(
                Problem(
                    shown,
                    line,
                    "fte",
                    f"{person.id} would be allocated {person.allocated + alloc.fte:g} FTE "
                    f"in total, over their capacity of {person.capacity:g} (people.csv)",
                )
            )
            continue
        person.allocations.append(alloc)
        where.add("allocations", "/".join(key), Located(shown, None, {(): line}), ())


def cross_check_portfolio(
    ws: Workspace,
    where: Where,
    problems: list[Problem],
    salvaged: dict[str, set[str]] | None = None,
    broken: dict[str, str] | None = None,
) -> None:
    """Every project, source and indicator the portfolio names must exist in the workspace.

    `salvaged` and `broken`: as for `crossref.cross_check` (files that did not parse).
    """
    pf = ws.portfolio
    if pf is None:
        return
    salvaged = salvaged or {}
    projects = {p.id for p, _ in ws.all_projects()} | salvaged.get("projects", set())
    sources = {s.id for s in ws.sources} | salvaged.get("sources", set())
    if pf.source not in sources:
        problem = where.problem(
            "portfolio_settings", "portfolio", ("source",), f"unknown source {pf.source!r}"
        )
        problems.append(follows(problem, "sources", broken))
    for record in pf.projects:
        if record.project not in projects:
            problems.append(
                follows(
                    where.problem(
                        "portfolio",
                        record.project,
                        (),
                        f"no project {record.project!r} in projects.yaml; name the file after a "
                        "project id",
                        field_="",
                    ),
                    "projects",
                    broken,
                )
            )
    for person in pf.people:
        for alloc in person.allocations:
            if alloc.project not in projects:
                key = f"{person.id}/{alloc.project}/{alloc.skill}"
                problem = where.problem(
                    "allocations", key, (), f"unknown project {alloc.project!r}", field_="project"
                )
                problems.append(follows(problem, "projects", broken))
