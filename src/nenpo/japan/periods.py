"""Periods as Japanese public bodies write them: 日付・年月・年・年度 (April to March) and 和暦.

One home for each: the `Period` (parse the canonical forms, print labels: 2024.7, 2024年7月,
July 2024, 2023年度, FY2023), the era table (`ERAS`, with the day each era began), printing in
和暦 (`wareki`: 令和6年7月, 令和元年度) and one parser for every written form, 和暦 included
(`parse_written`: 2024/7/31, 令和6年7月末, R6.7, 平成31年度 …; `parse_wareki` for text that must
be written in an era). Errors are ValueError with a message that says what was expected; callers
(the importer's cells, the check) wrap them in their own.
"""

from __future__ import annotations

import calendar
import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Literal, NamedTuple

Precision = Literal["day", "month", "year", "fiscal_year"]

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_FY = re.compile(r"^(?:FY(\d{4})|(\d{4})年度)$")

FORMATS = "YYYY-MM-DD, YYYY-MM, YYYY or FY2023 (年度)"


@dataclass(frozen=True, order=True)
class Period:
    """A day, month, calendar year or fiscal year (年度: April to March), ordered by its start."""

    start: date
    precision: Precision

    @classmethod
    def parse(cls, text: str | date) -> Period:
        """Parse the canonical forms; raise ValueError naming the accepted forms otherwise."""
        if isinstance(text, date):
            return cls(text, "day")
        # A store of a million observations holds a few hundred distinct periods: parse each
        # once (a Period is immutable, and errors are never cached).
        return _parse_text(str(text).strip())

    @classmethod
    def _parse(cls, s: str) -> Period:
        try:
            if m := _DAY.match(s):
                return cls(date(int(m[1]), int(m[2]), int(m[3])), "day")
            if m := _MONTH.match(s):
                return cls(date(int(m[1]), int(m[2]), 1), "month")
            if m := _YEAR.match(s):
                return cls(date(int(m[1]), 1, 1), "year")
            if m := _FY.match(s):
                return cls(date(int(m[1] or m[2]), 4, 1), "fiscal_year")
        except ValueError as exc:  # e.g. month 13
            raise ValueError(f"{s!r} is not a real date ({exc})") from None
        raise ValueError(f"{s!r} is not a date; expected {FORMATS}")

    @property
    def end(self) -> date:
        """Last day of the period."""
        y, m = self.start.year, self.start.month
        if self.precision == "day":
            return self.start
        if self.precision == "month":
            return date(y, m, calendar.monthrange(y, m)[1])
        if self.precision == "year":
            return date(y, 12, 31)
        return date(y + 1, 3, 31)

    @property
    def key(self) -> str:
        """Canonical text, as written in workspace files and stored."""
        d = self.start
        if self.precision == "day":
            return d.isoformat()
        if self.precision == "month":
            return f"{d.year:04d}-{d.month:02d}"
        if self.precision == "year":
            return f"{d.year:04d}"
        return f"FY{d.year:04d}"

    def label(self, style: str = "dot", lang: str = "ja") -> str:
        """Human label: 'dot' as the seed's axes (2024.7, 2022.12.31), 'long' as prose."""
        d = self.start
        if self.precision == "fiscal_year":
            return f"{d.year}年度" if lang == "ja" else f"FY{d.year}"
        if style == "dot":
            if self.precision == "day":
                return f"{d.year}.{d.month}.{d.day}"
            if self.precision == "month":
                return f"{d.year}.{d.month}"
            return f"{d.year}"
        if lang == "en":
            if self.precision == "day":
                return f"{d.day} {calendar.month_name[d.month]} {d.year}"
            if self.precision == "month":
                return f"{calendar.month_name[d.month]} {d.year}"
            return f"{d.year}"
        if self.precision == "day":
            return f"{d.year}年{d.month}月{d.day}日"
        if self.precision == "month":
            return f"{d.year}年{d.month}月"
        return f"{d.year}年"

    def __str__(self) -> str:
        return self.key


