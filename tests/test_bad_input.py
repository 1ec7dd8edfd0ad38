"""Every command with bad input: a message that names the file or option and says what was
expected, the exit code docs/cli.md gives, no traceback, and nothing changed — the store, the
workspace, the built site, the editions, every file in the folder the command ran in.

Each case runs in a fresh folder holding a store with the example loaded, a copy of the example
workspace, a built public site and an edition (copied from session-wide seeds), and names what
it breaks. Cases are grouped by the kind of mistake, not by the examples an issue gave.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nenpo import core
from nenpo.cli import BUG_EXIT, app
from nenpo.outputs import STAFF_MARKER
from nenpo.settings import bundled_example
from nenpo.store import open_store

runner = CliRunner()
DB = "nenpo.db"
SECRET = "s3cret-pw"


# ── Seeds, made once ───────────────────────────────────────────────────────────────────────────


@pytest.fixture(scope="session")
def seed(tmp_path_factory: pytest.TempPathFactory, built_example: core.BuildResult) -> Path:
    """A folder as a user has it: the example's workspace, a store it was loaded into, a built
    public site, staff-only pages made beside it, and a published edition."""
    root = tmp_path_factory.mktemp("seed")
    shutil.copytree(bundled_example(), root / "ws")
    store = open_store(f"sqlite:///{root / DB}")
    core.load(root / "ws", store)
    shutil.copytree(built_example.out, root / "site", ignore=shutil.ignore_patterns("*.pdf"))
    staff = root / "staff"
    staff.mkdir()  # what `nenpo portfolio --out staff` leaves (the marker and a page)
    (staff / STAFF_MARKER).write_text("staff-only portfolio pages\n", encoding="utf-8")
    (staff / "index.html").write_text(
        '<!DOCTYPE html><html><head><meta name="nenpo-audience" content="staff"></head></html>',
        encoding="utf-8",
    )
    edition = root / "editions" / "2024-09-01"
    (edition / "site").mkdir(parents=True)
    (edition / "edition.json").write_text(
        '{"id": "2024-09-01", "date": "2024-09-01", "approver": "a", "content_hash": "x", '
        '"previous": null, "created_at": "2024-09-01T00:00:00+00:00", "entries": []}',
        encoding="utf-8",
    )
    (edition / "units.json").write_text("[]", encoding="utf-8")
    store.engine.dispose()
    return root


@dataclass
class Env:
    """The folder one case runs in, and what the case may set."""

    root: Path
    env: dict[str, str] = field(default_factory=dict)

    @property
    def ws(self) -> Path:
        return self.root / "ws"

    def write(self, rel: str, data: bytes | str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink() or path.is_file():
            path.unlink()
        if isinstance(data, str):
            data = data.encode("utf-8")
        path.write_bytes(data)
        return path


def fingerprint(root: Path) -> dict[str, str]:
    """Every file under `root` with a hash of its content; SQLite stores by their rows."""
    out: dict[str, str] = {}
    for d, dirs, files in os.walk(root):
        dirs.sort()
        for name in files:
            path = Path(d) / name
            rel = path.relative_to(root).as_posix()
            if name.endswith(("-wal", "-shm", "-journal")):
                continue  # SQLite's side files: the rows are read through the database
            if path.is_symlink():
                out[rel] = "link:" + os.readlink(path)
            elif name.endswith(".db"):
                with sqlite3.connect(path) as conn:
                    dump = "\n".join(conn.iterdump())
                out[rel] = hashlib.sha256(dump.encode()).hexdigest()
            else:
                try:
                    out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
                except OSError as exc:  # unreadable on purpose: its mode is what we keep
                    out[rel] = f"unreadable:{exc.errno}:{path.lstat().st_mode}"
    return out


# ── What can be broken ─────────────────────────────────────────────────────────────────────────

Setup = Callable[[Env], None]


def put(rel: str, data: bytes | str) -> Setup:
    return lambda e: e.write(rel, data) and None


def mkdir(rel: str) -> Setup:
    def do(e: Env) -> None:
        path = e.root / rel
        if path.is_file():
            path.unlink()
        path.mkdir(parents=True, exist_ok=True)

    return do


def loop(rel: str) -> Setup:
    def do(e: Env) -> None:
        path = e.root / rel
        if path.exists() or path.is_symlink():
            path.unlink()
        path.symlink_to(path.name)  # a link to itself

    return do


def sparse(rel: str, size: int) -> Setup:
    def do(e: Env) -> None:
        path = e.write(rel, b"")
        with path.open("r+b") as f:
            f.truncate(size)  # a huge file without writing it

    return do


def truncate(rel: str, keep: float) -> Setup:
    def do(e: Env) -> None:
        data = (e.root / rel).read_bytes()
        e.write(rel, data[: int(len(data) * keep)])

    return do


def cut_before(rel: str, marker: str) -> Setup:
    """Keep the file up to the line holding `marker`: a file cut short where an entry starts."""

    def do(e: Env) -> None:
        data = (e.root / rel).read_text(encoding="utf-8")
        at = data.index(marker)
        e.write(rel, data[: data.rindex("\n", 0, at) + 1].encode("utf-8"))

    return do


def subst(rel: str, find: str, replace: str) -> Setup:
    """An author's edit: `find` (which must be there) becomes `replace`."""

    def do(e: Env) -> None:
        text = (e.root / rel).read_text(encoding="utf-8")
        assert find in text, f"{find!r} is not in {rel}"
        e.write(rel, text.replace(find, replace, 1))

    return do


