"""The `nenpo` command: each command parses options, calls nenpo.core, and prints the result.

This is the one place where failures become what a user reads: a NenpoError (and a file the
system cannot read or write) becomes a message and the exit code of docs/cli.md; any other
exception is a bug, reported as one with its traceback written to a file, not the screen.
"""

from __future__ import annotations

import functools
import json
import os
import platform
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from . import __version__, core, outputs
from .errors import FileAccessError, NenpoError, Problem, WorkspaceError
from .japan.numbers import number
from .settings import get_settings
from .store.url import mask

app = typer.Typer(
    help="nenpo (年報): the annual report on digital programmes, built from data.",
    no_args_is_help=True,
    add_completion=False,
)
# No emoji codes (":100:" in "file.csv:100:" is text) and no guessed highlighting.
# Written to a file or a pipe, lines are never wrapped inside a number ("0.⏎50 FTE") and tables
# get room for their headers: Rich would assume 80 columns there (COLUMNS still decides if set).
PIPE_WIDTH = None if os.environ.get("COLUMNS") else 160


def _console(stderr: bool = False) -> Console:
    stream = sys.stderr if stderr else sys.stdout
    piped = not (hasattr(stream, "isatty") and stream.isatty())
    return Console(
        stderr=stderr,
        emoji=False,
        highlight=False,
        soft_wrap=piped,
        width=PIPE_WIDTH if piped else None,
    )


out = _console()
err = _console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])
MAX_SHOWN = 100  # problems printed; a bad import can have thousands
BUG_EXIT = 70  # EX_SOFTWARE: nenpo itself failed
LANGS = ("ja", "en")

Workspace = Annotated[
    Path | None,
    typer.Argument(help="Workspace folder (default: the store's content, or the bundled example)"),
]


