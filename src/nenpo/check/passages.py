"""Every text a reader sees, as paragraphs with their references in place: page bodies and their
headings, page and report summaries, chart titles, notes and alt text, indicator, target, survey
and focus-area descriptions, source notes, project summaries, the press deck.

Each paragraph keeps its file and first line, its language, its references (resolved, with the
periods they stand at) and what it is about when its place says so (an indicator's description
is about the indicator; a chart's note about the chart's data).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from markdown_it.token import Token

from ..japan.periods import Period
from ..model.text import I18n
from ..report import references as refs
from ..report.markdown import make_parser, strip_front_matter
from .findings import Finding
from .run import Context

_MD = make_parser()
HOLE = "\ue000"  # stands where a reference was, so no figure is read inside one
# Not prose: link targets, bare addresses and code.
_MASK = re.compile(r"\]\([^)\s]*\)|https?://[^\s)）」]+|`[^`]*`|<[^>]+>")


@dataclass
class Ref:
    """A reference inside a paragraph: where, what it stands for, at which periods."""

    start: int
    end: int
    inner: str
    kind: str
    target: str | None
    res: refs.Resolved | None
    periods: tuple[Period, ...] = ()
    dims: dict[str, str] = field(default_factory=dict)


@dataclass
class Para:
    """One paragraph (or heading, list item, YAML text) of published text."""

    file: str
    line: int
    lang: str
    text: str  # references replaced by HOLE, addresses and code by spaces
    refs: list[Ref]
    surface: str  # page, heading, summary, chart, description, source, deck
    owner: tuple[str, ...] = ()  # what the text is about by its place (indicator ids, options)
    # A description is about its indicator; a project's page only loosely about its indicators.
    strong: bool = True
    heading: int = 0
    section: list[Ref] = field(default_factory=list)  # a heading's: the references under it
    charts: list[str] = field(default_factory=list)  # a heading's or a slide's charts

    def line_at(self, pos: int) -> int:
        """The line of a position in the paragraph."""
        return self.line + self.text.count("\n", 0, pos)

    def sentences(self) -> list[tuple[int, int]]:
        """(start, end) of each sentence."""
        ends = r"[。！？!?]|\.(?=\s|$)" if self.lang == "en" else r"[。！？!?]"
        out, start = [], 0
        for m in re.finditer(ends, self.text):
            out.append((start, m.end()))
            start = m.end()
        if start < len(self.text):
            out.append((start, len(self.text)))
        return out


def _periods(ctx: Context, ref: refs.Reference, res: refs.Resolved) -> tuple[Period, ...]:
    if ref.kind in ("share", "share_change") or (ref.kind == "rest" and ref.target.count(".")):
        sid, _q, _o = ref.target.split(".")
        waves = {w.id: Period.parse(w.date) for w in ctx.data.surveys[sid].waves}
        latest = max(waves, key=lambda w: waves[w]) if waves else ""
        ids = res.period.split("..") if res.period else [latest]
        return tuple(waves[i] for i in ids if i in waves)
    if not res.period:
        return ()
    out = []
    for key in res.period.split(".."):
        try:
            out.append(Period.parse(key))
        except ValueError:
            continue
    return tuple(out)


Resolutions = dict[tuple[str, str], tuple["Ref | None", "str | None"]]


def resolve(
    ctx: Context, inner: str, lang: str, cache: Resolutions | None = None
) -> tuple[Ref | None, str | None]:
    """A reference resolved, or the reason it cannot be (each once per run, with a `cache`:
    the pages, their translations and the deck repeat the same references)."""
    cache = {} if cache is None else cache
    if (inner, lang) not in cache:
        cache[(inner, lang)] = _resolve(ctx, inner, lang)
    ref, why = cache[(inner, lang)]
    return (dataclasses.replace(ref) if ref else None), why


def _resolve(ctx: Context, inner: str, lang: str) -> tuple[Ref | None, str | None]:
    try:
        ref = refs.parse(inner)
        res = refs.resolve(ref, ctx.data, lang)
    except refs.ReferenceError_ as exc:
        return None, str(exc)
    ind = ctx.data.indicators.get(ref.target)
    dims = {k: v for k, v in ref.options.items() if ind and k in ind.dimensions}
    target = ref.target if ref.kind != "chart" else None
    return Ref(0, 0, inner, ref.kind, target, res, _periods(ctx, ref, res), dims), None


def paragraph(
    ctx: Context,
    file: str,
    line: int,
    lang: str,
    raw: str,
    surface: str,
    cache: Resolutions | None = None,
    **kw: object,
) -> tuple[Para, list[tuple[int, str]]]:
    """A paragraph from its raw text; also (line, message) of references that do not resolve."""
    text = _MASK.sub(lambda m: " " * len(m.group(0)), raw)
    found: list[Ref] = []
    bad: list[tuple[int, str]] = []
    for start, end, inner in refs.find(raw):
        text = text[:start] + HOLE * (end - start) + text[end:]
        ref, why = resolve(ctx, inner, lang, cache)
        if ref is None:
            bad.append((line + raw.count("\n", 0, start), why or ""))
            continue
        ref.start, ref.end = start, end
        found.append(ref)
    return Para(file, line, lang, text, found, surface, **kw), bad  # type: ignore[arg-type]


def lang_of(path: str) -> str:
    """'en' for a translation under an en/ folder, else 'ja'."""
    return "en" if "/en/" in f"/{path}" else "ja"


def parse(text: str) -> tuple[list[Token], int]:
    """A Markdown body's tokens, and the lines its front matter takes."""
    body, offset = strip_front_matter(text)
    return _MD.parse(body, {}), offset


