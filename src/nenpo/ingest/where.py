"""Where each object of a workspace was written: file and line of it and of every key inside it.

Kept beside the workspace in the store, so `nenpo check` on the store's content can still name
the file and line of a finding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import Problem
from .yamlfile import Located, Path_


@dataclass
class Place:
    """One object's file and the lines of its keys, by path relative to the object."""

    file: str
    lines: dict[Path_, int]

    def line(self, sub: Path_ = ()) -> int | None:
        """Line of `sub` or of its deepest known ancestor."""
        p = tuple(sub)
        while p:
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return self.lines.get(())


@dataclass
class Where:
    """Where each object of a loaded workspace was defined: (kind, id) → Place."""

    places: dict[tuple[str, str], Place] = field(default_factory=dict)

    def add(self, kind: str, ident: str, src: Located, path: Path_) -> None:
        """Record an object found at `path` in `src`."""
        n = len(path)
        lines = {p[n:]: ln for p, ln in src.lines.items() if p[:n] == tuple(path)}
        if () not in lines:
            lines[()] = src.line(path) or 1
        self.places[(kind, ident)] = Place(src.file, lines)

    def of(self, kind: str, ident: str, *sub: str | int) -> tuple[str, int | None]:
        """File and line of an object, or of a key inside it."""
        place = self.places.get((kind, ident))
        if place is None:
            return ("", None)
        return (place.file, place.line(sub))

    def problem(
        self,
        kind: str,
        ident: str,
        sub: tuple[str | int, ...],
        message: str,
        field_: str | None = None,
    ) -> Problem:
        """A Problem located at a key inside a defined object."""
        file, line = self.of(kind, ident, *sub)
        return Problem(file, line, field_ if field_ is not None else dotted(sub), message)

    def to_json(self) -> dict[str, Any]:
        """A JSON-able form, for the store."""
        return {
            f"{kind}\t{ident}": {
                "file": pl.file,
                "lines": [[list(p), ln] for p, ln in pl.lines.items()],
            }
            for (kind, ident), pl in self.places.items()
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Where:
        """Inverse of to_json."""
        out = cls()
        for key, value in data.items():
            kind, _, ident = key.partition("\t")
            lines = {tuple(p): ln for p, ln in value["lines"]}
            out.places[(kind, ident)] = Place(value["file"], lines)
        return out


def dotted(sub: tuple[str | int, ...]) -> str | None:
    """('legend_labels', 0) → 'legend_labels[0]'."""
    out = ""
    for k in sub:
        out += f"[{k}]" if isinstance(k, int) else (f".{k}" if out else str(k))
    return out or None
