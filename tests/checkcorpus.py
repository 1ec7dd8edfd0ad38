"""The check corpus: single mistakes and correct edits made on the bundled example, and how
`nenpo check` fares on them (docs/check.md, "The check corpus").

Each case under tests/check-corpus/{mistake,correct}/KIND/NAME.yaml is a few find/replace edits
on a copy of examples/digital-agency-2024. A mistake is *caught* when the check reports a new
finding of the required severity (an error also satisfies a required warning) at the required
file and line; a correct edit gets a *false error* when the check reports any new error. "New"
means not among the clean example's findings. A workspace the loader refuses counts as errors
at the files and lines it names.

Run as a script (`scripts/check-corpus-table`, or `python -m tests.checkcorpus`) to print the
table per kind; `--write` puts it into docs/check.md between its markers.
"""

from __future__ import annotations

import argparse
import multiprocessing
import multiprocessing.util
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parent / "check-corpus"
EXAMPLE = ROOT / "examples" / "digital-agency-2024"
DOC = ROOT / "docs" / "check.md"
BEGIN = "<!-- check-corpus:begin -->"
END = "<!-- check-corpus:end -->"

GROUPS = ("mistake", "correct")
SURFACES = (
    "prose",  # content/*.md paragraphs and lists
    "heading",  # a Markdown heading
    "summary",  # report.yaml page summaries, nenpo.yaml's report summary
    "chart",  # charts.yaml: titles, notes, legends, axis labels, alt text
    "description",  # indicator, survey and priority-plan descriptions
    "source",  # sources.yaml notes
    "deck",  # deck.yaml
    "data",  # observations, imported CSV, surveys, targets
    "structure",  # files, charts placed on pages
)
LANGS = ("ja", "en", "-")
SEVERITIES = ("error", "warning")
LINE_WORDS = ("edit", "any")


class CaseError(Exception):
    """A case is malformed, or its edits no longer apply to the example."""


@dataclass(frozen=True)
class Edit:
    """One change to one file: replace a unique anchor, append text, or create a file."""

    file: str
    find: str | None = None
    replace: str | None = None
    append: str | None = None
    create: str | None = None


@dataclass(frozen=True)
class Place:
    """Where a finding must be: a file and a line (`edit`, `any`, or the line of a text)."""

    file: str
    line: str = "edit"
    line_of: str | None = None


@dataclass(frozen=True)
class Case:
    """One case of the corpus."""

    name: str  # group/kind/file stem, e.g. mistake/typed-date/ja-prose-month-after-data-01
    group: str
    kind: str
    says: str
    surface: str
    lang: str
    edits: tuple[Edit, ...]
    severity: str | None = None  # mistakes: what must be reported
    places: tuple[Place, ...] = ()
    rule: str | None = None
    acceptable: tuple[str, ...] = ()  # correct edits: warnings (by rule) that are fine


@dataclass
class Found:
    """A finding as the corpus compares it (check findings and loader problems alike)."""

    file: str
    line: int | None
    severity: str
    rule: str
    message: str

    def key(self) -> tuple[str, str, str, str]:
        """Identity without the line: an edit that adds lines moves later findings."""
        return (self.file, self.severity, self.rule, self.message)

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.severity} [{self.rule}] {self.message}"


@dataclass
class Outcome:
    """What the check did on one case."""

    case: Case
    result: str  # caught | missed | passed | false-error | broken
    new: list[Found] = field(default_factory=list)
    noise: list[Found] = field(default_factory=list)  # correct edits: unlisted new warnings
    why: str = ""
    seconds: float = 0.0


# ── reading cases ────────────────────────────────────────────────────────────────────────────


def _text(data: dict[str, Any], key: str, name: str, *, required: bool = True) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            raise CaseError(f"{name}: `{key}` is missing")
        return None
    if not isinstance(value, str):
        raise CaseError(f"{name}: `{key}` must be a string, not {type(value).__name__}")
    return value


