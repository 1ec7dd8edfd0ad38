"""References to data in prose: {{ value card_holders at=2024-08 format=man }} → 9,308万枚.

The syntax (docs/references.md): `{{ KIND TARGET key=value … }}` with KIND one of value, change,
share, share_change, rest, count, first, last (inline) or chart (alone on a line). A reference is
resolved against the data at build time, so a number in prose can never disagree with the data.
Figures derived from the data — a difference (value … minus=), a ratio (change … format=ratio),
the rest of a share (rest), a count (count) — are references too, so they are checked as well.
"""

from __future__ import annotations

import dataclasses
import re
import shlex
from dataclasses import dataclass, field

from ..errors import BuildError
from ..japan import numbers
from ..japan.periods import Period, date_label
from ..lookups.data import Data, Point

PATTERN = re.compile(r"\{\{(.*?)\}\}", re.S)
_SHLEX_SPECIAL = re.compile(r"[\"'\\]|[^\S \t\r\n]")  # quotes, backslash, other spaces
KINDS = ("value", "change", "share", "share_change", "rest", "count", "first", "last", "chart")
OPTIONS = {
    "value": {"at", "format", "decimals", "unit", "text", "minus"},
    "change": {"from", "to", "format", "decimals", "unit", "text"},
    "share": {"wave", "decimals", "unit", "text"},
    "share_change": {"from", "to", "format", "decimals", "text"},
    "rest": {"at", "wave", "decimals", "unit", "text"},
    "count": {"text"},
    "first": {"format"},
    "last": {"format"},
    "chart": set(),
}


class ReferenceError_(BuildError):
    """A reference that cannot be parsed or resolved; the message says what was expected."""


@dataclass(frozen=True)
class Reference:
    """One parsed reference."""

    kind: str
    target: str
    options: dict[str, str] = field(default_factory=dict)
    raw: str = ""


@dataclass(frozen=True)
class Resolved:
    """A reference's value and its text as printed."""

    text: str
    value: float | None
    illustrative: bool
    indicator: str | None = None
    period: str | None = None
    computed: str | None = None  # the text from the data, when `text=` overrides it
    unit: str = ""


