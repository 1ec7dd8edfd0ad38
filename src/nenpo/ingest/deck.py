"""deck.yaml: the press deck's slides, checked slide by slide, each problem at its line.

Checks: the fields of each slide (one message: key_figures, chart(s) or points); ids defined once;
each slide's recorded `number` equal to its position (errata cite those numbers); charts that
exist; and, once the rest of the workspace is valid, every data reference in the slides' text.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ..errors import Problem
from ..model.deck import Deck, Slide
from .validate import items, no_duplicates, pydantic_problems
from .where import Where
from .yamlfile import Located, Path_, read_yaml

if TYPE_CHECKING:
    pass

FILE = "deck.yaml"


def read_deck(
    root: Path, problems: list[Problem], where: Where | None = None
) -> tuple[Deck | None, Located | None]:
    """The deck of deck.yaml (None when there is no such file), its slides validated one by one.

    Each valid slide's place is recorded in `where` (kind "slides"), so that `nenpo check` can
    name the line of a number typed in a slide's text.
    """
    path = root / FILE
    if not path.exists():
        return None, None
    src = read_yaml(path, FILE, problems)
    if src is None or src.data is None:
        return None, src
    if not isinstance(src.data, dict):
        problems.append(src.problem((), "expected a mapping with title:, date: and slides:"))
        return None, None
    head: dict[str, Any] = {k: v for k, v in src.data.items() if k != "slides"}
    try:
        deck = Deck.model_validate(head)
    except ValidationError as exc:
        problems.extend(pydantic_problems(src, (), exc))
        deck = Deck()
    found: list[tuple[Slide, Path_]] = items(Slide, src, "slides", problems)
    deck.slides = [s for s, _ in found]
    no_duplicates("slide", [(s.id, src, p) for s, p in found], problems)
    for slide, p in found:
        if where is not None:
            where.add("slides", slide.id, src, p)
        position = int(p[-1]) + 1
        if slide.number != position:
            problems.append(
                src.problem(
                    (*p, "number"),
                    f"slide {slide.id!r} is the {_ordinal(position)} slide but is numbered "
                    f"{slide.number}; errata cite these numbers, so renumber on purpose "
                    f"(expected {position})",
                )
            )
    return deck, src


def check_charts(
    deck: Deck | None, src: Located | None, charts: set[str], problems: list[Problem]
) -> None:
    """Every slide's charts must be defined in charts.yaml."""
    if deck is None or src is None:
        return
    for i, slide in enumerate(deck.slides):
        for j, ident in enumerate(slide.chart_ids()):
            if ident in charts:
                continue
            known = ", ".join(sorted(charts)) or "none defined"
            at = ("chart",) if slide.chart is not None else ("charts", j)
            problems.append(
                src.problem(
                    ("slides", _index(src, slide.id, i), *at),
                    f"unknown chart {ident!r}; expected one of {known}",
                )
            )


def _index(src: Located, ident: str, fallback: int) -> int:
    """Position of a slide in the file (slides that failed validation are not in the deck)."""
    raw = src.data.get("slides") if isinstance(src.data, dict) else None
    if isinstance(raw, list):
        for i, item in enumerate(raw):
            if isinstance(item, dict) and item.get("id") == ident:
                return i
    return fallback


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
