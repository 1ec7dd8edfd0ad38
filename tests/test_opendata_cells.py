"""Open data from small workspaces: no cell read as a formula, numbers stay numbers, the DCAT
catalogue parses, the README says how to cite (title, publisher, edition, address, licence)."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from nenpo.ingest.workspace import read_workspace
from nenpo.model.workspace import Observation, Workspace
from nenpo.render.opendata import write_opendata
from nenpo.render.tabular import csv_bytes
from nenpo.report.opendata import EditionRef, OpenData, build_opendata

BASE = Path(__file__).resolve().parent / "errata" / "base"
TRICKY = {
    "gyosei": '=HYPERLINK("http://example.com","click")',
    "private": "+81 3",
    "local_gov": "-19歳",
    "other": "@SUM(A1)",
}


@pytest.fixture(scope="module")
def base() -> Workspace:
    return read_workspace(BASE).workspace


def _tricky(ws: Workspace) -> Workspace:
    """The base workspace with labels and names a spreadsheet would run, and a negative value."""
    dims = []
    for d in ws.dimensions:
        values = [
            v.model_copy(update={"label": v.label.model_copy(update={"ja": TRICKY[v.code]})})
            if v.code in TRICKY
            else v
            for v in d.values
        ]
        dims.append(d.model_copy(update={"values": values}))
    inds = [
        i.model_copy(update={"name": i.name.model_copy(update={"ja": "\t" + i.name.ja})})
        if i.id == "org_trust"
        else i
        for i in ws.indicators
    ]
    srcs = [
        s.model_copy(update={"title": s.title.model_copy(update={"ja": "\r=cmd|' /C calc'!A0"})})
        if s.id == "orgdata"
        else s
        for s in ws.sources
    ]
    obs = [*ws.observations, Observation(indicator="org_trust", period="2024-05", value=-1.5)]
    return ws.model_copy(
        update={"dimensions": dims, "indicators": inds, "sources": srcs, "observations": obs}
    )


def _write(ws: Workspace, out: Path, **kw: object) -> OpenData:
    od = build_opendata(ws, "ja", **kw)  # type: ignore[arg-type]
    write_opendata(od, out)
    return od


def _csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def test_no_cell_is_read_as_a_formula(base: Workspace, tmp_path: Path) -> None:
    import openpyxl

    _write(_tricky(base), tmp_path)
    data = tmp_path / "data"
    # CSV: the text cells carry a leading apostrophe; the number does not.
    rows = _csv(data / "nenpo.csv")
    header = rows[0]
    labels = {r[header.index("staff_category_label")] for r in rows[1:]}
    assert {"'" + v for v in TRICKY.values()} <= labels
    trust = [r for r in rows if r[0] == "org_trust" and r[1] == "2024-05"]
    assert trust and trust[0][header.index("value")] == "-1.5"
    catalogue = _csv(data / "indicators.csv")
    assert any(r[1] == "'\t職員の組織信頼度" for r in catalogue)
    sources = _csv(data / "sources.csv")
    assert any(r[1] == "'\r=cmd|' /C calc'!A0" for r in sources)
    for f in data.rglob("*.csv"):  # no cell of any CSV begins as a formula would
        for row in _csv(f)[1:]:
            for cell in row:
                assert not cell.startswith(("=", "+", "@", "\t", "\r")), (f.name, cell)
                if cell.startswith("-"):
                    float(cell)  # a negative number, not text
    # XLSX: no formula anywhere; such text is text, with the quote prefix; numbers are numbers.
    for f in data.rglob("*.xlsx"):
        with zipfile.ZipFile(f) as z:
            for name in z.namelist():
                assert "<f>" not in z.read(name).decode("utf-8") and "<f " not in z.read(
                    name
                ).decode("utf-8"), (f.name, name)
    book = openpyxl.load_workbook(data / "nenpo.xlsx")
    sheet = book["data"]
    head = [c.value for c in sheet[1]]
    texts, numbers = set(), []
    for row in sheet.iter_rows(min_row=2):
        label = row[head.index("staff_category_label")]
        if label.value in TRICKY.values():
            assert label.data_type == "s" and label.quotePrefix, label.value
            texts.add(label.value)
        value = row[head.index("value")]
        assert value.data_type == "n", value.value
        numbers.append(value.value)
    assert texts == set(TRICKY.values())
    assert -1.5 in numbers
    names = {c.value for c in book["indicators"]["B"]}
    assert "\t職員の組織信頼度" in names
    # JSON keeps the text as it is (no spreadsheet reads it) and the number a number.
    doc = json.loads((data / "nenpo.json").read_text(encoding="utf-8"))
    assert set(TRICKY.values()) <= {r.get("staff_category_label") for r in doc["data"]}
    assert {"indicator": "org_trust", "period": "2024-05", "value": -1.5}.items() <= next(
        r for r in doc["data"] if r["indicator"] == "org_trust" and r["period"] == "2024-05"
    ).items()


def test_the_package_types_a_negative_number_as_a_number(base: Workspace, tmp_path: Path) -> None:
    from decimal import Decimal

    from frictionless import Package, validate

    _write(_tricky(base), tmp_path)
    report = validate(tmp_path / "data" / "datapackage.json")
    assert report.valid, report.flatten(["resourceName", "type", "note"])[:5]
    res = Package(str(tmp_path / "data" / "datapackage.json")).get_resource("indicator-org_trust")
    values = {r["period"]: r["value"] for r in res.read_rows()}
    assert values["2024-05"] == Decimal("-1.5")
    assert all(isinstance(v, Decimal) for v in values.values())


def test_chart_csv_cells_are_neutralised_too() -> None:
    text = csv_bytes([["label", "value"], ["=1+2", -1.5], ["-3", 2]]).decode("utf-8-sig")
    assert text.splitlines() == ["label,value", "'=1+2,-1.5", "'-3,2"]


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_the_catalogue_is_dcat(base: Workspace, tmp_path: Path) -> None:
    """Parsed as RDF (rdflib's JSON-LD parser), the catalogue lists a dataset for each table
    and, for each dataset, its files with their media type, size and licence."""
    from rdflib import Graph, Namespace, URIRef
    from rdflib.namespace import DCAT, DCTERMS, RDF

    od = _write(base, tmp_path, site_url="https://example.go.jp/nenpo")
    data = tmp_path / "data"
    g = Graph().parse(data / "catalog.jsonld", format="json-ld")
    (catalog,) = g.subjects(RDF.type, DCAT.Catalog)
    assert str(catalog) == "https://example.go.jp/nenpo/data/catalog.jsonld"
    datasets = set(g.objects(catalog, DCAT.dataset))
    assert len(datasets) == len(od.tables())
    iana = Namespace("http://www.iana.org/assignments/media-types/")
    titles = {str(t) for d in datasets for t in g.objects(d, DCTERMS.title)}
    assert "職員数" in titles
    for d in datasets:
        dists = list(g.objects(d, DCAT.distribution))
        assert dists, d
        for dist in dists:
            url = str(next(g.objects(dist, DCAT.downloadURL)))
            assert url.startswith("https://example.go.jp/nenpo/data/")
            local = data / url.removeprefix("https://example.go.jp/nenpo/data/")
            size = int(next(g.objects(dist, DCAT.byteSize)))
            assert local.stat().st_size == size, url
            media = next(g.objects(dist, DCAT.mediaType))
            assert media in {iana["text/csv"], iana["application/json"]} or str(media).endswith(
                "spreadsheetml.sheet"
            )
    staff = URIRef("https://example.go.jp/nenpo/data/datapackage.json#indicator-staff_count")
    assert len(list(g.objects(staff, DCAT.distribution))) == 3
    licences = {
        str(x)
        for dist in g.objects(staff, DCAT.distribution)
        for x in g.objects(dist, DCTERMS.license)
    }
    assert "https://creativecommons.org/licenses/by/4.0/" in licences
    start = next(g.objects(next(g.objects(staff, DCTERMS.temporal)), DCAT.startDate))
    assert str(start) == "2021-09-01"
    assert (staff, DCTERMS.provenance, None) in g  # 2 of its values are illustrative


def test_the_readme_says_how_to_cite(base: Workspace, tmp_path: Path) -> None:
    from bs4 import BeautifulSoup

    edition = EditionRef("2024-09-02", "2024-09-02")
    od = _write(base, tmp_path, edition=edition, site_url="https://example.go.jp/nenpo/")
    data = tmp_path / "data"
    readme = (data / "README.md").read_text(encoding="utf-8")
    title = base.report.title.ja
    url = "https://example.go.jp/nenpo/editions/2024-09-02/data/"
    cite = next(line for line in readme.splitlines() if line.startswith("> "))
    for part in (base.organisation.name.ja, title, "2024-09-02", url):
        assert part in cite, part
    fields = dict(
        re.match(r"- (.+?): (.+)", line).groups()  # type: ignore[union-attr]
        for line in readme.splitlines()
        if re.match(r"- (表題|発行者|版|アドレス|ライセンス): ", line)
    )
    assert set(fields) == {"表題", "発行者", "版", "アドレス", "ライセンス"}
    assert fields["アドレス"] == url and "2024-09-02" in fields["版"]
    # Every source and its licence is listed, and every indicator's files are linked.
    for s in od.sources:
        assert s.title.ja in readme
    for ind in base.indicators:
        assert f"(indicators/{ind.id}.csv)" in readme
    page = BeautifulSoup((data / "README.html").read_text(encoding="utf-8"), "html.parser")
    assert page.html["lang"] == "ja" and page.select_one("main h1")
    assert cite[2:] in page.select_one("main blockquote").get_text(" ", strip=True)
    links = {a["href"] for a in page.select("main a")}
    assert "nenpo.csv" in links and "indicators/staff_count.xlsx" in links
    pkg = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    assert pkg["version"] == "2024-09-02" and pkg["homepage"] == url.removesuffix("data/")
    assert pkg["id"] == url + "datapackage.json"


def test_an_unpublished_build_is_cited_by_its_content(base: Workspace, tmp_path: Path) -> None:
    """Without an edition or an address: the content's hash names the build, and the README
    says how to give the address; two builds of the same content write the same files."""
    _write(base, tmp_path / "a")
    _write(base, tmp_path / "b")
    readme = (tmp_path / "a" / "data" / "README.md").read_text(encoding="utf-8")
    assert "未公開のビルド build-" in readme and "NENPO_SITE_URL" in readme
    for f in sorted((tmp_path / "a" / "data").rglob("*")):
        if f.is_file():
            other = tmp_path / "b" / "data" / f.relative_to(tmp_path / "a" / "data")
            assert f.read_bytes() == other.read_bytes(), f.name
