"""Prefectures (JIS X 0401), municipalities and wards (JIS X 0402 with its check digit), and names.

The reference lists are the ministry's (総務省「全国地方公共団体コード」, data/README.md): 47
prefectures, 1,741 municipalities (市, 特別区, 町, 村) and the 171 wards of the 20 designated
cities (政令指定都市の区). A municipality's code is its six-digit 全国地方公共団体コード: the
five-digit JIS X 0402 code and a check digit (modulus 11, weights 6, 5, 4, 3, 2).

Tables write these codes in several forms: six digits or five (no check digit), as text or as a
number that lost its leading zero (011002 written 11002, or 11002.0 by Excel). Some numbers read
as two places: 12203 is 北海道士別市 (012203 without its zero) and 千葉県市川市 (the five-digit
12203 → 122033). So a column is read by one form decided from all its values, never cell by
cell (`nenpo.japan.columns`), and a value the column's other values do not settle is an error
naming both places.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Literal, NamedTuple

Kind = Literal["prefecture", "municipality"]
WEIGHTS = (6, 5, 4, 3, 2)

# The forms a column of codes or names may be in: the mapping key `code_form` names one.
FORMS: dict[Kind, tuple[str, ...]] = {
    "municipality": ("jis6", "jis5", "name"),
    "prefecture": ("jis2", "jis6", "jis5", "name"),
}
FORM_TEXT: dict[tuple[Kind, str], str] = {
    ("municipality", "jis6"): "the 6-digit 団体コード with its check digit",
    ("municipality", "jis5"): "the 5-digit JIS X 0402 code, no check digit",
    ("municipality", "name"): "names",
    ("prefecture", "jis2"): "the JIS X 0401 code 1–47",
    ("prefecture", "jis6"): "the prefecture's 6-digit 団体コード",
    ("prefecture", "jis5"): "the prefecture's 5-digit code",
    ("prefecture", "name"): "names",
}


class CodeError(ValueError):
    """A value that is no prefecture or municipality, or reads as more than one."""


def check_digit(code5: str) -> str:
    """The check digit of a five-digit JIS X 0402 code: 13101 → 6 (131016)."""
    if len(code5) != 5 or not code5.isdigit():
        raise ValueError(f"{code5!r} is not a five-digit code")
    total = sum(int(d) * w for d, w in zip(code5, WEIGHTS, strict=True))
    return str((11 - total % 11) % 10)


def with_check_digit(code5: str) -> str:
    """The six-digit 団体コード of a five-digit code: 13101 → 131016."""
    return code5 + check_digit(code5)


def check_digit_ok(code6: str) -> bool:
    """Whether a six-digit code's last digit is the check digit of the first five."""
    return len(code6) == 6 and code6.isdigit() and check_digit(code6[:5]) == code6[5]


# --- the reference lists ----------------------------------------------------------------------


class Prefecture(NamedTuple):
    """A prefecture: JIS X 0401 code (01–47), name (東京都) and English name (Tokyo)."""

    code: str
    name: str
    en: str

    @property
    def short(self) -> str:
        """東京都 → 東京, 大阪府 → 大阪; 北海道 stays (道 is part of the name)."""
        return short_name(self.name)

    @property
    def lg_code(self) -> str:
        """The prefecture's 全国地方公共団体コード: 13 → 130001."""
        return with_check_digit(self.code + "000")


class Place(NamedTuple):
    """A municipality or a ward: 6-digit code, prefecture and name (a ward's with its city)."""

    code: str
    prefecture: str
    name: str  # 札幌市; a ward: 札幌市中央区

    @property
    def full_name(self) -> str:
        """The name with its prefecture: 北海道札幌市."""
        return self.prefecture + self.name


