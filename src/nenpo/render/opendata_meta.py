"""What describes the open data: the Frictionless Data Package, the DCAT catalogue, the README.

datapackage.json follows the Tabular Data Package profile (v1): a resource a CSV file, with its
table schema, licences and sources. catalog.jsonld is a DCAT catalogue in JSON-LD: a dataset a
table, a distribution each of its files (CSV, XLSX, JSON). Addresses are absolute where the
site's address is known (NENPO_SITE_URL), else relative to data/, where both files lie.
"""

from __future__ import annotations

import hashlib
from html import escape
from pathlib import Path
from typing import Any

from ..report.opendata import Licence, OpenData, Table

FORMATS = {
    "csv": ("text/csv", "CSV"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"),
    "json": ("application/json", "JSON"),
}
IANA = "http://www.iana.org/assignments/media-types/"

WORDS = {
    "ja": {
        "open_data": "オープンデータ",
        "edition": "版 {id}（{date}公開）",
        "unpublished": "未公開のビルド {version}",
        "licence_all": "各出典の利用条件による（出典一覧を参照）",
        "cite": "{publisher}「{title}」{open_data}、{edition}、{url}",
        "no_url": "（公開アドレスは NENPO_SITE_URL で設定）",
    },
    "en": {
        "open_data": "open data",
        "edition": "edition {id}, published {date}",
        "unpublished": "unpublished build {version}",
        "licence_all": "as set by each source (see the list of sources)",
        "cite": "{publisher}. {title}: {open_data}, {edition}. {url}",
        "no_url": "(the public address is set with NENPO_SITE_URL)",
    },
}


def iri(od: OpenData, path: str) -> str:
    """The address of a file under data/: absolute when the site's address is known."""
    return f"{od.url}data/{path}" if od.url else path


def edition_text(od: OpenData) -> str:
    w = WORDS[od.lang]
    if od.edition:
        return w["edition"].format(id=od.edition.id, date=od.edition.date)
    return w["unpublished"].format(version=od.version)


def citation(od: OpenData) -> str:
    """How to cite the open data: publisher, title, edition, address (README, JSON, XLSX)."""
    w = WORDS[od.lang]
    return w["cite"].format(
        publisher=od.publisher.get(od.lang),
        title=od.title.get(od.lang),
        open_data=w["open_data"],
        edition=edition_text(od),
        url=f"{od.url}data/" if od.url else w["no_url"],
    )


def licence_text(lic: Licence) -> str:
    """A licence in words: its title, and its id or address."""
    where = lic.name if lic.name and lic.name != "notspecified" else lic.path
    return f"{lic.title} ({where})" if where else lic.title


def _licence(lic: Licence) -> dict[str, str]:
    out = {"title": lic.title}
    if lic.name:
        out["name"] = lic.name
    if lic.path:
        out["path"] = lic.path
    return out


def _sources(t: Table, lang: str) -> list[dict[str, str]]:
    out = []
    for s in t.sources:
        src = {"title": s.title.get(lang)}
        if s.url:
            src["path"] = s.url
        out.append(src)
    return out


def _schema(t: Table) -> dict[str, Any]:
    fields = []
    for c in t.columns:
        f: dict[str, Any] = {
            "name": c.name,
            "type": c.type,
            "title": c.title,
            "description": c.description,
        }
        if c.type == "boolean":
            f["trueValues"], f["falseValues"] = ["true"], ["false"]
        if c.required:
            f["constraints"] = {"required": True}
        fields.append(f)
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
    if t.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": col, "reference": {"resource": res, "fields": ref}}
            for col, res, ref in t.foreign_keys
        ]
    return schema


def datapackage(od: OpenData, root: Path) -> dict[str, Any]:
    """datapackage.json: the CSV files written under `root` (data/) as a Tabular Data Package."""
    lang = od.lang
    resources = []
    for t in od.tables():
        f = root / f"{t.path}.csv"
        data = f.read_bytes()
        res: dict[str, Any] = {
            "name": t.name,
            "path": f"{t.path}.csv",
            "profile": "tabular-data-resource",
            "title": t.title,
            "description": t.description,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
            "bytes": len(data),
            "hash": f"sha256:{hashlib.sha256(data).hexdigest()}",
            "schema": _schema(t),
        }
        if t.licences:
            res["licenses"] = [_licence(lic) for lic in t.licences]
        if t.sources:
            res["sources"] = _sources(t, lang)
        resources.append(res)
    pkg: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": od.name,
        "title": f"{od.title.get(lang)}：{WORDS[lang]['open_data']}"
        if lang == "ja"
        else f"{od.title.get(lang)}: {WORDS[lang]['open_data']}",
        "version": od.version,
        "contributors": [
            {
                "title": od.publisher.get(lang),
                "role": "publisher",
                **({"path": od.publisher_url} if od.publisher_url else {}),
            }
        ],
        "licenses": [_licence(lic) for lic in od.licences],
        "sources": _sources(od.whole, lang),
        "resources": resources,
    }
    if od.description:
        pkg["description"] = od.description.get(lang)
    if od.url:
        pkg["id"] = iri(od, "datapackage.json")
        pkg["homepage"] = od.url
    if od.edition:
        pkg["created"] = f"{od.edition.date}T00:00:00Z"
    return pkg


