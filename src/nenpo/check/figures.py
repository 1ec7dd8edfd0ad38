"""Numbers typed in text: each must agree with the value its sentence and unit point to.

For each figure the subject is found (the indicator or survey option its sentence names, the
references beside it, or what the text is about by its place); the figure must then state one
of the subject's values or targets, or — as its wording says — a difference (増, ポイント), a
ratio (倍), a relative change (%増) or the rest of a share (残り), or a figure computed from the
values referenced with it. Counts (3つの注力領域, 47都道府県) are compared with what they count.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from ..japan import numbers as formats
from ..japan.typed import Figure
from . import memo
from .findings import Finding
from .lexicon import COUNTED_WHOLE, Lexicon
from .numbers import Match, Series, derived, explain
from .passages import HOLE, Para, Ref
from .subjects import _stem

CONFIDENT = 0.34  # a subject named at least this clearly is what the figure states
CLOSE = 0.7  # subjects scoring within this share of the best are all candidates
LABELLED = re.compile(r"例示|illustrative", re.I)
TIME_WORDS = re.compile(
    r"前回|発足|設立|当初|当時|以前|かつて|前年|昨年|最初|初め|previous|earlier|launch|when|"
    r"first|initially|last year|before|since",
    re.I,
)
_CLAUSE = re.compile(r"[、，,;；()（）「」]|\sand\s|\sbut\s|で、")


def clause(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause around a span: between the nearest delimiters."""
    left = max((m.end() for m in _CLAUSE.finditer(text, 0, start)), default=0)
    m = _CLAUSE.search(text, end)
    return left, m.start() if m else len(text)


def compatible(unit: str, fig: Figure, lang: str, unit_en: str = "") -> bool:
    """Whether a figure typed in its unit can state a value of an entry with `unit`."""
    if fig.unit == "%":
        return unit == "%" or bool(fig.change)
    if fig.unit == "pt":
        return unit == "%"
    if fig.unit == "倍":
        return True
    if fig.unit == "":
        return unit != "%"
    return unit == fig.unit


def typed(para: Para, lex: Lexicon, taken: list[tuple[int, int]]) -> list[Figure]:
    """The figures of a paragraph, outside references and outside the spans of dates."""
    out = []
    for f in memo.figures(para.text, para.lang, lex.units):
        if HOLE in para.text[f.start : f.end] or any(a < f.end and f.start < b for a, b in taken):
            continue
        out.append(f)
    return out


def check(para: Para, lex: Lexicon, taken: list[tuple[int, int]]) -> Iterator[Finding]:
    """Every typed figure of the paragraph against the data."""
    figs = typed(para, lex, taken)
    for s0, s1 in para.sentences():
        refs = [r for r in para.refs if s0 <= r.start < s1]
        for fig in (f for f in figs if s0 <= f.start < s1):
            yield from _figure(para, lex, fig, s0, s1, refs)


def _values_of(refs: list[Ref]) -> list[tuple[float, str, bool]]:
    return [
        (r.res.value, r.res.unit, r.res.illustrative)
        for r in refs
        if r.res is not None and r.res.value is not None
    ]


