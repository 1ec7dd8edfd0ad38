"""The `nenpo` command: each command parses options, calls nenpo.core, and prints the result."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from . import __version__, core
from .errors import NenpoError, WorkspaceError
from .settings import get_settings

app = typer.Typer(
    help="nenpo (年報): the annual report on digital programmes, built from data.",
    no_args_is_help=True,
    add_completion=False,
)
out = Console()
err = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])

Workspace = Annotated[
    Path | None,
    typer.Argument(help="Workspace folder (default: the store's content, or the bundled example)"),
]


def handles_errors(fn: F) -> F:
    """Map NenpoError to a readable message and its exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except WorkspaceError as exc:
            err.print(
                f"[bold red]error:[/] {len(exc.problems)} problem(s) in the workspace; "
                "nothing was written:",
                highlight=False,
            )
            for p in exc.problems:
                err.print(f"  {p}", highlight=False, markup=False)
            raise typer.Exit(exc.exit_code) from None
        except NenpoError as exc:
            err.print(f"[bold red]error:[/] {exc}", highlight=False)
            raise typer.Exit(exc.exit_code) from None

    return wrapper  # type: ignore[return-value]


@app.command()
@handles_errors
def load(workspace: Annotated[Path, typer.Argument(help="Workspace folder")]) -> None:
    """Validate a workspace and write it into the store (all or nothing)."""
    store = core.store_for()
    loaded = core.load(workspace, store)
    ws = loaded.workspace
    out.print(
        f"loaded {workspace} into {store.url}: {len(ws.indicators)} indicators, "
        f"{len(ws.observations)} observations, {len(ws.surveys)} surveys, "
        f"{len(ws.all_projects())} projects",
        highlight=False,
    )


@app.command()
@handles_errors
def build(
    workspace: Workspace = None,
    out_dir: Annotated[Path, typer.Option("--out", help="Output folder")] = Path("site"),
    lang: Annotated[str, typer.Option(help="Language of the output: ja or en")] = "ja",
) -> None:
    """Build the report as a static web site (loading WORKSPACE into the store first if given)."""
    store = core.store_for()
    with err.status("building…") as status:
        result = core.build(
            store,
            out_dir,
            workspace,
            lang,
            progress=lambda stage: status.update(f"building: {stage}…"),
        )
    pages = len(result.site.pages)
    out.print(
        f"built {pages} pages and {len(result.site.charts)} charts into "
        f"{result.out}/ in {result.timings['total']:.2f} s",
        highlight=False,
    )


@app.command()
@handles_errors
def serve(
    directory: Annotated[Path, typer.Option("--dir", help="Built site to serve")] = Path("site"),
    host: Annotated[str | None, typer.Option(help="Address (default NENPO_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default NENPO_PORT)")] = None,
) -> None:
    """Serve a built site over HTTP (Ctrl-C stops)."""
    from .web.static import serve as serve_dir

    settings = get_settings(host=host, port=port)
    out.print(
        f"serving {directory}/ on http://{settings.host}:{settings.port}/ (Ctrl-C stops)",
        highlight=False,
    )
    serve_dir(directory, settings.host, settings.port)


@app.command()
@handles_errors
def portfolio(
    workspace: Workspace = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Also write the staff-only pages into this folder")
    ] = None,
    lang: Annotated[str, typer.Option(help="Language of the output: ja or en")] = "ja",
) -> None:
    """Show the portfolio (staff only): ratings by focus area, variances, staffing, findings."""
    from .render.portfolio_text import print_view

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
            highlight=False,
        )
    if view.findings:
        raise typer.Exit(WorkspaceError.exit_code)


@app.command()
@handles_errors
def allocate(
    workspace: Workspace = None,
    max_moves: Annotated[
        int | None, typer.Option("--max-moves", help="Move limit (default: portfolio.yaml)")
    ] = None,
    lang: Annotated[str, typer.Option(help="Language of the explanations: ja or en")] = "ja",
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan as JSON")] = False,
    time_limit: Annotated[float, typer.Option(help="Seconds the solver may take")] = 60.0,
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
def schema(
    output: Annotated[Path | None, typer.Option("--out", help="Write to this file")] = None,
) -> None:
    """Print the JSON Schema of the workspace format (generated from the models)."""
    from .model.schema import workspace_schema

    text = json.dumps(workspace_schema(), ensure_ascii=False, indent=2)
    if output:
        output.write_text(text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")


@app.command()
def version() -> None:
    """Print nenpo's version."""
    out.print(__version__)


if __name__ == "__main__":  # pragma: no cover
    app()