def handles_errors(fn: F) -> F:
    """Turn every failure of a command into a message and its documented exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except WorkspaceError as exc:
            _print_workspace_error(exc)
            raise typer.Exit(exc.exit_code) from None
        except NenpoError as exc:
            _error(str(exc))
            raise typer.Exit(exc.exit_code) from None
        except (typer.Exit, typer.Abort, typer.BadParameter):
            raise  # typer's own: usage errors (exit 2) and our explicit exit codes
        except OSError as exc:
            if exc.filename is None:
                raise _bug(exc) from None
            # The system refused a file or folder the user named (permissions, a full disk, a
            # folder that went away): not a bug in nenpo.
            _error(f"{exc.filename}: {exc.strerror or exc}")
            raise typer.Exit(FileAccessError.exit_code) from None
        except Exception as exc:
            raise _bug(exc) from None

    wrapper.handles_errors = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def _error(message: str) -> None:
    err.print(f"[bold red]error:[/] {escape(mask(message))}", soft_wrap=True)


def _print_workspace_error(exc: WorkspaceError) -> None:
    """Every problem, a file that failed to parse first with what follows from it summarised."""
    groups = exc.causes()
    own, follow = len(groups), len(exc.problems) - len(groups)
    also = f", and {follow} that follow from them" if follow else ""
    _error(f"{own} problem(s) in the workspace{also}; nothing was written:")
    for problem, after in groups[:MAX_SHOWN]:
        err.print(f"  {problem}", markup=False, soft_wrap=True)
        if after:
            files: dict[str, int] = {}
            for p in after:
                files[p.file] = files.get(p.file, 0) + 1
            where = ", ".join(f"{f} ({n})" for f, n in list(files.items())[:5])
            more = ", …" if len(files) > 5 else ""
            err.print(
                f"    → {len(after)} more problem(s) follow from this file, unknown ids in "
                f"{where}{more}; fix {problem.file} first",
                markup=False,
                soft_wrap=True,
            )
    if len(groups) > MAX_SHOWN:
        err.print(f"  … and {len(groups) - MAX_SHOWN} more")


def _bug(exc: BaseException, report: str | None = None) -> typer.Exit:
    """Write the traceback to a file (unless written: `report`), say where, and give the exit
    code of a bug."""
    report = report or _bug_report(exc)
    err.print(
        f"[bold red]nenpo hit a bug[/] ({escape(type(exc).__name__)}); nothing it was doing was "
        f"completed. Please report it with this file: {escape(report)}",
        soft_wrap=True,
    )
    return typer.Exit(BUG_EXIT)


def _bug_report(exc: BaseException) -> str:
    text = "".join(traceback.format_exception(exc))
    head = (
        f"nenpo {__version__}, Python {platform.python_version()}, {platform.platform()}\n"
        f"command: {' '.join(sys.argv)}\ncwd: {os.getcwd()}\n\n"
    )
    stamp = time.strftime("%Y%m%d-%H%M%S")
    try:
        fd, path = tempfile.mkstemp(prefix=f"nenpo-bug-{stamp}-", suffix=".txt")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(mask(head + text))  # database passwords never reach a report
    except OSError:  # nowhere to write it: the traceback is all there is
        return "(none could be written; the traceback follows)\n" + mask(text)
    return path


def _lang(value: str) -> str:
    if value not in LANGS:
        raise typer.BadParameter(f"{value!r}: expected one of {', '.join(LANGS)}")
    return value


def _format(value: str) -> str:
    if value not in ("text", "json"):
        raise typer.BadParameter(f"{value!r}: expected text or json")
    return value


def _seconds(value: float) -> float:
    if not 0 < value < float("inf"):
        raise typer.BadParameter(f"{value}: expected a number of seconds above 0")
    return value


Lang = Annotated[str, typer.Option(help="Language of the output: ja or en", callback=_lang)]
Format = Annotated[str, typer.Option("--format", help="text or json", callback=_format)]


@app.command()
@handles_errors
def new(
    folder: Annotated[Path, typer.Argument(help="A new or empty folder")],
) -> None:
    """Start a workspace: a copy of the bundled example to edit (never overwrites files)."""
    made = core.new_workspace(folder)
    out.print(
        f"created {made}: the bundled example, yours to edit. Next: `nenpo check {made}`, "
        f"then `nenpo build {made} --out site` (docs/workspace.md describes every file)"
    )


@app.command()
@handles_errors
def load(
    workspace: Annotated[Path, typer.Argument(help="Workspace folder")],
    discard_imports: Annotated[
        bool,
        typer.Option(
            "--discard-imports",
            help="Let the workspace drop or overwrite observations added with nenpo import",
        ),
    ] = False,
) -> None:
    """Validate a workspace and write it into the store (all or nothing)."""
    with core.opened_store() as store:
        loaded = core.load(workspace, store, discard_imports)
    ws = loaded.workspace
    out.print(
        f"loaded {workspace} into {store.url}: {len(ws.indicators)} indicators, "
        f"{len(ws.observations)} observations, {len(ws.surveys)} surveys, "
        f"{len(ws.all_projects())} projects",
    )
    if loaded.removed:
        err.print(
            f"[yellow]note:[/] {loaded.removed} observation(s) added with `nenpo import` were "
            "dropped or overwritten by the workspace (--discard-imports)",
        )


@app.command("load-edition")
@handles_errors
def load_edition(
    ident: Annotated[str, typer.Argument(help="Edition id, or latest")],
    discard_imports: Annotated[
        bool,
        typer.Option(
            "--discard-imports",
            help="Let the edition drop or overwrite observations added with nenpo import",
        ),
    ] = False,
) -> None:
    """Replace the store's content with a published edition's (for the public API's store)."""
    from .publish import pipeline

    with core.opened_store() as store:
        shown, ws = pipeline.load_edition(ident, store, discard_imports=discard_imports)
    out.print(
        f"loaded edition {shown} into {store.url}: {len(ws.indicators)} indicators, "
        f"{len(ws.observations)} observations",
    )


@app.command()
@handles_errors
def build(
    workspace: Workspace = None,
    out_dir: Annotated[Path, typer.Option("--out", help="Output folder")] = Path("site"),
    lang: Lang = "ja",
    force: Annotated[bool, typer.Option(help="Build even when the check finds errors")] = False,
    pdf: Annotated[bool, typer.Option(help="Also write report.pdf and deck.pdf")] = True,
) -> None:
    """Build the web site, report.pdf and deck.pdf (loading WORKSPACE into the store if given)."""
    outputs.check_out_dir(out_dir)  # before the store is opened or anything is built
    with core.opened_store() as store, err.status("building…") as status:
        result = core.build(
            store,
            out_dir,
            workspace,
            lang,
            progress=lambda stage: status.update(f"building: {stage}…"),
            force=force,
            pdf=pdf,
        )
    _print_summary(result.findings)
    pages = len(result.site.pages)
    out.print(
        f"built {pages} pages and {len(result.site.charts)} charts into "
        f"{result.out}/ in {result.timings['total']:.2f} s",
    )
    for p in result.prints.pdfs if result.prints else []:
        out.print(f"  {p.name}: {p.pages} pages")


@app.command()
@handles_errors
def check(
    workspace: Workspace = None,
    fmt: Format = "text",
    accept: Annotated[
        Path | None,
        typer.Option("--accept", help="Accepted findings (YAML): not counted as errors"),
    ] = None,
    write_accept: Annotated[
        Path | None,
        typer.Option("--write-accept", help="Write the errors as acceptances to complete"),
    ] = None,
) -> None:
    """Check the report against its data; exit 7 when there are errors."""
    if write_accept is not None:
        outputs.check_out_file(write_accept, "--write-accept")
    if fmt == "json":
        _check_json(workspace, accept, write_accept)
        return
    findings, accepted = _checked(workspace, accept, write_accept)
    errors = sum(f.severity == "error" for f in findings)
    for f in findings:
        style = "red" if f.severity == "error" else "yellow"
        where = f.file if f.line is None else f"{f.file}:{f.line}"
        out.print(
            f"{where}: [{style}]{f.severity}[/] [bold]{f.rule}[/] {escape(f.message)}",
            soft_wrap=True,
        )
        if f.hint:
            out.print(f"    hint: {escape(f.hint)}", soft_wrap=True)
    if accepted:
        out.print(f"{len(accepted)} finding(s) accepted by {accept}", soft_wrap=True)
    if write_accept is not None:
        out.print(f"wrote the errors as acceptances to complete into {write_accept}")
    _print_summary(findings, always=True)
    if errors:
        raise typer.Exit(7)


def _checked(
    workspace: Path | None, accept: Path | None, write_accept: Path | None
) -> tuple[list[Any], list[Any]]:
    """The findings that count, and those accepted (`--accept`); writes `--write-accept`."""
    from .check import accept as accepting

    acceptances = accepting.read_acceptances(accept) if accept is not None else None
    findings = core.check(None, workspace)  # a WORKSPACE is read, no store is opened
    accepted: list[Any] = []
    if acceptances is not None:
        applied = accepting.apply(findings, acceptances)
        findings, accepted = applied.remaining, applied.accepted
    if write_accept is not None:
        write_accept.write_text(accepting.template(findings), encoding="utf-8")
    return findings, accepted


def _check_json(workspace: Path | None, accept: Path | None, write_accept: Path | None) -> None:
    """`nenpo check --format json`: always one JSON document on stdout. A workspace that cannot
    be loaded gives its problems as findings of rule `load` (exit 3); any other failure one
    finding of its kind, with the exit code of docs/cli.md (the message also on stderr)."""
    from .check import Finding

    code = 0
    accepted: list[Any] = []
    try:
        findings, accepted = _checked(workspace, accept, write_accept)
        code = 7 if any(f.severity == "error" for f in findings) else 0
    except WorkspaceError as exc:
        findings = [_problem_finding(p) for p in exc.problems]
        code = exc.exit_code
        _print_workspace_error(exc)
    except NenpoError as exc:
        findings = [
            Finding("", None, _FAILURES.get(type(exc).__name__, "error"), "error", mask(str(exc)))
        ]
        code = exc.exit_code
        _error(str(exc))
    except OSError as exc:
        if exc.filename is None:
            raise
        message = f"{exc.filename}: {exc.strerror or exc}"
        findings = [Finding(str(exc.filename), None, "file-access", "error", message)]
        code = FileAccessError.exit_code
        _error(message)
    except Exception as exc:  # a bug: its report file, in JSON too
        report = _bug_report(exc)
        message = f"nenpo hit a bug ({type(exc).__name__}); please report it with {report}"
        findings = [Finding(report, None, "bug", "error", message)]
        code = _bug(exc, report).exit_code
    errors = sum(f.severity == "error" for f in findings)
    doc = {
        "errors": errors,
        "warnings": len(findings) - errors,
        "findings": [f.to_json() for f in findings],
        "accepted": [{**f.to_json(), "accepted": a.to_json()} for f, a in accepted],
    }
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    if code:
        raise typer.Exit(code)


# The rule a failure other than a workspace problem is reported as, by its class.
_FAILURES = {
    "StoreError": "store",
    "SettingsError": "settings",
    "FileAccessError": "file-access",
    "BuildError": "build",
    "EnvironmentProblem": "environment",
}


def _problem_finding(p: Problem) -> Any:
    """A loader's problem as a finding of `nenpo check`."""
    from .check import Finding

    message = f"{p.field}: {p.message}" if p.field else p.message
    hint = f"this follows from {p.after}, which could not be read: fix it first" if p.after else ""
    return Finding(p.file, p.line, "load", "error", message, hint)


def _print_summary(findings: list[Any], always: bool = False) -> None:
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    if findings or always:
        err.print(f"check: {errors} error(s), {warnings} warning(s)")


@app.command()
@handles_errors
def serve(
    directory: Annotated[Path, typer.Option("--dir", help="Built site to serve")] = Path("site"),
    host: Annotated[str | None, typer.Option(help="Address (default NENPO_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default NENPO_PORT)")] = None,
    staff: Annotated[
        bool,
        typer.Option(
            "--staff", help="Serve staff-only pages (nenpo portfolio --out), on 127.0.0.1 only"
        ),
    ] = False,
    workers: Annotated[int, typer.Option(help="Server processes", min=1)] = 1,
    watch: Annotated[
        Path | None,
        typer.Option(
            "--watch",
            help="Build this workspace, rebuild it on every save and reload the open pages",
        ),
    ] = None,
    lang: Lang = "ja",
) -> None:
    """Serve a built site and the API over HTTP (Ctrl-C stops); never a tree with staff-only
    pages unless --staff. With --watch WORKSPACE: a preview that follows every save."""
    settings = get_settings(host=host, port=port)
    if watch is not None:
        from .web.watch import serve_watch

        if workers != 1 or staff:
            raise typer.BadParameter("--watch serves one process: give no --workers or --staff")
        serve_watch(
            watch,
            settings.host,
            settings.port,
            lang,
            ready=lambda url: out.print(
                f"watching {watch}/: preview on {url} (rebuilt on every save; Ctrl-C stops)"
            ),
            report=lambda line: err.print(line, markup=False, soft_wrap=True),
        )
        return
    from .web.server import serve_site

    def ready(url: str, store: str | None) -> None:
        api = f", the API on {url}api/v1 (store {store})" if store else " (no store: no API)"
        out.print(f"serving {directory}/ on {url}{api} (Ctrl-C stops)", soft_wrap=True)

    serve_site(directory, settings.host, settings.port, staff, workers, ready)


@app.command("import")
@handles_errors
def import_(
    file: Annotated[Path, typer.Argument(help="CSV or .xlsx file to import")],
    mapping: Annotated[
        Path | None, typer.Option("--mapping", "-m", help="Mapping YAML (docs/imports.md)")
    ] = None,
    infer: Annotated[
        bool, typer.Option("--infer", help="Print a proposed mapping for FILE instead")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every row and count, write nothing")
    ] = False,
    report: Annotated[
        Path | None, typer.Option("--report", help="Write every problem to this CSV file")
    ] = None,
    limit: Annotated[int, typer.Option(help="Problems to print", min=0)] = 20,
) -> None:
    """Upsert observations from a CSV/xlsx file by a mapping: all rows or none."""
    from .ingest.importer import ImportProblems

    if infer:  # reads the store's indicators if there is a store; creates none
        sys.stdout.write(core.infer_mapping(file, core.existing_store()))
        return
    if mapping is None:
        raise typer.BadParameter("give --mapping M.yaml (or --infer to propose one)")
    if report is not None:
        outputs.check_out_file(report, "--report")
    try:
        with core.opened_store(write=not dry_run) as store, err.status("importing…") as status:
            result = core.import_file(
                store,
                file,
                mapping,
                dry_run=dry_run,
                report=report,
                limit=limit,
                progress=lambda n: status.update(f"importing: {number(n)} rows…"),
            )
    except ImportProblems as exc:
        r = exc.result
        err.print(f"[bold red]error:[/] {exc}:", soft_wrap=True)
        for p in r.problems:
            err.print(f"  {p}", markup=False, soft_wrap=True)
        rest = r.problem_count - len(r.problems)
        if r.report is not None:
            err.print(f"all {r.problem_count} problem(s) are in {r.report}")
        elif rest > 0:
            err.print(f"… and {rest} more; --report FILE writes them all")
        raise typer.Exit(exc.exit_code) from None
    c, w = result.counts, result.written
    assert w is not None
    verb = "would import" if dry_run else "imported"
    out.print(
        f"{verb} {file} ({result.table}) into {store.url}: {number(c.rows)} rows, "
        f"{number(c.observations)} observations ({number(w.inserted)} new, "
        f"{number(w.updated)} changed, {number(w.unchanged)} unchanged), "
        f"{number(c.missing)} missing values, {number(c.skipped)} rows skipped, "
        f"in {result.seconds:.1f} s" + ("; dry run: nothing was written" if dry_run else ""),
        soft_wrap=True,
    )


@app.command()
@handles_errors
def publish(
    approver: Annotated[str, typer.Option(help="Who approved this edition (kept internal)")],
    day: Annotated[
        str | None, typer.Option("--date", help="Edition date YYYY-MM-DD (default today)")
    ] = None,
    ident: Annotated[
        str | None, typer.Option("--id", help="Edition id (default: the date)")
    ] = None,
    errata: Annotated[
        Path | None, typer.Option(help="更新履歴 entries to publish (YAML, as --draft writes)")
    ] = None,
    entry: Annotated[
        list[str] | None, typer.Option(help="An 更新履歴 entry (repeat for several)")
    ] = None,
    draft: Annotated[
        Path | None, typer.Option(help="Only write the drafted 更新履歴 to this file")
    ] = None,
    accept: Annotated[
        Path | None,
        typer.Option(help="Publish despite these accepted check errors (recorded, internal)"),
    ] = None,
    lang: Lang = "ja",
) -> None:
    """Publish the store's content as a new immutable edition; 更新履歴 is drafted from the diff."""
    from datetime import date as date_

    from .publish import pipeline

    if draft is not None:
        outputs.check_out_file(draft, "--draft")
    from .check.accept import read_acceptances

    accepted = read_acceptances(accept) if accept is not None else None
    entries = None
    if errata is not None:
        entries = pipeline.read_entries(errata)
    elif entry:
        entries = [pipeline.Entry(text, "history.html") for text in entry]
    try:
        when = date_.fromisoformat(day) if day else None
    except ValueError:
        raise typer.BadParameter(f"--date {day!r}: expected YYYY-MM-DD") from None
    with core.opened_store() as store, err.status("publishing…") as status:
        result = pipeline.publish(
            store,
            approver,
            day=when,
            ident=ident,
            entries=entries,
            lang=lang,
            draft_only=draft is not None,
            progress=lambda stage: status.update(f"publishing: {stage}…"),
            accepted=accepted,
        )
    if draft is not None:
        pipeline.write_entries(result.drafted, draft)
        out.print(
            f"drafted {len(result.drafted)} 更新履歴 entries into {draft}; edit them and "
            f"publish with --errata {draft}",
        )
        return
    out.print(
        f"published edition {result.edition.id} ({len(result.changes)} changes, "
        f"{len(result.edition.entries)} 更新履歴 entries) into {result.path}",
    )
    for e in result.edition.entries:
        out.print(f"  • {e.text}", markup=False, soft_wrap=True)


@app.command()
@handles_errors
def portfolio(
    workspace: Workspace = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Also write the staff-only pages into this folder")
    ] = None,
    lang: Lang = "ja",
) -> None:
    """Show the portfolio (staff only): ratings by focus area, variances, staffing, findings."""
    from .render.portfolio_text import print_view

    if out_dir is not None:  # never into a public site: refused before anything is done
        settings = get_settings()
        outputs.check_staff_out(out_dir, Path(settings.editions_dir), Path(settings.public_dir))
    store = core.store_for()
    view = core.portfolio_view(store, workspace)
    print_view(out, view, lang)
    if out_dir is not None:
        with err.status("building the portfolio pages…") as status:
            result = core.build_portfolio(
                store, out_dir, None, lang, progress=lambda s: status.update(f"portfolio: {s}…")
            )
        out.print(
            f"wrote {len(result.site.pages)} staff-only pages into {result.out}/ "
            "(internal: never publish them)",
        )
    if view.findings:
        raise typer.Exit(WorkspaceError.exit_code)