def _figure(
    para: Para, lex: Lexicon, fig: Figure, s0: int, s1: int, refs: list[Ref]
) -> Iterator[Finding]:
    ctx = lex.ctx
    line = para.line_at(fig.start)
    sentence = para.text[s0:s1]
    coll = lex.collection(fig.noun) if fig.noun else None
    coll = coll or (lex.collection(fig.unit) if fig.unit else None)
    counted = _counted(para, lex, fig, coll, refs, para.text[s0 : fig.start]) if coll else ""
    if counted == "exact" or (counted == "part" and fig.word):
        return  # a small part counted in words (two projects under it) is not a data value
    # 「約1,300」 quoted in a description: a bare figure in the unit of what the text describes
    owned = para.strong and bool(para.owner) and fig.approx and fig.unit == ""
    if coll is None and (fig.whole or not (_checkable(fig, para.lang, lex) or owned)):
        return
    fig = _as_quoted(para, fig)
    a, b = clause(para.text, fig.start, fig.end)
    scores = subject_scores(para, lex, fig, s0, s1, refs, (a, b))
    for key in para.owner:
        scores[key] = max(scores.get(key, 0.0), 0.6 if para.strong else 0.2)
    dims = lex.dims_in(para.text[a:b])
    entries = lex.names.entries
    # A figure in the wrong unit for what its sentence names (14点 for a rank in 位)
    best_any = max(scores, key=lambda k: scores[k], default=None)
    if best_any and scores[best_any] >= CONFIDENT and fig.unit not in ("", "%", "倍"):
        e = entries[best_any]
        plain = _plain(fig, lex.values.series(best_any, dims)) or fig.unit == "pt"
        if not compatible(e.unit, fig, para.lang) and plain:
            yield ctx.finding(
                "wrong-unit",
                para.file,
                line,
                f"{fig.text!r} is typed in {fig.unit}, but {e.names[0]} ({best_any}) is in "
                f"{e.unit}",
                f"write the unit of the data ({e.unit}), or reference the value: "
                f"{{{{ value {best_any} }}}}",
            )
            return
    cands = {k: v for k, v in scores.items() if compatible(entries[k].unit, fig, para.lang)}
    top = max(cands.values(), default=0.0)
    subject = [k for k, v in cands.items() if v >= top * CLOSE and v > 0]
    confident = top >= CONFIDENT
    series: list[Series] = []
    for k in subject:
        series.extend(_series(lex, k, dims))
    unit = fig.unit
    matches = explain(fig, series, unit) if confident else []
    typed_here = _typed_values([f for f in figs_in(para, lex, s0, s1) if f.start != fig.start])
    if not matches and not (confident and fig.bound):
        # Computed from what is referenced with it: in its sentence when its subject is clear,
        # else in its paragraph (残りは約4%です。 after the share it completes)
        # (a comparison: 行政人材より75人多い, compares values of the paragraph)
        near = confident and not fig.compare
        around = _values_of(refs) if near else (_values_of(refs) or _values_of(para.refs))
        d = derived(fig, around + typed_here)
        matches = [d] if d else []
    if not matches and not confident:
        # No clear subject: the references of the paragraph in the figure's unit
        same = [r.target for r in para.refs if r.target and r.target in entries]
        same = [k for k in same if compatible(entries[k].unit, fig, para.lang)]
        if same:
            subject, confident = sorted(set(same)), True
            series = [s for k in subject for s in _series(lex, k, dims)]
            matches = explain(fig, series, unit)
    if matches:
        others = [f for f in figs_in(para, lex, s0, s1) if f.start != fig.start]
        yield from _agreeing(para, lex, fig, matches, sentence, line, refs, others)
        return
    if coll is not None and not (counted == "part" and confident):
        if counted != "part":
            yield _miscounted(para, lex, fig, coll, refs, line)
        return  # a part of a collection (約1,300の市区町村) with nothing saying which part
    if confident:
        yield _contradicts(para, lex, fig, subject, series, line)
        return
    anywhere = explain(fig, lex.values.of_unit(fig.unit if fig.unit != "倍" else ""), unit)
    if not anywhere and (fig.unit in lex.units or fig.unit in ("%", "pt")):
        yield ctx.finding(
            "unlinked-number",
            para.file,
            line,
            f"{fig.text!r} typed by hand matches no value in the data",
            "add the figure to the data and reference it, or check it",
        )
    elif anywhere and all(m.illustrative for m in anywhere) and not LABELLED.search(sentence):
        yield _unlabelled(para, lex, fig, line)


def _series(lex: Lexicon, key: str, dims: dict[str, str]) -> list[Series]:
    """The series a figure may state: those of the members it names, else the whole (the
    national total) where there is one."""
    if dims:
        named = lex.values.series(key, dims)
        if named:
            return named
    all_ = lex.values.series(key)
    whole = [s for s in all_ if not s.dims]
    return whole or all_


