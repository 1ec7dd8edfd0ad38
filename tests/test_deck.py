"""deck.yaml is checked like every workspace file; the print stage stops on what it cannot do."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from nenpo import core
from nenpo.errors import BuildError, EnvironmentProblem, WorkspaceError
from nenpo.ingest.workspace import read_workspace
from nenpo.render.pdf import check_one_page_per_slide
from nenpo.report.deck import DeckOut, SlideOut
from nenpo.settings import get_settings
from nenpo.store import Store, open_store

from .pdfread import NO_POPPLER, POPPLER, page_texts


def _write(root: Path, files: dict[str, object]) -> Path:
    for name, data in files.items():
        f = root / name
        f.parent.mkdir(parents=True, exist_ok=True)
        text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
        f.write_text(text, encoding="utf-8")
    return root


TINY = {
    "nenpo.yaml": {
        "organisation": {"name": "テスト庁"},
        "report": {
            "title": "テスト年次報告",
            "period_start": "2023-04-01",
            "period_end": "2024-03-31",
        },
    },
    "sources.yaml": [{"id": "src", "title": "テスト出典"}],
    "indicators.yaml": [
        {"id": "staff", "name": "職員数", "unit": "人", "source": "src", "provenance": "real"}
    ],
    "observations/staff.csv": "indicator,date,value\nstaff,2024-03,120\n",
    "report.yaml": {
        "chapters": [{"id": "intro", "title": "はじめに", "content": "content/intro.md"}]
    },
    "content/intro.md": "職員数は{{ value staff }}です。\n",
}


def _slides(*extra: dict[str, object]) -> dict[str, object]:
    cover = {"number": 1, "id": "cover", "kind": "cover", "title": "テスト会見資料"}
    return {"slides": [cover, *extra]}


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A small workspace (one chapter, one indicator) with a two-slide deck."""
    figure = {
        "number": 2,
        "id": "staff",
        "title": "職員数",
        "key_figures": [{"value": "{{ value staff }}", "label": "職員数"}],
    }
    return _write(tmp_path / "ws", {**TINY, "deck.yaml": _slides(figure)})


@pytest.fixture
def sqlite(tmp_path: Path) -> Store:
    return open_store(f"sqlite:///{tmp_path / 'nenpo.db'}")


def _extend(deck: Path, lines: list[str]) -> int:
    """Append slides to deck.yaml; return the line number of the first appended line.

    `number: +1`, `+2` … in `lines` stand for the numbers after the deck's last slide."""
    text = deck.read_text(encoding="utf-8").splitlines()
    last = sum(1 for ln in text if ln.strip().startswith("- number:"))
    after = re.compile(r"number: \+(\d+)")
    lines = [after.sub(lambda m: f"number: {last + int(m[1])}", ln) for ln in lines]
    deck.write_text("\n".join([*text, *lines]) + "\n", encoding="utf-8")
    return len(text) + 1


def test_deck_mistakes_are_reported_at_their_lines(example_copy: Path) -> None:
    deck = example_copy / "deck.yaml"
    text = deck.read_text(encoding="utf-8").splitlines()
    number_line = next(i for i, ln in enumerate(text) if ln.strip() == "- number: 3") + 1
    # 1. a slide numbered out of order (errata would cite the wrong page)
    text[number_line - 1] = text[number_line - 1].replace("3", "4")
    deck.write_text("\n".join(text) + "\n", encoding="utf-8")
    n = _extend(
        deck,
        [
            # 2. an unknown chart, 3. two messages on one slide, 4. a duplicate id
            "  - number: +1",
            "    id: extra-chart",
            "    title: 追加",
            "    chart: no-such-chart",
            "  - number: +2",
            "    id: two-messages",
            "    title: 追加",
            "    chart: staff-count",
            "    points: [一つ目]",
            "  - number: +3",
            "    id: extra-chart",
            "    title: 追加",
            "    points: [一つ目]",
        ],
    )
    with pytest.raises(WorkspaceError) as exc:
        read_workspace(example_copy)
    where = {(p.file, p.line) for p in exc.value.problems}
    assert where == {
        ("deck.yaml", number_line),
        ("deck.yaml", n + 3),
        ("deck.yaml", n + 4),
        ("deck.yaml", n + 10),
    }, exc.value
    messages = " ".join(p.message for p in exc.value.problems)
    assert "renumber" in messages and "expected 3" in messages
    assert "no-such-chart" in messages and "duplicate slide id" in messages


