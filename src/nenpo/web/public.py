"""What the API publishes about the store's descriptive objects, built once per `nenpo load`.

Indicators with their sources, licences and provenance; dimensions and their codes; focus areas;
projects with only the portfolio fields they marked public (`portfolio.public`'s rules: the rest
of the portfolio, and people, never reach this module's output).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from ..model.builtin import builtin_dimensions
from ..model.portfolio import PHASE_LABELS, RATING_LABELS, SKILL_LABELS, Portfolio
from ..model.text import I18n
from ..portfolio.public import PublicRecord, public_records_of
from ..store.queries import Catalogue
from . import schemas as s

API = "/api/v1"


def _text(v: Any) -> s.Text | None:
    if v is None:
        return None
    if isinstance(v, str):
        return s.Text(ja=v)
    return s.Text(ja=v["ja"], en=v.get("en"))


def _label(labels: dict[str, I18n], key: str) -> s.Labelled:
    i = labels[key]
    return s.Labelled(id=key, label=s.Text(ja=i.ja, en=i.en))


@dataclass
class Dim:
    """A dimension: its public shape, and the codes (and labels) a filter may name."""

    out: s.DimensionOut
    lookup: dict[str, str]  # code or label → code

    def code(self, text: str) -> str | None:
        """The code a filter value names (the code itself, or a label ja/en), else None."""
        return self.lookup.get(text)


def _dim(data: dict[str, Any]) -> Dim:
    values = [s.DimensionValueOut(code=v["code"], label=_text(v["label"])) for v in data["values"]]
    lookup: dict[str, str] = {}
    seen_labels: dict[str, set[str]] = {}
    for v in values:
        for label in (v.label.ja, v.label.en):
            if label:
                seen_labels.setdefault(label, set()).add(v.code)
    for label, codes in seen_labels.items():
        if len(codes) == 1:  # a label two values share names neither
            lookup[label] = next(iter(codes))
    lookup.update({v.code: v.code for v in values})  # a code wins over a label
    out = s.DimensionOut(id=data["id"], name=_text(data["name"]), values=values)
    return Dim(out, lookup)


class Public:
    """The public view of one loaded workspace's descriptive objects."""

    def __init__(self, cat: Catalogue, portfolio: dict[str, Any] | None):
        self.report = cat.report
        self.sources = {x["id"]: x for x in cat.sources}
        builtins = [d.model_dump(mode="json") for d in builtin_dimensions()]
        self._dim_data = {d["id"]: d for d in [*builtins, *cat.dimensions]}
        self._dims: dict[str, Dim] = {}
        self.indicator_data = {x["id"]: x for x in cat.indicators}
        users: dict[str, list[str]] = {}
        for p in cat.projects:
            for ind in p.get("indicators", []):
                users.setdefault(ind, []).append(p["id"])
        self.indicators = {
            x["id"]: self._indicator(x, users.get(x["id"], [])) for x in cat.indicators
        }
        pf = Portfolio.model_validate(portfolio) if portfolio else None
        records = public_records_of(pf)
        children: dict[str, list[str]] = {}
        for p in cat.projects:
            if p["parent_id"]:
                children.setdefault(p["parent_id"], []).append(p["id"])
        self.projects = {
            p["id"]: s.ProjectOut(
                id=p["id"],
                name=_text(p["name"]),
                summary=_text(p.get("summary")),
                focus_area=p["focus_area_id"],
                parent=p["parent_id"],
                subprojects=children.get(p["id"], []),
                indicators=list(p.get("indicators", [])),
                status=_status(records[p["id"]]) if p["id"] in records else None,
            )
            for p in cat.projects
        }
        self.focus_areas = {
            f["id"]: s.FocusAreaOut(
                id=f["id"],
                name=_text(f["name"]),
                description=_text(f.get("description")),
                projects=[p.id for p in self.projects.values() if p.focus_area == f["id"]],
            )
            for f in cat.focus_areas
        }

    def dimension(self, ident: str) -> Dim | None:
        """A dimension by id (built once, when first asked: municipalities are many)."""
        if ident not in self._dims:
            data = self._dim_data.get(ident)
            if data is None:
                return None
            self._dims[ident] = _dim(data)
        return self._dims[ident]

    def dimension_ids(self) -> list[str]:
        """Every dimension's id: the built-in ones first, then the workspace's."""
        return list(self._dim_data)

    def _indicator(self, x: dict[str, Any], projects: list[str]) -> s.IndicatorOut:
        src = self.sources.get(x["source"], {"id": x["source"], "title": x["source"]})
        q = quote(x["id"])
        return s.IndicatorOut(
            id=x["id"],
            name=_text(x["name"]),
            unit=x["unit"],
            unit_en=x.get("unit_en"),
            direction=x.get("direction", "neutral"),
            decimals=x.get("decimals", 0),
            description=_text(x.get("description")),
            provenance=x["provenance"],
            illustrative=x["provenance"] == "illustrative",
            licence=x.get("licence") or src.get("licence"),
            source=s.SourceOut(
                id=src["id"],
                title=_text(src["title"]),
                publisher=_text(src.get("publisher")),
                url=src.get("url"),
                accessed=src.get("accessed"),
                licence=src.get("licence"),
                note=_text(src.get("note")),
            ),
            dimensions=[
                s.DimensionRef(
                    id=d,
                    name=_text(self._dim_data[d]["name"]) if d in self._dim_data else s.Text(ja=d),
                    values=f"{API}/dimensions/{quote(d)}",
                )
                for d in x.get("dimensions", [])
            ],
            targets=[
                s.TargetOut(
                    date=tg["date"],
                    value=tg["value"],
                    provenance=tg.get("provenance", "illustrative"),
                    illustrative=tg.get("provenance", "illustrative") == "illustrative",
                    note=_text(tg.get("note")),
                )
                for tg in x.get("targets", [])
            ],
            projects=projects,
            links=s.IndicatorLinks(
                observations=f"{API}/observations?indicator={q}",
                aggregates=f"{API}/aggregates?indicator={q}&by=period",
            ),
        )


def _status(rec: PublicRecord) -> s.StatusOut:
    """A project's public portfolio fields: what its public page shows, and nothing else."""
    return s.StatusOut(
        illustrative=rec.illustrative,
        phase=_label(PHASE_LABELS, rec.phase) if rec.phase else None,
        risk=s.RiskOut(
            rating=_label(RATING_LABELS, rec.risk.rating),
            date=rec.risk.date.isoformat(),
            narrative=s.Text(ja=rec.risk.narrative.ja, en=rec.risk.narrative.en),
        )
        if rec.risk
        else None,
        milestones=[
            s.MilestoneOut(
                name=s.Text(ja=m.name.ja, en=m.name.en),
                baseline=m.baseline.isoformat(),
                date=m.date.isoformat(),
            )
            for m in rec.milestones
        ]
        if rec.milestones is not None
        else None,
        budget=[
            s.BudgetOut(
                fiscal_year=b.fiscal_year, baseline=b.baseline, amount=b.amount, basis=b.basis
            )
            for b in rec.budget
        ]
        if rec.budget is not None
        else None,
        staffing=[
            s.StaffingOut(skill=_label(SKILL_LABELS, r.skill), demand=r.demand, supply=r.supply)
            for r in rec.staffing
        ]
        if rec.staffing is not None
        else None,
    )
