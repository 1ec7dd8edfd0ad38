"""The data-entry and structure rules of `nenpo check` on the small errata workspace: each finds
its slip at the row's file and line, and stays quiet on data that is right."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nenpo import core
from nenpo.check import Finding
from nenpo.cli import app
from nenpo.errors import WorkspaceError
from nenpo.store import open_store

BASE = Path(__file__).resolve().parent / "errata" / "base"
DATA = "observations/data.csv"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    dst = tmp_path / "ws"
    shutil.copytree(BASE, dst)
    return dst


def _check(ws: Path) -> list[Finding]:
    return core.check(None, ws)  # type: ignore[arg-type]


def _of(ws: Path, rule: str) -> list[Finding]:
    return [f for f in _check(ws) if f.rule == rule]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(text)


def _line(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    (n,) = [i + 1 for i, line in enumerate(lines) if text in line]
    return n


def test_the_clean_workspace_has_no_findings(ws: Path) -> None:
    assert _check(ws) == []


# ── share-over-100 ──────────────────────────────────────────────────────────────────────────


def test_a_share_above_100_is_reported_at_its_row(ws: Path) -> None:
    _edit(ws / DATA, "card_holding_rate,2024-08,75,", "card_holding_rate,2024-08,750,")
    (f,) = _of(ws, "share-over-100")
    assert (f.file, f.line, f.severity) == (DATA, 11, "warning")
    assert "card_holding_rate at 2024-08 = 750" in f.message


def test_an_indicator_that_goes_above_100_on_purpose_is_not_a_share(ws: Path) -> None:
    _edit(ws / DATA, "card_holding_rate,2024-08,75,", "card_holding_rate,2024-08,104,")
    _append(ws / DATA, "card_holding_rate,2024-09,103,,,\n")
    assert _of(ws, "share-over-100") == []


# ── parts-sum ───────────────────────────────────────────────────────────────────────────────


def test_parts_that_sum_to_more_than_their_total(ws: Path) -> None:
    _edit(ws / DATA, "staff_count,2024-07,528,", "staff_count,2024-07,582,")
    (f,) = _of(ws, "parts-sum")
    assert (f.file, f.line) == (DATA, _line(ws / DATA, "staff_count,2024-07,1105"))
    assert "sum to 1,159" in f.message and "more than the total by 54" in f.message
    assert f"{DATA}:6–9" in f.message  # the parts' rows


def test_complete_parts_that_sum_to_less(ws: Path) -> None:
    _edit(ws / DATA, "staff_count,2024-07,528,", "staff_count,2024-07,258,")
    (f,) = _of(ws, "parts-sum")
    assert "less than the total by 270" in f.message


def test_a_breakdown_of_some_categories_may_sum_to_less(ws: Path) -> None:
    """Two of four categories: the rest may simply not be shown."""
    for row in ("staff_count,2024-07,59,,,local_gov\n", "staff_count,2024-07,73,,,other\n"):
        _edit(ws / DATA, row, "")
    assert _of(ws, "parts-sum") == []


def test_rounded_parts_pass(ws: Path) -> None:
    """Parts and total stored from rounded figures (万) differ within their rounding."""
    _append(
        ws / DATA,
        "staff_count,2025-07,12000,illustrative,example,\n"
        "staff_count,2025-07,5000,illustrative,example,gyosei\n"
        "staff_count,2025-07,6000,illustrative,example,private\n"
        "staff_count,2025-07,600,illustrative,example,local_gov\n"
        "staff_count,2025-07,700,illustrative,example,other\n",
    )
    assert _of(ws, "parts-sum") == []


def test_shares_are_not_summed(ws: Path) -> None:
    _edit(ws / "indicators.yaml", "unit: 人", 'unit: "%"')
    assert _of(ws, "parts-sum") == []


# ── series-break ────────────────────────────────────────────────────────────────────────────


def test_two_digits_swapped_in_the_last_value(ws: Path) -> None:
    _append(ws / DATA, "card_holders,2023-07,89040000,,,\n")
    _edit(ws / DATA, "card_holders,2024-08,93080000,", "card_holders,2024-08,39080000,")
    (f,) = _of(ws, "series-break")
    assert (f.file, f.line) == (DATA, 10)
    assert "93,080,000 would fit" in f.message


def test_a_digit_dropped_in_the_middle_of_a_series(ws: Path) -> None:
    _edit(ws / DATA, "org_trust,2022-05,64,", "org_trust,2022-05,6.4,")
    (f,) = _of(ws, "series-break")
    assert f.line == _line(ws / DATA, "org_trust,2022-05")
    assert "10 times smaller" in f.message and "64 would fit" in f.message


def test_a_series_that_really_moves_passes(ws: Path) -> None:
    """Doubling, halving, a rise of 60 %: big moves, but no slip explains them better."""
    _append(
        ws / DATA,
        "card_holders,2021-08,45000000,,,\n"
        "card_holders,2022-08,60000000,,,\n"
        "card_holders,2023-07,89040000,,,\n"
        "org_trust,2024-05,35,illustrative,example,\n",
    )
    assert _of(ws, "series-break") == []


def test_a_running_total_that_falls(ws: Path) -> None:
    _edit(ws / "indicators.yaml", "  name: マイナンバーカード保有枚数\n", "  name: 累計\n")
    _edit(
        ws / "indicators.yaml",
        "  direction: higher\n  source: note2409\n  provenance: real\n- id: card_holding_rate",
        "  direction: higher\n  source: note2409\n"
        "  provenance: real\n  cumulative: true\n- id: card_holding_rate",
    )
    _append(ws / DATA, "card_holders,2023-07,89040000,,,\ncard_holders,2024-12,94000000,,,\n")
    assert _of(ws, "series-break") == []
    _edit(ws / DATA, "card_holders,2024-08,93080000,", "card_holders,2024-08,83090000,")
    (f,) = _of(ws, "series-break")
    assert f.line == 10 and "cannot fall" in f.message and "89,040,000" in f.message


# ── ratio-inputs ────────────────────────────────────────────────────────────────────────────

RATIO = """- id: reviewed
  name: 見直し済み
  unit: 件
  source: orgdata
  provenance: real
