"""Property tests (hypothesis) for the formats and the reference parser."""

from __future__ import annotations

import re
import shlex
from contextlib import suppress
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nenpo.japan import numbers, periods
from nenpo.japan.periods import ERAS, Period
from nenpo.japan.typed import find_figures
from nenpo.lookups.data import Data
from nenpo.model.workspace import Workspace
from nenpo.report import references

DATES = st.dates(min_value=date(1868, 10, 23), max_value=date(2200, 12, 31))


@given(st.integers(min_value=0, max_value=10**15))
def test_large_units_round_trip_within_rounding(n: int) -> None:
    """An indicator's format reads back as its value, within what it rounds away: every digit
    below a million, 万 to the unit up to 1億, 億 to two decimals beyond."""
    text = numbers.Display().number(n)
    unit = "億" if n >= 10**8 else "万" if n >= 10**6 else ""
    assert text.endswith(unit) if unit else text[-1].isdigit()
    half = {"": 0, "万": 5_000, "億": 500_000}[unit]
    assert abs(numbers.parse_large(text) - n) <= half + 1e-6


@given(DATES)
def test_wareki_round_trip_days(d: date) -> None:
    p = Period(d, "day")
    assert periods.parse_wareki(periods.wareki(p)) == p


@given(DATES)
def test_wareki_round_trip_months_years_and_fiscal_years(d: date) -> None:
    for p in (
        Period(d.replace(day=1), "month"),
        Period(date(d.year, 1, 1), "year"),
        Period(date(d.year, 4, 1), "fiscal_year"),
    ):
        text = periods.wareki(p)
        assert periods.parse_wareki(text) == p, text


@given(DATES)
def test_wareki_year_one_is_gannen(d: date) -> None:
    text = periods.wareki(Period(d, "day"))
    era, year = periods.wareki_year(d)
    assert text.startswith(era)
    assert ("元年" in text) == (year == 1)


def test_era_boundaries() -> None:
    for name, _en, _letter, start in ERAS:
        assert periods.wareki(Period(start, "day")).startswith(f"{name}元年")
        before = date.fromordinal(start.toordinal() - 1)
        if start.year > 1868:
            assert not periods.wareki(Period(before, "day")).startswith(name)


@given(st.integers(min_value=1869, max_value=2200))
def test_fiscal_year_runs_april_to_march(year: int) -> None:
    p = Period.parse(f"FY{year}")
    assert (p.start, p.end) == (date(year, 4, 1), date(year + 1, 3, 31))
    assert Period.parse(f"{year}年度") == p


@settings(max_examples=300)
@given(st.text())
def test_reference_parser_never_crashes(text: str) -> None:
    for _start, _end, inner in references.find(text):
        with suppress(references.ReferenceError_):
            references.parse(inner)


@settings(max_examples=300)
@given(
    st.text(
        alphabet=st.sampled_from(list("{} =\"'valuechgsr0123456789.-_約%万人abcxyz\n")), max_size=60
    )
)
def test_reference_parser_on_reference_like_text(text: str) -> None:
    for _start, _end, inner in references.find("{{" + text + "}}"):
        try:
            ref = references.parse(inner)
        except references.ReferenceError_:
            continue
        assert ref.kind in references.KINDS


@settings(max_examples=500)
@given(
    st.sampled_from(sorted(references.KINDS)),
    st.text(alphabet=st.sampled_from(list("ab= \t\r\n\u3000\xa0約%万\"'\\#0")), max_size=30),
)
def test_reference_parser_splits_as_shlex_does(kind: str, rest: str) -> None:
    """The parser skips shlex where nothing is quoted: the parts are shlex's all the same."""
    inner = f" {kind} {rest}"
    try:
        expected = shlex.split(inner)
    except ValueError:
        with pytest.raises(references.ReferenceError_):  # an unclosed quote, reported
            references.parse(inner)
        return
    options = expected[2:]
    if len(expected) < 2 or any(not k or not v for k, _, v in (o.partition("=") for o in options)):
        with pytest.raises(references.ReferenceError_):
            references.parse(inner)
        return
    ref = references.parse(inner)
    assert (ref.kind, ref.target) == (expected[0], expected[1])
    assert ref.options == {k: v for k, _, v in (o.partition("=") for o in options)}


@given(st.text(), st.sampled_from(["ja", "en"]))
def test_figure_finder_never_crashes(text: str, lang: str) -> None:
    for fig in find_figures(text, lang):
        assert fig.half > 0 and 0 <= fig.start < fig.end <= len(text)


@given(st.floats(min_value=-99.99, max_value=99.99, allow_nan=False), st.sampled_from(["ja", "en"]))
def test_a_change_in_points_reads_back_as_points(diff: float, lang: str) -> None:
    """What a change in points prints (+6.80ポイント; in English +6.80 pp; `format=pt` is the
    same) is read by the check as points."""
    ws = Workspace.model_validate(
        {
            "organisation": {"name": "x"},
            "report": {"title": "x", "period_start": "2023-09-01", "period_end": "2024-08-31"},
            "sources": [{"id": "s", "title": "s"}],
            "indicators": [
                {
                    "id": "r",
                    "name": "r",
                    "unit": "%",
                    "decimals": 2,
                    "source": "s",
                    "provenance": "real",
                }
            ],
            "observations": [
                {"indicator": "r", "period": "2023-11", "value": 50.0},
                {"indicator": "r", "period": "2024-07", "value": 50.0 + diff},
            ],
        }
    )
    res = references.resolve(
        references.parse("change r from=2023-11 to=2024-07 format=pt"), Data(ws), lang
    )
    assert res.text.endswith("ポイント" if lang == "ja" else " pp")
    (fig,) = find_figures(res.text, lang)
    assert fig.unit == "pt" and fig.admits(res.value or 0.0)


def _parsed(inner: str) -> object:
    try:
        return references.parse(inner)
    except references.ReferenceError_ as exc:
        return str(exc)


@given(
    st.sampled_from(["value", "change", "share", "chart", "bogus", ""]),
    st.text(alphabet="ab1=_ #;|&*?$`<>\t\n\r\"'\\\u3000\xa0\x0b国", max_size=24),
)
@settings(max_examples=400)
def test_a_reference_reads_as_shlex_reads_it(kind: str, rest: str) -> None:
    """parse splits a reference without shlex when it has no quote or backslash (a tenth of
    a check): the same reference, or the same error, as when every text goes through shlex."""
    inner = f" {kind} {rest} "
    fast = _parsed(inner)
    slow_path = re.compile("")  # matches every text: shlex always
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(references, "_QUOTING", slow_path)
        assert _parsed(inner) == fast
