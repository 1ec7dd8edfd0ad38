"""The example's real MIC files come in through its mappings; the CLI and --infer on them."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nenpo.cli import app
from nenpo.ingest.workspace import read_workspace

MIC = "data/mynumbercard"


@pytest.fixture(scope="module")
def example_obs(example_dir: Path) -> list:  # type: ignore[type-arg]
    return read_workspace(example_dir).workspace.observations


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_every_real_file_and_date_comes_in(example_dir: Path, example_obs: list) -> None:  # type: ignore[type-arg]
    dates = sorted(p.name for p in (example_dir / MIC).iterdir() if p.is_dir())
    assert len(dates) == 46
    # The ministry's rows (the national series goes on with one figure of the 2023 report).
    issued = [o for o in example_obs if o.indicator == "card_issued" and o.source != "r2023"]
    by_dims = Counter(tuple(sorted(o.dims)) for o in issued)
    n_demo = sum(1 for d in dates if (example_dir / MIC / d / "demographics.csv").exists())
    age_rows = sum(
        len([r for r in _csv(example_dir / MIC / d / "demographics.csv") if r["年齢"] != "全体"])
        for d in dates
        if (example_dir / MIC / d / "demographics.csv").exists()
    )
    assert by_dims[("prefecture",)] == 46 * 47
    assert by_dims[()] == 46  # the 全国 row of each summary_by_types.csv
    assert by_dims[("age_band",)] == age_rows
    assert by_dims[("age_band", "sex")] == 2 * age_rows
    assert by_dims[("sex",)] == 2 * n_demo  # the 全体 rows, by sex
    assert sorted({o.period for o in issued}) == sorted(f"{d[:4]}-{d[4:6]}-{d[6:]}" for d in dates)


def test_values_equal_the_files(example_dir: Path, example_obs: list) -> None:  # type: ignore[type-arg]
    got = {(o.indicator, o.period, tuple(sorted(o.dims.items()))): o.value for o in example_obs}
    pref = _csv(example_dir / MIC / "20221231" / "all_prefectures.csv")
    tokyo = next(r for r in pref if r["都道府県名"] == "東京都")
    assert got[("card_issued", "2022-12-31", (("prefecture", "13"),))] == int(tokyo["交付枚数"])
    demo = _csv(example_dir / MIC / "20170515" / "demographics.csv")
    band = next(r for r in demo if r["年齢"] == "0～4歳")
    key = ("card_issue_rate", "2017-05-15", (("age_band", "0-4"), ("sex", "female")))
    assert got[key] == float(band["交付率(女)"])
    kinds = _csv(example_dir / MIC / "20221231" / "summary_by_types.csv")
    merged = next(r for r in kinds if r["区分"].startswith("特別区・市"))
    key = ("card_issued", "2022-12-31", (("municipality_type", "wards_and_cities"),))
    assert got[key] == int(merged["交付枚数"])


def test_infer_proposes_the_example_mapping(example_dir: Path, tmp_path: Path) -> None:
    env = {"NENPO_DATABASE_URL": f"sqlite:///{tmp_path / 'n.db'}"}
    runner = CliRunner()
    assert runner.invoke(app, ["load", str(example_dir)], env=env).exit_code == 0
    path = example_dir / MIC / "20221231" / "all_prefectures.csv"
    r = runner.invoke(app, ["import", "--infer", str(path)], env=env)
    assert r.exit_code == 0, r.output
    import yaml

    proposal = yaml.safe_load(r.stdout)
    assert proposal["period"] == {"column": "算出基準日"}
    assert proposal["dimensions"] == {"prefecture": {"column": "都道府県名"}}
    assert proposal["values"]["card_issued"] == "交付枚数"
    assert proposal["values"]["card_issue_rate"] == "人口に対する交付枚数率"


@pytest.mark.parametrize(
    "header",
    [
        "a,b",  # one letter is part of many names
        "日付,件数,人数,値",  # a counter word ends many names
        "年月,都道府県,割合,合計",
        "date,count,total,rate",
    ],
)
def test_infer_never_proposes_an_indicator_a_column_does_not_name(
    header: str, example_dir: Path, tmp_path: Path
) -> None:
    """A column proposed as an indicator without a TODO is imported as one when the user fixes
    only the TODO lines: only a column that names the indicator (its name, or its end of three
    characters or more: 交付枚数) is proposed; every other number column stays a TODO."""
    env = {"NENPO_DATABASE_URL": f"sqlite:///{tmp_path / 'n.db'}"}
    runner = CliRunner()
    assert runner.invoke(app, ["load", str(example_dir)], env=env).exit_code == 0
    names = header.split(",")
    path = tmp_path / "t.csv"
    rows = [header] + [",".join(str(10 * i + j + 1) for j in range(len(names))) for i in range(3)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    r = runner.invoke(app, ["import", "--infer", str(path)], env=env)
    assert r.exit_code == 0, r.output
    import yaml

    values = yaml.safe_load(r.stdout).get("values") or {}
    ws = read_workspace(example_dir).workspace
    known = {i.id for i in ws.indicators}
    assert not set(values) & known, values


def test_cli_import_prints_problems_and_writes_the_report(
    example_dir: Path, tmp_path: Path
) -> None:
    env = {"NENPO_DATABASE_URL": f"sqlite:///{tmp_path / 'n.db'}"}
    runner = CliRunner()
    assert runner.invoke(app, ["load", str(example_dir)], env=env).exit_code == 0
    src = (example_dir / MIC / "20221231" / "all_prefectures.csv").read_text("utf-8-sig")
    bad = tmp_path / "bad.csv"
    bad.write_text(src.replace('"東京都"', '"東京府"').replace(",55.7,", ",55.7%,"), "cp932")
    mapping = example_dir / "imports" / "mic-prefectures.yaml"
    report = tmp_path / "report.csv"
    r = runner.invoke(
        app, ["import", str(bad), "-m", str(mapping), "--report", str(report)], env=env
    )
    assert r.exit_code == 3
    assert "1 problem in" in r.stderr and "東京府" in r.stderr
    [row] = _csv(report)
    assert (row["column"], row["value"]) == ("都道府県名", "東京府")
    good = tmp_path / "good.csv"
    good.write_text(src, "cp932")
    r = runner.invoke(app, ["import", str(good), "-m", str(mapping), "--dry-run"], env=env)
    assert r.exit_code == 0 and "94 unchanged" in r.stdout and "dry run" in r.stdout


def test_infer_finds_the_header_under_titles_and_a_wide_table(tmp_path: Path) -> None:
    from nenpo.ingest.infer import infer
    from tests.importing import write_xlsx

    rows = [
        ["指標", "都道府県", "2024年4月", "2024年5月", "2024年6月"],
        ["交付枚数", "北海道", 2801234, 2810001, "－"],
        ["交付枚数", "東京都", 7900000, 7950000, 7990000],
        ["交付枚数", "全国", 70000000, 70500000, 71000000],
    ]
    path = write_xlsx(tmp_path / "wide.xlsx", rows, title="マイナンバーカード交付状況（月次）")
    import yaml

    proposal = yaml.safe_load(infer(path))
    assert proposal["header_row"] == 3
    assert proposal["wide"]["into"] == "period"
    assert proposal["wide"]["columns"] == ["2024年4月", "2024年5月", "2024年6月"]
    assert proposal["dimensions"] == {"prefecture": {"column": "都道府県", "total": ["全国"]}}


def test_every_mapping_key_is_documented() -> None:
    from nenpo.ingest.mapping import (
        DimensionSpec,
        ImportMapping,
        IndicatorSpec,
        PeriodSpec,
        ValueSpec,
        WideSpec,
    )

    doc = (Path(__file__).parents[1] / "docs" / "imports.md").read_text(encoding="utf-8")
    for model in (ImportMapping, PeriodSpec, DimensionSpec, IndicatorSpec, ValueSpec, WideSpec):
        for key in model.model_fields:
            assert f"`{key}" in doc or f"{key}:" in doc, f"{model.__name__}.{key} undocumented"
