"""Vega-Lite spec → SVG with vl-convert, always with an explicit, installed font.

An SVG is kept by the content of its spec (`nenpo.cache`): a chart drawn once in a process is
never drawn again, whichever page, slide or build asks for it.

Charts are drawn in a thread (`draw`), while the build goes on with its pages: vl-convert draws
in its own JavaScript worker without holding Python's lock, so on a second core the drawing
(about 30 ms a chart, most of the model stage's time) overlaps the Python work. A drawing is
waited for only where it is read: the PDFs and the written pages.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import os
import re
import threading
import xml.etree.ElementTree as ET
from concurrent.futures import Future
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


class _Drawer:
    """One thread drawing charts, the ones asked for first before those asked `later`.

    One thread: vl-convert has one worker, which draws one chart at a time whoever asks. The
    PDFs need the wide drawings; the phone drawings (`later`) are read only when the pages are
    written, so they are drawn while Typst compiles."""

    def __init__(self) -> None:
        self._queue: list[tuple[bool, int, str, dict[str, Any], Future[str]]] = []
        self._ready = threading.Condition()
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def submit(self, key: str, spec: dict[str, Any], later: bool) -> Future[str]:
        job: Future[str] = Future()
        with self._ready:
            heapq.heappush(self._queue, (later, next(self._order), key, spec, job))
            if self._thread is None:
                # A daemon: a process that ends with charts still queued does not wait for them.
                self._thread = threading.Thread(target=self._run, name="nenpo-svg", daemon=True)
                self._thread.start()
            self._ready.notify()
        return job

    def _run(self) -> None:
        while True:
            with self._ready:
                while not self._queue:
                    self._ready.wait()
                _later, _n, key, spec, job = heapq.heappop(self._queue)
            if not job.set_running_or_notify_cancel():
                continue
            try:
                job.set_result(_draw(key, spec))
            except BaseException as exc:  # raised where the drawing is read
                job.set_exception(exc)


_DRAWER = _Drawer()
_DRAWING: dict[str, Future[str]] = {}  # by key: asked twice while drawn, drawn once
_LOCK = threading.Lock()


def _new_drawer() -> None:  # a forked child has no thread of its parent's
    global _DRAWER
    _DRAWER = _Drawer()
    _DRAWING.clear()


os.register_at_fork(after_in_child=_new_drawer)


def to_svg(spec: dict[str, Any], font: str) -> str:
    """Render `spec` with `font`; the font is checked first (unknown fonts render blank)."""
    drawing = draw(spec, font)
    return drawing if isinstance(drawing, str) else drawing.result()


def draw(spec: dict[str, Any], font: str, later: bool = False) -> str | Future[str]:
    """`to_svg`, drawn in a thread: the SVG if it is kept, else the job drawing it (`later`:
    after the charts asked for without it).

    The spec is completed (font, sizes) here, before the call returns, as `to_svg` does."""
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
    if svg is not None:
        return svg
    with _LOCK:
        job = _DRAWING.get(key)
        if job is None:
            job = _DRAWING[key] = _DRAWER.submit(key, spec, later)
    return job


def _draw(key: str, spec: dict[str, Any]) -> str:
    try:
        svg = vlc.vegalite_to_svg(spec)
        # The SVG is embedded in HTML next to the chart's alt text: hide it from screen readers
        # so they read the alt text and the data table once, not every tick label.
        return SVGS.put(key, svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1))
    finally:
        with _LOCK:
            _DRAWING.pop(key, None)


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