def test_deck_references_are_checked_once_the_data_is_valid(example_copy: Path) -> None:
    n = _extend(
        example_copy / "deck.yaml",
        [
            # a reference to no data, and a typed number where a data reference belongs
            "  - number: +1",
            "    id: bad-reference",
            "    title: 追加",
            "    message: 職員は{{ value no_such_indicator }}です",
            "    points: [一つ目]",
            "  - number: +2",
            "    id: typed-number",
            "    title: 追加",
            "    key_figures: [{value: '1,105人'}]",
        ],
    )
    # The loader reads the slides; their data references are resolved by the report model,
    # which core.read (behind load, check and build) runs once the workspace is valid.
    assert read_workspace(example_copy).workspace.deck is not None
    with pytest.raises(WorkspaceError) as exc:
        core.read(example_copy)
    where = {(p.file, p.line) for p in exc.value.problems}
    assert where == {("deck.yaml", n + 3), ("deck.yaml", n + 8)}, exc.value
    fields = {p.field for p in exc.value.problems}
    assert all(f is not None and f.startswith("slides[") for f in fields), fields
    messages = " ".join(p.message for p in exc.value.problems)
    assert "no_such_indicator" in messages and "never a typed number" in messages


def test_a_slide_with_several_charts_is_checked_chart_by_chart(example_copy: Path) -> None:
    n = _extend(
        example_copy / "deck.yaml",
        [
            "  - number: +1",
            "    id: both",
            "    title: 追加",
            "    chart: staff-count",
            "    charts: [org-trust, staff-count]",
            "  - number: +2",
            "    id: one-unknown",
            "    title: 追加",
            "    charts:",
            "      - org-trust",
            "      - no-such-chart",
            "  - number: +3",
            "    id: four",
            "    title: 追加",
            "    charts: [org-trust, staff-count, staff-composition, card-holders]",
        ],
    )
    with pytest.raises(WorkspaceError) as exc:
        read_workspace(example_copy)
    found = {(p.line, p.message) for p in exc.value.problems}
    lines = {line for line, _ in found}
    assert lines == {n, n + 10, n + 14}, exc.value
    messages = " ".join(m for _, m in found)
    assert "chart or charts, not both" in messages
    assert "no-such-chart" in messages and "at most 3" in messages


@pytest.mark.skipif(not POPPLER, reason=NO_POPPLER)
def test_two_charts_share_a_slide(tmp_path: Path, sqlite: Store) -> None:
    obs = "indicator,date,value\nstaff,2022-03,80\nstaff,2023-03,100\nstaff,2024-03,120\n"
    charts = [
        {"id": "a", "kind": "timeseries", "indicator": "staff", "title": "職員数の推移"},
        {"id": "b", "kind": "timeseries", "indicator": "staff", "title": "職員数（再掲）"},
    ]
    slide = {"number": 2, "id": "two", "title": "二つの図", "charts": ["a", "b"]}
    files = {**TINY, "observations/staff.csv": obs, "charts.yaml": charts}
    ws = _write(tmp_path / "ws", {**files, "deck.yaml": _slides(slide)})
    result = core.build(sqlite, tmp_path / "site", ws, "ja", get_settings())
    manifest = json.loads((result.out / "deck.json").read_text(encoding="utf-8"))
    assert manifest["slides"][1]["charts"] == ["a", "b"]
    page = page_texts(result.out / "deck.pdf")[1]
    assert "職員数の推移" in page and "職員数（再掲）" in page
    assert page.count("2023.3") == 2  # both charts drew their axes
    pages = json.loads((result.out / "pages.json").read_text(encoding="utf-8"))
    assert pages["deck"] == {"chart:a": 2, "chart:b": 2}


def test_the_deck_survives_the_store(store: Store, example_dir: Path) -> None:
    core.load(example_dir, store)
    back = store.read()
    assert back is not None and back.deck is not None
    assert back.deck == read_workspace(example_dir).workspace.deck


