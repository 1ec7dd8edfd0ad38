"""The rules on typed text (figures, dates, wording), registered with the others in `RULES`."""

from __future__ import annotations

from .findings import Severity

TEXT_RULES: dict[str, tuple[Severity, str]] = {
    "wrong-unit": (
        "error",
        "a figure typed in another unit than the data it states (14点 for a rank; a month's "
        "figure said to be a year's)",
    ),
    "wrong-count": (
        "error",
        "a count (3つの注力領域, 47都道府県, 46回の算出基準日) differs from what the workspace has",
    ),
    "stale-number": (
        "warning",
        "a typed figure with no date states a value the data has since moved on from",
    ),
    "typed-date": (
        "error",
        "a date typed in text is not a date of the data its sentence, heading or place is about "
        "(2024年9月 for data that ends 2024-08; 2023年 for 2023年度)",
    ),
    "wareki": ("error", "a Japanese-era date that does not exist (a year past its era's end)"),
    "report-period": (
        "error",
        "a period said to be the report's differs from the report period in nenpo.yaml",
    ),
    "organisation-fact": (
        "error",
        "a founding date, or the years since it, differs from the organisation's `founded`",
    ),
    "pinned-date": (
        "warning",
        "a date reference ({{ last … }}) and a value pinned with at= in the same sentence "
        "no longer name the same period",
    ),
    "wrong-direction": (
        "error",
        "a word of direction (上昇, 低下, rose, fell, 改善, 後退) contradicts the change it "
        "describes",
    ),
    "wrong-extreme": (
        "error",
        "the member said to be highest or lowest (最も高い, lowest) is not, in the data",
    ),
    "wrong-base": (
        "error",
        "a share said to be of another whole than the data's (国民の for a share of card holders)",
    ),
    "provenance-label": (
        "error",
        "text or data says a value is illustrative (例示値) when it is real, or real when it is "
        "illustrative",
    ),
    "data-date": (
        "warning",
        "a row dated in the future, or years away from the rest of its series (2014-07 for "
        "2024-07)",
    ),
    "title-subject": (
        "error",
        "a chart title names another indicator or question than the one the chart shows",
    ),
}
