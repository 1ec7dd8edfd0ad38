"""The bundled example tells the seed's whole story: its topics, its press deck, its indicators.

Read from the built example (the session's shared build) as a reader would: parsed HTML, the
deck's PDF text; the expectations come from the seed's own text where they can.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from nenpo import core
from nenpo.japan.periods import Period
from nenpo.lookups.data import Data
from nenpo.model.text import I18n
from nenpo.report import references as refs

from . import pdfread as pr
from .conftest import soup

ERRATA = Path(__file__).parent / "errata"  # each case quotes one correction of the seed


def _seed_dir() -> Path | None:
    """shared/seed beside the checkout, when there is one (CI's fresh clone has none)."""
    for parent in Path(__file__).resolve().parents:
        if (parent / "shared" / "seed").is_dir():
            return parent / "shared" / "seed"
    return None


# The seed page's headings (shared/seed/digital-agency-annual-report-2024.txt), and the two
# topics that only its 更新履歴 names (the deck's pages 30 and 38).
SEED_TOPICS = [
    "はじめに",
    "年次報告とは",
    "デジタル活用により目指す社会",
    "デジタル社会で目指す6つの姿",
    "デジタル庁の活動方針",
    "ミッション・ビジョン・バリュー",
    "重点計画の策定",
    "データから見た成果",
    "社会におけるデジタル活用の進捗",
    "デジタル庁の組織づくり",
    "成果と進捗",
    "デジタル庁の注力領域とプロジェクト構成",
    "生活者・事業者・職員にやさしいサービスの提供",
    "デジタル基盤の整備による成長戦略の推進",
    "安全・安心で強靱なデジタル基盤の実現",
    "会見動画",
    "更新履歴",
    "プロジェクト管理における取組",
    "各府省庁DX推進連絡会議の実施",
]

# The seed's projects, as its 注力領域とプロジェクト構成 lists them (sub-projects of 準公共 too).
SEED_PROJECTS = [
    "マイナンバー制度",
    "マイナンバーカード普及と利活用",
    "マイナポータル",
    "デジタル認証アプリ",
    "地方自治体のシステム標準化",
    "公共サービスメッシュ",
    "データ整備",
    "公金受取口座",
    "Jグランツ・GビズID",
    "e-Gov",
    "デザインシステム・アクセシビリティ",
    "公的基礎情報データベース(ベース・レジストリ)",
    "国・地方デジタル共通基盤の整備",
    "政策ダッシュボード",
    "準公共",
    "健康・医療・介護",
    "教育",
    "モビリティ",
    "デジタルインボイス",
    "VisitJapanWeb",
    "アナログ規制の見直し",
    "デジタル法制(制度・業務・システム一体改革)",
    "デジタル田園都市国家構想①",
    "デジタル田園都市国家構想②",
    "産業のモダン化",
    "データスペース",
    "AI",
    "トラスト、デジタル・アイデンティティ・ウォレット",
    "ガバメントソリューションサービス(GSS)",
    "ガバメントクラウド",
    "国際戦略、DFFT",
    "政府情報システムの最適化",
    "セキュリティ",
    "防災DX",
]

MILESTONES = "公表されている節目"  # the heading of a project's published milestones

# 「詳細」 links of the seed whose official address the example records (docs: the README).
DETAIL_LINKS = {
    "ミッション・ビジョン・バリュー": "https://digital-gov.note.jp/n/ncd672e2bc7f8",
    "デジタル社会の実現に向けた重点計画": "https://www.digital.go.jp/policies/priority-policy-program",
    "社会におけるデジタル活用の進捗": "https://www.digital.go.jp/policies/report-202309-202408/progress",
    "デジタル庁の組織づくり": "https://www.digital.go.jp/policies/report-202309-202408/organization",
}


@pytest.fixture(scope="module")
def pages(built_example: core.BuildResult) -> dict[str, BeautifulSoup]:
    return {p.path: soup(built_example.out / p.path) for p in built_example.site.pages}


@pytest.fixture(scope="module")
def seed_text() -> str:
    """The seed page's text, or "" where it is not beside the checkout (the lists below are
    copied from it; with the seed present, the test also checks they still match it)."""
    seed = _seed_dir()
    return next(seed.glob("*.txt")).read_text(encoding="utf-8") if seed else ""


def _headings(doc: BeautifulSoup) -> list[str]:
    return [h.get_text(" ", strip=True) for h in doc.select("h1, h2, h3, h4")]


def test_every_topic_of_the_seed_has_a_page_or_section(
    pages: dict[str, BeautifulSoup], seed_text: str
) -> None:
    headings = {h for doc in pages.values() for h in _headings(doc)}
    for topic in SEED_TOPICS:
        assert not seed_text or topic in seed_text, f"{topic!r} is not in the seed"
        assert any(topic in h for h in headings), f"no page or section for {topic!r}"
    project_titles = {doc.h1.get_text(strip=True) for p, doc in pages.items() if "projects/" in p}
    for name in SEED_PROJECTS:
        shown = name.replace("VisitJapanWeb", "Visit Japan Web")
        assert not seed_text or shown in seed_text, f"{shown!r} is not in the seed"
        assert shown in project_titles, f"no project page for {shown!r}"


def test_detail_links_point_at_the_official_pages(
    pages: dict[str, BeautifulSoup], seed_text: str
) -> None:
    links = [
        (a.get_text(strip=True), a["href"], a.parent.get_text(strip=True))
        for doc in pages.values()
        for a in doc.select("main a[href^='https://']")
    ]
    for title, url in DETAIL_LINKS.items():
        assert not seed_text or f"詳細:{title}" in seed_text.replace("：", ":")
        assert any(
            title in text and href == url and ("詳細" in around) for text, href, around in links
        ), f"no 詳細 link to {title} ({url})"
    video = pages["introduction/about.html"]
    heading = next(h for h in video.select("h3") if h.get_text(strip=True) == "会見動画")
    link = heading.find_next("a")
    assert link["href"] == "https://www.digital.go.jp/policies/report-202309-202408"


# ── the press deck ─────────────────────────────────────────────────────────────────────────

CORRECTION = re.compile(r"(\d+)ページ、(.+?)(?:について|に誤り).*?\((正|追記):(.+?)\)")


def _corrections() -> list[tuple[int, str, list[str]]]:
    """(page, what, the corrected texts) for each correction of the seed's 更新履歴 of
    2024-09-04, as tests/errata quotes them."""
    found = []
    for case in sorted(ERRATA.glob("*/expect.yaml")):
        line = yaml.safe_load(case.read_text(encoding="utf-8"))["seed"]
        m = CORRECTION.search(line)
        assert m, line
        page, what, kind, fixed = int(m[1]), m[2], m[3], m[4]
        items = [fixed] if kind == "追記" else fixed.split("、")
        # Legends are cited as A良いと思う, Bどちらともいえない: the letter is the legend's key.
        found.append((page, what, [re.sub(r"^[A-C](?=\D)", "", i) for i in items]))
    return found


@pytest.fixture(scope="module")
def deck_pages(built_example: core.BuildResult) -> list[str]:
    if not pr.POPPLER:  # pragma: no cover
        print(f"SKIP reason: {pr.NO_POPPLER}")
        pytest.skip(pr.NO_POPPLER)
    return pr.page_texts(built_example.out / "deck.pdf")


def test_the_deck_holds_each_correction_on_its_page(
    built_example: core.BuildResult, deck_pages: list[str], seed_text: str
) -> None:
    corrections = _corrections()
    assert len(corrections) == 11  # the update of 2024-09-04; that of 2024-09-02 names no detail
    assert {p for p, _, _ in corrections} == {5, 10, 16, 29, 30, 32, 38}
    assert not seed_text or "会見資料8ページの一部を修正" in seed_text
    assert len(deck_pages) >= 38
    for page, what, items in corrections:
        text = re.sub(r"\s+", "", deck_pages[page - 1])
        for item in items:
            assert item.replace("【", "").replace("】", "") in text.replace("【", "").replace(
                "】", ""
            ), f"deck page {page} ({what}) lacks {item!r}"
    ws = built_example.site.ws
    assert ws.deck is not None and len(ws.deck.slides) == len(deck_pages)
    assert deck_pages[7].strip(), "page 8 (the 2024-09-02 correction) exists"


def test_the_deck_follows_the_seeds_order(built_example: core.BuildResult) -> None:
    """Cover, the year's summary, the survey, the focus areas with their projects, the
    organisation, the outlook: each part's slides come in that order."""
    ws = built_example.site.ws
    assert ws.deck is not None
    slides = ws.deck.slides
    assert slides[0].kind == "cover"
    at = {s.id: s.number for s in slides}
    fa_names = [fa.name.ja for fa in ws.focus_areas]
    fa_slides = [s.number for s in slides if s.title.ja in fa_names]
    assert len(fa_slides) == 3 and fa_slides == sorted(fa_slides)
    assert at["year-summary"] < at["attitude-all"] < fa_slides[0]
    assert fa_slides[-1] < at["staff-count"] < at["ministries"] <= len(slides)
    # Each focus area's slide lists figures of its projects, then slides on those projects.
    assert at["focus-areas"] < fa_slides[0]


def test_the_english_deck_and_every_section_are_translated(
    built_example: core.BuildResult, example_dir: Path
) -> None:
    ws = built_example.site.ws
    assert ws.deck is not None
    missing: list[str] = []

    def walk(obj: object, where: str) -> None:
        if isinstance(obj, I18n):
            # A text that is only data references prints in the reader's language as it is.
            if not obj.en and refs.PATTERN.sub("", obj.ja).strip():
                missing.append(f"{where}: {obj.ja[:30]}")
        elif isinstance(obj, list):
            for i, x in enumerate(obj):
                walk(x, f"{where}[{i}]")
        elif hasattr(obj, "__pydantic_fields__"):
            for name in type(obj).model_fields:
                if name != "portfolio":
                    walk(getattr(obj, name), f"{where}.{name}")

    walk(ws, "workspace")
    assert not missing, missing[:10]
    content = example_dir / "content"
    for md in content.rglob("*.md"):
        if "en" in md.relative_to(content).parts:
            continue
        translated = md.parent / "en" / md.name
        assert translated.exists(), f"no English text for {md.relative_to(example_dir)}"


# ── indicators ─────────────────────────────────────────────────────────────────────────────


def _stated_periods(doc: BeautifulSoup) -> dict[str, set[str]]:
    """Indicator → the periods of the values the page's prose states about it.

    Only `value` references count: a `last` reference follows the data by itself, so it would
    agree with the chart even where the value printed beside it is an older one."""
    out: dict[str, set[str]] = {}
    for span in doc.select("main span.ref[data-period]"):
        ref = refs.parse(str(span["data-ref"]))
        if ref.kind == "value":
            out.setdefault(ref.target, set()).add(str(span["data-period"]))
    return out


def test_every_charts_latest_date_is_the_latest_the_prose_states(
    built_example: core.BuildResult, pages: dict[str, BeautifulSoup]
) -> None:
    ws = built_example.site.ws
    data = Data(ws)
    charts = {c.id: c for c in ws.charts}
    compared = 0
    for path, doc in pages.items():
        stated = _stated_periods(doc)
        for fig in doc.select("figure.chart[data-kind=timeseries]"):
            ident = fig["data-chart"]
            chart = charts.get(ident)
            indicator = chart.indicator if chart else ident.removeprefix("indicator-")
            where = chart.where if chart else {}
            assert indicator is not None
            last = data.series(indicator, where)[-1].period
            if indicator not in stated:
                continue
            latest = max(Period.parse(p) for p in stated[indicator])
            assert latest.key == last.key, (
                f"{path}: chart {ident} ends {last.key}, the prose's latest is {latest.key}"
            )
            compared += 1
    assert compared >= 10
    # The headline of the card and its chart agree in time (9,308万枚, 2024年8月).
    progress = pages["results-data/progress.html"]
    headline = progress.select_one("span.ref[data-ref='value card_holders at=2024-08 format=man']")
    assert headline is not None and headline.get_text() == "9,308万枚"
    assert progress.select_one("figure.chart[data-chart=card-holders]") is not None
    assert data.series("card_holders")[-1].period.key == "2024-08"


def test_the_later_card_figure_names_its_own_source(built_example: core.BuildResult) -> None:
    chart = built_example.site.charts["card-issued-national"]
    assert [s.id for s in chart.sources] == ["mic-csv", "r2023"]
    assert chart.note and "2023年デジタル庁年次報告" in chart.note
    assert chart.axis_labels[-1] == "2023.7"


def test_every_project_shows_an_indicator_or_says_none_is_published(
    built_example: core.BuildResult, pages: dict[str, BeautifulSoup]
) -> None:
    ws = built_example.site.ws
    with_indicators = 0
    for project, _parent in ws.all_projects():
        doc = pages[f"projects/{project.id}.html"]
        blocks = doc.select("section.indicator")
        assert len(blocks) == len(project.indicators), project.id
        if blocks:
            with_indicators += 1
            for block in blocks:
                assert block.select_one("dl.facts") or block.select_one(".source"), project.id
            continue
        assert "公表指標はまだありません" in doc.get_text(), project.id
    assert with_indicators >= 22  # 8 of 34 had one; FACTS.md has public figures for 14 more
    for pid in ("public-service-mesh", "base-registry", "visit-japan-web", "trust-wallet"):
        doc = pages[f"projects/{pid}.html"]
        heading = next(
            h for h in doc.select("h2") if h.get_text(strip=True) == "公表されている節目"
        )
        items = heading.find_next("ul").select("li")
        assert items and all(re.search(r"\d{4}年", li.get_text()) for li in items), pid


def test_project_indicators_name_source_licence_and_where_to_find_it(
    built_example: core.BuildResult,
) -> None:
    """Every real figure a project shows cites a source with a licence and an address or a
    publisher; a source with neither says why (the press write-ups whose articles were not
    recorded)."""
    ws = built_example.site.ws
    sources = {s.id: s for s in ws.sources}
    linked = {i for p, _ in ws.all_projects() for i in p.indicators}
    checked = 0
    for ind in ws.indicators:
        if ind.id not in linked:
            continue
        rows = [o for o in ws.observations if o.indicator == ind.id]
        assert rows or ind.targets, f"{ind.id}: neither a value nor a target"
        for sid in {ind.source} | {o.source for o in rows if o.source}:
            src = sources[sid]
            if ind.provenance != "real":
                continue
            assert src.licence, (ind.id, sid)
            findable = src.url or src.publisher
            assert findable or (src.note and "記録していません" in src.note.ja), (ind.id, sid)
            if src.url:
                assert src.accessed is not None, (ind.id, sid)
            checked += 1
    assert checked >= 40


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_no_page_has_a_duplicate_id(
    lang: str, built_example: core.BuildResult, built_en: core.BuildResult
) -> None:
    """An anchor names one place: an indicator shown by two projects, a chart on two pages of a
    section, must not give two elements one id (a link to it would land on the first)."""
    out = (built_example if lang == "ja" else built_en).out
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 100
    dupes = {}
    for page in pages:
        ids = Counter(str(el["id"]) for el in soup(page).find_all(id=True))
        twice = sorted(i for i, n in ids.items() if n > 1)
        if twice:
            dupes[page.relative_to(out).as_posix()] = twice
    assert not dupes, dupes


def test_the_focus_area_diagram_is_drawn_from_the_registry(
    pages: dict[str, BeautifulSoup], built_example: core.BuildResult
) -> None:
    """The seed's picture of 注力領域とプロジェクト構成, generated: every focus area and project
    of the registry in the drawing, in the registry's order, with an alt text that names them."""
    found = [(path, fig) for path, doc in pages.items() for fig in doc.select("figure.diagram")]
    assert len(found) == 1, [p for p, _ in found]
    _path, fig = found[0]
    svg = fig.select_one('svg[role="img"]')
    assert svg is not None
    label = str(svg.get("aria-label", ""))
    ws = built_example.site.ws
    items: list[str] = []  # a project's line starts with ・; a wrapped name goes on with
    for t in svg.find_all("text"):
        line = t.get_text()
        if line.startswith("・"):
            items.append(line[1:])
        elif line.startswith("　") and items:
            items[-1] += line[1:]
    for fa in ws.focus_areas:
        n = sum(1 + len(p.subprojects) for p in ws.projects if p.focus_area == fa.id)
        assert f"「{fa.name.ja}」（{n}件）" in label
    names = [x for p in ws.projects for x in [p.name.ja, *(c.name.ja for c in p.subprojects)]]
    assert items == names
    assert len(names) == len(SEED_PROJECTS)
    assert fig.select_one("p.alt-text") is not None and fig.select_one("figcaption") is not None