def _text(value: Any) -> list[dict[str, str]]:
    """An I18n as JSON-LD language-tagged strings."""
    out = [{"@value": value.ja, "@language": "ja"}]
    if value.en:
        out.append({"@value": value.en, "@language": "en"})
    return out


def _dataset(od: OpenData, t: Table, formats: list[str], sizes: dict[str, int]) -> dict[str, Any]:
    lang = od.lang
    tagged = {"@value": t.title, "@language": lang}
    ds: dict[str, Any] = {
        "@id": iri(od, f"datapackage.json#{t.name}"),
        "@type": "dcat:Dataset",
        "dct:identifier": t.identifier or t.name,
        "dct:title": tagged,
        "dct:description": {"@value": t.description, "@language": lang},
        "dct:publisher": {"@id": "#publisher"},
        "dcat:keyword": [{"@value": k, "@language": lang} for k in t.keywords],
        "dct:source": [{"@id": s.url} for s in t.sources if s.url],
        "dct:rights": [licence_text(lic) for lic in t.licences],
        "dcat:distribution": [],
    }
    if t.first and t.last:
        ds["dct:temporal"] = {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": {"@value": t.first.start.isoformat(), "@type": "xsd:date"},
            "dcat:endDate": {"@value": t.last.end.isoformat(), "@type": "xsd:date"},
        }
    if t.illustrative:
        ds["dct:provenance"] = {
            "@type": "dct:ProvenanceStatement",
            "rdfs:label": f"{t.illustrative} of {len(t.rows)} rows illustrative (例示値): "
            "example values, not published figures; see the column illustrative",
        }
    for fmt in formats:
        path = f"{t.path}.{fmt}"
        media, name = FORMATS[fmt]
        ds["dcat:distribution"].append(
            {
                "@id": iri(od, path),
                "@type": "dcat:Distribution",
                "dct:title": f"{t.title} ({name})",
                "dcat:downloadURL": {"@id": iri(od, path)},
                "dcat:accessURL": {"@id": iri(od, path)},
                "dcat:mediaType": {"@id": IANA + media},
                "dct:format": name,
                "dcat:byteSize": {"@value": sizes[path], "@type": "xsd:nonNegativeInteger"},
                "dct:license": [{"@id": lic.path} for lic in t.licences if lic.path],
                "dct:rights": [licence_text(lic) for lic in t.licences],
                **(
                    {"dct:conformsTo": {"@id": "https://specs.frictionlessdata.io/table-schema/"}}
                    if fmt == "csv"
                    else {}
                ),
            }
        )
    return ds


def catalogue_jsonld(od: OpenData, sizes: dict[str, int]) -> dict[str, Any]:
    """catalog.jsonld: a DCAT catalogue of every table and its files (`sizes`: bytes by path)."""
    full = ["csv", "xlsx", "json"]
    datasets = [
        _dataset(od, t, full if t not in (od.catalogue, od.source_list) else ["csv"], sizes)
        for t in od.tables()
    ]
    cat: dict[str, Any] = {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": iri(od, "catalog.jsonld"),
        "@type": "dcat:Catalog",
        "dct:title": _text(od.title),
        "dct:publisher": {
            "@id": "#publisher",
            "@type": "foaf:Agent",
            "foaf:name": _text(od.publisher),
            **({"foaf:homepage": {"@id": od.publisher_url}} if od.publisher_url else {}),
        },
        "dct:language": {"@id": f"http://id.loc.gov/vocabulary/iso639-1/{od.lang}"},
        "dct:hasVersion": od.version,
        "dct:temporal": {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": {"@value": od.period[0], "@type": "xsd:date"},
            "dcat:endDate": {"@value": od.period[1], "@type": "xsd:date"},
        },
        "dct:rights": citation(od),
        "dcat:dataset": datasets,
    }
    if od.description:
        cat["dct:description"] = _text(od.description)
    if od.url:
        cat["foaf:homepage"] = {"@id": od.url}
    if od.edition:
        cat["dct:issued"] = {"@value": od.edition.date, "@type": "xsd:date"}
    return cat


