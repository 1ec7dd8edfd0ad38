"""The units a reader sees, read back from a built site: pages, charts, values, tables, paragraphs.

Units are read from the built HTML (not from the model), so a diff of two editions compares
exactly what was published. Each unit has a stable key and names the page it is on.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup, Tag

from ..charts.svg import axis_labels, legend_labels


@dataclass
class Unit:
    """One comparable thing on a page."""

    key: str  # stable across editions: kind and identity
    kind: str  # page, chart, value, table, paragraph
    page: str  # the site path of the page it is on
    page_title: str
    label: str  # how a reader names it: the chart's title, the page's title …
    fields: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _text(el: Tag) -> str:
    return " ".join(el.get_text(" ", strip=True).split())


def page_units(path: str, html: str) -> list[Unit]:
    """Every unit on one built page."""
    doc = BeautifulSoup(html, "html.parser")
    main = doc.find("main")
    if not isinstance(main, Tag):
        return []
    h1 = main.find("h1")
    title = _text(h1) if isinstance(h1, Tag) else path
    units = [Unit(f"page:{path}", "page", path, title, title, {"title": title})]
    for fig in main.select("figure.chart"):
        cid = str(fig.get("data-chart"))
        svg = fig.select_one("div.chart-image svg")
        svg_text = str(svg) if svg else ""
        caption = fig.select_one(".chart-title")
        rows = [[_text(c) for c in tr.find_all(["th", "td"])] for tr in fig.select("tbody tr")]
        units.append(
            Unit(
                f"chart:{path}:{cid}",
                "chart",
                path,
                title,
                _text(caption) if caption else cid,
                {
                    "title": _text(caption) if caption else "",
                    "legend": legend_labels(svg_text) if svg_text else [],
                    "axis": axis_labels(svg_text, "X") if svg_text else [],
                    "columns": [_text(th) for th in fig.select("thead th")],
                    "rows": rows,
                    "alt": str(fig.select_one('[role="img"]').get("aria-label", ""))  # type: ignore[union-attr]
                    if fig.select_one('[role="img"]')
                    else "",
                },
            )
        )
        fig.decompose()  # what remains is prose and prose tables
    seen: dict[str, int] = {}
    for ref in main.select("span.ref"):
        raw = str(ref.get("data-ref", ""))
        n = seen[raw] = seen.get(raw, 0) + 1
        badge = ref.select_one(".badge")
        if badge:
            badge.extract()
        sentence = _text(ref.parent) if isinstance(ref.parent, Tag) else ""
        units.append(
            Unit(
                f"value:{path}:{raw}#{n}",
                "value",
                path,
                title,
                raw,
                {"text": _text(ref), "context": sentence},
            )
        )
    # Paragraphs are compared with their values masked: a changed value is one change (above),
    # not also a changed paragraph.
    for ref in main.select("span.ref"):
        ref.replace_with(f"〔{ref.get('data-ref', '')}〕")
    for i, table in enumerate(main.select("table")):
        rows = [[_text(c) for c in tr.find_all(["th", "td"])] for tr in table.select("tr")]
        units.append(
            Unit(f"table:{path}:{i}", "table", path, title, f"table {i + 1}", {"rows": rows})
        )
    for i, para in enumerate(main.select("p, li")):
        text = _text(para)
        if text:
            units.append(
                Unit(f"paragraph:{path}:{i}", "paragraph", path, title, text[:40], {"text": text})
            )
    return units


def site_units(site_dir: Path) -> list[Unit]:
    """Every unit of every page of a built site, in page order."""
    units: list[Unit] = []
    for f in sorted(site_dir.rglob("*.html")):
        rel = f.relative_to(site_dir).as_posix()
        # The open data's README names the edition it belongs to: not a change of the report.
        # The dashboard and its embeds show the report's data again, by indicator: a changed
        # value is drafted once, on the report's pages, not once more per dashboard page.
        if rel.startswith(("editions/", "data/", "dashboard/", "embed/")):
            continue
        units.extend(page_units(rel, f.read_text(encoding="utf-8")))
    return units


DECK_PAGE = "deck.pdf#"  # a slide's unit is on the page "deck.pdf#N": errata cite slide N


def deck_units(site_dir: Path) -> list[Unit]:
    """Every text of every slide (deck.json), one paragraph unit each, on the page of its slide.

    A slide's own words (its message, key-figure labels, points, note) are on no site page; a
    correction of them is cited by its slide, as the seed's 更新履歴 cites 会見資料 pages.
    """
    f = site_dir / "deck.json"
    if not f.is_file():
        return []
    manifest = json.loads(f.read_text(encoding="utf-8"))
    units: list[Unit] = []
    for slide in manifest.get("slides", []):
        page = f"{DECK_PAGE}{slide['number']}"
        title = " ".join(str(slide.get("title", "")).split())
        for i, text in enumerate(slide.get("texts", [])):
            units.append(
                Unit(f"paragraph:{page}:{i}", "paragraph", page, title, text[:40], {"text": text})
            )
    return units


def write_units(units: list[Unit], path: Path) -> None:
    """Save units as JSON (kept in every edition, so a diff needs no rebuild)."""
    path.write_text(
        json.dumps([u.to_json() for u in units], ensure_ascii=False, indent=1), encoding="utf-8"
    )


def read_units(path: Path) -> list[Unit]:
    """Units saved by write_units."""
    return [Unit(**u) for u in json.loads(path.read_text(encoding="utf-8"))]
