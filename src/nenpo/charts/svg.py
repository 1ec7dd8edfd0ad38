"""Vega-Lite spec → SVG with vl-convert, always with an explicit, installed font."""

from __future__ import annotations

import re
from typing import Any

import vl_convert as vlc

from .fonts import ensure_font

_TEXT = re.compile(r"<text[^>]*>([^<]*)</text>")


def to_svg(spec: dict[str, Any], font: str) -> str:
    """Render `spec` with `font`; the font is checked first (unknown fonts render blank)."""
    ensure_font(font)
    config = spec.setdefault("config", {})
    config["font"] = font
    svg = vlc.vegalite_to_svg(spec)
    # The SVG is embedded in HTML next to the chart's alt text: hide it from screen readers so
    # they read the alt text and the data table once, not every tick label.
    return svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)


def texts(svg: str) -> list[str]:
    """Every text drawn in an SVG, in document order (for tests and checks)."""
    return [t for t in _TEXT.findall(svg)]
