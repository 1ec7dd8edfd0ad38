"""The staff-only portfolio pages and commands, checked against the workspace's own files."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from typer.testing import CliRunner

from nenpo import core
from nenpo.cli import app
from nenpo.errors import SettingsError
from nenpo.model.portfolio import RATING_LABELS, SKILL_LABELS
from nenpo.settings import bundled_example
from nenpo.store import open_store

from .conftest import soup


@pytest.fixture(scope="module")
def internal(tmp_path_factory: pytest.TempPathFactory) -> core.BuildResult:
    tmp = tmp_path_factory.mktemp("internal")
    store = open_store(f"sqlite:///{tmp / 'n.db'}")
    return core.build_portfolio(store, tmp / "portfolio-site", bundled_example())


@pytest.fixture(scope="module")
def pages(internal: core.BuildResult) -> dict[str, BeautifulSoup]:
    return {p.path: soup(internal.out / p.path) for p in internal.site.pages}


def _yaml(path: Path) -> dict:  # type: ignore[type-arg]
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _projects(example: Path) -> dict[str, str]:
    """project id → focus area, sub-projects inheriting their parent's (read from the YAML)."""
    out = {}
    for p in _yaml(example / "projects.yaml"):  # type: ignore[union-attr]
        out[p["id"]] = p["focus_area"]
        for c in p.get("subprojects", []):
            out[c["id"]] = p["focus_area"]
    return out


def test_every_page_is_marked_internal(pages: dict[str, BeautifulSoup]) -> None:
    assert {
        "index.html",
        "variance.html",
        "staffing.html",
        "ratings.html",
        "allocation.html",
    } <= set(pages)
    for path, doc in pages.items():
        assert doc.select_one('meta[name="robots"]')["content"] == "noindex, nofollow", path
        assert "公開しないでください" in doc.select_one("p.internal-banner").get_text(), path
        assert doc.select_one("aside.illustrative-note"), path  # the example's data is 例示値


def test_heatmap_counts_equal_the_latest_ratings(pages: dict[str, BeautifulSoup]) -> None:
    example = bundled_example()
    as_of = str(_yaml(example / "portfolio" / "portfolio.yaml")["as_of"])
    area_of = _projects(example)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for f in (example / "portfolio" / "projects").glob("*.yaml"):
        risk = [r for r in _yaml(f)["risk"] if str(r["date"]) <= as_of]
        latest = max(risk, key=lambda r: str(r["date"]))["rating"]
        counts[(area_of[f.stem], latest)] += 1
    fig = pages["index.html"].select_one('figure[data-chart="portfolio-heatmap"]')
    assert len(fig.select_one('[role="img"]')["aria-label"]) > 40
    table = fig.select_one("table")
    header = [th.get_text() for th in table.select("thead th")][1:]
    areas = {a["name"]["ja"]: a["id"] for a in _yaml(example / "focus_areas.yaml")}  # type: ignore[union-attr]
    for tr in table.select("tbody tr"):
        area = areas[tr.th.get_text()]
        for label, td in zip(header, tr.select("td"), strict=True):
            rating = next((r for r, lab in RATING_LABELS.items() if lab.ja == label), "unrated")
            assert int(td.get_text()) == counts.get((area, rating), 0), (area, rating)


