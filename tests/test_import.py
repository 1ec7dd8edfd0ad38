"""`nenpo import`: every bad row reported where it is, and nothing half-imported (both stores)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from nenpo import core
from nenpo.errors import ImportsAtStake
from nenpo.ingest.importer import ImportProblems
from nenpo.store import Store
from tests.importing import loaded, snapshot, stored, write_csv, write_mapping, write_xlsx

PREF_MAPPING = """\
period: {column: 算出基準日}
dimensions:
  prefecture: 都道府県名
values:
  cards: 交付枚数
  rate: 交付率
"""
HEADER = "算出基準日,都道府県名,交付枚数,交付率"
GOOD = [
    "2024/07/31,北海道,2888648,55.7",
    "2024/07/31,東京都,7985934,57.9",
    "2024/07/31,大阪府,4856721,55.0",
]


@pytest.fixture
def ws_store(store: Store, tmp_path: Path) -> Store:
    """A store (SQLite, then PostgreSQL) holding the small workspace and one good import."""
    loaded(store, tmp_path)
    mapping = write_mapping(tmp_path / "m.yaml", PREF_MAPPING)
    core.import_file(store, write_csv(tmp_path / "good.csv", [HEADER, *GOOD]), mapping)
    return store


def _fails(store: Store, file: Path, mapping: Path, **kw: object) -> ImportProblems:
    """Import `file`, expecting problems, and check that the store did not change."""
    before = snapshot(store)
    with pytest.raises(ImportProblems) as info:
        core.import_file(store, file, mapping, **kw)  # type: ignore[arg-type]
    assert snapshot(store) == before, "a failed import changed the store"
    return info.value


def _where(exc: ImportProblems) -> list[tuple[int | None, str | None, str | None]]:
    return [(p.line, p.field, p.value) for p in exc.result.problems]


def test_good_file_is_stored_with_codes_and_periods(ws_store: Store) -> None:
    got = stored(ws_store)
    assert got[("cards", "2024-07-31", "prefecture=13")] == 7985934
    assert got[("rate", "2024-07-31", "prefecture=27")] == 55.0
    assert len(got) == 6


def test_wrong_encoding_is_named_at_its_line(ws_store: Store, tmp_path: Path) -> None:
    # A UTF-8 file longer than the sample used to detect the encoding, with one line saved in
    # CP932 far down: detection says UTF-8, and that line is the problem.
    lines = [HEADER] + [f"2023/{m:02d}/01,東京都,{m},1.5" for m in range(1, 13)] * 600
    body = ("\r\n".join(lines) + "\r\n").encode("utf-8")
    bad_line = len(lines) + 1
    body += "2024/07/31,鹿児島県,1,1.0\r\n".encode("cp932")
    path = tmp_path / "mixed.csv"
    path.write_bytes(body)
    exc = _fails(ws_store, path, tmp_path / "m.yaml")
    [p] = exc.result.problems
    assert p.line == bad_line
    assert "not valid UTF-8" in p.message and "CP932" in p.message


def test_declared_encoding_that_does_not_fit(ws_store: Store, tmp_path: Path) -> None:
    mapping = write_mapping(tmp_path / "utf8.yaml", "encoding: utf-8\n" + PREF_MAPPING)
    path = write_csv(tmp_path / "sjis.csv", [HEADER, *GOOD], encoding="cp932")
    exc = _fails(ws_store, path, mapping)
    assert [(p.line, "CP932" in p.message) for p in exc.result.problems] == [(1, True)]


def test_truncated_row(ws_store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", [HEADER, GOOD[0], "2024/07/31,東京都,79", GOOD[2]])
    exc = _fails(ws_store, path, tmp_path / "m.yaml")
    [p] = exc.result.problems
    assert p.line == 3 and "truncated row: 3 cells, the header has 4" in p.message


@pytest.mark.parametrize("where", ["mid-file", "last row"])
def test_a_quote_never_closed_is_named(ws_store: Store, tmp_path: Path, where: str) -> None:
    """A stray quote makes the CSV reader take the following lines into one cell: the error
    names the quote at the row where it opens, not a 'truncated row'."""
    stray = GOOD[0].replace(",", ',"', 1)  # 2024/07/31,"東京都,…
    rows = [HEADER, stray, *GOOD[1:]] if where == "mid-file" else [HEADER, *GOOD[1:], stray]
    path = write_csv(tmp_path / "q.csv", rows)
    exc = _fails(ws_store, path, tmp_path / "m.yaml")
    [p] = exc.result.problems
    assert p.line == rows.index(stray) + 1
    assert 'a quote (") opened in this row is not closed' in p.message
    assert "truncated" not in p.message


def test_text_in_a_number_column(ws_store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", [HEADER, GOOD[0], "2024/07/31,東京都,約800万,57.9"])
    exc = _fails(ws_store, path, tmp_path / "m.yaml")
    assert _where(exc) == [(3, "交付枚数", "約800万")]
    assert "is not a number" in exc.result.problems[0].message


def test_unknown_prefecture(ws_store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", [HEADER, "2024/07/31,東京府,1,2.0", GOOD[1]])
    exc = _fails(ws_store, path, tmp_path / "m.yaml")
    assert _where(exc) == [(2, "都道府県名", "東京府")]
    assert "JIS X 0401" in exc.result.problems[0].message


def test_duplicate_keys_name_both_rows(ws_store: Store, tmp_path: Path) -> None:
    # 東京 and Tokyo are the same prefecture as 東京都: the second and third rows repeat the
    # first. (A column of names with a code among them, 13, is a column of two forms: an error.)
    rows = [HEADER, GOOD[1], GOOD[0], "2024/07/31,東京,1,1.0", "2024-07-31,Tokyo,2,2.0"]
    exc = _fails(ws_store, write_csv(tmp_path / "d.csv", rows), tmp_path / "m.yaml")
    lines = sorted({p.line for p in exc.result.problems})
    assert lines == [4, 5]
    assert all("as row 2" in p.message for p in exc.result.problems)
    assert exc.result.problem_count == 4  # two rows × two indicators


def test_formula_cell_in_a_sheet(ws_store: Store, tmp_path: Path) -> None:
    rows = [
        HEADER.split(","),
        ["2024/07/31", "北海道", 2888648, 55.7],
        ["2024/07/31", '=HYPERLINK("https://example.jp","東京都")', 7985934, 57.9],
        ["2024/07/31", "大阪府", "=SUM(B2:B3)", 55.0],
    ]
    path = write_xlsx(tmp_path / "f.xlsx", rows)
    exc = _fails(ws_store, path, tmp_path / "m.yaml")
    assert [(p.line, p.field) for p in exc.result.problems] == [(3, "都道府県名"), (4, "交付枚数")]
    assert all("formula" in p.message for p in exc.result.problems)
    # In the report (opened in Excel), the formula is shown as text, not run.
    report = tmp_path / "r.csv"
    _fails(ws_store, path, tmp_path / "m.yaml", report=report)
    with report.open(encoding="utf-8-sig", newline="") as f:
        values = [r["value"] for r in csv.DictReader(f)]
    assert values == ['\'=HYPERLINK("https://example.jp","東京都")', "'=SUM(B2:B3)"]


def test_every_problem_in_the_report_and_a_few_printed(ws_store: Store, tmp_path: Path) -> None:
    bad = [f"2024/07/{d:02d},東京都,x{d},1.0" for d in range(1, 31)]
    report = tmp_path / "report.csv"
    exc = _fails(
        ws_store,
        write_csv(tmp_path / "b.csv", [HEADER, *bad]),
        tmp_path / "m.yaml",
        report=report,
        limit=5,
    )
    assert exc.result.problem_count == 30 and len(exc.result.problems) == 5
    with report.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["row"] for r in rows] == [str(n) for n in range(2, 32)]
    assert {r["column"] for r in rows} == {"交付枚数"}
    assert rows[0]["value"] == "x1" and "not a number" in rows[0]["reason"]


def test_same_file_twice_changes_nothing(ws_store: Store, tmp_path: Path) -> None:
    before = snapshot(ws_store)
    again = core.import_file(ws_store, tmp_path / "good.csv", tmp_path / "m.yaml")
    assert snapshot(ws_store) == before
    assert again.written is not None
    assert (again.written.inserted, again.written.updated, again.written.unchanged) == (0, 0, 6)


def test_upsert_changes_only_what_changed(ws_store: Store, tmp_path: Path) -> None:
    rows = [HEADER, GOOD[0], "2024/07/31,東京都,8000000,57.9", "2024/08/31,東京都,8100000,58.5"]
    r = core.import_file(ws_store, write_csv(tmp_path / "u.csv", rows), tmp_path / "m.yaml")
    assert r.written is not None
    assert (r.written.inserted, r.written.updated, r.written.unchanged) == (2, 1, 3)
    got = stored(ws_store)
    assert got[("cards", "2024-07-31", "prefecture=13")] == 8000000
    assert got[("cards", "2024-07-31", "prefecture=27")] == 4856721  # not in the file: kept


def test_dry_run_counts_and_writes_nothing(ws_store: Store, tmp_path: Path) -> None:
    before = snapshot(ws_store)
    rows = [HEADER, "2024/09/30,沖縄県,700000,47.5"]
    r = core.import_file(
        ws_store, write_csv(tmp_path / "n.csv", rows), tmp_path / "m.yaml", dry_run=True
    )
    assert r.written is not None and r.written.inserted == 2 and not r.committed
    assert snapshot(ws_store) == before


def test_unknown_indicator_in_the_mapping_is_located(ws_store: Store, tmp_path: Path) -> None:
    mapping = write_mapping(tmp_path / "bad.yaml", PREF_MAPPING.replace("rate:", "ratio:"))
    exc = _fails(ws_store, tmp_path / "good.csv", mapping)
    [p] = exc.result.problems
    assert (p.file, p.line) == (str(mapping), 6) and "unknown indicator 'ratio'" in p.message


def test_missing_column_is_located_at_the_header(ws_store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "h.csv", ["算出基準日,都道府県,交付枚数,交付率", *GOOD])
    exc = _fails(ws_store, path, tmp_path / "m.yaml")
    [p] = exc.result.problems
    assert (p.line, p.field) == (1, "都道府県名") and "the columns are" in p.message


def test_indicator_without_the_dimension(ws_store: Store, tmp_path: Path) -> None:
    mapping = write_mapping(
        tmp_path / "dim.yaml", PREF_MAPPING.replace("values:", "  age_band: 年齢\nvalues:")
    )
    rows = ["算出基準日,都道府県名,年齢,交付枚数,交付率", "2024/07/31,東京都,65歳以上,1,2.0"]
    exc = _fails(ws_store, write_csv(tmp_path / "a.csv", rows), mapping)
    assert any("has no dimension age_band" in p.message for p in exc.result.problems)


def test_empty_store_is_a_clear_error(store: Store, tmp_path: Path) -> None:
    from nenpo.errors import StoreError

    mapping = write_mapping(tmp_path / "m.yaml", PREF_MAPPING)
    with pytest.raises(StoreError, match="holds no workspace"):
        core.import_file(store, write_csv(tmp_path / "g.csv", [HEADER, *GOOD]), mapping)


def test_parsed_in_a_second_process_the_same(ws_store: Store, tmp_path: Path) -> None:
    # Big files are parsed in a child process; its rows and problems must be the same.
    rows = [HEADER, *GOOD, "2024/07/31,東京府,1,2.0", "2024/07/31,北海道,3,4.0"]
    path = write_csv(tmp_path / "p.csv", rows)
    seen = []
    for parallel in (False, True):
        exc = _fails(ws_store, path, tmp_path / "m.yaml", parallel=parallel)
        seen.append(sorted((p.line, p.field, p.message) for p in exc.result.problems))
    assert seen[0] == seen[1] and len(seen[0]) == 3  # 東京府, and row 6 twice (two indicators)
    fresh = [HEADER, "2024/10/31,北海道,2900000,56.0", "2024/10/31,東京都,8000000,58.0"]
    r = core.import_file(
        ws_store, write_csv(tmp_path / "q.csv", fresh), tmp_path / "m.yaml", parallel=True
    )
    assert r.written is not None and r.written.inserted == 4
    assert stored(ws_store)[("cards", "2024-10-31", "prefecture=13")] == 8000000


def test_a_load_never_drops_imported_rows_unasked(ws_store: Store, tmp_path: Path) -> None:
    """Loading the workspace again (it does not read good.csv) would lose the 6 imported rows:
    the load is refused, names the file, and changes nothing."""
    before = snapshot(ws_store)
    with pytest.raises(ImportsAtStake, match=r"good\.csv: 6 not in the workspace") as info:
        core.load(tmp_path / "ws", ws_store)
    assert "--discard-imports" in str(info.value) and "imports/" in str(info.value)
    assert snapshot(ws_store) == before
    loaded = core.load(tmp_path / "ws", ws_store, discard_imports=True)
    assert loaded.removed == 6 and stored(ws_store) == {}


def test_a_load_never_overwrites_an_imported_value_unasked(ws_store: Store, tmp_path: Path) -> None:
    """The workspace reads the same file, but one value was imported again, changed."""
    ws = tmp_path / "ws"
    (ws / "imports").mkdir()
    (ws / "imports" / "prefectures.yaml").write_text(
        'files: ["good.csv"]\n' + PREF_MAPPING, encoding="utf-8"
    )
    (ws / "good.csv").write_bytes((tmp_path / "good.csv").read_bytes())
    core.load(ws, ws_store)  # every imported row is in the workspace, with the same value
    assert len(stored(ws_store)) == 6
    changed = [HEADER, "2024/07/31,東京都,8000000,57.9"]
    core.import_file(ws_store, write_csv(tmp_path / "fix.csv", changed), tmp_path / "m.yaml")
    before = snapshot(ws_store)
    with pytest.raises(ImportsAtStake, match=r"fix\.csv: 1 with another value in the workspace"):
        core.load(ws, ws_store)
    assert snapshot(ws_store) == before
    assert stored(ws_store)[("cards", "2024-07-31", "prefecture=13")] == 8000000
