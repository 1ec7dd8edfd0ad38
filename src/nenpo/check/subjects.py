"""What a sentence is about: which indicator or survey option its words name, nearest first.

A typed figure states the value of the subject its sentence points to — not any value nearby.
Names are matched loosely, as authors shorten them (マイナ保険証の利用率 for マイナ保険証利用率):
Japanese by character pairs, English by words, each weighted by how rare it is among the
names (保険証 tells more than 割合), and by how close to the figure it is written.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ..japan.typed import EN_STOPWORDS
from ..lookups.data import Data
from .numbers import unit_kind

# Words that say nothing about which indicator is meant.
_EN_STOP = EN_STOPWORDS | frozenset(
    [
        "be",
        "been",
        "has",
        "have",
        "had",
        "that",
        "this",
        "these",
        "those",
        "it",
        "its",
        "their",
        "there",
        "which",
        "who",
        "what",
        "per",
        "each",
        "all",
        "over",
        "time",
    ]
)
_JA_STOP = frozenset(["推移", "割合", "の数", "した", "して", "する", "いる", "ある", "こと"])


@dataclass(frozen=True)
class Entry:
    """A thing a figure may be about: an indicator, or a survey question's option."""

    key: str  # indicator id, or SURVEY.QUESTION.OPTION
    unit: str  # unit kind ('%', '人', …)
    unit_en: str
    names: tuple[str, str]  # ja, en
    labels: tuple[str, str] = ("", "")  # an option's own label: 良いと思う, Adapted


def _content(c: str) -> bool:
    """Kanji, katakana, letters and digits carry a name; hiragana (particles, endings) do not."""
    return (c.isalnum() and not "\u3040" <= c <= "\u309f") or c == "ー"


def _grams_ja(text: str) -> list[tuple[str, int]]:
    out = []
    for i in range(len(text) - 1):
        g = text[i : i + 2]
        if _content(g[0]) and _content(g[1]) and g not in _JA_STOP:
            out.append((g, i))
    return out


def _stem(word: str) -> str:
    w = word.lower()
    for suffix in ("ies", "es", "s"):
        if w.endswith(suffix) and len(w) > len(suffix) + 2:
            return w[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return w


def _words_en(text: str) -> list[tuple[str, int]]:
    return [
        (_stem(m.group(0)), m.start())
        for m in re.finditer(r"[A-Za-z][A-Za-z-]*", text)
        if m.group(0).lower() not in _EN_STOP
    ]


def grams(text: str, lang: str) -> list[tuple[str, int]]:
    """The matching units of a text with their positions: character pairs, or English words."""
    return _words_en(text) if lang == "en" else _grams_ja(text)


class Names:
    """Every indicator and survey option, by the words of its name, for scoring sentences."""

    def __init__(self, data: Data):
        self.entries: dict[str, Entry] = {}
        for ind in data.ws.indicators:
            self.entries[ind.id] = Entry(
                ind.id,
                unit_kind(ind.unit),
                (ind.unit_en or "").lower(),
                (ind.name.ja, ind.name.en or ""),
            )
        for sv in data.ws.surveys:
            for q in sv.questions:
                for o in q.options:
                    key = f"{sv.id}.{q.id}.{o.id}"
                    ja = f"{q.text.ja} {o.label.ja}"
                    en = f"{q.text.en or ''} {o.label.en or ''}"
                    labels = (o.label.ja, o.label.en or "")
                    self.entries[key] = Entry(key, "%", "", (ja, en), labels)
        self.weights: dict[str, dict[str, dict[str, float]]] = {"ja": {}, "en": {}}
        self.totals: dict[str, dict[str, float]] = {"ja": {}, "en": {}}
        # gram → the entries whose names have it, so a sentence scores only what it names
        self.index: dict[str, dict[str, set[str]]] = {
            "ja": defaultdict(set),
            "en": defaultdict(set),
        }
        self.labels: dict[str, list[tuple[str, re.Pattern[str]]]] = {"ja": [], "en": []}
        for lang, i in (("ja", 0), ("en", 1)):
            df: Counter[str] = Counter()
            bags = {}
            for e in self.entries.values():
                bag = {g for g, _ in grams(e.names[i], lang)}
                bags[e.key] = bag
                df.update(bag)
            n = len(self.entries) or 1
            for key, bag in bags.items():
                self.weights[lang][key] = {g: math.log(1 + n / df[g]) for g in bag}
                self.totals[lang][key] = sum(self.weights[lang][key].values())
                for g in bag:
                    self.index[lang][g].add(key)
            for e in self.entries.values():
                label = e.labels[i].lower()
                if len(label) >= 2:
                    word = re.escape(label) if lang == "ja" else rf"\b{re.escape(label)}\b"
                    self.labels[lang].append((e.key, re.compile(word)))

    def score(
        self,
        text: str,
        center: int,
        lang: str,
        mentions: Iterable[tuple[str, int]] = (),
        reach: float | None = None,
        clause: tuple[int, int] | None = None,
        own: str = "",
    ) -> dict[str, float]:
        """How strongly `text` (around position `center`) names each entry, 0…1; `mentions`
        are (entry key, position) of references in the text, which name their entry. Words
        outside the figure's `clause` count half; in Japanese, which names its subject first,
        so do words after the figure. `own` is what the figure itself says it counts."""
        reach = reach or (40.0 if lang == "en" else 14.0)

        def weight(pos: int) -> float:
            w = 1.0 / (1.0 + abs(pos - center) / reach)
            if pos > center and clause is not None and pos >= clause[1]:
                w *= 0.5  # the next clause is about something else
            if lang == "ja" and pos > center:
                w *= 0.5  # Japanese names its subject before the figure
            return w

        near: dict[str, float] = {}
        for g, pos in grams(text, lang):
            w = weight(pos)
            if w > near.get(g, 0.0):
                near[g] = w
        for g, _pos in grams(own, lang):  # what the figure counts: 約130の市区町村
            near[g] = 1.0
        direct: dict[str, float] = {}
        i = 0 if lang == "ja" else 1
        for key, pos in mentions:
            e = self.entries.get(key)
            if e is None:
                continue
            w = weight(pos)
            if pos < center or clause is None or pos < clause[1]:
                direct[key] = max(direct.get(key, 0.0), w)
            for g, _ in grams(e.names[i], lang):
                if w > near.get(g, 0.0):
                    near[g] = w
        # An option's label written out (「良いと思う」人, "say they have adapted") tells it apart
        # from the other options of its question, which share the question's words.
        said: dict[str, float] = {}
        low = text.lower()
        for key, pattern in self.labels[lang]:
            for m in pattern.finditer(low):
                said[key] = max(said.get(key, 0.0), 0.3 * weight(m.start()))
        out: dict[str, float] = {}
        named = {k for g in near for k in self.index[lang].get(g, ())}
        for key in named | set(direct) | set(said):
            weights = self.weights[lang][key]
            total = self.totals[lang][key]
            got = sum(w * near.get(g, 0.0) for g, w in weights.items())
            # A reference names its subject outright: it outweighs a similar name nearby.
            s = max(
                got / total if total else 0.0,
                0.3 + 0.7 * direct.get(key, 0.0) if key in direct else 0.0,
            )
            s += said.get(key, 0.0)
            if len(own) >= 2 and own.lower() in self.entries[key].names[i].lower():
                s += 0.2  # 約130の市区町村: an indicator of 市区町村 is what is counted
            if s > 0:
                out[key] = s
        return out
