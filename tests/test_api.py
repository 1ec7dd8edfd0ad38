"""The public API (/api/v1) on SQLite and PostgreSQL: every filter against the stored data,
pagination to the end, CSV against JSON, ETag/304, caching, problem details on bad input."""

from __future__ import annotations

import base64
import csv
import gzip
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from nenpo.japan.periods import Period
from nenpo.model.workspace import Observation
from nenpo.store import Store

from .apiclient import client, example_store, write_editions

API = "/api/v1"
IND = "card_issued"  # 5,255 rows: a total, and by prefecture, age band and sex, over 46 dates


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    yield from example_store(request.param, tmp_path_factory.mktemp("api"))


@pytest.fixture(scope="module")
def api(store: Store) -> TestClient:
    return client(store)


@pytest.fixture(scope="module")
def stored(store: Store) -> list[Observation]:
    ws = store.read()
    assert ws is not None
    return ws.observations


def expected(
    stored: list[Observation],
    indicator: str,
    start: str | None = None,
    end: str | None = None,
    **dims: list[str],
) -> list[tuple[str, str, float]]:
    """What the API must return, computed from the whole stored workspace as docs/api.md says:
    periods that start in [start's first day, end's last day]; each dimension one of the codes
    (none: rows without it); in the order of (period, dims)."""
    lo = Period.parse(start).start if start else None
    hi = Period.parse(end).end if end else None
    out = []
    for o in stored:
        if o.indicator != indicator:
            continue
        s = Period.parse(o.period).start
        if (lo and s < lo) or (hi and s > hi):
            continue
        if not all(
            (o.dims.get(d) in codes) if codes else d not in o.dims for d, codes in dims.items()
        ):
            continue
        out.append((o.period, _key(o.dims), o.value))
    return sorted(out)


def _key(dims: dict[str, str]) -> str:
    return ";".join(f"{k}={dims[k]}" for k in sorted(dims))


def rows_of(body: dict[str, Any]) -> list[tuple[str, str, float]]:
    return [(r["period"], _key(r["dims"]), r["value"]) for r in body["data"]]


def all_pages(api: TestClient, url: str) -> tuple[list[dict[str, Any]], int]:
    """Every row, following links.next to the end; and the number of pages."""
    data: list[dict[str, Any]] = []
    pages = 0
    next_url: str | None = url
    while next_url:
        r = api.get(next_url)
        assert r.status_code == 200, r.text
        body = r.json()
        data += body["data"]
        next_url = body["links"]["next"]
        if next_url:
            assert r.headers["link"] == f'<{next_url}>; rel="next"'
        pages += 1
        assert pages < 1000
    return data, pages


FILTERS = [
    ({}, {}),
    ({"prefecture": "13"}, {"prefecture": ["13"]}),
    ({"prefecture": "東京都"}, {"prefecture": ["13"]}),  # a label names its code
    ({"prefecture": ["01", "47"]}, {"prefecture": ["01", "47"]}),  # any of several
    ({"prefecture": ""}, {"prefecture": []}),  # rows without a prefecture
    ({"prefecture": "", "age_band": "", "sex": ""}, {"prefecture": [], "age_band": [], "sex": []}),
    ({"sex": "female"}, {"sex": ["female"]}),
    ({"sex": "female", "prefecture": ""}, {"sex": ["female"], "prefecture": []}),
    ({"from": "2020-01"}, {}),
    ({"to": "2019"}, {}),
    ({"from": "FY2019", "to": "2021-06-30", "prefecture": "27"}, {"prefecture": ["27"]}),
]


@pytest.mark.parametrize(("params", "dims"), FILTERS, ids=[str(p) for p, _ in FILTERS])
def test_every_filter_returns_what_the_store_holds(
    api: TestClient, stored: list[Observation], params: dict[str, Any], dims: dict[str, list[str]]
) -> None:
    r = api.get(f"{API}/observations", params={"indicator": IND, "limit": 10000, **params})
    assert r.status_code == 200, r.text
    want = expected(stored, IND, params.get("from"), params.get("to"), **dims)
    assert want, "the filter must select something to be a test"
    assert rows_of(r.json()) == want
    assert r.json()["links"]["next"] is None


