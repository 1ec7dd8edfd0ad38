"""YAML that remembers where each value came from, so errors can name file and line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem
from .files import YAML_LIMIT, read_text

Path_ = tuple[str | int, ...]
# libyaml's parser where PyYAML was built with it: four times faster than the pure-Python one,
# with the same nodes, marks and errors (a check of the example spent a third of its time here).
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
# YAML resolves 2026-13-01 to a timestamp and PyYAML then fails to build it with a bare
# ValueError (no line): each such scalar is tried while walking, where its line is known.
_DATES = yaml.constructor.SafeConstructor()


@dataclass
class Located:
    """Parsed YAML plus the line of every key and list item, addressed by its path."""

    file: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line(self, path: Path_) -> int | None:
        """Line of the deepest known ancestor of `path` (pydantic locations may go deeper)."""
        p = tuple(path)
        while p:
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return self.lines.get((), 1)

    def problem(self, path: Path_, message: str, field_: str | None = None) -> Problem:
        """A Problem at `path` in this file."""
        fld = field_ if field_ is not None else _dotted(path)
        return Problem(self.file, self.line(path), fld or None, message)

    def sub(self, prefix: Path_) -> Located:
        """The part of this file under `prefix`, with paths relative to it."""
        n = len(prefix)
        data = self.data
        for k in prefix:
            data = data[k]
        lines = {p[n:]: ln for p, ln in self.lines.items() if p[:n] == tuple(prefix)}
        return Located(self.file, data, lines)


def _dotted(path: Path_) -> str:
    out = ""
    for k in path:
        out += f"[{k}]" if isinstance(k, int) else (f".{k}" if out else str(k))
    return out


def read_yaml(path: Path, shown_as: str, problems: list[Problem]) -> Located | None:
    """Parse `path`; on a syntax error or duplicate key add a Problem and return None."""
    text = read_text(path, shown_as, problems, limit=YAML_LIMIT)
    if text is None:
        return None
    loader: yaml.SafeLoader | yaml.CSafeLoader | None = None
    try:
        loader = _Loader(text)  # checks for control characters
        node = loader.get_single_node()
        if node is None:
            return Located(shown_as, None, {(): 1})
        found: list[Problem] = []
        lines: dict[Path_, int] = {(): node.start_mark.line + 1}
        _walk(node, (), lines, shown_as, found)
        if found:
            problems.extend(found)
            return None
        data = loader.construct_document(node)
    except ValueError as exc:  # a scalar PyYAML cannot build that the walk did not foresee
        problems.append(Problem(shown_as, None, None, f"invalid YAML value: {exc}"))
        return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = str(exc.problem or exc)
        if "nesting depth" in what:  # libyaml's limit; Python's parser hits RecursionError
            what = "nested too deeply to be a workspace file"
        problems.append(Problem(shown_as, line, None, f"invalid YAML: {what}"))
        return None
    except yaml.reader.ReaderError as exc:  # a control character: no mark, a position
        line = text.count("\n", 0, exc.position) + 1
        problems.append(
            Problem(
                shown_as,
                line,
                None,
                f"invalid YAML: control character {_char(exc.character)} is not allowed "
                "(expected printable text)",
            )
        )
        return None
    except RecursionError:
        problems.append(
            Problem(shown_as, None, None, "invalid YAML: nested too deeply to be a workspace file")
        )
        return None
    finally:
        if loader is not None:
            loader.dispose()
    return Located(shown_as, data, lines)


def _walk(
    node: yaml.Node, path: Path_, lines: dict[Path_, int], file: str, problems: list[Problem]
) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                problems.append(
                    Problem(
                        file,
                        key_node.start_mark.line + 1,
                        _dotted((*path, key)),
                        f"duplicate key {key!r}",
                    )
                )
            seen.add(key)
            lines[(*path, key)] = key_node.start_mark.line + 1
            _walk(value_node, (*path, key), lines, file, problems)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[(*path, i)] = item.start_mark.line + 1
            _walk(item, (*path, i), lines, file, problems)
    elif isinstance(node, yaml.ScalarNode) and node.tag == _TIMESTAMP:
        try:
            _DATES.construct_yaml_timestamp(node)
        except ValueError:
            problems.append(
                Problem(
                    file,
                    node.start_mark.line + 1,
                    _dotted(path) or None,
                    f"{node.value!r} is not a date that exists (expected YYYY-MM-DD)",
                )
            )


def _char(c: int | str) -> str:
    """A character as a reader can look it up: U+000B."""
    return f"U+{(c if isinstance(c, int) else ord(c)):04X}"
