"""Structure: a chart under a heading of another subject; a content file no page shows.

A chart belongs where the text is about what it draws. The section a chart stands in (from
the heading above it to the next heading) says what it is about in two ways: the data its
references name, and, where it has none, its words. A chart whose indicator (or survey
question) is not among the data its section references — nor related to it as a ratio's input
— is misplaced; in a section without references, a chart is misplaced when the section's
words name another chart's subject clearly better than its own.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from markdown_it.token import Token

from ..ingest.content import unshown
from ..model.workspace import Chart
from ..report import references as refs
from .findings import Finding
from .passages import parsed
from .run import Context

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]+")
_WORD = re.compile(r"[A-Za-z]{3,}")
_STOP = {"the", "and", "for", "with", "from", "that", "this", "are", "was", "has", "have", "its"}
_STOP |= {"over", "time", "chart", "share", "number", "people", "who", "which", "per", "all"}


def grams(text: str) -> set[str]:
    """What a text talks about, roughly: its CJK character pairs and English words."""
    out = {w.lower() for w in _WORD.findall(text)} - _STOP
    for run in _CJK.findall(refs.PATTERN.sub(" ", text)):
        out.update(run[i : i + 2] for i in range(len(run) - 1))
    return out


@dataclass
class _Section:
    heading: str
    line: int
    text: list[str] = field(default_factory=list)
    subjects: set[str] = field(default_factory=set)
    charts: list[tuple[str, int]] = field(default_factory=list)


def _sections(parsed: tuple[list[Token], int]) -> list[_Section]:
    """The body cut at every heading: each part's heading, words, referenced data, charts."""
    tokens, offset = parsed
    out = [_Section("", 1 + offset)]
    for i, tok in enumerate(tokens):
        line = tok.map[0] + 1 + offset if tok.map else out[-1].line
        if tok.type == "heading_open":
            out.append(_Section(tokens[i + 1].content, line))
            out[-1].text.append(tokens[i + 1].content)
        elif tok.type == "nenpo_chart":
            out[-1].charts.append((tok.content, line))
        elif tok.type == "inline" and not (i and tokens[i - 1].type == "heading_open"):
            out[-1].text.append(tok.content)
            for child in tok.children or []:
                if child.type == "nenpo_ref":
                    out[-1].subjects.update(_subjects(child.content))
    return out


def _subjects(inner: str) -> set[str]:
    """The data a reference names: an indicator, or a survey question."""
    try:
        ref = refs.parse(inner)
    except refs.ReferenceError_:
        return set()
    if ref.kind in ("share", "share_change"):
        return {".".join(ref.target.split(".")[:2])}
    return {ref.target} if ref.kind != "chart" else set()


def _drawn(ctx: Context, chart: Chart) -> set[str]:
    """What a chart draws, and the data it is computed with or from (a ratio and its inputs)."""
    if chart.kind == "survey":
        return {f"{chart.survey}.{chart.question}"}
    ind = chart.indicator or ""
    out = {ind}
    for other in ctx.ws.indicators:
        if other.ratio is None:
            continue
        inputs = {other.ratio.numerator, other.ratio.denominator}
        if other.id == ind:
            out |= inputs
        elif ind in inputs:
            out.add(other.id)
    return out


def _words(ctx: Context, chart: Chart, lang: str) -> str:
    """The words that name what a chart draws in `lang`: its title, its indicator or
    question, its dimension."""
    named = [chart.title] if chart.title else []
    if chart.kind == "survey" and chart.survey in ctx.data.surveys and chart.question:
        named.append(ctx.data.question(chart.survey, chart.question)[1].text)
    elif chart.indicator in ctx.data.indicators:
        named.append(ctx.data.indicators[chart.indicator or ""].name)
    if chart.dimension in ctx.data.dimensions:
        named.append(ctx.data.dimensions[chart.dimension or ""].name)
    return " ".join(n.get(lang) for n in named)