def parsed(ctx: Context, path: str) -> tuple[list[Token], int]:
    """`parse` of a text of the workspace, once per run (the prose and placement rules both
    read every page's tokens; none changes them)."""
    return ctx.cache(f"markdown:{path}", lambda: parse(ctx.ws.texts[path]))


def markdown(
    ctx: Context,
    path: str,
    parsed: tuple[list[Token], int],
    owner: tuple[str, ...] = (),
    cache: Resolutions | None = None,
) -> tuple[list[Para], list[Finding]]:
    """A Markdown body as paragraphs; headings carry the references of their section."""
    tokens, offset = parsed
    lang = lang_of(path)
    paras: list[Para] = []
    found: list[Finding] = []
    open_heads: list[Para] = []
    for i, tok in enumerate(tokens):
        if tok.type == "nenpo_chart":
            for h in open_heads:
                h.charts.append(tok.content)
            continue
        if tok.type != "inline" or not tok.map:
            continue
        prev: Token | None = tokens[i - 1] if i else None
        level = int(prev.tag[1]) if prev is not None and prev.type == "heading_open" else 0
        para, bad = paragraph(
            ctx,
            path,
            tok.map[0] + 1 + offset,
            lang,
            tok.content,
            "heading" if level else "page",
            cache,
            owner=owner,
            heading=level,
            strong=False,
        )
        for line, why in bad:
            found.append(
                ctx.finding(
                    "unknown-reference",
                    path,
                    line,
                    why,
                    "see docs/references.md for the syntax and the options",
                )
            )
        if level:
            open_heads = [h for h in open_heads if h.heading < level] + [para]
        else:
            for h in open_heads:
                h.section.extend(para.refs)
        paras.append(para)
    return paras, found


def _yaml(
    ctx: Context,
    text: I18n | None,
    kind: str,
    ident: str,
    sub: tuple[str | int, ...],
    surface: str,
    owner: tuple[str, ...] = (),
    strong: bool = True,
    cache: Resolutions | None = None,
) -> Iterator[Para]:
    if text is None:
        return
    for lang in ctx.ws.report.languages:
        if lang == "en" and not text.en:
            continue
        file, line = ctx.where.of(kind, ident, *sub, lang)
        para, _bad = paragraph(
            ctx, file, line or 1, lang, text.get(lang), surface, cache, owner=owner, strong=strong
        )
        yield para


def yaml_texts(ctx: Context) -> Iterator[Para]:
    """The texts of the YAML files a reader sees, each with what its place says it is about."""
    ws = ctx.ws
    yield from _yaml(ctx, ws.report.summary, "main", "report", ("summary",), "summary")
    if ws.priority_plan is not None:
        yield from _yaml(
            ctx, ws.priority_plan.description, "main", "priority_plan", ("description",), "summary"
        )
    for ch in ws.chapters:
        for pg in ch.pages:
            yield from _yaml(ctx, pg.summary, "pages", pg.id, ("summary",), "summary")
    for fa in ws.focus_areas:
        yield from _yaml(ctx, fa.description, "focus_areas", fa.id, ("description",), "summary")
    for p, _parent in ws.all_projects():
        yield from _yaml(
            ctx, p.summary, "projects", p.id, ("summary",), "summary", tuple(p.indicators), False
        )
    for ind in ws.indicators:
        own = (ind.id,)
        yield from _yaml(
            ctx, ind.description, "indicators", ind.id, ("description",), "description", own
        )
        for i, t in enumerate(ind.targets):
            yield from _yaml(
                ctx, t.note, "indicators", ind.id, ("targets", i, "note"), "description", own
            )
    for sv in ws.surveys:
        options = tuple(f"{sv.id}.{q.id}.{o.id}" for q in sv.questions for o in q.options)
        yield from _yaml(ctx, sv.method, "surveys", sv.id, ("method",), "description", options)
    by_source: dict[str, set[str]] = {}
    for ind in ws.indicators:
        by_source.setdefault(ind.source, set()).add(ind.id)
    for o in ws.observations:
        if o.source:
            by_source.setdefault(o.source, set()).add(o.indicator)
    for s in ws.sources:
        owner = tuple(sorted(by_source.get(s.id, ())))
        yield from _yaml(ctx, s.note, "sources", s.id, ("note",), "source", owner)
    for c in ws.charts:
        owner = chart_owner(ctx, c.id)
        for key in ("title", "note", "alt"):
            yield from _yaml(ctx, getattr(c, key), "charts", c.id, (key,), "chart", owner)


def chart_owner(ctx: Context, chart_id: str) -> tuple[str, ...]:
    """What a chart shows: its indicator, or its survey question's options."""
    c = next((c for c in ctx.ws.charts if c.id == chart_id), None)
    if c is None:
        return ()
    if c.kind == "survey" and c.survey and c.question and c.survey in ctx.data.surveys:
        sv = ctx.data.surveys[c.survey]
        return tuple(
            f"{sv.id}.{q.id}.{o.id}" for q in sv.questions if q.id == c.question for o in q.options
        )
    return (c.indicator,) if c.indicator else ()
