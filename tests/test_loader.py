"""The loader validates everything, reports every problem with file and line, writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nenpo import core
from nenpo.errors import WorkspaceError
from nenpo.ingest.workspace import read_workspace
from nenpo.store import Store


def _append(path: Path, text: str) -> int:
    """Append `text`; return the number of the first appended line."""
    before = path.read_text(encoding="utf-8") if path.exists() else ""
    if before and not before.endswith("\n"):
        before += "\n"
    path.write_text(before + text, encoding="utf-8")
    return before.count("\n") + 1


def _break(ws: Path) -> set[tuple[str, int]]:
    """Make ten different mistakes in a copy of the example; return where each one is."""
    first = yaml.safe_load((ws / "indicators.yaml").read_text(encoding="utf-8"))[0]
    survey = yaml.safe_load((ws / "surveys.yaml").read_text(encoding="utf-8"))[0]
    expected = set()
    # 1. bad YAML
    n = _append(ws / "focus_areas.yaml", "- id: broken\n  name: [unclosed\n")
    expected.add(("focus_areas.yaml", n + 2))
    # 2. unknown focus area
    n = _append(ws / "projects.yaml", "- id: extra-project\n  name: 追加\n  focus_area: nowhere\n")
    expected.add(("projects.yaml", n + 2))
    # 3. duplicate id
    n = _append(
        ws / "indicators.yaml",
        f"- id: {first['id']}\n  name: 重複\n  unit: 人\n  source: {first['source']}\n"
        "  provenance: real\n",
    )
    expected.add(("indicators.yaml", n))
    # 4. a non-number value, 5. an unknown indicator, 6. an impossible date
    (ws / "observations" / "extra.csv").write_text(
        f"indicator,date,value\n{first['id']},2024-07,abc\nno_such_indicator,2024-07,1\n"
        f"{first['id']},2024-13,5\n",
        encoding="utf-8",
    )
    expected |= {
        ("observations/extra.csv", 2),
        ("observations/extra.csv", 3),
        ("observations/extra.csv", 4),
    }
    # 7. an option share outside 0–100
    q = survey["questions"][0]
    w = survey["waves"][0]
    shares = "".join(
        f"        {o['id']}: {120 if i == 0 else 1}\n" for i, o in enumerate(q["options"])
    )
    n = _append(
        ws / "surveys.yaml",
        f"- id: extra-survey\n  title: 追加調査\n  source: {survey['source']}\n"
        f"  questions:\n    - id: {q['id']}\n      text: 設問\n      options:\n"
        + "".join(f"        - id: {o['id']}\n          label: {o['id']}\n" for o in q["options"])
        + f"  waves:\n    - id: {w['id']}\n      date: {w['date']}\n      respondents: 10\n"
        f"  results:\n    - question: {q['id']}\n      wave: {w['id']}\n      shares:\n" + shares,
    )
    text = (ws / "surveys.yaml").read_text(encoding="utf-8").splitlines()
    expected.add(("surveys.yaml", len(text) - len(q["options"]) + 1))
    # 8. a missing file
    n = _append(
        ws / "report.yaml",
        "  - id: extra-chapter\n    title: 追加\n    content: content/missing.md\n",
    )
    expected.add(("report.yaml", n + 2))
    # 9. an unknown section in nenpo.yaml
    n = _append(ws / "nenpo.yaml", "prioriti_plan:\n  title: typo\n")
    expected.add(("nenpo.yaml", n))
    # 10. a chart of an unknown indicator
    n = _append(
        ws / "charts.yaml",
        "- id: extra-chart\n  kind: timeseries\n  indicator: no_such_indicator\n",
    )
    expected.add(("charts.yaml", n + 2))
    return expected


def test_ten_mistakes_all_reported_with_file_and_line_and_store_unchanged(
    example_copy: Path, example_dir: Path, store: Store
) -> None:
    core.load(example_dir, store)
    before = store.read()
    log_before = store.last_load()
    expected = _break(example_copy)
    assert len(expected) == 10
    with pytest.raises(WorkspaceError) as info:
        core.load(example_copy, store)
    found = {(p.file, p.line) for p in info.value.problems}
    missing = expected - found
    assert not missing, f"not reported: {missing}\nreported:\n{info.value}"
    for p in info.value.problems:
        assert p.file and p.line and p.message
    assert store.read() == before
    assert store.last_load() == log_before


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, body in files.items():
        f = root / name
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(body, encoding="utf-8")
    return root


MINIMAL = {
    "nenpo.yaml": "organisation:\n  name: 例示庁\nreport:\n  title: 年次報告\n"
    "  period_start: 2023-09-01\n  period_end: 2024-08-31\n",
}


def test_minimal_workspace_loads(tmp_path: Path) -> None:
    loaded = read_workspace(_write(tmp_path, MINIMAL))
    assert loaded.workspace.organisation.name.ja == "例示庁"
    assert loaded.workspace.report.languages == ["ja"]


def test_missing_nenpo_yaml(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match=r"nenpo\.yaml"):
        read_workspace(tmp_path)


def test_duplicate_yaml_key_is_an_error(tmp_path: Path) -> None:
    files = dict(MINIMAL)
    files["focus_areas.yaml"] = "- id: a\n  name: A\n  name: B\n"
    with pytest.raises(WorkspaceError) as info:
        read_workspace(_write(tmp_path, files))
    assert [(p.file, p.line) for p in info.value.problems] == [("focus_areas.yaml", 3)]
    assert "duplicate key" in info.value.problems[0].message


def test_subproject_in_other_focus_area_rejected(tmp_path: Path) -> None:
    files = dict(MINIMAL)
    files["focus_areas.yaml"] = "- id: a\n  name: A\n- id: b\n  name: B\n"
    files["projects.yaml"] = (
        "- id: p\n  name: P\n  focus_area: a\n  subprojects:\n"
        "    - id: c\n      name: C\n      focus_area: b\n"
    )
    with pytest.raises(WorkspaceError) as info:
        read_workspace(_write(tmp_path, files))
    (p,) = info.value.problems
    assert (p.file, p.line) == ("projects.yaml", 7)
    assert "parent's focus area" in p.message


def test_share_missing_for_an_option(tmp_path: Path) -> None:
    files = dict(MINIMAL)
    files["sources.yaml"] = "- id: s\n  title: S\n"
    files["surveys.yaml"] = (
        "- id: sv\n  title: T\n  source: s\n  questions:\n    - id: q\n      text: Q\n"
        "      options:\n        - {id: a, label: A}\n        - {id: b, label: B}\n"
        "  waves:\n    - {id: w, date: 2024-07, respondents: 10}\n"
        "  results:\n    - question: q\n      wave: w\n      shares: {a: 60}\n"
    )
    with pytest.raises(WorkspaceError) as info:
        read_workspace(_write(tmp_path, files))
    assert any("no share for option 'b'" in p.message for p in info.value.problems)