def _edit(raw: Any, name: str) -> Edit:
    if not isinstance(raw, dict):
        raise CaseError(f"{name}: each edit is a mapping (file, find/replace | append | create)")
    unknown = set(raw) - {"file", "find", "replace", "append", "create"}
    if unknown:
        raise CaseError(f"{name}: unknown edit keys {sorted(unknown)}")
    file = _text(raw, "file", name)
    assert file is not None
    if file.startswith("/") or ".." in Path(file).parts:
        raise CaseError(f"{name}: edit file {file!r} must be a path inside the workspace")
    ops = [k for k in ("find", "append", "create") if k in raw]
    if len(ops) != 1:
        raise CaseError(f"{name}: an edit of {file} needs exactly one of find, append, create")
    if ops == ["find"]:
        find = _text(raw, "find", name)
        replace = _text(raw, "replace", name)
        if not find:
            raise CaseError(f"{name}: empty `find` in an edit of {file}")
        if find == replace:
            raise CaseError(f"{name}: an edit of {file} replaces {find!r} with itself")
        return Edit(file, find=find, replace=replace)
    if "replace" in raw:
        raise CaseError(f"{name}: `replace` goes with `find` only")
    if ops == ["append"]:
        return Edit(file, append=_text(raw, "append", name))
    return Edit(file, create=_text(raw, "create", name))


def _places(raw: dict[str, Any], name: str) -> tuple[Place, ...]:
    items = raw.get("at") or [raw]
    if not isinstance(items, list):
        raise CaseError(f"{name}: `expect.at` is a list of places")
    out = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("file"), str):
            raise CaseError(f"{name}: every expected place names a `file`")
        line = item.get("line", "edit" if "line_of" not in item else "of")
        line_of = item.get("line_of")
        if line_of is None and line not in LINE_WORDS:
            raise CaseError(
                f"{name}: `line` is one of {LINE_WORDS} (numbers break when the example grows); "
                "use `line_of: TEXT` for the line of a text"
            )
        if line_of is not None and not isinstance(line_of, str):
            raise CaseError(f"{name}: `line_of` is a text of the patched file")
        out.append(Place(item["file"], line, line_of))
    return tuple(out)