def test_staffing_by_skill_equals_the_csv_files(pages: dict[str, BeautifulSoup]) -> None:
    pdir = bundled_example() / "portfolio"
    supply: dict[str, float] = defaultdict(float)
    with (pdir / "allocations.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            supply[row["skill"]] += float(row["fte"])
    demand: dict[str, float] = defaultdict(float)
    for f in (pdir / "projects").glob("*.yaml"):
        for skill, fte in _yaml(f)["staffing"]["demand"].items():
            demand[skill] += fte
    fig = pages["staffing.html"].select_one('figure[data-chart="portfolio-staffing"]')
    rows = {
        tr.th.get_text(): [td.get_text() for td in tr.select("td")] for tr in fig.select("tbody tr")
    }
    for skill, label in SKILL_LABELS.items():
        assert float(rows[label.ja][0]) == pytest.approx(demand[skill], abs=0.05), skill
        assert float(rows[label.ja][1]) == pytest.approx(supply[skill], abs=0.05), skill


def test_rating_history_table_equals_the_assessments(pages: dict[str, BeautifulSoup]) -> None:
    example = bundled_example()
    names = {}
    for p in _yaml(example / "projects.yaml"):  # type: ignore[union-attr]
        names[p["id"]] = p["name"]["ja"]
        for c in p.get("subprojects", []):
            names[c["id"]] = c["name"]["ja"]
    fig = pages["ratings.html"].select_one('figure[data-chart="portfolio-ratings"]')
    rows = {
        tr.th.get_text(): [td.get_text() for td in tr.select("td")] for tr in fig.select("tbody tr")
    }
    assert len(rows) == len(names)
    for f in (example / "portfolio" / "projects").glob("*.yaml"):
        expected = [RATING_LABELS[r["rating"]].ja for r in _yaml(f)["risk"]]
        assert rows[names[f.stem]] == expected, f.stem


def test_variance_tables_against_the_files(pages: dict[str, BeautifulSoup]) -> None:
    from datetime import date

    f = bundled_example() / "portfolio" / "projects" / "local-gov-standardisation.yaml"
    data = _yaml(f)
    page = pages["projects/local-gov-standardisation.html"]
    tables = page.select("table")
    sched = tables[0].select("tbody tr")
    for tr, m in zip(sched, data["milestones"], strict=True):
        cells = [td.get_text() for td in tr.select("td")]
        when = m.get("actual") or m["forecast"]
        assert cells[0] == str(m["baseline"])
        assert int(cells[3].replace("+", "")) == (when - m["baseline"]).days
        assert isinstance(when, date)
    budget = tables[1].select("tbody tr")
    for tr, b in zip(budget, data["budget"], strict=True):
        amount = b.get("actual", b.get("forecast"))
        pct = tr.select("td")[3].get_text()
        assert float(pct.rstrip("%")) == pytest.approx(
            (amount - b["baseline"]) / b["baseline"] * 100, abs=0.05
        )
    people_table = next(t for t in tables if t.caption.get_text() == "配置されている人員")
    people = {tr.th.get_text() for tr in people_table.select("tbody tr")}
    with (bundled_example() / "portfolio" / "allocations.csv").open(encoding="utf-8") as fh:
        expected = {
            r["person"] for r in csv.DictReader(fh) if r["project"] == "local-gov-standardisation"
        }
    assert people == expected


def test_every_internal_chart_has_alt_text_table_source_and_csv(
    internal: core.BuildResult, pages: dict[str, BeautifulSoup]
) -> None:
    seen = 0
    for path, doc in pages.items():
        for fig in doc.select("figure.chart"):
            seen += 1
            assert len(fig.select_one('[role="img"]')["aria-label"]) > 40
            assert fig.select_one("table caption") and fig.select("tbody tr")
            assert "例示値" in fig.select_one("p.source").get_text()
            link = fig.select_one("p.download a")["href"]
            assert ((internal.out / path).parent / link).read_bytes().startswith("\ufeff".encode())
    assert seen == 3


def test_allocation_page_lists_the_plan(
    internal: core.BuildResult, pages: dict[str, BeautifulSoup]
) -> None:
    store = open_store("sqlite://")
    plan = core.allocate(store, bundled_example())
    items = pages["allocation.html"].select("ol.moves li")
    assert len(items) == len(plan.result.moves) > 0
    for li, move in zip(items, plan.result.moves, strict=True):
        assert li.get_text().startswith(move.person)


def test_internal_pages_never_overwrite_a_public_site(built_example: core.BuildResult) -> None:
    store = open_store("sqlite://")
    before = sorted(p.name for p in built_example.out.iterdir())
    with pytest.raises(SettingsError, match="holds a public site"):
        core.build_portfolio(store, built_example.out, bundled_example())
    assert sorted(p.name for p in built_example.out.iterdir()) == before


# ── The commands ────────────────────────────────────────────────────────────────────────────


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("NENPO_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def test_nenpo_portfolio_prints_the_view(runner: CliRunner) -> None:
    res = runner.invoke(app, ["portfolio", str(bundled_example()), "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert "Focus area × latest rating" in res.output and "Red" in res.output
    assert "Risk-weighted staff shortfall" in res.output


def test_nenpo_portfolio_reports_a_missing_narrative(runner: CliRunner, example_copy: Path) -> None:
    f = example_copy / "portfolio" / "projects" / "ai.yaml"
    lines = f.read_text(encoding="utf-8").splitlines()
    kept = [ln for ln in lines if not (ln.strip().startswith("narrative:") and "執行額" in ln)]
    assert len(kept) == len(lines) - 1
    f.write_text("\n".join(kept) + "\n", encoding="utf-8")
    res = runner.invoke(app, ["portfolio", str(example_copy)])
    assert res.exit_code == 3, res.output
    assert "portfolio/projects/ai.yaml:" in res.output and "needs a narrative" in res.output


def test_nenpo_allocate_json_and_infeasible(runner: CliRunner, example_copy: Path) -> None:
    res = runner.invoke(app, ["allocate", str(bundled_example()), "--json", "--max-moves", "3"])
    assert res.exit_code == 0, res.output
    plan = json.loads(res.stdout)
    assert plan["status"] == "optimal" and 0 < len(plan["moves"]) <= 3
    assert plan["objective_after"] < plan["objective_before"]
    assert all(m["text"].startswith(m["person"]) for m in plan["moves"])
    f = example_copy / "portfolio" / "projects" / "ai.yaml"
    text = f.read_text(encoding="utf-8")
    f.write_text(text.replace("  min_fte: ", "  min_fte: 90  # ", 1), encoding="utf-8")
    res = runner.invoke(app, ["allocate", str(example_copy), "--lang", "en"])
    assert res.exit_code == 1, res.output
    assert "No plan meets every constraint" in res.output
    assert "AI needs at least 90.0 FTE" in res.output


def test_a_workspace_without_portfolio_says_so(runner: CliRunner, example_copy: Path) -> None:
    import shutil

    shutil.rmtree(example_copy / "portfolio")
    res = runner.invoke(app, ["portfolio", str(example_copy)])
    assert res.exit_code == 1
    assert "has no portfolio" in res.output and "portfolio/" in res.output
    # The public build does not need one.
    res = runner.invoke(app, ["build", "--out", "site"])
    assert res.exit_code == 0, res.output


def test_internal_pages_pass_axe(internal: core.BuildResult) -> None:
    """The staff-only pages meet the same WCAG 2.2 AA bar as the public site."""
    from .test_accessibility import axe_violations

    failures = axe_violations(internal)
    assert not failures, "\n".join(failures[:40])
