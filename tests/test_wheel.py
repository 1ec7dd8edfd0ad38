"""The install a user gets: build the wheel, install it WITHOUT the dev extras into a fresh
virtual environment (from the runtime lock, every file checked against its hash), and run every
command there on the bundled example the wheel carries.

What only the development tools import (BeautifulSoup once was one) fails here, and so does a
bundled example that is not in the wheel. Packages come from pip's cache after the first run.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from collections.abc import Iterator
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ["src", "examples", "pyproject.toml", "setup.py", "MANIFEST.in", "README.md"]


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float = 600) -> str:
    res = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    output = res.stdout + res.stderr
    assert res.returncode == 0, f"{' '.join(cmd)} exited {res.returncode}:\n{output}"
    assert "Traceback" not in output and "nenpo hit a bug" not in output, output
    return res.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    """A fresh venv holding the wheel and the runtime lock, nothing else; and its environment."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src-copy"  # build from a copy: no stale build/ folder can leak into the wheel
    src.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(
                ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
            )
        else:
            shutil.copy(ROOT / name, src / name)
    t0 = time.perf_counter()
    pip = [sys.executable, "-m", "pip"]
    base = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    build = ["wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(tmp), str(src)]
    _run([*pip, *build], tmp, base)
    wheel = next(tmp.glob("nenpo-*.whl"))
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp, base)
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    reqs = tmp / "install.txt"  # the lock, and the wheel pinned by its hash
    reqs.write_text(
        (ROOT / "requirements.lock").read_text(encoding="utf-8")
        + f"nenpo @ {wheel.as_uri()} --hash=sha256:{digest}\n",
        encoding="utf-8",
    )
    python = venv / "bin" / "python"
    _run(
        [
            *pip,
            "--python",
            str(python),
            "install",
            "-q",
            "--no-compile",
            "--require-hashes",
            "-r",
            str(reqs),
        ],
        tmp,
        base,
    )
    print(f"wheel built and installed in {time.perf_counter() - t0:.1f} s")
    env = {**base, "PATH": f"{venv / 'bin'}{os.pathsep}{base.get('PATH', '')}", "COLUMNS": "200"}
    env = {k: v for k, v in env.items() if not k.startswith("NENPO_")}
    yield venv, env


def test_every_command_runs_from_the_wheel(
    installed: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    venv, env = installed
    nenpo = str(venv / "bin" / "nenpo")
    python = str(venv / "bin" / "python")
    work = tmp_path / "work"
    work.mkdir()
    env = {**env, "NENPO_DATABASE_URL": f"sqlite:///{work / 'nenpo.db'}"}

    def run(*args: str) -> str:
        return _run([nenpo, *args], work, env)

    # Only the runtime dependencies are there, and nenpo is the installed copy.
    probe = "import importlib.util as u, nenpo; print(nenpo.__file__); " + "; ".join(
        f"print({m!r}, u.find_spec({m!r}) is not None)" for m in ("pytest", "hypothesis", "pypdf")
    )
    lines = _run([python, "-c", probe], work, env).splitlines()
    assert lines[0].startswith(str(venv)), lines[0]
    assert all(line.endswith("False") for line in lines[1:]), lines
    where = "from nenpo.settings import bundled_example as b; print(b())"
    example = Path(_run([python, "-c", where], work, env).strip())
    assert example.is_relative_to(venv) and (example / "nenpo.yaml").is_file(), example

    assert run("version").strip()
    run("schema", "--out", "schema.json")
    assert "nenpo.yaml" in json.loads((work / "schema.json").read_text())["properties"]
    run("check")  # an empty store checks the bundled example
    run("build", "--out", "site")  # an empty store loads the bundled example from the wheel
    home = BeautifulSoup((work / "site" / "index.html").read_text(), "html.parser")
    assert "デジタル庁" in home.get_text()
    assert (work / "site" / "report.pdf").stat().st_size > 10_000
    run("new", "mine")  # the user's own copy of the example, from the wheel
    assert (work / "mine" / "nenpo.yaml").read_bytes() == (example / "nenpo.yaml").read_bytes()
    run("check", "mine")  # exit 0: no errors (a check with errors exits 7)
    assert "observations" in run("load", str(example))
    run("check", str(example))
    run("publish", "--approver", "QA", "--date", "2024-09-01")
    table = work / "2025.csv"
    table.write_text(
        "算出基準日,都道府県名,交付枚数,人口に対する交付枚数率\n2025/03/31,北海道,3100000,60.1\n",
        encoding="utf-8",
    )
    proposed = yaml.safe_load(run("import", "--infer", str(table)))
    assert isinstance(proposed, dict) and proposed, proposed
    run("import", str(table), "-m", str(example / "imports" / "mic-prefectures.yaml"))
    run("publish", "--approver", "QA", "--date", "2024-09-02")
    diff = json.loads(run("diff", "previous", "latest", "--format", "json"))
    assert diff["changes"], diff
    assert "2024-09-02" in run("editions")
    assert run("portfolio", "--out", "staff")
    assert (work / "staff" / "index.html").is_file()
    plan = json.loads(run("allocate", "--json", "--time-limit", "30"))
    assert plan["status"] in ("optimal", "feasible"), plan["status"]
    _serve_one_request(nenpo, work, env)


def _serve_one_request(nenpo: str, work: Path, env: dict[str, str]) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [nenpo, "serve", "--dir", "public", "--port", str(port)],
        cwd=work,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert f"127.0.0.1:{port}" in line, line
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as resp:
            assert resp.status == 200
            page = BeautifulSoup(resp.read().decode("utf-8"), "html.parser")
        assert page.find("a", href="editions/2024-09-02/index.html")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_runtime_imports_are_runtime_dependencies() -> None:
    """Every third-party module nenpo's code imports belongs to a distribution in pyproject's
    `dependencies` (not only in the dev extra)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_dist_name(d) for d in project["dependencies"]}
    dists = packages_distributions()
    missing: dict[str, str] = {}
    for path in (ROOT / "src" / "nenpo").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top == "nenpo":
                    continue
                owners = {_dist_name(d) for d in dists.get(top, [top])}
                if not owners & declared:
                    missing[top] = str(path.relative_to(ROOT))
    assert not missing, f"imported at run time but not a runtime dependency: {missing}"


def _dist_name(spec: str) -> str:
    name = spec.split(";")[0].split("[")[0]
    for sep in "<>=!~ ":
        name = name.split(sep)[0]
    return name.strip().lower().replace("_", "-")


def test_the_lock_covers_pyproject() -> None:
    """Every dependency pyproject names is pinned, with hashes, in the lock the scripts install."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime, dev = project["dependencies"], project["optional-dependencies"]["dev"]
    for lock, deps in (("requirements.lock", runtime), ("requirements-dev.lock", runtime + dev)):
        text = (ROOT / lock).read_text(encoding="utf-8")
        pinned = {
            line.split("==")[0].lower()
            for line in text.splitlines()
            if line and not line.startswith((" ", "#"))
        }
        for dep in deps:
            assert _dist_name(dep) in pinned, f"{dep} is not pinned in {lock}"
        assert "--hash=sha256:" in text
