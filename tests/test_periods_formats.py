"""Periods and the number/date formats used in prose and on axes (nenpo.japan)."""

from __future__ import annotations

from datetime import date

import pytest

from nenpo.japan import numbers, periods
from nenpo.japan.periods import Period


@pytest.mark.parametrize(
    ("text", "precision", "start", "end"),
    [
        ("2024-07-31", "day", date(2024, 7, 31), date(2024, 7, 31)),
        ("2024-02", "month", date(2024, 2, 1), date(2024, 2, 29)),
        ("2023", "year", date(2023, 1, 1), date(2023, 12, 31)),
        ("FY2023", "fiscal_year", date(2023, 4, 1), date(2024, 3, 31)),
        ("2023年度", "fiscal_year", date(2023, 4, 1), date(2024, 3, 31)),
    ],
)
def test_period_parse(text: str, precision: str, start: date, end: date) -> None:
    p = Period.parse(text)
    assert (p.precision, p.start, p.end) == (precision, start, end)
    assert Period.parse(p.key) == p


@pytest.mark.parametrize("bad", ["2024/07", "2024-13", "July 2024", "", "2024-02-30"])
def test_period_rejects(bad: str) -> None:
    with pytest.raises(ValueError, match="date"):
        Period.parse(bad)


def test_axis_labels_as_the_seed_writes_them() -> None:
    assert Period.parse("2021-09").label("dot") == "2021.9"
    assert Period.parse("2023-11").label("dot") == "2023.11"
    assert Period.parse("2022-12-31").label("dot") == "2022.12.31"
    assert Period.parse("2024-07").label("long") == "2024年7月"
    assert Period.parse("2024-07").label("long", "en") == "July 2024"


def test_numbers() -> None:
    assert numbers.number(1105) == "1,105"
    assert numbers.number(2.25, 1) == "2.3"  # half up, not banker's rounding
    assert numbers.number(2.9, 1, sign=True) == "+2.9"
    assert numbers.number(-0.04, 1, sign=True) == "0.0"
    assert numbers.parse_large("9,308万") == 93_080_000
    assert numbers.parse_large("1.2億") == 120_000_000


def test_an_indicator_prints_its_values_one_way() -> None:
    """One format per indicator and language (issue 16): large counts in 万/億 and million/
    billion from a million up, every digit below; changes of a % in ポイント / pp."""
    cards = numbers.Display("件", "applications", 0)
    assert cards.value(97_600_000) == "9,760万件"
    assert cards.value(97_600_000, "en") == "97.6 million applications"
    assert cards.value(51_130_000, "en") == "51.13 million applications"
    assert cards.value(1.2e8) == "1.2億件"
    assert cards.value(1e8) == "1億件"
    assert cards.value(2.5e9, "en") == "2.5 billion applications"
    assert cards.value(504) == "504件"  # never 0万
    assert cards.value(58_000, "en") == "58,000 applications"
    assert cards.number(97_600_000) == "9,760万"
    assert cards.change(46_470_000) == "+4,647万件"
    rate = numbers.Display("%", None, 2)
    assert rate.value(11.13) == "11.13%"
    assert rate.value(1_500_000) == "1,500,000.00%"  # a percent is never put in 万
    assert rate.change(6.8) == "+6.80ポイント"
    assert rate.change(6.8, "en") == "+6.80 pp"


def test_wareki() -> None:
    assert periods.wareki(Period.parse("2024-07")) == "令和6年7月"
    assert periods.wareki(Period.parse("2019-05-01")) == "令和元年5月1日"
    assert periods.wareki(Period.parse("2019-04-30")) == "平成31年4月30日"
    assert periods.wareki(Period.parse("FY2023")) == "令和5年度"


def test_points_and_percent_in_both_languages() -> None:
    assert numbers.points(2.94, 1) == "+2.9ポイント"
    assert numbers.points(2.94, 1, "en") == "+2.9 pp"
    assert numbers.points(-1.25, 2, "ja") == "-1.25ポイント"
    assert numbers.percent(12.345, 1, sign=True) == "+12.3%"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("令和6年7月末", "2024-07"),
        ("令和元年5月1日", "2019-05-01"),
        ("令和5年度", "FY2023"),
        ("平成31年度", "FY2019"),
        ("平成32年度", "FY2020"),  # plans written before 2019 name FY2020 so
        ("R6.7", "2024-07"),
    ],
)
def test_one_parser_reads_wareki_for_prose_and_tables(text: str, key: str) -> None:
    assert periods.parse_wareki(text).key == key
    assert periods.parse_written(text).key == key


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("2024年7月", "not a Japanese-era date"),
        ("令和元年4月", "before 令和 began"),
        ("平成31年5月1日", "after 平成 ended"),
        ("令和5年度7月", "not a date"),
    ],
)
def test_parse_wareki_wants_an_era_and_says_why(text: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        periods.parse_wareki(text)
