"""Vega-Lite specs as plain dicts, written as Altair wrote them (same keys, same order).

The charts were built with Altair until a profile of the example's build (issue 16) found it
was most of the model stage: for 34 charts, Altair's constructors validated every piece against
Vega-Lite's JSON schema (2.4 s) and deep-copied it on each step (1.7 s), while vl-convert drew
all the SVGs in 1.8 s. A spec is only a dict that vl-convert reads, so it is written here as
one, with nothing to validate or copy; the tests validate every spec of the example against
Vega-Lite's schema instead (tests/test_site.py, tests/test_phone_charts.py).

The keys are ordered as Altair's `to_dict()` ordered them (a chart's data and mark first, then
its other properties sorted; a channel's, an axis's, a scale's and a legend's properties
sorted), so that the specs, their digests and the dashboard's embedded JSON stay as they were.
"""

from __future__ import annotations

from typing import Any

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.4.1.json"
# Altair's default theme: the size of a view without a width or height (ours always have one).
_VIEW = {"continuousWidth": 300, "continuousHeight": 300}
_TYPES = {"Q": "quantitative", "N": "nominal", "T": "temporal", "O": "ordinal"}

Spec = dict[str, Any]


def props(**kw: Any) -> Spec:
    """An axis, scale, legend or other object: its properties sorted by name."""
    return dict(sorted(kw.items()))


def channel(shorthand: str, **kw: Any) -> Spec:
    """An encoding channel from Altair's shorthand, "field:T" (T one of Q, N, T, O)."""
    field, _, kind = shorthand.partition(":")
    return props(field=field, type=_TYPES[kind], **kw)


def condition(test: str, if_true: Any, otherwise: Any) -> Spec:
    """A value chosen by a Vega expression (`datum.x === 1`): `if_true` where it holds."""
    return {"condition": {"test": test, "value": if_true}, "value": otherwise}


def string(value: str) -> str:
    """A string in a Vega expression, quoted as Altair quoted it."""
    return repr(value)


def mark(kind: str, **kw: Any) -> Spec:
    return {"type": kind, **props(**kw)}


def unit(mark_: Spec, data: list[dict[str, Any]] | None = None, **kw: Any) -> Spec:
    """A single view: its data (None: a layer's, given to the layer), its mark, then the rest
    (encoding, transform, sizes) sorted."""
    out: Spec = {} if data is None else {"data": {"values": data}}
    out["mark"] = mark_
    out.update(props(**kw))
    return out


def encoding(**channels: Spec) -> Spec:
    return props(**channels)


def layer(*layers: Spec, **kw: Any) -> Spec:
    """Views drawn over each other; `data` (as `unit`'s) when they share it."""
    data = kw.pop("data", None)
    if data is not None:
        kw["data"] = {"values": data}
    return {"layer": list(layers), **props(**kw)}


def top(spec: Spec, **kw: Any) -> Spec:
    """The spec as vl-convert reads it: the theme's view size, the chart, its sizes (`kw`:
    width, height, autosize) in Altair's order, and the schema's address."""
    body = dict(spec)
    head: Spec = {k: body.pop(k) for k in ("layer", "data", "mark") if k in body}
    if "layer" in head and "data" in head:  # a layer's shared data sorts among the rest
        body["data"] = head.pop("data")
    return {"config": {"view": dict(_VIEW)}, **head, **props(**body, **kw), "$schema": SCHEMA}
