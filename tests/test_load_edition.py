"""`nenpo load-edition`: the public API's store holds what was published, nothing newer."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from nenpo.cli import app
from nenpo.store import open_store
from nenpo.store.db import workspace_hash

runner = CliRunner()


def test_the_public_store_gets_the_published_edition_not_later_edits(
    tmp_path: Path, example_dir: Path
) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(example_dir, ws)
    editing = {
        "NENPO_DATABASE_URL": f"sqlite:///{tmp_path / 'editing.db'}",
        "NENPO_EDITIONS_DIR": str(tmp_path / "editions"),
        "NENPO_PUBLIC_DIR": str(tmp_path / "public"),
    }
    public = {**editing, "NENPO_DATABASE_URL": f"sqlite:///{tmp_path / 'public.db'}"}
    assert runner.invoke(app, ["load", str(ws)], env=editing).exit_code == 0
    r = runner.invoke(app, ["publish", "--approver", "a"], env=editing)
    assert r.exit_code == 0, r.output
    edition = json.loads(next((tmp_path / "editions").glob("*/edition.json")).read_text("utf-8"))

    # An edit loaded after publishing, not published: the public store must not see it.
    csv = ws / "observations" / "organisation.csv"
    text = csv.read_text(encoding="utf-8")
    csv.write_text(text.replace("staff_count,2024-07,1105", "staff_count,2024-07,1106"), "utf-8")
    assert runner.invoke(app, ["load", str(ws)], env=editing).exit_code == 0

    r = runner.invoke(app, ["load-edition", "latest"], env=public)
    assert r.exit_code == 0, r.output
    assert edition["id"] in r.output
    store = open_store(public["NENPO_DATABASE_URL"])
    stored = store.read()
    assert stored is not None and workspace_hash(stored) == edition["content_hash"]
    staff = [
        o.value
        for o in stored.observations
        if o.indicator == "staff_count" and str(o.period) == "2024-07" and not o.dims
    ]
    assert staff == [1105]


def test_an_unknown_edition_is_refused_and_nothing_is_created(tmp_path: Path) -> None:
    env = {
        "NENPO_DATABASE_URL": f"sqlite:///{tmp_path / 'public.db'}",
        "NENPO_EDITIONS_DIR": str(tmp_path / "editions"),
    }
    r = runner.invoke(app, ["load-edition", "2024-09-02"], env=env)
    assert r.exit_code == 8 and "no edition '2024-09-02'" in r.output, r.output
    assert not (tmp_path / "public.db").exists()
