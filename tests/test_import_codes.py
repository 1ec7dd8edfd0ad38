"""Municipal and prefectural tables through `nenpo import`, as a new user meets them: --infer,
then the proposed mapping unchanged; a table of Hokkaido cities lands on Hokkaido cities; a
column whose codes read two ways is refused and the store left as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from nenpo import core
from nenpo.cli import app
from nenpo.ingest.importer import ImportProblems
from nenpo.japan.codes import with_check_digit
from nenpo.store import Store, open_store
from tests.importing import snapshot, stored, wareki, write_mapping
from tests.municipal import (
    expected,
    make_municipal_workspace,
    real_prefecture_rows,
    reference,
    write_municipal_csv,
    write_municipal_xlsx,
)

PLACES = reference()
HOKKAIDO_CITIES = [p for p in PLACES if p[1] == "北海道" and p[2].endswith("市")]
CODES_MAPPING = """\
period: {column: 算出基準日}
dimensions: {municipality: 団体コード}
values: {population: 総数（人口）, card_issued: 交付枚数, card_rate: 人口に対する交付枚数率}
"""


def _store(tmp: Path, url: str | None = None) -> Store:
    store = open_store(url or f"sqlite:///{tmp / 'n.db'}")
    core.load(make_municipal_workspace(tmp / "ws"), store)
    return store


@pytest.fixture
def muni(tmp_path: Path) -> Store:
    """A SQLite store holding the municipal workspace."""
    return _store(tmp_path)


def _propose_and_import(store: Store, file: Path, tmp: Path) -> tuple[dict[str, Any], Any]:
    """--infer, then the proposal imported as it is."""
    text = core.infer_mapping(file, store)
    mapping = write_mapping(tmp / f"{file.stem}.yaml", text)
    try:
        return yaml.safe_load(text), core.import_file(store, file, mapping)
    except ImportProblems as exc:
        shown = "\n".join(map(str, exc.result.problems[:5]))
        pytest.fail(f"the proposal did not import:\n{text}\n{shown}")


def _refused(store: Store, file: Path, mapping: Path) -> ImportProblems:
    before = snapshot(store)
    with pytest.raises(ImportProblems) as info:
        core.import_file(store, file, mapping)
    assert snapshot(store) == before, "a refused import changed the store"
    return info.value


def test_hokkaido_cities_with_dropped_zeros_land_on_hokkaido(store: Store, tmp_path: Path) -> None:
    """The issue's case: 士別市 012203 written 12203 is not 市川市 (122033). Five of the 35
    cities are such numbers; the other municipalities keep their figures."""
    core.load(make_municipal_workspace(tmp_path / "ws"), store)
    full = write_municipal_csv(tmp_path / "all.csv", PLACES, "jis6 text")
    core.import_file(store, full, write_mapping(tmp_path / "m.yaml", CODES_MAPPING))
    before = stored(store)
    assert len(before) == len(expected(PLACES))
    hokkaido = write_municipal_csv(
        tmp_path / "hokkaido.csv", HOKKAIDO_CITIES, "jis6 dropped zero", bump=1
    )
    r = core.import_file(store, hokkaido, tmp_path / "m.yaml")
    assert r.written is not None and r.written.updated == len(HOKKAIDO_CITIES) * 3
    after = stored(store)
    changed = {k for k in after if after[k] != before[k]}
    assert {k[2] for k in changed} == {f"municipality={c}" for c, _, _ in HOKKAIDO_CITIES}
    assert after == {**before, **expected(HOKKAIDO_CITIES, bump=1)}
    assert (
        after[("card_issued", "2022-12-31", "municipality=122033")]
        == (before[("card_issued", "2022-12-31", "municipality=122033")])
    )  # 市川市 untouched
    assert {"012203", "012106", "012211", "012220", "012238"} <= {c for c, _, _ in HOKKAIDO_CITIES}


def test_hokkaido_cities_as_sheet_numbers(muni: Store, tmp_path: Path) -> None:
    book = write_municipal_xlsx(tmp_path / "hokkaido.xlsx", HOKKAIDO_CITIES, "jis6 dropped zero")
    proposal, _ = _propose_and_import(muni, book, tmp_path)
    assert proposal["dimensions"]["municipality"] == {"column": "団体コード"}
    assert stored(muni) == expected(HOKKAIDO_CITIES)


def test_a_column_of_only_colliding_codes_asks_for_code_form(muni: Store, tmp_path: Path) -> None:
    four = [p for p in PLACES if p[0] in ("012203", "012211", "012220", "012238")]
    file = write_municipal_csv(tmp_path / "four.csv", four, "jis6 dropped zero")
    exc = _refused(muni, file, write_mapping(tmp_path / "m.yaml", CODES_MAPPING))
    [p] = exc.result.problems
    assert (p.line, p.field) == (1, "団体コード")
    assert "北海道士別市" in p.message and "千葉県市川市" in p.message
    assert "code_form: jis6" in p.message
    settled = CODES_MAPPING.replace(
        "{municipality: 団体コード}", "{municipality: {column: 団体コード, code_form: jis6}}"
    )
    core.import_file(muni, file, write_mapping(tmp_path / "m6.yaml", settled))
    assert stored(muni) == expected(four)


@pytest.mark.parametrize("parallel", [False, True])
def test_a_colliding_cell_is_reported_at_every_row(
    muni: Store, tmp_path: Path, parallel: bool
) -> None:
    """Among 6-digit codes, nothing says how 12203 is written: each of its rows is an error
    naming both places, read in this process or in the second one alike."""
    tokyo = [p for p in PLACES if p[1] == "東京都"][:5]
    shibetsu = next(p for p in PLACES if p[0] == "012203")
    file = write_municipal_csv(tmp_path / "t.csv", [*tokyo, shibetsu], "jis6 dropped zero")
    mapping = write_mapping(tmp_path / "m.yaml", CODES_MAPPING)
    before = snapshot(muni)
    with pytest.raises(ImportProblems) as info:
        core.import_file(muni, file, mapping, parallel=parallel)
    assert snapshot(muni) == before
    problems = info.value.result.problems
    assert [(p.line, p.value) for p in problems] == [(7, "12203"), (13, "12203"), (19, "12203")]
    assert all("北海道士別市" in p.message and "千葉県市川市" in p.message for p in problems)


FILES = [
    ("csv", "jis6 dropped zero", "utf-8-sig", False),
    ("csv", "jis6 text", "cp932", False),
    ("csv", "jis6 n.0", "cp932", True),
    ("csv", "jis5 dropped zero", "cp932", True),
    ("csv", "jis5 text", "utf-8-sig", False),
    ("csv", "jis5 n.0", "utf-8-sig", False),
    ("xlsx", "jis6 dropped zero", "", False),
    ("xlsx", "jis6 n.0", "", False),
    ("xlsx", "jis5 dropped zero", "", False),
    ("xlsx", "jis6 text", "", False),
]


@pytest.mark.parametrize(("kind", "form", "encoding", "wareki_dates"), FILES)
def test_infer_then_import_every_form(
    muni: Store, tmp_path: Path, kind: str, form: str, encoding: str, wareki_dates: bool
) -> None:
    """Every municipality, each file form: --infer proposes 団体コード as the municipality,
    and its proposal imports every value as written."""
    if kind == "csv":
        file = write_municipal_csv(tmp_path / "t.csv", PLACES, form, encoding, wareki_dates)
    else:
        file = write_municipal_xlsx(tmp_path / "t.xlsx", PLACES, form)
    proposal, _ = _propose_and_import(muni, file, tmp_path)
    assert proposal["dimensions"]["municipality"] == {"column": "団体コード"}
    assert set(proposal["values"]) == {"population", "card_issued", "card_rate"}
    if kind == "xlsx":
        assert proposal["sheet"] == "*" and proposal["period"] == {"title_row": 1}
        assert proposal["header_row"] == 3
    assert stored(muni) == expected(PLACES)
    # a second time changes nothing
    again = core.import_file(muni, file, tmp_path / "t.yaml")
    assert again.written is not None and again.written.unchanged == len(expected(PLACES))


def test_infer_reads_the_sheets_of_one_shape(muni: Store, tmp_path: Path) -> None:
    book = write_municipal_xlsx(tmp_path / "b.xlsx", PLACES[:300], "jis6 dropped zero", notes=True)
    proposal, _ = _propose_and_import(muni, book, tmp_path)
    assert proposal["sheet"] == ["2022年10月", "2022年11月", "2022年12月"]  # not 注記
    assert stored(muni) == expected(PLACES[:300])


def test_names_with_a_prefecture_column(muni: Store, tmp_path: Path) -> None:
    """No 団体コード: 市区町村名 (府中市 twice, 伊達市 twice) read within 都道府県名."""
    file = write_municipal_csv(tmp_path / "t.csv", PLACES, "jis6 text")
    text = file.read_text("utf-8-sig").replace(",", ";")  # drop the code column below
    lines = [";".join(x for i, x in enumerate(ln.split(";")) if i != 3) for ln in text.split("\n")]
    file.write_text("\n".join(lines).replace(";", ","), "utf-8-sig")
    proposal, _ = _propose_and_import(muni, file, tmp_path)
    assert proposal["dimensions"]["municipality"] == {
        "column": "市区町村名",
        "prefecture": "都道府県名",
    }
    assert stored(muni) == expected(PLACES)


PREF_MAPPING_KEYS = {"pref_population", "pref_cards", "pref_rate"}


def _real_values(rows: dict[str, list[dict[str, str]]]) -> dict[tuple[str, str, str], float]:
    from nenpo.japan.codes import PREFECTURES

    code = {p.name: p.code for p in PREFECTURES}
    out = {}
    for table in rows.values():
        for r in table:
            day = r["算出基準日"].replace("/", "-")
            dims = f"prefecture={code[r['都道府県名']]}"
            out[("pref_population", day, dims)] = float(r["総数（人口）"])
            out[("pref_cards", day, dims)] = float(r["交付枚数"])
            out[("pref_rate", day, dims)] = float(r["人口に対する交付枚数率"])
    return out


def test_the_real_prefecture_tables_as_a_workbook_of_dates(muni: Store, tmp_path: Path) -> None:
    """All 46 real tables, one sheet each, a title with the date, the prefecture as its JIS
    number (1 for 北海道): --infer's proposal reads every sheet and every value."""
    import openpyxl

    from nenpo.japan.codes import PREFECTURES

    real = real_prefecture_rows()
    code = {p.name: int(p.code) for p in PREFECTURES}
    wb = openpyxl.Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    for folder, rows in real.items():
        ws = wb.create_sheet(f"{folder[:4]}.{folder[4:6]}.{folder[6:]}")
        y, m, d = rows[0]["算出基準日"].split("/")
        ws.append([f"都道府県別マイナンバーカード交付状況（{y}年{int(m)}月{int(d)}日時点）"])
        ws.append(
            ["都道府県コード", "都道府県名", "総数（人口）", "交付枚数", "人口に対する交付枚数率"]
        )
        for r in rows:
            ws.append(
                [
                    code[r["都道府県名"]],
                    r["都道府県名"],
                    int(r["総数（人口）"]),
                    int(r["交付枚数"]),
                    float(r["人口に対する交付枚数率"]),
                ]
            )
    wb.save(tmp_path / "prefs.xlsx")
    proposal, _ = _propose_and_import(muni, tmp_path / "prefs.xlsx", tmp_path)
    assert proposal["sheet"] == "*" and proposal["period"] == {"title_row": 1}
    assert proposal["dimensions"] == {"prefecture": {"column": "都道府県コード"}}
    assert set(proposal["values"]) == PREF_MAPPING_KEYS
    assert stored(muni) == _real_values(real)


