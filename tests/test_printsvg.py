"""The lighter SVG the PDFs embed draws exactly the picture the site shows (rendered by resvg)."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import pytest
import vl_convert as vlc
from PIL import Image, ImageChops

from nenpo import core
from nenpo.render.printsvg import SVG_NS, for_print

S = "{" + SVG_NS + "}"


def _png(svg: str) -> Image.Image:
    return Image.open(io.BytesIO(vlc.svg_to_png(svg, scale=2))).convert("RGBA")


def _texts(svg: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter(f"{S}text")]


def _count(svg: str) -> int:
    return sum(1 for _ in ET.fromstring(svg).iter())


def test_every_example_chart_draws_the_same_pixels_with_fewer_elements(
    built_example: core.BuildResult,
) -> None:
    charts = list(built_example.site.charts.values())
    assert len(charts) >= 10
    for c in charts:
        light = for_print(c.svg)
        before, after = _png(c.svg), _png(light)
        assert before.size == after.size, c.id
        assert ImageChops.difference(before, after).getbbox() is None, c.id  # not one pixel
        assert _texts(light) == _texts(c.svg), c.id  # every label, in order
        assert _count(light) < 0.75 * _count(c.svg), c.id


def _svg(body: str) -> str:
    return f'<svg xmlns="{SVG_NS}" width="100" height="100" viewBox="0 0 100 100">{body}</svg>'


def test_opaque_lines_of_one_paint_become_one_path() -> None:
    line = '<line transform="translate({x},{y})" x2="0" y2="-10" stroke="#888" stroke-width="1"/>'
    svg = _svg(
        '<g class="grid" role="graphics-object">'
        + "".join(line.format(x=x, y=50) for x in (10, 20, 30))
        + '<line transform="translate(40,50)" x2="0" y2="-10" stroke="#f00"/></g>'
    )
    root = ET.fromstring(for_print(svg))
    paths = list(root.iter(f"{S}path"))
    assert [p.get("d") for p in paths] == ["M10,50L10,40M20,50L20,40M30,50L30,40"]
    assert paths[0].get("stroke") == "#888" and paths[0].get("stroke-width") == "1"
    assert len(list(root.iter(f"{S}line"))) == 1  # another colour is another run
    assert not list(root.iter(f"{S}g"))  # the group only carried a class and a role
    assert ImageChops.difference(_png(svg), _png(for_print(svg))).getbbox() is None


@pytest.mark.parametrize(
    "line",
    [
        '<line x2="90" y2="90" stroke="#000" stroke-opacity="0.5"/>',
        '<line x2="90" y2="90" stroke="rgba(0,0,0,0.5)"/>',
        '<line x2="90" y2="90" stroke="#000" opacity="0.4"/>',
    ],
)
def test_translucent_lines_are_left_alone(line: str) -> None:
    """Where translucent lines cross, one path would paint the crossing once instead of twice."""
    other = '<line x1="90" x2="0" y2="90" stroke="#000" stroke-opacity="0.5"/>'
    svg = _svg(line + other)
    assert len(list(ET.fromstring(for_print(svg)).iter(f"{S}line"))) == 2


def test_what_could_draw_or_style_is_kept() -> None:
    svg = _svg(
        "<style>.a { stroke: red }</style>"
        '<path class="a" d="M10,10L90,90"/>'
        '<path d="M0,0h0v0h0Z" stroke="#000" stroke-width="8" stroke-linecap="round"/>'
        '<path d="M0,0h0v0h0Z"/><path d="M1,1L2,2" display="none"/>'
    )
    paths = list(ET.fromstring(for_print(svg)).iter(f"{S}path"))
    assert [p.get("class") for p in paths] == ["a", None]  # a stylesheet selects on class
    assert paths[1].get("stroke-linecap") == "round"  # a round-capped dot is drawn
    assert re.search(r"<style>", for_print(svg))


def test_the_svg_keeps_its_default_namespace_whatever_else_registered_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another module's ET.register_namespace("", …) once turned the output into ns0:svg."""
    monkeypatch.setattr(ET, "_namespace_map", dict(ET._namespace_map))  # undone after the test
    ET.register_namespace("", "http://www.w3.org/1999/xhtml")
    svg = (
        f'<svg xmlns="{SVG_NS}" xmlns:xlink="http://www.w3.org/1999/xlink">'
        '<defs><path id="p" d="M0,0L9,9"/></defs><use xlink:href="#p" stroke="#000"/></svg>'
    )
    out = for_print(svg)
    assert out.startswith(f'<svg xmlns="{SVG_NS}"') and "ns0" not in out
    assert 'xlink:href="#p"' in out and 'xmlns:xlink="http://www.w3.org/1999/xlink"' in out
