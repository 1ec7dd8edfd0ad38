"""Accepted findings: publishing despite check errors only by an explicit, recorded override.

Every error must be accepted by rule, file and message, with who and why; an acceptance that no
longer matches is refused; an unlabelled illustrative value can never be accepted; the record
stays in the edition's internal files, never in a public tree.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from nenpo.cli import app

runner = CliRunner()
LEGEND = (
    'title: {ja: "職員構成", en: "Staff by category"}\n',
    'title: {ja: "職員構成", en: "Staff by category"}\n'
    '  legend_labels: ["行政人材", "民間人材", "地方出身", "その他"]\n',
)


@pytest.fixture
def env(tmp_path: Path, example_dir: Path) -> tuple[Path, dict[str, str]]:
    ws = tmp_path / "ws"
    shutil.copytree(example_dir, ws)
    charts = ws / "charts.yaml"
    text = charts.read_text(encoding="utf-8")
    assert LEGEND[0] in text
    charts.write_text(text.replace(LEGEND[0], LEGEND[1], 1), encoding="utf-8")
    env = {
        "NENPO_DATABASE_URL": f"sqlite:///{tmp_path / 'n.db'}",
        "NENPO_EDITIONS_DIR": str(tmp_path / "editions"),
        "NENPO_PUBLIC_DIR": str(tmp_path / "public"),
        "COLUMNS": "300",
    }
    assert runner.invoke(app, ["load", str(ws)], env=env).exit_code == 0
    return ws, env


def _complete(path: Path, **fields: str) -> None:
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.write_text(
        yaml.safe_dump([{**i, **fields} for i in items], allow_unicode=True), encoding="utf-8"
    )


def test_accepted_errors_publish_with_a_record_kept_internal(
    env: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    ws, e = env
    refused = runner.invoke(app, ["publish", "--approver", "a"], env=e)
    assert refused.exit_code == 7 and "legend" in refused.output
    assert not (tmp_path / "editions").exists() or not any((tmp_path / "editions").iterdir())

    acc = tmp_path / "accepted.yaml"
    r = runner.invoke(app, ["check", str(ws), "--write-accept", str(acc)], env=e)
    assert r.exit_code == 7, r.output
    items = yaml.safe_load(acc.read_text(encoding="utf-8"))
    assert items and {i["file"] for i in items} == {"charts.yaml"}
    assert all(i["reason"] == "TODO" for i in items)

    # Not completed: who and why are required.
    r = runner.invoke(app, ["check", str(ws), "--accept", str(acc)], env=e)
    assert r.exit_code == 7 and f"{acc}:" in r.output and "accepted_by" in r.output, r.output

    _complete(acc, reason="公表時のまま再現する", accepted_by="情報公開担当")
    r = runner.invoke(app, ["check", str(ws), "--accept", str(acc), "--format", "json"], env=e)
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["errors"] == 0 and len(doc["accepted"]) == len(items)

    r = runner.invoke(app, ["publish", "--approver", "a", "--accept", str(acc)], env=e)
    assert r.exit_code == 0, r.output
    (edition,) = (tmp_path / "editions").iterdir()
    record = json.loads((edition / "accepted.json").read_text(encoding="utf-8"))
    assert [x["accepted_by"] for x in record] == ["情報公開担当"] * len(items)
    assert all(x["rule"] == items[0]["rule"] for x in record)
    public = [p for p in (tmp_path / "public").rglob("*") if p.is_file() or p.is_symlink()]
    assert public and not [p for p in public if "accepted" in p.name]
    assert not list((edition / "site").rglob("accepted*"))
    for page in (edition / "site").rglob("*.html"):
        assert "情報公開担当" not in page.read_text(encoding="utf-8")


def test_a_stale_or_missing_acceptance_publishes_nothing(
    env: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    ws, e = env
    acc = tmp_path / "accepted.yaml"
    runner.invoke(app, ["check", str(ws), "--write-accept", str(acc)], env=e)
    _complete(acc, reason="r", accepted_by="b")
    stale = yaml.safe_load(acc.read_text(encoding="utf-8"))
    stale.append({**stale[0], "message": "a finding that is not reported"})
    acc.write_text(yaml.safe_dump(stale, allow_unicode=True), encoding="utf-8")
    r = runner.invoke(app, ["publish", "--approver", "a", "--accept", str(acc)], env=e)
    assert r.exit_code == 7 and "no longer reports" in r.output and f"{acc}:" in r.output
    assert not (tmp_path / "editions").exists() or not any((tmp_path / "editions").iterdir())

    # An error nobody accepted still stops the publication.
    acc.write_text("[]\n", encoding="utf-8")
    r = runner.invoke(app, ["publish", "--approver", "a", "--accept", str(acc)], env=e)
    assert r.exit_code == 7 and "legend" in r.output


def test_an_unlabelled_illustrative_value_can_never_be_accepted(tmp_path: Path) -> None:
    acc = tmp_path / "accepted.yaml"
    acc.write_text(
        "- rule: illustrative-unlabelled\n  file: content/index.md\n  message: m\n"
        "  reason: r\n  accepted_by: b\n",
        encoding="utf-8",
    )
    r = runner.invoke(app, ["publish", "--approver", "a", "--accept", str(acc)], env={})
    assert r.exit_code == 7, r.output
    assert f"{acc}:1" in r.output and "illustrative" in r.output


def test_identical_findings_are_accepted_one_to_one() -> None:
    """Two legends with the same wrong label make the same finding word for word (the replay of
    the seed's first edition: 'どちらでもない' in 賛同 and in 適応); --write-accept writes one
    acceptance for each, and neither is taken for stale."""
    from nenpo.check.accept import Acceptance, AcceptanceError, apply
    from nenpo.check.findings import Finding

    msg = "legend label 'どちらでもない' differs from the data's 'どちらともいえない' (position 2)"
    found = [Finding("charts.yaml", n, "legend-labels", "error", msg) for n in (10, 16)]
    one = Acceptance("legend-labels", "charts.yaml", msg, "r", "b", "acc.yaml:1")
    two = Acceptance("legend-labels", "charts.yaml", msg, "r", "b", "acc.yaml:7")
    applied = apply(found, [one, two])
    assert [a.source for _f, a in applied.accepted] == ["acc.yaml:1", "acc.yaml:7"]
    assert applied.remaining == []
    # One acceptance may still cover both; a third one matches nothing and is stale.
    assert len(apply(found, [one]).accepted) == 2
    three = Acceptance("legend-labels", "charts.yaml", msg, "r", "b", "acc.yaml:13")
    with pytest.raises(AcceptanceError, match=r"acc\.yaml:13"):
        apply(found, [one, two, three])