# ── README ───────────────────────────────────────────────────────────────────────────────────

README: dict[str, dict[str, Any]] = {
    "ja": {
        "title": "{title}：オープンデータ",
        "intro": "{publisher}の{title}（対象期間 {start}〜{end}）が示す数値を、機械で読める"
        "形で公開しています。報告書の図表と同じデータから作られています。",
        "cite_h": "引用の仕方",
        "cite_fields": ("表題", "発行者", "版", "アドレス", "ライセンス"),
        "files_h": "ファイル",
        "files_cols": ("ファイル", "内容", "行数", "うち例示値"),
        "whole": "全指標の観測値（CSV・XLSX・JSON）",
        "catalogue": "指標一覧：名称、単位、出典、ライセンス",
        "sources": "出典一覧：名称、発行者、アドレス、参照日、ライセンス",
        "package": "Frictionless Data Package：各CSVの列の型、ライセンス、出典",
        "dcat": "DCAT カタログ（JSON-LD）：データポータル向けの目録",
        "ind_h": "指標ごとのファイル",
        "ind_cols": ("指標", "ファイル", "期間", "行数", "うち例示値", "ライセンス"),
        "survey_h": "調査",
        "cols_h": "列（nenpo.csv と indicators/ の各ファイル）",
        "cols_cols": ("列", "名称", "内容"),
        "ill_h": "例示値",
        "ill": "`illustrative` 列が `true` の値は、公表されていない値を例として示したもので、"
        "実際の数値ではありません。報告書でも「例示値」と表示しています。",
        "sheet_h": "表計算ソフトで開くとき",
        "sheet": [
            "CSV は UTF-8（BOM付き）、区切りはカンマ、改行は CRLF です。",
            "Excel では XLSX を開くことをお勧めします（CSV を開くと、都道府県コードの先頭の0"
            "が消え、2024-07 のような時点が日付に変わることがあります）。",
            "`=` `+` `-` `@` で始まる文字列は、数式として読まれないよう CSV では先頭に `'` "
            "を付け、XLSX では文字列として保存しています。数値はそのまま数値です。",
        ],
        "src_h": "出典とライセンス",
        "src_cols": ("出典", "発行者", "アドレス", "ライセンス"),
        "none": "—",
    },
    "en": {
        "title": "{title}: open data",
        "intro": "The figures of {publisher}'s {title} (period {start} to {end}) in machine-"
        "readable form, made from the same data as the report's charts.",
        "cite_h": "How to cite",
        "cite_fields": ("Title", "Publisher", "Edition", "Address", "Licence"),
        "files_h": "Files",
        "files_cols": ("File", "What", "Rows", "Illustrative"),
        "whole": "Every indicator's observations (CSV, XLSX, JSON)",
        "catalogue": "The indicators: names, units, sources, licences",
        "sources": "The sources: title, publisher, address, date read, licence",
        "package": "Frictionless Data Package: each CSV's column types, licences, sources",
        "dcat": "DCAT catalogue (JSON-LD), for data portals",
        "ind_h": "Files by indicator",
        "ind_cols": ("Indicator", "Files", "Period", "Rows", "Illustrative", "Licence"),
        "survey_h": "Surveys",
        "cols_h": "Columns (nenpo.csv and the files of indicators/)",
        "cols_cols": ("Column", "Title", "What"),
        "ill_h": "Illustrative values",
        "ill": "A value whose `illustrative` column is `true` is an example, not a published "
        "figure; the report labels it 'illustrative' too.",
        "sheet_h": "Opening the files in a spreadsheet",
        "sheet": [
            "CSV files are UTF-8 with a BOM, comma-separated, lines ending in CRLF.",
            "In Excel, open the XLSX files: a CSV loses the leading 0 of prefecture codes and "
            "turns periods such as 2024-07 into dates.",
            "Text beginning with `=` `+` `-` `@` is written with a leading `'` in CSV and stored "
            "as text in XLSX, so that no spreadsheet reads it as a formula; numbers stay numbers.",
        ],
        "src_h": "Sources and licences",
        "src_cols": ("Source", "Publisher", "Address", "Licence"),
        "none": "—",
    },
}


