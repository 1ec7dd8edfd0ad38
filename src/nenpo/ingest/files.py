"""Reading a workspace's text files: every way a file can fail to be read becomes a Problem that
names the file and says what was expected, never an exception."""

from __future__ import annotations

import codecs
import csv
import errno
import fnmatch
import os
from collections.abc import Iterable
from pathlib import Path

from ..errors import Problem
from ..japan.numbers import number

MiB = 1024 * 1024
# Hand-written YAML is small; PyYAML reads about a MiB a second, so a larger file is a mistake
# (a data file saved under the wrong name) that would otherwise hang the load.
YAML_LIMIT = 16 * MiB
TEXT_LIMIT = 1024 * MiB  # observation CSVs can be large; past this, import with a mapping


def read_text(
    path: Path,
    shown: str,
    problems: list[Problem],
    *,
    limit: int = TEXT_LIMIT,
    missing_ok: bool = False,
    hint: str = "",
) -> str | None:
    """The UTF-8 text of `path` (a BOM is dropped), or None with a Problem saying why not.

    `missing_ok`: a file that does not exist is no problem (optional files); `hint` is added to
    an encoding problem (e.g. how else the file can be read).
    """

    def fail(message: str, line: int | None = None) -> None:
        problems.append(Problem(shown, line, None, message))

    try:
        if path.is_dir():
            fail("is a folder; expected a file")
            return None
        size = path.stat().st_size
        if size > limit:
            fail(
                f"{number(size / MiB)} MiB; a file here is expected to be under {limit // MiB} MiB"
            )
            return None
        data = path.read_bytes()
    except FileNotFoundError:
        if path.is_symlink():
            fail("a symbolic link to a file that does not exist")
        elif not missing_ok:
            fail("file not found")
        return None
    except PermissionError:
        fail("cannot be read: permission denied")
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            fail("a symbolic link that loops; expected a file")
        else:
            fail(f"cannot be read: {exc.strerror or exc}")
        return None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        fail("UTF-16 text; save it as UTF-8", 1)
        return None
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        fail("contains NUL bytes: not a text file (expected UTF-8 text)", line)
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        fail(f"not UTF-8 text ({exc.reason}){hint}", line)
        return None


def list_folder(
    folder: Path, pattern: str, shown: str, problems: list[Problem], recursive: bool = False
) -> list[Path]:
    """The entries of `folder` whose names match `pattern`, sorted (files, and folders or broken
    links named like files, so that reading them reports what they are); a folder that cannot
    be read is a Problem, never silently empty."""
    found: list[Path] = []

    def unreadable(exc: OSError) -> None:
        where = Path(exc.filename) if exc.filename else folder
        try:
            name = f"{shown}/{where.relative_to(folder).as_posix()}".rstrip("/.")
        except ValueError:
            name = shown
        reason = "permission denied" if isinstance(exc, PermissionError) else exc.strerror
        problems.append(Problem(name, None, None, f"folder cannot be read: {reason}"))

    if recursive:
        for d, _dirs, files in os.walk(folder, onerror=unreadable):
            found += [Path(d) / f for f in files if fnmatch.fnmatch(f, pattern)]
        return sorted(found)
    try:
        with os.scandir(folder) as entries:
            found = [Path(e.path) for e in entries if fnmatch.fnmatch(e.name, pattern)]
    except OSError as exc:
        unreadable(exc)
    return sorted(found)


class CsvReader:
    """csv.reader whose malformed line (a field over the size limit, a stray quote at the end)
    becomes a Problem at its line and ends the file, instead of an exception."""

    def __init__(self, lines: Iterable[str], shown: str, problems: list[Problem]):
        self._reader = csv.reader(lines)
        self.shown, self.problems = shown, problems

    @property
    def line_num(self) -> int:
        return self._reader.line_num

    def __iter__(self) -> CsvReader:
        return self

    def __next__(self) -> list[str]:
        try:
            return next(self._reader)
        except csv.Error as exc:
            line = max(self._reader.line_num, 1)
            self.problems.append(Problem(self.shown, line, None, f"not valid CSV: {exc}"))
            raise StopIteration from None
