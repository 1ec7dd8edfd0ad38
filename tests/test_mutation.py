"""Mutated input, generated: any workspace file of the example given random bytes, cut short,
with lines swapped, dropped, doubled or a control character put in, is loaded with `nenpo load`;
any of the example's raw tables mutated the same ways is imported with `nenpo import`. Never an
uncaught exception; a documented exit code; and when the command fails, the store is unchanged.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from nenpo import core
from nenpo.cli import app
from nenpo.settings import bundled_example
from nenpo.store import open_store

from .test_bad_input import fingerprint

runner = CliRunner()
EXAMPLE = bundled_example()
WORKSPACE_FILES = sorted(
    p.relative_to(EXAMPLE).as_posix()
    for p in EXAMPLE.rglob("*")
    if p.is_file() and p.suffix in (".yaml", ".csv", ".md") and "data" not in p.parts
)


def _tables_of(mapping: Path) -> list[Path]:
    import yaml

    globs = yaml.safe_load(mapping.read_text(encoding="utf-8"))["files"]
    return sorted(p for g in globs for p in EXAMPLE.glob(g))


TABLES = [  # (mapping, a table it reads)
    (m.relative_to(EXAMPLE).as_posix(), t.relative_to(EXAMPLE).as_posix())
    for m in sorted((EXAMPLE / "imports").glob("*.yaml"))
    for t in _tables_of(m)[-2:]  # the newest tables of each mapping
]


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


@st.composite
def mutation(draw: st.DrawFn) -> Callable[[bytes], bytes]:
    """One way to damage a file's bytes."""
    kind = draw(st.sampled_from(["random", "truncate", "swap", "drop", "double", "control"]))
    a, b = draw(st.floats(0, 1)), draw(st.floats(0, 1))
    if kind == "random":
        noise = draw(st.binary(min_size=1, max_size=200))
        return lambda d: d[: int(len(d) * a)] + noise + d[int(len(d) * a) + len(noise) :]
    if kind == "truncate":
        return lambda d: d[: int(len(d) * a)]
    if kind == "control":
        char = draw(st.sampled_from([b"\x00", b"\x07", b"\x0b", b"\x1b", b"\x7f", b"\xff"]))
        return lambda d: d[: int(len(d) * a)] + char + d[int(len(d) * a) :]

    def by_lines(d: bytes) -> bytes:
        lines = _lines(d)
        if not lines:
            return d
        i, j = int(a * (len(lines) - 1)), int(b * (len(lines) - 1))
        if kind == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "drop":
            del lines[i]
        else:
            lines.insert(i, lines[i])
        return b"".join(lines)

    return by_lines


@pytest.fixture(scope="module")
def loaded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the example loaded, copied for each generated case."""
    db = tmp_path_factory.mktemp("mutation") / "nenpo.db"
    store = open_store(f"sqlite:///{db}")
    core.load(EXAMPLE, store)
    store.engine.dispose()
    return db


def _run_in_copy(
    db: Path, args: Callable[[Path], list[str]], damage: Callable[[Path], None]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copy(db, root / "nenpo.db")
        shutil.copytree(EXAMPLE, root / "ws")
        damage(root / "ws")
        before = fingerprint(root)
        res = runner.invoke(
            app,
            args(root),
            env={"NENPO_DATABASE_URL": f"sqlite:///{root / 'nenpo.db'}", "COLUMNS": "300"},
        )
        out = res.output
        assert "Traceback" not in out and "nenpo hit a bug" not in out, out
        assert res.exit_code in (0, 3), out
        if res.exit_code != 0:
            assert "nothing was written" in out or "error:" in out, out
            assert fingerprint(root) == before, "a failed command changed the store: " + out


SETTINGS = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SETTINGS
@given(file=st.sampled_from(WORKSPACE_FILES), damage=mutation())
def test_load_survives_any_mutated_file(
    loaded_db: Path, file: str, damage: Callable[[bytes], bytes]
) -> None:
    def do(ws: Path) -> None:
        path = ws / file
        path.write_bytes(damage(path.read_bytes()))

    _run_in_copy(loaded_db, lambda root: ["load", str(root / "ws")], do)


@SETTINGS
@given(pair=st.sampled_from(TABLES), damage=mutation())
def test_import_survives_any_mutated_table(
    loaded_db: Path, pair: tuple[str, str], damage: Callable[[bytes], bytes]
) -> None:
    mapping, table = pair

    def do(ws: Path) -> None:
        path = ws / table
        path.write_bytes(damage(path.read_bytes()))

    _run_in_copy(
        loaded_db,
        lambda root: ["import", str(root / "ws" / table), "-m", str(root / "ws" / mapping)],
        do,
    )


def test_the_generators_reach_every_kind_of_file() -> None:
    """The cases are drawn from every YAML, CSV and Markdown file and every mapping."""
    assert {Path(f).suffix for f in WORKSPACE_FILES} == {".yaml", ".csv", ".md"}
    assert len({m for m, _ in TABLES}) == len(list((EXAMPLE / "imports").glob("*.yaml")))
