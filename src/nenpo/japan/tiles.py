"""A tile-grid map of the 47 prefectures (都道府県タイルマップ): one equal square each.

A map of real shapes makes Tokyo, Osaka or Kagawa a few pixels wide on a phone, too small to
read or to tap; a tile grid gives every prefecture the same square, placed roughly where it
lies (north up, east right), so that readers still find their own. The layout is generated
here (13 columns × 11 rows, row by row from 北海道 to 沖縄) rather than drawn from map data:
it needs no geometry, works offline and weighs a few hundred bytes.

Each tile has a short label that fits a square at 11 px: the name without 都/府/県 (北海道,
神奈川 …) in Japanese, a three-letter abbreviation in English (the full name is the tile's
accessible name).
"""

from __future__ import annotations

from typing import NamedTuple

from .codes import PREFECTURES


class Tile(NamedTuple):
    """One prefecture's square: its JIS X 0401 code, grid column and row (from 0), labels."""

    code: str
    col: int
    row: int
    short: str
    abbr: str


# Row by row, west to east: (column, prefecture name as in PREFECTURES' short form).
_ROWS: list[list[tuple[int, str]]] = [
    [(12, "北海道")],
    [(12, "青森")],
    [(11, "秋田"), (12, "岩手")],
    [(8, "石川"), (9, "富山"), (10, "新潟"), (11, "山形"), (12, "宮城")],
    [(7, "福井"), (8, "岐阜"), (9, "長野"), (10, "群馬"), (11, "栃木"), (12, "福島")],
    [
        (3, "島根"),
        (4, "鳥取"),
        (5, "兵庫"),
        (6, "京都"),
        (7, "滋賀"),
        (8, "愛知"),
        (9, "山梨"),
        (10, "埼玉"),
        (11, "茨城"),
    ],
    [
        (2, "山口"),
        (3, "広島"),
        (4, "岡山"),
        (5, "大阪"),
        (6, "奈良"),
        (7, "三重"),
        (8, "静岡"),
        (9, "神奈川"),
        (10, "東京"),
        (11, "千葉"),
    ],
    [(0, "佐賀"), (1, "福岡"), (3, "愛媛"), (4, "香川"), (6, "和歌山")],
    [(0, "長崎"), (1, "熊本"), (2, "大分"), (3, "高知"), (4, "徳島")],
    [(1, "鹿児島"), (2, "宮崎")],
    [(0, "沖縄")],
]

# Three letters per prefecture, consonants first where the first letters are shared
# (Miyagi MYG, Miyazaki MYZ).
_ABBR = {
    "01": "HKD", "02": "AOM", "03": "IWT", "04": "MYG", "05": "AKT", "06": "YGT", "07": "FKS",
    "08": "IBR", "09": "TCG", "10": "GNM", "11": "STM", "12": "CHB", "13": "TKY", "14": "KNG",
    "15": "NGT", "16": "TYM", "17": "ISK", "18": "FKI", "19": "YNS", "20": "NGN", "21": "GIF",
    "22": "SZO", "23": "AIC", "24": "MIE", "25": "SIG", "26": "KYT", "27": "OSK", "28": "HYG",
    "29": "NAR", "30": "WKY", "31": "TTR", "32": "SMN", "33": "OKY", "34": "HRS", "35": "YGC",
    "36": "TKS", "37": "KGW", "38": "EHM", "39": "KOC", "40": "FKO", "41": "SAG", "42": "NGS",
    "43": "KMM", "44": "OIT", "45": "MYZ", "46": "KGS", "47": "OKN",
}  # fmt: skip

COLUMNS = 13
ROWS = len(_ROWS)


def _tiles() -> list[Tile]:
    by_short = {p.short: p.code for p in PREFECTURES}
    out = []
    for row, cells in enumerate(_ROWS):
        for col, short in cells:
            code = by_short[short]
            out.append(Tile(code, col, row, short, _ABBR[code]))
    return sorted(out, key=lambda t: t.code)


TILES: list[Tile] = _tiles()
