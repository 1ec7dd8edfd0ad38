"""One direction of dependencies (docs/architecture.md) and one home for Japanese formats.

An AST walk over every module of src/nenpo: each module belongs to a layer by its package (or,
for a top-level module, its name), and no import may name a module of a higher layer. Imports
inside functions and under TYPE_CHECKING count too: a late import is still an arrow.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "nenpo"

# Lowest first. Packages in one layer may import each other; none imports a higher layer.
LAYERS: list[tuple[str, ...]] = [
    ("__init__", "errors", "gcpause", "settings", "outputs", "beside", "cache"),  # foundations
    ("japan",),  # Japanese conventions: periods, numbers, codes
    ("model",),  # typed domain objects
    ("ingest", "store"),  # reading files and tables; the store
    ("lookups", "portfolio"),  # lookups over the data; the portfolio's analyses
    ("charts", "report", "check"),  # models: charts, pages and the deck, the check's findings
    ("render",),  # lays out documents handed to it: HTML, Typst PDF, terminal text
    ("core",),  # the API every adapter calls
    ("publish", "web", "cli", "preview", "__main__"),  # adapters over the core
]
RANK = {unit: i for i, layer in enumerate(LAYERS) for unit in layer}
# japan is below everything: it may use nenpo.errors and nothing else of nenpo.
JAPAN_MAY_IMPORT = {"errors", "japan"}


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def unit_of(module: str) -> str:
    """The layer unit of a module: its package under nenpo, or its own name at the top."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports(path: Path, root: Path) -> list[tuple[int, str]]:
    """(line, module) for every import of a nenpo module in the file, relative ones resolved."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if node.module is None:  # from . import core: a module; from . import __version__: not
                out += [
                    (node.lineno, _module_or_package(f"{target}.{a.name}", root))
                    for a in node.names
                ]
            else:
                out.append((node.lineno, target))
    top = root.name
    return [(line, m) for line, m in out if m == top or m.startswith(top + ".")]


def _module_or_package(name: str, root: Path) -> str:
    path = root.parent.joinpath(*name.split("."))
    is_module = path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()
    return name if is_module else name.rpartition(".")[0]


def violations(root: Path) -> tuple[list[str], list[str]]:
    """(modules with no layer, imports that run up a layer or out of japan)."""
    unassigned, wrong = [], []
    for path in sorted(root.rglob("*.py")):
        here = unit_of(module_name(path, root))
        where = path.relative_to(root.parent)
        if here not in RANK:
            unassigned.append(str(where))
            continue
        for line, target in imports(path, root):
            there = unit_of(target)
            if there not in RANK:
                wrong.append(f"{where}:{line}: imports {target}, which has no layer")
            elif RANK[there] > RANK[here]:
                wrong.append(f"{where}:{line}: {here} imports {target} ({there} is a higher layer)")
            elif here == "japan" and there not in JAPAN_MAY_IMPORT:
                wrong.append(f"{where}:{line}: japan imports {target} (only nenpo.errors)")
    return unassigned, wrong


def test_every_module_has_a_layer_and_no_import_runs_up() -> None:
    unassigned, wrong = violations(SRC)
    assert not unassigned, f"modules in no layer (add them to LAYERS): {unassigned}"
    assert not wrong, "\n".join(wrong)


def test_every_package_is_named_and_every_named_package_exists() -> None:
    units = {unit_of(module_name(p, SRC)) for p in SRC.rglob("*.py")}
    assert units == set(RANK), (units - set(RANK), set(RANK) - units)
    for pkg in ("japan", "lookups", "web", "publish", "store", "render", "report"):
        assert pkg in units


def test_the_walk_catches_an_upward_import(tmp_path: Path) -> None:
    """The checker itself: a planted late import from japan into report, and one into a module
    no layer names, are both reported, with their lines."""
    root = tmp_path / "nenpo"
    for pkg in ("japan", "report", "model"):
        (root / pkg).mkdir(parents=True)
        (root / pkg / "__init__.py").write_text("", encoding="utf-8")
    (root / "errors.py").write_text("", encoding="utf-8")
    (root / "report" / "site.py").write_text("", encoding="utf-8")
    (root / "japan" / "x.py").write_text(
        "from ..errors import E\n\ndef f():\n    from ..report import site\n", encoding="utf-8"
    )
    (root / "model" / "y.py").write_text("from nenpo.japan import x\n", encoding="utf-8")
    (root / "report" / "z.py").write_text("from ..model.y import Y\n", encoding="utf-8")
    (root / "stray.py").write_text("", encoding="utf-8")
    unassigned, wrong = violations(root)
    assert unassigned == ["nenpo/stray.py"]
    assert wrong == ["nenpo/japan/x.py:4: japan imports nenpo.report (report is a higher layer)"]


# One home for each piece of Japanese knowledge: these patterns mark a copy elsewhere in src.
ONE_HOME = {
    # an era table or an era pattern: the names of past eras, or the day one began
    "era table": (
        re.compile(r"明治|大正|昭和|平成|date\(\s*(1868|1912|1926|1989|2019)\s*,"),
        ("japan/periods.py",),
    ),
    # a 和暦 parser: 元年 in a pattern, or a year counted from an era's first year
    "和暦 parser": (
        re.compile(r"元\||\|元|元年|\.start\.year\s*\+"),
        ("japan/periods.py", "japan/typed_dates.py"),
    ),
    # a number formatter: thousands separators or half-up rounding done by hand
    "number formatter": (
        re.compile(r"\{[^{}]*:,[^{}]*\}|ROUND_HALF|\"million\"|\"billion\""),
        ("japan/numbers.py", "japan/typed.py"),
    ),
}


def code_lines(path: Path) -> list[tuple[int, str]]:
    """Lines of code, without docstrings and comments (a comment may name 平成)."""
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    doc_lines: set[int] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
            and node.end_lineno is not None
        ):
            doc_lines.update(range(node.lineno, node.end_lineno + 1))
    return [
        (n, line.split("#", 1)[0])
        for n, line in enumerate(text.splitlines(), 1)
        if n not in doc_lines
    ]


@pytest.mark.parametrize("what", list(ONE_HOME))
def test_one_copy_in_src(what: str) -> None:
    pattern, home = ONE_HOME[what]
    found = [
        f"{p.relative_to(SRC)}:{n}: {line.strip()}"
        for p in sorted(SRC.rglob("*.py"))
        if p.relative_to(SRC).as_posix() not in home
        for n, line in code_lines(p)
        if pattern.search(line)
    ]
    assert not found, f"a second {what} (its home is {home}):\n" + "\n".join(found)
    # and the home holds it, so the pattern still means something
    assert any(pattern.search(line) for h in home for _, line in code_lines(SRC / h))


def test_one_function_per_job() -> None:
    """One era table, one 和暦 parser, one number formatter: defined once in src."""
    defs = {"ERAS": 0, "parse_wareki": 0, "parse_written": 0, "wareki": 0, "number": 0}
    for p in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.FunctionDef) and node.col_offset == 0:
                names = [node.name]
            elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.col_offset == 0:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names = [t.id for t in targets if isinstance(t, ast.Name)]
            for name in names:
                if name in defs and not (name == "number" and p.parent.name == "web"):
                    defs[name] += 1
    assert defs == dict.fromkeys(defs, 1), defs
