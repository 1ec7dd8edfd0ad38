"""A new user's import with its two value columns swapped (issue 14's trial): the MIC
prefecture table read with 交付枚数 as the 交付率 (7,985,934 % for 東京都) and the rate as the
count. The import cannot know; `nenpo check` on the store must warn at each row, by file and
line — the chart of 7,985,934 % was published with the check passing before."""

from __future__ import annotations

import csv
from pathlib import Path

from nenpo import core
from nenpo.store import open_store

MAPPING = """\
period: {column: 算出基準日}
dimensions:
  prefecture: 都道府県名
values:
  card_issued: 人口に対する交付枚数率
  card_issue_rate: 交付枚数
provenance: real
source: mic-csv
"""


def test_a_swapped_mapping_is_warned_at_every_row(example_dir: Path, tmp_path: Path) -> None:
    table = example_dir / "data" / "mynumbercard" / "20221231" / "all_prefectures.csv"
    mapping = tmp_path / "swapped.yaml"
    mapping.write_text(MAPPING, encoding="utf-8")
    store = open_store(f"sqlite:///{tmp_path / 'n.db'}")
    core.load(example_dir, store)
    core.import_file(store, table, mapping)
    with table.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    tokyo = next(i for i, r in enumerate(rows, start=2) if r["都道府県名"] == "東京都")
    assert rows[tokyo - 2]["交付枚数"] == "7985934"

    findings = [f for f in core.check(store) if f.file and Path(f.file).name == table.name]
    warned = {
        (f.line, ind)
        for f in findings
        for ind in ("card_issue_rate", "card_issued")
        if ind + " " in f.message and f.severity == "warning"
    }
    lines = set(range(2, len(rows) + 2))
    # Every row of both swapped columns is reported where it was read.
    assert {line for line, ind in warned if ind == "card_issue_rate"} == lines
    assert {line for line, ind in warned if ind == "card_issued"} == lines
    tokyo_rate = next(f for f in findings if f.line == tokyo and "card_issue_rate" in f.message)
    assert "7,985,934" in tokyo_rate.message, tokyo_rate.message
