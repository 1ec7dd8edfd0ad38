"""What every kind of chart shares: its output (ChartOut), its data table, colours, and the
helpers that lay a spec out wide or narrow (charts/layout.py) and label it."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ..japan import numbers
from ..japan.periods import Period
from ..lookups.data import Data, Point
from ..model.workspace import Chart, Source
from . import vl
from .layout import LABEL_SIZE, NARROW_WIDTH, Layout, legend_columns, wrap

PALETTE = ["#0017C1", "#3460FB", "#7096F8", "#C5D7FB", "#00118F", "#9DB7F9", "#264AF4", "#5A7BF9"]
ILLUSTRATIVE = {"ja": "例示値", "en": "illustrative"}
ACTUAL = {"ja": "実績", "en": "actual"}
WIDTH = 560
WIDE = Layout(narrow=False, width=WIDTH)
NARROW = Layout(narrow=True, width=NARROW_WIDTH)
# A narrow drawing is as wide as given, axes and legends included (Vega-Lite's "fit-x").
_FIT = vl.props(type="fit-x", contains="padding")


@dataclass
class DataTable:
    """The chart's data as an accessible table and as CSV rows."""

    columns: list[str]
    rows: list[list[str]]
    csv: list[list[Any]]


# An SVG, or the job drawing it: charts are drawn in a thread (charts/svg.py) while the pages
# are built, and a drawing is waited for only where it is read (the PDFs, the written pages).
Drawing = str | Future[str]


def drawn(d: Drawing) -> str:
    return d if isinstance(d, str) else d.result()


@dataclass
class ChartOut:
    """Everything a page shows for one chart."""

    id: str
    kind: str
    title: str
    drawing: Drawing  # the SVG: read it as `svg`
    spec: dict[str, Any]
    alt: str
    table: DataTable
    sources: list[Source]
    illustrative: bool
    legend_labels: list[str] = field(default_factory=list)
    axis_labels: list[str] = field(default_factory=list)
    note: str | None = None
    illustrative_all: bool = False  # every value is illustrative, not only some
    # The same chart drawn for a phone (charts/layout.py); "" when not drawn (print only).
    narrow_spec: dict[str, Any] = field(default_factory=dict)
    narrow_drawing: Drawing = ""

    @property
    def svg(self) -> str:
        return drawn(self.drawing)

    @property
    def narrow_svg(self) -> str:
        return drawn(self.narrow_drawing)

    @property
    def csv_name(self) -> str:
        return f"{self.id}.csv"


def ms(p: Period) -> int:
    return int(datetime(p.start.year, p.start.month, p.start.day, tzinfo=UTC).timestamp() * 1000)


def override(labels: list[str], override: list[str] | None) -> list[str]:
    """Hand-set labels replace generated ones position by position (the check compares them)."""
    if not override:
        return labels
    return [override[i] if i < len(override) else lab for i, lab in enumerate(labels)]


def title_of(chart: Chart, fallback: str, lang: str) -> str:
    return chart.title.get(lang) if chart.title else fallback


def stack_colour(
    field: str, labels: list[str], colors: list[str], lay: Layout, axis: float = 0
) -> vl.Spec:
    """The colour of a stacked bar's parts: the legend lists `labels` in their own order, in as
    many columns as fit (on a phone, rows of them rather than one line running off the edge).
    The legend starts where the plot does, `axis` px (the axis's labels) from the left."""
    legend = vl.props(orient="bottom", direction="horizontal")
    if lay.narrow:
        columns = legend_columns(labels, lay.width - axis - 10)
        legend = vl.props(orient="bottom", direction="horizontal", columns=columns)
    return vl.channel(
        field,
        title=None,
        sort=labels,
        scale=vl.props(domain=labels, range=colors),
        legend=legend,
    )


def sized(spec: vl.Spec, lay: Layout, height: int) -> dict[str, Any]:
    """`spec` (a view or a layer) at the layout's width: a wide plot of `width` px, or a narrow
    drawing that is `width` px in all."""
    if lay.narrow:
        return vl.top(spec, width=lay.width, height=height, autosize=dict(_FIT))
    return vl.top(spec, width=lay.width, height=height)


def title_lines(text: str, lay: Layout, room: float | None = None) -> str | list[str]:
    """An axis title, in lines that fit a narrow drawing (Vega draws a list as lines)."""
    if not lay.narrow:
        return text
    lines = wrap(text, LABEL_SIZE, room or lay.width - 20)
    return lines[0] if len(lines) == 1 else lines


def chart_out(
    chart: Chart,
    title: str,
    spec: Callable[[Layout], dict[str, Any]],
    alt_text: str,
    **rest: Any,
) -> ChartOut:
    """A chart's output before its SVG is drawn (make_chart draws it), with its spec for each
    layout."""
    return ChartOut(
        id=chart.id,
        kind=chart.kind,
        title=title,
        drawing="",
        spec=spec(WIDE),
        alt=alt_text,
        narrow_spec=spec(NARROW),
        **rest,
    )


def with_unit(name: str, unit: str, lang: str) -> str:
    """An axis title: the measure and its unit, 交付率（%） or Issue rate (%)."""
    return f"{name}（{unit}）" if lang == "ja" else f"{name} ({unit})"


def provenance(illustrative: bool | str) -> str:
    """The provenance column of a chart's CSV: every download says what is illustrative."""
    return "illustrative" if illustrative in (True, "illustrative") else "real"


def value_label(v: float, unit: str, decimals: int, lang: str) -> str:
    """A value as every output prints it (`unit` is already in `lang`): the indicator's one
    format (japan.numbers.Display)."""
    return numbers.Display(unit, None, decimals).value(v, lang)


def sources_of(data: Data, points: list[Point]) -> list[Source]:
    seen: list[Source] = []
    for p in points:
        s = data.source_of(p.source)
        if s and s not in seen:
            seen.append(s)
    return seen
