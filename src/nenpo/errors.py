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

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        what = f"{self.field}: " if self.field else ""
        return f"{where}: {what}{self.message}"


class NenpoError(Exception):
    """Base of every error nenpo raises on purpose."""

    exit_code = 1


class SettingsError(NenpoError):
    """A setting (environment, option) is missing or wrong."""

    exit_code = 2


class WorkspaceError(NenpoError):
    """The workspace has one or more problems; all of them are listed, not just the first."""

    exit_code = 3

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=_problem_key)
        noun = "problem" if len(self.problems) == 1 else "problems"
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} {noun} in the workspace:\n{lines}")


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
