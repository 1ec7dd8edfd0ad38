"""One exception hierarchy rooted in NenpoError; the CLI maps each class to an exit code."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located as precisely as we can: file, line, field."""

    file: str
    line: int | None
    field: str | None
    message: str
    # The offending cell's text, for row-level import reports (kept out of comparisons).
    value: str | None = dataclasses.field(default=None, compare=False)
    # The file whose failure to parse this problem follows from (e.g. a project unknown only
    # because projects.yaml could not be read): reported under that file, not before it.
    after: str | None = dataclasses.field(default=None, compare=False)

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        what = f"{self.field}: " if self.field else ""
        return f"{where}: {what}{self.message}"


def follows(problem: Problem, kind: str, broken: dict[str, str] | None) -> Problem:
    """`problem` marked as following from the file that defines `kind`, if it did not parse
    (`broken`: kind → file)."""
    if broken and kind in broken:
        return dataclasses.replace(problem, after=broken[kind])
    return problem


class NenpoError(Exception):
    """Base of every error nenpo raises on purpose."""

    exit_code = 1


class SettingsError(NenpoError):
    """A setting (environment, option) is missing or wrong: a bad value, an `--out` that is a
    file, a busy port, a database URL nenpo cannot use."""

    exit_code = 2


class FileAccessError(NenpoError):
    """A file or folder named on the command line cannot be read or written."""

    exit_code = 10


class WorkspaceError(NenpoError):
    """The workspace has one or more problems; all of them are listed, not just the first."""

    exit_code = 3

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=_problem_key)
        noun = "problem" if len(self.problems) == 1 else "problems"
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} {noun} in the workspace:\n{lines}")

    def causes(self) -> list[tuple[Problem, list[Problem]]]:
        """The problems to read first, each with those that follow only from it.

        A file that could not be parsed comes first, with the problems its absence caused (an
        id it defines is unknown elsewhere) under it; the independent problems follow in order.
        """
        follows: dict[str, list[Problem]] = {}
        for p in self.problems:
            if p.after is not None:
                follows.setdefault(p.after, []).append(p)
        own = [p for p in self.problems if p.after is None]
        causes = {p.file for p in own} & set(follows)
        out: list[tuple[Problem, list[Problem]]] = []
        for p in own:  # sorted: a file's own problems together, the file-level one first
            if p.file in causes:
                out.append((p, follows.pop(p.file, [])))
        rest = [p for p in own if p.file not in causes]
        rest += [p for ps in follows.values() for p in ps]  # a cause that reported nothing
        return out + [(p, []) for p in sorted(rest, key=_problem_key)]


def _problem_key(p: Problem) -> tuple[str, int, str, str]:
    return (p.file, p.line or 0, p.field or "", p.message)


class StoreError(NenpoError):
    """The store cannot be opened, migrated or written."""

    exit_code = 4


class BuildError(NenpoError):
    """The report cannot be built from what the store holds."""

    exit_code = 5


class EnvironmentProblem(NenpoError):
    """A system dependency (a font, a native library) is missing; the message says how to fix it."""

    exit_code = 6


class ImportsAtStake(NenpoError):
    """A load would drop or overwrite observations `nenpo import` added; nothing was written."""

    exit_code = 9


def rel(path: Path, root: Path) -> str:
    """A path as users wrote it: relative to the workspace root when inside it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


class CheckFailed(NenpoError):
    """`nenpo check` found errors; a build stops on them unless forced."""

    exit_code = 7

    def __init__(self, findings: list[Any]):
        self.findings = findings
        errors = [f for f in findings if f.severity == "error"]
        lines = "\n".join(f"  {f}" for f in errors[:50])
        more = f"\n  … and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(
            f"check found {len(errors)} error(s); fix them or build with --force:\n{lines}{more}"
        )