def _cell(text: object) -> str:
    """Text for a Markdown table cell: pipes and line breaks escaped."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _table(head: tuple[str, ...], rows: list[list[object]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows]
    return [*out, ""]


def _files(t: Table) -> str:
    name = t.path.rsplit("/", 1)[-1]
    return " ".join(f"[{fmt.upper()}]({name}.{fmt})" for fmt in ("csv", "xlsx", "json"))


def _span(t: Table) -> str:
    if not (t.first and t.last):
        return "—"
    return t.first.key if t.first == t.last else f"{t.first.key} – {t.last.key}"


def readme_md(od: OpenData) -> str:
    """README.md of data/: what is published, the columns, how to cite, the licences."""
    lang, w = od.lang, README[od.lang]
    title = od.title.get(lang)
    lines = [
        "# " + w["title"].format(title=title),
        "",
        w["intro"].format(
            publisher=od.publisher.get(lang), title=title, start=od.period[0], end=od.period[1]
        ),
        "",
        "## " + w["cite_h"],
        "",
        "> " + citation(od),
        "",
    ]
    values = (
        f"{title}：{WORDS[lang]['open_data']}" if lang == "ja" else f"{title}: open data",
        od.publisher.get(lang),
        edition_text(od),
        f"{od.url}data/" if od.url else WORDS[lang]["no_url"],
        WORDS[lang]["licence_all"],
    )
    lines += [f"- {k}: {v}" for k, v in zip(w["cite_fields"], values, strict=True)] + [""]
    lines += ["## " + w["files_h"], ""]
    lines += _table(
        w["files_cols"],
        [
            [_files(od.whole), w["whole"], len(od.whole.rows), od.whole.illustrative],
            ["[indicators.csv](indicators.csv)", w["catalogue"], len(od.catalogue.rows), ""],
            ["[sources.csv](sources.csv)", w["sources"], len(od.source_list.rows), ""],
            ["[datapackage.json](datapackage.json)", w["package"], "", ""],
            ["[catalog.jsonld](catalog.jsonld)", w["dcat"], "", ""],
        ],
    )
    lines += ["## " + w["ind_h"], ""]
    lines += _table(
        w["ind_cols"],
        [
            [
                f"{t.title} (`{t.identifier}`)",
                _files(t).replace("](", "](indicators/"),
                _span(t),
                len(t.rows),
                t.illustrative,
                "; ".join(lic.title for lic in t.licences) or w["none"],
            ]
            for t in od.indicators
        ],
    )
    if od.surveys:
        lines += ["## " + w["survey_h"], ""]
        lines += _table(
            w["ind_cols"],
            [
                [
                    f"{t.title} (`{t.identifier}`)",
                    _files(t).replace("](", "](surveys/"),
                    _span(t),
                    len(t.rows),
                    t.illustrative,
                    "; ".join(lic.title for lic in t.licences) or w["none"],
                ]
                for t in od.surveys
            ],
        )
    lines += ["## " + w["cols_h"], ""]
    lines += _table(
        w["cols_cols"], [[f"`{c.name}`", c.title, c.description] for c in od.whole.columns]
    )
    lines += ["## " + w["ill_h"], "", w["ill"], "", "## " + w["sheet_h"], ""]
    lines += [f"- {s}" for s in w["sheet"]] + [""]
    lines += ["## " + w["src_h"], ""]
    lines += _table(
        w["src_cols"],
        [
            [
                s.title.get(lang),
                s.publisher.get(lang) if s.publisher else w["none"],
                s.url or w["none"],
                s.licence or w["none"],
            ]
            for s in od.sources
        ],
    )
    return "\n".join(lines)


def readme_html(od: OpenData, markdown: str) -> str:
    """README.html: the README as a page of the site (its style sheet, a link home)."""
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown)
    lang = od.lang
    title = escape(README[lang]["title"].format(title=od.title.get(lang)))
    home = "報告書のトップ" if lang == "ja" else "The report"
    skip = "本文へ移動" if lang == "ja" else "Skip to content"
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n"
        '<link rel="stylesheet" href="../static/nenpo.css">\n</head>\n'
        f'<body class="page-opendata">\n<a class="skip" href="#main">{skip}</a>\n'
        f'<header class="site-header"><p class="org">{escape(od.publisher.get(lang))}</p>'
        f'<p class="report-title"><a href="../index.html">{escape(od.title.get(lang))}</a>'
        f'</p><nav aria-label="{home}"><ul><li><a href="../index.html">{home}</a></li>'
        "</ul></nav></header>\n"
        f'<main id="main" class="opendata">\n{body}</main>\n</body>\n</html>'
    )