def no_store(e: Env) -> None:
    """A folder where no store was made yet."""
    (e.root / DB).unlink()


def nested(depth: int) -> str:
    return "- " + "[" * depth + "]" * depth + "\n"


def unreadable(rel: str) -> Setup:
    return lambda e: (e.root / rel).chmod(0)


def setenv(**values: str) -> Setup:
    return lambda e: e.env.update(values)


def both(*steps: Setup) -> Setup:
    def do(e: Env) -> None:
        for step in steps:
            step(e)

    return do


def busy_port(e: Env) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    e.env["NENPO_PORT"] = str(sock.getsockname()[1])
    e.env["_held"] = str(sock.detach())  # closed by the test


def noop(e: Env) -> None:
    pass


PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
RANDOM = bytes((i * 131 + 7) % 256 for i in range(3000))
SJIS_CSV = "indicator,date,value\nstaff_count,2024-07,１２\n# 職員\n".encode("cp932")
DUP_KEYS = "- id: a\n  id: b\n  name: {ja: x, en: x}\n"
NEW_TABLE = (
    "算出基準日,都道府県名,交付枚数,人口に対する交付枚数率\n2025/03/31,北海道,3100000,60.1\n"
)
MAPPING = "ws/imports/mic-prefectures.yaml"


@dataclass
class Case:
    """One command, one mistake: the exit code and what the message must say."""

    id: str
    args: list[str]
    code: int
    says: list[str]
    setup: Setup = noop
    first: str | None = None  # the first problem line must start with this


