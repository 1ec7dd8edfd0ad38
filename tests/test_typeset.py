"""The page bodies' HTML → Typst converter (render/typeset/fromhtml.py), checked on what Typst
prints: each snippet is converted, compiled as PDF/UA-1, and read back with pdftotext."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from nenpo.errors import BuildError
from nenpo.render.typeset import engine
from nenpo.render.typeset.document import END, Document, assemble
from nenpo.render.typeset.fromhtml import Target, convert, convert_inline, parse
from nenpo.render.typeset.markup import collapse, string, text
from nenpo.settings import get_settings

from . import pdfread as pr

pytestmark = pytest.mark.skipif(not pr.POPPLER, reason=pr.NO_POPPLER)
if not pr.POPPLER:  # pragma: no cover - printed so the skip is never silent
    print(f"SKIP reason: {pr.NO_POPPLER}")

FONT = get_settings().chart_font
MD = MarkdownIt("commonmark", {"html": False}).enable("table")
HEAD = (
    '#import "report.typ": *\n'
    f'#show: report.with(title: "test", lang: "ja", font: {string(FONT)})\n'
)


def _target(**kw: object) -> Target:
    pages = {"@@/results/a.html": "<p-results--a>"}
    args: dict[str, object] = {
        "link": lambda href: pages.get(href.split("#")[0]),
        "figure": lambda ident: f"#figure-stub[{text('FIGURE ' + ident)}]",
    }
    args.update(kw)
    return Target(**args)  # type: ignore[arg-type]


def _pdf(markup: str, tmp_path: Path, extra: str = "") -> Path:
    main = (
        HEAD
        + "#let figure-stub(body) = block(body)\n"
        + "= Target <p-results--a>\n"
        + extra
        + markup
        + "\n"
        + END
        + "\n"
    )
    out = engine.compile_pdf(Document("test.pdf", main), FONT)
    f = tmp_path / "test.pdf"
    f.write_bytes(out.data)
    return f


def _printed(markup: str, tmp_path: Path, layout: bool = False) -> str:
    """What a reader gets out of the compiled snippet (after the target heading)."""
    raw = pr.text(_pdf(markup, tmp_path), layout=layout)
    return raw.split("Target", 1)[1].strip()


# ── text is text: nothing in it is Typst markup ──────────────────────────────────────────


TRICKY = [
    "#let x = 1",
    "*not bold* _not emph_ `not raw`",
    "$x^2$ @ref <label> [box] ~ \\ backslash",
    "\"quotes\" and 'single'",
    "= not a heading",
    "- not a list",
    "1. not an enum",
    "// not a comment /* nor this */",
    "https://example.com/not-a-link",
    "50% の賛同、+2.9ポイント（n=10,000）",
]


@pytest.mark.parametrize("value", TRICKY)
def test_special_characters_print_as_written(value: str, tmp_path: Path) -> None:
    from html import escape

    printed = _printed(convert(f"<p>{escape(value)}</p>", _target()), tmp_path)
    assert pr.squeeze(printed) == pr.squeeze(value)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    value=st.text(alphabet=st.sampled_from(list("#*_`$@<>[]~\\\"'=-+/.:;()1aあ漢 ")), max_size=40)
)
def test_any_text_prints_as_written(value: str, tmp_path: Path) -> None:
    printed = _printed(text(value), tmp_path) if value.strip() else ""
    assert pr.squeeze(printed) == pr.squeeze(value)


def test_strings_escape_quotes_and_backslashes() -> None:
    assert string('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'


def test_white_space_collapses_and_vanishes_between_japanese_characters() -> None:
    assert collapse("社会の\nデジタル化  は\t進む。 Digital") == "社会のデジタル化は進む。 Digital"
    assert collapse("Digital\nAgency") == "Digital Agency"


# ── the tag set of the site's pages ──────────────────────────────────────────────────────


def test_markdown_blocks_print_in_order(tmp_path: Path) -> None:
    md = (
        "## 見出し\n\n本文の**強調**と*斜体*、`code`。\n\n"
        "- 一つ目\n- 二つ目\n  - 入れ子\n\n1. 第一\n2. 第二\n\n> 引用です\n\n"
        "| 年 | 値 |\n|---|--:|\n| 2023 | 1 |\n| 2024 |\n\n---\n\n```\nraw # text\n```\n"
    )
    printed = pr.squeeze(_printed(convert(MD.render(md), _target()), tmp_path))
    order = ["見出し", "本文の強調と斜体、code。", "一つ目", "二つ目", "入れ子", "第一", "第二"]
    order += ["引用です", "年", "値", "2023", "1", "2024", "raw#text"]
    at = 0
    for piece in order:
        found = printed.find(pr.squeeze(piece), at)
        assert found >= 0, f"{piece!r} missing or out of order in {printed!r}"
        at = found + 1


def test_headings_move_down_under_their_section() -> None:
    markup = convert("<h2>A</h2><p>x</p><h3>B</h3><p>y</p>", _target(shift=2))
    assert re.findall(r"#heading\(level: (\d)", markup) == ["4", "5"]
    assert convert("<h5>A</h5>", _target(shift=3)).startswith("#heading(level: 6")


def test_a_heading_is_kept_with_its_section() -> None:
    markup = convert("<h2>A</h2><p>a</p><h3>B</h3><p>b</p><h2>C</h2><p>c</p>", _target())
    # A keeps its paragraph and its subsection B; C starts a section of its own.
    assert markup.count("#keep(") == 3
    a = markup.index('#"A"')
    c = markup.index('#"C"')
    assert markup.index('#"b"') < c and a < markup.index('#"a"')


def test_links_point_inside_the_document_or_write_their_address(tmp_path: Path) -> None:
    html = (
        '<p><a href="@@/results/a.html">成果</a>、<a href="@@/data/x.csv">CSV</a>、'
        '<a href="https://example.org/x">出典</a>、<a href="https://example.org/y">'
        "https://example.org/y</a></p>"
    )
    markup = convert(html, _target())
    assert "#link(<p-results--a>)" in markup
    assert "x.csv" not in markup  # a site file is not in the PDF: its link text stays
    printed = pr.squeeze(_printed(markup, tmp_path))
    assert "成果、CSV、出典（https://example.org/x）、https://example.org/y" in printed
    assert printed.count("example.org/y") == 1  # an address shown as the text is not repeated


def test_a_table_keeps_its_caption(tmp_path: Path) -> None:
    html = (
        "<table><caption>人員（FTE）</caption><thead><tr><th>技能</th><th>必要</th></tr></thead>"
        '<tbody><tr><th scope="row">開発</th><td>2.0</td></tr></tbody></table>'
    )
    printed = pr.squeeze(_printed(convert(html, _target()), tmp_path))
    assert printed.startswith("人員（FTE）技能必要開発2.0"), printed


def test_references_badges_and_terms(tmp_path: Path) -> None:
    html = (
        '<p>職員は<span class="ref" data-ref="value x">1,105人</span>です。</p>'
        '<dl class="facts"><dt>最新値</dt><dd>75%（2024年8月）</dd>'
        '<dt>目標</dt><dd>80%<span class="badge">例示値</span></dd></dl>'
    )
    printed = pr.squeeze(_printed(convert(html, _target()), tmp_path, layout=True))
    assert "職員は1,105人です。" in printed
    assert "最新値75%（2024年8月）" in printed and "目標80%例示値" in printed


def test_what_paper_has_no_use_for_is_left_out_and_charts_are_handed_over() -> None:
    html = (
        '<figure class="chart" id="chart-a" data-chart="a"><svg></svg>'
        '<p class="alt-text">説明</p></figure><p class="download"><a href="@@/a.csv">CSV</a></p>'
    )
    markup = convert(html, _target())
    assert "FIGURE a" in markup and "説明" not in markup and "CSV" not in markup


def test_unknown_elements_keep_their_text(tmp_path: Path) -> None:
    html = '<p>前<mark>印</mark>後<img alt="図の代わり" src="x.png"></p><custom>独自</custom>'
    printed = pr.squeeze(_printed(convert(html, _target()), tmp_path))
    assert "前印後図の代わり" in printed and "独自" in printed


def test_entities_and_stray_end_tags() -> None:
    tree = parse("<p>a &amp; b &lt;c&gt;</p></div><p>d</p>")
    assert [n.text() for n in tree.kids if not isinstance(n, str)] == ["a & b <c>", "d"]


def test_inline_html_of_a_slide(tmp_path: Path) -> None:
    markup = convert_inline('保有枚数は<span class="ref">9,308万枚</span>', _target())
    assert "\n" not in markup
    assert pr.squeeze(_printed(markup, tmp_path)) == "保有枚数は9,308万枚"


# ── the engine ───────────────────────────────────────────────────────────────────────────


def test_typst_errors_stop_the_build_with_the_document_name() -> None:
    doc = Document("broken.pdf", HEAD + "#no-such-function()\n" + END)
    with pytest.raises(BuildError, match=r"broken\.pdf: .*unknown variable: no-such-function"):
        engine.compile_pdf(doc, FONT)


def test_a_character_the_font_lacks_stops_the_build_naming_its_page() -> None:
    """PDF/UA: no text may be drawn without a glyph (Typst would otherwise draw a box)."""
    parts = [(None, HEAD), ("results/a.html", "= A\n\n" + text("絵文字 \U0001f600")), ("b", "x")]
    with pytest.raises(BuildError, match=r"could not be displayed.*, in results/a\.html$"):
        engine.compile_pdf(assemble("glyph.pdf", parts, "ja"), FONT)


def test_compiled_pdfs_are_tagged_pdf_ua(tmp_path: Path) -> None:
    f = _pdf(convert("<h2>見出し</h2><p>本文</p>", _target()), tmp_path)
    root, cat = pr.structure(f)
    assert cat["lang"] == "ja" and cat["marked"] and cat["display_title"]
    assert [e.tag for e in root.walk() if e.tag.startswith("H")] == ["H1", "H2"]
    meta = subprocess.run(["pdfinfo", "-meta", str(f)], capture_output=True, text=True).stdout
    assert "pdfuaid:part" in meta and ">1<" in meta.replace('"1"', ">1<")
