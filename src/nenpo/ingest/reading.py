"""Reading a table by a mapping into batches of observations: here, or in a second process.

A big file is parsed in a child process while this one writes what it has parsed so far, so that
an import uses both cores of a small machine: the parsing (Python) and the writing (the
database) overlap. Both ways give the same batches, the same problems and the same Outcome.
"""

from __future__ import annotations

import contextlib
import gc
import marshal
import os
import pickle
import struct
import subprocess
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from typing import IO, Any

from ..errors import NenpoError, Problem
from .mapping import ImportMapping
from .plan import Catalog, Plan, compile_plan
from .rows import Counts, Obs, RowReader
from .sheets import Sheet
from .tables import Cell, Table, TableError, open_books
from .yamlfile import Located

BATCH = 20_000  # observations passed on at a time: memory stays flat whatever the file's size
PARALLEL_BYTES = 32 << 20  # files bigger than this are parsed in a child process
Emit = Callable[[Problem], None]
Rows = Iterator[tuple[int, Sequence[Cell]]]


@dataclass
class Outcome:
    """What reading a table gave besides its observations, complete once they are all read."""

    planned: bool = False  # the mapping fitted the table's header
    counts: Counts = field(default_factory=Counts)
    pairs: dict[tuple[str, str], int] = field(default_factory=dict)
    dimsets: dict[str, int] = field(default_factory=dict)
    starts: dict[str, str] = field(default_factory=dict)
    provenance: str | None = None
    source: str | None = None

    def take(self, plan: Plan, reader: RowReader) -> None:
        """Share the reader's tables (they fill up as it reads)."""
        self.planned = True
        self.counts, self.pairs, self.dimsets = reader.counts, reader.pairs, reader.dimsets
        self.starts, self.provenance, self.source = reader.starts, plan.provenance, plan.source

    def pair_rows(self) -> list[tuple[int, str, str, str]]:
        """(pair, indicator, period, the period's first day) of every pair read."""
        return [(n, ind, per, self.starts[per]) for (ind, per), n in self.pairs.items()]

    def dimset_rows(self) -> list[tuple[int, str]]:
        """(dimset, canonical dims key) of every dimension set read."""
        return [(n, key) for key, n in self.dimsets.items()]

    def names(self) -> tuple[dict[int, tuple[str, str]], dict[int, str]]:
        """pair → (indicator, period) and dimset → dims, to name a key in a message."""
        return (
            {n: k for k, n in self.pairs.items()},
            {n: k for k, n in self.dimsets.items()},
        )


def plan_table(
    table: Table,
    mapping: ImportMapping,
    src: Located | None,
    mapping_name: str,
    catalog: Catalog,
    emit: Emit,
    book: Any = None,
) -> tuple[Plan | None, Rows]:
    """Read up to the header row and compile the mapping; the rows after it are still to read."""
    rows = table.rows(book)
    header: Sequence[Cell] | None = None
    above: dict[int, Sequence[Cell]] = {}  # title rows: a period or dimension may be there
    for n, cells in rows:
        if n == mapping.header_row:
            header = cells
            break
        above[n] = cells
    if header is None:
        what = "the file is empty" if mapping.header_row == 1 else "the table ends"
        emit(
            Problem(
                table.shown,
                None,
                None,
                f"{what} before the header row ({mapping.header_row}) the mapping names",
            )
        )
        return None, rows
    found: list[Problem] = []
    plan = compile_plan(
        mapping,
        header,
        catalog,
        table.shown,
        table.format == "csv",
        src,
        mapping_name,
        found,
        Sheet(table.sheet if table.sheet is not None else table.path.stem, above),
    )
    for p in found:
        emit(p)
    return plan, rows


