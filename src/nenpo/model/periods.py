"""Periods: the date or span an observation or survey wave refers to (日付・年月・年・年度)."""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

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
