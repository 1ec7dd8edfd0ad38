"""Measure charts as a phone shows them: every chart's smallest text, its legend, its time axis.

A reusable helper for the browser tests of the report pages and of the dashboard pages: open
pages in Debian's chromium at a phone's width (390 CSS px, an iPhone 12–15) and, for every chart
on them, measure what a reader sees — the size at which each text of the chart is drawn (its
font size times the scale the page draws the SVG at: a 710 px drawing shrunk to 340 px draws
12 px text at 5.7 px), whether its legend fits the drawing and the page, and how many
time-axis labels are drawn, at what angle and whether they overlap.

    with phone_browser() as page:
        for m in measure_page(page, url):
            assert m.smallest_text >= 11, m

A chart is any `<figure>` holding an `<svg>` (the report's `figure.chart`, the dashboard's
figures); a chart drawn on a `<canvas>` cannot be measured and is reported as such (`canvas`),
so that a test fails rather than passing over it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}
# The figures of the report (figure.chart) and any other figure with a chart in it.
CHARTS = "figure.chart, figure:has(svg), figure:has(canvas)"

_MEASURE = """
(selector) => {
  const shown = (el) => {
    // Drawn: laid out, not hidden, and neither it nor a parent made transparent (Vega keeps the
    // labels it leaves out to avoid overlap in the SVG with opacity 0).
    if (!el.getClientRects().length) return false;
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const cs = getComputedStyle(e);
      if (cs.display === 'none' || cs.visibility === 'hidden' || cs.visibility === 'collapse')
        return false;
      if (parseFloat(cs.opacity) === 0 || e.getAttribute('opacity') === '0') return false;
    }
    return true;
  };
  const box = (r) => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom});
  const figures = [...document.querySelectorAll(selector)].filter(
    (f) => !f.parentElement.closest(selector));
  return {
    viewport: window.innerWidth,
    pageWidth: document.documentElement.scrollWidth,
    charts: figures.map((fig, i) => {
      const svgs = [...fig.querySelectorAll('svg')].filter(
        (s) => shown(s) && !s.parentElement.closest('svg'));
      const texts = [];
      const legends = [];
      const xLabels = [];
      for (const svg of svgs) {
        const frame = box(svg.getBoundingClientRect());
        for (const t of svg.querySelectorAll('text')) {
          if (!t.textContent.trim() || !shown(t)) continue;
          const m = t.getScreenCTM();
          const scale = Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
          const size = parseFloat(getComputedStyle(t).fontSize) * scale;
          texts.push({text: t.textContent, size: size});
        }
        for (const g of svg.querySelectorAll('g.role-legend')) {
          if (!shown(g)) continue;
          legends.push({box: box(g.getBoundingClientRect()), frame: frame});
        }
        for (const g of svg.querySelectorAll('g.role-axis')) {
          if (!(g.getAttribute('aria-label') || '').startsWith('X-axis')) continue;
          for (const t of g.querySelectorAll('g.role-axis-label text')) {
            if (!t.textContent.trim() || !shown(t)) continue;
            const m = t.getScreenCTM();
            xLabels.push({
              text: t.textContent,
              angle: Math.round(Math.atan2(m.b, m.a) * 180 / Math.PI),
              box: box(t.getBoundingClientRect()),
            });
          }
        }
      }
      return {
        id: fig.dataset.chart || fig.id || `figure ${i + 1}`,
        figure: box(fig.getBoundingClientRect()),
        svgs: svgs.length,
        canvas: [...fig.querySelectorAll('canvas')].filter(shown).length,
        texts: texts,
        legends: legends,
        xLabels: xLabels,
      };
    }),
  };
}
"""


@dataclass
class Box:
    left: float
    right: float
    top: float
    bottom: float

    def overlaps(self, other: Box) -> bool:
        """True when the two boxes share more than a hair (0.5 px) of area."""
        return (
            min(self.right, other.right) - max(self.left, other.left) > 0.5
            and min(self.bottom, other.bottom) - max(self.top, other.top) > 0.5
        )


@dataclass
class AxisLabel:
    text: str
    angle: int  # degrees as drawn on the page: 0 level, -90 upright
    box: Box


@dataclass
class ChartMeasure:
    """One chart as drawn on a page at the browser's width."""

    page: str
    id: str
    svgs: int  # drawings shown (a chart hidden at this width counts none)
    canvas: int  # charts drawn on a canvas: their text cannot be measured
    texts: list[tuple[str, float]]  # every text drawn, with the CSS px it is drawn at
    legends_cut: list[str] = field(default_factory=list)  # what of a legend lies outside
    x_labels: list[AxisLabel] = field(default_factory=list)

    @property
    def smallest_text(self) -> float:
        """The size of the smallest text drawn, in CSS px (inf when none is drawn)."""
        return min((s for _t, s in self.texts), default=float("inf"))

    @property
    def smallest(self) -> tuple[str, float]:
        return min(self.texts, key=lambda t: t[1], default=("", float("inf")))

    def x_overlaps(self) -> list[tuple[str, str]]:
        """Pairs of time-axis labels drawn over each other."""
        out = []
        labels = self.x_labels
        for i, a in enumerate(labels):
            out.extend((a.text, b.text) for b in labels[i + 1 :] if a.box.overlaps(b.box))
        return out

    def __str__(self) -> str:
        text, size = self.smallest
        return f"{self.page} {self.id}: smallest text {size:.1f}px ({text!r})"


