"""Read a workspace folder: validate everything, report every problem at once, or return it.

Layout (docs/workspace.md): nenpo.yaml, sources.yaml, focus_areas.yaml, projects.yaml,
indicators.yaml, dimensions.yaml, surveys.yaml, charts.yaml, report.yaml, observations/*.csv,
imports/*.yaml, content/**/*.md, deck.yaml (the press deck). Only nenpo.yaml is required.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Problem, WorkspaceError, rel
from ..model.builtin import builtin_dimensions
from ..model.workspace import (
    Aim,
    Chapter,
    Chart,
    Dimension,
    FocusArea,
    Indicator,
    Organisation,
    PriorityPlan,
    Project,
    ReportInfo,
    Source,
    Statement,
    Survey,
    Workspace,
)
from .crossref import cross_check
from .deck import check_charts, read_deck
from .files import list_folder, read_text
from .importer import mapped_files, read_mapped
from .mapping import mapping_from
from .observations import Sourced, read_csv
from .plan import Catalog
from .portfolio import cross_check_portfolio, read_portfolio
from .validate import items, no_duplicates, one
from .where import Where
from .yamlfile import Located, Path_, read_yaml

LIST_FILES: dict[str, tuple[str, type[Any]]] = {
    "sources": ("sources.yaml", Source),
    "focus_areas": ("focus_areas.yaml", FocusArea),
    "projects": ("projects.yaml", Project),
    "indicators": ("indicators.yaml", Indicator),
    "dimensions": ("dimensions.yaml", Dimension),
    "surveys": ("surveys.yaml", Survey),
    "charts": ("charts.yaml", Chart),
}
MAIN_KEYS: dict[str, type[Any]] = {
    "organisation": Organisation,
    "report": ReportInfo,
    "statement": Statement,
    "priority_plan": PriorityPlan,
}


@dataclass
class Loaded:
    """A valid workspace, the folder it came from, and where each object was defined."""

    workspace: Workspace
    root: Path
    where: Where
    observations: list[Sourced]
    removed: int = 0  # imported observations the load dropped or overwrote (--discard-imports)

    def places(self) -> list[tuple[str, int | None]]:
        """Where each observation was written, in the order of workspace.observations: its row
        in observations/*.csv, or in the table one of imports/*.yaml read."""
        return [(s.file, s.line) for s in self.observations]


def read_workspace(root: Path) -> Loaded:
    """Validate every file of the workspace at `root`; raise WorkspaceError listing all problems."""
    root = Path(root)
    problems: list[Problem] = []
    if not root.is_dir():
        raise WorkspaceError([Problem(str(root), None, None, "not a folder")])
    if not (root / "nenpo.yaml").is_file():
        raise WorkspaceError(
            [
                Problem(
                    rel(root / "nenpo.yaml", root),
                    None,
                    None,
                    "file not found; every workspace has a nenpo.yaml",
                )
            ]
        )
    where = Where()
    data: dict[str, Any] = {}

    main = read_yaml(root / "nenpo.yaml", "nenpo.yaml", problems)
    if main is not None:
        if not isinstance(main.data, dict):
            problems.append(main.problem((), "expected a mapping (organisation:, report:, …)"))
        else:
            for key in main.data:
                if key not in (*MAIN_KEYS, "aims"):
                    problems.append(main.problem((key,), "unknown section"))
            for key, model in MAIN_KEYS.items():
                if key in main.data:
                    data[key] = one(model, main, (key,), problems)
                    where.add("main", key, main, (key,))
                elif key in ("organisation", "report"):
                    problems.append(main.problem((), f"the section {key!r} is missing"))
            aims = items(Aim, main, "aims", problems)
            data["aims"] = [a for a, _ in aims]
            no_duplicates("aim", [(a.id, main, p) for a, p in aims], problems)

    salvaged: dict[str, set[str]] = {}  # ids in files that did not parse, read leniently
    invalid: dict[str, set[str]] = {}  # ids of entries that parsed but did not validate
    for key, (filename, model) in LIST_FILES.items():
        path = root / filename
        present = path.exists() or path.is_symlink()  # a broken link is there, and wrong
        src = read_yaml(path, filename, problems) if present else None
        if present and src is None:
            salvaged[key] = _salvage_ids(path)
        found: list[tuple[Any, Path_]] = items(model, src, None, problems)
        data[key] = [obj for obj, _ in found]
        if src is None:
            continue
        invalid[key] = _invalid_ids(src, found)
        entries = (
            _project_entries(found, src)
            if key == "projects"
            else [(obj.id, src, p) for obj, p in found]
        )
        for ident, s_, p in entries:
            where.add(key, ident, s_, p)
        no_duplicates(key.rstrip("s").replace("_", " "), entries, problems)

    chapters: list[Chapter] = []
    report_path = root / "report.yaml"
    report_src = (
        read_yaml(report_path, "report.yaml", problems)
        if report_path.exists() or report_path.is_symlink()
        else None
    )
    for ch, p in items(Chapter, report_src, "chapters", problems):
        chapters.append(ch)
        assert report_src is not None
        where.add("chapters", ch.id, report_src, p)
        for i, page in enumerate(ch.pages):
            where.add("pages", page.id, report_src, (*p, "pages", i))
    data["chapters"] = chapters
    texts = _read_texts(root, chapters, report_src, where, problems)
    data["texts"] = texts
    deck, deck_src = read_deck(root, problems, where)
    data["deck"] = deck
    chart_ids = {c.id for c in data["charts"]} | salvaged.get("charts", set())
    check_charts(deck, deck_src, chart_ids, problems)

    # A reference unknown only because its file did not parse is reported under that file.
    broken = {key: LIST_FILES[key][0] for key in salvaged}
    dimensions = {d.id: d for d in [*builtin_dimensions(), *data["dimensions"]]}
    catalog = Catalog(
        {i.id: i for i in data["indicators"]},
        dimensions,
        frozenset(s.id for s in data["sources"]) | frozenset(salvaged.get("sources", ())),
        broken,
    )
    waiting = {"indicators", "dimensions"} & set(salvaged)  # imports wait until these parse
    observations = _read_observations(root, catalog, problems, read_imports=not waiting)
    data["portfolio"] = read_portfolio(root, where, problems)

    # Cross-check what is valid even when other parts are not: all problems in one report.
    fields: dict[str, Any] = {**_defaults(), **{k: v for k, v in data.items() if v is not None}}
    partial = Workspace.model_construct(**fields)
    cross_check(partial, where, observations, problems, salvaged, broken)
    cross_check_portfolio(partial, where, problems, salvaged, broken)
    problems[:] = _after_invalid_entries(problems, invalid)
    if problems or data.get("organisation") is None or data.get("report") is None:
        raise WorkspaceError(problems)
    ws = Workspace.model_validate({**data, "observations": []})
    ws.observations = [s.obs for s in observations]
    # The deck's data references are resolved by the report model, above this layer:
    # nenpo.core.read checks them once the workspace is valid (report.deck.reference_errors).
    return Loaded(ws, root, where, observations)


# How other files name an entry of each kind when they refer to one it does not know.
_NOUNS = {
    "sources": "source",
    "focus_areas": "focus area",
    "projects": "project",
    "indicators": "indicator",
    "dimensions": "dimension",
    "surveys": "survey",
    "charts": "chart",
}


def _invalid_ids(src: Located, found: list[tuple[Any, Path_]]) -> set[str]:
    """The ids of the entries of a list file that are there but did not validate."""
    if not isinstance(src.data, list):
        return set()
    valid = {path[-1] for _, path in found if path}
    return {
        entry["id"]
        for i, entry in enumerate(src.data)
        if i not in valid and isinstance(entry, dict) and isinstance(entry.get("id"), str)
    }


def _after_invalid_entries(problems: list[Problem], invalid: dict[str, set[str]]) -> list[Problem]:
    """Mark each 'unknown indicator X' elsewhere as following from X's own entry, when X is
    defined but invalid (`provenance: reel`): the author reads the one cause first, with the
    references it broke counted under it, instead of eight unknown-indicator errors before it.
    """
    prefixes = {
        f"unknown {_NOUNS[kind]} {ident!r}": LIST_FILES[kind][0]
        for kind, ids in invalid.items()
        for ident in ids
    }
    if not prefixes:
        return problems
    out = []
    for p in problems:
        cause = next(
            (f for pre, f in prefixes.items() if p.after is None and _names(p.message, pre)), None
        )
        out.append(dataclasses.replace(p, after=cause) if cause and cause != p.file else p)
    return out


def _names(message: str, prefix: str) -> bool:
    """`message` is the unknown-reference message for exactly this id (not a longer one)."""
    return message == prefix or message.startswith((f"{prefix};", f"{prefix} "))


def _project_entries(
    found: list[tuple[Any, Path_]], src: Located
) -> list[tuple[str, Located, Path_]]:
    """Projects and, recursively, their sub-projects: one id space."""
    out: list[tuple[str, Located, Path_]] = []

    def walk(p: Project, path: Path_) -> None:
        out.append((p.id, src, path))
        for i, c in enumerate(p.subprojects):
            walk(c, (*path, "subprojects", i))

    for p, path in found:
        walk(p, path)
    return out


def _read_texts(
    root: Path, chapters: list[Chapter], src: Located | None, where: Where, problems: list[Problem]
) -> dict[str, str]:
    """Markdown bodies named by report.yaml (and any under content/), by workspace path."""
    texts: dict[str, str] = {}
    named: list[tuple[str, str, str]] = []  # (path, kind, id)
    for ch in chapters:
        if ch.content:
            named.append((ch.content, "chapters", ch.id))
        named.extend((pg.content, "pages", pg.id) for pg in ch.pages if pg.content)
    for path, kind, ident in named:
        f = root / path
        if not (f.exists() or f.is_symlink()):
            file, line = where.of(kind, ident, "content")
            problems.append(Problem(file, line, "content", f"{path} not found"))
            continue
        text = read_text(f, path, problems)
        if text is not None:
            texts[path] = text
    content = root / "content"
    for f in list_folder(content, "*.md", "content", problems, True) if content.is_dir() else []:
        shown = rel(f, root)
        if shown not in texts and (text := read_text(f, shown, problems)) is not None:
            texts[shown] = text
    return texts


def _read_observations(
    root: Path, catalog: Catalog, problems: list[Problem], read_imports: bool = True
) -> list[Sourced]:
    out: list[Sourced] = []
    obs_dir = root / "observations"
    if obs_dir.is_dir():
        for f in list_folder(obs_dir, "*.csv", "observations", problems):
            out.extend(read_csv(f, rel(f, root), problems))
    imp_dir = root / "imports"
    if imp_dir.is_dir() and read_imports:
        for f in list_folder(imp_dir, "*.yaml", "imports", problems):
            src = read_yaml(f, rel(f, root), problems)
            if src is None:
                continue
            m = mapping_from(src, problems)
            if m is not None:
                out.extend(_read_mapped_kept(f, m, src, root, catalog, problems))
    return out


# The observations of the tables an import mapping reads, kept by the content of everything
# the reading depends on: the mapping, each table, and the files the catalog is made of. A
# preview reading the workspace again after an edit of another file, or checks run again in
# one process, then read the example's 182 ministry tables once. A few workspaces' worth.
_KEPT: dict[tuple[Any, ...], tuple[list[Sourced], list[Problem]]] = {}
_CATALOG_FILES = ("indicators.yaml", "dimensions.yaml", "sources.yaml")


def _digest(path: Path) -> bytes | None:
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=16).digest()
    except OSError:
        return None


def _read_mapped_kept(
    file: Path,
    mapping: Any,
    src: Located,
    root: Path,
    catalog: Catalog,
    problems: list[Problem],
) -> list[Sourced]:
    files = mapped_files(mapping, root)
    key = (
        str(root.resolve()),
        str(file),
        _digest(file),
        tuple(_digest(root / name) for name in _CATALOG_FILES),
        tuple(sorted(catalog.broken.items())),
        tuple((str(p), _digest(p)) for p in files),
    )
    kept = _KEPT.get(key)
    if kept is None:
        before = len(problems)
        read = read_mapped(mapping, src, root, catalog, problems)
        if len(_KEPT) >= 16:
            _KEPT.clear()
        kept = _KEPT[key] = (read, problems[before:])
        return list(read)
    problems.extend(kept[1])
    return list(kept[0])


_ID_LINE = re.compile(r"^\s*-?\s*id:\s*['\"]?([A-Za-z0-9_-]+)")


def _salvage_ids(path: Path) -> set[str]:
    """Ids of a file that is not valid YAML, line by line, so references to them still resolve."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return set()
    return {m.group(1) for line in lines if (m := _ID_LINE.match(line))}


def _defaults() -> dict[str, object]:
    return {
        name: f.get_default(call_default_factory=True)
        for name, f in Workspace.model_fields.items()
        if not f.is_required()
    }