CASES = [
    # ── load: the workspace folder ────────────────────────────────────────────────────────────
    Case("load-missing-folder", ["load", "nope"], 3, ["nope", "not a folder"]),
    # ── new: never into a folder that holds files, never over a file ─────────────────────────
    Case("new-into-workspace", ["new", "ws"], 2, ["ws", "is not empty", "never overwrites"]),
    Case("new-over-file", ["new", "ws/nenpo.yaml"], 2, ["nenpo.yaml", "is a file"]),
    Case("load-file-not-folder", ["load", "ws/nenpo.yaml"], 3, ["nenpo.yaml", "not a folder"]),
    Case("load-symlink-loop-folder", ["load", "loop"], 3, ["loop", "not a folder"], loop("loop")),
    Case(
        "load-no-nenpo-yaml",
        ["load", "ws"],
        3,
        ["nenpo.yaml", "every workspace has a nenpo.yaml"],
        lambda e: (e.ws / "nenpo.yaml").unlink(),
    ),
    # ── load: one file broken in every way a file breaks ──────────────────────────────────────
    Case(
        "yaml-nul",
        ["load", "ws"],
        3,
        ["sources.yaml:1", "NUL", "expected UTF-8 text"],
        put("ws/sources.yaml", "- id: a\x00\n"),
        first="sources.yaml",
    ),
    Case(
        "yaml-control-character",
        ["load", "ws"],
        3,
        ["sources.yaml:2", "control character U+000B", "expected printable text"],
        put("ws/sources.yaml", "- id: a\n  name: \x0b\n"),
        first="sources.yaml",
    ),
    Case(
        "yaml-random-bytes-first",
        ["load", "ws"],
        3,
        ["projects.yaml", "follow from this file", "fix projects.yaml first"],
        put("ws/projects.yaml", RANDOM),
        first="projects.yaml",
    ),
    Case(  # still valid YAML, with fewer indicators: every reference to the rest is named
        "yaml-truncated",
        ["load", "ws"],
        3,
        # The entries after the cut are gone: every reference to one is named where it is.
        ["charts.yaml:", "unknown indicator 'staff_count_reported'"],
        cut_before("ws/indicators.yaml", "- id: staff_count_reported"),
    ),
    # An entry that is there but invalid: its field is the one cause, and every reference to
    # its id elsewhere is counted under it instead of listed before it as 'unknown'.
    Case(
        "yaml-invalid-indicator-entry",
        ["load", "ws"],
        3,
        ["indicators.yaml:", "provenance", "follow from this file", "fix indicators.yaml first"],
        subst("ws/indicators.yaml", "\n  provenance: real", "\n  provenance: reel"),
        first="indicators.yaml:",
    ),
    Case(
        "yaml-invalid-source-entry",
        ["load", "ws"],
        3,
        # A date that does not exist: named at its line (PyYAML raised a bare ValueError); the
        # source's id is still known, so its references are not reported at all.
        ["sources.yaml:12", "accessed", "'2026-13-01' is not a date that exists"],
        subst("ws/sources.yaml", "accessed: 2026-11-01", "accessed: 2026-13-01"),
        first="sources.yaml:",
    ),
    Case(
        "yaml-invalid-chart-entry",
        ["check", "ws"],
        3,
        ["charts.yaml:", "kind", "follow from this file", "fix charts.yaml first"],
        subst(
            "ws/charts.yaml",
            "kind: survey\n  survey: attitude\n  question: satisfaction",
            "kind: servey\n  survey: attitude\n  question: satisfaction",
        ),
        first="charts.yaml:",
    ),
    Case(
        "yaml-truncated-mid-item",
        ["load", "ws"],
        3,
        ["surveys.yaml:4", "waves: required field is missing"],
        truncate("ws/surveys.yaml", 0.5),
    ),
    Case(
        "yaml-duplicate-keys",
        ["load", "ws"],
        3,
        ["focus_areas.yaml:2", "duplicate key 'id'"],
        put("ws/focus_areas.yaml", DUP_KEYS),
        first="focus_areas.yaml",
    ),
    Case(
        "yaml-deep-nesting",
        ["load", "ws"],
        3,
        ["charts.yaml", "nested too deeply"],
        put("ws/charts.yaml", nested(5000)),
        first="charts.yaml",
    ),
    Case(
        "yaml-huge",
        ["load", "ws"],
        3,
        ["surveys.yaml", "expected to be under 16 MiB"],
        sparse("ws/surveys.yaml", 17 * 2**20),
        first="surveys.yaml",
    ),
    Case(
        "yaml-empty-main",
        ["load", "ws"],
        3,
        ["nenpo.yaml", "organisation"],
        put("ws/nenpo.yaml", ""),
    ),
    Case(
        "yaml-utf16",
        ["load", "ws"],
        3,
        ["dimensions.yaml:1", "UTF-16 text; save it as UTF-8"],
        put("ws/dimensions.yaml", "- id: a\n".encode("utf-16")),
        first="dimensions.yaml",
    ),
    Case(
        "yaml-shift-jis",
        ["load", "ws"],
        3,
        ["report.yaml", "not UTF-8 text"],
        put("ws/report.yaml", "chapters:\n  - id: 第一章\n".encode("cp932")),
    ),
    Case(
        "yaml-folder-not-file",
        ["load", "ws"],
        3,
        ["sources.yaml", "is a folder; expected a file"],
        mkdir("ws/sources.yaml"),
        first="sources.yaml",
    ),
    Case(
        "yaml-symlink-loop",
        ["load", "ws"],
        3,
        ["sources.yaml", "symbolic link that loops"],
        loop("ws/sources.yaml"),
        first="sources.yaml",
    ),
    Case(
        "yaml-not-a-list",
        ["load", "ws"],
        3,
        ["sources.yaml", "expected a list"],
        put("ws/sources.yaml", "id: a\n"),
    ),
    Case(
        "csv-shift-jis",
        ["load", "ws"],
        3,
        ["observations/sjis.csv:2", "not UTF-8 text"],
        put("ws/observations/sjis.csv", SJIS_CSV),
    ),
    Case(
        "csv-nul",
        ["load", "ws"],
        3,
        ["observations/nul.csv:2", "NUL"],
        put("ws/observations/nul.csv", "indicator,date,value\nstaff_count,2024-07,\x001\n"),
    ),
    Case(
        "csv-empty",
        ["load", "ws"],
        3,
        ["observations/empty.csv:1", "empty file", "expected a header row"],
        put("ws/observations/empty.csv", ""),
    ),
    Case(
        "csv-symlink-loop",
        ["load", "ws"],
        3,
        ["observations/loop.csv", "symbolic link that loops"],
        loop("ws/observations/loop.csv"),
    ),
    Case(
        "csv-folder",
        ["load", "ws"],
        3,
        ["observations/dir.csv", "is a folder"],
        mkdir("ws/observations/dir.csv"),
    ),
    Case(
        "csv-huge-field",
        ["load", "ws"],
        3,
        ["observations/big.csv:2"],
        put("ws/observations/big.csv", 'indicator,date,value\n"' + "x" * 200_000 + '",2024,1\n'),
    ),
    Case(
        "portfolio-csv-random",
        ["load", "ws"],
        3,
        ["portfolio/people.csv"],
        put("ws/portfolio/people.csv", RANDOM),
    ),
    Case(
        "markdown-not-utf8",
        ["load", "ws"],
        3,
        ["content/about.md", "not UTF-8 text"],
        put("ws/content/about.md", "# 概要\n".encode("cp932")),
    ),
    Case(
        "markdown-folder",
        ["load", "ws"],
        3,
        ["content/about.md", "is a folder"],
        mkdir("ws/content/about.md"),
    ),
    # ── the store's URL ───────────────────────────────────────────────────────────────────────
    Case(
        "url-in-memory",
        ["load", "ws"],
        2,
        ["NENPO_DATABASE_URL", "in-memory", "sqlite:///nenpo.db"],
        setenv(NENPO_DATABASE_URL="sqlite:///"),
    ),
    Case(
        "url-memory-explicit",
        ["build", "--out", "out"],
        2,
        ["NENPO_DATABASE_URL", "in-memory"],
        setenv(NENPO_DATABASE_URL="sqlite:///:memory:"),
    ),
    Case(
        "url-mysql",
        ["load", "ws"],
        2,
        ["NENPO_DATABASE_URL", "not mysql", "u:***@"],
        setenv(NENPO_DATABASE_URL=f"mysql://u:{SECRET}@db.example/x"),
    ),
    Case(
        "url-unparseable",
        ["import", "x.csv", "-m", MAPPING],
        2,
        ["NENPO_DATABASE_URL", "not a database URL", "expected sqlite:///"],
        setenv(NENPO_DATABASE_URL=f"::u:{SECRET}@nowhere"),
    ),
    Case(
        "url-postgres-unreachable",
        ["load", "ws"],
        4,
        ["cannot open the store", "postgresql+psycopg://u:***@127.0.0.1:1/x"],
        setenv(NENPO_DATABASE_URL=f"postgres://u:{SECRET}@127.0.0.1:1/x"),
    ),
    Case(
        "url-other-driver",
        ["portfolio"],
        2,
        ["NENPO_DATABASE_URL", "psycopg 3", "postgresql+psycopg://"],
        setenv(NENPO_DATABASE_URL=f"postgresql+psycopg2://u:{SECRET}@h/x"),
    ),
    Case(
        "url-folder-missing",
        ["load", "ws"],
        4,
        ["cannot open the store", "nowhere/n.db"],
        setenv(NENPO_DATABASE_URL="sqlite:///nowhere/n.db"),
    ),
    Case(
        "url-not-a-database",
        ["build", "--out", "out"],
        4,
        ["cannot open the store", "junk.sqlite", "not a database"],
        both(put("junk.sqlite", RANDOM), setenv(NENPO_DATABASE_URL="sqlite:///junk.sqlite")),
    ),
    # ── a refused command writes nothing: not the store, not a new empty database ──────────────
    Case(
        "build-refused-by-the-check",  # the check runs before the workspace replaces the store
        ["build", "ws", "--out", "out", "--no-pdf"],
        7,
        ["charts.yaml", "legend"],
        subst(
            "ws/charts.yaml",
            'title: {ja: "職員構成", en: "Staff by category"}\n',
            'title: {ja: "職員構成", en: "Staff by category"}\n'
            '  legend_labels: ["行政人材", "民間人材", "地方出身", "その他"]\n',
        ),
    ),
    Case("load-missing-no-store", ["load", "nowhere"], 3, ["nowhere", "not a folder"], no_store),
    Case(
        "import-refused-no-store",
        ["import", "x.csv", "-m", MAPPING],
        4,
        ["holds no workspace", "nenpo load"],
        both(no_store, put("x.csv", "a,b\n1,2\n")),
    ),
    Case(
        "publish-empty-store",  # never an immutable edition of the bundled example, unasked
        ["publish", "--approver", "x"],
        8,
        ["empty", "nenpo load"],
        no_store,
    ),
    # ── load-edition ──────────────────────────────────────────────────────────────────────────
    Case("load-edition-unknown", ["load-edition", "nosuch"], 8, ["no edition 'nosuch'"]),
    Case(  # the seed's edition has no snapshot.json: a damaged edition folder
        "load-edition-no-snapshot",
        ["load-edition", "latest"],
        8,
        ["snapshot.json", "cannot be read", "backup"],
    ),
    # ── settings ──────────────────────────────────────────────────────────────────────────────
    Case(
        "port-not-a-number", ["serve"], 2, ["NENPO_PORT='abc'", "integer"], setenv(NENPO_PORT="abc")
    ),
    Case("port-out-of-range", ["serve", "--port", "70000"], 2, ["--port=70000", "65535"]),
    Case("port-zero", ["serve", "--port", "0"], 2, ["--port=0", "greater than or equal to 1"]),
    Case(
        "setting-not-boolean",
        ["build", "--out", "out"],
        2,
        ["NENPO_PDF_PARALLEL='maybe'", "boolean"],
        setenv(NENPO_PDF_PARALLEL="maybe"),
    ),
    # ── check ─────────────────────────────────────────────────────────────────────────────────
    Case("check-missing-folder", ["check", "nope"], 3, ["nope", "not a folder"]),
    Case(
        "check-broken-file",
        ["check", "ws"],
        3,
        ["sources.yaml:1", "NUL"],
        put("ws/sources.yaml", "\x00"),
    ),
    Case("check-format", ["check", "--format", "xml"], 2, ["--format", "'xml'", "text or json"]),
    # ── build ─────────────────────────────────────────────────────────────────────────────────
    Case(
        "build-out-is-a-file",
        ["build", "--out", "out.txt"],
        2,
        ["--out out.txt", "is a file", "expected a folder"],
        put("out.txt", "keep me"),
    ),
    Case(
        "build-out-not-nenpos",
        ["build", "--out", "mine"],
        2,
        ["--out mine", "not made by nenpo build"],
        put("mine/notes.txt", "keep me"),
    ),
    Case(
        "build-out-under-a-file",
        ["build", "--out", "out.txt/site"],
        2,
        ["out.txt", "is not a folder"],
        put("out.txt", "keep me"),
    ),
    Case("build-lang", ["build", "--lang", "de"], 2, ["--lang", "'de'", "ja, en"]),
    Case(
        "build-bad-workspace",
        ["build", "ws", "--out", "out"],
        3,
        ["projects.yaml"],
        put("ws/projects.yaml", RANDOM),
        first="projects.yaml",
    ),
    # ── serve ─────────────────────────────────────────────────────────────────────────────────
    Case(
        "serve-busy-port", ["serve", "--dir", "site"], 2, ["port", "is in use", "--port"], busy_port
    ),
    Case("serve-missing-dir", ["serve", "--dir", "nope"], 2, ["--dir nope", "not a folder"]),
    Case("serve-not-a-site", ["serve", "--dir", "ws"], 2, ["--dir ws", "no index.html"]),
    Case(
        "serve-staff-pages",
        ["serve", "--dir", "site"],
        2,
        ["--dir site", "staff-only pages", "--staff"],
        lambda e: shutil.copytree(e.root / "staff", e.root / "site" / "staff") and None,
    ),
    Case(
        "serve-staff-page-copied-alone",
        ["serve", "--dir", "site"],
        2,
        ["staff-only pages", "internal.html"],
        lambda e: (
            shutil.copy(e.root / "staff" / "index.html", e.root / "site" / "internal.html") and None
        ),
    ),
    Case(
        "serve-staff-public-host",
        ["serve", "--dir", "staff", "--staff", "--host", "0.0.0.0"],
        2,
        ["--host 0.0.0.0", "127.0.0.1 only"],
    ),
    Case("serve-workers-zero", ["serve", "--dir", "site", "--workers", "0"], 2, ["--workers"]),
    Case("serve-watch-missing", ["serve", "--watch", "nope"], 2, ["--watch nope", "not a folder"]),
    Case(
        "serve-watch-workers",
        ["serve", "--watch", "ws", "--workers", "2"],
        2,
        ["--watch serves one process", "--workers"],
    ),
    Case(  # the port is checked before the first build
        "serve-watch-busy-port", ["serve", "--watch", "ws"], 2, ["port", "is in use"], busy_port
    ),
    # ── import ────────────────────────────────────────────────────────────────────────────────
    Case("import-no-mapping", ["import", "t.csv"], 2, ["--mapping"], put("t.csv", NEW_TABLE)),
    Case(
        "import-missing-file",
        ["import", "nope.csv", "-m", MAPPING],
        3,
        ["nope.csv", "file not found"],
    ),
    Case(
        "import-folder",
        ["import", "ws", "-m", MAPPING],
        3,
        ["ws", "is a folder", "expected a CSV or .xlsx file"],
    ),
    Case(
        "import-png",
        ["import", "pic.csv", "-m", MAPPING],
        3,
        ["pic.csv", "PNG image"],
        put("pic.csv", PNG),
    ),
    Case(
        "import-empty",
        ["import", "empty.csv", "-m", MAPPING],
        3,
        ["empty.csv"],
        put("empty.csv", ""),
    ),
    Case(
        "import-utf16",
        ["import", "u16.csv", "-m", MAPPING],
        3,
        ["u16.csv", "UTF-16"],
        put("u16.csv", NEW_TABLE.encode("utf-16")),
    ),
    Case(
        "import-missing-mapping",
        ["import", "t.csv", "-m", "nope.yaml"],
        3,
        ["nope.yaml", "not found"],
        put("t.csv", NEW_TABLE),
    ),
    Case(
        "import-mapping-control-character",
        ["import", "t.csv", "-m", "m.yaml"],
        3,
        ["m.yaml:1", "control character"],
        both(put("t.csv", NEW_TABLE), put("m.yaml", "indicator: \x07\n")),
    ),
    Case(
        "import-report-folder-missing",
        ["import", "t.csv", "-m", MAPPING, "--report", "nowhere/r.csv"],
        2,
        ["--report nowhere/r.csv", "does not exist"],
        put("t.csv", NEW_TABLE),
    ),
    Case(
        "import-limit",
        ["import", "t.csv", "-m", MAPPING, "--limit", "-1"],
        2,
        ["--limit", "greater than or equal to 0"],
        put("t.csv", NEW_TABLE),
    ),
    Case(
        "import-bad-rows",
        ["import", "t.csv", "-m", MAPPING],
        3,
        ["t.csv:2", "nothing was written"],
        put("t.csv", NEW_TABLE.replace("3100000", "many")),
    ),
    Case(
        "infer-empty",
        ["import", "--infer", "empty.csv"],
        3,
        ["empty.csv", "empty file"],
        put("empty.csv", ""),
    ),
    Case(
        "infer-blank-lines",
        ["import", "--infer", "blank.csv"],
        3,
        ["blank.csv", "empty file"],
        put("blank.csv", "\n\n,,\n"),
    ),
    Case("infer-png", ["import", "--infer", "p.png"], 3, ["p.png", "PNG image"], put("p.png", PNG)),
    Case("infer-missing", ["import", "--infer", "nope.csv"], 3, ["nope.csv", "file not found"]),
    # ── publish, diff, editions ───────────────────────────────────────────────────────────────
    Case("publish-blank-approver", ["publish", "--approver", " "], 8, ["--approver"]),
    Case(
        "publish-date",
        ["publish", "--approver", "a", "--date", "2024-13-01"],
        2,
        ["--date", "YYYY-MM-DD"],
    ),
    Case("publish-id", ["publish", "--approver", "a", "--id", "../x"], 8, ["'../x'", "YYYY-MM-DD"]),
    Case("publish-lang", ["publish", "--approver", "a", "--lang", "fr"], 2, ["--lang", "'fr'"]),
    Case(
        "publish-errata-missing",
        ["publish", "--approver", "a", "--errata", "nope.yaml"],
        8,
        ["nope.yaml", "cannot read"],
    ),
    Case(
        "publish-errata-not-a-list",
        ["publish", "--approver", "a", "--errata", "e.yaml"],
        8,
        ["e.yaml", "expected a list"],
        put("e.yaml", "text: x\n"),
    ),
    Case(
        "publish-errata-control-character",
        ["publish", "--approver", "a", "--errata", "e.yaml"],
        8,
        ["e.yaml", "cannot read"],
        put("e.yaml", "- \x01\n"),
    ),
    Case(
        "publish-draft-folder-missing",
        ["publish", "--approver", "a", "--draft", "nowhere/d.yaml"],
        2,
        ["--draft nowhere/d.yaml", "does not exist"],
    ),
    Case(
        "publish-editions-dir-is-a-file",
        ["publish", "--approver", "a"],
        2,
        ["NENPO_EDITIONS_DIR", "eds.txt", "is a file"],
        both(put("eds.txt", "x"), setenv(NENPO_EDITIONS_DIR="eds.txt")),
    ),
    Case("diff-unknown", ["diff", "1999-01-01"], 8, ["1999-01-01", "2024-09-01"]),
    Case("diff-format", ["diff", "previous", "--format", "xml"], 2, ["--format", "'xml'"]),
    Case(
        "diff-broken-edition",
        ["diff", "previous"],
        8,
        ["edition.json", "2024-09-01"],
        put("editions/2024-09-01/edition.json", "{not json"),
    ),
    Case(
        "editions-broken-edition",
        ["editions"],
        8,
        ["editions/2024-09-01/edition.json"],
        put("editions/2024-09-01/edition.json", RANDOM),
    ),
    # ── portfolio, allocate: staff only ───────────────────────────────────────────────────────
    Case("portfolio-lang", ["portfolio", "--lang", "de"], 2, ["--lang", "'de'", "ja, en"]),
    Case(
        "portfolio-out-in-site",
        ["portfolio", "--out", "site/staff"],
        2,
        ["--out site/staff", "public site", "must never be published"],
    ),
    Case(
        "portfolio-out-is-site",
        ["portfolio", "--out", "site"],
        2,
        ["--out site", "public site"],
    ),
    Case(
        "portfolio-out-deep-in-site",
        ["portfolio", "--out", "site/projects/a/b"],
        2,
        ["public site"],
    ),
    Case(
        "portfolio-out-in-editions",
        ["portfolio", "--out", "editions/staff"],
        2,
        ["editions", "public site"],
    ),
    Case(
        "portfolio-out-is-a-file",
        ["portfolio", "--out", "f.txt"],
        2,
        ["--out f.txt", "is a file"],
        put("f.txt", "x"),
    ),
    Case(
        "portfolio-bad-workspace",
        ["portfolio", "ws"],
        3,
        ["portfolio/portfolio.yaml:1", "NUL"],
        put("ws/portfolio/portfolio.yaml", b"\x00"),
    ),
    Case(
        "allocate-moves",
        ["allocate", "--max-moves", "-1"],
        2,
        ["--max-moves", "greater than or equal to 0"],
    ),
    Case("allocate-time", ["allocate", "--time-limit", "0"], 2, ["--time-limit", "above 0"]),
    Case("allocate-time-nan", ["allocate", "--time-limit", "nan"], 2, ["--time-limit", "above 0"]),
    Case("allocate-lang", ["allocate", "--lang", "xx"], 2, ["--lang", "'xx'"]),
    Case(
        "allocate-bad-workspace",
        ["allocate", "ws"],
        3,
        ["portfolio/allocations.csv"],
        put("ws/portfolio/allocations.csv", RANDOM),
    ),
    # ── schema ────────────────────────────────────────────────────────────────────────────────
    Case(
        "schema-folder-missing",
        ["schema", "--out", "nowhere/s.json"],
        2,
        ["--out nowhere/s.json", "does not exist"],
    ),
    Case("schema-out-folder", ["schema", "--out", "ws"], 2, ["--out ws", "is a folder"]),
]


