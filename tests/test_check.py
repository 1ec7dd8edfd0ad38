"""Each check rule on a small workspace: it fires when it should and stays quiet when it should."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nenpo import core
from nenpo.check import Finding
from nenpo.cli import app

BASE = Path(__file__).resolve().parent / "errata" / "base"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    dst = tmp_path / "ws"
    shutil.copytree(BASE, dst)
    return dst


def _check(ws: Path) -> list[Finding]:
    return core.check(None, ws)  # type: ignore[arg-type]


def _rules(ws: Path) -> set[str]:
    return {f.rule for f in _check(ws)}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_number_typed_in_prose_that_contradicts_a_reference(ws: Path) -> None:
    (ws / "content" / "p10.md").write_text(
        "保有率は{{ value card_holding_rate at=2024-08 }}で、\n約70%の国民がカードを持つ。\n",
        encoding="utf-8",
    )
    (f,) = [f for f in _check(ws) if f.rule == "prose-number"]
    assert (f.file, f.line, f.severity) == ("content/p10.md", 2, "error")
    assert "約70%" in f.message and "card_holding_rate" in f.message


def test_number_typed_that_agrees_passes(ws: Path) -> None:
    (ws / "content" / "p10.md").write_text(
        "保有率は{{ value card_holding_rate at=2024-08 }}、つまり国民の約75%。\n", encoding="utf-8"
    )
    assert _rules(ws) == set()


def test_number_matching_no_data_is_a_warning(ws: Path) -> None:
    (ws / "content" / "p38.md").write_text("会議には1,234人が参加した。\n", encoding="utf-8")
    (f,) = _check(ws)
    assert (f.rule, f.severity, f.line) == ("unlinked-number", "warning", 1)


DECK = """\
slides:
  - number: 1
    id: cover
    kind: cover
    title: {ja: "会見資料"}
  - number: 2
    id: holders
    title: {ja: "マイナンバーカードの普及"}
    message:
      ja: 保有率は{{ value card_holding_rate at=2024-08 }}、前年の約70%から伸びた
    key_figures:
      - value: "{{ value card_holders at=2024-08 format=man }}"
        label: {ja: "保有枚数"}
  - number: 3
    id: events
    title: "説明会"
    points:
      - "参加者は1,234人"
      - "保有率は約75%"
