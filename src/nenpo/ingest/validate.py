"""Validate parsed YAML item by item, so one bad item never hides the problems of another."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import Problem
from .yamlfile import Located, Path_

M = TypeVar("M", bound=BaseModel)


def pydantic_problems(src: Located, prefix: Path_, exc: ValidationError) -> list[Problem]:
    """Turn a pydantic error into Problems located at the offending key's line."""
    out = []
    for err in exc.errors():
        loc = tuple(x for x in err["loc"] if isinstance(x, (str, int)))
        path = (*prefix, *loc)
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        elif err["type"] == "missing":
            msg = "required field is missing"
        elif "input" in err and not isinstance(err["input"], (dict, list)):
            msg = f"{msg} (got {err['input']!r})"
        out.append(src.problem(path, msg))
    return out


def one(model: type[M], src: Located, path: Path_, problems: list[Problem]) -> M | None:
    """Validate the value at `path` as `model`; add problems and return None if invalid."""
    data: Any = src.data
    for k in path:
        data = data[k]
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems.extend(pydantic_problems(src, path, exc))
        return None


def items(
    model: type[M], src: Located | None, key: str | None, problems: list[Problem]
) -> list[tuple[M, Path_]]:
    """Validate each item of the list at `key` (or the top level); return the valid ones."""
    if src is None or src.data is None:
        return []
    prefix: Path_ = (key,) if key else ()
    data = src.data
    if key is not None:
        if not isinstance(data, dict):
            problems.append(src.problem((), f"expected a mapping with the key {key!r}"))
            return []
        data = data.get(key)
        if data is None:
            return []
    if not isinstance(data, list):
        problems.append(src.problem(prefix, "expected a list"))
        return []
    out = []
    for i in range(len(data)):
        obj = one(model, src, (*prefix, i), problems)
        if obj is not None:
            out.append((obj, (*prefix, i)))
    return out


def no_duplicates(
    kind: str, entries: list[tuple[str, Located, Path_]], problems: list[Problem]
) -> None:
    """Report each id defined twice, at the second definition, naming the first."""
    first: dict[str, tuple[Located, Path_]] = {}
    for ident, src, path in entries:
        if ident in first:
            f_src, f_path = first[ident]
            problems.append(
                src.problem(
                    (*path, "id"),
                    f"duplicate {kind} id {ident!r} "
                    f"(first defined at {f_src.file}:{f_src.line(f_path)})",
                )
            )
        else:
            first[ident] = (src, path)