_parse_text = functools.lru_cache(maxsize=1 << 16)(Period._parse)


class Era(NamedTuple):
    name: str
    en: str
    letter: str  # as tables abbreviate it: R6.7.31
    start: date  # the day its 元年 began


# The modern eras, newest first. Each began on the day of its change of era (改元日) except 明治,
# whose first year was declared (一世一元の詔, 1868-10-23) to run from the first day of 慶応4年,
# 1868-01-25 in the Gregorian calendar.
ERAS: tuple[Era, ...] = (
    Era("令和", "Reiwa", "R", date(2019, 5, 1)),
    Era("平成", "Heisei", "H", date(1989, 1, 8)),
    Era("昭和", "Showa", "S", date(1926, 12, 25)),
    Era("大正", "Taisho", "T", date(1912, 7, 30)),
    Era("明治", "Meiji", "M", date(1868, 1, 25)),
)
_BY_NAME = {e.name: e for e in ERAS}
_BY_LETTER = {e.letter: e for e in ERAS}


def era_end(era: Era) -> date | None:
    """The day the next era began (None for the current one)."""
    later = [e.start for e in ERAS if e.start > era.start]
    return min(later) if later else None


def wareki_year(d: date) -> tuple[str, int]:
    """The era and year of the Japanese calendar (和暦) a date falls in."""
    for era in ERAS:
        if d >= era.start:
            return era.name, d.year - era.start.year + 1
    raise ValueError(f"{d} is before the Meiji era")


def wareki(period: Period) -> str:
    """Period in 和暦: 令和6年7月, 令和元年5月1日, 令和5年度."""
    d = period.start
    if period.precision in ("year", "fiscal_year"):
        # A year that saw two eras is named by the later one (2019 → 令和元年, FY2019 → 令和元年度,
        # as official documents wrote it), i.e. by the era in effect on 31 December.
        era, y = wareki_year(date(d.year, 12, 31))
        suffix = "年度" if period.precision == "fiscal_year" else "年"
        return f"{era}{_gannen(y)}{suffix}"
    # A month that began just before 明治 (1868-01) is named by the era it ends in.
    era, y = wareki_year(max(d, ERAS[-1].start) if period.precision == "month" else d)
    if period.precision == "month":
        return f"{era}{_gannen(y)}年{d.month}月"
    return f"{era}{_gannen(y)}年{d.month}月{d.day}日"


def _gannen(y: int) -> str:
    return "元" if y == 1 else str(y)


def date_label(period: Period, style: str = "long", lang: str = "ja") -> str:
    """A period for prose: long (2024年7月 / July 2024), dot (2024.7) or wareki (令和6年7月)."""
    if style == "wareki":
        return wareki(period) if lang == "ja" else period.label("long", "en")
    return period.label(style, lang)


