"""Rules on the Markdown bodies: references, numbers typed by hand, headings, explanations."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from markdown_it.token import Token

from ..model.text import I18n
from ..report import references as refs
from ..report.markdown import make_parser, strip_front_matter
from .findings import Finding
from .numbers import Literal, Values, find_literals, unit_kind
from .run import Context

_MD = make_parser()


@dataclass
class _Para:
    line: int
    refs: list[refs.Resolved]
    literals: list[tuple[Literal, int]]  # literal, line


def _pages(ctx: Context) -> dict[str, str]:
    """Markdown path → the title report.yaml gives its page (or chapter)."""
    titles = {}
    for ch in ctx.ws.chapters:
        if ch.content:
            titles[ch.content] = ch.title.ja
        for pg in ch.pages:
            if pg.content:
                titles[pg.content] = pg.title.ja
    return titles


def _lang(path: str) -> str:
    return "en" if "/en/" in f"/{path}" else "ja"


def prose(ctx: Context) -> Iterable[Finding]:
    """Check every Markdown body: references resolve, typed numbers agree with the data."""
    values = ctx.values
    titles = _pages(ctx)
    charts = {c.id for c in ctx.ws.charts}
    for path, text in sorted(ctx.ws.texts.items()):
        body, offset = strip_front_matter(text)
        tokens = _MD.parse(body, {})
        lang = _lang(path)
        yield from _structure(ctx, path, tokens, offset, titles.get(path), charts)
        paras, found = _paragraphs(ctx, path, tokens, offset, lang)
        yield from found
        for para in paras:
            yield from _numbers(ctx, path, para, values)


def _structure(
    ctx: Context, path: str, tokens: list[Token], offset: int, title: str | None, charts: set[str]
) -> Iterator[Finding]:
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
                what = "a chart" if nxt.type == "nenpo_chart" else "a table"
                nline = nxt.map[0] + 1 + offset if nxt.map else line
                yield ctx.finding(
                    "missing-explanation",
                    path,
                    nline,
                    f"{what} follows the heading on line {line} with no text saying what it shows",
                    "add a sentence introducing it under the heading",
                )
        if tok.type == "nenpo_chart" and tok.content not in charts:
            yield ctx.finding(
                "unknown-reference",
                path,
                line,
                f"unknown chart {tok.content!r}",
                "charts.yaml defines: " + ", ".join(sorted(charts)),
            )


def _paragraphs(
    ctx: Context, path: str, tokens: list[Token], offset: int, lang: str
) -> tuple[list[_Para], list[Finding]]:
    """Each paragraph's resolved references and typed numbers; findings of bad references."""
    paras: list[_Para] = []
    found: list[Finding] = []
    for tok in tokens:
        if tok.type != "inline" or not tok.map:
            continue
        first = tok.map[0] + 1 + offset
        para = _Para(first, [], [])
        cursor = 0
        for child in tok.children or []:
            if child.type == "nenpo_ref":
                line = first + child.meta.get("newlines", 0)
                res = _reference(ctx, path, line, child.content, lang)
                if isinstance(res, Finding):
                    found.append(res)
                else:
                    para.refs.append(res)
            elif child.type == "text":
                at = tok.content.find(child.content, cursor)
                if at >= 0:
                    cursor = at + len(child.content)
                for lit in find_literals(child.content):
                    pos = (at if at >= 0 else 0) + lit.start
                    para.literals.append((lit, first + tok.content.count("\n", 0, pos)))
        paras.append(para)
    return paras, found


def _reference(
    ctx: Context, path: str, line: int, inner: str, lang: str
) -> refs.Resolved | Finding:
    try:
        res = refs.resolve(refs.parse(inner), ctx.data, lang)
    except refs.ReferenceError_ as exc:
        return ctx.finding(
            "unknown-reference",
            path,
            line,
            str(exc),
            "see docs/references.md for the syntax and the options",
        )
    if res.computed is not None:
        lits = find_literals(res.text)
        if not lits:
            return ctx.finding(
                "override-text",
                path,
                line,
                f"text {res.text!r} given by hand has no number with a unit; "
                f"the data gives {res.computed!r}",
                "write the figure with its unit, or remove text=",
            )
        bad = [
            lit
            for lit in lits
            if res.value is None
            or not lit.matches(res.value)
            or lit.kind != unit_kind(res.unit or lit.kind)
        ]
        if bad:
            return ctx.finding(
                "override-text",
                path,
                line,
                f"{bad[0].text!r} given by hand disagrees with the data: "
                f"{res.computed} ({res.indicator} at {res.period})",
                f"write {res.computed!r}, or remove text= to print the data",
            )
    return res


def _numbers(ctx: Context, path: str, para: _Para, values: Values) -> Iterator[Finding]:
    for lit, line in para.literals:
        related = [r for r in para.refs if r.indicator and unit_kind(r.unit) == lit.kind]
        if related:
            candidates = [k for r in related for k in values.of(lit.kind, r.indicator or "")]
            if not any(lit.matches(k.value) for k in candidates):
                names = ", ".join(sorted({f"{r.indicator} = {r.text}" for r in related}))
                yield ctx.finding(
                    "prose-number",
                    path,
                    line,
                    f"{lit.text!r} typed by hand contradicts the data referenced "
                    f"in the same paragraph ({names})",
                    "replace it with a reference such as {{ value … }} so the data prints it",
                )
            continue
        found = values.anywhere(lit)
        if not found:
            yield ctx.finding(
                "unlinked-number",
                path,
                line,
                f"{lit.text!r} typed by hand matches no value in the data",
                "add the figure to the data and reference it, or check it",
            )
        elif all(k.illustrative for k in found):
            yield ctx.finding(
                "illustrative-unlabelled",
                path,
                line,
                f"{lit.text!r} matches only illustrative values (例示値) but is "
                "typed as a plain number, so it is not labelled",
                "reference it ({{ value … }}) so the output labels it 例示値",
            )


def deck_text(ctx: Context) -> Iterable[Finding]:
    """The slides' text is prose too: their typed numbers are checked like a page's."""
    if ctx.ws.deck is None:
        return
    values = ctx.values
    seen: set[tuple[str, int | None, str]] = set()
    for slide in ctx.ws.deck.slides:
        texts: list[tuple[tuple[str | int, ...], I18n | None]] = [
            (("title",), slide.title),
            (("message",), slide.message),
            (("note",), slide.note),
        ]
        texts += [(("points", i), p) for i, p in enumerate(slide.points)]
        texts += [(("key_figures", i, "label"), k.label) for i, k in enumerate(slide.key_figures)]
        for sub, text in texts:
            if text is None:
                continue
            for lang in ctx.ws.report.languages:
                # The line of `ja:`/`en:` when the text is a mapping, else the field's own.
                file, line = ctx.where.of("slides", slide.id, *sub, lang)
                file = file or "deck.yaml"
                # A text read as one Markdown document whose first line is the field's line.
                tokens = _MD.parse(text.get(lang), {})
                paras, found = _paragraphs(ctx, file, tokens, (line or 1) - 1, lang)
                for para in paras:
                    found += _numbers(ctx, file, para, values)
                for f in found:  # a text without its English falls back to the Japanese
                    if (f.rule, f.line, f.message) not in seen:
                        seen.add((f.rule, f.line, f.message))
                        yield f


CHECKS = [prose, deck_text]
