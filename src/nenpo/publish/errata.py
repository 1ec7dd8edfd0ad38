"""更新履歴 entries drafted from a diff, in the seed's words:
「16ページ、デジタル社会の賛同の凡例に誤りがありましたので修正しました(正:A良いと思う、…)」.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .diff import Change
from .units import DECK_PAGE

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DOCUMENTS = {"deck": "会見資料", "report": "報告書"}  # as the seed names its PDFs


@dataclass
class Entry:
    """One line of the revision history, linking to the page it is about."""

    text: str
    page: str  # site path of the changed page
    kind: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class Locator:
    """Names where a change is as errata do: the deck slide or report page, else the page title.

    Page numbers come from `pages.json`, written beside the PDFs when they are built:
    {"deck": {unit key or site path: slide}, "slides": {chart key: [every slide]},
    "report": {unit key or site path: page}}; a slide's own text is on the page "deck.pdf#N".
    """

    def __init__(self, site_dir: Path | None = None):
        self.maps: dict[str, dict[str, Any]] = {}  # "slides" maps to lists, the others to ints
        f = site_dir / "pages.json" if site_dir else None
        if f and f.is_file():
            self.maps = json.loads(f.read_text(encoding="utf-8"))

    def where(self, c: Change) -> str:
        return self.everywhere(c)[0]

    def everywhere(self, c: Change) -> list[str]:
        """Each place a change is seen: a chart on slides 5 and 16 is corrected on both."""
        if c.page.startswith(DECK_PAGE):  # a slide's own text
            return [f"{DOCUMENTS['deck']}{c.page.removeprefix(DECK_PAGE)}ページ"]
        chart = c.key.split(":")[-1] if c.kind in _CHART_KINDS else None
        if chart and f"chart:{chart}" in self.maps.get("slides", {}):
            slides = self.maps["slides"][f"chart:{chart}"]
            return [f"{DOCUMENTS['deck']}{n}ページ" for n in slides]
        for output in ("deck", "report"):
            pages = self.maps.get(output, {})
            for key in (f"chart:{chart}" if chart else None, c.page):
                if key and key in pages:
                    # Which document: the deck's slide 13 is not the report's page 13.
                    return [f"{DOCUMENTS[output]}{pages[key]}ページ"]
        return [f"「{c.page_title}」"]


def _short(text: str, n: int = 40) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _clause(context: str, value: str) -> str:
    """The clause of the sentence that holds the corrected value: 国民の約75%が所有しています."""
    for clause in re.split(r"[、。,.]\s*", context or ""):
        if value in clause:
            return _short(_unspaced(clause))
    return value


_CJK = r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]"


def _unspaced(text: str) -> str:
    """The page's text is read with a space between elements (「人は 60% でした」); Japanese has
    none: drop a space that has Japanese on either side of it."""
    return re.sub(rf"(?<={_CJK}) +| +(?={_CJK})", "", text)


def _labels(before: list[str] | None, after: list[str]) -> str:
    """Only the positions that changed, lettered as the seed writes them: Bどちらとも…、C…."""
    before = before or []
    changed = [
        f"{LETTERS[i]}{lab}" for i, lab in enumerate(after) if i >= len(before) or before[i] != lab
    ]
    return "、".join(changed or [f"{LETTERS[i]}{lab}" for i, lab in enumerate(after)])


def draft(changes: list[Change], locator: Locator) -> list[Entry]:
    """One entry per change, in the order of the pages."""
    out: list[Entry] = []
    seen: set[tuple[str, ...]] = set()
    # The pages of the first language first: a chart corrected on the Japanese and the English
    # site is one correction of the deck, drafted with the deck's (Japanese) title.
    for c in sorted(changes, key=lambda c: _translated(c.page)):
        places = locator.everywhere(c)
        c.where = "、".join(places)
        for loc in places:
            text = _sentence(c, loc)
            thing = c.key.split(":")[-1] if c.kind in _CHART_KINDS else text or ""
            # One chart on two site pages, or in two languages, is one correction of each slide.
            if text and (c.kind, thing, loc) not in seen:
                seen.add((c.kind, thing, loc))
                out.append(Entry(text, _entry_page(c.page, loc), c.kind))
    return out


_CHART_KINDS = ("legend", "axis", "chart-title", "chart-data", "chart")


def _translated(page: str) -> bool:
    """True for a page of a second language (en/…): its site folder is a language code."""
    head = page.split("/", 1)[0]
    return "/" in page and len(head) == 2 and head.isalpha()


def _entry_page(page: str, loc: str) -> str:
    """The page an entry links to: the deck's page when it cites a slide, else the site page."""
    deck = DOCUMENTS["deck"]
    if loc.startswith(deck) and loc.endswith("ページ"):
        return f"deck.pdf#page={loc.removeprefix(deck).removesuffix('ページ')}"
    return page


def _sentence(c: Change, loc: str) -> str | None:
    label = c.label
    if c.kind == "legend":
        return (
            f"{loc}、{label}の凡例に誤りがありましたので修正しました"
            f"(正:{_labels(c.before, c.after)})"
        )
    if c.kind == "axis":
        return (
            f"{loc}、{label}の年月に誤りがありましたので修正しました(正:{'、'.join(c.after or [])})"
        )
    if c.kind == "chart-title":
        return f"{loc}、{c.before}の記載に誤りがありましたので修正しました(正:{c.after})"
    if c.kind == "chart-data":
        return f"{loc}、{label}のデータを修正しました"
    if c.kind == "value":
        return f"{loc}、{c.page_title}の記載を修正しました(正:{_clause(c.context, c.after)})"
    if c.kind == "paragraph":
        if c.change == "added":
            return f"{loc}、{c.page_title}について補足を追記しました(追記:{_short(c.after)})"
        if c.change == "removed":
            return f"{loc}、{c.page_title}の記載を削除しました"
        return f"{loc}、{c.page_title}の記載を修正しました(正:{_short(c.after)})"
    if c.kind == "table":
        return f"{loc}、{c.page_title}の表を修正しました"
    if c.kind == "chart":
        verb = {"added": "追加しました", "removed": "削除しました"}.get(c.change, "修正しました")
        return f"{loc}、{label}の図を{verb}"
    if c.kind == "page":
        verb = {"added": "追加しました", "removed": "削除しました"}.get(c.change, "修正しました")
        return f"「{c.page_title}」のページを{verb}"
    return None