@app.command()
@handles_errors
def diff(
    a: Annotated[str, typer.Argument(help="Earlier edition id (or 'previous')")],
    b: Annotated[str, typer.Argument(help="Later edition id (or 'latest')")] = "latest",
    fmt: Format = "text",
) -> None:
    """Compare two editions unit by unit, naming the page or slide of each change."""
    from .publish import pipeline

    changes, entries = pipeline.diff(a, b)
    if fmt == "json":
        doc = {"changes": [c.to_json() for c in changes], "entries": [e.to_json() for e in entries]}
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
        return
    for c, e in zip(changes, entries, strict=False):
        out.print(
            f"{c.where} ({c.page}): {c.change} {c.kind} [{c.label}]",
            markup=False,
            soft_wrap=True,
        )
        out.print(f"    − {c.before}\n    + {c.after}", markup=False, soft_wrap=True)
        out.print(f"    更新履歴: {e.text}", markup=False, soft_wrap=True)
    err.print(f"{len(changes)} change(s) from {a} to {b}")


@app.command()
@handles_errors
def editions() -> None:
    """List the published editions."""
    from .publish.editions import list_editions

    settings = get_settings()
    for e in list_editions(Path(settings.editions_dir)):
        out.print(
            f"{e.id}  {e.date}  {len(e.entries)} 更新履歴 entries  (previous: {e.previous or '—'})",
        )