def test_the_real_prefecture_tables_in_cp932_with_wareki(muni: Store, tmp_path: Path) -> None:
    """The same 46 tables as one CP932 file: 和暦 dates, the prefecture's 団体コード written as
    a number (北海道 010006 as 10006)."""
    from datetime import date

    from nenpo.japan.codes import PREFECTURES

    real = real_prefecture_rows()
    lg = {p.name: str(int(with_check_digit(p.code + "000"))) for p in PREFECTURES}
    lines = ["算出基準日,団体コード,総数（人口）,交付枚数,人口に対する交付枚数率"]
    for rows in real.values():
        for r in rows:
            y, m, d = map(int, r["算出基準日"].split("/"))
            lines.append(
                f"{wareki(date(y, m, d), 'day')},{lg[r['都道府県名']]},{r['総数（人口）']},"
                f"{r['交付枚数']},{r['人口に対する交付枚数率']}"
            )
    file = tmp_path / "prefs.csv"
    file.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))
    proposal, _ = _propose_and_import(muni, file, tmp_path)
    assert proposal["dimensions"] == {"prefecture": {"column": "団体コード"}}
    assert stored(muni) == _real_values(real)


def test_sheets_by_pattern_and_a_dimension_from_the_sheet_name(muni: Store, tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    for pref, value in (("北海道", 100), ("東京都", 200)):
        ws = wb.create_sheet(pref)
        ws.append(["交付状況 令和4年12月末時点 (前月: 令和4年11月末)"])
        ws.append(["交付枚数"])
        ws.append([value])
    wb.create_sheet("注記").append(["x"])
    wb.save(tmp_path / "p.xlsx")
    mapping = write_mapping(
        tmp_path / "m.yaml",
        "sheet: {match: '.+[都道府県]'}\nheader_row: 2\n"
        "period: {title_row: 1, pattern: '(\\S+)時点'}\n"
        "dimensions: {prefecture: {sheet_name: true}}\nvalues: {pref_cards: 交付枚数}\n",
    )
    try:
        core.import_file(muni, tmp_path / "p.xlsx", mapping)
    except ImportProblems as exc:
        pytest.fail("\n".join(map(str, exc.result.problems)))
    assert stored(muni) == {
        ("pref_cards", "2022-12", "prefecture=01"): 100,
        ("pref_cards", "2022-12", "prefecture=13"): 200,
    }
    # without the pattern the title holds two dates: an error, not a guess
    two = write_mapping(
        tmp_path / "two.yaml",
        mapping.read_text("utf-8").replace(", pattern: '(\\S+)時点'", ""),
    )
    exc = _refused(muni, tmp_path / "p.xlsx", two)
    assert "several dates (2022-12, 2022-11)" in exc.result.problems[0].message
    assert exc.result.problems[0].file.endswith("p.xlsx[北海道]")
    listed = write_mapping(
        tmp_path / "l.yaml",
        mapping.read_text("utf-8").replace("{match: '.+[都道府県]'}", "[東京都]"),
    )
    r = core.import_file(muni, tmp_path / "p.xlsx", listed)
    assert r.written is not None and r.written.unchanged == 1


def test_infer_refuses_what_is_no_table(tmp_path: Path) -> None:
    import openpyxl

    env = {"NENPO_DATABASE_URL": f"sqlite:///{tmp_path / 'n.db'}"}
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "prose.csv").write_text("これは表ではありません。\n説明の文だけです。\n", "utf-8")
    (tmp_path / "header.csv").write_text("団体コード,交付枚数\n", "utf-8")
    wb = openpyxl.Workbook()
    wb.save(tmp_path / "blank.xlsx")
    for name in ("empty.csv", "prose.csv", "header.csv", "blank.xlsx"):
        r = CliRunner().invoke(app, ["import", "--infer", str(tmp_path / name)], env=env)
        assert r.exit_code == 3, (name, r.output)
        flat = " ".join(r.stderr.split())  # the console wraps long lines
        assert "no table found" in flat and name in r.stderr.replace("\n", "")
        assert "Traceback" not in r.output
