"""Immutable editions: written whole beside the others, then renamed into place in one step.

    editions/<id>/edition.json   id, date, approver, content hash, previous edition, 更新履歴
    editions/<id>/snapshot.json  the workspace (data and content) it was built from
    editions/<id>/units.json     what a reader sees, unit by unit (for diffs)
    editions/<id>/site/          the published outputs: site, PDFs, CSV

A publish builds everything in editions/.tmp-<id>-<pid>/ and renames it to editions/<id>/ at
the very end: a rename is atomic, so a publish killed at any moment leaves either no new edition
or a complete one, and never touches the earlier ones. Edition files are made read-only.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ..errors import NenpoError
from .errata import Entry

ID = re.compile(r"^\d{4}-\d{2}-\d{2}(-\d+)?$")


class EditionError(NenpoError):
    """An edition cannot be published, read or compared."""

    exit_code = 8


@dataclass
class Edition:
    """One published edition (版)."""

    id: str
    date: str
    approver: str
    content_hash: str
    previous: str | None
    created_at: str
    entries: list[Entry] = field(default_factory=list)
    lang: str = "ja"

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["entries"] = [e.to_json() for e in self.entries]
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Edition:
        d = dict(d)
        d["entries"] = [Entry(**e) for e in d.get("entries", [])]
        return cls(**d)


def list_editions(root: Path) -> list[Edition]:
    """Every complete edition under `root`, oldest first (half-written ones are invisible)."""
    if not root.is_dir():
        return []
    out = []
    for d in root.iterdir():
        record = d / "edition.json"
        if d.name.startswith(".") or not record.is_file():
            continue
        try:
            out.append(Edition.from_json(json.loads(record.read_text("utf-8"))))
        except (OSError, ValueError, TypeError, KeyError) as exc:
            raise EditionError(
                f"{record}: cannot be read ({type(exc).__name__}: {exc}); an edition is never "
                "edited by hand: restore the file from a backup"
            ) from None
    return sorted(out, key=lambda e: (e.date, e.created_at, e.id))


def get_edition(root: Path, ident: str) -> Edition:
    """One edition by id ('latest' and 'previous' work too)."""
    eds = list_editions(root)
    if ident in ("latest", "previous") and len(eds) >= (1 if ident == "latest" else 2):
        return eds[-1] if ident == "latest" else eds[-2]
    for e in eds:
        if e.id == ident:
            return e
    known = ", ".join(e.id for e in eds) or "none yet"
    raise EditionError(f"no edition {ident!r} in {root}; published editions: {known}")


def new_id(root: Path, day: date) -> str:
    """The date, with -2, -3 … when that day already has an edition."""
    base = day.isoformat()
    taken = (
        {e.id for e in list_editions(root)}
        | {d.name for d in root.iterdir() if not d.name.startswith(".")}
        if root.is_dir()
        else set()
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def clean_partial(root: Path) -> None:
    """Remove what killed publishes left behind (never a complete edition)."""
    if root.is_dir():
        for d in root.glob(".tmp-*"):
            _make_writable(d)
            shutil.rmtree(d, ignore_errors=True)


def check_id(ident: str) -> None:
    """Refuse an edition id that is not YYYY-MM-DD or YYYY-MM-DD-N (it names a folder)."""
    if not ID.match(ident):
        raise EditionError(f"{ident!r} is not an edition id; expected YYYY-MM-DD or YYYY-MM-DD-N")


def start(root: Path, ident: str) -> Path:
    """A fresh work folder for edition `ident`; refuses an id that is already published."""
    check_id(ident)
    if (root / ident).exists():
        raise EditionError(
            f"edition {ident} is already published and cannot be overwritten; "
            "publish a new edition to correct it"
        )
    root.mkdir(parents=True, exist_ok=True)
    work = root / f".tmp-{ident}-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    return work


def finish(root: Path, work: Path, edition: Edition) -> Path:
    """Write edition.json last, make everything read-only, and rename into place atomically."""
    (work / "edition.json").write_text(
        json.dumps(edition.to_json(), ensure_ascii=False, indent=2), encoding="utf-8"
    )
    _make_readonly(work)
    final = root / edition.id
    try:
        os.rename(work, final)  # atomic; fails if `final` exists (never overwrites)
    except OSError as exc:
        _make_writable(work)
        shutil.rmtree(work, ignore_errors=True)
        raise EditionError(f"edition {edition.id} could not be published: {exc}") from exc
    return final


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _make_readonly(path: Path) -> None:
    for p in sorted(path.rglob("*"), reverse=True):
        mode = p.stat().st_mode
        p.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    # The edition folder itself stays writable for its owner so the rename can happen; its
    # contents are read-only.


def _make_writable(path: Path) -> None:
    for p in [path, *path.rglob("*")]:
        with suppress(OSError):
            p.chmod(p.stat().st_mode | stat.S_IWUSR)


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))
