"""Internal data never reaches a public output: every file the public build writes is searched
for the portfolio's internal values (ratings, narratives, FTE, budget figures, person ids)."""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from nenpo import core
from nenpo.ingest.workspace import read_workspace
from nenpo.japan.numbers import number
from nenpo.model.portfolio import RATING_LABELS
from nenpo.model.workspace import Workspace
from nenpo.portfolio.variance import money
from nenpo.settings import bundled_example, get_settings
from nenpo.store import open_store

from .conftest import soup

# Files a build may hold that carry no text of ours (fonts, raster images): skipped, said so.
NO_TEXT = {".woff", ".woff2", ".ttf", ".otf", ".png", ".jpg", ".jpeg", ".gif", ".ico", ".webp"}


def internal_values(ws: Workspace) -> dict[str, set[str]]:
    """Strings that would betray internal portfolio data, by category, as outputs would write
    them. Fields a project marked public are left out (they may appear)."""
    pf = ws.portfolio
    assert pf is not None
    out: dict[str, set[str]] = {
        k: set() for k in ("ratings", "narratives", "budget", "fte", "people")
    }
    risk_public = any("risk" in r.public for r in pf.projects)
    if not risk_public:
        for label in RATING_LABELS.values():
            out["ratings"] |= {label.ja, label.en or ""}
    for rec in pf.projects:
        if "risk" not in rec.public:
            for a in rec.risk:
                out["narratives"] |= {a.narrative.ja, a.narrative.en or ""}
        for m in rec.milestones:  # rebaseline reasons are never published
            for r in m.rebaselines:
                out["narratives"] |= {r.reason.ja, r.reason.en or ""}
        if "budget" not in rec.public:
            for b in rec.budget:
                if b.narrative:
                    out["narratives"] |= {b.narrative.ja, b.narrative.en or ""}
                for v in (b.baseline, b.forecast, b.actual):
                    if v is not None:
                        out["budget"] |= {
                            str(v),
                            f"{v:,}",
                            money(v),
                            money(v, "en"),
                            number(v / 1e6, 1),
                            f"{number(v / 1e8, 1)}億円",
                        }
        if "staffing" not in rec.public:
            out["fte"].add("FTE")
    out["people"] = {p.id for p in pf.people}
    for k in out:
        out[k].discard("")
    return out


def texts_of(folder: Path) -> dict[str, str]:
    """The text of every file under `folder`: HTML/CSV/JSON/SVG as written, PDF via pypdf,
    XLSX and other zips member by member. An unknown binary format fails the test."""
    out: dict[str, str] = {}
    for f in sorted(folder.rglob("*")):
        if not f.is_file():
            continue
        name = f.relative_to(folder).as_posix()
        data = f.read_bytes()
        if f.suffix.lower() == ".pdf":
            reader = PdfReader(io.BytesIO(data))
            out[name] = "\n".join(page.extract_text() or "" for page in reader.pages)
            out[name] += "\n" + str(reader.metadata or "")
        elif zipfile.is_zipfile(f):
            with zipfile.ZipFile(f) as z:
                out[name] = "\n".join(z.read(m).decode("utf-8", "replace") for m in z.namelist())
        elif f.suffix.lower() in NO_TEXT:
            print(f"not searched (no text): {name}")
        else:
            try:
                raw = data.decode("utf-8-sig")
                # Entities too: an escaped apostrophe must not hide a narrative from the search.
                out[name] = raw + "\n" + html.unescape(raw)
            except UnicodeDecodeError:
                pytest.fail(f"{name}: a binary output the leak test cannot read; teach it")
    return out


def leaks(texts: dict[str, str], values: dict[str, set[str]]) -> dict[str, list[str]]:
    """category → 'file: value' for every internal value found."""
    found: dict[str, list[str]] = {}
    for cat, vals in values.items():
        for v in sorted(vals):
            # Short ASCII words (Red, Amber, FTE, p-0001) only as whole words.
            pattern = re.compile(rf"(?<![\w/-]){re.escape(v)}(?![\w/-])") if v.isascii() else None
            for name, text in texts.items():
                hit = pattern.search(text) if pattern else v in text
                if hit:
                    found.setdefault(cat, []).append(f"{name}: {v}")
    return found


def test_the_public_build_holds_no_internal_value(built_example: core.BuildResult) -> None:
    full = read_workspace(bundled_example()).workspace
    values = internal_values(full)
    assert all(values[k] for k in ("ratings", "narratives", "budget", "fte", "people"))
    texts = texts_of(built_example.out)
    assert any(n.endswith(".html") for n in texts) and any(n.endswith(".csv") for n in texts)
    assert leaks(texts, values) == {}
    # By construction too: the public site's model never held the portfolio.
    assert built_example.site.ws.portfolio is None


