"""Words that state what the data must show: a direction (上昇, fell, 改善, 後退), an extreme (最も
高い, lowest), a base (国民の, of card holders), a period of a unit (a month, 年間), a label
(例示値), and a chart's title naming what it draws."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from ..japan.periods import Period
from ..japan.typed_dates import period_of
from . import memo
from .dates import agrees
from .figures import clause
from .findings import Finding
from .lexicon import Lexicon
from .passages import Para, Ref, chart_owner
from .run import Context

_UP = (
    r"上昇|増加|増え|増|伸び|拡大|高ま|上回|rose|risen|increased|grew|grown|climbed|went up|gained"
)
_DOWN = (
    r"低下|減少|減っ|減|下落|縮小|下が|下回|fell|fallen|decreased|declined|dropped|went down|shrank"
)
_BETTER = r"改善|前進|向上|上が|improved|moved up|climbed"
_WORSE = r"悪化|後退|落ち|worsened|slipped|moved down|fell back"
DIRECTION = re.compile(
    rf"(?P<better>{_BETTER})|(?P<worse>{_WORSE})|(?P<up>{_UP})|(?P<down>{_DOWN})", re.I
)
ALL = re.compile(r"いずれ|すべて|全て|ともに|そろって|all|both|each", re.I)
EXTREME = re.compile(
    r"(?P<max>最も高|最高|最多|最も多|一番高|最大|highest|largest|most|top)"
    r"|(?P<min>最も低|最低|最少|最も少|一番低|最小|lowest|smallest|fewest|least)",
    re.I,
)
BASES = {
    "holders": re.compile(r"保有者|カードを持つ人|持つ人|card ?holders|cards held|holders", re.I),
    "population": re.compile(r"国民|人口|住民|population|the people|people in japan", re.I),
}
PER = {
    "month": re.compile(r"月|month", re.I),
    "year": re.compile(r"年|year|annual", re.I),
}
PER_WORDS = re.compile(
    r"(?:a|per|each|every)\s+(month|year)|monthly|annually|月あたり|毎月|月間|年間|毎年|1年あたり",
    re.I,
)


def check(para: Para, lex: Lexicon) -> Iterator[Finding]:
    """Directions, extremes, bases and per-period units of one paragraph."""
    for s0, s1 in para.sentences():
        refs = [r for r in para.refs if s0 <= r.start < s1]
        yield from _direction(para, lex, s0, s1, refs)
        yield from _extreme(para, lex, s0, s1, refs)
        yield from _base(para, lex, refs)
        yield from _per(para, lex, refs)
    yield from _labels(para, lex)


# ── direction ─────────────────────────────────────────────────────────────────────────────


def _moves(lex: Lexicon, refs: list[Ref], text: str) -> list[tuple[int, float, str]]:
    """(position, signed change, target) of each change the sentence states: a change
    reference, or two values of one target joined as from … to (から…に, from … to)."""
    out = []
    for r in refs:
        if r.kind in ("change", "share_change") and r.res and r.res.value is not None:
            out.append((r.end, r.res.value, r.target or ""))
    values = [r for r in refs if r.kind in ("value", "share") and r.res and r.res.value is not None]
    for a, b in itertools.pairwise(values):
        between = text[a.end : b.start]
        if a.target == b.target and a.periods and b.periods and re.search(r"から|to|→", between):
            first, second = (a, b) if a.periods[0] <= b.periods[0] else (b, a)
            assert first.res and second.res and first.res.value is not None
            assert second.res.value is not None
            out.append((b.end, second.res.value - first.res.value, a.target or ""))
    return out


def _direction(para: Para, lex: Lexicon, s0: int, s1: int, refs: list[Ref]) -> Iterator[Finding]:
    moves = _moves(lex, refs, para.text)
    if not moves:
        return
    for m in DIRECTION.finditer(para.text, s0, s1):
        before = [mv for mv in moves if mv[0] <= m.start()]
        if not before and para.lang == "en":
            before = [mv for mv in moves if mv[0] > m.start()][:1]  # rose from A to B
        if not before:
            continue
        said = next(k for k in ("better", "worse", "up", "down") if m.group(k))
        scope = (
            before if ALL.search(para.text[max(s0, m.start() - 12) : m.start()]) else before[-1:]
        )
        for _pos, change, target in scope:
            ind = lex.ctx.data.indicators.get(target)
            lower_better = ind is not None and ind.direction == "lower"
            if said in ("better", "worse"):
                if ind is None or ind.direction == "neutral" or change == 0:
                    continue
                good = (change < 0) if lower_better else (change > 0)
                wrong = good != (said == "better")
            else:
                if change == 0:
                    continue
                wrong = (change > 0) != (said == "up")
                if ind is not None and ind.unit == "位":
                    continue  # a rank "rises" as its number falls: only better/worse are read
            if wrong:
                yield lex.ctx.finding(
                    "wrong-direction",
                    para.file,
                    para.line_at(m.start()),
                    f"{m.group(0)!r} describes a change of {change:+g} in {target}"
                    + (" (lower is better)" if lower_better else ""),
                    "say the direction the data moved, or check the references",
                )
                break


# ── extremes ──────────────────────────────────────────────────────────────────────────────


def _extreme(para: Para, lex: Lexicon, s0: int, s1: int, refs: list[Ref]) -> Iterator[Finding]:
    near = refs or para.refs
    for m in EXTREME.finditer(para.text, s0, s1):
        a, b = clause(para.text, m.start(), m.end())
        named = lex.dims_in(para.text[a:b])
        for dim, code in named.items():
            cands = [r for r in near if r.target in lex.ctx.data.indicators and dim in r.dims]
            if not cands:
                continue
            r = cands[0]
            assert r.target is not None
            period = r.periods[0] if r.periods else None
            where = {k: v for k, v in r.dims.items() if k != dim}
            rows = lex.ctx.data.breakdown(r.target, dim, period, where)
            if len(rows) < 3:
                continue
            pick = max if m.group("max") else min
            top = pick(rows, key=lambda row: row[1].value)
            if top[0] != code and top[1].value != dict(rows)[code].value:
                label = lex.ctx.data.dimension_label(dim, top[0], para.lang)
                yield lex.ctx.finding(
                    "wrong-extreme",
                    para.file,
                    para.line_at(m.start()),
                    f"{m.group(0)!r}: in the data ({r.target}, {period}) the "
                    f"{'highest' if m.group('max') else 'lowest'} is {label}",
                    f"name {label}, or reference the values so the reader sees them",
                )


# ── bases and units ───────────────────────────────────────────────────────────────────────


def base_of(name: str) -> str | None:
    """The whole a share is of, as its (Japanese) name says: 保有者に占める → holders."""
    for base, pattern in BASES.items():
        if pattern.search(name):
            return base
    return None


def _base(para: Para, lex: Lexicon, refs: list[Ref]) -> Iterator[Finding]:
    for r in refs:
        ind = lex.ctx.data.indicators.get(r.target or "")
        if ind is None or ind.unit != "%":
            continue
        want = base_of(ind.name.ja)
        if want is None:
            continue
        at = r.start
        if para.lang == "ja":
            near = para.text[max(0, r.start - 8) : r.start]
            said = next(
                (
                    b
                    for b, p in BASES.items()
                    if p.search(near) and near.rstrip("約").endswith("の")
                ),
                None,
            )
        else:
            near = para.text[r.end : r.end + 24]
            m = re.match(r"\s+of\s+([^,.;)]+)", near)
            said = next((b for b, p in BASES.items() if m and p.search(m.group(1))), None)
        if para.surface == "deck" and said is None:
            # a key figure's label: マイナポータル開設率（保有者、概数）
            for b, p in BASES.items():
                m2 = re.search(rf"[（(][^）)]*?(?:{p.pattern})", para.text.split("\n")[0], re.I)
                if m2:
                    said, at = b, m2.start()
        if said is not None and said != want:
            yield lex.ctx.finding(
                "wrong-base",
                para.file,
                para.line_at(at),
                f"{ind.id} is a share of {want}, but the text makes it a share of {said}",
                f"say what it is a share of, as its name does: {ind.name.get(para.lang)}",
            )


def _per(para: Para, lex: Lexicon, refs: list[Ref]) -> Iterator[Finding]:
    """A figure per month said to be per year (and the reverse), beside its reference."""
    for r in refs:
        ind = lex.ctx.data.indicators.get(r.target or "")
        if ind is None or "/" not in ind.unit:
            continue
        per = ind.unit.split("/", 1)[1] + " " + (ind.unit_en or "")
        want = next((k for k, p in PER.items() if p.search(per)), None)
        near = (
            para.text[r.end : r.end + 40]
            if para.lang == "en"
            else para.text[max(0, r.start - 12) : r.end + 12]
        )
        m = PER_WORDS.search(near)
        if want is None or m is None:
            continue
        said = next(k for k, p in PER.items() if p.search(m.group(0)))
        if said != want:
            yield lex.ctx.finding(
                "wrong-unit",
                para.file,
                para.line_at(r.start),
                f"{m.group(0)!r}: {ind.id} is per {want} ({ind.unit_in(para.lang)})",
                f"say per {want}, or drop unit=no so the data prints its unit",
            )


# ── labels ────────────────────────────────────────────────────────────────────────────────

ILLUSTRATIVE_SAID = re.compile(r"例示値|例示|illustrative", re.I)
NOT_SAID = re.compile(r"ではありません|ではない|not illustrative|実在", re.I)


def _labels(para: Para, lex: Lexicon) -> Iterator[Finding]:
    """A sentence saying the values of some dates are illustrative, about data that is real."""

    if not para.owner:
        return
    for s0, s1 in para.sentences():
        sentence = para.text[s0:s1]
        if not ILLUSTRATIVE_SAID.search(sentence) or "目標" in sentence or "target" in sentence:
            continue
        for d in memo.dates(sentence, para.lang):
            try:
                t = period_of(d)
            except ValueError:
                continue
            points = [
                p
                for k in para.owner
                for s in lex.values.series(k)
                for p in s.observed
                if p.period is not None and agrees(t, p.period)
            ]
            if points and not any(p.illustrative for p in points):
                yield lex.ctx.finding(
                    "provenance-label",
                    para.file,
                    para.line_at(s0 + d.start),
                    f"the text says the value of {d.text} is illustrative (例示値), but the data "
                    "there is real",
                    "drop the label from the text, or mark the value illustrative in the data",
                )


# ── chart titles ──────────────────────────────────────────────────────────────────────────


def chart_titles(ctx: Context, lex: Lexicon) -> Iterator[Finding]:
    """A chart's title must not name another indicator (or question) than the one it draws."""
    for c in ctx.ws.charts:
        if c.title is None:
            continue
        own = set(chart_owner(ctx, c.id))
        for lang in ctx.ws.report.languages:
            if lang == "en" and not c.title.en:
                continue
            title = c.title.get(lang)
            scores = lex.names.score(title, len(title), lang, reach=1e9)
            best = max(scores, key=lambda k: scores[k], default=None)
            mine = max((scores.get(k, 0.0) for k in own), default=0.0)
            if best is None or best in own:
                continue
            # names another outright (交付枚数 for a chart of 保有枚数), or far better than its own
            if not (scores[best] >= 0.9 and mine <= scores[best] - 0.2) and not (
                scores[best] >= 0.8 and mine < 0.6
            ):
                continue
            if best.rsplit(".", 1)[0] in {k.rsplit(".", 1)[0] for k in own}:
                continue  # another option of the same question
            file, line = ctx.where.of("charts", c.id, "title", lang)
            name = lex.names.entries[best].names[0 if lang == "ja" else 1]
            yield ctx.finding(
                "title-subject",
                file,
                line,
                f"title {title!r} names {name!r} ({best}), not what the chart shows "
                f"({', '.join(sorted(own))})",
                "title the chart after its data, or remove the title to use the indicator's name",
            )


__all__ = ["Period", "chart_titles", "check"]
