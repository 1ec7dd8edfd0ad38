"""The open data model → files under data/: CSV, XLSX and JSON for every table, the data package,
the DCAT catalogue and the README (docs/opendata.md). Nothing is decided here but the layout.

    data/nenpo.{csv,xlsx,json}             every observation
    data/indicators/<id>.{csv,xlsx,json}   one indicator's
    data/surveys/<id>.{csv,xlsx,json}      one survey's shares
    data/indicators.csv, data/sources.csv  the indicators and the sources (also sheets of
                                           nenpo.xlsx and members of nenpo.json)
    data/datapackage.json                  Frictionless Data Package (CSV resources)
    data/catalog.jsonld                    DCAT catalogue: a dataset a table, a distribution a file
    data/README.md, data/README.html       what is published, the columns, how to cite

The same cells go into every format: text cells that a spreadsheet would read as a formula are
written with a leading apostrophe in CSV and as text with Excel's quote prefix in XLSX (render/
tabular.py); JSON keeps the text as it is, since no spreadsheet reads it.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..report.opendata import Cell, OpenData, Table
from .opendata_meta import catalogue_jsonld, datapackage, readme_html, readme_md
from .tabular import csv_bytes
from .xlsx import write_xlsx

# Excel's last row is 1,048,576: a longer table continues on further sheets (data, data_2 …),
# each with the header.
XLSX_ROWS = 1_048_575
CHUNK = 20_000  # rows written at a time


def write_opendata(od: OpenData, out: Path) -> list[Path]:
    """Write the open data under `out`/data/ (the site's root is `out`); the files written."""
    root = out / "data"
    written: list[Path] = []
    content = hashlib.sha256()
    for t in od.tables():
        f = root / f"{t.path}.csv"
        f.parent.mkdir(parents=True, exist_ok=True)
        with f.open("wb") as out_file:  # in pieces: a large store's table is large
            head = csv_bytes([[c.name for c in t.columns]])
            out_file.write(head)
            content.update(head)
            for k in range(0, len(t.rows), CHUNK):
                piece = csv_bytes(t.rows[k : k + CHUNK])[3:]  # one BOM, at the start
                out_file.write(piece)
                content.update(piece)
        written.append(f)
    if not od.version:  # an unpublished build is cited by its data, the same in every build
        od.version = f"build-{content.hexdigest()[:12]}"
    for t in [od.whole, *od.indicators, *od.surveys]:
        extra = [od.catalogue, od.source_list] if t is od.whole else []
        written.append(_write_json(od, t, extra, root / f"{t.path}.json"))
        written.append(_write_xlsx(od, t, extra, root / f"{t.path}.xlsx"))
    sizes = {f.relative_to(root).as_posix(): f.stat().st_size for f in written}
    meta = {
        "datapackage.json": json.dumps(datapackage(od, root), ensure_ascii=False, indent=1),
        # Compact: the catalogue lists every file of every table (JSON with indents is written
        # by Python's slow encoder, a second for a large store).
        "catalog.jsonld": json.dumps(
            catalogue_jsonld(od, sizes), ensure_ascii=False, separators=(",", ":")
        ),
        "README.md": readme_md(od),
    }
    meta["README.html"] = readme_html(od, meta["README.md"])
    for name, text in meta.items():
        (root / name).write_text(text + ("\n" if not text.endswith("\n") else ""), "utf-8")
        written.append(root / name)
    return written


def _about(od: OpenData, t: Table) -> dict[str, Any]:
    """What a table's JSON and XLSX say about it: title, citation, licences, sources."""
    from .opendata_meta import citation, licence_text

    return {
        "title": t.title,
        "description": t.description,
        "citation": citation(od),
        "licences": [licence_text(lic) for lic in t.licences],
        "sources": [
            {"id": s.id, "title": s.title.get(od.lang), "url": s.url, "licence": s.licence}
            for s in t.sources
        ],
        "illustrative_rows": t.illustrative,
    }


def _write_json(od: OpenData, t: Table, extra: list[Table], f: Path) -> Path:
    doc: dict[str, Any] = {
        "name": t.name,
        **_about(od, t),
        "fields": [
            {"name": c.name, "type": c.type, "title": c.title, "description": c.description}
            for c in t.columns
        ],
    }
    dump = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    with f.open("w", encoding="utf-8") as out:
        out.write(dump(doc)[:-1])  # the object without its closing brace: the rows follow
        # Row by row, in pieces: the whole list of a large store would not fit in memory.
        for x in [t, *extra]:  # nenpo.json: the indicators and the sources beside the data
            out.write(f',"{"data" if x is t else x.name}":[')
            records = x.records()
            for k in range(0, len(x.rows), CHUNK):
                # One call a piece: a list is its items joined by ",", in brackets.
                piece = dump(list(itertools.islice(records, CHUNK)))[1:-1]
                out.write(("," if k else "") + piece)
            out.write("]")
        out.write("}")
    return f


def _write_xlsx(od: OpenData, t: Table, extra: list[Table], f: Path) -> Path:
    def rows(table: Table, part: list[tuple[Cell, ...]]) -> list[Sequence[Cell]]:
        return [[c.name for c in table.columns], *part]

    sheets: list[tuple[str, list[Sequence[Cell]]]] = [
        ("data" if k == 0 else f"data_{k // XLSX_ROWS + 1}", rows(t, t.rows[k : k + XLSX_ROWS]))
        for k in range(0, max(1, len(t.rows)), XLSX_ROWS)
    ]
    sheets += [(x.name, rows(x, x.rows)) for x in extra]
    info = _about(od, t)
    about: list[Sequence[Cell]] = [["about", t.name]]
    about += [[key, info[key]] for key in ("title", "description", "citation")]
    about += [["licence", lic] for lic in info["licences"]]
    about += [["source", s["title"], s["url"], s["licence"]] for s in info["sources"]]
    about.append(["illustrative_rows", t.illustrative])
    about += [["column", c.name, c.title, c.description] for c in t.columns]
    sheets.append(("about", about))
    return write_xlsx(f, sheets)
