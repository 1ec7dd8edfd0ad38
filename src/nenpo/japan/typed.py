"""Figures as authors type them in prose, Japanese and English: 約75%, 9,300万枚を超え, 7割以上,
半数, 4分の3, 1.3ポイント上昇, 534人増; "about 75%", "over 93 million", "534 fewer", "three
times". Dates and periods are read by `typed_dates`.

Pure functions over a string; positions are those of the string given (full-width digits are read
as digits without moving anything). What a figure means — which data it states — is decided by
`nenpo.check`; here only what was typed: the number, its unit, how exact it claims to be (the
rounding words 約, 超, を超え, 以上, 未満, 近く, 割, 半数; about, over, nearly, at least …) and
whether it is worded as a change (増, 減, 上昇, rose, fewer …).
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from .numbers import MULTIPLIERS

Bound = Literal["gt", "ge", "lt", "le", "near_below", "near_above"]


@dataclass(frozen=True)
class Figure:
    """A number as typed, with what it claims: `admits(x)` says whether data `x` fits it."""

    text: str
    start: int
    end: int
    value: float  # scaled as typed: 9,308万 → 93,080,000; 7割 → 70; 4分の3 → 75
    unit: str  # normalised: "%", "pt", "倍", "人", "cards", … ; "" when none was typed
    half: float  # how far the data may lie from `value` and still be written so
    bound: Bound | None = None
    approx: bool = False
    change: int = 0  # +1 / -1 when worded as a rise or a fall (増, 減, rose, fewer, …)
    sign: int = 0  # an explicit + or −
    complement: bool = False  # 残りは…, the remaining …: the rest of a whole
    noun: str = ""  # the words after the figure: what it counts (注力領域, focus areas)
    word: bool = False  # written as a word (半数, three), not in digits
    whole: bool = False  # the whole a part is of: 全1,788団体のうち, "of 1,788", 100点満点
    compare: bool = False  # a comparison ("534 fewer than", 行政人材より75人多い), not a change
    scaled: bool = False  # written with a scale word (万, 億, million): a quantity, not a label

    def interval(self) -> tuple[float, float]:
        """The values it may stand for lie in [low, high] (admits() decides the edges)."""
        v, h = self.value, self.half
        near = max(h, 0.05 * abs(v))
        return {
            "gt": (v, math.inf),
            "ge": (v - 1e-9 * max(1.0, abs(v)), math.inf),
            "lt": (-math.inf, v),
            "le": (-math.inf, v + 1e-9 * max(1.0, abs(v))),
            "near_below": (v - near - 1e-9, v + 1e-9),
            "near_above": (v - 1e-9, v + near + 1e-9),
        }.get(self.bound or "", (v - h - 1e-9 * max(1.0, abs(v)), v + h + 1e-9 * max(1.0, abs(v))))

    def admits(self, x: float) -> bool:
        """True when data `x` may be written as this figure (rounding words included)."""
        v, h = self.value, self.half
        eps = 1e-9 * max(1.0, abs(v))
        if self.bound == "gt":
            return x > v + eps
        if self.bound == "ge":
            return x >= v - eps
        if self.bound == "lt":
            return x < v - eps
        if self.bound == "le":
            return x <= v + eps
        if self.bound == "near_below":  # 8割近く, nearly 30%: at most, and within 5%
            return v - max(h, 0.05 * abs(v)) - eps <= x <= v + eps
        if self.bound == "near_above":  # 3割強: at least, and within 5%
            return v - eps <= x <= v + max(h, 0.05 * abs(v)) + eps
        if self.unit == "%" and self.text.rstrip().endswith("割"):  # 7割: [65, 75)
            return v - h - eps <= x < v + h - eps
        return abs(x - v) <= h + eps


_BOUNDS: dict[str, Bound] = {
    "gt": "gt",
    "ge": "ge",
    "lt": "lt",
    "le": "le",
    "near_below": "near_below",
    "near_above": "near_above",
}


def _as_bound(word: str | None) -> Bound | None:
    """A bound from the tables of rounding words ('approx' is not one)."""
    return _BOUNDS.get(word or "")


# ── numbers ───────────────────────────────────────────────────────────────────────────────

_KANJI = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "twenty": 20,
    "fifty": 50,
    "hundred": 100,
}
_SCALE_JA = {k: float(v) for k, v in MULTIPLIERS.items()}
_SCALE_EN = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}

# Units a Japanese figure may carry besides those a workspace adds (indicators' units).
JA_UNITS = [
    "パーセント",
    "ポイント",
    "PT",
    "pt",
    "%",
    "倍",
    "割",
    "人",
    "名",
    "件",
    "枚",
    "通",
    "位",
    "点",
    "円",
    "回",
    "団体",
    "社",
    "校",
    "か所",
    "カ所",
    "箇所",
    "施設",
    "機関",
    "時間",
    "日間",
    "か月",
    "カ月",
    "ヶ月",
    "年間",
    "年",
    "歳",
    "つ",
    "個",
    "本",
    "台",
    "種類",
    "項目",
    "分野",
]
_PREFIX_JA = {"約": "approx", "およそ": "approx", "概ね": "approx", "おおむね": "approx",
              "ほぼ": "approx", "最大": "le", "最大で": "le", "少なくとも": "ge"}  # fmt: skip
_SUFFIX_JA = {"を超え": "gt", "を超す": "gt", "を超": "gt", "を上回": "gt", "超": "gt",
              "以上": "ge", "余": "ge", "以下": "le", "未満": "lt", "を下回": "lt",
              "近く": "near_below", "弱": "near_below", "に迫": "near_below", "強": "near_above",
              "前後": "approx", "程度": "approx", "ほど": "approx"}  # fmt: skip
_CHANGE_JA = {"増": 1, "上昇": 1, "伸び": 1, "拡大": 1, "上が": 1, "向上": 1, "改善": 1,
              "減": -1, "低下": -1, "下落": -1, "縮小": -1, "下が": -1, "悪化": -1}  # fmt: skip
_COMPLEMENT_JA = ("残り", "残る", "その他", "それ以外", "他の", "ほかの")
_PREFIX_EN = {"about": "approx", "around": "approx", "approximately": "approx",
              "roughly": "approx", "some": "approx", "nearly": "near_below",
              "almost": "near_below", "close to": "near_below", "just under": "near_below",
              "over": "gt", "more than": "gt", "above": "gt", "just over": "near_above",
              "at least": "ge", "no fewer than": "ge", "under": "lt", "less than": "lt",
              "fewer than": "lt", "below": "lt", "up to": "le", "at most": "le",
              "no more than": "le"}  # fmt: skip
_SUFFIX_EN = {"or more": "ge", "or over": "ge", "and over": "ge", "plus": "ge",
              "or less": "le", "or fewer": "le"}  # fmt: skip
_CHANGE_PRE_EN = {"an increase of": 1, "a rise of": 1, "growth of": 1, "a gain of": 1,
                  "a decrease of": -1, "a drop of": -1, "a fall of": -1, "a decline of": -1,
                  "up": 1, "rose": 1, "risen": 1, "rise": 1, "increased": 1, "grew": 1,
                  "grown": 1, "gained": 1, "climbed": 1, "down": -1, "fell": -1, "fallen": -1,
                  "decreased": -1, "declined": -1, "dropped": -1, "lost": -1}  # fmt: skip
_CHANGE_POST_EN = {"more": 1, "higher": 1, "up": 1, "increase": 1, "rise": 1, "gain": 1,
                   "fewer": -1, "less": -1, "lower": -1, "down": -1, "decrease": -1,
                   "drop": -1, "fall": -1}  # fmt: skip
_COMPLEMENT_EN = ("remaining", "the rest", "rest of", "the other", "others")


# Only the full-width forms (１，１０５, ％, ＋) are read as ASCII: ② and ㈱ are not digits
# someone typed. One character for one, so positions stay those of the text.
_WIDE = {c: unicodedata.normalize("NFKC", chr(c)) for c in range(0xFF01, 0xFF5F)}
_WIDE |= {ord("−"): "-", ord("〜"): "～"}


def normalise(text: str) -> str:
    """Full-width digits, signs and letters as ASCII, character for character (positions kept)."""
    return text.translate(_WIDE)


def _alt(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True) if w)


_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"


def _precision(num: str, approx: bool, scale: float) -> float:
    """Half the last written digit; for 約 up to the last non-zero digit, but never past 5%."""
    digits = num.replace(",", "")
    if "." in digits:
        return 0.5 * 10 ** -len(digits.split(".")[1]) * scale
    if approx:
        zeros = len(digits) - len(digits.rstrip("0")) if digits.strip("0") else 0
        value = float(digits)
        return min(0.5 * 10**zeros, max(0.05 * value, 0.5)) * scale
    return 0.5 * scale


@functools.lru_cache(maxsize=64)
def _ja_pattern(units: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(
        rf"(?P<pre>{_alt(_PREFIX_JA)})?"
        r"(?P<sign>[+\-±])?"
        rf"(?:(?P<oku>{_NUM})億(?=\d))?(?:(?P<man>{_NUM})万(?=\d))?"
        rf"(?:(?P<num>{_NUM})|(?P<kanji>[一二三四五六七八九十])(?=[つ倍割]))"
        rf"\s?(?P<scale>{_alt(_SCALE_JA)})?"
        r"(?:分の(?P<frac>\d+|[一二三四五六七八九十]))?"
        rf"(?P<unit>{_alt(units)})?"
        rf"(?P<post>{_alt(_SUFFIX_JA)})?"
    )


_JA_DEFAULT = _ja_pattern(tuple(JA_UNITS))
_HALF_JA = re.compile(r"(?P<pre>過)?半(?:数|分)(?P<post>を超え|を超|を上回|以上|近く|に迫|弱|強)?")


def _ja_change(text: str, end: int) -> int:
    tail = text[end : end + 4]
    tail = tail[1:] if tail.startswith("の") else tail
    for word, sign in _CHANGE_JA.items():
        if tail.startswith(word):
            return sign
    m = _MORE_JA.match(text, end)
    return (1 if m.group(1).startswith(("多", "上", "高")) else -1) if m else 0


# 行政人材より75人多い: a comparison of two values, not a change over time
_MORE_JA = re.compile(r"\s*(多い|多く|少ない|少なく|上回|下回|高い|高く|低い|低く)")
_THAN_JA = re.compile(r"より[^、。]{0,4}$")


def _skip_ja(text: str, m: re.Match[str]) -> bool:
    """Not a figure: an ordinal (第5回), part of a name or code (G7, Web3, 5G)."""
    before = text[m.start() - 1] if m.start() else ""
    after = text[m.end()] if m.end() < len(text) else ""
    if before == "第" or (before.isascii() and before.isalpha()):
        return True
    return not m["unit"] and after.isascii() and after.isalpha()


def find_figures_ja(text: str, units: Iterable[str] = ()) -> list[Figure]:
    """Every figure in Japanese text: a number with a unit, a scale (万, 億), 割, 分の, 半数."""
    s = normalise(text)
    if not _ANY_JA.search(s):
        return []
    extra = tuple(sorted({u for u in units if u and u not in JA_UNITS}))
    pattern = _ja_pattern((*JA_UNITS, *extra)) if extra else _JA_DEFAULT
    out: list[Figure] = []
    for m in pattern.finditer(s):
        if _skip_ja(s, m):
            continue
        unit, scale_word, frac = m["unit"] or "", m["scale"], m["frac"]
        noun = _noun_ja(s, m.end()) if unit in _COUNTERS else ""
        if not (unit or scale_word or frac or noun):
            continue  # a bare number (a year, a code): nothing says what it counts
        pre = _PREFIX_JA.get(m["pre"] or "")
        approx = pre == "approx"
        num = m["num"] or str(_KANJI[m["kanji"]])
        scale = _SCALE_JA.get(scale_word or "", 1.0)
        value = float(num.replace(",", "")) * scale
        for part, size in (("oku", 1e8), ("man", 1e4)):  # 1億2,345万, 3万5千
            if m[part]:
                value += float(m[part].replace(",", "")) * size
        half = _precision(num, approx, scale)
        if frac:  # 4分の3: three quarters, as a share (the number before 分の is the whole)
            whole = float(num.replace(",", ""))
            share = float(_KANJI.get(frac) or frac)
            value, half, unit = (share / whole * 100 if whole else 0.0), 5.0, unit or "%"
        elif unit == "割":
            value, half, unit = value * 10, 5.0, "%"
        elif unit in ("パーセント",):
            unit = "%"
        elif unit in ("ポイント", "PT", "pt"):
            unit = "pt"
        post = _SUFFIX_JA.get(m["post"] or "")
        bound = _as_bound(post) or _as_bound(pre)
        approx = approx or post == "approx"
        if approx and not frac and m["unit"] != "割":
            half = _precision(num, True, scale)
        sign = {"+": 1, "-": -1}.get(m["sign"] or "", 0)
        if sign < 0:
            value = -value
        end = m.end()
        whole = (m.start() > 0 and s[m.start() - 1] == "全") or bool(_WHOLE_AFTER_JA.match(s, end))
        compare = bool(_THAN_JA.search(s[max(0, m.start() - 8) : m.start()]))
        out.append(
            Figure(
                text[m.start() : end],
                m.start(),
                end,
                value,
                unit,
                half,
                bound,
                approx,
                _ja_change(s, end),
                sign,
                _complement(s[max(0, m.start() - 12) : m.start()], _COMPLEMENT_JA),
                noun,
                whole=whole,
                compare=compare or bool(_MORE_JA.match(s, end)),
                scaled=bool(scale_word),
            )
        )
    for m in _HALF_JA.finditer(s):
        if any(f.start <= m.start() < f.end for f in out):
            continue
        post = _SUFFIX_JA.get(m["post"] or "")
        bound = "gt" if m["pre"] else _as_bound(post)
        out.append(
            Figure(
                text[m.start() : m.end()],
                m.start(),
                m.end(),
                50.0,
                "%",
                5.0,
                bound,
                True,
                _ja_change(s, m.end()),
                word=True,
            )
        )
    return sorted(out, key=lambda f: f.start)


_WHOLE_AFTER_JA = re.compile(r"満点|のうち|中の|の(?:約|およそ)?(?:\d+(?:\.\d+)?(?:%|割)|半数)")
_NOUN_JA = re.compile(
    r"の?((?:(?!から|まで|より|など|ごと)[\u30a0-\u30ff\u4e00-\u9fffA-Za-z]){1,12})"
)
_COUNTERS = ("", "つ", "個", "件", "回", "種類", "項目", "分野", "団体", "か所", "カ所", "箇所")


def _noun_ja(s: str, end: int) -> str:
    """The noun a count counts: 3つの注力領域 → 注力領域; 47都道府県, 約130の市区町村 → 市区町村."""
    m = _NOUN_JA.match(s, end)
    return m.group(1) if m else ""


def _complement(before: str, words: tuple[str, ...]) -> bool:
    low = before.lower()
    return any(w in low for w in words)


_EN_NUMBER = rf"(?P<num>{_NUM})|(?P<word>{'|'.join(_WORDS)})\b"
_EN = re.compile(
    rf"(?:\b(?P<chg>{_alt(_CHANGE_PRE_EN)})(?:\s+by)?\s+)?"
    rf"(?:\b(?P<pre>{_alt(_PREFIX_EN)})\s+)?"
    r"(?P<sign>[+\-±])?"
    rf"(?:{_EN_NUMBER})"
    r"(?P<ord>st|nd|rd|th)?"
    rf"(?:\s?(?P<scale>{'|'.join(_SCALE_EN)})\b)?"
    r"(?P<unit>\s?%|\s?per ?cent\b|\s+percentage points?\b|\s+points?\b|\s?pp\b|\s?pt\b"
    r"|\s+times\b|-fold\b)?",
    re.I,
)
# Texts with nothing that could be a figure are passed over at once.
_ANY_JA = re.compile(r"\d|[一二三四五六七八九十][つ倍割]|半[数分]|分の")
_ANY_EN = re.compile(
    rf"\d|\b(?:{'|'.join(_WORDS)}|twice|double|triple|half|third|quarters?)\b", re.I
)
_EN_SPECIAL = re.compile(
    r"\b(?:(?P<pre>about|nearly|almost|over|more than|less than|just over|just under)\s+)?"
    r"(?P<what>twice|double|triple|half|a third|a quarter|three quarters|two thirds)\b",
    re.I,
)
_SPECIAL_VALUE = {"twice": (2.0, "倍"), "double": (2.0, "倍"), "triple": (3.0, "倍"),
                  "half": (50.0, "%"), "a third": (33.3, "%"), "a quarter": (25.0, "%"),
                  "three quarters": (75.0, "%"), "two thirds": (66.7, "%")}  # fmt: skip
_LABEL_EN = re.compile(
    r"\b(?:type|no\.?|number|article|phase|version|level|step|grade|stage|chapter|page|slide|"
    r"figure|table|section|round|wave|item|part)\s+$",
    re.I,
)
# English words that name nothing (the check's subject matching adds its own on top).
EN_STOPWORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "in",
        "on",
        "at",
        "by",
        "to",
        "and",
        "or",
        "for",
        "from",
        "with",
        "than",
        "as",
        "is",
        "are",
        "was",
        "were",
    ]
)


def _noun_en(s: str, end: int) -> str:
    m = re.match(r"\s+([A-Za-z][A-Za-z'-]*(?:\s+[A-Za-z][A-Za-z'-]*){0,3})", s[end : end + 48])
    words = m.group(1).split() if m else []
    out = []
    for w in words[:3]:
        if w.lower() in EN_STOPWORDS:
            break
        out.append(w)
    return " ".join(out)


def find_figures_en(text: str) -> list[Figure]:
    """Every figure in English text: 75%, 93.8 million, 1,150 staff, 2.9 points, three times."""
    s = normalise(text)
    if not _ANY_EN.search(s):
        return []
    out: list[Figure] = []
    for m in _EN.finditer(s):
        before = s[m.start() - 1] if m.start() else ""
        after = s[m.end()] if m.end() < len(s) else ""
        if before.isalpha() or after.isdigit() or (m["num"] and after.isalpha() and not m["ord"]):
            continue
        if _LABEL_EN.search(s[max(0, m.start() - 12) : m.start()]):
            continue  # a label's number: type 1, No. 144, page 13, wave 2
        num = m["num"] or str(_WORDS[m["word"].lower()])
        raw_unit = (m["unit"] or "").strip().lower()
        unit = (
            "%"
            if raw_unit in ("%", "percent", "per cent")
            else "pt"
            if raw_unit in ("pp", "pt", "point", "points", "percentage point", "percentage points")
            else "倍"
            if raw_unit in ("times", "-fold")
            else "位"
            if m["ord"]
            else ""
        )
        if not unit and not m["scale"] and re.fullmatch(r"(19|20)\d\d", num):
            continue  # a year used as a name ("the 2023 report"); dates are read apart
        scale = _SCALE_EN.get((m["scale"] or "").lower(), 1.0)
        pre_word = re.sub(r"\s+", " ", (m["pre"] or "").lower())
        # "under three focus areas": before a number in words, under/over are prepositions
        prep = m["word"] and pre_word in ("under", "over", "above", "below")
        pre = None if prep else _PREFIX_EN.get(pre_word)
        approx = pre == "approx"
        value = float(num.replace(",", "")) * scale
        half = _precision(num, approx, scale)
        tail = s[m.end() : m.end() + 14].lower()
        post = next((b for w, b in _SUFFIX_EN.items() if tail.startswith(" " + w)), None)
        bound = _as_bound(post) or _as_bound(pre)
        change = _CHANGE_PRE_EN.get((m["chg"] or "").lower(), 0)
        noun = "" if unit in ("%", "pt") else _noun_en(s, m.end())
        first = noun.split(" ")[0].lower() if noun else ""
        compare = not change and first in _CHANGE_POST_EN
        change = change or _CHANGE_POST_EN.get(first, 0)
        if compare:
            noun = " ".join(noun.split(" ")[1:])
        sign = {"+": 1, "-": -1}.get(m["sign"] or "", 0)
        lead = s[max(0, m.start() - 16) : m.start()].lower()
        whole = unit != "%" and bool(re.search(r"(?<!total )\b(?:out )?of\s+$", lead))
        out.append(
            Figure(
                text[m.start() : m.end()],
                m.start(),
                m.end(),
                -value if sign < 0 else value,
                unit,
                half,
                bound,
                approx,
                change,
                sign,
                _complement(s[max(0, m.start() - 20) : m.start()], _COMPLEMENT_EN),
                noun,
                bool(m["word"]),
                whole,
                compare,
                bool(m["scale"]),
            )
        )
    for m in _EN_SPECIAL.finditer(s):
        if any(f.start <= m.start() < f.end for f in out):
            continue
        value, unit = _SPECIAL_VALUE[m["what"].lower()]
        pre = _PREFIX_EN.get((m["pre"] or "").lower())
        out.append(
            Figure(
                text[m.start() : m.end()],
                m.start(),
                m.end(),
                value,
                unit,
                0.05 if unit == "倍" else 5.0,
                _as_bound(pre),
                True,
                word=True,
            )
        )
    return sorted(out, key=lambda f: f.start)


def find_figures(text: str, lang: str, units: Iterable[str] = ()) -> list[Figure]:
    """Figures in `text` written in `lang` ('ja' or 'en'); `units` adds Japanese unit words."""
    return find_figures_en(text) if lang == "en" else find_figures_ja(text, units)


def parse_figure(text: str, lang: str = "ja") -> Figure:
    """The one figure `text` begins with (「約9,300万枚を超える」, "over 93 million cards");
    ValueError otherwise."""
    found = find_figures(text.strip(), lang)
    if len(found) != 1 or found[0].start != 0:
        raise ValueError(f"{text!r} is not one figure such as 約75% or 9,308万枚")
    return found[0]
