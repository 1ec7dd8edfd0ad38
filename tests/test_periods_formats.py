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
    assert numbers.large(93_080_000) == "9,308万"
    assert numbers.parse_large("9,308万") == 93_080_000
    assert numbers.large(1.2e8, "億", 1) == "1.2億"


def test_wareki() -> None:
    assert periods.wareki(Period.parse("2024-07")) == "令和6年7月"
    assert periods.wareki(Period.parse("2019-05-01")) == "令和元年5月1日"
    assert periods.wareki(Period.parse("2019-04-30")) == "平成31年4月30日"
    assert periods.wareki(Period.parse("FY2023")) == "令和5年度"


def test_points_and_percent_in_both_languages() -> None:
    assert numbers.points(2.94, 1) == "+2.9ポイント"
    assert numbers.points(2.94, 1, "en") == "+2.9 points"
    assert numbers.points(-1.25, 2, "ja", short=True) == "-1.25PT"
    assert numbers.points(0.5, 1, "en", short=True) == "+0.5 pp"
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