def read_case(path: Path, root: Path = CORPUS) -> Case:
    """One case file, validated; raises CaseError naming the case."""
    rel = path.relative_to(root).with_suffix("")
    name = rel.as_posix()
    if len(rel.parts) != 3 or rel.parts[0] not in GROUPS:
        raise CaseError(f"{name}: a case lives at {{mistake,correct}}/KIND/NAME.yaml")
    group, kind, _stem = rel.parts
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CaseError(f"{name}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise CaseError(f"{name}: a case is a mapping (says, surface, lang, edits, expect)")
    unknown = set(data) - {"says", "surface", "lang", "edits", "expect"}
    if unknown:
        raise CaseError(f"{name}: unknown keys {sorted(unknown)}")
    says = _text(data, "says", name)
    surface = _text(data, "surface", name)
    lang = _text(data, "lang", name)
    if surface not in SURFACES:
        raise CaseError(f"{name}: surface {surface!r} is not one of {SURFACES}")
    if lang not in LANGS:
        raise CaseError(f"{name}: lang {lang!r} is not one of {LANGS}")
    raw_edits = data.get("edits")
    if not isinstance(raw_edits, list) or not raw_edits:
        raise CaseError(f"{name}: `edits` is a non-empty list")
    edits = tuple(_edit(e, name) for e in raw_edits)
    expect = data.get("expect")
    if not isinstance(expect, dict):
        raise CaseError(f"{name}: `expect` is a mapping")
    assert says is not None and surface is not None and lang is not None
    if group == "mistake":
        unknown = set(expect) - {"severity", "file", "line", "line_of", "at", "rule"}
        if unknown:
            raise CaseError(f"{name}: unknown expect keys {sorted(unknown)}")
        severity = expect.get("severity")
        if severity not in SEVERITIES:
            raise CaseError(f"{name}: expect.severity is `error` or `warning`")
        rule = expect.get("rule")
        if rule is not None and not isinstance(rule, str):
            raise CaseError(f"{name}: expect.rule is a rule id")
        places = _places(expect, name)
        return Case(name, group, kind, says, surface, lang, edits, severity, places, rule)
    unknown = set(expect) - {"errors", "acceptable_warnings"}
    if unknown or expect.get("errors") != "none":
        raise CaseError(
            f"{name}: a correct edit expects `errors: none` (and optionally "
            "`acceptable_warnings: [RULE, …]`)"
        )
    acceptable = expect.get("acceptable_warnings") or []
    if not isinstance(acceptable, list) or not all(isinstance(r, str) for r in acceptable):
        raise CaseError(f"{name}: acceptable_warnings is a list of rule ids")
    return Case(name, group, kind, says, surface, lang, edits, acceptable=tuple(acceptable))


def load_cases(root: Path = CORPUS, only: Sequence[str] = ()) -> list[Case]:
    """Every case under `root` (or those whose name contains one of `only`), by name."""
    paths = sorted(root.glob("*/*/*.yaml"))
    stray = [p for p in root.rglob("*") if p.is_file() and p not in paths and p.name != "README.md"]
    if stray:
        raise CaseError(f"files that are not cases: {[str(p.relative_to(root)) for p in stray]}")
    cases = [read_case(p, root) for p in paths]
    return [c for c in cases if not only or any(o in c.name for o in only)]


# ── applying a case ──────────────────────────────────────────────────────────────────────────


def _read(path: Path) -> str:
    # newline="": keep CRLF and every byte as it is; the BOM stays a character of the text.
    with path.open(encoding="utf-8", newline="") as f:
        return f.read()


def _write(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(text)


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _line_at(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def apply(case: Case, ws: Path) -> dict[str, int | None]:
    """Apply the case's edits to the workspace copy `ws`.

    Returns, for each edited file, the line of its first edit (where the new text first differs
    from the old; None for a created file). Raises CaseError when an anchor is not found exactly
    once, a file to edit is missing, or a file to create exists.
    """
    first: dict[str, int | None] = {}
    for i, e in enumerate(case.edits, 1):
        path = ws / e.file
        if e.create is not None:
            if path.exists():
                raise CaseError(f"{case.name}: edit {i}: {e.file} exists already")
            path.parent.mkdir(parents=True, exist_ok=True)
            _write(path, e.create)
            first.setdefault(e.file, None)
            continue
        if not path.is_file():
            raise CaseError(f"{case.name}: edit {i}: {e.file} is not in the example")
        text = _read(path)
        if e.append is not None:
            sep = "" if text.endswith("\n") or not text else "\n"
            at = len(text) + len(sep)
            text = text + sep + e.append
        else:
            assert e.find is not None and e.replace is not None
            count = text.count(e.find)
            if count != 1:
                raise CaseError(
                    f"{case.name}: edit {i}: the anchor {e.find!r} occurs {count} times in "
                    f"{e.file} (it must occur once: the example changed?)"
                )
            start = text.index(e.find)
            at = start + _common_prefix(e.find, e.replace)
            text = text[:start] + e.replace + text[start + len(e.find) :]
        _write(path, text)
        first.setdefault(e.file, _line_at(text, at))
    return first


def resolve(case: Case, ws: Path, first: dict[str, int | None]) -> list[tuple[str, int | None]]:
    """The (file, line) places a mistake may be reported at, in the patched workspace."""
    out: list[tuple[str, int | None]] = []
    for p in case.places:
        if p.line_of is not None:
            path = ws / p.file
            if not path.is_file():
                raise CaseError(f"{case.name}: expected file {p.file} does not exist")
            text = _read(path)
            n = text.count(p.line_of)
            if n != 1:
                raise CaseError(
                    f"{case.name}: line_of {p.line_of!r} occurs {n} times in {p.file} after the "
                    "edits (it must occur once)"
                )
            out.append((p.file, _line_at(text, text.index(p.line_of))))
        elif p.line == "edit":
            if p.file not in first:
                raise CaseError(f"{case.name}: `line: edit` but no edit touches {p.file}")
            out.append((p.file, first[p.file]))
        else:
            if not (ws / p.file).exists() and p.file not in first:
                raise CaseError(f"{case.name}: expected file {p.file} does not exist")
            out.append((p.file, None))
    return out


class Patched:
    """A case applied to a workspace copy, undone on exit (the copy is reused by the next case)."""

    def __init__(self, case: Case, ws: Path):
        self.case, self.ws = case, ws
        self.saved: dict[Path, str | None] = {}
        self.dirs: list[Path] = []
        self.first: dict[str, int | None] = {}

    def __enter__(self) -> Patched:
        for e in self.case.edits:
            path = self.ws / e.file
            if path not in self.saved:
                self.saved[path] = _read(path) if path.is_file() else None
            parent = path.parent
            while not parent.exists():
                self.dirs.append(parent)
                parent = parent.parent
        self.first = apply(self.case, self.ws)
        return self

    def __exit__(self, *exc: object) -> None:
        for path, text in self.saved.items():
            if text is None:
                path.unlink(missing_ok=True)
            else:
                _write(path, text)
        for d in sorted(self.dirs, key=lambda p: len(p.parts), reverse=True):
            if d.exists():
                d.rmdir()


# ── running the check ────────────────────────────────────────────────────────────────────────


def findings(ws: Path) -> list[Found]:
    """The check's findings on a workspace through the core API; a refused load is errors."""
    from nenpo import core
    from nenpo.errors import NenpoError, WorkspaceError

    try:
        found = core.check(None, ws)  # type: ignore[arg-type]
    except WorkspaceError as exc:
        return [Found(p.file, p.line, "error", "load", p.message) for p in exc.problems]
    except NenpoError as exc:
        return [Found("", None, "error", "load", str(exc))]
    return [Found(f.file, f.line, f.severity, f.rule, f.message) for f in found]


def _new(found: list[Found], baseline: Counter[tuple[str, str, str, str]]) -> list[Found]:
    left = Counter(baseline)
    out = []
    for f in found:
        if left[f.key()] > 0:
            left[f.key()] -= 1
        else:
            out.append(f)
    return out


def classify(case: Case, places: Sequence[tuple[str, int | None]], new: list[Found]) -> Outcome:
    """Caught/missed for a mistake, passed/false-error for a correct edit."""
    if case.group == "mistake":
        ok_sev = ("error",) if case.severity == "error" else SEVERITIES
        for f in new:
            if f.severity not in ok_sev or (case.rule and f.rule != case.rule):
                continue
            if any(f.file == file and (line is None or f.line == line) for file, line in places):
                return Outcome(case, "caught", new)
        where = ", ".join(f if ln is None else f"{f}:{ln}" for f, ln in places)
        return Outcome(case, "missed", new, why=f"wanted {case.severity} at {where}")
    errors = [f for f in new if f.severity == "error"]
    noise = [f for f in new if f.severity == "warning" and f.rule not in case.acceptable]
    if errors:
        return Outcome(case, "false-error", new, noise, why=str(errors[0]))
    return Outcome(case, "passed", new, noise)


_WS: Path | None = None
_BASE: Counter[tuple[str, str, str, str]] = Counter()


def _start(example: Path) -> Path:
    """One private copy of the example, and its findings as the baseline; returns its folder."""
    global _WS, _BASE
    tmp = Path(tempfile.mkdtemp(prefix="nenpo-corpus-"))
    _WS = tmp / "ws"
    shutil.copytree(example, _WS)
    _BASE = Counter(f.key() for f in findings(_WS))
    return tmp


def _start_worker(example: Path) -> None:
    """A pool worker's start; its copy is removed when it exits (after close() and join())."""
    tmp = _start(example)
    multiprocessing.util.Finalize(None, shutil.rmtree, (tmp,), {"ignore_errors": True}, 10)


def run_case(case: Case) -> Outcome:
    """Apply one case to this worker's copy, check it, undo it, classify."""
    assert _WS is not None, "call _start first"
    t0 = time.perf_counter()
    try:
        with Patched(case, _WS) as p:
            places = resolve(case, _WS, p.first) if case.group == "mistake" else []
            found = findings(_WS)
    except CaseError as exc:
        return Outcome(case, "broken", why=str(exc))
    except Exception:  # a crash of the check is a result too, never a skipped case
        why = "the check crashed:\n" + traceback.format_exc()
        result = "missed" if case.group == "mistake" else "false-error"
        return Outcome(case, result, why=why, seconds=time.perf_counter() - t0)
    out = classify(case, places, _new(found, _BASE))
    out.seconds = time.perf_counter() - t0
    return out


def run(cases: Sequence[Case], jobs: int | None = None, example: Path = EXAMPLE) -> list[Outcome]:
    """Run the cases, in `jobs` worker processes (default: one per CPU)."""
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(cases) or 1))
    if jobs == 1:
        tmp = _start(example)
        try:
            return [run_case(c) for c in cases]
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    # fork: workers inherit the imported modules, so each case costs only its check.
    ctx = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    with ctx.Pool(jobs, initializer=_start_worker, initargs=(example,)) as pool:
        outs = pool.map(run_case, cases, chunksize=1)
        pool.close()
        pool.join()
    return outs


# ── the table ────────────────────────────────────────────────────────────────────────────────


def table(outcomes: Iterable[Outcome]) -> str:
    """Markdown table per kind: mistakes caught/missed, correct edits with false errors."""
    rows: dict[str, Counter[str]] = {}
    for o in outcomes:
        c = rows.setdefault(o.case.kind, Counter())
        c[o.case.group] += 1
        c[o.result] += 1
        c["noise"] += bool(o.noise)
    total: Counter[str] = Counter()
    for c in rows.values():
        total.update(c)
    lines = [
        "| kind | mistakes | caught | missed | correct edits | false errors "
        "| with other warnings |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]

    def cells(c: Counter[str]) -> str:
        m, k = c["mistake"], c["correct"]
        return (
            f"{m or ''} | {c['caught'] if m else ''} | {c['missed'] if m else ''} | "
            f"{k or ''} | {c['false-error'] if k else ''} | {c['noise'] if k else ''}"
        )

    for kind in sorted(rows):
        lines.append(f"| {kind} | {cells(rows[kind])} |")
    pct = 100 * total["caught"] / total["mistake"] if total["mistake"] else 0.0
    lines.append(f"| **all** ({len(rows)} kinds) | {cells(total)} |")
    lines.append("")
    lines.append(
        f"{total['caught']} of {total['mistake']} mistakes caught ({pct:.0f} %); "
        f"{total['false-error']} of {total['correct']} correct edits refused with an error."
    )
    if total["broken"]:
        lines.append(f"{total['broken']} cases no longer apply to the example (see above).")
    return "\n".join(lines)


def by_surface(outcomes: Iterable[Outcome]) -> str:
    """A smaller table: mistakes caught per surface and language."""
    rows: dict[tuple[str, str], Counter[str]] = {}
    for o in outcomes:
        if o.case.group == "mistake":
            c = rows.setdefault((o.case.surface, o.case.lang), Counter())
            c["all"] += 1
            c["caught"] += o.result == "caught"
    lines = ["| surface | lang | mistakes | caught |", "|---|---|---:|---:|"]
    for (surface, lang), c in sorted(rows.items(), key=lambda kv: SURFACES.index(kv[0][0])):
        lines.append(f"| {surface} | {lang} | {c['all']} | {c['caught']} |")
    return "\n".join(lines)


def write_doc(text: str, doc: Path = DOC) -> None:
    """Replace what stands between the corpus markers of docs/check.md."""
    old = doc.read_text(encoding="utf-8")
    if old.count(BEGIN) != 1 or old.count(END) != 1 or old.index(BEGIN) > old.index(END):
        raise SystemExit(f"{doc}: expected one {BEGIN} … {END} pair")
    head, rest = old.split(BEGIN)
    _, tail = rest.split(END)
    doc.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: run the corpus, print the tables, optionally write them into the docs."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("only", nargs="*", help="run only cases whose name contains one of these")
    ap.add_argument("-j", "--jobs", type=int, default=None, help="worker processes (default: CPUs)")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every case and finding")
    ap.add_argument("--write", action="store_true", help=f"write the tables into {DOC.name}")
    args = ap.parse_args(argv)
    try:
        cases = load_cases(only=args.only)
    except CaseError as exc:
        print(f"bad case: {exc}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    outcomes = run(cases, args.jobs)
    wall = time.perf_counter() - t0
    broken = [o for o in outcomes if o.result == "broken"]
    for o in outcomes:
        if args.verbose or o.result == "broken":
            print(f"{o.result:11} {o.case.name}  ({o.seconds:.2f} s)")
            if o.why:
                print(f"    {o.why}")
            if args.verbose:
                for f in o.new:
                    print(f"    new: {f}")
                for f in o.noise:
                    print(f"    other warning: {f}")
    text = table(outcomes) + "\n\n" + by_surface(outcomes)
    print(text)
    cpu = sum(o.seconds for o in outcomes)
    print(f"\n{len(cases)} cases in {wall:.1f} s wall, {cpu:.1f} s in checks, jobs={args.jobs}")
    if args.write and not broken and not args.only:
        write_doc(text)
        print(f"written into {DOC.relative_to(ROOT)}")
    elif args.write:
        print("not written: some cases are broken, or only some cases ran", file=sys.stderr)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
