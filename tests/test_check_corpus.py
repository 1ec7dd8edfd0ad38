"""The check corpus is well-formed and applies to the current example; its runner judges right;
and the check meets issue 11's threshold on it: at least 90 % of the mistakes reported, no
correct edit refused with an error. `scripts/check-corpus-table` prints the table per kind.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import checkcorpus as cc

CASES = cc.load_cases()


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the example; every case is applied to it and undone."""
    dst = tmp_path_factory.mktemp("corpus") / "ws"
    shutil.copytree(cc.EXAMPLE, dst)
    return dst


def _paths(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def _bytes(root: Path, files: set[str]) -> dict[str, bytes | None]:
    return {f: (root / f).read_bytes() if (root / f).is_file() else None for f in files}


def test_the_corpus_is_as_large_and_varied_as_issue_11_asks() -> None:
    mistakes = [c for c in CASES if c.group == "mistake"]
    correct = [c for c in CASES if c.group == "correct"]
    assert len(mistakes) >= 80 and len(correct) >= 30
    assert len({c.kind for c in mistakes}) >= 25
    assert {c.lang for c in mistakes} >= {"ja", "en", "-"}
    assert {c.surface for c in mistakes} == set(cc.SURFACES)
    # Every case file is named after where it is: ja-…, en-…, data-… or chart-…
    assert all(
        c.name.rsplit("/", 1)[1].split("-")[0] in ("ja", "en", "data", "chart") for c in CASES
    )


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_applies_to_the_example_and_undoes_cleanly(case: cc.Case, ws: Path) -> None:
    edited = {e.file for e in case.edits}
    paths, before = _paths(ws), _bytes(ws, edited)
    with cc.Patched(case, ws) as patched:
        after = _bytes(ws, edited)
        assert all(after[f] != before[f] for f in edited), "an edit changes nothing"
        assert _paths(ws) == paths | edited
        if case.group == "mistake":
            for file, line in cc.resolve(case, ws, patched.first):
                text = (ws / file).read_text(encoding="utf-8")
                assert line is None or 1 <= line <= text.count("\n") + 1
    assert _paths(ws) == paths
    assert _bytes(ws, edited) == before


def _case(
    tmp: Path, text: str, group: str = "mistake", kind: str = "k", name: str = "ja-x-01"
) -> Path:
    path = tmp / group / kind / f"{name}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """\
says: x
surface: prose
lang: ja
edits:
  - {file: content/about.md, find: "2021年9月1日", replace: "2021年10月1日"}
expect: {severity: error, file: content/about.md}
"""


def test_a_stale_anchor_fails_loudly_with_the_case_name(tmp_path: Path, ws: Path) -> None:
    case = cc.read_case(_case(tmp_path, GOOD.replace("2021年9月1日", "2020年1月1日")), tmp_path)
    stale = r"mistake/k/ja-x-01: edit 1: the anchor .* 0 times"
    with pytest.raises(cc.CaseError, match=stale), cc.Patched(case, ws):
        pass
    # …and leaves the copy as it was.
    assert "2021年9月1日" in (ws / "content/about.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        ("surface: prose", "surface: footnote", "surface 'footnote'"),
        ("{severity: error, file: content/about.md}", "{severity: fatal, file: x}", "severity"),
        ("file: content/about.md}", "file: content/about.md, line: 7}", "numbers break"),
        ('find: "2021年9月1日", ', "", "exactly one of find"),
        ("says: x\n", "", "`says` is missing"),
    ],
)
def test_malformed_cases_are_refused(tmp_path: Path, old: str, new: str, error: str) -> None:
    assert old in GOOD
    with pytest.raises(cc.CaseError, match=error):
        cc.read_case(_case(tmp_path, GOOD.replace(old, new)), tmp_path)


def test_a_correct_edit_expects_no_errors(tmp_path: Path) -> None:
    text = GOOD.replace("{severity: error, file: content/about.md}", "{errors: some}")
    with pytest.raises(cc.CaseError, match="errors: none"):
        cc.read_case(_case(tmp_path, text, group="correct"), tmp_path)


def _found(file: str, line: int | None, severity: str = "error", rule: str = "r") -> cc.Found:
    return cc.Found(file, line, severity, rule, f"finding in {file}")


def test_classify_needs_the_severity_the_file_and_the_line(tmp_path: Path) -> None:
    case = cc.read_case(_case(tmp_path, GOOD), tmp_path)
    places = [("content/about.md", 3)]
    assert cc.classify(case, places, [_found("content/about.md", 3)]).result == "caught"
    assert cc.classify(case, places, [_found("content/about.md", 4)]).result == "missed"
    assert cc.classify(case, places, [_found("content/en/about.md", 3)]).result == "missed"
    warned = cc.classify(case, places, [_found("content/about.md", 3, "warning")])
    assert (warned.result, warned.why) == ("missed", "wanted error at content/about.md:3")
    loose = cc.read_case(
        _case(tmp_path, GOOD.replace("error,", "warning,"), name="ja-y-01"), tmp_path
    )
    assert cc.classify(loose, places, [_found("content/about.md", 3)]).result == "caught"
    ruled = cc.read_case(
        _case(
            tmp_path,
            GOOD.replace("file: content/about.md}", "file: a.md, rule: q}"),
            name="ja-z-01",
        ),
        tmp_path,
    )
    assert cc.classify(ruled, [("a.md", None)], [_found("a.md", 9)]).result == "missed"
    assert cc.classify(ruled, [("a.md", None)], [_found("a.md", 9, rule="q")]).result == "caught"


def test_classify_a_correct_edit(tmp_path: Path) -> None:
    text = GOOD.replace(
        "{severity: error, file: content/about.md}",
        "{errors: none, acceptable_warnings: [unlinked-number]}",
    )
    case = cc.read_case(_case(tmp_path, text, group="correct"), tmp_path)
    assert cc.classify(case, [], []).result == "passed"
    assert cc.classify(case, [], [_found("a.md", 1)]).result == "false-error"
    out = cc.classify(case, [], [_found("a.md", 1, "warning", "unlinked-number")])
    assert (out.result, out.noise) == ("passed", [])
    out = cc.classify(case, [], [_found("a.md", 1, "warning", "stale-data")])
    assert out.result == "passed" and len(out.noise) == 1


def test_new_findings_are_those_the_clean_example_does_not_have() -> None:
    base = Counter([_found("a.md", 1).key(), _found("b.md", 2).key()])
    # The same finding on another line (lines added above it) is not new; a second one is.
    new = cc._new([_found("a.md", 1), _found("b.md", 5), _found("b.md", 2)], base)
    assert [f.line for f in new] == [2]


def test_the_table_counts_per_kind(tmp_path: Path) -> None:
    mistake = cc.read_case(_case(tmp_path, GOOD), tmp_path)
    outcomes = [cc.Outcome(mistake, "caught"), cc.Outcome(mistake, "missed")]
    text = cc.table(outcomes)
    assert "| k | 2 | 1 | 1 |  |  |  |" in text
    assert "1 of 2 mistakes caught (50 %)" in text


def test_write_doc_replaces_only_between_the_markers(tmp_path: Path) -> None:
    doc = tmp_path / "check.md"
    doc.write_text(f"head\n{cc.BEGIN}\nold\n{cc.END}\ntail\n", encoding="utf-8")
    cc.write_doc("| new |", doc)
    assert doc.read_text(encoding="utf-8") == f"head\n{cc.BEGIN}\n| new |\n{cc.END}\ntail\n"
    assert cc.BEGIN in cc.DOC.read_text(encoding="utf-8")


def _pick(*names: str) -> Iterator[cc.Case]:
    by_name = {c.name: c for c in CASES}
    return (by_name[n] for n in names)


def test_the_runner_checks_cases_through_the_core_api() -> None:
    """End to end on two cases that today's rules decide (a seed erratum, a correct rephrasing)."""
    cases = list(_pick("mistake/legend/chart-order-01", "correct/rephrasing/ja-prose-01"))
    outcomes = cc.run(cases, jobs=1)
    assert [o.result for o in outcomes] == ["caught", "passed"]
    (legend,) = [f for f in outcomes[0].new if f.line is not None][:1]
    assert (legend.file, legend.rule, legend.severity) == ("charts.yaml", "legend-labels", "error")


CAUGHT_AT_LEAST = 0.9  # issue 11: "at least 90 % of the mistakes are reported"


def test_the_check_catches_the_corpus_mistakes_and_refuses_no_correct_edit() -> None:
    """The whole corpus, in two processes (each case: a patch on one copy of the example, then
    core.check; the imported tables are read once per process)."""
    outcomes = cc.run(CASES, jobs=2)
    print("\n" + cc.table(outcomes))
    assert len(outcomes) == len(CASES)
    broken = [f"{o.case.name}: {o.why}" for o in outcomes if o.result == "broken"]
    assert broken == [], "cases that no longer apply to the example"
    refused = [f"{o.case.name}: {o.why}" for o in outcomes if o.result == "false-error"]
    assert refused == [], "correct edits refused with an error"
    mistakes = [o for o in outcomes if o.case.group == "mistake"]
    missed = [
        f"{o.case.name}: {o.why.partition(chr(10))[0]}" for o in mistakes if o.result != "caught"
    ]
    caught = len(mistakes) - len(missed)
    assert caught >= CAUGHT_AT_LEAST * len(mistakes), (
        f"{caught} of {len(mistakes)} mistakes caught; missed:\n" + "\n".join(missed)
    )
