"""Reading figures and dates as authors type them (nenpo.japan.typed, typed_dates): what each
rounding word claims, round trips through the formatters, and properties over any text."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nenpo.japan import numbers
from nenpo.japan.periods import Period, date_label, wareki
from nenpo.japan.typed import find_figures, parse_figure
from nenpo.japan.typed_dates import date_ranges, find_dates, period_of


@pytest.mark.parametrize(
    ("text", "lang", "inside", "outside"),
    [
        ("約75%", "ja", [74.6, 75.4], [70, 80]),
        ("約70%", "ja", [68, 73], [75]),  # 約 never stretches past 5%
        ("約80%", "ja", [79, 83.9], [75]),
        ("約7割", "ja", [66, 74.9], [75, 64.9]),  # 75 rounds to 8割
        ("約8割", "ja", [79, 75], [85]),
        ("7割以上", "ja", [74.2, 70], [69.9]),
        ("9,300万枚を超え", "ja", [93_080_000], [93_000_000, 92_990_000]),
        ("8割を超える", "ja", [80.1], [80]),
        ("95%以上", "ja", [95.97, 95], [94.99]),
        ("97%以上", "ja", [97.0], [95.97]),
        ("8割近く", "ja", [80, 77], [81, 70]),
        ("半数を超え", "ja", [50.9], [50, 49]),
        ("約4分の3", "ja", [75, 72], [60]),
        ("1,105人", "ja", [1105, 1104.6], [1150, 1106]),
        ("１，１０５人", "ja", [1105], [1150]),
        ("9,308万", "ja", [93_080_000, 93_084_999], [93_090_000]),
        ("149万余", "ja", [1_490_000, 1_500_000], [1_480_000]),
        ("about 75%", "en", [75.3], [70]),
        ("over 93 million", "en", [93_080_000], [93_000_000]),
        ("more than 80%", "en", [80.5], [80]),
        ("nearly 30%", "en", [29.8], [30.5, 27]),
        ("at least 95%", "en", [95.97], [94]),
        ("under 5%", "en", [4.9], [5, 6]),
        ("93.8 million", "en", [93_800_000, 93_840_000], [93_080_000]),
        ("1,150 staff", "en", [1150], [1105]),
    ],
)
def test_rounding_words_set_tolerance_and_direction(
    text: str, lang: str, inside: list[float], outside: list[float]
) -> None:
    fig = parse_figure(text, lang)
    for x in inside:
        assert fig.admits(x), (text, x)
    for x in outside:
        assert not fig.admits(x), (text, x)


@pytest.mark.parametrize(
    ("text", "lang", "unit", "change", "complement"),
    [
        ("前回から1.3ポイント上昇", "ja", "pt", 1, False),
        ("（+6.08PT）", "ja", "pt", 0, False),
        ("発足時から534人増えています", "ja", "人", 1, False),
        ("1,105人に増えました", "ja", "人", 0, False),  # the level reached, not the change
        ("残りは約4%です", "ja", "%", 0, True),
        ("2.9%上昇", "ja", "%", 1, False),
        ("約1.9倍", "ja", "倍", 0, False),
        ("up 2.3 points since", "en", "pt", 1, False),
        ("(+8.6 pp)", "en", "pt", 0, False),
        ("534 fewer than in July 2024", "en", "", -1, False),
        ("the remaining 14% are", "en", "%", 0, True),
        ("more than three times the rate", "en", "倍", 0, False),
    ],
)
def test_change_and_rest_words(
    text: str, lang: str, unit: str, change: int, complement: bool
) -> None:
    (fig,) = [f for f in find_figures(text, lang) if not f.text.isdigit() or len(f.text) != 4]
    assert (fig.unit, fig.change, fig.complement) == (unit, change, complement)


@pytest.mark.parametrize(
    "text",
    ["第5回の会議", "G7の会合", "type 1 grant", "the 2023 report", "②の数値", "0～4歳は"],
)
def test_not_figures(text: str) -> None:
    lang = "en" if text.isascii() else "ja"
    assert [f.text for f in find_figures(text, lang) if f.unit not in ("歳",)] == []


def test_counts_carry_what_they_count() -> None:
    (a,) = find_figures("デジタル庁の3つの注力領域", "ja")
    (b,) = find_figures("47都道府県の交付枚数率", "ja")
    (c,) = find_figures("約130の市区町村で", "ja")
    assert (a.value, a.noun) == (3, "注力領域")
    assert (b.value, b.noun) == (47, "都道府県")
    assert (c.value, c.noun, c.approx) == (130, "市区町村", True)
    (w,) = find_figures("全1,788団体のうち", "ja")
    assert w.whole


@given(st.integers(min_value=1, max_value=10**12))
def test_large_units_read_back(n: int) -> None:
    """What an indicator's format prints (in 万/億 from a million) reads back as a figure that
    admits the value."""
    text = numbers.Display("枚").value(n)
    (fig,) = find_figures(text, "ja")
    assert fig.admits(n) and fig.unit == "枚"


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=3))
def test_numbers_read_back_in_both_languages(n: int, decimals: int) -> None:
    value = n / 10**decimals
    for lang, unit in (("ja", "人"), ("en", "%")):
        text = numbers.with_unit(numbers.number(value, decimals), unit, lang)
        (fig,) = find_figures(text, lang)
        assert fig.admits(value), text
        assert not fig.admits(value + 2 * fig.half + 10**-decimals), text


@given(st.floats(min_value=0.5, max_value=10_000, allow_nan=False), st.booleans())
def test_about_never_stretches_past_five_percent(x: float, en: bool) -> None:
    n = round(x)
    fig = parse_figure(f"about {n:,}%" if en else f"約{n:,}%", "en" if en else "ja")
    assert fig.half <= max(0.05 * n, 0.5) + 1e-9


@given(st.text(max_size=80), st.sampled_from(["ja", "en"]))
def test_readers_never_crash_and_stay_inside_the_text(text: str, lang: str) -> None:
    for fig in find_figures(text, lang):
        assert 0 <= fig.start < fig.end <= len(text) and fig.half > 0
    found = find_dates(text, lang)
    for d in found:
        assert 0 <= d.start < d.end <= len(text)
        try:
            period_of(d)
        except ValueError:
            assert d.era or d.month or d.day  # only a date that does not exist is refused
    for a, b in date_ranges(text, found, lang):
        assert a.end <= b.start


DATES = st.dates(min_value=date(1989, 1, 8), max_value=date(2099, 12, 31))  # years read: 19xx, 20xx


@given(DATES, st.sampled_from(["day", "month", "year", "fiscal_year"]), st.booleans())
def test_dates_read_back_as_printed(d: date, precision: str, era: bool) -> None:
    """Each date the report prints (long, ja and en, and in 和暦) reads back as its period."""
    start = {
        "day": d,
        "month": d.replace(day=1),
        "year": d.replace(month=1, day=1),
        "fiscal_year": date(d.year, 4, 1),
    }[precision]
    p = Period(start, precision)  # type: ignore[arg-type]
    for lang in ("ja", "en"):
        text = wareki(p) if era and lang == "ja" else date_label(p, "long", lang)
        (found,) = find_dates(f"（{text}）" if lang == "ja" else f"in {text}.", lang)
        assert period_of(found) == p, text


def test_era_dates_that_did_not_exist_are_refused() -> None:
    (d,) = find_dates("平成34年12月31日までの", "ja")
    with pytest.raises(ValueError, match="平成"):
        period_of(d)


def test_end_of_a_period_and_spans() -> None:
    (a,) = find_dates("（2023年度末時点）", "ja")
    assert period_of(a) == Period(date(2024, 3, 31), "day")
    text = "過去1年間（2023年9月から2024年8月まで）"
    found = find_dates(text, "ja")
    ((s, e),) = date_ranges(text, found, "ja")
    assert (period_of(s).key, period_of(e).key) == ("2023-09", "2024-08")
    (n,) = find_dates("2023年デジタル庁年次報告", "ja")
    assert n.name  # a year run into a name is not a date the text states
    assert find_dates("the Digital Agency's 2023 report", "en") == []
