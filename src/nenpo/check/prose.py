"""Rules on every published text: references resolve and agree with their figures given by hand,
page headings match their titles, and what is typed by hand — figures, dates, words of direction
and extremes — agrees with the data (figures.py, dates.py, wording.py)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from markdown_it.token import Token

from ..japan.typed import find_figures
from ..model.text import I18n
from ..model.workspace import Chapter, Page
from . import dates, figures, passages, provenance, wording
from .findings import Finding
from .lexicon import Lexicon
from .numbers import unit_kind
from .passages import Para, chart_owner, lang_of, markdown, paragraph, yaml_texts
from .run import Context


def _titles(ctx: Context) -> dict[str, str]:
    """Markdown path → the title report.yaml gives its page (or chapter), in the file's language."""
    titles: dict[str, str] = {}
    nodes: list[Chapter | Page] = [*ctx.ws.chapters]
    nodes += [pg for ch in ctx.ws.chapters for pg in ch.pages]
    for node in nodes:
        if node.content:
            titles[node.content] = node.title.ja
            if node.title.en:
                head, _, name = node.content.rpartition("/")
                titles[f"{head}/en/{name}" if head else f"en/{name}"] = node.title.en
    return titles


def texts(ctx: Context) -> Iterable[Finding]:
    """Every published text: page bodies, summaries, descriptions, notes, chart texts, deck."""
    lex = Lexicon(ctx)
    titles = _titles(ctx)
    charts = {c.id for c in ctx.ws.charts}
    owners = {f"content/projects/{p.id}.md": tuple(p.indicators) for p, _ in ctx.ws.all_projects()}
    owners |= {k.replace("projects/", "projects/en/"): v for k, v in owners.items()}
    found: list[Finding] = []
    for path in sorted(ctx.ws.texts):
        parsed = passages.parsed(ctx, path)
        found += _structure(ctx, path, parsed, titles.get(path), charts)
        paras, bad = markdown(ctx, path, parsed, owners.get(path, ()), lex.refs)
        found += bad
        for para in paras:
            found += _overrides(ctx, para)
            found += _rules(para, lex)
    for para in yaml_texts(ctx):
        found += _rules(para, lex)
    found += _deck(ctx, lex)
    found += wording.chart_titles(ctx, lex)
    seen: set[tuple[str, int | None, str, str]] = set()
    for f in found:  # a text without its English falls back to the Japanese
        if (f.file, f.line, f.rule, f.message) not in seen:
            seen.add((f.file, f.line, f.rule, f.message))
            yield f


def _rules(para: Para, lex: Lexicon) -> Iterator[Finding]:
    taken: list[tuple[int, int]] = []
    yield from dates.check(para, lex, taken)
    yield from figures.check(para, lex, taken)
    yield from wording.check(para, lex)


def _structure(
    ctx: Context, path: str, parsed: tuple[list[Token], int], title: str | None, charts: set[str]
) -> Iterator[Finding]:
    tokens, offset = parsed
    blocks = [t for t in tokens if t.level == 0 and not t.type.endswith("_close")]
    for i, tok in enumerate(blocks):
        line = tok.map[0] + 1 + offset if tok.map else None
        if tok.type == "heading_open" and tok.tag == "h1" and title is not None:
            heading = tokens[tokens.index(tok) + 1].content.strip()
            if heading != title:
                yield ctx.finding(
                    "heading-mismatch",
                    path,
                    line,
                    f"heading {heading!r} differs from the page's title {title!r} in report.yaml",
                    "the page title is its heading: remove the '# …' line, or "
                    "change the title in report.yaml",
                )
        if tok.type == "heading_open" and i + 1 < len(blocks):
            nxt = blocks[i + 1]
            # A chart or a table needs a sentence saying what to read in it. A list is text:
            # under a heading that names it (ビジョン, バリュー, 6つの姿) it explains itself.
            if nxt.type in ("nenpo_chart", "table_open"):
                yield from _explained(ctx, path, offset, tok, nxt, line, tokens)
        if tok.type == "nenpo_chart" and tok.content not in charts:
            yield ctx.finding(
                "unknown-reference",
                path,
                line,
                f"unknown chart {tok.content!r}",
                "charts.yaml defines: " + ", ".join(sorted(charts)),
            )


def _explained(
    ctx: Context,
    path: str,
    offset: int,
    head: Token,
    nxt: Token,
    line: int | None,
    tokens: list[Token],
) -> Iterator[Finding]:
    what = "a chart" if nxt.type == "nenpo_chart" else "a table"
    nline = nxt.map[0] + 1 + offset if nxt.map else line
    yield ctx.finding(
        "missing-explanation",
        path,
        nline,
        f"{what} follows the heading on line {line} with no text saying what it shows",
        "add a sentence introducing it under the heading",
    )


def _overrides(ctx: Context, para: Para) -> Iterator[Finding]:
    """A figure given by hand in a reference (text=) must be the value it stands for."""
    for ref in para.refs:
        res = ref.res
        if res is None or res.computed is None:
            continue
        line = para.line_at(ref.start)
        lits = find_figures(res.text, para.lang, (res.unit,))
        if not lits:
            yield ctx.finding(
                "override-text",
                para.file,
                line,
                f"text {res.text!r} given by hand has no number with a unit; "
                f"the data gives {res.computed!r}",
                "write the figure with its unit, or remove text=",
            )
            continue
        kind = unit_kind(res.unit)
        bad = [
            f
            for f in lits
            if res.value is None
            or not (f.admits(res.value) or (f.unit == "" and f.admits(res.value)))
            or (f.unit not in ("", kind) and not (kind == "pt" and f.unit == "pt"))
        ]
        if bad:
            yield ctx.finding(
                "override-text",
                para.file,
                line,
                f"{bad[0].text!r} given by hand disagrees with the data: "
                f"{res.computed} ({res.indicator} at {res.period})",
                f"write {res.computed!r}, or remove text= to print the data",
            )


def _deck(ctx: Context, lex: Lexicon) -> Iterator[Finding]:
    """The slides' texts, each as a paragraph at the line of its `ja:`/`en:`."""
    deck = ctx.ws.deck
    if deck is None:
        return
    for slide in deck.slides:
        owner = tuple(k for c in slide.chart_ids() for k in chart_owner(ctx, c))
        texts: list[tuple[tuple[str | int, ...], I18n | None, str]] = [
            (("title",), slide.title, ""),
            (("message",), slide.message, ""),
            (("note",), slide.note, ""),
        ]
        texts += [(("points", i), p, "") for i, p in enumerate(slide.points)]
        texts += [
            (("key_figures", i, "label"), k.label, k.value) for i, k in enumerate(slide.key_figures)
        ]
        for sub, text, value in texts:
            if text is None:
                continue
            for lang in ctx.ws.report.languages:
                file, line = ctx.where.of("slides", slide.id, *sub, lang)
                file = file or "deck.yaml"
                # A key figure's label is read with its figure: 「（2024年9月10日時点）」 dates it.
                raw = text.get(lang) + ("\n" + value if value else "")
                para, bad = paragraph(
                    ctx,
                    file,
                    line or 1,
                    lang,
                    raw,
                    "deck",
                    lex.refs,
                    owner=owner,
                    charts=slide.chart_ids(),
                )
                for bline, why in bad:
                    yield ctx.finding(
                        "unknown-reference",
                        file,
                        bline,
                        why,
                        "see docs/references.md for the syntax and the options",
                    )
                yield from _overrides(ctx, para)
                yield from _rules(para, lex)


CHECKS = [texts, *provenance.CHECKS]
__all__ = ["CHECKS", "lang_of"]
