"""The seed's eleven corrections, each reproduced in a small workspace and caught by nenpo check.

tests/errata/base is a clean workspace after the seed's press deck; each numbered folder holds
the files that one erratum breaks and expect.yaml: the seed's line, the rule, file and line.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from nenpo import core
from nenpo.check import RULES
from nenpo.store import Store

ERRATA = Path(__file__).resolve().parent / "errata"
CASES = sorted(p for p in ERRATA.iterdir() if p.is_dir() and p.name != "base")


def _workspace(tmp_path: Path, case: Path | None) -> Path:
    ws = tmp_path / "ws"
    shutil.copytree(ERRATA / "base", ws)
    if case is not None:
        for f in case.rglob("*"):
            if f.is_file() and f.name != "expect.yaml":
                dst = ws / f.relative_to(case)
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(f, dst)
    return ws


def test_the_seed_lists_eleven_corrections() -> None:
    seed = Path(__file__).resolve().parents[2] / "shared" / "seed"
    text = next(seed.glob("*.txt")).read_text(encoding="utf-8") if seed.is_dir() else ""
    lines = [e["seed"] for e in (yaml.safe_load((c / "expect.yaml").read_text()) for c in CASES)]
    assert len(lines) == 11
    if text:  # the seed sits beside the project in a checkout; each case quotes its line
        for line in lines:
            assert line in text, line


def test_the_clean_base_has_no_findings(tmp_path: Path) -> None:
    findings = core.check(None, _workspace(tmp_path, None))  # type: ignore[arg-type]
    assert findings == []


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_erratum_is_caught_at_its_file_and_line(case: Path, tmp_path: Path) -> None:
    expect = yaml.safe_load((case / "expect.yaml").read_text(encoding="utf-8"))
    findings = core.check(None, _workspace(tmp_path, case))  # type: ignore[arg-type]
    assert expect["rule"] in RULES
    hits = [f for f in findings if f.rule == expect["rule"]]
    assert hits, f"{expect['rule']} did not fire; found: {[str(f) for f in findings]}"
    assert (hits[0].file, hits[0].line) == (expect["file"], expect["line"]), str(hits[0])
    assert hits[0].hint
    # Only this erratum's rule fires: the other rules stay quiet on the rest of the workspace.
    assert {f.rule for f in findings} == {expect["rule"]}


def test_build_refuses_an_erratum_unless_forced(tmp_path: Path, store: Store) -> None:
    from nenpo.errors import CheckFailed

    ws = _workspace(tmp_path, ERRATA / "03-p16-approval-legend")
    with pytest.raises(CheckFailed, match="legend-labels"):
        core.build(store, tmp_path / "site", ws)
    assert not (tmp_path / "site").exists()
    result = core.build(store, tmp_path / "site", ws, force=True)
    assert any(f.rule == "legend-labels" for f in result.findings)
    assert (tmp_path / "site" / "index.html").exists()