def subject_scores(
    para: Para,
    lex: Lexicon,
    fig: Figure,
    s0: int,
    s1: int,
    refs: list[Ref],
    around: tuple[int, int],
) -> dict[str, float]:
    """How strongly the sentence names each indicator or option, seen from the figure: each
    reference counts as one character (its length is markup), placed where it is written."""
    keep = [i for i in range(s0, s1) if para.text[i] != HOLE or i == s0 or para.text[i - 1] != HOLE]
    where = {i: n for n, i in enumerate(keep)}

    def at(i: int) -> int:
        while i not in where and i > s0:
            i -= 1
        return where.get(i, 0)

    short = "".join(para.text[i] for i in keep)
    mentions = [(r.target, at(r.start)) for r in refs if r.target]
    return lex.names.score(
        short,
        at(fig.start),
        para.lang,
        mentions,
        clause=(at(around[0]), at(around[1])),
        own=fig.noun,
    )


def _plain(fig: Figure, series: list[Series]) -> bool:
    bare = replace(fig, unit="")
    return any(bare.admits(p.value) for s in series for p in s.points)


def _agreeing(
    para: Para,
    lex: Lexicon,
    fig: Figure,
    matches: list[Match],
    sentence: str,
    line: int,
    refs: list[Ref],
    others: list[Figure],
) -> Iterator[Finding]:
    if all(m.illustrative for m in matches) and not LABELLED.search(sentence):
        yield _unlabelled(para, lex, fig, line)
        return
    dated = refs or TIME_WORDS.search(sentence) or memo.dates(sentence, para.lang)
    if not dated and all(m.how == "value" and not m.latest for m in matches):
        m = matches[0]
        s = m.series
        assert s is not None
        last = s.observed[-1]
        if any(o.admits(last.value) for o in others):
            return  # the sentence lists the series' values, the latest among them
        yield lex.ctx.finding(
            "stale-number",
            para.file,
            line,
            f"{fig.text!r} is {s.target} at {m.points[0].period}, but the data goes on to "
            f"{formats.number(last.value)} ({last.period}) and the text gives no date",
            f"reference the value so it follows the data: {{{{ value {s.target} }}}}, or say "
            "when the figure is from",
        )


def _unlabelled(para: Para, lex: Lexicon, fig: Figure, line: int) -> Finding:
    return lex.ctx.finding(
        "illustrative-unlabelled",
        para.file,
        line,
        f"{fig.text!r} matches only illustrative values (例示値) but is typed as a plain number, "
        "so it is not labelled",
        "reference it ({{ value … }}) so the output labels it 例示値, or say 例示値 in the "
        "sentence",
    )


def _describe(series: list[Series], limit: int = 6) -> str:
    vals = []
    for s in series:
        for p in s.observed[-3:]:
            shown = formats.number(p.value, 2).rstrip("0").rstrip(".")
            vals.append(f"{shown} ({p.period})")
    return ", ".join(vals[-limit:])


def _contradicts(
    para: Para, lex: Lexicon, fig: Figure, subject: list[str], series: list[Series], line: int
) -> Finding:
    names = ", ".join(subject[:3])
    hint = "reference the value so the data prints it: {{ value … }}"
    scaled = [
        k
        for k, f in (
            ("万/億", 1e4),
            ("万/億", 1e-4),
            ("an order of magnitude", 10.0),
            ("an order of magnitude", 0.1),
            ("million/billion", 1e3),
            ("million/billion", 1e-3),
        )
        if any(
            replace(fig, value=fig.value * f, half=fig.half * f).admits(p.value)
            for s in series
            for p in s.points
        )
    ]
    if scaled and not (fig.bound or fig.change or fig.unit in ("倍", "pt")):
        hint = f"the data has this figure at another scale ({scaled[0]}?); " + hint
    elif fig.unit == "%" and fig.change and any(s.unit == "%" for s in series):
        hint = (
            "a change of a percentage is written in points (ポイント, points): "
            "{{ change … format=point }}; " + hint
        )
    elif fig.change or fig.complement or fig.unit in ("pt", "倍"):
        hint = (
            "a difference, a ratio or the rest of a share can be written as a reference: "
            "{{ change … }}, {{ change … format=ratio }}, {{ rest … }}, {{ value … minus=… }} "
            "(docs/references.md)"
        )
    return lex.ctx.finding(
        "prose-number",
        para.file,
        line,
        f"{fig.text!r} typed by hand contradicts the data it is about ({names}: "
        f"{_describe(series) or 'no values'})",
        hint,
    )