@pytest.fixture
def case_dir(seed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Env]:
    root = tmp_path / "case"
    shutil.copytree(seed, root, symlinks=True)
    monkeypatch.chdir(root)
    for name in list(os.environ):
        if name.startswith("NENPO_"):
            monkeypatch.delenv(name)
    env = Env(root)
    yield env
    for d, dirs, files in os.walk(root):  # let pytest clean up what a case made unreadable
        for name in dirs + files:
            p = Path(d) / name
            if not p.is_symlink():
                # A store's -wal file may go when its last connection is collected meanwhile.
                with contextlib.suppress(FileNotFoundError):
                    p.chmod(0o755)


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, case_dir: Env) -> None:
    """A clear message, the documented exit code, and nothing changed."""
    case.setup(case_dir)
    held = case_dir.env.pop("_held", None)
    # A wide terminal: typer's usage errors are drawn in a box that would split the message.
    env = {"NENPO_DATABASE_URL": f"sqlite:///{DB}", "COLUMNS": "300", **case_dir.env}
    before = fingerprint(case_dir.root)
    try:
        res = runner.invoke(app, case.args, env=env)
    finally:
        if held:
            socket.socket(fileno=int(held)).close()
    output = res.output
    assert res.exit_code not in (0, BUG_EXIT), output
    assert "Traceback" not in output and "nenpo hit a bug" not in output, output
    assert res.exit_code == case.code, output
    for text in case.says:
        assert text in words(output), f"{text!r} not in: {output}"
    assert SECRET not in output
    if case.first is not None:
        problems = [ln.strip() for ln in output.splitlines() if ln.startswith("  ")]
        assert problems and problems[0].startswith(case.first), output
    assert fingerprint(case_dir.root) == before, "the command changed files: " + output