def test_the_leak_search_finds_every_category_in_the_internal_pages(tmp_path: Path) -> None:
    """The negative control: the staff-only pages hold all of it, and the search says so."""
    store = open_store(f"sqlite:///{tmp_path / 'n.db'}")
    result = core.build_portfolio(store, tmp_path / "internal", bundled_example())
    ws = store.read()
    assert ws is not None
    found = leaks(texts_of(result.out), internal_values(ws))
    assert set(found) == {"ratings", "narratives", "budget", "fte", "people"}, found.keys()


def test_fields_marked_public_are_published_and_nothing_else(
    example_copy: Path, tmp_path: Path
) -> None:
    f = example_copy / "portfolio" / "projects" / "e-gov.yaml"
    text = f.read_text(encoding="utf-8")
    assert "public:" not in text
    f.write_text(
        text.replace("phase: operation\n", "phase: operation\npublic: [risk, budget, staffing]\n"),
        encoding="utf-8",
    )
    store = open_store(f"sqlite:///{tmp_path / 'n.db'}")
    result = core.build(store, tmp_path / "site", example_copy, "ja", get_settings())
    ws = store.read()
    assert ws is not None and ws.portfolio is not None
    rec = ws.portfolio.project("e-gov")
    assert rec is not None
    page = soup(result.out / "projects" / "e-gov.html")
    status = page.select_one("section.project-status")
    assert status is not None
    shown = status.get_text()
    latest = rec.risk[-1]
    assert RATING_LABELS[latest.rating].ja in shown and latest.narrative.ja in shown
    assert all(money(b.baseline) in shown for b in rec.budget)
    assert "例示値" in status.h2.get_text()
    assert page.select_one("aside.illustrative-note") is not None
    # Older assessments, people and every other project's data stay internal.
    values = internal_values(ws)
    values["narratives"] -= {latest.narrative.ja, latest.narrative.en or ""}
    values["narratives"] |= {a.narrative.ja for a in rec.risk[:-1]}
    values["fte"] = {"FTE"}  # the staffing table's header says FTE, on e-gov's page only
    texts = texts_of(result.out)
    found = leaks(texts, values)
    assert set(found) <= {"fte"}, found
    # report.pdf prints the same public page (docs/print.md), staffing table included: FTE may
    # appear there, on the pages of e-gov's section only (pages.json says where it is printed).
    on_page = ("projects/e-gov.html", "report.pdf")
    assert all(hit.startswith(on_page) for hit in found.get("fte", []))
    printed = json.loads((result.out / "pages.json").read_text(encoding="utf-8"))["report"]
    start = printed["projects/e-gov.html"]
    end = min((n for n in printed.values() if n > start), default=start)
    reader = PdfReader(result.out / "report.pdf")
    fte = {i + 1 for i, pg in enumerate(reader.pages) if "FTE" in (pg.extract_text() or "")}
    assert fte and fte <= set(range(start, end + 1)), (fte, start, end)


def test_public_phase_and_milestones_of_the_example(built_example: core.BuildResult) -> None:
    """The example opts a few fields in: they appear, labelled 例示値."""
    pf = read_workspace(bundled_example()).workspace.portfolio
    assert pf is not None
    opted = [r for r in pf.projects if r.public]
    assert opted
    for rec in pf.projects:
        page = soup(built_example.out / "projects" / f"{rec.project}.html")
        status = page.select_one("section.project-status")
        if not rec.public:
            assert status is None, rec.project
            continue
        assert status is not None and "例示値" in status.get_text()
        if "milestones" in rec.public:
            rows = status.select("table tbody tr")
            assert [r.th.get_text() for r in rows] == [m.name.ja for m in rec.milestones]


def test_a_published_edition_holds_no_internal_value(tmp_path: Path) -> None:
    """What `nenpo publish` puts in the public tree (each edition's site, the feed) is clean."""
    from nenpo.publish import pipeline
    from nenpo.settings import Settings

    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'n.db'}",
        editions_dir=str(tmp_path / "editions"),
        public_dir=str(tmp_path / "public"),
    )
    store = open_store(settings.database_url)
    core.load(bundled_example(), store)
    pipeline.publish(store, "approver", settings=settings)
    texts = texts_of(tmp_path / "public")
    assert any(n.endswith("index.html") for n in texts) and "feed.xml" in texts
    ws = store.read()
    assert ws is not None
    assert leaks(texts, internal_values(ws)) == {}
