"""The import's two ways of reading CSV rows give the same: a column at a time, and row by row.

`RowReader._columns` reads a chunk of rows a column at a time and hands any chunk holding a
problem, a blank, skipped or last row to `_rows`. These tests read the same files both ways, in
chunks of a few rows so that good and bad chunks mix, and compare every observation (its key,
value and row), every problem (file, row, column, value, message) and the counts.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from nenpo.ingest import rows as rows_module
from nenpo.ingest.importer import catalog_of
from nenpo.ingest.mapping import mapping_from
from nenpo.ingest.reading import Outcome, read_here
from nenpo.ingest.rows import RowReader
from nenpo.ingest.tables import open_tables
from nenpo.ingest.yamlfile import read_yaml
from nenpo.store import open_store
from tests.importing import loaded, write_csv, write_mapping

LONG = """\
indicator: {column: 指標}
period: {column: 年月}
dimensions: {municipality: 団体コード}
value: 値
"""
WIDE = """\
indicator: {column: 指標}
dimensions: {prefecture: 都道府県}
wide: {columns: '\\d{4}-\\d{2}', into: period}
"""
VALUES = """\
period: {column: 算出基準日}
dimensions:
  prefecture: 都道府県名
  age_band: {column: 年齢, total: [計], skip: [不明]}
values:
  - {column: 交付枚数, indicator: cards}
  - {column: 千枚, indicator: cards, scale: 1000, unit: 千枚}