def test_a_font_typst_cannot_read_stops_the_build(
    tiny: Path, sqlite: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """fontconfig lists the family, but its file is no font Typst can read: no PDF is made
    with another font in its place."""
    from nenpo.render.typeset import engine

    broken = tmp_path / "broken.otf"
    broken.write_bytes(b"not a font")
    monkeypatch.setattr(engine, "_FONTS", {})
    monkeypatch.setattr(engine, "font_files", lambda family: [broken])
    out = tmp_path / "site"
    with pytest.raises(EnvironmentProblem, match="Typst cannot read the font") as exc:
        core.build(sqlite, out, tiny, "ja", get_settings())
    assert "Noto Sans CJK JP" in str(exc.value)
    assert not out.exists()


def test_a_font_that_is_not_installed_stops_the_build(
    tiny: Path, sqlite: Store, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    with pytest.raises(EnvironmentProblem, match="No Such Font JP"):
        core.build(sqlite, out, tiny, "ja", get_settings(chart_font="No Such Font JP"))
    assert not out.exists()


@pytest.mark.skipif(not POPPLER, reason=NO_POPPLER)
def test_a_small_workspace_builds_both_pdfs(tiny: Path, sqlite: Store, tmp_path: Path) -> None:
    result = core.build(sqlite, tmp_path / "site", tiny, "ja", get_settings())
    deck = page_texts(result.out / "deck.pdf")
    assert len(deck) == 2
    assert "120人" in deck[1] and "職員数" in deck[1]
    assert "職員数は120人です。" in "".join(page_texts(result.out / "report.pdf"))


def test_a_slide_that_does_not_fit_stops_the_build(tmp_path: Path, sqlite: Store) -> None:
    long = {"number": 2, "id": "too-long", "title": "長すぎる", "points": ["長い文。" * 400]}
    ws = _write(tmp_path / "ws", {**TINY, "deck.yaml": _slides(long)})
    out = tmp_path / "site"
    with pytest.raises(BuildError, match=r"slide 2 \('too-long'\) does not fit"):
        core.build(sqlite, out, ws, "ja", get_settings())
    assert not out.exists()


def test_page_check_names_the_slide_that_spills() -> None:
    slides = [SlideOut(i, f"s{i}", "content", f"t{i}") for i in (1, 2, 3)]
    deck = DeckOut("ja", "t", "o", "r", "", slides)

    def page(n: int, end: float = 100, foot: float = 500) -> dict[str, tuple[float, float]]:
        return {f"slide-{n}": (0, 0), f"slide-{n}-end": (0, end), f"slide-{n}-foot": (0, foot)}

    check_one_page_per_slide(deck, [page(1), page(2), page(3)])
    # Slide 2 runs onto a second page, pushing slide 3 to page 4.
    spilled = {"slide-2": (0.0, 0.0), "slide-2-end": (0.0, 50.0)}
    with pytest.raises(BuildError, match=r"slide 2 \('s2'\)"):
        check_one_page_per_slide(deck, [page(1), {"slide-2": (0, 0)}, spilled, page(3)])
    # Slide 3's content ends below the top of its footer.
    with pytest.raises(BuildError, match=r"slide 3 \('s3'\)"):
        check_one_page_per_slide(deck, [page(1), page(2), page(3, end=520)])
    with pytest.raises(BuildError, match="3 slides"):
        check_one_page_per_slide(deck, [page(1), page(2)])


@pytest.mark.skipif(not POPPLER, reason=NO_POPPLER)
def test_the_deck_compiled_beside_the_report_is_the_same(tiny: Path, tmp_path: Path) -> None:
    """The deck compiled in a second thread (beside the report) equals the one compiled after."""
    from nenpo.render.pdf import render_prints
    from nenpo.report.deck import deck_model
    from nenpo.report.site import build_site

    font = get_settings().chart_font
    site = build_site(read_workspace(tiny).workspace, "ja", font)
    texts = []
    for parallel in (True, False):
        prints = render_prints(site, deck_model(site, font), font, parallel=parallel)
        f = tmp_path / f"deck-{parallel}.pdf"
        f.write_bytes(prints.files()["deck.pdf"])
        texts.append(page_texts(f))
    assert texts[0] == texts[1] and len(texts[0]) == 2
