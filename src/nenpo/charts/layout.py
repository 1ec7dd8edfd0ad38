"""How wide a chart is drawn, and what that asks of its text: time-axis ticks, legends, titles.

Every chart of the site is drawn twice: wide, for a page on a desktop and for print, and narrow,
for a phone. Scaled down from 710 px to a phone's 340 px, the wide drawing's 12 px text would be
read at 5.7 px; the narrow drawing is made for the phone's width instead, so that its text is
drawn at its own size (12–13 px), its legends wrap into columns that fit, and a long time axis
labels only as many observation dates as fit side by side, level.

Text widths are estimated before Vega draws anything (the font's metrics are not at hand):
a CJK character is one em wide, any other at most 0.62 em (digits and Latin letters of Noto
Sans CJK JP are narrower), so an estimate errs on the wide side and labels rather keep too
much room than touch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

NARROW_WIDTH = 320  # the whole drawing, in CSS px: a 390 px phone shows 340 px of the page
LABEL_SIZE = 12  # axis labels and titles (svg.to_svg's defaults)
LEGEND_SIZE = 13
_GAP = 10  # the least room between two labels of one axis, in px


@dataclass(frozen=True)
class Layout:
    """How wide to draw: `narrow` for a phone (the drawing's whole width is `width`), else
    wide (the plot's width is `width`, and axes and legends add to it)."""

    narrow: bool
    width: int


def text_width(text: str, size: float) -> float:
    """The width `text` takes at `size` px, estimated generously (see the module's docstring)."""
    return sum(size if _wide_char(ch) else 0.62 * size for ch in text)


def _wide_char(ch: str) -> bool:
    # CJK, kana, full-width forms and their punctuation take a whole em.
    return ord(ch) >= 0x2E80


def wrap(text: str, size: float, width: float) -> list[str]:
    """`text` in lines that each fit `width` at `size`: Latin text breaks at spaces, Japanese
    before an opening bracket or, failing that, between any two characters."""
    if text_width(text, size) <= width:
        return [text]
    lines: list[str] = []
    rest = text
    while rest and text_width(rest, size) > width:
        cut = _fit(rest, size, width)
        head = rest[:cut]
        space = head.rfind(" ")
        bracket = max(head.rfind("（"), head.rfind("("))
        if space > 0:
            cut = space
        elif bracket > 0:
            cut = bracket
        lines.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        lines.append(rest)
    return lines


def _fit(text: str, size: float, width: float) -> int:
    """How many leading characters of `text` fit `width` (at least one)."""
    used = 0.0
    for i, ch in enumerate(text):
        used += size if _wide_char(ch) else 0.62 * size
        if used > width:
            return max(1, i)
    return len(text)


def legend_columns(labels: list[str], width: float, symbol: float = 16) -> int:
    """How many columns of legend entries fit `width` side by side (at least one): entries
    that do not fit on one line wrap into rows instead of running off the drawing."""
    if not labels:
        return 1
    entry = symbol + max(text_width(lab, LEGEND_SIZE) for lab in labels) + 10  # column padding
    return max(1, min(len(labels), int(width // entry)))


def thin_dates(dates: list[date], labels: list[str], width: float) -> list[int]:
    """The indices of the observation dates to label on a time axis `width` px wide, level,
    without two labels touching: the first and the last, then the first date of each year,
    then any other that has room. Every label is still an observation date.

    Labels stand centred on their date, except the first and the last, which are set flush
    with the axis's ends (`labelFlush`) so that neither runs off the drawing.
    """
    n = len(dates)
    if n <= 1:
        return list(range(n))
    t0, t1 = dates[0].toordinal(), dates[-1].toordinal()
    span = max(1, t1 - t0)

    def extent(i: int) -> tuple[float, float]:
        x = (dates[i].toordinal() - t0) / span * width
        w = text_width(labels[i], LABEL_SIZE)
        if i == 0:
            return x, x + w
        if i == n - 1:
            return x - w, x
        return x - w / 2, x + w / 2

    new_year = [i for i in range(1, n - 1) if dates[i].year != dates[i - 1].year]
    others = [i for i in range(1, n - 1) if i not in set(new_year)]
    chosen: list[int] = []
    for i in [0, n - 1, *new_year, *others]:
        lo, hi = extent(i)
        if all(hi + _GAP <= extent(j)[0] or extent(j)[1] + _GAP <= lo for j in chosen):
            chosen.append(i)
    return sorted(chosen)
