"""Municipal and prefectural tables as offices publish them, for the import tests.

The prefectural figures are the real MIC files (shared data, 46 dates). MIC's municipal table
(市区町村別交付状況) is republished as one row per municipality with its 団体コード, often as a
number that lost its leading zero; no municipal figures are in the shared data, so these tables
have the real 1,741 municipalities (codes and names from the reference list) and figures made
from the code (illustrative, deterministic), and each test compares what was stored with the
cells it wrote.

Written in every form the issue met: 団体コード as text or a number, with or without the check
digit, with or without the leading zero, "n.0" floats; CSV in UTF-8 with a BOM, CP932, CP932
with 和暦 dates; xlsx with a title row and one sheet per date.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from tests.importing import wareki

MIC = Path("/work/shared/data/mynumbercard")
HEADER = [
    "都道府県名",
    "市区町村名",
    "団体コード",
    "総数（人口）",
    "交付枚数",
    "人口に対する交付枚数率",
]
DATES = [date(2022, 10, 31), date(2022, 11, 30), date(2022, 12, 31)]

# How a 団体コード is written: (form, cell for a CSV, cell for a sheet)
CodeWriter = Callable[[str], Any]
CODE_FORMS: dict[str, tuple[CodeWriter, CodeWriter]] = {
    "jis6 text": (lambda c: c, lambda c: c),
    "jis6 dropped zero": (lambda c: str(int(c)), lambda c: int(c)),
    "jis6 n.0": (lambda c: f"{int(c)}.0", lambda c: float(int(c))),
    "jis5 text": (lambda c: c[:5], lambda c: c[:5]),
    "jis5 dropped zero": (lambda c: str(int(c[:5])), lambda c: int(c[:5])),
    "jis5 n.0": (lambda c: f"{int(c[:5])}.0", lambda c: float(int(c[:5]))),
}


def reference(kinds: str = "municipalities") -> list[tuple[str, str, str]]:
    """(code, prefecture, name) of the reference list, read from its CSV files directly:
    the municipalities, "all" (with the wards, named with their city: 札幌市中央区) or
    "wards" (the wards alone, by their own name: 中央区)."""
    root = Path(__file__).parents[1] / "src" / "nenpo" / "japan" / "data"
    if kinds == "wards":
        with (root / "wards.csv").open(encoding="utf-8") as f:
            return [(r["code"], r["prefecture"], r["name"]) for r in csv.DictReader(f)]
    out = []
    with (root / "municipalities.csv").open(encoding="utf-8") as f:
        out += [(r["code"], r["prefecture"], r["name"]) for r in csv.DictReader(f)]
    if kinds == "all":
        with (root / "wards.csv").open(encoding="utf-8") as f:
            out += [(r["code"], r["prefecture"], r["city"] + r["name"]) for r in csv.DictReader(f)]
    return out


def figures(code: str, when: date, bump: int = 0) -> tuple[int, int, float]:
    """Illustrative population, cards and rate of one municipality at one date (`bump` more
    cards: a later table that changes the figures)."""
    population = 1_000 + int(code) % 9_973 * 37
    cards = population * (40 + int(code) % 17 + when.month % 5) // 100 + bump
    return population, cards, round(cards * 100 / population, 1)


def municipal_rows(
    places: Sequence[tuple[str, str, str]], when: date, code: CodeWriter, bump: int = 0
) -> list[list[Any]]:
    """The rows of a municipal table (no header) at one date, codes written by `code`."""
    rows = []
    for c, pref, name in places:
        population, cards, rate = figures(c, when, bump)
        rows.append([pref, name, code(c), population, cards, rate])
    return rows


def write_municipal_csv(
    path: Path,
    places: Sequence[tuple[str, str, str]],
    form: str,
    encoding: str = "utf-8-sig",
    wareki_dates: bool = False,
    bump: int = 0,
) -> Path:
    """A long CSV: one row per municipality and date, 算出基準日 first, every cell quoted but
    the numbers (as MIC's files are)."""
    writer = CODE_FORMS[form][0]
    lines = [",".join(f'"{h}"' for h in ["算出基準日", *HEADER])]
    for when in DATES:
        shown = wareki(when, "day") if wareki_dates else when.strftime("%Y/%m/%d")
        for pref, name, code, *nums in municipal_rows(places, when, writer, bump):
            lines.append(f'"{shown}","{pref}","{name}",{code},' + ",".join(map(str, nums)))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def write_municipal_xlsx(
    path: Path,
    places: Sequence[tuple[str, str, str]],
    form: str,
    bump: int = 0,
    notes: bool = False,
) -> Path:
    """A workbook of one sheet per date (named 2022年12月), each with a title row that holds
    the date (「…(2022年12月31日時点)」), a blank row, then the table; numeric cells."""
    import openpyxl

    writer = CODE_FORMS[form][1]
    wb = openpyxl.Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for when in DATES:
        ws = wb.create_sheet(f"{when.year}年{when.month}月")
        ws.append(
            [f"マイナンバーカード市区町村別交付状況({when.year}年{when.month}月{when.day}日時点)"]
        )
        ws.append([])
        ws.append(HEADER)
        for row in municipal_rows(places, when, writer, bump):
            ws.append(row)
    if notes:  # a sheet that is no table of the same shape
        ws = wb.create_sheet("注記")
        ws.append(["注記"])
        ws.append(["1", "交付枚数は各時点までの累計です。"])
        ws.append(["2", "人口は住民基本台帳に基づく。"])
    wb.save(path)
    return path


def expected(
    places: Sequence[tuple[str, str, str]], bump: int = 0
) -> dict[tuple[str, str, str], float]:
    """(indicator, period, dims) → value for every cell the municipal writers write."""
    out: dict[tuple[str, str, str], float] = {}
    for when in DATES:
        for c, _, _ in places:
            population, cards, rate = figures(c, when, bump)
            key = when.isoformat()
            out[("population", key, f"municipality={c}")] = population
            out[("card_issued", key, f"municipality={c}")] = cards
            out[("card_rate", key, f"municipality={c}")] = rate
    return out


MUNICIPAL_WORKSPACE = {
    "nenpo.yaml": (
        "organisation: {name: テスト市}\n"
        "report: {title: テスト年報, period_start: 2022-01-01, period_end: 2022-12-31}\n"
    ),
    "sources.yaml": "- {id: mic, title: 総務省 マイナンバーカード交付状況}\n",
    "indicators.yaml": (
        "- {id: population, name: 総数（人口）, unit: 人, source: mic, provenance: illustrative,"
        " dimensions: [municipality]}\n"
        "- {id: card_issued, name: マイナンバーカード交付枚数, unit: 枚, source: mic,"
        " provenance: illustrative, dimensions: [municipality]}\n"
        "- {id: card_rate, name: 人口に対する交付枚数率, unit: '%', decimals: 1, source: mic,"
        " provenance: illustrative, dimensions: [municipality]}\n"
        "- {id: pref_population, name: 都道府県の総数（人口）, unit: 人, source: mic,"
        " provenance: real, dimensions: [prefecture]}\n"
        "- {id: pref_cards, name: 都道府県の交付枚数, unit: 枚, source: mic, provenance: real,"
        " dimensions: [prefecture]}\n"
        "- {id: pref_rate, name: 都道府県の人口に対する交付枚数率, unit: '%', decimals: 1,"
        " source: mic, provenance: real, dimensions: [prefecture]}\n"
    ),
}


def make_municipal_workspace(root: Path) -> Path:
    """The workspace the municipal and prefectural tables import into."""
    root.mkdir(parents=True, exist_ok=True)
    for name, body in MUNICIPAL_WORKSPACE.items():
        (root / name).write_text(body, encoding="utf-8")
    return root


def real_prefecture_rows() -> dict[str, list[dict[str, str]]]:
    """The real all_prefectures.csv of every date: folder → rows."""
    out = {}
    for folder in sorted(p for p in MIC.iterdir() if p.is_dir()):
        with (folder / "all_prefectures.csv").open(encoding="utf-8-sig") as f:
            out[folder.name] = list(csv.DictReader(f))
    return out
