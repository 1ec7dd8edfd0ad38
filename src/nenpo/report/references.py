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


# A survey's shares print as an indicator in % with one decimal would (50.9%, +2.9ポイント).
SHARE = numbers.Display("%", None, 1)


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


_QUOTING = re.compile(r"[\"'\\]")  # what shlex reads specially; without it, it splits at blanks
_BLANKS = re.compile(r"[ \t\r\n]+")  # shlex's whitespace (not U+3000, which is a character)


def parse(inner: str) -> Reference:
    """Parse the inside of {{ … }}; raise ReferenceError_ saying what was expected."""
    raw = "{{" + inner + "}}"
    if _QUOTING.search(inner) is None:  # shlex's split, without its cost (most references)
        bare = inner.strip(" \t\r\n")
        parts = _BLANKS.split(bare) if bare else []
    else:
        try:
            # shlex: option values may be quoted, e.g. text="国民の約75%"
            parts = shlex.split(inner)
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
        _same_decimals(ref, ind.decimals)
        text = ind.display.value(100 - pt.value, lang, unit=ref.options.get("unit") != "no")
        return Resolved(text, 100 - pt.value, pt.illustrative, ind.id, pt.period.key, unit="%")
    if ref.kind == "value" and "minus" in ref.options:
        return _minus(ref, data, ind.id, dims, lang)
    if ref.kind == "value":
        pt = _point(ref, data, ind.id, dims, "at")
        return Resolved(
            _format_value(ref, pt.value, ind.display, lang),
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
        ind.display,
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


def _same_decimals(ref: Reference, decimals: int) -> None:
    """`decimals=` may only restate the indicator's: a value prints one way in every output."""
    raw = ref.options.get("decimals")
    if raw is not None and _decimals(ref, decimals) != decimals:
        raise ReferenceError_(
            f"{ref.raw}: {ref.target!r} prints its values with {decimals} decimal(s) in every "
            f"output; decimals={raw} would print it a second way (set decimals in "
            "indicators.yaml, or remove the option)"
        )


def _format_value(ref: Reference, value: float, display: numbers.Display, lang: str) -> str:
    """The indicator's one format of the value. `format=` names the large unit the value is
    printed in (number: none, man: 万 / million, oku: 億 / billion); it is checked, not obeyed,
    so that prose cannot print a figure differently from the page's 最新値, tables and charts."""
    fmt = ref.options.get("format")
    _same_decimals(ref, display.decimals)
    if fmt is not None:
        if fmt not in ("number", "man", "oku"):
            raise ReferenceError_(f"{ref.raw}: format must be number, man or oku, not {fmt!r}")
        # What the indicator's format prints for this value, in Japanese (万/億 decide it).
        _, large = numbers.scaled(value, "ja") if not display.percent else ("", "")
        prints = {"": "number", "万": "man", "億": "oku"}[large]
        if fmt != prints:
            raise ReferenceError_(
                f"{ref.raw}: this value prints as {display.value(value, 'ja')} in every output "
                f"(format={prints}: {numbers.number(numbers.LARGE_FROM)} and more in 万, "
                "from 1億 in 億; docs/references.md); remove format= or write format=" + prints
            )
    return display.value(value, lang, unit=ref.options.get("unit") != "no")


def _change(
    ref: Reference,
    a: float,
    b: float,
    display: numbers.Display,
    illustrative: bool,
    lang: str,
    ind: str | None,
    period: str,
) -> Resolved:
    fmt = ref.options.get("format", "point" if display.percent else "number")
    if fmt in ("pt", "point"):
        if not display.percent:
            raise ReferenceError_(f"{ref.raw}: a change in points needs a % indicator")
        _same_decimals(ref, display.decimals)
        diff = b - a
        return Resolved(display.points(diff, lang), diff, illustrative, ind, period, unit="pt")
    if fmt == "percent":
        if a == 0:
            raise ReferenceError_(f"{ref.raw}: no percent change from zero")
        rel = (b - a) / abs(a) * 100
        text = numbers.percent(rel, _decimals(ref, display.decimals), sign=True)
        return Resolved(text, rel, illustrative, ind, period, unit="relative%")
    if fmt == "ratio":
        if a == 0:
            raise ReferenceError_(f"{ref.raw}: no ratio to zero")
        ratio = b / a
        text = numbers.number(ratio, _decimals(ref, 1)) + ("倍" if lang == "ja" else " times")
        return Resolved(text, ratio, illustrative, ind, period, unit="倍")
    if fmt == "number":
        if display.percent:
            raise ReferenceError_(
                f"{ref.raw}: a change of a % indicator is printed in points (format=point)"
            )
        _same_decimals(ref, display.decimals)
        diff = b - a
        text = display.change(diff, lang, unit=ref.options.get("unit") != "no")
        return Resolved(text, diff, illustrative, ind, period, unit=display.unit)
    raise ReferenceError_(f"{ref.raw}: format must be point, percent, ratio or number")


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
        _same_decimals(ref, SHARE.decimals)
        text = SHARE.value(v, lang, unit=ref.options.get("unit") != "no")
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
        SHARE,
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
        _format_value(ref, diff, this.display, lang),
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
