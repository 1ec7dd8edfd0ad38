"""The preview: a workspace built in memory, and built again after each save, quickly.

`nenpo serve --watch` keeps one Preview. Each rebuild does only what the edit needs:

- an edit of prose only (Markdown files the workspace already had) re-reads those files and
  keeps everything else of the last read: the data, where each object was written, and the
  check's index of the data's values; charts come from the chart memo (charts.memo), so none
  is made again; the dashboard and its pages are kept unless the edit changed a page's title
  or what the pages cite (the dashboard lists the pages citing each indicator);
- any other edit reads the workspace again; the chart memo then remakes only the charts whose
  data changed, and the SVG cache draws only the charts whose spec changed.

The check runs every time, as for a build. A rebuild that fails — the workspace cannot be read,
the check finds errors, a reference cannot be resolved, a slide does not fit — keeps the last
good build and says what is wrong, with file and line. Pages come first; the open data and the
PDFs follow (`follow_data`, `print`: downloads made from the same workspace and model; the PDFs
are cached by content, so an unchanged PDF is not compiled). After an edit of data the open
data's files are those of the last edit until then: writing every table as CSV, XLSX and JSON
took a quarter of a rebuild's time, and the page being edited shows none of it.
Nothing is written to the store: a preview is of files, not of what the store holds.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from . import core
from .check import Finding, run_checks
from .check.numbers import Values
from .errors import CheckFailed, NenpoError, Problem, WorkspaceError
from .ingest.files import read_text
from .ingest.where import Where
from .lookups.data import Data
from .model.workspace import Workspace
from .render.pdf import Prints
from .report.dashboard import Dashboard, build_dashboard
from .report.deck import DeckOut
from .report.site import Site
from .settings import Settings, get_settings


@dataclass(frozen=True)
class Found:
    """One thing that stops the preview's build, where it is: `file:line: message`."""

    file: str
    line: int | None
    message: str

    @property
    def where(self) -> str:
        return self.file if self.line is None else f"{self.file}:{self.line}"

    def to_json(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "where": self.where, "message": self.message}


@dataclass
class Outcome:
    """What one rebuild did: the site paths whose content changed, or what stopped it."""

    ok: bool
    changed: list[str] = field(default_factory=list)
    problems: list[Found] = field(default_factory=list)
    seconds: float = 0.0
    kind: str = "full"  # "prose": only prose was read again; "pdf": the PDFs


def found_in(exc: NenpoError) -> list[Found]:
    """The located problems an error of a build carries (or its message, unlocated)."""
    if isinstance(exc, WorkspaceError):
        return [Found(p.file, p.line, _what(p)) for p in exc.problems]
    if isinstance(exc, CheckFailed):
        errors: list[Finding] = [f for f in exc.findings if f.severity == "error"]
        return [Found(f.file, f.line, f"[{f.rule}] {f.message}") for f in errors]
    if isinstance(exc, core.ContentProblems):
        return [Found(p.file, p.line, _what(p)) for p in exc.problems]
    return [Found("", None, str(exc))]


def _what(p: Problem) -> str:
    return f"{p.field}: {p.message}" if p.field else p.message


