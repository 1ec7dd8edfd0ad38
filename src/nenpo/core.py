"""The nenpo API: every command of the CLI (and later the web app and the tests) calls these.

The build is one explicit pipeline — load → check → model → render → write — and each step is
a function here with a typed input and output.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import outputs
from .beside import Beside
from .charts.svg import warm_up
from .check import Finding, run_checks
from .errors import (
    BuildError,
    CheckFailed,
    FileAccessError,
    ImportsAtStake,
    NenpoError,
    Problem,
    SettingsError,
    WorkspaceError,
)
from .gcpause import paused_gc
from .ingest import importer
from .ingest.importer import ImportResult
from .ingest.where import Where
from .ingest.workspace import Loaded, read_workspace
from .japan.numbers import number
from .lookups.data import Data
from .model.workspace import Workspace
from .portfolio import rules as portfolio_rules
from .portfolio.plan import Plan
from .portfolio.public import public_records, public_workspace
from .portfolio.view import PortfolioView, build_view
from .render.html import write_site
from .render.opendata import write_opendata
from .render.pdf import Prints, ensure_pdf_environment, render_prints, write_prints
from .report.dashboard import build_dashboard
from .report.deck import DeckOut, deck_model, reference_errors
from .report.opendata import EditionRef, build_opendata
from .report.site import Link, Site, build_site
from .settings import Settings, bundled_example, get_settings
from .store import Store, open_store
from .store.db import dims_key
from .store.url import database_url, in_memory

if TYPE_CHECKING:  # the optimiser (HiGHS, numpy) is imported only when it runs
    pass

Progress = Callable[[str], None]


def quiet(_: str) -> None:
    pass


def store_for(settings: Settings | None = None, write: bool = True) -> Store:
    """Open (and migrate) the store the settings name; one that forgets what is written
    (in-memory SQLite) is refused for a command that writes (`write`)."""
    settings = settings or get_settings()
    return open_store(database_url(settings.database_url, write=write))


@contextmanager
def opened_store(settings: Settings | None = None, write: bool = True) -> Iterator[Store]:
    """`store_for`, for a command: when the command fails, an SQLite file that this command
    created is removed again, so that a refused command leaves no empty database behind."""
    settings = settings or get_settings()
    url = database_url(settings.database_url, write=write)
    new_file: Path | None = None
    if url.get_backend_name() == "sqlite" and not in_memory(url):
        path = Path(url.database or "")
        new_file = None if path.exists() else path
    store: Store | None = None
    try:
        store = open_store(url)
        yield store
    except BaseException:
        if new_file is not None:
            if store is not None:
                store.engine.dispose()
            for side in ("", "-wal", "-shm", "-journal"):
                Path(f"{new_file}{side}").unlink(missing_ok=True)
        raise


def existing_store(settings: Settings | None = None) -> Store | None:
    """The store the settings name if it exists; None for an SQLite file not yet made (so that
    a command that only reads creates no database)."""
    settings = settings or get_settings()
    url = database_url(settings.database_url, write=False)
    sqlite_file = url.get_backend_name() == "sqlite" and not in_memory(url)
    if sqlite_file and not Path(url.database or "").is_file():
        return None
    return open_store(url)


# replay/ re-enacts the example's own year of editions (its 更新履歴); a user's workspace has
# its own history, so it starts without it.
_NOT_COPIED = shutil.ignore_patterns("__pycache__", "*.pyc", "replay")


def new_workspace(dest: Path) -> Path:
    """Copy the bundled example into `dest`, a new or empty folder: a user's first workspace.

    A pip-installed nenpo keeps its example inside the package, where a user cannot (and should
    not) edit it; this is the copy they start from, as `mkdocs new` gives a site to edit. Only a
    missing or empty folder is written, so nothing a user made is ever overwritten. The copy is
    made beside `dest` and renamed, so a failure leaves no half-copied workspace.
    """
    dest = Path(dest)
    if dest.exists() and not dest.is_dir():
        raise SettingsError(f"{dest}: is a file; expected a new or empty folder")
    if dest.is_dir() and any(dest.iterdir()):
        raise SettingsError(
            f"{dest}: is not empty; choose a new folder (nenpo new never overwrites files)"
        )
    outputs.check_out_dir(dest, option="DIR")
    source = bundled_example()
    tmp = dest.absolute().parent / f".{dest.name}.nenpo-new-{os.getpid()}"
    try:
        tmp.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(source, tmp, ignore=_NOT_COPIED)
        if dest.is_dir():
            dest.rmdir()  # empty, checked above
        tmp.rename(dest)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise FileAccessError(f"{dest}: cannot create the workspace ({exc.strerror})") from exc
    return dest


def read(workspace: Path) -> Loaded:
    """Read and validate a workspace folder whole, the data references of its deck included
    (they need the whole, valid workspace's data); WorkspaceError lists every problem."""
    return _read(workspace)[0]


def _read(workspace: Path) -> tuple[Loaded, Data]:
    """`read`, and the lookups the deck's references were resolved with (lazy indexes: a check
    uses them next rather than indexing the data again)."""
    loaded = read_workspace(workspace)
    data = Data(loaded.workspace)
    problems = reference_errors(loaded.workspace, loaded.where, data)
    if problems:
        raise WorkspaceError(problems)
    return loaded, data


def load(
    workspace: Path, store: Store, discard_imports: bool = False, loaded: Loaded | None = None
) -> Loaded:
    """Validate the workspace whole, then replace the store's content in one transaction.

    On any problem nothing is written and WorkspaceError lists every problem with file:line.
    Rows that `nenpo import` added are never dropped or overwritten by a load unless
    `discard_imports` says so: ImportsAtStake names them, and nothing is written.
    `loaded`: the workspace as the caller has just read it (build checks it before it loads).
    """
    loaded = loaded or read(workspace)
    # A milestone's original baseline never changes silently (rebaselines are recorded).
    rebaselined = portfolio_rules.silent_rebaselines(
        loaded.workspace, loaded.where, store.baselines()
    )
    if rebaselined:
        raise WorkspaceError(rebaselined)
    at_stake = imports_at_stake(store, loaded.workspace)
    if at_stake and not discard_imports:
        raise ImportsAtStake(at_stake_message(at_stake))
    loaded.removed = sum(n for counts in at_stake.values() for n in counts)
    store.replace(loaded.workspace, str(Path(workspace).resolve()), loaded.where, loaded.places())
    return loaded


def imports_at_stake(store: Store, ws: Workspace) -> dict[str, tuple[int, int]]:
    """Per origin ("import:FILE"): imported rows the workspace lacks, and those it would change."""
    imported = store.imported()
    if not imported:
        return {}
    values = {(o.indicator, o.period, dims_key(o.dims)): o.value for o in ws.observations}
    out: dict[str, tuple[int, int]] = {}
    for key, (value, origin) in imported.items():
        dropped, changed = out.get(origin, (0, 0))
        if key not in values:
            dropped += 1
        elif values[key] != value:
            changed += 1
        else:
            continue
        out[origin] = (dropped, changed)
    return out


def at_stake_message(at_stake: dict[str, tuple[int, int]]) -> str:
    lines = []
    for origin, (dropped, changed) in sorted(at_stake.items()):
        parts = [
            f"{number(n)} {what}"
            for n, what in (
                (dropped, "not in the workspace"),
                (changed, "with another value in the workspace"),
            )
            if n
        ]
        lines.append(f"  {origin.removeprefix('import:')}: {', '.join(parts)}")
    total = sum(a + b for a, b in at_stake.values())
    return (
        f"this load would drop or overwrite {number(total)} observation(s) added with "
        "`nenpo import`; "
        "nothing was written:\n" + "\n".join(lines) + "\n"
        "Keep them by adding their mapping to the workspace's imports/ (it then reads the file "
        "at every load), or let the workspace replace them: nenpo load --discard-imports"
    )


def check(store: Store | None, workspace: Path | None = None) -> list[Finding]:
    """Run every check rule on a workspace folder (read, not stored: no store is opened) or on
    the store's content."""
    # Without the cyclic collector: a check makes many short-lived objects, and each of the
    # collections they trigger scans every live one (a third of a check of the example).
    with paused_gc():
        if workspace is None:
            store = store or store_for(write=False)
            if not store.is_empty():
                return check_store(store)
        loaded, data = _read(workspace if workspace is not None else bundled_example())
        return run_checks(loaded.workspace, loaded.where, rows=loaded.places(), data=data)


def check_store(store: Store, ws: Workspace | None = None) -> list[Finding]:
    """Every check rule on the store's content, at the files and lines it was loaded from.

    The data-entry rules find their candidates in SQL (check/stored.py); without `ws` (the
    store's workspace, read by the caller with its observations), the observations are read an
    indicator at a time as the rules ask, never all at once."""
    from .check.stored import StoredData, StoredRows

    data = None
    if ws is None:
        ws = store.read(observations=False)
        assert ws is not None, "the caller checked that the store is not empty"
        data = StoredData(ws, store)
    return run_checks(ws, store.read_locations(), data=data, source=StoredRows(store))


def import_file(
    store: Store,
    file: Path,
    mapping: Path,
    *,
    dry_run: bool = False,
    report: Path | None = None,
    limit: int = importer.DEFAULT_LIMIT,
    progress: Callable[[int], None] | None = None,
    parallel: bool | None = None,
) -> ImportResult:
    """Upsert the observations of one CSV/xlsx file by a mapping, all rows or none.

    Every bad row is reported (ImportProblems: the first `limit` kept, all written to `report`);
    a dry run validates and counts what would change, then writes nothing (docs/imports.md).
    """
    return importer.import_file(
        store,
        file,
        mapping,
        dry_run=dry_run,
        report=report,
        limit=limit,
        progress=progress,
        parallel=parallel,
    )


def infer_mapping(file: Path, store: Store | None = None) -> str:
    """A proposed mapping for `file` (commented YAML), using the stored indicators if any."""
    from .ingest.infer import infer

    catalog = None
    if store is not None and not store.is_empty():
        catalog = importer.catalog_of(store)
    return infer(file, catalog)


@dataclass
class BuildResult:
    """What a build made and how long each stage took."""

    site: Site
    out: Path
    files: list[Path]
    timings: dict[str, float] = field(default_factory=dict)
    loaded_from: str | None = None
    findings: list[Finding] = field(default_factory=list)
    prints: Prints | None = None


def workspace_for_build(
    store: Store, workspace: Path | None, force: bool = False
) -> tuple[Workspace, str | None, list[Finding] | None]:
    """Load `workspace` if given; else the store's content; an empty store gets the example.

    A workspace is checked before it is loaded, so that a build the check refuses leaves the
    store as it was (the findings are returned, not computed twice)."""
    findings: list[Finding] | None = None
    origin: str | None = None
    source = workspace if workspace is not None else None
    if source is None and store.is_empty():
        source = bundled_example()
    if source is not None:
        loaded = read(source)
        findings = run_checks(loaded.workspace, loaded.where, rows=loaded.places())
        if not force and any(f.severity == "error" for f in findings):
            raise CheckFailed(findings)
        load(source, store, loaded=loaded)
        origin = str(source)
    ws = store.read()
    if ws is None:  # pragma: no cover - load just wrote it
        raise BuildError("the store is empty after loading")
    return ws, origin, findings


@dataclass
class _Input:
    """What a build starts from: the workspace, where its objects were written, and — when it
    was just read from files — what the store is to be loaded with."""

    ws: Workspace
    where: Where
    origin: str | None = None
    to_load: Loaded | None = None


def _build_input(store: Store, workspace: Path | None, stored: Workspace | None) -> _Input:
    if stored is not None and workspace is None:
        return _Input(stored, store.read_locations())
    source = workspace if workspace is not None else None
    if source is None and store.is_empty():
        source = bundled_example()
    if source is None:
        ws = store.read()
        if ws is None:  # pragma: no cover - is_empty said otherwise
            raise BuildError("the store is empty")
        return _Input(ws, store.read_locations())
    loaded = read(source)
    return _Input(loaded.workspace, loaded.where, str(source), loaded)


def _check_and_load(
    store: Store, given: _Input, force: bool, parent: int
) -> tuple[list[Finding], dict[str, float]]:
    """The `check` stage, then the store's write (`load`) when the workspace was just read.

    The check comes first, so that a build it refuses leaves the store as it was. A workspace
    just read is built as read, not read back from the store: the load writes it whole
    (imported rows it lacks stop the load), so the store then holds an equal workspace.
    """
    timings = {}
    if os.getpid() != parent:  # a forked child: connections of its own, the parent's kept
        store.engine.dispose(close=False)
    t = time.perf_counter()
    loaded = given.to_load
    if loaded is None:
        findings = check_store(store, given.ws)
    else:
        findings = run_checks(loaded.workspace, loaded.where, rows=loaded.places())
    timings["check"] = time.perf_counter() - t
    if loaded is not None and (force or not any(f.severity == "error" for f in findings)):
        t = time.perf_counter()
        load(loaded.root, store, loaded=loaded)
        timings["store"] = time.perf_counter() - t
    return findings, timings


def build(
    store: Store,
    out: Path,
    workspace: Path | None = None,
    lang: str = "ja",
    settings: Settings | None = None,
    progress: Progress = quiet,
    force: bool = False,
    pdf: bool = True,
    stored: Workspace | None = None,
    edition: EditionRef | None = None,
) -> BuildResult:
    """Build the site, its open data, report.pdf and deck.pdf into `out` (loading `workspace`
    first if given).

    `stored`: the store's workspace when the caller has just read it (publish does), so that a
    large store is not read twice. `edition`: the edition being published (its open data cite
    it). The check and the store's write run in a second process beside the model and the PDFs
    (settings.build_parallel): their errors come first, as if they had run first, and nothing
    is written unless both succeed.
    """
    settings = settings or get_settings()
    outputs.check_out_dir(out)  # before any work: a build that cannot be written costs nothing
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    # vl-convert starts its worker while the workspace is read (on a core that would wait)
    threading.Thread(target=warm_up, args=(settings.chart_font,), daemon=True).start()
    progress("load")
    given = _build_input(store, workspace, stored)
    ws = given.ws
    timings["load"] = time.perf_counter() - t0
    progress("check")
    # A forked child must see the same database: an in-memory SQLite one exists only here. And
    # only a command's main thread forks: a build in a server's thread could fork while another
    # thread holds a lock (a cached property's) that the child would then wait for forever.
    fork = (
        settings.build_parallel
        and not in_memory(store.engine.url)
        and threading.current_thread() is threading.main_thread()
    )
    beside = Beside(_check_and_load, store, given, force, os.getpid(), fork=fork)
    if pdf:  # Typst reads the font's files (0.2 s, mostly waiting for the disk) meanwhile
        threading.Thread(target=_read_fonts, args=(settings.chart_font,), daemon=True).start()
    try:
        try:
            if lang not in ws.report.languages:
                raise BuildError(
                    f"the report has no {lang!r} content; its languages are "
                    f"{', '.join(ws.report.languages)}"
                )
            t = time.perf_counter()
            progress("model")
            site, deck = model_stage(ws, lang, settings.chart_font, pdf, settings.cache_dir)
            timings["model"] = time.perf_counter() - t
            prints = print_stage(site, deck, settings, timings, progress) if pdf else None
        except NenpoError:
            # As if the check and the load had run first: their problems are reported first.
            found, _ = beside.result()
            if not force and any(f.severity == "error" for f in found):
                raise CheckFailed(found) from None
            raise
        findings, child = beside.result()
    except BaseException:
        beside.cancel()
        raise
    timings.update(child)
    if not force and any(f.severity == "error" for f in findings):
        raise CheckFailed(findings)
    if prints:
        site.downloads = downloads(prints, lang)
    t = time.perf_counter()
    progress("write")
    out = Path(out)

    def write(tmp: Path) -> list[Path]:
        written = write_outputs(site, prints, tmp)
        return written + opendata_stage(ws, lang, edition, settings, timings, progress, tmp)

    files = replace_dir(out, write)
    timings["write"] = time.perf_counter() - t - timings["opendata"]
    timings["total"] = time.perf_counter() - t0
    return BuildResult(site, out, files, timings, given.origin, findings, prints)


def _read_fonts(font: str) -> None:
    with contextlib.suppress(NenpoError):  # reported by the pdf stage, which checks again
        ensure_pdf_environment(font)


def model_stage(
    ws: Workspace,
    lang: str,
    font: str,
    pdf: bool,
    cache_dir: str = "",
    dashboard: Callable[[Site], Any] | None = None,
) -> tuple[Site, DeckOut | None]:
    """The `model` stage: the site's pages and charts, the dashboard, and the deck's slides
    when PDFs are made.

    `dashboard`: the dashboard for the site's pages, when the caller may have it already (the
    preview keeps it while only prose changes); by default it is built.
    Public outputs never see the portfolio, only the fields projects marked public.
    """
    site = build_site(public_workspace(ws), lang, font, public_records(ws))
    if site.problems:
        raise_problems(site.problems)
    site.dashboard = (
        dashboard(site) if dashboard is not None else build_dashboard(site, font, cache_dir)
    )
    return site, deck_model(site, font) if pdf else None


def downloads(prints: Prints, lang: str) -> list[Link]:
    """The PDFs as the top page links them: name, what it is and its pages."""
    return [Link(_download_label(p.name, lang, p.pages), p.name) for p in prints.pdfs]


def write_outputs(
    site: Site, prints: Prints | None, folder: Path, dashboard: bool = True
) -> list[Path]:
    """The site's pages, data and assets, and the PDFs, into `folder` (the open data apart;
    the dashboard's pages too unless `dashboard` is False)."""
    return write_site(site, folder, dashboard) + (write_prints(prints, folder) if prints else [])


def opendata_stage(
    ws: Workspace,
    lang: str,
    edition: EditionRef | None,
    settings: Settings,
    timings: dict[str, float],
    progress: Progress,
    out: Path,
) -> list[Path]:
    """The `opendata` stage: every public figure as CSV, XLSX and JSON under data/, with the
    data package, the DCAT catalogue and the README (docs/opendata.md)."""
    t = time.perf_counter()
    progress("opendata")
    od = build_opendata(public_workspace(ws), lang, edition, settings.site_url)
    files = write_opendata(od, out)
    timings["opendata"] = time.perf_counter() - t
    return files


def _download_label(name: str, lang: str, pages: int) -> str:
    what = {"report.pdf": ("報告書", "Report"), "deck.pdf": ("会見資料", "Press deck")}
    ja, en = what.get(name, (name, name))
    return f"{ja}（PDF、{pages}ページ）" if lang == "ja" else f"{en} (PDF, {pages} pages)"


def print_stage(
    site: Site,
    deck: DeckOut | None,
    settings: Settings,
    timings: dict[str, float],
    progress: Progress = quiet,
) -> Prints:
    """The `pdf` stage: report.pdf and deck.pdf (with deck.json) from the report model."""
    t = time.perf_counter()
    progress("pdf")
    parallel = None if settings.pdf_parallel else False
    prints = render_prints(site, deck, settings.chart_font, parallel)
    timings["pdf"] = time.perf_counter() - t
    return prints


MARKER = outputs.BUILD_MARKER


def replace_dir(out: Path, write: Callable[[Path], list[Path]]) -> list[Path]:
    """Write a fresh build beside `out`, then swap it in, so `out` is never half written.

    A folder that exists, is not empty and was not made by nenpo is never deleted.
    """
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists():
        raise BuildError(
            f"{out} exists and was not made by nenpo build; choose another --out or empty it"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        tmp.mkdir()
        (tmp / MARKER).write_text("built by nenpo\n", encoding="utf-8")
        files = write(tmp)
        if out.exists():
            out.rename(old)
        tmp.rename(out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    return [out / f.relative_to(tmp) for f in files]


class ContentProblems(BuildError):
    """References or charts in the report's content that cannot be resolved (with file:line)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s) in the report's content:\n{lines}")


def raise_problems(problems: list[Problem]) -> None:
    """Stop a build on problems found while resolving references and charts."""
    raise ContentProblems(problems)


# ── Portfolio (staff only) ───────────────────────────────────────────────────────────────────

INTERNAL_MARKER = outputs.STAFF_MARKER


def portfolio_workspace(
    store: Store, workspace: Path | None = None
) -> tuple[Workspace, list[Problem]]:
    """The workspace to analyse (loading `workspace` first if given) and the portfolio rules'
    findings, located at file and line when the workspace was just read."""
    if workspace is not None:
        loaded = load(workspace, store)
        return loaded.workspace, portfolio_rules.budget_narratives(loaded.workspace, loaded.where)
    ws, _origin, _findings = workspace_for_build(store, None)
    return ws, portfolio_rules.budget_narratives(ws)


def portfolio_view(store: Store, workspace: Path | None = None) -> PortfolioView:
    """The portfolio view: ratings by focus area, variances, staffing, findings."""
    ws, findings = portfolio_workspace(store, workspace)
    return build_view(ws, findings)


def plan_allocation(ws: Workspace, max_moves: int | None = None, time_limit: float = 60.0) -> Plan:
    """Run the staff-allocation optimiser on a workspace's portfolio."""
    from .portfolio.allocate import AllocationProblem
    from .portfolio.allocate import solve as solve_allocation

    view = build_view(ws)
    problem = AllocationProblem.from_portfolio(view.portfolio, max_moves)
    names = {lang: {p.id: p.name.get(lang) for p, _ in ws.all_projects()} for lang in ("ja", "en")}
    result = solve_allocation(problem, time_limit=time_limit)
    return Plan(problem, result, names, view.illustrative)


def allocate(
    store: Store,
    workspace: Path | None = None,
    max_moves: int | None = None,
    time_limit: float = 60.0,
) -> Plan:
    """Recommend moves of people that minimise risk-weighted unmet demand (nenpo allocate)."""
    ws, _findings = portfolio_workspace(store, workspace)
    return plan_allocation(ws, max_moves, time_limit)


def build_portfolio(
    store: Store,
    out: Path,
    workspace: Path | None = None,
    lang: str = "ja",
    max_moves: int | None = None,
    settings: Settings | None = None,
    progress: Progress = quiet,
) -> BuildResult:
    """Write the staff-only portfolio pages into `out` (never over a public site)."""
    from .report.internal import build_internal_site

    settings = settings or get_settings()
    out = Path(out)
    # Never into or under a public site, the editions or the public tree (any parent).
    outputs.check_staff_out(out, Path(settings.editions_dir), Path(settings.public_dir))
    t0 = time.perf_counter()
    progress("load")
    ws, findings = portfolio_workspace(store, workspace)
    view = build_view(ws, findings)
    progress("allocate")
    plan = plan_allocation(ws, max_moves)
    progress("model")
    site = build_internal_site(view, (plan.problem, plan.result), lang, settings.chart_font)

    def write(tmp: Path) -> list[Path]:
        (tmp / INTERNAL_MARKER).write_text("staff-only portfolio pages\n", encoding="utf-8")
        return write_site(site, tmp)

    progress("write")
    files = replace_dir(out, write)
    return BuildResult(site, out, files, {"total": time.perf_counter() - t0}, str(workspace))