@app.command()
@handles_errors
def allocate(
    workspace: Workspace = None,
    max_moves: Annotated[
        int | None,
        typer.Option("--max-moves", help="Move limit (default: portfolio.yaml)", min=0),
    ] = None,
    lang: Lang = "ja",
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan as JSON")] = False,
    time_limit: Annotated[
        float, typer.Option(help="Seconds the solver may take", callback=_seconds)
    ] = 60.0,
) -> None:
    """Recommend staff moves that minimise risk-weighted unmet demand (HiGHS MILP)."""
    from .render.portfolio_text import plan_json, print_plan

    plan = core.allocate(core.store_for(), workspace, max_moves, time_limit)
    if as_json:
        sys.stdout.write(json.dumps(plan_json(plan, lang), ensure_ascii=False, indent=2) + "\n")
    else:
        print_plan(out, plan, lang)
    if plan.result.status == "infeasible":
        raise typer.Exit(1)


@app.command()
@handles_errors
def schema(
    output: Annotated[Path | None, typer.Option("--out", help="Write to this file")] = None,
) -> None:
    """Print the JSON Schema of the workspace format (generated from the models)."""
    from .ingest.schema import workspace_schema

    if output:
        outputs.check_out_file(output)
    text = json.dumps(workspace_schema(), ensure_ascii=False, indent=2)
    if output:
        output.write_text(text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")


@app.command()
@handles_errors
def version() -> None:
    """Print nenpo's version."""
    out.print(__version__)


if __name__ == "__main__":  # pragma: no cover
    app()