def test_a_filter_on_every_dimension_is_one_series(
    api: TestClient, stored: list[Observation]
) -> None:
    """Fixing each of the indicator's dimensions (to a code or to none) selects one series."""
    params = {"indicator": IND, "prefecture": "13", "age_band": "", "sex": ""}
    body = api.get(f"{API}/observations", params=params).json()
    want = expected(stored, IND, prefecture=["13"], age_band=[], sex=[])
    assert rows_of(body) == want and len(want) == 46
    assert {r["dims"] == {"prefecture": "13"} for r in body["data"]} == {True}
    first, _rest = api.get(f"{API}/observations", params={**params, "limit": 10}), []
    data, pages = all_pages(api, str(first.url))
    assert pages == 5 and rows_of({"data": data}) == want


@pytest.mark.parametrize(
    ("limit", "pref"), [(1, "13"), (45, "13"), (46, "13"), (7, None), (500, None), (5255, None)]
)
def test_pagination_to_the_end_equals_the_full_series(
    api: TestClient, stored: list[Observation], limit: int, pref: str | None
) -> None:
    where = f"&prefecture={pref}" if pref else ""
    data, pages = all_pages(api, f"{API}/observations?indicator={IND}&limit={limit}{where}")
    want = expected(stored, IND, **({"prefecture": [pref]} if pref else {}))
    assert rows_of({"data": data}) == want
    assert pages == -(-len(want) // limit)  # no empty last page
    assert len({(r["period"], _key(r["dims"])) for r in data}) == len(data)  # no row twice


def test_rows_carry_provenance_source_and_the_illustrative_flag(
    api: TestClient, stored: list[Observation]
) -> None:
    body = api.get(f"{API}/observations", params={"indicator": "staff_count"}).json()
    ind = api.get(f"{API}/indicators/staff_count").json()
    by_key = {(o.period, _key(o.dims)): o for o in stored if o.indicator == "staff_count"}
    flags = set()
    for r in body["data"]:
        o = by_key[(r["period"], _key(r["dims"]))]
        assert r["provenance"] == (o.provenance or ind["provenance"])
        assert r["illustrative"] == (r["provenance"] == "illustrative")
        assert r["source"] == (o.source or ind["source"]["id"])
        assert r["start"] == Period.parse(r["period"]).start.isoformat()
        flags.add(r["illustrative"])
    assert flags == {True, False}  # the example has both, and both are said


@pytest.mark.parametrize(
    "params",
    [
        {"indicator": IND, "prefecture": ["13", "27"], "limit": 30},
        {"indicator": IND, "from": "2022", "limit": 10000},
        {"indicator": "staff_count"},
        {"indicator": "hires_fy2024"},
    ],
)
def test_csv_equals_json(api: TestClient, params: dict[str, Any]) -> None:
    as_json = api.get(f"{API}/observations", params=params)
    as_csv = api.get(f"{API}/observations", params={**params, "format": "csv"})
    by_accept = api.get(f"{API}/observations", params=params, headers={"Accept": "text/csv"})
    assert as_csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert as_csv.content.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    assert by_accept.content == as_csv.content
    dims = api.get(f"{API}/indicators/{params['indicator']}").json()["dimensions"]
    names = [d["id"] for d in dims]
    table = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert list(table[0]) == ["indicator", "period", "start", *names, "value", "provenance",
                              "illustrative", "source"]  # fmt: skip
    converted = [
        {
            "indicator": row["indicator"],
            "period": row["period"],
            "start": row["start"],
            "dims": {n: row[n] for n in names if row[n]},
            "value": float(row["value"]),
            "provenance": row["provenance"],
            "illustrative": row["illustrative"] == "true",
            "source": row["source"],
        }
        for row in table
    ]
    assert converted == as_json.json()["data"]
    # The same next page, in the Link header.
    link = as_json.headers.get("link")
    assert as_csv.headers.get("link") == (
        link.replace("&cursor", "&format=csv&cursor") if link else None
    )


def test_etag_and_if_none_match(api: TestClient) -> None:
    url = f"{API}/observations?indicator={IND}&prefecture=13"
    first = api.get(url)
    etag = first.headers["etag"]
    assert re.fullmatch(r'W/"[0-9a-f]{24}"', etag)
    assert "max-age" in first.headers["cache-control"]
    again = api.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    assert api.get(url, headers={"If-None-Match": f'"other", {etag}'}).status_code == 304
    assert api.get(url, headers={"If-None-Match": etag.removeprefix("W/")}).status_code == 304
    assert api.get(url, headers={"If-None-Match": "*"}).status_code == 304
    assert api.get(url, headers={"If-None-Match": '"stale"'}).status_code == 200
    other = api.get(url + "&from=2020")
    assert other.headers["etag"] != etag
    assert api.get(url, headers={"If-None-Match": etag, "Accept": "text/csv"}).status_code == 200
    for path in ("indicators", "projects", "focus-areas", "dimensions/prefecture", "editions"):
        r = api.get(f"{API}/{path}")
        assert r.status_code == 200
        assert (
            api.get(f"{API}/{path}", headers={"If-None-Match": r.headers["etag"]}).status_code
            == 304
        )


def test_a_write_to_the_store_changes_the_answer_at_once(store: Store, tmp_path: Path) -> None:
    """The response cache is keyed by the store's revision: after an import (here: a changed
    value) the next request sees it, and the old ETag no longer matches."""
    api = client(store)
    url = f"{API}/observations?indicator=staff_count&staff_category="
    before = api.get(url)
    assert api.get(url).content == before.content  # served again (from the cache)
    table = tmp_path / "t.csv"
    table.write_text("indicator,date,value\nstaff_count,2021-09,572\n", encoding="utf-8")
    mapping = tmp_path / "m.yaml"
    mapping.write_text("indicator: {column: indicator}\nperiod: {column: date}\nvalue: value\n")
    from nenpo import core

    try:
        core.import_file(store, table, mapping)
        after = api.get(url, headers={"If-None-Match": before.headers["etag"]})
        assert after.status_code == 200
        assert next(r["value"] for r in after.json()["data"]) == 572
        assert next(r["value"] for r in before.json()["data"]) == 571
    finally:
        with store.engine.begin() as conn:  # the module's store, as it was
            conn.execute(
                text(
                    "UPDATE observation SET value = 571, origin = 'workspace' "
                    "WHERE indicator_id = 'staff_count' AND period = '2021-09' AND dims = ''"
                )
            )
            conn.execute(text("UPDATE revision SET value = value + 1"))
    assert api.get(url).json()["data"][0]["value"] == 571


def test_aggregates_by_period_and_by_dimension(api: TestClient, stored: list[Observation]) -> None:
    rows = [o for o in stored if o.indicator == IND and "prefecture" in o.dims]
    by_period: dict[str, list[float]] = {}
    by_pref: dict[str, list[float]] = {}
    for o in rows:
        by_period.setdefault(o.period, []).append(o.value)
        by_pref.setdefault(o.dims["prefecture"], []).append(o.value)
    r = api.get(
        f"{API}/aggregates", params={"indicator": IND, "by": "period", "prefecture": list(by_pref)}
    )
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["by"] == "period"
    assert [g["group"] for g in got["data"]] == sorted(by_period, key=Period.parse)
    for g in got["data"]:
        vals = by_period[g["group"]]
        assert g["count"] == len(vals)
        assert g["sum"] == pytest.approx(sum(vals))
        assert g["mean"] == pytest.approx(sum(vals) / len(vals))
        assert (g["min"], g["max"]) == (min(vals), max(vals))
        assert g["label"] is None and g["illustrative"] is False
    r = api.get(f"{API}/aggregates", params={"indicator": IND, "by": "prefecture", "from": "2022"})
    got = r.json()
    assert [g["group"] for g in got["data"]] == sorted(by_pref)
    tokyo = next(g for g in got["data"] if g["group"] == "13")
    vals = [o.value for o in rows if o.dims["prefecture"] == "13" and o.period >= "2022"]
    assert tokyo["count"] == len(vals) and tokyo["sum"] == pytest.approx(sum(vals))
    assert tokyo["label"] == {"ja": "東京都", "en": "Tokyo"}
    as_csv = api.get(
        f"{API}/aggregates",
        params={"indicator": IND, "by": "prefecture", "from": "2022", "format": "csv"},
    )
    table = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert [(t["prefecture"], float(t["sum"]), int(t["count"])) for t in table] == [
        (g["group"], g["sum"], g["count"]) for g in got["data"]
    ]


def test_an_aggregate_says_when_a_group_holds_an_illustrative_value(api: TestClient) -> None:
    got = api.get(f"{API}/aggregates", params={"indicator": "staff_count"}).json()["data"]
    assert {g["group"]: g["illustrative"] for g in got} == {
        "2021-09": False,
        "2022-07": True,
        "2023-07": True,
        "2024-07": False,
    }


def _cursor(text_: str) -> str:
    return base64.urlsafe_b64encode(text_.encode()).decode().rstrip("=")


BAD = [
    ("observations", {}, "indicator"),
    ("observations", {"indicator": "nope"}, "indicator"),
    ("observations", {"indicator": IND, "from": "2023-13"}, "from"),
    ("observations", {"indicator": IND, "from": "令和5年"}, "from"),
    ("observations", {"indicator": IND, "to": "yesterday"}, "to"),
    ("observations", {"indicator": IND, "from": "2024", "to": "2023"}, "to"),
    ("observations", {"indicator": IND, "limit": "0"}, "limit"),
    ("observations", {"indicator": IND, "limit": "-1"}, "limit"),
    ("observations", {"indicator": IND, "limit": "10001"}, "limit"),
    ("observations", {"indicator": IND, "limit": "ten"}, "limit"),
    ("observations", {"indicator": IND, "limit": ["5", "6"]}, "limit"),
    ("observations", {"indicator": IND, "format": "xml"}, "format"),
    ("observations", {"indicator": IND, "cursor": "!!"}, "cursor"),
    ("observations", {"indicator": IND, "cursor": _cursor("[1, 2]")}, "cursor"),
    ("observations", {"indicator": IND, "cursor": _cursor('{"a": 1}')}, "cursor"),
    ("observations", {"indicator": IND, "cursor": "__4"}, "cursor"),  # not UTF-8
    ("observations", {"indicator": IND, "prefectur": "13"}, "prefectur"),
    ("observations", {"indicator": IND, "staff_category": "private"}, "staff_category"),
    ("observations", {"indicator": IND, "prefecture": "99"}, "prefecture"),
    ("observations", {"indicator": IND, "prefecture": ["13", ""]}, "prefecture"),
    ("observations", {"indicator": IND, "prefecture": "1\x003"}, "prefecture"),
    ("observations", {"indicator": IND, "prefecture": "x" * 201}, "prefecture"),
    ("observations", {"indicator": IND + "\n"}, "indicator"),
    ("observations", {"indicator": [IND, IND]}, "indicator"),
    ("aggregates", {"indicator": IND, "by": "staff_category"}, "by"),
    ("aggregates", {"indicator": IND, "by": "value"}, "by"),
    ("aggregates", {"indicator": IND, "limit": "5"}, "limit"),
    ("aggregates", {}, "indicator"),
    ("indicators", {"lang": "en"}, "lang"),
    ("projects", {"page": "2"}, "page"),
]


@pytest.mark.parametrize(("path", "params", "parameter"), BAD, ids=[f"{p}-{q}" for p, q, _ in BAD])
def test_bad_parameters_are_a_400_with_problem_details(
    api: TestClient, path: str, params: dict[str, Any], parameter: str
) -> None:
    r = api.get(f"{API}/{path}", params=params)
    assert r.status_code == 400, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["status"] == 400 and body["title"] == "Bad Request"
    assert body["type"] == "about:blank" and body["instance"] == f"{API}/{path}"
    assert parameter in [e["parameter"] for e in body["errors"]]
    assert body["detail"] and "Traceback" not in r.text
    assert r.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", f"{API}/nothing", 404),
        ("GET", f"{API}/indicators/nope", 404),
        ("GET", f"{API}/projects/nope", 404),
        ("GET", f"{API}/focus-areas/nope", 404),
        ("GET", f"{API}/dimensions/nope", 404),
        ("GET", f"{API}/editions/nope", 404),
        ("GET", f"{API}/editions/latest", 404),  # nothing published in this store's folder
        ("POST", f"{API}/indicators", 405),
        ("DELETE", f"{API}/observations?indicator={IND}", 405),
        ("PUT", f"{API}/projects/e-gov", 405),
    ],
)
def test_other_errors_are_problem_details_too(
    api: TestClient, method: str, path: str, status: int
) -> None:
    r = api.request(method, path)
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["status"] == status


