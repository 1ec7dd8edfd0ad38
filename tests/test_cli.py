"""The CLI: exit codes, readable errors with file:line, nothing written on error."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from typer.testing import CliRunner

from nenpo.cli import app
from nenpo.store import open_store

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("NENPO_DATABASE_URL", url)
    return url


def test_load_then_build(db: str, example_dir: Path, tmp_path: Path) -> None:
    res = runner.invoke(app, ["load", str(example_dir)])
    assert res.exit_code == 0, res.output
    assert "observations" in res.output
    res = runner.invoke(app, ["build", "--out", str(tmp_path / "site")])
    assert res.exit_code == 0, res.output
    doc = BeautifulSoup((tmp_path / "site" / "index.html").read_text(), "html.parser")
    assert doc.html["lang"] == "ja"
    assert "デジタル庁" in doc.get_text()


def test_build_in_english(db: str, example_dir: Path, tmp_path: Path) -> None:
    res = runner.invoke(
        app, ["build", str(example_dir), "--out", str(tmp_path / "en"), "--lang", "en"]
    )
    assert res.exit_code == 0, res.output
    doc = BeautifulSoup((tmp_path / "en" / "index.html").read_text(), "html.parser")
    assert doc.html["lang"] == "en"
    assert "Digital Agency" in doc.title.get_text()
    refs = [
        r.get_text()
        for f in (tmp_path / "en").rglob("*.html")
        for r in BeautifulSoup(f.read_text(), "html.parser").select("span.ref")
    ]
    assert refs
    assert not [r for r in refs if any(u in r for u in "人枚件通")], "Japanese units in English"


def test_bad_workspace_exit_code_and_message(db: str, example_copy: Path) -> None:
    (example_copy / "observations" / "bad.csv").write_text(
        "indicator,date,value\nstaff_count,2024-07,many\n", encoding="utf-8"
    )
    res = runner.invoke(app, ["load", str(example_copy)])
    assert res.exit_code == 3
    assert "observations/bad.csv:2: value:" in res.output
    assert "nothing was written" in res.output
    assert open_store(db).is_empty()


def test_unknown_language_is_refused(db: str, tmp_path: Path) -> None:
    res = runner.invoke(app, ["build", "--out", str(tmp_path / "x"), "--lang", "fr"])
    assert res.exit_code == 2
    assert "'fr': expected one of ja, en" in res.output
    assert not (tmp_path / "x").exists()


def test_schema_is_json_with_every_file(tmp_path: Path) -> None:
    import json

    res = runner.invoke(app, ["schema"])
    assert res.exit_code == 0
    files = json.loads(res.output)["properties"]
    for name in ("nenpo.yaml", "indicators.yaml", "surveys.yaml", "report.yaml"):
        assert name in files


def test_load_keeps_imported_rows_unless_told(db: str, example_copy: Path, tmp_path: Path) -> None:
    """An edit to the workspace's own rows just loads; rows added with `nenpo import` that the
    workspace does not read stop the load (exit code 9) until --discard-imports."""
    assert runner.invoke(app, ["load", str(example_copy)]).exit_code == 0
    # One observation fewer: one that no slide of the deck needs (the loader checks the deck's
    # references, so dropping a figure a slide shows is refused, rightly).
    csv_file = example_copy / "observations" / "mynumbercard.csv"
    lines = csv_file.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [ln for ln in lines if not ln.startswith("card_delivered,2021-08,")]
    assert len(kept) == len(lines) - 1
    csv_file.write_text("".join(kept), encoding="utf-8")
    res = runner.invoke(app, ["load", str(example_copy)])
    assert res.exit_code == 0 and "note:" not in res.output, res.output
    new = tmp_path / "2025.csv"
    new.write_text(
        "算出基準日,都道府県名,交付枚数,人口に対する交付枚数率\n2025/03/31,北海道,3100000,60.1\n",
        encoding="utf-8",
    )
    mapping = example_copy / "imports" / "mic-prefectures.yaml"
    res = runner.invoke(app, ["import", str(new), "--mapping", str(mapping)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["load", str(example_copy)])
    assert res.exit_code == 9, res.output
    assert "2 observation(s) added with `nenpo import`" in " ".join(res.output.split())
    res = runner.invoke(app, ["load", str(example_copy), "--discard-imports"])
    assert res.exit_code == 0, res.output
    assert "2 observation(s) added with `nenpo import` were dropped" in " ".join(res.output.split())


def test_check_of_a_workspace_touches_no_database(
    example_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`check WORKSPACE` reads files only: no nenpo.db appears, an unreachable server is fine."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NENPO_DATABASE_URL", raising=False)
    res = runner.invoke(app, ["check", str(example_dir), "--format", "json"])
    assert res.exit_code == 0, res.output
    table = example_dir / "observations" / "services.csv"
    res = runner.invoke(app, ["import", "--infer", str(table)])
    assert res.exit_code == 0, res.output
    assert not list(tmp_path.iterdir()), list(tmp_path.iterdir())
    monkeypatch.setenv("NENPO_DATABASE_URL", "postgresql+psycopg://u:pw@127.0.0.1:1/none")
    assert runner.invoke(app, ["check", str(example_dir)]).exit_code == 0


def test_mixed_line_endings_load_the_same_data(db: str, example_copy: Path) -> None:
    """CRLF, LF and CR line ends mixed in a YAML and a CSV file: the same workspace as before."""
    from nenpo.ingest.workspace import read_workspace

    before = read_workspace(example_copy).workspace
    for name in ("indicators.yaml", "observations/services.csv"):
        path = example_copy / name
        lines = path.read_bytes().splitlines()
        ends = [b"\r\n", b"\n", b"\r\n", b"\n"]
        path.write_bytes(b"".join(ln + ends[i % 4] for i, ln in enumerate(lines)))
    assert read_workspace(example_copy).workspace == before
    assert runner.invoke(app, ["load", str(example_copy)]).exit_code == 0


def test_a_bug_is_reported_with_its_traceback_in_a_file(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unexpected exception: one line naming a file that holds the traceback (passwords
    masked), exit 70, no traceback on the screen."""
    from nenpo import core

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("postgresql://u:hunter2@h/db went wrong")

    monkeypatch.setattr(core, "check", broken)
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    res = runner.invoke(app, ["check"])
    assert res.exit_code == 70
    assert "nenpo hit a bug" in res.output and "Traceback" not in res.output
    reports = list(tmp_path.glob("nenpo-bug-*.txt"))
    assert len(reports) == 1
    assert str(reports[0]) in "".join(res.output.split()), res.output
    text = reports[0].read_text()
    assert "Traceback" in text and "RuntimeError" in text
    assert "hunter2" not in text and "u:***@h" in text


