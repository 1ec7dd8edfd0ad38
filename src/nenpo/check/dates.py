"""Dates typed in text: each must be a date of the data its sentence (heading, or place) is
about — the periods of the references beside it, of its section's references and charts, of
the indicator a description describes — or the report's period, or the organisation's founding.

A date agrees with a period when it is that period, contains it (2024年 for 2024-07; 2023年度
for a survey of 2023-07), or is its end (2023年度末 for FY2023; a day of a month's data). A
calendar year is never a fiscal year (2023年 ≠ 2023年度). Japanese-era dates are read with the
era table of the formats (令和6年7月); one that does not exist (平成34年) is an error.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from ..japan.periods import Period
from ..japan.typed_dates import TypedDate, date_ranges, period_of
from . import memo
from .findings import Finding
from .lexicon import Lexicon
from .passages import Para, Ref

REPORT_CUE = re.compile(
    r"本報告|本資料|本年次報告|対象期間|報告期間|過去1年間|この報告|本レポート|"
    r"this report|report period|reporting period|report covers|covers its|period covered|"
    r"past year|year under review",
    re.I,
)
FOUNDING_CUE = re.compile(r"発足|設立|創設|創立|開庁|founded|established|launched|set up", re.I)
PUBLISHED = re.compile(
    r"公表|発表|報道|資料|報告書|年次報告|白書|答弁|記事|プレスリリース|会見|閣議|note|"
    r"publish|press|report|release|white paper|article|answer",
    re.I,
)
_DURATION = {
    "ja": re.compile(r"(?P<n>\d+|[一二三四五六七八九十])年(?:間|が|を|目|に|の)"),
    "en": re.compile(
        r"\b(?P<n>\d+|one|two|three|four|five|six|seven|eight|nine|ten)\s+years?\b", re.I
    ),
}
_NUMBER_WORDS = {
    w: i + 1
    for i, w in enumerate(
        ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    )
}
_NUMBER_WORDS |= {k: i + 1 for i, k in enumerate("一二三四五六七八九十")}


def agrees(t: Period, p: Period) -> bool:
    """A typed period `t` may be written for data at `p` (see the module's docstring)."""
    if t == p:
        return True
    if t.precision == p.precision:
        return False
    if t.start <= p.start and p.end <= t.end:
        return True
    if p.start <= t.start and t.end <= p.end:
        return p.precision == "month" or t.end == p.end
    return False


def _series_periods(lex: Lexicon, targets: set[str]) -> list[Period]:
    out: list[Period] = []
    for t in targets:
        for s in lex.values.series(t):
            out.extend(p.period for p in s.points if p.period is not None)
    return out


def check(para: Para, lex: Lexicon, taken: list[tuple[int, int]]) -> Iterator[Finding]:
    """Typed dates and durations of a paragraph against the data and the report."""
    ds = [d for d in memo.dates(para.text, para.lang) if not d.name]
    taken.extend((d.start, d.end) for d in ds)
    for m in _DURATION[para.lang].finditer(para.text):
        taken.append((m.start(), m.end()))
    ranges = date_ranges(para.text, ds, para.lang)
    for s0, s1 in para.sentences():
        sentence = para.text[s0:s1]
        refs = [r for r in para.refs if s0 <= r.start < s1]
        yield from _pinned(para, lex, refs)
        mine = [d for d in ds if s0 <= d.start < s1]
        for d in mine:
            try:
                t = period_of(d)
            except ValueError as exc:
                yield lex.ctx.finding(
                    "wareki",
                    para.file,
                    para.line_at(d.start),
                    str(exc),
                    "write the date in the era it falls in (2019年5月1日 onwards is 令和), or as "
                    "a Western date",
                )
                continue
            if _report_cued(para.text, s0, d) and (
                d.boundary in ("from", "to") or any(d in r for r in ranges)
            ):
                yield from _report_period(para, lex, d, t, ranges)
                continue
            if FOUNDING_CUE.search(sentence) and _names_organisation(lex, sentence):
                yield from _founding(para, lex, d, t)
                continue
            yield from _typed(para, lex, d, t, refs, sentence)
        if FOUNDING_CUE.search(sentence) and _names_organisation(lex, sentence):
            yield from _years_since(para, lex, sentence, s0)


def _names_organisation(lex: Lexicon, sentence: str) -> bool:
    name = lex.ctx.ws.organisation.name
    words = [name.ja, name.en or "", "当庁", "the agency"]
    return any(w and w.lower() in sentence.lower() for w in words)


def _pinned(para: Para, lex: Lexicon, refs: list[Ref]) -> Iterator[Finding]:
    """{{ last X }} beside {{ value X at=P }}: once X has newer data, they name two dates."""
    for d in refs:
        if d.kind not in ("first", "last") or not d.periods:
            continue
        pinned = [r for r in refs if r.kind == "value" and r.target == d.target and r.periods]
        if pinned and not any(r.periods[0] == d.periods[0] for r in pinned):
            yield lex.ctx.finding(
                "pinned-date",
                para.file,
                para.line_at(d.start),
                f"{{{{{d.inner}}}}} prints {d.periods[0]}, but the value beside it is pinned to "
                f"{', '.join(str(r.periods[0]) for r in pinned)}",
                "pin the date too (write the date), or drop at= so both follow the data",
            )


def _report_period(
    para: Para, lex: Lexicon, d: TypedDate, t: Period, ranges: list[tuple[TypedDate, TypedDate]]
) -> Iterator[Finding]:
    rep = lex.ctx.ws.report
    first = Period(rep.period_start, "day")
    last = Period(rep.period_end, "day")
    end_side = d.boundary in ("to", "before") or any(d is b for _a, b in ranges)
    want = last if end_side else first
    if not agrees(t, want):
        yield lex.ctx.finding(
            "report-period",
            para.file,
            para.line_at(d.start),
            f"{d.text!r} is said to {'end' if end_side else 'start'} the report's period, which "
            f"runs from {rep.period_start} to {rep.period_end} (nenpo.yaml)",
            "write the report period of nenpo.yaml (report.period_start, period_end)",
        )


def _founding(para: Para, lex: Lexicon, d: TypedDate, t: Period) -> Iterator[Finding]:
    founded = lex.ctx.ws.organisation.founded
    if founded is None or agrees(t, Period(founded, "day")) or PUBLISHED.search(d.text):
        return
    yield lex.ctx.finding(
        "organisation-fact",
        para.file,
        para.line_at(d.start),
        f"{d.text!r} is given as the founding date, but the organisation was founded on "
        f"{founded} (nenpo.yaml, organisation.founded)",
        "write the founding date of nenpo.yaml",
    )


def _years_since(para: Para, lex: Lexicon, sentence: str, s0: int) -> Iterator[Finding]:
    founded = lex.ctx.ws.organisation.founded
    if founded is None:
        return
    years = (lex.ctx.ws.report.period_end - founded).days / 365.2425
    ok = {round(years), math.ceil(years - 1e-9)}  # 設立から3年 the day before the third year ends
    for m in _DURATION[para.lang].finditer(sentence):
        raw = m["n"].lower()
        n = int(raw) if raw.isdigit() else _NUMBER_WORDS[raw]
        if n not in ok:
            yield lex.ctx.finding(
                "organisation-fact",
                para.file,
                para.line_at(s0 + m.start()),
                f"{m.group(0)!r} since the founding ({founded}): by the end of the report period "
                f"({lex.ctx.ws.report.period_end}) it is {years:.1f} years",
                f"write {round(years)}",
            )


COMPARED = re.compile(r"(?:than|compared (?:with|to)|versus|vs\.?|from)\s+(?:in\s+|on\s+)?$", re.I)
COMPARED_JA = re.compile(r"\s*(?:と比べ|に比べ|比|から|より|以来|の[^、。]{0,8}から)")


def _after_list(text: str, d: TypedDate, lex: Lexicon, lang: str) -> int:
    """Where the words after a date begin, past dates listed with it (2022年7月と2023年7月の値)."""
    end = d.end
    for other in memo.dates(text[end:], lang):
        gap = text[end : end + other.start]
        if not re.fullmatch(r"\s*(?:と|、|,|及び|および|and|or)\s*", gap):
            break
        end += other.end
    return end


AS_OF = re.compile(r"\s*(?:時点|現在|末|の値|の数値|は)")
AS_OF_BEFORE = re.compile(r"(?:as of|at the end of|values? (?:for|of|on)|figures? for)\s+$", re.I)


def _report_cued(text: str, s0: int, d: TypedDate) -> bool:
    """A date that the words just before it give as the report's period (本報告では、…)."""
    return bool(REPORT_CUE.search(text[max(s0, d.start - 40) : d.start]))


def _aside(text: str, d: TypedDate) -> bool:
    """A date in brackets with other words: an attribution (the Prime Minister, December 2021;
    2024年3月公表), not the date of a value."""
    open_ = max(text.rfind("(", 0, d.start), text.rfind("（", 0, d.start))
    if open_ < 0 or max(text.rfind(")", 0, d.start), text.rfind("）", 0, d.start)) > open_:
        return False
    close = min(i for i in (text.find(")", d.end), text.find("）", d.end), len(text)) if i >= 0)
    rest = (text[open_ + 1 : d.start] + text[d.end : close]).strip()
    return bool(re.sub(r"時点|現在|末|as of|at the end of|[\s,、。.]", "", rest))


def _typed(
    para: Para, lex: Lexicon, d: TypedDate, t: Period, refs: list[Ref], sentence: str
) -> Iterator[Finding]:
    text = para.text
    after = _after_list(text, d, lex, para.lang)
    as_of = bool(AS_OF.match(text, after)) or bool(
        AS_OF_BEFORE.search(text[max(0, d.start - 20) : d.start])
    )
    compared = COMPARED.search(text[max(0, d.start - 20) : d.start]) or COMPARED_JA.match(
        text, after
    )
    periods = [p for r in refs for p in r.periods]
    about: set[str] = {r.target for r in refs if r.target}
    if para.heading:
        periods += [p for r in para.section for p in r.periods]
        about |= {r.target for r in para.section if r.target}
        for c in para.charts:
            chart = next((x for x in lex.ctx.ws.charts if x.id == c), None)
            if chart is not None and chart.indicator:
                about.add(chart.indicator)
                periods += _series_periods(lex, {chart.indicator})
    if not periods and para.owner and para.strong:
        if not as_of:
            return  # a description's other dates (a policy revised in 2024年12月) are events
        about = set(para.owner)
        periods = _series_periods(lex, about)
    if not periods:
        return  # a date with no data beside it (a milestone): nothing to compare with
    # Targets are dates of the data too (2022年度に1万人).
    periods += [p.period for k in about for s in lex.values.series(k) for p in s.points
                if p.target and p.period is not None]  # fmt: skip
    if any(agrees(t, p) for p in periods):
        return
    if compared and any(agrees(t, p) for p in _series_periods(lex, about)):
        return  # 534 fewer than in July 2024: the other end of a comparison
    if not as_of:
        if _aside(text, d):
            return
        if d.boundary in ("after", "before"):
            return  # 2024年9月1日以降: a bound, not a date of the data
        if d.boundary and any(_overlap(t, p) for p in _series_periods(lex, about)):
            return  # 2017年7月から (within FY2017), from 2023年9月
        if PUBLISHED.search(text[max(0, d.start - 10) : d.start]) or PUBLISHED.search(
            text[d.end : d.end + 8]
        ):
            return  # a publication's date (note（2024年9月）, 2023年デジタル庁年次報告)
    shown = ", ".join(sorted({str(p) for p in periods})[:8])
    hint = "reference the date so it follows the data: {{ last … }} or {{ first … }}"
    if t.precision in ("year", "fiscal_year") and any(
        p.precision in ("year", "fiscal_year") and p.start.year == t.start.year for p in periods
    ):
        hint = "a 年度 (fiscal year, April to March) is not a calendar year: " + hint
    yield lex.ctx.finding(
        "typed-date",
        para.file,
        para.line_at(d.start),
        f"{para.text[d.start : d.end]!r} is not a date of the data this text is about ({shown})",
        hint,
    )


def _overlap(t: Period, p: Period) -> bool:
    return t.start <= p.end and p.start <= t.end