def read_here(
    tables: list[Table],
    mapping: ImportMapping,
    src: Located | None,
    mapping_name: str,
    catalog: Catalog,
    emit: Emit,
    outcome: Outcome,
) -> Iterator[list[Obs]]:
    """Batches of observations of every table (the sheets a mapping reads), in this process."""
    batch: list[Obs] = []
    first: RowReader | None = None
    with open_books(tables) as books:
        for table in tables:
            book = books.get(table.path)
            plan, rows = plan_table(table, mapping, src, mapping_name, catalog, emit, book)
            if plan is None:
                continue
            # The sheets' keys are numbered together: their rows are staged and checked as one.
            reader = RowReader(plan, emit, first)
            if first is None:
                first = reader
                outcome.take(plan, reader)
            for chunk in reader.read(rows):
                batch.extend(chunk)
                if len(batch) >= BATCH:
                    yield batch
                    batch = []
            reader.locate(table.rows(book))
    if batch:
        yield batch


def read_in_child(
    tables: list[Table],
    mapping: ImportMapping,
    src: Located | None,
    mapping_name: str,
    catalog: Catalog,
    emit: Emit,
    outcome: Outcome,
) -> Iterator[list[Obs]]:
    """The same batches, parsed in a child process; TableError and problems come back here.

    The child is a fresh interpreter (`python -c …`) with this one's import path, talking
    pickle over its stdin and stdout: unlike multiprocessing, it never re-imports the caller's
    main module, and it never forks a process that holds database connections.
    """
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    child = subprocess.Popen(
        [sys.executable, "-c", "from nenpo.ingest.reading import child_main; child_main()"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
    )
    assert child.stdin is not None and child.stdout is not None
    try:
        pickle.dump((tables, mapping, src, mapping_name, catalog), child.stdin)
        child.stdin.close()
        while True:
            kind, payload = _receive(child.stdout)
            if kind == "rows":
                yield payload
            elif kind == "problems":
                for p in payload:
                    emit(p)
            elif kind == "end":
                for f in fields(Outcome):
                    setattr(outcome, f.name, getattr(payload, f.name))
                return
            elif kind == "table-error":
                raise TableError(*payload)
            else:
                raise NenpoError(f"reading the file failed:\n{payload}")
    finally:
        child.stdout.close()
        try:
            child.wait(timeout=5)
        except subprocess.TimeoutExpired:  # this side stopped early (an error, or Ctrl-C)
            child.kill()
            child.wait()


# Messages between the two processes: a kind, a length, then the payload. Batches of rows
# (lists of tuples of numbers) go as marshal, three times quicker to write than pickle, which
# carries the rest (problems, the outcome).
_KINDS = ["rows", "problems", "end", "table-error", "crash"]
_HEAD = struct.Struct("<BQ")


def _send(out: IO[bytes], kind: str, payload: Any) -> None:
    code = _KINDS.index(kind)
    data = marshal.dumps(payload) if kind == "rows" else pickle.dumps(payload, protocol=5)
    out.write(_HEAD.pack(code, len(data)))
    out.write(data)
    out.flush()


def _receive(stream: IO[bytes]) -> tuple[str, Any]:
    head = stream.read(_HEAD.size)
    if len(head) < _HEAD.size:
        raise NenpoError("the process reading the file stopped unexpectedly")
    code, size = _HEAD.unpack(head)
    data = stream.read(size)
    kind = _KINDS[code]
    return kind, marshal.loads(data) if kind == "rows" else pickle.loads(data)


def child_main() -> None:
    """The child's side of read_in_child: read the arguments, send batches and problems."""
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout = sys.stderr  # nothing printed may get into the stream of messages

    def send(kind: str, payload: object) -> None:
        _send(out, kind, payload)

    gc.disable()  # see nenpo.gcpause: reading makes millions of tuples, none in a cycle
    tables, mapping, src, mapping_name, catalog = pickle.load(sys.stdin.buffer)
    problems: list[Problem] = []
    outcome = Outcome()
    try:
        for batch in read_here(
            tables, mapping, src, mapping_name, catalog, problems.append, outcome
        ):
            if problems:
                send("problems", problems[:])
                problems.clear()
            send("rows", batch)
        send("problems", problems)
        send("end", outcome)
    except TableError as exc:
        send("problems", problems)
        send("table-error", (exc.file, exc.line, exc.message))
    except BrokenPipeError:  # the importing side has gone
        pass
    except BaseException:
        send("crash", traceback.format_exc())
    finally:
        with contextlib.suppress(BrokenPipeError):
            out.close()