- id: total
  name: 見直し対象
  unit: 件
  source: orgdata
  provenance: real
- id: review_rate
  name: 見直し率
  unit: "%"
  source: orgdata
  provenance: real
  ratio: {numerator: reviewed, denominator: total}
"""


@pytest.mark.parametrize(("reviewed", "rate", "ok"), [(7835, 96, True), (7385, 96, False)])
def test_a_ratio_against_its_inputs(ws: Path, reviewed: int, rate: int, ok: bool) -> None:
    _append(ws / "indicators.yaml", RATIO)
    _append(
        ws / DATA,
        f"reviewed,2024-09-10,{reviewed},,,\ntotal,2024-09-10,8164,,,\n"
        f"review_rate,2024-09-10,{rate},,,\n",
    )
    found = _of(ws, "ratio-inputs")
    assert (not found) == ok
    if found:
        assert found[0].line == _line(ws / DATA, "review_rate,") and "90.5" in found[0].message


def test_a_ratio_of_an_unknown_indicator_is_refused_at_load(ws: Path) -> None:
    _append(ws / "indicators.yaml", RATIO.replace("denominator: total", "denominator: totl"))
    with pytest.raises(core.WorkspaceError) as exc:
        _check(ws)
    assert any(p.field == "ratio.denominator" for p in exc.value.problems)


# ── target-date, stale-data ─────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(("date", "reported"), [("2016", True), ("2021-06", False)])
def test_a_target_before_the_series(ws: Path, date: str, reported: bool) -> None:
    """staff_count starts 2021-09: a target of 2016 is a typo; one of 2021-06 is measured by
    the first count, a quarter later."""
    _edit(
        ws / "indicators.yaml",
        "  dimensions: [staff_category]\n",
        f"  dimensions: [staff_category]\n  targets:\n    - {{date: '{date}', value: 1500}}\n",
    )
    found = _of(ws, "target-date")
    assert bool(found) == reported
    if found:
        assert (found[0].file, found[0].line) == ("indicators.yaml", 9)


def test_stale_data_is_answered_by_latest_checked(ws: Path) -> None:
    _edit(ws / DATA, "privacy_training_rate,2024-03", "privacy_training_rate,2022-03")
    assert len(_of(ws, "stale-data")) == 1
    _edit(
        ws / "indicators.yaml",
        "- id: privacy_training_rate\n",
        "- id: privacy_training_rate\n  latest_checked: 2024-09-15\n",
    )
    assert _of(ws, "stale-data") == []


# ── structure ───────────────────────────────────────────────────────────────────────────────


def test_a_content_file_no_page_shows_names_what_it_could_have_meant(ws: Path) -> None:
    (ws / "content" / "p290.md").write_text("職員数。\n", encoding="utf-8")
    (ws / "content" / "en").mkdir()
    (ws / "content" / "en" / "p29.md").write_text("Staff.\n", encoding="utf-8")
    (f,) = _of(ws, "unmatched-content")
    assert (f.file, f.severity) == ("content/p290.md", "error")
    assert "page p29" in f.message and "content/p29.md" in f.hint


def test_a_chart_under_the_heading_of_another_subject(ws: Path) -> None:
    (ws / "content" / "p32.md").write_text(
        "## 職員の組織信頼度\n\n職員の組織信頼度は{{ value org_trust }}でした。\n\n"
        "{{ chart staff }}\n",
        encoding="utf-8",
    )
    (f,) = _of(ws, "chart-placement")
    assert (f.file, f.line) == ("content/p32.md", 5) and "org_trust" in f.message


def test_a_chart_in_a_section_without_references_is_placed_by_its_words(ws: Path) -> None:
    text = "## 組織づくり\n\n職員が組織を信頼して働けているかを確かめています。\n\n{{ chart %s }}\n"
    (ws / "content" / "p32.md").write_text(text % "trust", encoding="utf-8")
    assert _of(ws, "chart-placement") == []
    (ws / "content" / "p32.md").write_text(text % "staff", encoding="utf-8")
    (f,) = _of(ws, "chart-placement")
    assert "'trust'" in f.message


def test_a_list_under_a_heading_that_names_it_needs_no_sentence(ws: Path) -> None:
    (ws / "content" / "p38.md").write_text(
        "## バリュー\n\n- 一人ひとりのために\n- 常に目的を問い\n", encoding="utf-8"
    )
    assert _check(ws) == []


# ── where a stored row was written ──────────────────────────────────────────────────────────


def test_a_check_of_the_store_names_the_rows_file_and_line(ws: Path, tmp_path: Path) -> None:
    _edit(ws / DATA, "staff_count,2024-07,528,", "staff_count,2024-07,582,")
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    core.load(ws, store)
    (f,) = [f for f in core.check(store) if f.rule == "parts-sum"]
    assert (f.file, f.line) == (DATA, _line(ws / DATA, "staff_count,2024-07,1105"))


def test_an_imported_row_is_named_by_the_imported_file(ws: Path, tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    core.load(ws, store)
    table = tmp_path / "rates.csv"
    table.write_text("date,rate\n2024-08,75\n2024-09,76\n2024-10,670\n", encoding="utf-8")
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "period: {column: date}\nvalues:\n  card_holding_rate: rate\n", encoding="utf-8"
    )
    core.import_file(store, table, mapping)
    (f,) = [f for f in core.check(store) if f.rule == "share-over-100"]
    assert f.file.endswith("rates.csv") and f.line == 4


# ── --format json ───────────────────────────────────────────────────────────────────────────


def test_json_when_the_workspace_cannot_be_loaded(ws: Path) -> None:
    (ws / "charts.yaml").write_text("- id: [\n", encoding="utf-8")
    _edit(ws / DATA, "card_holders,2024-08,93080000,", "card_holders,2024-08,lots,")
    result = CliRunner().invoke(app, ["check", str(ws), "--format", "json"])
    assert result.exit_code == 3
    doc = json.loads(result.stdout)
    places = {(f["file"], f["line"], f["rule"], f["severity"]) for f in doc["findings"]}
    assert ("charts.yaml", 2, "load", "error") in places
    assert (DATA, 10, "load", "error") in places
    assert doc["errors"] == len(doc["findings"]) and doc["warnings"] == 0


def test_json_when_the_store_cannot_be_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NENPO_DATABASE_URL", "mysql://nobody@127.0.0.1/x")
    result = CliRunner().invoke(app, ["check", "--format", "json"])
    doc = json.loads(result.stdout)
    assert result.exit_code == 2 and doc["findings"][0]["rule"] == "settings"


SLIPS = [  # (file, what was right, the slip): one of each data-entry kind, in the example
    ("observations/organisation.csv", "staff_count,2024-07,528,", "staff_count,2024-07,582,"),
    (
        "observations/mynumbercard.csv",
        "card_applications,2022-08,64060000,",
        "card_applications,2022-08,46060000,",
    ),
    (
        "observations/mynumbercard.csv",
        "koukin_account_registrations,2024-08,63200000,",
        "koukin_account_registrations,2024-08,36200000,",
    ),
    (
        "data/mynumbercard/20221231/all_prefectures.csv",
        '"北海道",5183687,2888648,',
        '"北海道",5183687,288864,',
    ),
    (
        "data/mynumbercard/20221231/all_prefectures.csv",
        '"宮崎県",1078313,772045,71.6,',
        '"宮崎県",1078313,772045,716,',
    ),
    (
        "data/mynumbercard/20221231/demographics.csv",
        '"0～4歳",2279668,2171048,4450716,991799,',
        '"0～4歳",2279668,2171048,4450716,919799,',
    ),
]


def test_a_store_is_checked_as_its_workspace_is(example_copy: Path, store: object) -> None:
    """The store's rows are read a query at a time (check/stored.py), the workspace's all at
    once (check/rows.py): the findings are the same, at the same files and lines."""
    for file, right, slip in SLIPS:
        _edit(example_copy / file, right, slip)
    from_files = [str(f) for f in core.check(None, example_copy)]  # type: ignore[arg-type]
    core.load(example_copy, store)  # type: ignore[arg-type]
    from_store = [str(f) for f in core.check(store)]  # type: ignore[arg-type]
    assert from_store == from_files
    rules = {line.split("[")[1].split("]")[0] for line in from_files if "warning [" in line}
    assert {"parts-sum", "series-break", "ratio-inputs", "share-over-100"} <= rules


def test_a_check_again_in_the_same_process_reads_what_changed(example_copy: Path) -> None:
    """The imported tables are kept between reads by their content (ingest/workspace.py): an
    edit of a table, of its mapping or of the indicators is read by the next check."""
    table = "data/mynumbercard/20221231/all_prefectures.csv"

    def rules() -> set[tuple[str, str]]:
        found = core.check(None, example_copy)  # type: ignore[arg-type]
        return {(f.file, f.rule) for f in found}

    assert (table, "series-break") not in rules()
    _edit(example_copy / table, '"北海道",5183687,2888648,', '"北海道",5183687,288864,')
    assert (table, "series-break") in rules()
    # The mapping names a column the tables do not have: each table read says so.
    _edit(
        example_copy / "imports/mic-prefectures.yaml",
        "card_issued: 交付枚数",
        "card_issued: 交付数",
    )
    with pytest.raises(WorkspaceError) as refused:
        core.check(None, example_copy)  # type: ignore[arg-type]
    assert any(p.file == table and "交付数" in p.message for p in refused.value.problems)


def test_the_example_warns_only_where_its_readme_says(example_dir: Path) -> None:
    """The clean example: no error, and each warning one its README justifies, by rule and
    number (`stale-data` (2): …)."""
    found = core.check(None, example_dir)  # type: ignore[arg-type]
    assert [str(f) for f in found if f.severity == "error"] == []
    counts: dict[str, int] = {}
    for f in found:
        counts[f.rule] = counts.get(f.rule, 0) + 1
    readme = (example_dir / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Warnings of `nenpo check`")[1].split("\n## ")[0]
    assert f"0 errors and {len(found)} warnings" in section
    for rule, n in counts.items():
        assert f"`{rule}` ({n})" in section, rule
