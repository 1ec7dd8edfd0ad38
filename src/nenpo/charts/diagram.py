"""The focus-area diagram (注力領域とプロジェクト構成): the priority plan, its focus areas, and the
projects of each, drawn from the registry as an accessible SVG.

The seed shows this as a picture with alt text only; here it is generated from the same
focus_areas.yaml and projects.yaml as the lists beside it, so it can never disagree with them.
It is drawn one column wide (360 units) so that it reads at 390 px without zooming.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from html import escape

WIDTH = 360
PAD = 12
LINE = 18  # project lines
HEAD = 20  # focus-area names
FONT, HEAD_FONT = 13, 14
BLUE, PALE, INK = "#0017C1", "#E8F1FE", "#1A1A1A"  # the agency's dashboard palette


@dataclass
class Area:
    """A focus area and its projects (a sub-project is indented under its parent)."""

    name: str
    projects: list[tuple[str, int]] = field(default_factory=list)  # (name, depth)


def _width(text: str, size: int) -> float:
    """Estimated width of text: full-width characters are 1 em, others about 0.55 em."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else size * 0.55 for c in text)


def _wrap(text: str, size: int, width: float) -> list[str]:
    lines, line = [], ""
    for ch in text:
        if line and _width(line + ch, size) > width:
            lines.append(line)
            line = ""
        line += ch
    return [*lines, line] if line else lines


def alt_text(top: str, areas: list[Area], lang: str) -> str:
    """What the diagram shows, as a sentence (its aria-label and the figure's alt text)."""
    if lang == "ja":
        parts = "、".join(f"「{a.name}」（{len(a.projects)}件）" for a in areas)
        return f"{top}から{len(areas)}つの注力領域に分かれ、各領域にプロジェクトが紐づく図：{parts}"
    parts = "; ".join(f"{a.name} ({len(a.projects)} projects)" for a in areas)
    return f"{top} divides into {len(areas)} focus areas, each with its projects: {parts}"


def focus_area_svg(top: str, areas: list[Area], lang: str, font: str = "Noto Sans CJK JP") -> str:
    """The diagram as inline SVG: the plan on top, an arrow to each focus area's box below."""
    inner = WIDTH - 2 * PAD
    body: list[str] = []
    y = PAD
    top_lines = _wrap(top, HEAD_FONT, inner - 2 * PAD)
    h = len(top_lines) * HEAD + PAD
    body.append(f'<rect x="{PAD}" y="{y}" width="{inner}" height="{h}" rx="6" fill="{BLUE}"/>')
    for i, ln in enumerate(top_lines):
        body.append(
            f'<text x="{WIDTH / 2}" y="{y + PAD / 2 + (i + 1) * HEAD - 5}" text-anchor="middle" '
            f'font-size="{HEAD_FONT}" font-weight="bold" fill="#FFFFFF">{escape(ln)}</text>'
        )
    y += h
    for area in areas:
        # An arrow from the box above to this focus area.
        body.append(
            f'<path d="M{WIDTH / 2} {y + 2}v14m-5 -6l5 6l5 -6" stroke="{BLUE}" '
            'stroke-width="2" fill="none"/>'
        )
        y += 20
        head = _wrap(area.name, HEAD_FONT, inner - 2 * PAD)
        items: list[tuple[str, int]] = []
        for name, depth in area.projects:
            indent = 14 * (depth + 1)
            wrapped = _wrap(name, FONT, inner - PAD - indent - 8)
            items += [(("・" if j == 0 else "　") + ln, indent) for j, ln in enumerate(wrapped)]
        h = len(head) * HEAD + len(items) * LINE + PAD * 2
        body.append(
            f'<rect x="{PAD}" y="{y}" width="{inner}" height="{h}" rx="6" fill="{PALE}" '
            f'stroke="{BLUE}" stroke-width="2"/>'
        )
        ty = y + PAD
        for ln in head:
            ty += HEAD
            body.append(
                f'<text x="{PAD * 2}" y="{ty - 5}" font-size="{HEAD_FONT}" font-weight="bold" '
                f'fill="{BLUE}">{escape(ln)}</text>'
            )
        for ln, indent in items:
            ty += LINE
            body.append(
                f'<text x="{PAD + indent - 6}" y="{ty - 5}" font-size="{FONT}" '
                f'fill="{INK}">{escape(ln)}</text>'
            )
        y += h
    height = y + PAD
    label = escape(alt_text(top, areas, lang))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:g}" '
        f'width="{WIDTH}" height="{height:g}" role="img" aria-label="{label}" '
        f'font-family="{escape(font)}, Noto Sans JP, sans-serif">'
        f"<title>{label}</title>" + "".join(body) + "</svg>"
    )