@dataclass
class PageMeasure:
    """A page at the browser's width: its charts, and whether the page scrolls sideways."""

    url: str
    viewport: int
    page_width: int
    charts: list[ChartMeasure]


def _box(d: dict[str, float]) -> Box:
    return Box(d["left"], d["right"], d["top"], d["bottom"])


def _outside(inner: Box, outer: Box, slack: float = 0.5) -> list[str]:
    sides = []
    if inner.left < outer.left - slack:
        sides.append(f"left by {outer.left - inner.left:.0f}px")
    if inner.right > outer.right + slack:
        sides.append(f"right by {inner.right - outer.right:.0f}px")
    return sides


def measure_page(page: Page, url: str, selector: str = CHARTS) -> PageMeasure:
    """Open `url` in `page` and measure every chart on it (see the module's docstring)."""
    page.goto(url)
    raw: dict[str, Any] = page.evaluate(_MEASURE, selector)
    charts = []
    for c in raw["charts"]:
        figure = _box(c["figure"])
        cut = []
        for lg in c["legends"]:
            lbox = _box(lg["box"])
            for side in _outside(lbox, _box(lg["frame"])):
                cut.append(f"beyond its drawing's {side}")
            for side in _outside(lbox, figure):
                cut.append(f"beyond the figure's {side}")
            if lbox.right > raw["viewport"] + 0.5:
                cut.append(f"beyond the screen by {lbox.right - raw['viewport']:.0f}px")
        charts.append(
            ChartMeasure(
                page=url,
                id=c["id"],
                svgs=c["svgs"],
                canvas=c["canvas"],
                texts=[(t["text"], t["size"]) for t in c["texts"]],
                legends_cut=cut,
                x_labels=[AxisLabel(x["text"], x["angle"], _box(x["box"])) for x in c["xLabels"]],
            )
        )
    return PageMeasure(url, raw["viewport"], raw["pageWidth"], charts)


def missing_browser() -> str | None:
    """Why the browser cannot run here, or None."""
    if not Path(CHROMIUM).exists():
        return "chromium is not installed (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[dev]')"
    return None


@contextmanager
def phone_browser(width: int = PHONE["width"]) -> Iterator[Page]:
    """A page of Debian's chromium at a phone's width (CSS px, device scale 1)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            ctx = browser.new_context(
                viewport={"width": width, "height": PHONE["height"]},
                device_scale_factor=1,
                is_mobile=True,
                has_touch=True,
            )
            yield ctx.new_page()
        finally:
            browser.close()
