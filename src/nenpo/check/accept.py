"""Accepted findings: the recorded, explicit override that lets an edition be published although
the check reports errors in it — for a first edition that must be published as it was (the
example's replay of the seed's year), or a finding the team has judged and answers for.

An acceptance names one finding by its rule, file and message (not its line: lines move when
text is added above), says why, and who accepted it. Publishing with acceptances is refused
when any error is not accepted, when an acceptance matches no finding (it is stale: the text
changed), and for rules that can never be accepted: a value that is not public must always be
labelled illustrative. The acceptances an edition was published with are kept in its internal
record (editions/<id>/accepted.json), never in the public site.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import NenpoError, Problem
from ..ingest.yamlfile import read_yaml
from .findings import Finding

# Real figures stay real: an unlabelled illustrative value is never published knowingly.
NEVER_ACCEPTED = frozenset({"illustrative-unlabelled"})
REQUIRED = ("rule", "file", "message", "reason", "accepted_by")
TODO = "TODO"


class AcceptanceError(NenpoError):
    """An acceptances file that cannot be used: unreadable, incomplete, stale or not allowed."""

    exit_code = 7  # as a failed check: the publication stops on it

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s) with the accepted findings:\n{lines}")


@dataclass(frozen=True)
class Acceptance:
    """One accepted finding, and where the acceptance is written."""

    rule: str
    file: str
    message: str
    reason: str
    accepted_by: str
    source: str = ""  # FILE:LINE of this acceptance
    line: int | None = None  # the finding's line when it was accepted (informative only)

    def matches(self, f: Finding) -> bool:
        return (self.rule, self.file, _norm(self.message)) == (f.rule, f.file, _norm(f.message))

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "source"}


@dataclass
class Applied:
    """Findings split by the acceptances."""

    accepted: list[tuple[Finding, Acceptance]] = field(default_factory=list)
    remaining: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.remaining if f.severity == "error"]


def _norm(message: str) -> str:
    return " ".join(message.split())


def read_acceptances(path: Path) -> list[Acceptance]:
    """The acceptances in a YAML file: a list of {rule, file, message, reason, accepted_by}."""
    problems: list[Problem] = []
    doc = read_yaml(path, str(path), problems)
    if doc is None:
        raise AcceptanceError(problems)
    if not isinstance(doc.data, list):
        raise AcceptanceError(
            [doc.problem((), "expected a list of accepted findings (rule, file, message, …)")]
        )
    out = []
    for i, item in enumerate(doc.data):
        if not isinstance(item, dict):
            problems.append(doc.problem((i,), "expected rule:, file:, message:, reason:, …"))
            continue
        missing = [k for k in REQUIRED if not str(item.get(k) or "").strip()]
        todo = [k for k in ("reason", "accepted_by") if str(item.get(k, "")).strip() == TODO]
        if missing or todo:
            what = ", ".join(missing + todo)
            problems.append(
                doc.problem((i,), f"{what}: required (who accepts this finding, and why)")
            )
            continue
        if item["rule"] in NEVER_ACCEPTED:
            problems.append(
                doc.problem(
                    (i, "rule"),
                    f"a finding of rule {item['rule']!r} cannot be accepted: a value that is not "
                    "public must be labelled illustrative (例示値) wherever it is published",
                )
            )
            continue
        line = item.get("line")
        out.append(
            Acceptance(
                rule=str(item["rule"]),
                file=str(item["file"]),
                message=str(item["message"]),
                reason=str(item["reason"]),
                accepted_by=str(item["accepted_by"]),
                source=f"{path}:{doc.line((i,))}",
                line=line if isinstance(line, int) else None,
            )
        )
    if problems:
        raise AcceptanceError(problems)
    return out


def apply(findings: list[Finding], acceptances: list[Acceptance]) -> Applied:
    """Split the findings into accepted and remaining; a stale acceptance is an error."""
    applied = Applied()
    used: set[int] = set()
    for f in findings:
        hits = [i for i, a in enumerate(acceptances) if a.matches(f)]
        # Two charts can make the same finding word for word (the same wrong label in two
        # legends); --write-accept writes one acceptance per finding, so pair them one to one
        # (an acceptance left over for an identical finding may also cover it).
        hit = next((i for i in hits if i not in used), hits[0] if hits else None)
        if hit is None:
            applied.remaining.append(f)
        else:
            used.add(hit)
            applied.accepted.append((f, acceptances[hit]))
    stale = [a for i, a in enumerate(acceptances) if i not in used]
    if stale:
        raise AcceptanceError(
            [
                Problem(
                    a.source.rsplit(":", 1)[0],
                    int(a.source.rsplit(":", 1)[1]),
                    None,
                    f"accepts a finding the check no longer reports ({a.file}: [{a.rule}] "
                    f"{_short(a.message)}): remove it, or write the finding as it now reads",
                )
                for a in stale
            ]
        )
    return applied


def _short(text: str, n: int = 80) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def template(findings: list[Finding]) -> str:
    """Acceptances for every error, to complete (reason, accepted_by) and pass back."""
    items = [
        {
            "rule": f.rule,
            "file": f.file,
            "line": f.line,
            "message": f.message,
            "reason": TODO,
            "accepted_by": TODO,
        }
        for f in findings
        if f.severity == "error" and f.rule not in NEVER_ACCEPTED
    ]
    head = (
        "# Accepted findings (docs/editions.md): fill in reason and accepted_by for each, delete\n"
        "# the ones you fix instead; `nenpo publish --accept FILE` publishes with them.\n"
    )
    return head + yaml.safe_dump(items, allow_unicode=True, sort_keys=False, width=1000)