def test_every_command_is_covered() -> None:
    """Each command of the CLI has bad-input cases here."""
    commands = {c.name or c.callback.__name__.rstrip("_") for c in app.registered_commands}  # type: ignore[union-attr]
    covered = {c.args[0] for c in CASES}
    assert commands - covered <= {"version"}, commands - covered


def test_every_command_turns_failures_into_messages() -> None:
    """No command can forget the handler that maps failures to exit codes."""
    for c in app.registered_commands:
        assert getattr(c.callback, "handles_errors", False), c.callback


# ── Permissions: real ones, for root too ───────────────────────────────────────────────────────


def _without_root_override() -> list[str]:
    """A command prefix under which even root obeys file permissions."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:  # pragma: no cover - util-linux is on every Debian
        print("SKIP reason: running as root and setpriv (util-linux) is missing")
        pytest.skip("running as root and setpriv (util-linux) is missing")
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search", "--"]


@pytest.mark.parametrize(
    ("rel", "args", "code", "says"),
    [
        ("ws/sources.yaml", ["load", "ws"], 3, ["sources.yaml", "permission denied"]),
        ("ws/observations", ["load", "ws"], 3, ["observations", "permission denied"]),
        ("t.csv", ["import", "t.csv", "-m", MAPPING], 2, ["'t.csv'", "is not readable"]),
        ("ro", ["build", "--out", "ro/site"], 10, ["ro", "permission denied"]),
    ],
    ids=["yaml", "folder", "import", "out"],
)
def test_unreadable_and_unwritable(
    rel: str, args: list[str], code: int, says: list[str], case_dir: Env
) -> None:
    """A file or folder the user may not read or write: a message, not a traceback."""
    if rel == "t.csv":
        case_dir.write(rel, NEW_TABLE)
    (case_dir.root / rel).mkdir(exist_ok=True) if rel == "ro" else None
    (case_dir.root / rel).chmod(0o500 if rel == "ro" else 0)
    before = fingerprint(case_dir.root)
    env = {k: v for k, v in os.environ.items() if not k.startswith("NENPO_") and k != "PYTHONPATH"}
    env["NENPO_DATABASE_URL"] = f"sqlite:///{DB}"
    env["COLUMNS"] = "300"
    res = subprocess.run(
        [*_without_root_override(), sys.executable, "-m", "nenpo.cli", *args],
        cwd=case_dir.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = res.stdout + res.stderr
    assert "Traceback" not in output and "nenpo hit a bug" not in output, output
    assert res.returncode == code, output
    for text in says:
        assert text in words(output), f"{text!r} not in: {output}"
    assert fingerprint(case_dir.root) == before