"""


def test_numbers_typed_on_slides_are_checked_at_their_line(ws: Path) -> None:
    """deck.yaml's text is prose too: a contradicting number is an error at its line, a number
    no data holds a warning, and one that agrees passes."""
    (ws / "deck.yaml").write_text(DECK, encoding="utf-8")
    found = {(f.rule, f.file, f.line) for f in _check(ws)}
    assert found == {
        ("prose-number", "deck.yaml", 10),  # 約70% beside card_holding_rate (75% or so)
        ("unlinked-number", "deck.yaml", 18),  # 1,234人
    }


def test_illustrative_value_typed_by_hand_is_an_error(ws: Path) -> None:
    (ws / "content" / "p38.md").write_text("組織信頼度は70点に達した。\n", encoding="utf-8")
    (f,) = _check(ws)
    assert (f.rule, f.severity) == ("illustrative-unlabelled", "error")


def test_full_width_digits_are_read(ws: Path) -> None:
    (ws / "content" / "p10.md").write_text(
        "保有率は{{ value card_holding_rate at=2024-08 }}、国民の約７０％。\n", encoding="utf-8"
    )
    assert _rules(ws) == {"prose-number"}


@pytest.mark.parametrize(
    ("shares", "ok"),
    [
        ("{good: 48.0, neutral: 39.1, bad: 12.8}", True),  # 99.9, as the real data
        ("{good: 50.9, neutral: 38.1, bad: 11.1}", True),  # 100.1
        ("{good: 48.0, neutral: 39.0, bad: 12.7}", False),  # 99.7: beyond rounding
        ("{good: 48, neutral: 39, bad: 14}", True),  # 101 with whole numbers: ±1.5
    ],
)
def test_shares_sum(ws: Path, shares: str, ok: bool) -> None:
    _edit(ws / "surveys.yaml", "{good: 48.0, neutral: 39.1, bad: 12.8}", shares)
    found = [f for f in _check(ws) if f.rule == "shares-sum"]
    assert (not found) == ok, found
    if found:
        assert found[0].file == "surveys.yaml" and found[0].line == 27


def test_stale_data(ws: Path) -> None:
    _edit(
        ws / "observations" / "data.csv",
        "privacy_training_rate,2024-03",
        "privacy_training_rate,2022-03",
    )
    (f,) = _check(ws)
    assert f.rule == "stale-data" and "privacy_training_rate" in f.message
    assert (f.file, f.line) == ("indicators.yaml", 20)


def test_target_against_direction(ws: Path) -> None:
    _edit(
        ws / "indicators.yaml",
        '  unit: "%"\n  direction: higher\n  source: note2409',
        '  unit: "%"\n  direction: higher\n  targets: [{date: 2025-03, value: 70}]\n'
        "  source: note2409",
    )
    (f,) = _check(ws)
    assert f.rule == "target-direction" and "below" in f.message
    assert (f.file, f.line) == ("indicators.yaml", 18)


def test_unknown_reference_names_the_line(ws: Path) -> None:
    (ws / "content" / "p32.md").write_text(
        "一行目。\n\n信頼度は{{ value org_trust at=2019-01 }}、{{ value no_such }}。\n",
        encoding="utf-8",
    )
    found = [f for f in _check(ws) if f.rule == "unknown-reference"]
    assert [(f.line, f.severity) for f in found] == [(3, "error"), (3, "error")]
    assert any("no observation at 2019-01" in f.message for f in found)


def test_sources_without_licence_or_address(ws: Path) -> None:
    _edit(
        ws / "sources.yaml",
        "  url: https://digital-gov.note.jp/n/n05b6f4b7a7dd\n  licence: CC BY 4.0\n",
        "",
    )
    _edit(
        ws / "sources.yaml",
        "  title: デジタル庁公式note（2024年9月）\n  publisher: デジタル庁\n",
        "  title: デジタル庁公式note（2024年9月）\n",
    )
    assert _rules(ws) == {"missing-licence", "missing-source"}


def test_too_short_alt_text(ws: Path) -> None:
    _edit(
        ws / "charts.yaml",
        "  title: 職員の組織信頼度\n",
        "  title: 職員の組織信頼度\n  alt: グラフ\n",
    )
    (f,) = _check(ws)
    assert (f.rule, f.file) == ("missing-alt", "charts.yaml")


def test_cli_check_json_and_exit_code(
    ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NENPO_DATABASE_URL", f"sqlite:///{tmp_path / 'c.db'}")
    runner = CliRunner()
    ok = runner.invoke(app, ["check", str(ws), "--format", "json"])
    assert ok.exit_code == 0
    assert json.loads(ok.stdout) == {"errors": 0, "warnings": 0, "findings": [], "accepted": []}
    (ws / "content" / "p38.md").write_text("組織信頼度は70点に達した。\n", encoding="utf-8")
    bad = runner.invoke(app, ["check", str(ws), "--format", "json"])
    assert bad.exit_code == 7
    doc = json.loads(bad.stdout)
    assert doc["errors"] == 1
    assert doc["findings"][0] | {"message": "", "hint": ""} == {
        "file": "content/p38.md",
        "line": 1,
        "rule": "illustrative-unlabelled",
        "severity": "error",
        "message": "",
        "hint": "",
    }
    text = runner.invoke(app, ["check", str(ws)])
    assert "content/p38.md:1: error illustrative-unlabelled" in text.output


def test_the_example_has_no_errors(example_dir: Path) -> None:
    findings = core.check(None, example_dir)  # type: ignore[arg-type]
    assert [str(f) for f in findings if f.severity == "error"] == []