def test_output_to_a_pipe_keeps_numbers_and_headers_whole(
    example_dir: Path, tmp_path: Path
) -> None:
    """Written to a file, Rich would assume 80 columns: 「不足0.⏎50 FTE」, headers cut to
    「アンバー/…」."""
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    env["NENPO_DATABASE_URL"] = f"sqlite:///{tmp_path / 'p.db'}"
    nenpo = [str(Path(sys.executable).parent / "nenpo")]
    shown = {}
    for cmd in ("allocate", "portfolio"):
        res = subprocess.run(
            [*nenpo, cmd, str(example_dir)], capture_output=True, text=True, env=env, check=False
        )
        assert "Traceback" not in res.stderr, res.stderr
        shown[cmd] = res.stdout
    fte = re.findall(r"[\d.]*\s*FTE", shown["allocate"])
    assert fte and all(re.fullmatch(r"\d+\.\d\d FTE", f) for f in fte), fte
    assert "…" not in shown["portfolio"]
    assert "アンバー/レッド" in shown["portfolio"] and "アンバー/グリーン" in shown["portfolio"]


def test_new_copies_the_example_into_a_workspace_a_user_can_check(
    db: str, example_dir: Path, tmp_path: Path
) -> None:
    mine = tmp_path / "deep" / "mine"
    res = runner.invoke(app, ["new", str(mine)])
    assert res.exit_code == 0, res.output
    made = {p.relative_to(mine) for p in mine.rglob("*") if p.is_file()}
    bundled = {
        p.relative_to(example_dir)
        for p in example_dir.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and "replay" not in p.parts
    }
    assert made == bundled
    assert (mine / "nenpo.yaml").read_bytes() == (example_dir / "nenpo.yaml").read_bytes()
    assert not [p for p in mine.parent.iterdir() if p.name.startswith(".")], "temporary left"
    res = runner.invoke(app, ["check", str(mine)])
    assert res.exit_code == 0, res.output
    assert "0 error(s)" in res.output


@pytest.mark.parametrize("kind", ["non-empty folder", "file"])
def test_new_never_overwrites(db: str, tmp_path: Path, kind: str) -> None:
    target = tmp_path / "taken"
    if kind == "file":
        target.write_text("mine", encoding="utf-8")
        before = {target: b"mine"}
    else:
        target.mkdir()
        (target / "notes.md").write_text("mine", encoding="utf-8")
        before = {target / "notes.md": b"mine"}
    res = runner.invoke(app, ["new", str(target)])
    assert res.exit_code == 2, res.output
    assert str(target) in res.output and "Traceback" not in res.output
    assert {p: p.read_bytes() for p in before} == before
    if kind != "file":
        assert [p.name for p in target.iterdir()] == ["notes.md"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "temporary left"