last_row: 40
"""
# Cells of each kind, good ones first: the files draw mostly good cells, some bad.
MUNICIPALITIES = ["011002", "012025", "131016", "271004", "13101", "北海道札幌市", "999999", ""]
INDICATORS = ["users", "利用者数", "users ", "cards", "nosuch", "=SUM(A1)"]
MONTHS = ["2024-01", "2024-02", "令和6年3月", "R6.4", "2024/05", "2024-13", "昨年", ""]
PREFECTURES = ["北海道", "東京都", "13", "27", "大阪", "府中", ""]
NUMBERS = ["12", "3.5", '"1,234"', "-", "…", "x", "△5", "12件", "nan", "1e3", " 7 ", "", "abc"]
AGES = ["0-19", "20～64歳", "計", "不明", "100歳"]


def _reading(tmp: Path, by_columns: bool, mapping_text: str, lines: list[str]) -> Any:
    """What reading the file gives: observations (named), problems and counts."""
    store = open_store(f"sqlite:///{tmp / 'n.db'}")
    try:
        loaded(store, tmp)
        catalog = catalog_of(store)
    finally:
        store.engine.dispose()
    mp = write_mapping(tmp / "m.yaml", mapping_text)
    found: list[Any] = []
    src = read_yaml(mp, str(mp), found)
    assert src is not None
    mapping = mapping_from(src, found)
    assert mapping is not None, found
    file = write_csv(tmp / "t.csv", lines)
    tables = open_tables(file, "t.csv", mapping.format, mapping.encoding, mapping.sheet)
    problems: list[Any] = []
    outcome = Outcome()
    obs = [
        o
        for batch in read_here(tables, mapping, src, "m.yaml", catalog, problems.append, outcome)
        for o in batch
    ]
    pairs, dimsets = outcome.names()
    named = [(pairs[ip], dimsets[dk], v, row) for ip, dk, v, row in obs]
    shown = [(p.file, p.line, p.field, p.value, p.message) for p in problems]
    c = outcome.counts
    counts = (c.rows, c.observations, c.missing, c.skipped, c.bad_rows, c.problems, c.periods)
    return named, shown, counts


def _both(tmp: Path, monkeypatch: pytest.MonkeyPatch, mapping: str, lines: list[str]) -> Any:
    """Read the file a column at a time and row by row, in chunks of 12 observations (3 to 12
    rows); both results, and whether each chunk was read a column at a time."""
    monkeypatch.setattr(rows_module, "CHUNK", 12)
    used = []
    real = RowReader._columns

    def spy(self: RowReader, chunk: Any) -> Any:
        out = real(self, chunk)
        used.append(out is not None)
        return out

    monkeypatch.setattr(RowReader, "_columns", spy)
    (tmp / "a").mkdir()
    by_columns = _reading(tmp / "a", True, mapping, lines)
    monkeypatch.setattr(RowReader, "_columns", lambda self, chunk: None)
    (tmp / "b").mkdir()
    by_rows = _reading(tmp / "b", False, mapping, lines)
    return by_columns, by_rows, used


def _pick(rnd: random.Random, cells: list[str], bad: float) -> str:
    """Mostly the first (good) cells; a bad one with probability `bad`."""
    if rnd.random() < bad:
        return rnd.choice(cells)
    return rnd.choice(cells[:3])


@pytest.mark.parametrize("seed", range(6))
def test_long_table_reads_the_same_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    rnd = random.Random(seed)
    bad = [0.0, 0.02, 0.05, 0.1, 0.2, 0.4][seed]
    lines = ["団体コード,指標,年月,値"]
    for _ in range(60):
        if rnd.random() < bad / 4:
            lines.append(rnd.choice([",,,", "011002,users,2024-01", "1,2,3,4,5"]))
            continue
        cells = [_pick(rnd, c, bad) for c in (MUNICIPALITIES, INDICATORS, MONTHS, NUMBERS)]
        lines.append(",".join(cells))
    by_columns, by_rows, used = _both(tmp_path, monkeypatch, LONG, lines)
    assert by_columns == by_rows
    if seed == 0:  # a file with nothing wrong is read a column at a time throughout
        assert used and all(used)
        assert len(by_columns[0]) == 60 and by_columns[1] == []
    elif bad <= 0.1:
        assert any(used), "no chunk was read a column at a time"


@pytest.mark.parametrize("seed", range(4))
def test_wide_table_reads_the_same_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    rnd = random.Random(100 + seed)
    bad = [0.0, 0.05, 0.15, 0.3][seed]
    months = ["2024-01", "2024-02", "2024-03", "2024-04"]
    lines = ["都道府県,指標," + ",".join(months)]
    for _ in range(30):
        pref = _pick(rnd, PREFECTURES, bad)
        ind = _pick(rnd, ["cards", "rate", "交付率", "users", "nosuch"], bad)
        vals = [_pick(rnd, NUMBERS, bad + 0.1) for _ in months]  # missing markers are common
        lines.append(",".join([pref, ind, *vals]))
    by_columns, by_rows, used = _both(tmp_path, monkeypatch, WIDE, lines)
    assert by_columns == by_rows
    assert by_columns[0], "no observation read"
    if bad <= 0.05:
        assert any(used), "no chunk was read a column at a time"


@pytest.mark.parametrize("seed", range(4))
def test_several_value_columns_totals_and_last_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    rnd = random.Random(200 + seed)
    bad = [0.0, 0.05, 0.15, 0.3][seed]
    lines = ["算出基準日,都道府県名,年齢,交付枚数,千枚"]
    for k in range(50):  # rows after the last row (40) are not read
        if k == 25 and seed % 2:
            lines.append(",,,,")  # a blank row in the middle
            continue
        cells = [
            _pick(rnd, ["2024/07/31", "令和6年7月31日", "2024-06-30", "2024/02/30"], bad),
            _pick(rnd, PREFECTURES, bad),
            _pick(rnd, AGES, bad),
            _pick(rnd, NUMBERS, bad),
            _pick(rnd, NUMBERS, bad),
        ]
        lines.append(",".join(cells))
    by_columns, by_rows, used = _both(tmp_path, monkeypatch, VALUES, lines)
    assert by_columns == by_rows
    assert max(row for *_, row in by_columns[0]) <= 40
    if bad <= 0.15:
        assert any(used), "no chunk was read a column at a time"