class _Vocabulary:
    """Each chart's words in one language, weighted by how few charts share them (rarer words
    say more)."""

    def __init__(self, ctx: Context, lang: str):
        self.charts = {c.id: c for c in ctx.ws.charts}
        self.grams = {c.id: grams(_words(ctx, c, lang)) for c in ctx.ws.charts}
        df = Counter(g for gs in self.grams.values() for g in gs)
        n = len(self.grams) or 1
        self.weight = {g: math.log(1 + n / k) for g, k in df.items()}

    def score(self, gs: set[str], text: set[str]) -> float:
        """How much of a set of words the text contains (0 to 1), the rarer counting more."""
        total = sum(self.weight[g] for g in gs)
        return sum(self.weight[g] for g in gs & text) / total if total else 0.0

    def apart(self, a: str, b: str, text: set[str]) -> tuple[float, float]:
        """How much of the words that only chart `a` has, and that only `b` has, the text
        contains."""
        ga, gb = self.grams[a], self.grams[b]
        return self.score(ga - gb, text), self.score(gb - ga, text)


def chart_placement(ctx: Context) -> Iterable[Finding]:
    """A chart under a heading of another subject."""
    vocabs = {lang: _Vocabulary(ctx, lang) for lang in ("ja", "en")}
    for path in sorted(ctx.ws.texts):
        vocab = vocabs["en" if "/en/" in f"/{path}" else "ja"]
        for sec in _sections(parsed(ctx, path)):
            for ident, line in sec.charts:
                chart = vocab.charts.get(ident)
                if chart is not None:
                    yield from _placed(ctx, vocab, path, sec, chart, line)


def _placed(
    ctx: Context, vocab: _Vocabulary, path: str, sec: _Section, chart: Chart, line: int
) -> Iterator[Finding]:
    drawn = _drawn(ctx, chart)
    under = f"under the heading {sec.heading!r}" if sec.heading else "at the top of the page"
    if vocab.score(vocab.grams[chart.id], grams(sec.heading)) >= 1 / 2:
        return  # the heading names what the chart draws (職員数の推移 over the staff chart)
    if sec.subjects:
        if not drawn & sec.subjects:
            yield ctx.finding(
                "chart-placement",
                path,
                line,
                f"chart {chart.id!r} draws {', '.join(sorted(drawn - {''}))}, but the text "
                f"{under} references {', '.join(sorted(sec.subjects))}",
                "move the chart to the section about what it draws, or reference its data in "
                "the text beside it",
            )
        return
    words = grams(" ".join(sec.text))
    found = []
    for c in vocab.charts.values():
        if _drawn(ctx, c) & drawn:
            continue
        # Only the words that tell the two apart count (職員 names both 職員数 and 職員の組織
        # 信頼度): the section names the other chart's own words, and hardly this one's.
        mine, theirs = vocab.apart(chart.id, c.id, words)
        if theirs >= 1 / 3 and mine < theirs / 3:
            found.append((theirs, c.id))
    if found:
        _score, other = max(found)
        yield ctx.finding(
            "chart-placement",
            path,
            line,
            f"chart {chart.id!r} stands {under}, whose text is about what chart {other!r} draws",
            "move the chart to the section about what it draws, or say in the text beside it "
            "what it shows",
        )


def content_files(ctx: Context) -> Iterable[Finding]:
    """A Markdown file under content/ that no page shows: its text would be left out."""
    for u in unshown(ctx.ws):
        meant = [what for _p, what in u.meant]
        yield ctx.finding(
            "unmatched-content",
            u.path,
            None,
            f"no page shows {u.path}, so its text is left out of the report"
            + (f"; did you mean {' or '.join(meant)}?" if meant else ""),
            "rename it: " + "; ".join(f"{p} is read by {what}" for p, what in u.meant)
            if meant
            else "name it in report.yaml (content:), or name it content/projects/PROJECT.md",
        )


CHECKS = [chart_placement, content_files]
