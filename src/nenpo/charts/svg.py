"""Vega-Lite spec → SVG with vl-convert, always with an explicit, installed font.

An SVG is kept by the content of its spec (`nenpo.cache`): a chart drawn once in a process is
never drawn again, whichever page, slide or build asks for it.
"""

from __future__ import annotations

import contextlib
import re
import xml.etree.ElementTree as ET
from typing import Any

import vl_convert as vlc

from ..cache import Cache, digest
from .fonts import ensure_font

_TEXT = re.compile(r"<text[^>]*>([^<]*)</text>")
SVG = "{http://www.w3.org/2000/svg}"
# Drawn SVGs by the digest of (font, spec): ~30 KB each, so a report's charts many times over.
# vl-convert draws them one at a time in one JavaScript worker: a second worker would warm up
# (compile Vega's code) again, costing more CPU than a build's charts gain from it.
SVGS: Cache[str] = Cache(64 * 2**20, len)


def to_svg(spec: dict[str, Any], font: str) -> str:
    """Render `spec` with `font`; the font is checked first (unknown fonts render blank)."""
    ensure_font(font)
    config = spec.setdefault("config", {})
    config["font"] = font
    # Sizes for reading on paper and on screen (the defaults, 10–11 px, are too small for CJK).
    config.setdefault("axis", {}).setdefault("labelFontSize", 12)
    config["axis"].setdefault("titleFontSize", 12)
    config.setdefault("legend", {}).setdefault("labelFontSize", 13)
    # Vega shortens labels longer than 160 px with "…" ("Private-sector professio…"): a
    # legend must name its series in full.
    config["legend"].setdefault("labelLimit", 0)
    config.setdefault("text", {}).setdefault("fontSize", 12)
    key = digest(font, spec)
    svg = SVGS.get(key)
    if svg is None:
        svg = vlc.vegalite_to_svg(spec)
        # The SVG is embedded in HTML next to the chart's alt text: hide it from screen readers
        # so they read the alt text and the data table once, not every tick label.
        svg = SVGS.put(key, svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1))
    return svg


_WARM_SPEC: dict[str, Any] = {
    "data": {"values": [{"x": "2024-01-01", "y": 1, "k": "実績"}, {"x": "2024-07-01", "y": 2}]},
    "layer": [
        {"mark": "line", "encoding": {"x": {"field": "x", "type": "temporal"}}},
        {"mark": "point", "encoding": {"color": {"field": "k", "type": "nominal"}}},
    ],
    "encoding": {"y": {"field": "y", "type": "quantitative", "title": "指標（件）"}},
}


def warm_up(font: str) -> None:
    """Start vl-convert's JavaScript worker and have it draw one small chart in `font`.

    The first chart a process draws costs a few tenths of a second more than the next (the
    worker starts, Vega's code is compiled): a build does this in a thread while it reads the
    workspace, on a core that would otherwise wait.
    """
    spec = {**_WARM_SPEC, "config": {"font": font}}
    with contextlib.suppress(Exception):  # a head start only: the charts report problems
        vlc.vegalite_to_svg(spec)


def texts(svg: str) -> list[str]:
    """Every text drawn in an SVG, in document order (for tests and checks)."""
    return [t for t in _TEXT.findall(svg)]


def _classes(el: ET.Element) -> set[str]:
    return set((el.get("class") or "").split())


def _texts_under(el: ET.Element, role: str) -> list[str]:
    out: list[str] = []
    for g in el.iter(f"{SVG}g"):
        if role in _classes(g):
            # Labels hidden to avoid overlap are kept in the SVG with opacity 0: not drawn.
            out.extend(
                "".join(t.itertext())
                for t in g.iter(f"{SVG}text")
                if t.get("opacity") not in ("0", "0.0")
            )
    return out


def legend_labels(svg: str) -> list[str]:
    """The legend's labels as drawn, in order (read from the SVG, not from the spec)."""
    root = ET.fromstring(svg)
    return _texts_under(root, "role-legend-label")


def axis_labels(svg: str, axis: str = "X") -> list[str]:
    """The tick labels of the X (or Y) axis as drawn."""
    root = ET.fromstring(svg)
    for g in root.iter(f"{SVG}g"):
        if "role-axis" in _classes(g) and (g.get("aria-label") or "").startswith(f"{axis}-axis"):
            return _texts_under(g, "role-axis-label")
    return []