def _checkable(fig: Figure, lang: str, lex: Lexicon) -> bool:
    """Whether a figure says what it measures: a unit the data uses (or %, points, 倍), a
    scale (93.8 million), or — in English — a noun the data's units and names use (staff)."""
    if fig.unit in ("%", "pt", "倍"):
        return True  # also in words: "more than three times"
    if fig.unit:
        return fig.unit in lex.units
    if fig.word:
        return False  # "three", "one": a count, read only for what it counts
    if fig.scaled:
        return True  # 149万余, 51.13 thousand: a scale says it is a quantity
    if lang == "ja":
        return False
    words = fig.noun.lower().split()
    return bool(fig.change) or any(_stem(w) in lex.nouns_en for w in words)


def _wanted(para: Para, lex: Lexicon, coll: str, refs: list[Ref]) -> set[float]:
    if coll == "dates":
        near = refs or para.refs or para.section
        targets = {r.target for r in near if r.target}
        for c in para.charts:
            targets |= set(_chart_targets(lex, c))
        return {float(len(s.observed)) for t in targets for s in lex.values.series(t) if s.observed}
    want = {float(n) for n in lex.counts(coll)}
    if coll == "indicators":
        want |= {float(len(para.refs)), float(len({r.target for r in para.refs}))}
    return want


# The reference that prints each count (docs/references.md)
COUNT_FORM = {"prefectures": "prefecture", "dates": "INDICATOR", "municipalities": "municipalities"}
WHOLE_SAID = re.compile(r"全|すべて|全て|\ball\b|\bthe agency's|\bits\b|デジタル庁の|当庁の", re.I)


def _counted(para: Para, lex: Lexicon, fig: Figure, coll: str, refs: list[Ref], before: str) -> str:
    """'exact' when a count is what it counts (or the workspace knows no such count); 'part'
    when it may count a part of a collection often counted in part (up to its whole), to be
    compared with the data its sentence names; '' when it contradicts the whole."""
    want = _wanted(para, lex, coll, refs)
    if not want or any(fig.admits(w) for w in want):
        return "exact"
    whole = coll in COUNTED_WHOLE or fig.whole or WHOLE_SAID.search(before[-12:])
    return "part" if not whole and fig.value <= max(want) else ""


def _quoted(text: str, fig: Figure) -> bool:
    """Whether a figure is inside quotation marks (「…」, "…"): a source's own wording."""
    before = text[: fig.start]
    return before.count("「") > before.count("」") or before.count('"') % 2 == 1


def figs_in(para: Para, lex: Lexicon, s0: int, s1: int) -> list[Figure]:
    """The figures typed in a sentence (for figures computed from them: 約8割 of 1,200), at
    their places in the paragraph, quoted bounds read as the source meant them."""
    out = []
    for f in memo.figures(para.text[s0:s1], para.lang, lex.units):
        if HOLE not in f.text:
            out.append(_as_quoted(para, replace(f, start=f.start + s0, end=f.end + s0)))
    return out


def _as_quoted(para: Para, fig: Figure) -> Figure:
    if _quoted(para.text, fig) and fig.bound in ("gt", "lt"):
        # 「3,029万余」, "over 30.29 million" quoted from the source: the data is that bound
        return replace(fig, bound="ge" if fig.bound == "gt" else "le")
    return fig


def _typed_values(figs: list[Figure]) -> list[tuple[float, str, bool]]:
    return [(f.value, f.unit or "", False) for f in figs if not f.bound and f.unit != "pt"]


def _miscounted(
    para: Para, lex: Lexicon, fig: Figure, coll: str, refs: list[Ref], line: int
) -> Finding:
    want = _wanted(para, lex, coll, refs)
    return lex.ctx.finding(
        "wrong-count",
        para.file,
        line,
        f"{fig.text!r} {fig.noun}: the workspace has "
        f"{', '.join(formats.number(w) for w in sorted(want))}",
        f"write the count, or reference it: {{{{ count {COUNT_FORM.get(coll, coll)} }}}} "
        "(docs/references.md)",
    )


def _chart_targets(lex: Lexicon, chart_id: str) -> list[str]:
    c = next((c for c in lex.ctx.ws.charts if c.id == chart_id), None)
    return [c.indicator] if c is not None and c.indicator else []