_PREFECTURES = """\
01 北海道 Hokkaido
02 青森県 Aomori
03 岩手県 Iwate
04 宮城県 Miyagi
05 秋田県 Akita
06 山形県 Yamagata
07 福島県 Fukushima
08 茨城県 Ibaraki
09 栃木県 Tochigi
10 群馬県 Gunma
11 埼玉県 Saitama
12 千葉県 Chiba
13 東京都 Tokyo
14 神奈川県 Kanagawa
15 新潟県 Niigata
16 富山県 Toyama
17 石川県 Ishikawa
18 福井県 Fukui
19 山梨県 Yamanashi
20 長野県 Nagano
21 岐阜県 Gifu
22 静岡県 Shizuoka
23 愛知県 Aichi
24 三重県 Mie
25 滋賀県 Shiga
26 京都府 Kyoto
27 大阪府 Osaka
28 兵庫県 Hyogo
29 奈良県 Nara
30 和歌山県 Wakayama
31 鳥取県 Tottori
32 島根県 Shimane
33 岡山県 Okayama
34 広島県 Hiroshima
35 山口県 Yamaguchi
36 徳島県 Tokushima
37 香川県 Kagawa
38 愛媛県 Ehime
39 高知県 Kochi
40 福岡県 Fukuoka
41 佐賀県 Saga
42 長崎県 Nagasaki
43 熊本県 Kumamoto
44 大分県 Oita
45 宮崎県 Miyazaki
46 鹿児島県 Kagoshima
47 沖縄県 Okinawa"""

PREFECTURES: tuple[Prefecture, ...] = tuple(
    Prefecture(*line.split()) for line in _PREFECTURES.splitlines()
)


def short_name(name: str) -> str:
    """東京都 → 東京, 北海道 stays (道 is part of the name), 大阪府 → 大阪."""
    if name == "北海道":
        return name
    return name[:-1] if name[-1] in "都府県" else name


def _rows(file: str) -> list[dict[str, str]]:
    text = resources.files("nenpo.japan").joinpath(f"data/{file}").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def municipalities() -> tuple[Place, ...]:
    """The 1,741 municipalities (市, 特別区, 町, 村), in code order."""
    return tuple(Place(r["code"], r["prefecture"], r["name"]) for r in _rows("municipalities.csv"))


@cache
def wards() -> tuple[Place, ...]:
    """The 171 wards of the designated cities (札幌市中央区 …), in code order."""
    return tuple(
        Place(r["code"], r["prefecture"], r["city"] + r["name"]) for r in _rows("wards.csv")
    )


@cache
def places() -> dict[str, Place]:
    """Every municipality and ward by its 6-digit code."""
    return {p.code: p for p in (*municipalities(), *wards())}


@cache
def _ward_names() -> dict[str, str]:
    """Ward code → the ward's own name (中央区)."""
    return {r["code"]: r["name"] for r in _rows("wards.csv")}


def describe(kind: Kind, code: str) -> str:
    """A code as people read it: 012203 → 北海道士別市, 13 → 東京都."""
    if kind == "prefecture":
        return _PREF_BY_CODE[code].name
    return places()[code].full_name


_PREF_BY_CODE = {p.code: p for p in PREFECTURES}
_PREF_BY_LG = {p.lg_code: p.code for p in PREFECTURES}

# --- names ------------------------------------------------------------------------------------

