"""The press deck (会見資料): its slides, in order, each with its recorded number."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from .text import I18n
from .workspace import Base, Identified


class KeyFigure(Base):
    """A number shown large on a slide: a data reference, never a typed number."""

    value: str = Field(
        description="One data reference, as in prose: '{{ value card_holders at=2024-08 "
        "format=man }}' (docs/references.md)"
    )
    label: I18n | None = Field(
        default=None, description="What the number is, under it; may hold data references"
    )


class Slide(Identified):
    """One slide: one message, told by a key figure, a chart or a short list.

    `number` is the slide's page in deck.pdf. Errata cite it (「5ページ、…」), so it is written
    down here rather than derived, and must equal the slide's position: inserting a slide means
    renumbering the ones after it on purpose, never by accident.
    """

    number: int = Field(ge=1, description="Page number of the slide; must equal its position")
    kind: Literal["cover", "content"] = Field(
        default="content",
        description="cover: the title slide (organisation, title, message, the report's period)",
    )
    title: I18n
    message: I18n | None = Field(
        default=None, description="The slide's one message, a sentence; may hold data references"
    )
    key_figures: list[KeyFigure] = Field(default=[], max_length=3)
    chart: str | None = Field(default=None, description="A chart id of charts.yaml")
    charts: list[str] = Field(
        default=[],
        max_length=3,
        description="Up to three chart ids that tell the message together, one under the other "
        "(a page of a deck that shows, say, three survey questions); instead of `chart`",
    )
    points: list[I18n] = Field(default=[], max_length=5, description="A short list, ≤ 5 items")
    note: I18n | None = None

    @model_validator(mode="after")
    def _one_message(self) -> Slide:
        if self.chart is not None and self.charts:
            raise ValueError("a slide gives chart or charts, not both")
        told = [k for k in ("key_figures", "chart", "charts", "points") if getattr(self, k)]
        if self.kind == "cover" and told:
            raise ValueError(f"a cover slide shows the report's title, not {', '.join(told)}")
        if self.kind == "content" and len(told) != 1:
            found = ", ".join(told) if told else "none"
            raise ValueError(
                "a slide tells one message with exactly one of key_figures, chart(s) or points "
                f"(found: {found})"
            )
        return self

    def chart_ids(self) -> list[str]:
        """The slide's charts, in order: its `chart`, or its `charts`."""
        return [self.chart] if self.chart is not None else list(self.charts)


class Deck(Base):
    """会見資料 (press deck): the slides, in order, as deck.yaml declares them."""

    title: I18n | None = Field(
        default=None, description="Defaults to the report's title followed by 会見資料"
    )
    date: dt.date | None = Field(default=None, description="Date of the press conference (cover)")
    slides: list[Slide] = []
