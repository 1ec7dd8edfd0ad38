"""A chart's SVG made lighter for print: the same picture with fewer elements for WeasyPrint.

WeasyPrint draws an SVG element by element in Python, so what Vega writes for the browser
(aria attributes, empty background paths, one <line> per grid line and tick, groups that only
carry a class) costs PDF time without changing a pixel. The site keeps the original SVG, which
the check rules read; tests render both with resvg and compare pixels.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

SVG_NS = "http://www.w3.org/2000/svg"
_S = "{" + SVG_NS + "}"
XLINK_NS = "http://www.w3.org/1999/xlink"
_XLINK = "{" + XLINK_NS + "}"

# Attributes that only speak to browsers and screen readers; in the PDF, the chart is a tagged
# Figure whose alt text is the chart's, and what is inside the picture is not read out.
_SILENT = {
    "aria-hidden",
    "aria-label",
    "aria-roledescription",
    "focusable",
    "pointer-events",
    "role",
}
_GEOMETRY = {"transform", "x1", "y1", "x2", "y2"}
_TRANSLATE = re.compile(r"\s*translate\(\s*([-+.\deE]+)\s*[, ]\s*([-+.\deE]+)\s*\)\s*$")
_NOTHING = {"", "M0,0h0v0h0Z"}  # Vega's empty backgrounds and foregrounds of axis groups


def for_print(svg: str) -> str:
    """The same drawing with fewer elements (see the module's docstring)."""
    root = ET.fromstring(svg)
    # A stylesheet could select on class: then classes stay.
    keep_class = root.find(f".//{_S}style") is not None
    _lighten(root, keep_class)
    return _serialise(root)


def _serialise(root: ET.Element) -> str:
    """The tree as SVG with a default namespace, whatever ElementTree's global prefixes are.

    (ET.register_namespace("", …) would be undone by any module that registers another default
    namespace, and ElementTree then writes ns0:svg.)
    """
    xlink = False
    for el in root.iter():
        el.tag = el.tag.removeprefix(_S)
        for name in [n for n in el.attrib if n.startswith(_XLINK)]:
            el.set("xlink:" + name.removeprefix(_XLINK), el.attrib.pop(name))
            xlink = True
    root.set("xmlns", SVG_NS)
    if xlink:
        root.set("xmlns:xlink", XLINK_NS)
    return ET.tostring(root, encoding="unicode")


def _lighten(el: ET.Element, keep_class: bool) -> None:
    silent = _SILENT if keep_class else _SILENT | {"class"}
    for name in list(el.attrib):
        # opacity="1" is the default
        if name in silent or (name == "opacity" and el.attrib[name] == "1"):
            del el.attrib[name]
    kids: list[ET.Element] = []
    for child in el:
        _lighten(child, keep_class)
        if _draws_nothing(child):
            continue
        if child.tag == f"{_S}g" and not child.attrib:  # a group without effect
            kids.extend(child)
        else:
            kids.append(child)
    el[:] = _merge_lines(kids)


def _draws_nothing(el: ET.Element) -> bool:
    if el.get("display") == "none":
        return True
    # A zero-length path with butt caps (the default) draws nothing, even when stroked.
    return (
        el.tag == f"{_S}path"
        and el.get("d", "").strip() in _NOTHING
        and not el.get("stroke-linecap")
    )


def _mergeable(el: ET.Element) -> tuple[tuple[str, str], ...] | None:
    """A <line> that can join a path: its paint as a key, or None.

    Only opaque lines merge: where two translucent lines cross, drawing them one by one paints
    the crossing twice, as one path it would be painted once.
    """
    if el.tag != f"{_S}line" or len(el):
        return None
    if not _TRANSLATE.match(el.get("transform", "translate(0,0)")):
        return None
    paint = tuple(sorted((k, v) for k, v in el.attrib.items() if k not in _GEOMETRY))
    for k, v in paint:
        if k in ("opacity", "stroke-opacity", "id", "clip-path", "mask", "filter", "style"):
            return None
        if k == "stroke" and not re.fullmatch(r"#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|[a-z]+", v):
            return None  # rgba(), say: translucent
    return paint


def _merge_lines(kids: list[ET.Element]) -> list[ET.Element]:
    """Runs of sibling lines with the same paint become one path of as many segments."""
    out: list[ET.Element] = []
    run: list[ET.Element] = []
    key: tuple[tuple[str, str], ...] | None = None

    def flush() -> None:
        if len(run) > 1:
            assert key is not None
            out.append(ET.Element(f"{_S}path", {"d": "".join(map(_segment, run)), **dict(key)}))
        else:
            out.extend(run)
        run.clear()

    for child in kids:
        paint = _mergeable(child)
        if paint is None or paint != key:
            flush()
        key = paint
        (run if paint is not None else out).append(child)
    flush()
    return out


def _segment(line: ET.Element) -> str:
    m = _TRANSLATE.match(line.get("transform", "translate(0,0)"))
    assert m is not None
    dx, dy = float(m[1]), float(m[2])
    x1, y1, x2, y2 = (float(line.get(a, "0")) for a in ("x1", "y1", "x2", "y2"))
    return f"M{x1 + dx:.10g},{y1 + dy:.10g}L{x2 + dx:.10g},{y2 + dy:.10g}"
