"""The words print adds to the site's (report.pdf and deck.pdf), in each language."""

from __future__ import annotations

from ...charts import ChartOut
from ..html import TEXT

PRINT_TEXT = {
    "ja": {
        "period": "対象期間",
        "range": "〜",
        "colon": "：",
        "paren": "（{}）",
        "list_sep": "、",
        "badge": "例示値",
        "same_source": "本書はウェブ版の年次報告と同じデータと原稿から作成しています。",
        "see_figure": "図「{title}」は{page}ページに掲載しています。",
        "colophon": "{organisation}「{title}」",
    },
    "en": {
        "period": "Period",
        "range": " – ",
        "colon": ": ",
        "paren": " ({})",
        "list_sep": "; ",
        "badge": "illustrative",
        "same_source": "This document is made from the same data and text as the web edition.",
        "see_figure": "The chart “{title}” is on page {page}.",
        "colophon": "{organisation}, {title}",
    },
}


def illustrative_badge(c: ChartOut, lang: str) -> str | None:
    """The badge beside a chart's title, as on the site: all its values illustrative, or
    some of them (none: no badge)."""
    if not c.illustrative:
        return None
    return TEXT[lang]["illustrative_all" if c.illustrative_all else "illustrative"]
