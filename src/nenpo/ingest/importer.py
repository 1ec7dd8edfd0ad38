"""Mapped imports end to end: `nenpo import FILE --mapping M.yaml` and a workspace's imports/.

`import_file` reads a table row by row, stages every good row in the store's transaction, reports
every bad row (file, row, column, value, reason: the first few kept for printing, all of them
written to a report file), then either upserts everything or, on any problem or a dry run, rolls
back so that nothing changes. `read_mapped` reads a workspace's imports/*.yaml the same way
into memory, for `nenpo load`.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from ..errors import NenpoError, Problem, StoreError, rel
from ..gcpause import paused_gc
from ..model.builtin import builtin_dimensions
from ..model.workspace import Observation
from ..store import Store
from ..store.bulk import BulkWriter, Written, read_catalog
from ..store.db import parse_dims
from .mapping import ImportMapping, mapping_from
from .observations import Sourced
from .plan import Catalog
from .reading import PARALLEL_BYTES, Outcome, read_here, read_in_child
from .rows import Counts
from .tables import Table, TableError, open_tables
from .yamlfile import Located, read_yaml

DEFAULT_LIMIT = 20  # problems printed; --report FILE has all of them
Progress = Callable[[int], None]


class ProblemSink:
    """Counts problems, keeps the first `limit` for printing and writes all to `report`."""

    def __init__(self, limit: int = DEFAULT_LIMIT, report: Path | None = None):
        self.limit = limit
        self.shown: list[Problem] = []
        self.count = 0
        self.report = report
        self._file: IO[str] | None = None
        self._csv: csv.DictWriter[str] | None = None
        if report is not None:
            # UTF-8 with a BOM, so that Excel opens the Japanese text correctly.
            self._file = report.open("w", encoding="utf-8-sig", newline="")
            self._csv = csv.DictWriter(
                self._file, ["file", "row", "column", "value", "reason"], lineterminator="\n"
            )
            self._csv.writeheader()

    def __call__(self, p: Problem) -> None:
        self.count += 1
        if len(self.shown) < self.limit:
            self.shown.append(p)
        if self._csv is not None:
            self._csv.writerow(
                {
                    "file": p.file,
                    "row": p.line,
                    "column": p.field,
                    "value": _inert(p.value),
                    "reason": p.message,
                }
            )

    def close(self) -> None:
        """Finish the report file."""
        if self._file is not None:
            self._file.close()
            self._file = None


def _inert(text: str | None) -> str | None:
    """A cell's text that a spreadsheet will show, not run: =HYPERLINK(…) becomes '=HYPERLINK(…).

    The report is opened in Excel, and the bad cells it lists may be formulas (CSV injection).
    """
    if text and (text[0] in "=+@\t\r" or (text[0] == "-" and not text[1:2].isdigit())):
        return "'" + text
    return text


@dataclass
class ImportResult:
    """What an import read, what it wrote (or would write, on a dry run) and what was wrong."""

    file: str
    mapping: str
    table: str = ""  # how the file was read: "CSV, CP932 (Shift_JIS)", "xlsx, sheet 'データ'"
    counts: Counts = field(default_factory=Counts)
    written: Written | None = None
    dry_run: bool = False
    committed: bool = False
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    report: Path | None = None
    seconds: float = 0.0
    # wall time of each step: read (and stage), check (duplicate keys), write (upsert), commit
    timings: dict[str, float] = field(default_factory=dict)


class ImportProblems(NenpoError):
    """The file (or its mapping) has problems; nothing was written. All are in the report."""

    exit_code = 3

    def __init__(self, result: ImportResult):
        self.result = result
        n = result.problem_count
        super().__init__(
            f"{n} problem{'s' if n != 1 else ''} in {result.file}; nothing was written"
        )


def catalog_of(store: Store) -> Catalog:
    """What the stored workspace lets an import name."""
    found = read_catalog(store.engine)
    if found is None:
        raise StoreError(
            f"the store at {store.url} holds no workspace: load one first (nenpo load WORKSPACE)"
        )
    inds, dims, sources = found
    return Catalog(
        {i.id: i for i in inds},
        {d.id: d for d in [*builtin_dimensions(), *dims]},
        frozenset(sources),
    )


def import_file(
    store: Store,
    file: Path,
    mapping_path: Path,
    *,
    dry_run: bool = False,
    report: Path | None = None,
    limit: int = DEFAULT_LIMIT,
    progress: Progress | None = None,
    parallel: bool | None = None,
) -> ImportResult:
    """Import one file by a mapping: all rows or none. Raises ImportProblems listing problems.

    `parallel` parses the file in a second process while this one writes (default: for files
    over 32 MiB).
    """
    t0 = time.perf_counter()
    result = ImportResult(str(file), str(mapping_path), dry_run=dry_run, report=report)
    sink = ProblemSink(limit, report)
    try:
        _import(store, Path(file), Path(mapping_path), result, sink, progress, parallel)
    finally:
        sink.close()
        result.problems, result.problem_count = sink.shown, sink.count
        result.seconds = time.perf_counter() - t0
    if sink.count:
        raise ImportProblems(result)
    return result


def _import(
    store: Store,
    file: Path,
    mapping_path: Path,
    result: ImportResult,
    sink: ProblemSink,
    progress: Progress | None,
    parallel: bool | None,
) -> None:
    found: list[Problem] = []
    src = read_yaml(mapping_path, str(mapping_path), found)
    mapping = mapping_from(src, found) if src is not None else None
    if mapping is None or src is None:
        for p in found:
            sink(p)
        return
    catalog = catalog_of(store)
    try:
        tables = open_tables(
            file, str(file), mapping.format, mapping.encoding, mapping.sheet, mapping.delimiter
        )
    except TableError as exc:
        sink(Problem(exc.file, exc.line, None, exc.message))
        return
    result.table = describe(tables)
    if parallel is None:
        parallel = file.stat().st_size > PARALLEL_BYTES
    read = read_in_child if parallel else read_here
    outcome = Outcome()
    clock = _Clock(result.timings)
    # Reading makes millions of small tuples and lists, none in a cycle: with the collector
    # running, reading was four times slower (measured).
    with paused_gc(), BulkWriter(store.engine) as writer:
        try:
            for batch in read(tables, mapping, src, str(mapping_path), catalog, sink, outcome):
                writer.stage(batch)
                if progress is not None:
                    progress(writer.staged)
        except TableError as exc:  # e.g. a line in another encoding halfway through
            sink(Problem(exc.file, exc.line, None, exc.message))
        result.counts = outcome.counts
        clock("read")
        pairs, dims = outcome.names()
        for dup in writer.duplicates():
            ind, period = pairs[dup.pair]
            where = f"{ind}, {period}" + (f", {dims[dup.dimset]}" if dims[dup.dimset] else "")
            for row in dup.rows[1:]:
                sink(
                    Problem(
                        result.file,
                        row,
                        None,
                        "duplicate key: the same indicator, date and dimensions as row "
                        f"{dup.rows[0]} ({where})",
                    )
                )
        clock("check")
        if sink.count or not outcome.planned:
            return  # leaving the `with` rolls back: nothing was written
        result.written = writer.upsert(
            outcome.pair_rows(),
            outcome.dimset_rows(),
            outcome.provenance,
            outcome.source,
            origin=("import:" + result.file)[:500],  # so that nenpo load keeps them
        )
        clock("write")
        if not result.dry_run:
            writer.commit()
            result.committed = True
            clock("commit")


class _Clock:
    """Records the wall time since the previous step under each step's name."""

    def __init__(self, into: dict[str, float]):
        self.into, self.last = into, time.perf_counter()

    def __call__(self, step: str) -> None:
        now = time.perf_counter()
        self.into[step] = now - self.last
        self.last = now