class Preview:
    """The last good build of a workspace, in memory, and how to rebuild it after an edit."""

    def __init__(self, root: Path, lang: str = "ja", settings: Settings | None = None):
        self.root = Path(root).resolve()
        self.lang = lang
        self.settings = settings or get_settings()
        self.files: dict[str, bytes] = {}  # site path → content: what is served
        self.problems: list[Found] = []  # what stops the build now (empty: the build is good)
        self.version = 0  # raised whenever `files` changes
        self._ws: Workspace | None = None  # the last workspace read whole, with its texts
        self._where = Where()
        self._values: Values | None = None  # the check's index of `_ws`'s data
        self._rows: list[tuple[str, int | None]] = []  # where each observation was written
        self._opendata: dict[str, bytes] = {}  # the open data's files, of the last full read
        self._pending: Workspace | None = None  # a workspace whose open data is still to make
        # The dashboard, its pages' files, and what of the site they were made from: an edit
        # of prose that changes none of that (titles, what pages cite) keeps them.
        self._dash: Dashboard | None = None
        self._dash_from: tuple[object, ...] = ()
        self._dash_files: dict[str, bytes] = {}
        self._site: Site | None = None
        self._deck: DeckOut | None = None
        self._prints: Prints | None = None
        self._lock = threading.Lock()  # one rebuild at a time

    # ── pages ─────────────────────────────────────────────────────────────────────────────

    def build(self, changed: Collection[Path] | None = None) -> Outcome:
        """Rebuild the pages after `changed` files were saved (None: everything)."""
        with self._lock:
            t = time.perf_counter()
            prose = self._prose_only(changed)
            try:
                ws, where = self._read_prose(prose) if prose else self._read()
                # The check's index of the data's values is kept while only prose changes. (The
                # check runs here, not in a forked process as in a build: this process has
                # threads — the server, the PDFs — and a fork copies the locks they hold.)
                if self._values is None:
                    self._values = Values(Data(ws))
                findings = run_checks(ws, where, rows=self._rows, values=self._values)
                if any(f.severity == "error" for f in findings):
                    raise CheckFailed(findings)
                # The deck too, as a build does: its problems stop the build, and the charts
                # only it shows are part of the site's data.
                site, deck = core.model_stage(
                    ws,
                    self.lang,
                    self.settings.chart_font,
                    True,
                    self.settings.cache_dir,
                    dashboard=self._dashboard if prose else None,
                )
                # The open data is of the data and the report's titles, not of the prose; after
                # the first build it follows the pages (`follow_data`).
                first = not self._opendata
                opendata = self._open_data(ws) if first else self._opendata
                files = {**self._render(site, self._prints), **opendata}
            except NenpoError as exc:
                self.problems = found_in(exc)
                return Outcome(False, [], self.problems, time.perf_counter() - t)
            self._site, self._deck, self._opendata = site, deck, opendata
            if not prose and not first:
                self._pending = ws
            self.problems = []
            paths = self._swap(files)
            kind = "prose" if prose else "full"
            return Outcome(True, paths, [], time.perf_counter() - t, kind)

    def _dashboard(self, site: Site) -> Dashboard:
        """The last dashboard if `site` gives it what it was made from, else a new one."""
        if self._dash is not None and _dashboard_input(site) == self._dash_from:
            return self._dash
        return build_dashboard(site, self.settings.chart_font, self.settings.cache_dir)

    def _prose_only(self, changed: Collection[Path] | None) -> list[tuple[str, Path]]:
        """(workspace path, file) of each edited Markdown file, when the edit is of prose only
        (files the last read already had); else nothing."""
        if changed is None or self._ws is None or not changed:
            return []
        out = []
        for f in changed:
            try:
                rel = Path(f).resolve().relative_to(self.root).as_posix()
            except ValueError:
                return []
            if not rel.endswith(".md") or rel not in self._ws.texts or not Path(f).is_file():
                return []
            out.append((rel, Path(f)))
        return out

    def _read(self) -> tuple[Workspace, Where]:
        loaded = core.read(self.root)
        self._ws, self._where, self._values = loaded.workspace, loaded.where, None
        self._rows = loaded.places()
        return self._ws, self._where

    def _read_prose(self, files: list[tuple[str, Path]]) -> tuple[Workspace, Where]:
        assert self._ws is not None
        problems: list[Problem] = []
        texts = dict(self._ws.texts)
        for rel, f in files:
            text = read_text(f, rel, problems)
            if text is not None:
                texts[rel] = text
        if problems:
            raise WorkspaceError(problems)
        self._ws = self._ws.model_copy(update={"texts": texts})  # the data stays as it was
        return self._ws, self._where

    # ── open data and PDFs ────────────────────────────────────────────────────────────────

    def follow_data(self) -> Outcome:
        """Make the open data of the last good build's workspace, if an edit of data left it to
        make, and serve it. Holds no lock while it writes, as `print`."""
        with self._lock:
            ws = self._pending
        if ws is None:
            return Outcome(True, [], [], 0.0, "data")
        t = time.perf_counter()
        try:
            opendata = self._open_data(ws)
        except NenpoError as exc:
            with self._lock:
                if ws is self._pending:
                    self.problems = found_in(exc)
            return Outcome(False, [], found_in(exc), time.perf_counter() - t, "data")
        with self._lock:
            if ws is not self._pending:  # edited again meanwhile: the next follow makes it
                return Outcome(True, [], [], time.perf_counter() - t, "data")
            old, self._opendata, self._pending = self._opendata, opendata, None
            kept = {k: v for k, v in self.files.items() if k not in old}
            paths = self._swap({**kept, **opendata})
        return Outcome(True, paths, [], time.perf_counter() - t, "data")

    def print(self) -> Outcome:
        """Compile report.pdf and deck.pdf for the last good pages (unchanged ones are cached).

        The compiling holds no lock: pages can be rebuilt meanwhile, and then these PDFs, of
        pages no longer current, are not published (the next print is of the new pages).
        """
        with self._lock:
            site, deck = self._site, self._deck
        if site is None:
            return Outcome(False, [], self.problems, 0.0, "pdf")
        t = time.perf_counter()
        try:
            prints = core.print_stage(site, deck, self.settings, {})
        except NenpoError as exc:
            with self._lock:
                if site is self._site:
                    self.problems = found_in(exc)
            return Outcome(False, [], found_in(exc), time.perf_counter() - t, "pdf")
        with self._lock:
            if site is not self._site:
                return Outcome(True, [], [], time.perf_counter() - t, "pdf")
            self._prints = prints
            paths = self._publish(site, prints)
        return Outcome(True, paths, [], time.perf_counter() - t, "pdf")

    # ── output ────────────────────────────────────────────────────────────────────────────

    def _publish(self, site: Site, prints: Prints | None) -> list[str]:
        """Render every file of the site, swap them in, and say which changed."""
        return self._swap({**self._render(site, prints), **self._opendata})

    def _open_data(self, ws: Workspace) -> dict[str, bytes]:
        """The open data's files under data/, as a build writes them."""
        scratch = Path(tempfile.mkdtemp(prefix="nenpo-preview-"))
        try:
            written = core.opendata_stage(
                ws, self.lang, None, self.settings, {}, core.quiet, scratch
            )
            return {f.relative_to(scratch).as_posix(): f.read_bytes() for f in written}
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def _render(self, site: Site, prints: Prints | None) -> dict[str, bytes]:
        """Every file of the site, as a build writes it: site path → content.

        The pages are rendered with the last good PDFs (`prints`) until new ones replace
        them: the top page links them with their page counts.
        """
        if prints is not None:
            site.downloads = core.downloads(prints, self.lang)
        dash, made_from = site.dashboard, _dashboard_input(site)
        # The dashboard's pages (a third of the rendering) as they were, when nothing they show
        # changed: the same dashboard, for a site with the same titles, citations and downloads.
        keep = dash is not None and dash is self._dash and made_from == self._dash_from
        scratch = Path(tempfile.mkdtemp(prefix="nenpo-preview-"))
        try:
            written = core.write_outputs(site, prints, scratch, dashboard=not keep)
            files = {f.relative_to(scratch).as_posix(): f.read_bytes() for f in written}
            for asset in (scratch / "static").iterdir():
                files[f"static/{asset.name}"] = asset.read_bytes()
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        if keep:
            files.update(self._dash_files)
        elif dash is not None:
            paths = {dash.index_path, "static/vega.js"}
            paths.update(p for ind in dash.indicators for p in (ind.path, ind.embed_path))
            self._dash, self._dash_from = dash, made_from
            self._dash_files = {p: files[p] for p in paths if p in files}
        return files

    def _swap(self, files: dict[str, bytes]) -> list[str]:
        """Serve `files` from now on; the paths whose content changed."""
        changed = sorted(k for k, v in files.items() if self.files.get(k) != v)
        changed += sorted(k for k in self.files if k not in files)
        if changed:
            self.files = files  # one assignment: a request sees the old files or the new
            self.version += 1
        return changed


def _dashboard_input(site: Site) -> tuple[object, ...]:
    """What the dashboard takes from the site's pages beside the data (which an edit of prose
    leaves as it was): the menu, the downloads, each page's title and the indicators it cites.
    (It also takes the charts the pages made, when it shows the same: made from the data alone,
    they are the same charts it would make.)"""
    pages = [(p.path, p.title, sorted(p.cites)) for p in site.pages]
    return (site.lang, site.nav, site.downloads, pages)