# Characters written for one another in place names: 旧字体 and variants (檮原町 for 梼原町,
# 龍ケ崎市 as 竜ヶ崎市). A name is matched exactly first; only when nothing matches is it
# matched with these folded, so 鹿島市 stays 佐賀県鹿島市 while 鹿嶋市's variants still find it.
_VARIANTS = str.maketrans(
    {
        "ヶ": "ケ",
        "ヵ": "カ",
        "檮": "梼",
        "﨑": "崎",
        "嵜": "崎",
        "髙": "高",
        "邊": "辺",
        "邉": "辺",
        "澤": "沢",
        "嶋": "島",
        "龍": "竜",
        "舘": "館",
        "條": "条",
        "曾": "曽",
        "禰": "祢",
        "鯵": "鰺",
        "冨": "富",
        "德": "徳",
        "國": "国",
        "廣": "広",
        "濱": "浜",
        "濵": "浜",
        "驒": "騨",
        "槇": "槙",
        "藪": "薮",
        "籠": "篭",
        "瀨": "瀬",
        "眞": "真",
        "峯": "峰",
    }
)
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """NFKC (full-width letters and digits to ASCII) and no whitespace: how names are compared."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text))


def fold(text: str) -> str:
    """A normalised name with variant characters folded: 檮原町 → 梼原町, 竜ヶ崎市 → 竜ケ崎市."""
    return normalise(text).translate(_VARIANTS)


@dataclass
class _NameIndex:
    exact: dict[str, set[str]] = field(default_factory=dict)
    folded: dict[str, set[str]] = field(default_factory=dict)

    def add(self, name: str, code: str) -> None:
        self.exact.setdefault(normalise(name), set()).add(code)
        self.folded.setdefault(fold(name), set()).add(code)

    def find(self, text: str, prefecture: str | None = None) -> set[str]:
        """The codes of a name: written exactly, else with variants folded; within
        `prefecture` (a JIS X 0401 code) when given."""
        for found in (self.exact.get(normalise(text), set()), self.folded.get(fold(text), set())):
            found = {c for c in found if prefecture is None or c[:2] == prefecture}
            if found:
                return found
        return set()


@cache
def _municipality_names() -> _NameIndex:
    """Names → codes: 北海道札幌市, 札幌市; a ward also 札幌市中央区 and 中央区."""
    index = _NameIndex()
    ward_names = _ward_names()
    for p in (*municipalities(), *wards()):
        index.add(p.full_name, p.code)
        index.add(p.name, p.code)
        if p.code in ward_names:
            index.add(ward_names[p.code], p.code)
    return index


@cache
def _prefecture_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for p in PREFECTURES:
        for n in (p.name, p.short, p.en, p.en.lower(), p.en.upper()):
            names[normalise(n)] = p.code
    return names


def prefecture_of(value: object) -> str | None:
    """The prefecture a cell names in any form (13, 東京都, 東京, Tokyo, 130001), or None."""
    if isinstance(value, str):
        found = _prefecture_names().get(normalise(value))
        if found:
            return found
    for codes in _code_readings("prefecture", value).values():
        return codes[0]
    return None


def _split_prefecture(text: str) -> tuple[str | None, str]:
    """北海道札幌市 → (01, 札幌市); a name without a prefecture → (None, name)."""
    key = normalise(text)
    for p in PREFECTURES:
        if key.startswith(p.name) and len(key) > len(p.name):
            return p.code, key[len(p.name) :]
    return None, key


# --- reading one value ------------------------------------------------------------------------

_DIGITS = re.compile(r"(\d+)(?:\.0+)?")


def digits(value: object) -> str | None:
    """The digits of a code cell as written: 12203, 12203.0, '012203', '１２２０３', '12203.0'."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value) if value >= 0 else None
    if isinstance(value, float):
        return str(int(value)) if value >= 0 and value == int(value) else None
    if isinstance(value, str):
        m = _DIGITS.fullmatch(normalise(value))
        return m[1] if m else None
    return None


def _code_readings(kind: Kind, value: object) -> dict[str, tuple[str, ...]]:
    d = digits(value)
    if d is None:
        return {}
    out: dict[str, tuple[str, ...]] = {}
    if kind == "municipality":
        known = places()
        six = d if len(d) == 6 else "0" + d if len(d) == 5 else None
        if six in known:
            out["jis6"] = (six,)
        five = d if len(d) == 5 else "0" + d if len(d) == 4 else None
        if five is not None and with_check_digit(five) in known:
            out["jis5"] = (with_check_digit(five),)
        return out
    if len(d) <= 2 and d.isdigit() and 1 <= int(d) <= 47:
        out["jis2"] = (f"{int(d):02d}",)
    six = d if len(d) == 6 else "0" + d if len(d) == 5 else None
    if six in _PREF_BY_LG:
        out["jis6"] = (_PREF_BY_LG[six],)
    five = d if len(d) == 5 else "0" + d if len(d) == 4 else None
    if five is not None and five.endswith("000") and five[:2] in _PREF_BY_CODE:
        out["jis5"] = (five[:2],)
    return out


def readings(
    kind: Kind, value: object, prefecture: str | None = None
) -> dict[str, tuple[str, ...]]:
    """Every form a value reads in, with the codes it reads as there (a name may fit several).

    `prefecture` (a JIS X 0401 code) narrows names to that prefecture: 府中市 with 東京都.
    """
    found = _code_readings(kind, value)
    if found or not isinstance(value, str) or digits(value) is not None:
        return found
    if kind == "prefecture":
        code = _prefecture_names().get(normalise(value))
        return {"name": (code,)} if code else {}
    names = _municipality_names()
    pref, rest = _split_prefecture(value)
    if pref is None:
        codes = names.find(value, prefecture)
    elif prefecture is None or prefecture == pref:
        codes = names.find(rest, pref)
    else:
        codes = set()  # 北海道札幌市 in a row whose prefecture column says 青森県
    return {"name": tuple(sorted(codes))} if codes else {}


def shape(value: object) -> str:
    """What a value looks like, for telling a column's forms apart: its number of digits."""
    d = digits(value)
    return f"{len(d)} digits" if d is not None else "name"