# Every written form of a date or period, 和暦 included: 2024/7/31, 2024年7月末, 令和6年7月末,
# R6.7.31, 平成31年度, 20240731. Matched after NFKC (full-width digits) with no whitespace.
_ERA_NAMES = "|".join(e.name for e in ERAS)
_ERA_LETTERS = "".join(e.letter for e in ERAS)
_WRITTEN_YEAR = rf"(?:(?P<era>{_ERA_NAMES}|[{_ERA_LETTERS}]\.?)(?P<ey>元|\d{{1,3}})|(?P<y>\d{{4}}))"
_SEP = r"(?:年|[/\-.])"
_MSEP = r"(?:月|[/\-.])"
_WRITTEN: list[tuple[re.Pattern[str], Precision]] = [
    (re.compile(rf"{_WRITTEN_YEAR}年度"), "fiscal_year"),
    (re.compile(rf"FY{_WRITTEN_YEAR}"), "fiscal_year"),
    (re.compile(rf"{_WRITTEN_YEAR}{_SEP}(?P<m>\d{{1,2}}){_MSEP}(?P<d>\d{{1,2}})日?"), "day"),
    (
        re.compile(rf"{_WRITTEN_YEAR}{_SEP}(?P<m>\d{{1,2}})月?(?P<end>末日?|月末|末時点|時点|分)?"),
        "month",
    ),
    (re.compile(rf"{_WRITTEN_YEAR}年?"), "year"),
    (re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"), "day"),
    (re.compile(r"(?P<y>\d{4})(?P<m>\d{2})"), "month"),
]
ACCEPTED = (
    "2024-07-31, 2024/7/31, 2024年7月31日, 2024-07, 2024年7月(末), 2024, FY2024, 2024年度, "
    "令和6年7月末, 令和元年度, R6.7.31"
)
_SPACES = re.compile(r"\s+")

# A date written inside other text (a table's title, a sheet's name): 交付状況(2022年12月31日時点),
# 令和4年12月末, 2022/12/31, 20221231. Each candidate is then read by `parse_written`.
DATE_IN_TEXT = re.compile(
    rf"(?:{_ERA_NAMES}|[{_ERA_LETTERS}]\.?)?(?:元|\d{{1,4}})年度?(?:\d{{1,2}}月(?:\d{{1,2}}日|末)?)?"
    r"|\d{4}[/.\-]\d{1,2}(?:[/.\-]\d{1,2})?|FY\d{4}|\d{8}|\d{6}"
)


def parse_written(text: str) -> Period:
    """A date or period in any of the forms in ACCEPTED; ValueError saying why otherwise."""
    return _parse_written(text)[0]


def parse_wareki(text: str) -> Period:
    """A period written in an era: 令和6年7月(末) → 2024-07, 令和元年5月1日 → 2019-05-01,
    令和5年度 → FY2023 (the inverse of `wareki`); a date outside its era is an error."""
    period, era = _parse_written(text)
    if era is None:
        raise ValueError(f"{text!r} is not a Japanese-era date such as 令和6年7月 or 令和5年度")
    return period


def _parse_written(text: str) -> tuple[Period, Era | None]:
    s = _SPACES.sub("", unicodedata.normalize("NFKC", text))
    for pattern, precision in _WRITTEN:
        m = pattern.fullmatch(s)
        if m is None:
            continue
        groups = m.groupdict()
        era = _era(groups.get("era"))
        year = _year(m, era, text)
        if precision == "fiscal_year":
            period = Period(date(year, 4, 1), "fiscal_year")
        else:
            try:
                start = date(year, int(groups.get("m") or 1), int(groups.get("d") or 1))
            except ValueError:
                raise ValueError(f"{text!r} is not a real date") from None
            period = Period(start, precision)
        if era is not None:
            _check_era(era, period, text)
        return period, era
    raise ValueError(f"{text!r} is not a date; expected a form such as {ACCEPTED}")


def _era(written: str | None) -> Era | None:
    if not written:
        return None
    name = written.rstrip(".")
    return _BY_NAME.get(name) or _BY_LETTER[name]


def _year(m: re.Match[str], era: Era | None, text: str) -> int:
    if era is None:
        return int(m["y"])
    n = 1 if m["ey"] == "元" else int(m["ey"])
    if n < 1:
        raise ValueError(f"{text!r}: an era year starts at 元年 (1)")
    return era.start.year + n - 1


def _check_era(era: Era, period: Period, text: str) -> None:
    """令和元年4月 did not exist (令和 began on 1 May 2019): say so rather than guess.

    A year or fiscal year named in an era that had ended by then is read on (平成32年度 is
    FY2020, as plans written before 2019 say); a day or month is not.
    """
    if period.end < era.start:
        raise ValueError(f"{text!r} is before {era.name} began ({era.start.isoformat()})")
    end = era_end(era)
    if end is not None and period.precision in ("day", "month") and period.start >= end:
        nxt = next(e for e in ERAS if e.start == end)
        raise ValueError(
            f"{text!r} is after {era.name} ended; {nxt.name} began on {end.isoformat()}"
        )
