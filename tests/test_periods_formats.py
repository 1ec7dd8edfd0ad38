"""Periods and the number/date formats used in prose and on axes."""

from __future__ import annotations

from datetime import date

import pytest

from nenpo.model.periods import Period
from nenpo.report import formats


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
    assert formats.number(1105) == "1,105"
    assert formats.number(2.25, 1) == "2.3"  # half up, not banker's rounding
    assert formats.number(2.9, 1, sign=True) == "+2.9"
    assert formats.number(-0.04, 1, sign=True) == "0.0"
    assert formats.large(93_080_000) == "9,308万"
    assert formats.parse_large("9,308万") == 93_080_000
    assert formats.large(1.2e8, "億", 1) == "1.2億"


def test_wareki() -> None:
    assert formats.wareki(Period.parse("2024-07")) == "令和6年7月"
    assert formats.wareki(Period.parse("2019-05-01")) == "令和元年5月1日"
    assert formats.wareki(Period.parse("2019-04-30")) == "平成31年4月30日"
    assert formats.wareki(Period.parse("FY2023")) == "令和5年度"
