"""Cells of government tables: dates (和暦 included), numbers, dimension codes, encodings."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from nenpo.ingest.cells import CellError, coarsen, parse_number, parse_period
from nenpo.ingest.codes import SKIP, TOTAL, Lookup
from nenpo.ingest.tables import TableError, detect_encoding, open_table
from nenpo.japan.codes import check_digit, municipalities
from nenpo.model.builtin import builtin_dimensions

PREF, MUNI = builtin_dimensions()


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("2022-12-31", "2022-12-31"),
        ("2022/12/31", "2022-12-31"),
        ("2017/3/8", "2017-03-08"),
        ("2022年12月31日", "2022-12-31"),
        ("20221231", "2022-12-31"),
        ("2024-07", "2024-07"),
        ("2024/7", "2024-07"),
        ("2024年7月末", "2024-07"),
        ("2024年7月分", "2024-07"),
        ("令和6年7月末", "2024-07"),
        ("令和６年７月末", "2024-07"),
        ("令和元年5月", "2019-05"),
        ("平成31年4月30日", "2019-04-30"),
        ("R6.7.31", "2024-07-31"),
        ("H31.4", "2019-04"),
        ("昭和64年1月7日", "1989-01-07"),
        ("2024", "2024"),
        ("2024年", "2024"),
        ("FY2023", "FY2023"),
        ("2023年度", "FY2023"),
        ("令和5年度", "FY2023"),
        ("平成31年度", "FY2019"),
        ("令和元年度", "FY2019"),
    ],
)
def test_dates_in_every_form(text: str, key: str) -> None:
    assert parse_period(text).key == key


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("令和元年4月", "before 令和 began"),
        ("平成31年5月1日", "after 平成 ended"),
        ("令和0年", "元年"),
        ("2022/02/30", "not a real date"),
        ("2022/13/01", "not a real date"),
        ("来年", "not a date"),
    ],
)
def test_impossible_dates_say_why(text: str, why: str) -> None:
    with pytest.raises(CellError, match=why):
        parse_period(text)


def test_excel_dates_and_coarsening() -> None:
    assert parse_period(datetime(2024, 7, 31, 0, 0)).key == "2024-07-31"
    assert parse_period("2024/07/31", "month").key == "2024-07"
    assert parse_period("2024/02/29", "fiscal_year").key == "FY2023"
    assert coarsen(parse_period("2024-05-01"), "fiscal_year").key == "FY2024"
    with pytest.raises(CellError, match="cannot be read as a day"):
        parse_period("2024年7月", "day")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,234", 1234),
        ("１２３４", 1234),
        ("１，２３４．５", 1234.5),
        ("-12", -12),
        ("△12", -12),
        ("▲1,000", -1000),
        ("55.7%", 55.7),
        ("55.7％", 55.7),
        ("9,308万", 93_080_000),
        ("9,308万枚", 93_080_000),
        ("1.5億", 150_000_000),
        ("2,888,648枚", 2_888_648),
    ],
)
def test_numbers_as_tables_write_them(text: str, value: float) -> None:
    assert parse_number(text, frozenset({"枚", "%"})) == value


@pytest.mark.parametrize("text", ["abc", "12件", "1,23", "約800万", "=SUM(A1:A3)", "1.2.3"])
def test_not_numbers(text: str) -> None:
    with pytest.raises(CellError):
        parse_number(text, frozenset({"枚", "%"}))


def test_prefectures_by_code_name_and_short_name() -> None:
    lk = Lookup(PREF, total=["全国"], skip=["合計"])
    for text in ("13", "東京都", "東京", "東　京　都", "１３", "Tokyo", "130001"):
        assert lk.resolve(text) == "13", text
    assert lk.resolve(1) == "01"  # a sheet's number, leading zero lost
    assert lk.resolve("北海道") == "01"
    assert lk.resolve("全国") == TOTAL and lk.resolve("合計") == SKIP
    with pytest.raises(CellError, match="JIS X 0401"):
        lk.resolve("東京府")


def test_municipalities_by_code_and_name() -> None:
    assert len(municipalities()) == 1741
    assert all(check_digit(c[:5]) == c[5] for c, _, _ in municipalities())
    lk = Lookup(MUNI)
    assert lk.resolve("131016") == "131016"
    assert lk.resolve("13101") == "131016"
    assert lk.resolve("東京都千代田区") == "131016"
    assert lk.resolve("千代田区") == "131016"
    assert lk.resolve(11002) == "011002"  # 札幌市, its leading zero dropped by a sheet
    with pytest.raises(
        CellError, match=r"ambiguous.*132063 \(東京都府中市\), 342084 \(広島県府中市\)"
    ):
        lk.resolve("府中市")
    assert lk.resolve("広島県府中市") == "342084"


def test_encodings_are_told_apart(tmp_path: Path) -> None:
    text = "算出基準日,都道府県名,交付枚数\n2022/12/31,東京都,7985934\n"
    for codec, expected in [
        ("utf-8", "utf-8-sig"),
        ("utf-8-sig", "utf-8-sig"),
        ("cp932", "cp932"),
        ("euc_jp", "euc_jp"),
    ]:
        path = tmp_path / f"{codec}.csv"
        path.write_bytes(text.encode(codec))
        assert detect_encoding(path, path.name) == expected, codec
        rows = list(open_table(path, path.name).rows())
        assert rows[1] == (2, ["2022/12/31", "東京都", "7985934"])


def test_a_sparse_cp932_table_is_read_as_cp932(tmp_path: Path) -> None:
    """Few kanji and many 「－」 (no value): charset_normalizer alone found no encoding at all
    (found by the import round-trip property test)."""
    rows = ["指標,都道府県," + ",".join(f"2000/{m}/1" for m in range(1, 13))]
    rows += [
        f"cards,{p:02d}," + ",".join("0" if m == p else "－" for m in range(12)) for p in range(30)
    ]
    path = tmp_path / "sparse.csv"
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp932"))
    assert detect_encoding(path, path.name) == "cp932"
    assert next(iter(open_table(path, path.name).rows()))[1][:2] == ["指標", "都道府県"]


def test_bytes_no_candidate_decodes_ask_for_the_encoding(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("größe,wert\nä,1\n".encode("latin-1"))
    with pytest.raises(TableError, match="set `encoding:` in the mapping"):
        detect_encoding(path, path.name)


def test_xls_and_utf16_are_refused_with_a_reason(tmp_path: Path) -> None:
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(TableError, match=r"save the sheet as \.xlsx"):
        open_table(xls, xls.name)
    u16 = tmp_path / "u16.csv"
    u16.write_bytes("a,b\n".encode("utf-16"))
    with pytest.raises(TableError, match="UTF-16"):
        open_table(u16, u16.name)
