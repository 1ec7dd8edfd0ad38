"""Replay the seed's year as editions: the first edition as published, then its two updates.

    python examples/digital-agency-2024/replay/replay.py OUT

OUT (a new folder) gets a copy of the workspace (OUT/ws), an SQLite store (OUT/nenpo.db), the
editions (OUT/editions) and the public tree (OUT/public). It runs, and prints, these commands:

    nenpo load OUT/ws                              # the workspace with the mistakes (mistakes.yaml)
    nenpo publish --date 2024-08-30 --accept accepted.yaml
    (correct page 8)      nenpo load OUT/ws
    nenpo publish --date 2024-09-02 --errata errata-2024-09-02.yaml --accept accepted.yaml
    (correct the rest)    nenpo load OUT/ws
    nenpo publish --date 2024-09-04 --errata errata-2024-09-04.yaml
    nenpo diff 2024-08-30 2024-09-02 --format json > OUT/draft-2024-09-02.json   # as drafted
    nenpo diff 2024-09-02 2024-09-04 --format json > OUT/draft-2024-09-04.json

The last edition is the example itself (OUT/ws equals the workspace again). Its 更新履歴
(OUT/public/editions/2024-09-04/history.html) lists the seed's two updates; the drafts show
what nenpo drafted from the diffs before the editor's wording (errata-*.yaml, in the seed's
words) replaced it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
WORKSPACE = HERE.parent
FIRST = "2024-08-30"  # the first edition's date is this example's (例示): the seed gives none
UPDATES = ("2024-09-02", "2024-09-04")
APPROVER = "情報公開担当（例示）"


def mistakes() -> list[dict[str, str]]:
    return list(yaml.safe_load((HERE / "mistakes.yaml").read_text(encoding="utf-8")))


def _swap(ws: Path, m: dict[str, str], old: str, new: str) -> None:
    f = ws / m["file"]
    text = f.read_text(encoding="utf-8")
    if text.count(old) != 1:
        sys.exit(
            f"{HERE / 'mistakes.yaml'}: {m['seed'][:30]}…: expected the text once in {m['file']}, "
            f"found it {text.count(old)} times: {old[:60]!r}"
        )
    f.write_text(text.replace(old, new, 1), encoding="utf-8")


def put_back(ws: Path) -> None:
    """The first edition: every mistake in place of its correction (`wrong: ""` removes it)."""
    for m in mistakes():
        _swap(ws, m, m["correct"], m["wrong"])


def correct(ws: Path, edition: str) -> None:
    """Restore the corrections of one update. A removed text goes back where it was in the
    workspace (its neighbours before and after are unchanged)."""
    original = {f: (WORKSPACE / f).read_text(encoding="utf-8") for f in _files()}
    for m in mistakes():
        if str(m["edition"]) != edition:
            continue
        if m["wrong"]:
            _swap(ws, m, m["wrong"], m["correct"])
        else:
            _restore_removed(ws, m, original[m["file"]])


def _restore_removed(ws: Path, m: dict[str, str], original: str) -> None:
    at = original.index(m["correct"])
    before = original[max(0, at - 200) : at]
    f = ws / m["file"]
    text = f.read_text(encoding="utf-8")
    if text.count(before) != 1:
        sys.exit(f"{m['file']}: cannot find where {m['seed'][:30]}… goes back")
    i = text.index(before) + len(before)
    f.write_text(text[:i] + m["correct"] + text[i:], encoding="utf-8")


def _files() -> set[str]:
    return {m["file"] for m in mistakes()}


def nenpo(env: dict[str, str], *args: str, out: Path | None = None) -> None:
    print("$ nenpo " + " ".join(args) + (f" > {out}" if out else ""), flush=True)
    cmd = [sys.executable, "-m", "nenpo", *args]
    if out is None:
        subprocess.run(cmd, env=env, check=True)
    else:
        with out.open("wb") as fh:
            subprocess.run(cmd, env=env, check=True, stdout=fh)


def replay(out: Path) -> Path:
    """Publish the three editions into `out`; returns the public tree."""
    out.mkdir(parents=True, exist_ok=False)
    ws = out / "ws"
    shutil.copytree(WORKSPACE, ws, ignore=shutil.ignore_patterns("replay", "__pycache__"))
    env = {
        **os.environ,
        "NENPO_DATABASE_URL": f"sqlite:///{out / 'nenpo.db'}",
        "NENPO_EDITIONS_DIR": str(out / "editions"),
        "NENPO_PUBLIC_DIR": str(out / "public"),
        "COLUMNS": "200",
    }
    put_back(ws)
    nenpo(env, "load", str(ws))
    nenpo(env, "publish", "--approver", APPROVER, "--date", FIRST, "--id", FIRST,
          "--accept", str(HERE / "accepted.yaml"))  # fmt: skip
    for day in UPDATES:
        correct(ws, day)
        nenpo(env, "load", str(ws))
        # Until 2024-09-04 corrects them, the first edition's errors are still there: the
        # update of 2024-09-02 is published with the same acceptances.
        accept = ["--accept", str(HERE / "accepted.yaml")] if day < "2024-09-04" else []
        nenpo(env, "publish", "--approver", APPROVER, "--date", day, "--id", day,
              "--errata", str(HERE / f"errata-{day}.yaml"), *accept)  # fmt: skip
    for a, b in zip((FIRST, *UPDATES), UPDATES, strict=False):
        nenpo(env, "diff", a, b, "--format", "json", out=out / f"draft-{b}.json")
    return out / "public"


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    public = replay(Path(sys.argv[1]))
    print(f"更新履歴: {public / 'editions' / UPDATES[-1] / 'history.html'}")


if __name__ == "__main__":
    main()