def describe(tables: list[Table]) -> str:
    """How a file was read, for messages: 'CSV, CP932 (Shift_JIS)', "xlsx, sheet 'データ'"."""
    from .tables import LABELS

    table = tables[0]
    if table.format == "xlsx":
        if len(tables) > 1:
            return f"xlsx, {len(tables)} sheets: " + ", ".join(repr(t.sheet) for t in tables)
        return f"xlsx, sheet {table.sheet!r}"
    return f"CSV, {LABELS.get(table.encoding or '', table.encoding)}"


def mapped_files(mapping: ImportMapping, root: Path) -> list[Path]:
    """The files of a workspace mapping's `files:` globs, sorted, each once."""
    return sorted({p for pattern in mapping.files for p in root.glob(pattern) if p.is_file()})


def read_mapped(
    mapping: ImportMapping,
    src: Located,
    root: Path,
    catalog: Catalog,
    problems: list[Problem],
) -> list[Sourced]:
    """Every file a workspace mapping names, read into observations (for `nenpo load`)."""
    files = mapped_files(mapping, root)
    if not mapping.files:
        problems.append(src.problem((), "a workspace mapping needs `files:` (globs)"))
    elif not files:
        problems.append(src.problem(("files",), "no file matches " + ", ".join(mapping.files)))
    out: list[Sourced] = []
    for path in files:
        shown = rel(path, root)
        try:
            tables = open_tables(
                path, shown, mapping.format, mapping.encoding, mapping.sheet, mapping.delimiter
            )
            outcome = Outcome()
            read = [
                obs
                for batch in read_here(
                    tables, mapping, src, src.file, catalog, problems.append, outcome
                )
                for obs in batch
            ]
            pairs, dimsets = outcome.names()
            for ip, dk, value, row in read:
                (ind, period), dims = pairs[ip], dimsets[dk]
                obs = Observation(
                    indicator=ind,
                    period=period,
                    value=value,
                    dims=parse_dims(dims),
                    provenance=outcome.provenance,
                    source=outcome.source,
                )
                out.append(Sourced(obs, shown, row))
        except TableError as exc:
            problems.append(Problem(exc.file, exc.line, None, exc.message))
    return out
