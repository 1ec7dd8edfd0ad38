"""The diff of two editions, unit by unit, each change naming its page."""

from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass
from typing import Any

from .units import Unit


@dataclass
class Change:
    """One difference between two editions."""

    kind: str  # legend, axis, chart-title, chart-data, value, table, paragraph, page, chart
    change: str  # changed, added, removed
    key: str
    page: str
    page_title: str
    label: str
    before: Any
    after: Any
    context: str = ""  # for a value: the sentence it is in (after the change)
    where: str = ""  # as errata name it: 16ページ (deck slide or report page), else 「page title」

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


CHART_FIELDS = (("title", "chart-title"), ("legend", "legend"), ("axis", "axis"))


def diff_units(a: list[Unit], b: list[Unit]) -> list[Change]:
    """Every change from edition `a` to edition `b`, in the order of `b`'s pages."""
    old = {u.key: u for u in a if u.kind != "paragraph"}
    new = {u.key: u for u in b if u.kind != "paragraph"}
    changes: list[Change] = []

    def add(kind: str, change: str, u: Unit, before: Any, after: Any) -> None:
        changes.append(Change(kind, change, u.key, u.page, u.page_title, u.label, before, after))

    for key, u in new.items():
        o = old.get(key)
        if o is None:
            add(u.kind, "added", u, None, u.fields)
            continue
        if u.kind == "chart":
            for fld, kind in CHART_FIELDS:
                if o.fields.get(fld) != u.fields.get(fld):
                    add(kind, "changed", u, o.fields.get(fld), u.fields.get(fld))
            table_o = (o.fields.get("rows"), o.fields.get("columns"))
            table_u = (u.fields.get("rows"), u.fields.get("columns"))
            # Legend and axis labels also appear in the table; count those once, above.
            if table_o != table_u and not _only_labels_differ(o, u):
                add("chart-data", "changed", u, o.fields.get("rows"), u.fields.get("rows"))
        elif u.kind == "value" and o.fields["text"] != u.fields["text"]:
            add("value", "changed", u, o.fields["text"], u.fields["text"])
            changes[-1].context = u.fields.get("context", "")
        elif u.kind in ("table", "page") and o.fields != u.fields:
            add(u.kind, "changed", u, o.fields, u.fields)
    for key, o in old.items():
        if key not in new:
            add(o.kind, "removed", o, o.fields, None)
    changes.extend(_paragraphs(a, b))
    order = {u.page: i for i, u in enumerate(b)}
    return sorted(changes, key=lambda c: (order.get(c.page, len(order)), c.kind == "paragraph"))


def _only_labels_differ(o: Unit, u: Unit) -> bool:
    """True when a chart's table differs only where its legend or axis labels changed."""
    ro, ru = o.fields.get("rows", []), u.fields.get("rows", [])
    if len(ro) != len(ru):
        return False
    legend_changed = o.fields.get("legend") != u.fields.get("legend")
    axis_changed = o.fields.get("axis") != u.fields.get("axis")
    data_same = all(x[1:] == y[1:] for x, y in zip(ro, ru, strict=True))
    heads_same = all(x[:1] == y[:1] for x, y in zip(ro, ru, strict=True))
    # Row heads are the axis labels of a time series, the legend labels of a composition.
    if data_same and (heads_same or axis_changed or legend_changed):
        return legend_changed or axis_changed or o.fields.get("columns") != u.fields.get("columns")
    return False


def _paragraphs(a: list[Unit], b: list[Unit]) -> list[Change]:
    pages: dict[str, tuple[list[Unit], list[Unit]]] = {}
    for u in a:
        if u.kind == "paragraph":
            pages.setdefault(u.page, ([], []))[0].append(u)
    for u in b:
        if u.kind == "paragraph":
            pages.setdefault(u.page, ([], []))[1].append(u)
    out = []
    for page, (pa, pb) in pages.items():
        ta = [u.fields["text"] for u in pa]
        tb = [u.fields["text"] for u in pb]
        sm = difflib.SequenceMatcher(a=ta, b=tb, autojunk=False)
        for tag, i1, i2, j1, j2 in sm.get_opcodes():
            if tag == "equal":
                continue
            if tag == "replace" and (i2 - i1) != (j2 - j1):
                spans = _paired(ta, tb, i1, i2, j1, j2)
            else:
                change = {"replace": "changed", "insert": "added", "delete": "removed"}[tag]
                spans = [(change, i1, i2, j1, j2)]
            for change, a1, a2, b1, b2 in spans:
                ref = pb[b1] if b1 < len(pb) and b2 > b1 else pa[min(a1, len(pa) - 1)]
                out.append(
                    Change(
                        "paragraph",
                        change,
                        f"paragraph:{page}:{b1}",
                        page,
                        ref.page_title,
                        ref.label,
                        "\n".join(ta[a1:a2]) or None,
                        "\n".join(tb[b1:b2]) or None,
                    )
                )
    return out


def _paired(
    ta: list[str], tb: list[str], i1: int, i2: int, j1: int, j2: int
) -> list[tuple[str, int, int, int, int]]:
    """A replaced run of paragraphs whose lengths differ, split into what a reader sees: a
    paragraph reworded (paired with its most similar successor), and paragraphs added or removed
    around it — 「個人情報保護の徹底」 corrected and three points added are two corrections."""
    spans: list[tuple[str, int, int, int, int]] = []
    j = j1
    for i in range(i1, i2):
        best, score = None, 0.5  # below half alike, it is not the same paragraph reworded
        for k in range(j, j2):
            r = difflib.SequenceMatcher(a=ta[i], b=tb[k], autojunk=False).ratio()
            if r > score:
                best, score = k, r
        if best is None:
            spans.append(("removed", i, i + 1, j, j))
            continue
        if best > j:
            spans.append(("added", i, i, j, best))
        spans.append(("changed", i, i + 1, best, best + 1))
        j = best + 1
    if j < j2:
        spans.append(("added", i2, i2, j, j2))
    return spans
