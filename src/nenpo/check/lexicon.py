"""What the check knows of a workspace's words, built once per check: the names of indicators and
survey options (subjects), the series behind them (values), the labels of dimension members
(東京都, Tokyo), the units its indicators are typed in, and the collections a count may count."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..japan import codes
from .numbers import Values, unit_kind
from .passages import Resolutions
from .run import Context
from .subjects import Names, _stem

# A count names what it counts; each collection of the workspace, by the words for it. The
# first four are always counted whole (3つの注力領域); the others are often counted in part
# (12都道府県で, two projects under it), so only a count said to be the whole must equal it.
COLLECTIONS: dict[str, tuple[str, ...]] = {
    "focus_areas": ("注力領域", "focus area"),
    "aims": ("目指す姿", "姿", "aims"),
    "dates": ("算出基準日", "基準日", "reference date"),
    "slides": ("スライド", "slide"),
    "projects": ("プロジェクト", "project"),
    "prefectures": ("都道府県", "prefecture"),
    "municipalities": (
        "市区町村",
        "市町村",
        "自治体",
        "地方公共団体",
        "団体",
        "municipalit",
        "local government",
    ),
}
COUNTED_WHOLE = ("focus_areas", "aims", "dates", "slides")


@dataclass
class Lexicon:
    """The workspace's words and values, for reading typed text against the data."""

    ctx: Context
    names: Names = field(init=False)
    values: Values = field(init=False)
    units: tuple[str, ...] = field(init=False)
    nouns_en: set[str] = field(init=False)
    members: dict[str, tuple[str, str]] = field(init=False)  # label → (dimension, code)
    member_re: re.Pattern[str] | None = field(init=False)
    refs: Resolutions = field(default_factory=dict)  # references resolved in this run

    def __post_init__(self) -> None:
        data = self.ctx.data
        self.names = Names(data)
        self.values = self.ctx.values
        self.units = tuple(sorted({unit_kind(i.unit) for i in data.ws.indicators} - {""}))
        # English words a figure's noun may use to say what it counts (staff, cards, people)
        self.nouns_en = {
            _stem(w)
            for i in data.ws.indicators
            for w in re.findall(r"[A-Za-z]+", f"{i.unit_en or ''} {i.name.en or ''}")
            if len(w) > 2
        } - {"the", "and", "with", "for", "from", "number", "share", "rate", "digital"}
        used = {d for i in data.ws.indicators for d in i.dimensions}
        self.members = {}
        for dim in data.dimensions.values():
            if dim.id not in used or len(dim.values) > 100:
                continue
            for v in dim.values:
                for label in (v.label.ja, v.label.en):
                    if label and len(label) >= 2 and not re.fullmatch(r"[\d–~～\-]+", label):
                        self.members[label] = (dim.id, v.code)
        alts = "|".join(re.escape(k) for k in sorted(self.members, key=len, reverse=True))
        self.member_re = re.compile(alts) if alts else None

    def counts(self, collection: str) -> set[float]:
        """How many a collection has (projects: with or without sub-projects)."""
        ws = self.ctx.ws
        if collection == "focus_areas":
            return {len(ws.focus_areas)}
        if collection == "aims":
            return {len(ws.aims)}
        if collection == "projects":
            return {len(ws.projects), len(ws.all_projects())}
        if collection == "prefectures":
            return {47.0}
        if collection == "municipalities":
            n = len(codes.municipalities())
            return {n, n + 47, n + len(codes.wards())}
        if collection == "slides":
            return {len(ws.deck.slides)} if ws.deck else set()
        return set()

    def collection(self, noun: str) -> str | None:
        """The collection a counted noun names (注力領域 → focus_areas), if any."""
        low = noun.lower()
        for key, words in COLLECTIONS.items():
            if any(low.startswith(w) for w in words):
                return key
        return None

    def dims_in(self, text: str) -> dict[str, str]:
        """Dimension members named in a text (東京都 → prefecture=13)."""
        if self.member_re is None:
            return {}
        out: dict[str, str] = {}
        for m in self.member_re.finditer(text):
            dim, code = self.members[m.group(0)]
            out.setdefault(dim, code)
        return out
