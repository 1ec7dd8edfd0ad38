"""Dates and periods as authors type them in prose, Japanese and English: 2024年8月(末),
2023年度末, 令和6年7月, 2023〜2024年, FY2023, "10 August 2024", "the end of July 2023", and the
spans they make (2023年9月から2024年8月まで, "from September 2023 to August 2024").

Pure functions over a string; 和暦 is read by the one era table and parser of `periods`.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date

from .periods import ERAS, Period, parse_wareki
from .typed import _alt, normalise


@dataclass(frozen=True)
class TypedDate:
    """A date or period as typed: 2024年8月, 令和5年度末, FY2023, "10 August 2024"."""

    text: str  # the date itself, without 末 or "the end of"
    start: int
    end: int
    year: int  # the Western year, or the era's year when `era` is set (元年 → 1)
    month: int | None = None
    day: int | None = None
    fiscal: bool = False  # 年度, FY
    end_of: bool = False  # 末, "the end of": the period's last day
    era: str = ""  # 令和, 平成, … as typed
    name: bool = False  # a year used in a name (2023年デジタル庁年次報告, "the 2023 report")
    boundary: str = ""  # "from", "to", "after", "before" when worded so (から, まで, 以降, since)


ERA_NAMES = tuple(e.name for e in ERAS)
_JA_BOUNDARY = {"から": "from", "より": "from", "以降": "after", "以後": "after",
                "以前": "before", "まで": "to"}  # fmt: skip
_EN_BOUNDARY = {"from": "from", "since": "after", "after": "after", "until": "to", "till": "to",
                "to": "to", "by": "to", "before": "before", "through": "to"}  # fmt: skip
_MONTH_NAMES = (
    "January February March April May June July August September October November December"
)
_MONTHS = {m.lower(): i + 1 for i, m in enumerate(_MONTH_NAMES.split())}
_MONTHS |= {k[:3]: v for k, v in _MONTHS.items()} | {"sept": 9}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))


def _ja_dates_pattern(eras: tuple[str, ...]) -> re.Pattern[str]:
    era = f"(?P<era>{_alt(eras)})(?P<ey>元|\\d{{1,2}})" if eras else "(?P<era>(?!))(?P<ey>)"
    return re.compile(
        rf"(?:{era}|(?P<y>\d{{4}}))年"
        r"(?:(?P<fy>度)|(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})日)?)?"
        r"(?P<end>末)?"
    )


def find_dates_ja(text: str, eras: tuple[str, ...] = ERA_NAMES) -> list[TypedDate]:
    """Dates in Japanese text: 2024年8月(末), 2023年度(末), 令和6年7月, 2023〜2024年.

    `eras` are the era names to read (令和, 平成, …: those of the era table in periods)."""
    s = normalise(text)
    if "年" not in s:
        return []
    out: list[TypedDate] = []
    for m in _ja_dates_pattern(tuple(eras)).finditer(s):
        if m.start() and s[m.start() - 1].isdigit():
            continue
        year = 1 if m["ey"] == "元" else int(m["ey"] or m["y"])
        month = int(m["m"]) if m["m"] else None
        day = int(m["d"]) if m["d"] else None
        after = s[m.end() : m.end() + 3]
        bare = month is None and not m["fy"] and not m["end"]
        # 2023年デジタル庁年次報告: a year run into a name, not a date the text states
        name = (
            bare
            and bool(after)
            and not re.match(r"[のにはがもとでまかより以、。，．,.)）」\s]", after)
        )
        boundary = next((b for w, b in _JA_BOUNDARY.items() if after.startswith(w)), "")
        out.append(
            TypedDate(
                text[m.start() : m.end() - (1 if m["end"] else 0)],
                m.start(),
                m.end(),
                year,
                month,
                day,
                bool(m["fy"]),
                bool(m["end"]),
                m["era"] or "",
                name,
                boundary,
            )
        )
        # 2023〜2024年: the first year of a span of years
        span = re.search(r"(\d{4})\s*[～~\-–—]\s*$", s[max(0, m.start() - 8) : m.start()])
        if span and not m["era"] and bare:
            a = m.start() - (len(s[max(0, m.start() - 8) : m.start()]) - span.start(1))
            out.append(TypedDate(text[a : a + 4], a, a + 4, int(span.group(1)), boundary="from"))
    return sorted(out, key=lambda d: d.start)


_EN_DATE = re.compile(
    r"(?P<endof>the end of\s+)?"
    r"(?:(?P<fy>FY\s?|fiscal(?: year)?\s+)(?P<fyy>\d{4})"
    rf"|(?:(?P<d>\d{{1,2}})\s+)?(?P<mon>{_MONTH_RE})\.?\s+(?:(?P<d2>\d{{1,2}}),\s+)?(?P<y>\d{{4}})"
    r"|(?P<bare>(?:19|20)\d{2}))\b",
    re.I,
)
_EN_YEAR_BEFORE = re.compile(
    r"\b(in|since|from|to|until|till|by|during|of|between|and|before|after|through|"
    r"early|late|mid|end)\s+$",
    re.I,
)


def find_dates_en(text: str) -> list[TypedDate]:
    """Dates in English text: 10 August 2024, August 2024, FY2023, "in 2023" (a bare year only
    where a preposition or punctuation makes it a date, not "the 2023 report")."""
    s = normalise(text)
    if not re.search(r"\d{4}", s):
        return []
    out: list[TypedDate] = []
    for m in _EN_DATE.finditer(s):
        before = s[max(0, m.start() - 12) : m.start()]
        glued = m.start() and (s[m.start() - 1].isdigit() or s[m.start() - 1] in ",.")
        if glued and not m["mon"]:
            continue
        if m["bare"]:
            after = s[m.end() : m.end() + 2]
            dated = _EN_YEAR_BEFORE.search(before) or not after or after[0] in ".,;:)–-"
            if not dated or (after[:1] == " " and after[1:2].isdigit()):
                continue
        word = re.search(r"(\w+)\s+(?:the end of\s+)?$", before)
        boundary = _EN_BOUNDARY.get(word.group(1).lower(), "") if word else ""
        if m["fyy"]:
            year, month, day, fiscal = int(m["fyy"]), None, None, True
        elif m["mon"]:
            year, month, fiscal = int(m["y"]), _MONTHS[m["mon"].lower()], False
            day = int(m["d"] or m["d2"]) if (m["d"] or m["d2"]) else None
        else:
            year, month, day, fiscal = int(m["bare"]), None, None, False
        a = m.start() + (len(m["endof"]) if m["endof"] else 0)
        out.append(
            TypedDate(
                text[a : m.end()],
                m.start(),
                m.end(),
                year,
                month,
                day,
                fiscal,
                bool(m["endof"]),
                boundary=boundary,
            )
        )
    return out


def find_dates(text: str, lang: str, eras: tuple[str, ...] = ERA_NAMES) -> list[TypedDate]:
    """Dates typed in `text` written in `lang` ('ja' or 'en')."""
    return find_dates_en(text) if lang == "en" else find_dates_ja(text, eras)


def date_ranges(text: str, dates: list[TypedDate], lang: str) -> list[tuple[TypedDate, TypedDate]]:
    """Pairs of dates typed as one span: 2023年9月から2024年8月まで, "from A to B", A〜B."""
    joiner = (
        r"\s*(?:to|until|through|and|–|—|-)\s*"
        if lang == "en"
        else r"\s*(?:から|より|～|~|–|—|-|－)\s*"
    )
    s = normalise(text)
    out = []
    for a, b in itertools.pairwise(dates):
        if re.fullmatch(joiner, s[a.end : b.start], re.I):
            out.append((a, b))
    return out


def period_of(d: TypedDate) -> Period:
    """The period a typed date names (its last day for 末, "the end of"); ValueError for an
    era date that did not exist (平成34年12月31日), read by the one 和暦 parser."""
    if d.era:
        p = parse_wareki(d.text)
    elif d.fiscal:
        p = Period(date(d.year, 4, 1), "fiscal_year")
    elif d.day:
        p = Period(date(d.year, d.month or 1, d.day), "day")
    elif d.month:
        p = Period(date(d.year, d.month, 1), "month")
    else:
        p = Period(date(d.year, 1, 1), "year")
    return Period(p.end, "day") if d.end_of else p
