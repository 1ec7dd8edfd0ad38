"""The open data of the built example: the data package validates, every resource equals the
store's rows, XLSX and JSON equal the CSV, illustrative flags match the store, nothing internal.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from nenpo import core
from nenpo.model.builtin import builtin_dimensions
from nenpo.render.tabular import neutralise
from nenpo.store import open_store
from nenpo.store import schema as t
from nenpo.store.db import parse_dims


def _data(built: core.BuildResult) -> Path:
    return built.out / "data"


def _store_rows(built: core.BuildResult) -> dict[str, Any]:
    """What the store of the build holds, read with SQL (not through nenpo's models)."""
    store = open_store(f"sqlite:///{built.out.parent / 'nenpo.db'}")
    with store.engine.connect() as conn:
        inds = {
            r.id: r
            for r in conn.execute(
                select(t.indicator.c.id, t.indicator.c.source_id, t.indicator.c.provenance)
            )
        }
        obs = conn.execute(
            select(
                t.observation.c.indicator_id,
                t.observation.c.period,
                t.observation.c.dims,
                t.observation.c.value,
                t.observation.c.provenance,
                t.observation.c.source_id,
            )
        ).all()
        shares = conn.execute(select(t.survey_share)).all()
        sources = {r.id: r.data for r in conn.execute(select(t.source.c.id, t.source.c.data))}
    store.engine.dispose()
    rows = set()
    for o in obs:
        ind = inds[o.indicator_id]
        rows.add(
            (
                o.indicator_id,
                o.period,
                tuple(sorted(parse_dims(o.dims).items())),
                o.value,
                o.source_id or ind.source_id,
                (o.provenance or ind.provenance) == "illustrative",
            )
        )
    return {"observations": rows, "indicators": inds, "shares": shares, "sources": sources}


def _read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{path.name}: no BOM"
    assert b"\r\n" in raw
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def _dims_of(row: dict[str, Any], columns: list[str]) -> tuple[tuple[str, str], ...]:
    fixed = {"indicator", "period", "value", "unit", "source", "illustrative"}
    codes = [c for c in columns if c not in fixed and not c.endswith("_label")]
    return tuple(sorted((c, str(row[c])) for c in codes if row[c] not in (None, "")))


def test_the_agreed_files_are_there(built_example: core.BuildResult) -> None:
    """The paths the dashboard links to: per indicator and for the whole report."""
    data = _data(built_example)
    for ind in built_example.site.ws.indicators:
        for ext in ("csv", "xlsx", "json"):
            assert (data / "indicators" / f"{ind.id}.{ext}").is_file(), (ind.id, ext)
    for name in ("nenpo.csv", "nenpo.xlsx", "nenpo.json", "datapackage.json", "catalog.jsonld"):
        assert (data / name).is_file(), name
    assert (data / "README.md").is_file() and (data / "README.html").is_file()
    # The report's chart pages still link to their own CSV files.
    for chart in built_example.site.charts.values():
        assert (data / chart.csv_name).is_file(), chart.csv_name


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_data_package_validates(request: pytest.FixtureRequest, lang: str) -> None:
    from frictionless import validate

    built: core.BuildResult = request.getfixturevalue(
        "built_example" if lang == "ja" else "built_en"
    )
    package = _data(built) / "datapackage.json"
    report = validate(package)
    assert report.valid, report.flatten(["resourceName", "rowNumber", "type", "note"])[:10]
    doc = json.loads(package.read_text(encoding="utf-8"))
    ws = built.site.ws
    assert len(doc["resources"]) == 3 + len(ws.indicators) + len(ws.surveys)
    for res in doc["resources"]:
        assert res["schema"]["fields"], res["name"]
        assert res["bytes"] == (_data(built) / res["path"]).stat().st_size
        # Every resource says where its values come from and under which terms.
        if res["name"] not in ("indicators", "sources") and res["bytes"] > 200:
            assert res.get("sources") and res.get("licenses"), res["name"]
    assert doc["licenses"] and doc["sources"] and doc["contributors"][0]["role"] == "publisher"


def test_every_resource_equals_the_store(built_example: core.BuildResult) -> None:
    """Loaded with frictionless (typed by the package's schemas), each resource is the store's
    rows: the whole report all observations, each indicator its own, each survey its shares."""
    from frictionless import Package

    store = _store_rows(built_example)
    package = Package(str(_data(built_example) / "datapackage.json"))
    labels = {d.id: {v.code: v.label.ja for v in d.values} for d in builtin_dimensions()}
    labels.update(
        {d.id: {v.code: v.label.ja for v in d.values} for d in built_example.site.ws.dimensions}
    )
    seen_observations: set[Any] = set()
    for res in package.resources:
        rows = res.read_rows()
        columns = [f.name for f in res.schema.fields]
        if res.name == "indicators":
            assert {r["id"] for r in rows} == set(store["indicators"])
            for r in rows:
                assert r["source"] == store["indicators"][r["id"]].source_id
                assert r["illustrative"] == (
                    store["indicators"][r["id"]].provenance == "illustrative"
                )
            continue
        if res.name == "sources":
            assert {r["id"] for r in rows} <= set(store["sources"])
            for r in rows:
                assert r["url"] == store["sources"][r["id"]].get("url")
            continue
        if res.name.startswith("survey-"):
            survey = res.name.removeprefix("survey-")
            want = {
                (s.question_id, s.wave_id, s.option_id, s.share)
                for s in store["shares"]
                if s.survey_id == survey
            }
            assert {
                (r["question"], r["wave"], r["option"], float(r["share"])) for r in rows
            } == want
            continue
        got = set()
        for r in rows:
            dims = _dims_of(r, columns)
            for code_col, code in dims:  # each code's label is its dimension's label
                assert r[f"{code_col}_label"] == labels[code_col].get(code, code)
            got.add(
                (
                    r["indicator"],
                    r["period"],
                    dims,
                    float(r["value"]),
                    r["source"],
                    r["illustrative"],
                )
            )
        assert len(got) == len(rows), f"{res.name}: duplicate rows"
        if res.name == "nenpo":
            assert got == store["observations"]
        else:
            ident = res.name.removeprefix("indicator-")
            assert got == {o for o in store["observations"] if o[0] == ident}, res.name
            seen_observations |= got
    assert seen_observations == store["observations"]  # the indicators' files cover everything


def _json_value(v: Any) -> str:
    """A JSON cell as the CSV writes it."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return neutralise(v)
    return repr(float(v)) if isinstance(v, float) else str(v)


def test_xlsx_and_json_equal_the_csv(built_example: core.BuildResult) -> None:
    import openpyxl

    data = _data(built_example)
    files = sorted(data.glob("**/*.xlsx"))
    assert len(files) == len(built_example.site.ws.indicators) + 1 + len(
        built_example.site.ws.surveys
    )
    for xlsx in files:
        base = xlsx.with_suffix("")
        rows = _read_csv(base.with_suffix(".csv"))
        doc = json.loads(base.with_suffix(".json").read_text(encoding="utf-8"))
        columns = [f["name"] for f in doc["fields"]]
        assert (list(rows[0]) if rows else columns) == columns
        assert len(doc["data"]) == len(rows), xlsx.name
        for rec, row in zip(doc["data"], rows, strict=True):
            assert list(rec) == columns
            assert {k: _json_value(v) for k, v in rec.items()} == row, (xlsx.name, row)
        book = openpyxl.load_workbook(xlsx, read_only=True)
        sheet = list(book["data"].iter_rows(values_only=True))
        assert list(sheet[0]) == columns, xlsx.name
        assert len(sheet) - 1 == len(doc["data"]), xlsx.name
        for rec, cells in zip(doc["data"], sheet[1:], strict=True):
            want = [rec[c] for c in columns]
            got = list(cells) + [None] * (len(columns) - len(cells))
            assert got == want, (xlsx.name, got, want)
        if base.name == "nenpo":  # the indicators and sources beside the data
            assert {"indicators", "sources", "about"} <= set(book.sheetnames)
            assert len(doc["indicators"]) == len(built_example.site.ws.indicators)
        book.close()


def test_illustrative_flags_match_the_store(built_example: core.BuildResult) -> None:
    store = _store_rows(built_example)["observations"]
    flagged = {(o[0], o[1], o[2]) for o in store if o[5]}
    assert len(flagged) >= 6  # staff_count 2022-07 and 2023-07, all four of org_trust
    rows = _read_csv(_data(built_example) / "nenpo.csv")
    columns = list(rows[0])
    marked = {
        (r["indicator"], r["period"], _dims_of(r, columns))
        for r in rows
        if r["illustrative"] == "true"
    }
    assert marked == flagged
    assert {r["illustrative"] for r in rows} == {"true", "false"}
    # Every download says what is illustrative: each chart's CSV has a provenance column.
    for chart in built_example.site.charts.values():
        chart_rows = _read_csv(_data(built_example) / chart.csv_name)
        assert chart_rows and "provenance" in chart_rows[0], chart.csv_name
        assert {r["provenance"] for r in chart_rows} <= {"real", "illustrative"}
        assert any(r["provenance"] == "illustrative" for r in chart_rows) == chart.illustrative


def _all_text(data: Path) -> str:
    parts = []
    for f in sorted(data.rglob("*")):
        if f.suffix == ".xlsx":
            with zipfile.ZipFile(f) as z:
                parts += [z.read(n).decode("utf-8") for n in z.namelist()]
        elif f.is_file():
            parts.append(f.read_bytes().decode("utf-8-sig"))
    return "\n".join(parts)


def test_nothing_internal_is_published(built_example: core.BuildResult, example_dir: Path) -> None:
    """Risk narratives, budget narratives, people and allocations stay internal."""
    from nenpo.ingest.workspace import read_workspace

    pf = read_workspace(example_dir).workspace.portfolio
    assert pf is not None
    secrets = {p.id for p in pf.people}
    for rec in pf.projects:
        secrets |= {r.narrative.ja for r in rec.risk if len(r.narrative.ja) >= 8}
        secrets |= {b.narrative.ja for b in rec.budget if b.narrative and len(b.narrative.ja) >= 8}
    assert len(secrets) > 100
    text = _all_text(_data(built_example))
    leaked = [s for s in secrets if s in text]
    assert not leaked, leaked[:5]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_readme_page_passes_axe_and_reads_on_a_phone(
    request: pytest.FixtureRequest, lang: str
) -> None:
    from .phonecharts import measure_page, phone_browser
    from .test_accessibility import AXE, TAGS, _missing

    reason = _missing()
    if reason:
        print(f"SKIP reason: {reason}")
        pytest.skip(reason)
    built: core.BuildResult = request.getfixturevalue(
        "built_example" if lang == "ja" else "built_en"
    )
    url = (_data(built) / "README.html").as_uri()
    with phone_browser() as page:
        measured = measure_page(page, url)
        assert measured.page_width <= measured.viewport, measured.page_width
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        found = page.evaluate(
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
            TAGS,
        )
    problems = [f"{v['id']}: {v['help']}" for v in found["violations"]]
    assert not problems, problems
