"""Nothing internal is reachable through the API: every route of the OpenAPI document is called
with every id the API lists and every indicator's data, and the answers are searched for the
portfolio's internal values (the same search as the public build's, test_portfolio_public)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from nenpo.settings import bundled_example
from nenpo.store import Store

from .apiclient import client, example_store, write_editions
from .test_portfolio_public import internal_values, leaks

API = "/api/v1"


def walk(api: TestClient) -> dict[str, str]:
    """URL → body of every GET the OpenAPI document describes, with every id filled in."""
    doc = api.get(f"{API}/openapi.json").json()
    ids = {
        "indicators": [i["id"] for i in api.get(f"{API}/indicators").json()["data"]],
        "projects": [p["id"] for p in api.get(f"{API}/projects").json()["data"]],
        "focus-areas": [f["id"] for f in api.get(f"{API}/focus-areas").json()["data"]],
        "dimensions": [d["id"] for d in api.get(f"{API}/dimensions").json()["data"]],
        "editions": [e["id"] for e in api.get(f"{API}/editions").json()["data"]],
    }
    ids["editions"] += ["latest"] if ids["editions"] else []
    indicators = {i["id"]: i for i in api.get(f"{API}/indicators").json()["data"]}
    urls: list[str] = []
    for path in doc["paths"]:
        if "{ident}" in path:
            kind = path.split("/")[3]
            urls += [path.replace("{ident}", quote(i)) for i in ids[kind]]
        elif path.endswith("/observations"):
            urls += [f"{path}?indicator={i}&limit=10000" for i in indicators]
            urls += [f"{path}?indicator={i}&format=csv&limit=10000" for i in indicators]
        elif path.endswith("/aggregates"):
            for i, ind in indicators.items():
                for by in ["period", *(d["id"] for d in ind["dimensions"])]:
                    urls.append(f"{path}?indicator={i}&by={by}")
        else:
            urls.append(path)
    urls += [f"{API}/openapi.json", f"{API}/docs", API]
    out: dict[str, str] = {}
    for url in urls:
        while url:
            r = api.get(url)
            assert r.status_code == 200, (url, r.text)
            out[url] = r.content.decode("utf-8-sig")
            url = r.json()["links"]["next"] if "observations" in url and "csv" not in url else None
    return out


def quick_leaks(texts: dict[str, str], values: dict[str, set[str]]) -> dict[str, list[str]]:
    """`leaks`, with a plain substring search first: only texts holding a value go through its
    whole-word search (the observation pages are megabytes; the values are hundreds)."""
    found: dict[str, list[str]] = {}
    for cat, vals in values.items():
        for v in vals:
            hits = {n: t for n, t in texts.items() if v in t}
            for c, where in leaks(hits, {cat: {v}}).items() if hits else ():
                found.setdefault(c, []).extend(where)
    return found


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Path]]:
    """The example in a store, and two published editions."""
    tmp = tmp_path_factory.mktemp("leak")
    write_editions(tmp / "editions")
    for store in example_store("sqlite", tmp):
        yield store, tmp / "editions"


def test_no_route_answers_with_an_internal_value(published: tuple[Store, Path]) -> None:
    store, editions = published
    api = client(store, editions)
    texts = walk(api)
    assert len(texts) > 100 and any("/editions/" in u for u in texts)
    ws = store.read()
    assert ws is not None
    values = internal_values(ws)
    values["people"] |= {"承認者X", "承認者Y", "a" * 64}  # approvers and hashes stay internal
    assert "凡例に誤りがありました" in texts[f"{API}/editions"]
    assert all(values[k] for k in ("ratings", "narratives", "budget", "fte", "people"))
    assert quick_leaks(texts, values) == {}


def test_fields_a_project_marks_public_are_served_and_nothing_else(tmp_path: Path) -> None:
    """The positive control: e-gov opts risk, budget and staffing in; the API serves them for
    e-gov, and the search still finds no other internal value anywhere."""
    import shutil

    ws_dir = tmp_path / "ws"
    shutil.copytree(bundled_example(), ws_dir)
    f = ws_dir / "portfolio" / "projects" / "e-gov.yaml"
    f.write_text(
        f.read_text(encoding="utf-8").replace(
            "phase: operation\n", "phase: operation\npublic: [risk, budget, staffing]\n"
        ),
        encoding="utf-8",
    )
    for store in example_store("sqlite", tmp_path, ws_dir):
        api = client(store)
        ws = store.read()
        assert ws is not None and ws.portfolio is not None
        rec = ws.portfolio.project("e-gov")
        assert rec is not None
        status = api.get(f"{API}/projects/e-gov").json()["status"]
        latest = rec.risk[-1]
        assert status["risk"]["rating"]["id"] == latest.rating
        assert status["risk"]["narrative"]["ja"] == latest.narrative.ja
        assert [b["baseline"] for b in status["budget"]] == [b.baseline for b in rec.budget]
        assert status["staffing"] and status["phase"] is None and status["milestones"] is None
        values = internal_values(ws)
        values["narratives"] -= {latest.narrative.ja, latest.narrative.en or ""}
        values["narratives"] |= {a.narrative.ja for a in rec.risk[:-1]}
        values["budget"] -= {str(b.baseline) for b in rec.budget}
        values["fte"] = set()  # the staffing rows are public now; FTE is a word of the schema
        values["ratings"] = set()  # one rating is public now, so its label may appear
        texts = walk(api)
        found = quick_leaks(texts, values)
        assert found == {}, found
        # The search does find what is there: the public narrative, in e-gov's record only.
        shown = quick_leaks(texts, {"narratives": {latest.narrative.ja}})
        where = {f"{API}/projects/e-gov", f"{API}/projects"}
        assert shown == {"narratives": [f"{u}: {latest.narrative.ja}" for u in sorted(where)]}