def parse(inner: str) -> Reference:
    """Parse the inside of {{ … }}; raise ReferenceError_ saying what was expected."""
    raw = "{{" + inner + "}}"
    try:
        # shlex: option values may be quoted, e.g. text="国民の約75%". Without a quote, a
        # backslash or a space shlex does not split on, its words are str.split's (and shlex
        # takes a tenth of a check).
        parts = inner.split() if not _SHLEX_SPECIAL.search(inner) else shlex.split(inner)
    except ValueError as exc:
        raise ReferenceError_(f"{raw}: {exc}") from None
    if len(parts) < 2:
        raise ReferenceError_(
            f"{raw}: expected {{{{ KIND TARGET [key=value …] }}}} with KIND one "
            f"of {', '.join(KINDS)}"
        )
    kind, target, *rest = parts
    if kind not in KINDS:
        raise ReferenceError_(f"{raw}: unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    options = {}
    for item in rest:
        key, eq, value = item.partition("=")
        if not eq or not key or not value:
            raise ReferenceError_(f"{raw}: {item!r} is not key=value")
        options[key] = value
    return Reference(kind, target, options, raw)


def find(text: str) -> list[tuple[int, int, str]]:
    """(start, end, inner) of every {{ … }} in `text`."""
    return [(m.start(), m.end(), m.group(1)) for m in PATTERN.finditer(text)]


def _period(ref: Reference, key: str) -> Period | None:
    value = ref.options.get(key)
    if value is None or value == "latest":
        return None
    try:
        return Period.parse(value)
    except ValueError as exc:
        raise ReferenceError_(f"{ref.raw}: {key}: {exc}") from None


def _decimals(ref: Reference, default: int) -> int:
    raw = ref.options.get("decimals")
    if raw is None:
        return default
    if not raw.isdigit():
        raise ReferenceError_(f"{ref.raw}: decimals must be a whole number, not {raw!r}")
    return int(raw)


def resolve(ref: Reference, data: Data, lang: str = "ja") -> Resolved:
    """The value a reference stands for and its text; raise ReferenceError_ if it has none.

    With `text="…"` the hand-written text is shown instead of the computed one; `nenpo check`
    compares the two (rule override-text).
    """
    res = _resolve(ref, data, lang)
    override = ref.options.get("text")
    if override is None:
        return res
    return dataclasses.replace(res, text=override, computed=res.text)


def _resolve(ref: Reference, data: Data, lang: str) -> Resolved:
    if ref.kind == "chart":
        raise ReferenceError_(f"{ref.raw}: a chart reference stands alone on its own line")
    if ref.kind == "count":
        return _count(ref, data)
    if ref.kind in ("share", "share_change") or (ref.kind == "rest" and ref.target.count(".")):
        return _resolve_share(ref, data, lang)
    ind = data.indicators.get(ref.target)
    if ind is None:
        raise ReferenceError_(f"{ref.raw}: unknown indicator {ref.target!r}")
    allowed = OPTIONS[ref.kind] | set(ind.dimensions)
    unknown = set(ref.options) - allowed
    if unknown:
        raise ReferenceError_(
            f"{ref.raw}: unknown option(s) {', '.join(sorted(unknown))}; "
            f"expected {', '.join(sorted(allowed))}"
        )
    dims = {k: v for k, v in ref.options.items() if k in ind.dimensions}
    series = data.series(ind.id, dims)
    if not series:
        raise ReferenceError_(
            f"{ref.raw}: {ind.id!r} has no observations" + (f" for {dims}" if dims else "")
        )
    if ref.kind in ("first", "last"):
        pt = series[0] if ref.kind == "first" else series[-1]
        style = ref.options.get("format", "long")
        if style not in ("long", "dot", "wareki"):
            raise ReferenceError_(f"{ref.raw}: format must be long, dot or wareki")
        return Resolved(
            date_label(pt.period, style, lang), None, pt.illustrative, ind.id, pt.period.key
        )
    if ref.kind == "rest":
        if ind.unit != "%":
            raise ReferenceError_(f"{ref.raw}: the rest of a share needs a % indicator")
        pt = _point(ref, data, ind.id, dims, "at")
        text = numbers.number(100 - pt.value, _decimals(ref, ind.decimals))
        text = text if ref.options.get("unit") == "no" else text + "%"
        return Resolved(text, 100 - pt.value, pt.illustrative, ind.id, pt.period.key, unit="%")
    if ref.kind == "value" and "minus" in ref.options:
        return _minus(ref, data, ind.id, dims, lang)
    if ref.kind == "value":
        pt = _point(ref, data, ind.id, dims, "at")
        return Resolved(
            _format_value(ref, pt.value, ind.unit_in(lang), ind.decimals, lang),
            pt.value,
            pt.illustrative,
            ind.id,
            pt.period.key,
            unit=ind.unit,
        )
    a = _point(ref, data, ind.id, dims, "from")
    b = _point(ref, data, ind.id, dims, "to")
    return _change(
        ref,
        a.value,
        b.value,
        ind.unit_in(lang),
        ind.decimals,
        a.illustrative or b.illustrative,
        lang,
        ind.id,
        f"{a.period.key}..{b.period.key}",
    )


def _point(ref: Reference, data: Data, ind: str, dims: dict[str, str], key: str) -> Point:
    if ref.kind == "change" and key not in ref.options:
        raise ReferenceError_(f"{ref.raw}: a change needs from= and to=")
    period = _period(ref, key)
    pt = data.value_at(ind, period, dims)
    if pt is None:
        dates = ", ".join(p.period.key for p in data.series(ind, dims))
        raise ReferenceError_(f"{ref.raw}: {ind!r} has no observation at {period}; it has {dates}")
    return pt


def _format_value(ref: Reference, value: float, unit: str, decimals: int, lang: str) -> str:
    fmt = ref.options.get("format", "number")
    dec = _decimals(ref, decimals)
    if fmt == "number":
        text = numbers.number(value, dec)
    elif fmt in ("man", "oku"):
        text = numbers.large(value, "万" if fmt == "man" else "億", dec, lang)
    else:
        raise ReferenceError_(f"{ref.raw}: format must be number, man or oku, not {fmt!r}")
    return text if ref.options.get("unit") == "no" else numbers.with_unit(text, unit, lang)


def _change(
    ref: Reference,
    a: float,
    b: float,
    unit: str,
    decimals: int,
    illustrative: bool,
    lang: str,
    ind: str | None,
    period: str,
) -> Resolved:
    fmt = ref.options.get("format", "point" if unit == "%" else "number")
    dec = _decimals(ref, decimals)
    if fmt in ("pt", "point"):
        diff = b - a
        text = numbers.points(diff, dec, lang, short=fmt == "pt")
        return Resolved(text, diff, illustrative, ind, period, unit="pt")
    if fmt == "percent":
        if a == 0:
            raise ReferenceError_(f"{ref.raw}: no percent change from zero")
        rel = (b - a) / abs(a) * 100
        text = numbers.percent(rel, dec, sign=True)
        return Resolved(text, rel, illustrative, ind, period, unit="relative%")
    if fmt == "ratio":
        if a == 0:
            raise ReferenceError_(f"{ref.raw}: no ratio to zero")
        ratio = b / a
        text = numbers.number(ratio, _decimals(ref, 1)) + ("倍" if lang == "ja" else " times")
        return Resolved(text, ratio, illustrative, ind, period, unit="倍")
    if fmt == "number":
        diff = b - a
        text = numbers.number(diff, dec, sign=True)
        if ref.options.get("unit") != "no":
            text = numbers.with_unit(text, unit, lang)
        return Resolved(text, diff, illustrative, ind, period, unit=unit)
    raise ReferenceError_(f"{ref.raw}: format must be pt, point, percent, ratio or number")


def _resolve_share(ref: Reference, data: Data, lang: str) -> Resolved:
    parts = ref.target.split(".")
    if len(parts) != 3:
        raise ReferenceError_(f"{ref.raw}: expected SURVEY.QUESTION.OPTION, not {ref.target!r}")
    sid, qid, oid = parts
    if sid not in data.surveys:
        raise ReferenceError_(f"{ref.raw}: unknown survey {sid!r}")
    sv = data.surveys[sid]
    q = next((q for q in sv.questions if q.id == qid), None)
    if q is None:
        raise ReferenceError_(f"{ref.raw}: survey {sid!r} has no question {qid!r}")
    if oid not in {o.id for o in q.options}:
        raise ReferenceError_(
            f"{ref.raw}: question {qid!r} has no option {oid!r}; expected "
            + ", ".join(o.id for o in q.options)
        )
    unknown = set(ref.options) - OPTIONS[ref.kind]
    if unknown:
        raise ReferenceError_(f"{ref.raw}: unknown option(s) {', '.join(sorted(unknown))}")
    by_wave = {w.id: s for w, s in data.shares(sid, qid)}
    if not by_wave:
        raise ReferenceError_(f"{ref.raw}: no results for {sid}.{qid}")
    illustrative = sv.provenance == "illustrative"

    def share(wave: str | None) -> float:
        if wave is None:
            return list(by_wave.values())[-1][oid]
        if wave not in by_wave:
            raise ReferenceError_(f"{ref.raw}: no wave {wave!r}; expected " + ", ".join(by_wave))
        return by_wave[wave][oid]

    if ref.kind in ("share", "rest"):
        v = share(ref.options.get("wave"))
        v = 100 - v if ref.kind == "rest" else v
        text = numbers.number(v, _decimals(ref, 1))
        text = text if ref.options.get("unit") == "no" else text + "%"
        return Resolved(
            text, v, illustrative, f"{sid}.{qid}.{oid}", ref.options.get("wave"), unit="%"
        )
    if "from" not in ref.options or "to" not in ref.options:
        raise ReferenceError_(f"{ref.raw}: a share_change needs from= and to= (wave ids)")
    a, b = share(ref.options["from"]), share(ref.options["to"])
    return _change(
        ref,
        a,
        b,
        "%",
        1,
        illustrative,
        lang,
        f"{sid}.{qid}.{oid}",
        f"{ref.options['from']}..{ref.options['to']}",
    )


def _minus(ref: Reference, data: Data, ind: str, dims: dict[str, str], lang: str) -> Resolved:
    """{{ value A minus=B }}: A less B at the same date (the rest: 8,164 − 7,835 = 329件)."""
    other = data.indicators.get(ref.options["minus"])
    this = data.indicators[ind]
    if other is None:
        raise ReferenceError_(f"{ref.raw}: minus: unknown indicator {ref.options['minus']!r}")
    if other.unit != this.unit:
        raise ReferenceError_(
            f"{ref.raw}: minus: {other.id!r} is in {other.unit}, {ind!r} in {this.unit}"
        )
    a = _point(ref, data, ind, dims, "at")
    b = data.value_at(other.id, a.period, dims)
    if b is None:
        raise ReferenceError_(f"{ref.raw}: minus: {other.id!r} has no observation at {a.period}")
    diff = a.value - b.value
    return Resolved(
        _format_value(ref, diff, this.unit_in(lang), this.decimals, lang),
        diff,
        a.illustrative or b.illustrative,
        ind,
        a.period.key,
        unit=this.unit,
    )


# What a count may count besides a dimension's values or an indicator's dates.
COLLECTIONS = ("focus_areas", "projects", "aims", "slides", "municipalities")


def _count(ref: Reference, data: Data) -> Resolved:
    """{{ count TARGET }}: how many focus areas, projects (with sub-projects: projects_all),
    aims or slides the workspace has; municipalities (1,741, without the wards); the values of
    a dimension (prefecture: 47); the dates of an indicator (with dimension options)."""
    from ..japan import codes

    ws, target = data.ws, ref.target
    n: int | None = {
        "focus_areas": len(ws.focus_areas),
        "projects": len(ws.projects),
        "projects_all": len(ws.all_projects()),
        "aims": len(ws.aims),
        "slides": len(ws.deck.slides) if ws.deck else 0,
        "municipalities": len(codes.municipalities()),
    }.get(target)
    if n is None and target in data.dimensions:
        n = len(data.dimensions[target].values)
    ind = data.indicators.get(target)
    if n is None and ind is not None:
        dims = {k: v for k, v in ref.options.items() if k in ind.dimensions}
        unknown = set(ref.options) - set(ind.dimensions) - OPTIONS["count"]
        if unknown:
            raise ReferenceError_(f"{ref.raw}: unknown option(s) {', '.join(sorted(unknown))}")
        n = len({p.period for p in data.series(ind.id, dims)})
    if n is None:
        raise ReferenceError_(
            f"{ref.raw}: cannot count {target!r}; expected one of {', '.join(COLLECTIONS)}, "
            "projects_all, a dimension or an indicator"
        )
    return Resolved(numbers.number(n), float(n), False, ind.id if ind else target, None)