def test_a_query_past_its_time_limit_is_a_503(store: Store) -> None:
    if store.engine.dialect.name != "sqlite":
        api = client(store, query_seconds=0.5)
        with api.app.state.api.engine.connect() as conn:  # type: ignore[attr-defined]
            assert conn.exec_driver_sql("SHOW statement_timeout").scalar() == "500ms"
            assert conn.exec_driver_sql("SHOW default_transaction_read_only").scalar() == "on"
        return
    api = client(store, query_seconds=1e-9, cache_mb=0)
    r = api.get(f"{API}/aggregates", params={"indicator": IND, "by": "prefecture"})
    assert r.status_code == 503, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert "took too long" in r.json()["detail"] and r.headers["retry-after"]


def test_the_api_cannot_write(store: Store) -> None:
    api = client(store)
    with (
        api.app.state.api.engine.connect() as conn,
        pytest.raises(Exception, match=r"(?i)read.only|readonly"),
    ):  # type: ignore[attr-defined]
        conn.exec_driver_sql("DELETE FROM observation")


def test_compression_cors_and_head(api: TestClient) -> None:
    url = f"{API}/observations?indicator={IND}&limit=500"
    r = api.get(url, headers={"Accept-Encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip" and "Accept-Encoding" in r.headers["vary"]
    raw = api.get(url, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in raw.headers
    assert len(gzip.compress(raw.content)) < len(raw.content) / 4
    cors = api.get(url, headers={"Origin": "https://example.org"})
    assert cors.headers["access-control-allow-origin"] == "*"
    assert "ETag" in cors.headers["access-control-expose-headers"]
    pre = api.options(
        url,
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "If-None-Match",
        },
    )
    assert pre.status_code == 200 and "GET" in pre.headers["access-control-allow-methods"]
    head = api.head(url)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == api.get(url).headers["etag"]


def test_indicator_metadata(api: TestClient) -> None:
    data = {i["id"]: i for i in api.get(f"{API}/indicators").json()["data"]}
    card = data[IND]
    assert card["source"]["id"] == "mic" or card["source"]["title"]["ja"]
    assert card["licence"]
    assert card["illustrative"] == (card["provenance"] == "illustrative")
    assert {"prefecture", "age_band", "sex"} <= {d["id"] for d in card["dimensions"]}
    assert card["links"]["observations"] == f"{API}/observations?indicator={IND}"
    assert any(i["illustrative"] for i in data.values()) and any(
        not i["illustrative"] for i in data.values()
    )
    prefs = api.get(card["dimensions"][0]["values"]).json()
    assert len(prefs["values"]) == 47 and prefs["values"][12] == {
        "code": "13",
        "label": {"ja": "東京都", "en": "Tokyo"},
    }


def test_projects_and_focus_areas(api: TestClient, store: Store) -> None:
    ws = store.read()
    assert ws is not None
    projects = {p["id"]: p for p in api.get(f"{API}/projects").json()["data"]}
    assert set(projects) == {p.id for p, _ in ws.all_projects()}
    areas = api.get(f"{API}/focus-areas").json()["data"]
    assert [a["id"] for a in areas] == [f.id for f in ws.focus_areas]
    assert sorted(p for a in areas for p in a["projects"]) == sorted(projects)
    # The example marks a few fields public: only those, labelled illustrative.
    assert ws.portfolio is not None
    for rec in ws.portfolio.projects:
        status = projects[rec.project]["status"]
        if not rec.public:
            assert status is None
            continue
        shown = {k for k, v in status.items() if v is not None and k != "illustrative"}
        assert shown == set(rec.public) and status["illustrative"] is True


def test_editions_and_the_atom_feed(tmp_path: Path, store: Store) -> None:
    write_editions(tmp_path / "editions")
    api = client(store, editions=tmp_path / "editions")
    eds = api.get(f"{API}/editions").json()["data"]
    assert [e["id"] for e in eds] == ["2024-09-01", "2024-10-01"]
    assert eds[1]["previous"] == "2024-09-01" and eds[0]["history"] == []
    assert eds[1]["history"] == [
        {
            "text": "16ページ、凡例に誤りがありましたので修正しました",
            "page": "results.html",
            "kind": "legend",
        }
    ]
    assert "承認者" not in api.get(f"{API}/editions").text  # the approver is internal
    assert api.get(f"{API}/editions/latest").json() == eds[1]
    assert api.get(f"{API}/editions/2024-09-01").json() == eds[0]
    feed = api.get(f"{API}/history.atom")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(feed.content)
    atom = "{http://www.w3.org/2005/Atom}"
    assert root.tag == f"{atom}feed"
    entries = root.findall(f"{atom}entry")  # only the edition that corrected something
    assert len(entries) == 1 and "凡例" in (entries[0].findtext(f"{atom}content") or "")
    assert entries[0].find(f"{atom}link").get("href").endswith("editions/2024-10-01/history.html")  # type: ignore[union-attr]


def test_docs_page_works_offline_and_names_every_parameter(api: TestClient) -> None:
    from bs4 import BeautifulSoup

    doc = api.get(f"{API}/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    page = api.get(f"{API}/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = BeautifulSoup(page.text, "html.parser")
    external = [
        t.get("src") or t.get("href")
        for t in html.find_all(["script", "link", "img", "iframe"])
        if re.match(r"(https?:)?//", str(t.get("src") or t.get("href") or ""))
    ]
    assert external == [] and html.find("script") is None
    headings = [h.get_text() for h in html.find_all("h2")]
    assert headings == [f"GET {p}" for p in doc["paths"]]
    text_ = html.get_text()
    for item in doc["paths"].values():
        for p in item["get"].get("parameters", []):
            assert p["description"] and p["description"] in text_
    # The try-it form drops empty fields on the way (a GET form sends them all).
    r = api.get(
        f"{API}/try?endpoint={API}/observations&indicator={IND}&from=&limit=3",
        follow_redirects=False,
    )
    assert (
        r.status_code == 303
        and r.headers["location"] == f"{API}/observations?indicator={IND}&limit=3"
    )
    assert (
        api.get(f"{API}/try?endpoint=http://evil.example/", follow_redirects=False).status_code
        == 400
    )


def test_docs_api_md_documents_every_route_and_parameter(api: TestClient) -> None:
    doc = api.get(f"{API}/openapi.json").json()
    md = (Path(__file__).resolve().parents[1] / "docs" / "api.md").read_text(encoding="utf-8")
    for path, item in doc["paths"].items():
        assert f"`{path}`" in md, path
        for p in item["get"].get("parameters", []):
            name = "<dimension>" if p["name"] == "dimensions" else p["name"]
            assert f"`{name}`" in md, (path, name)
