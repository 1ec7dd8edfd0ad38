"""The figures and dates typed in a text, kept by the text: a check again after an edit (the
preview, the check corpus, a build's check) reads again only the texts that changed. What is
found depends on the text alone (and the units the workspace types in), and is immutable."""

from __future__ import annotations

import functools

from ..japan.typed import Figure, find_figures
from ..japan.typed_dates import TypedDate, find_dates


@functools.lru_cache(maxsize=16384)
def figures(text: str, lang: str, units: tuple[str, ...] = ()) -> tuple[Figure, ...]:
    """`find_figures`, once per text."""
    return tuple(find_figures(text, lang, units))


@functools.lru_cache(maxsize=16384)
def dates(text: str, lang: str) -> tuple[TypedDate, ...]:
    """`find_dates`, once per text."""
    return tuple(find_dates(text, lang))
