"""The JSON Schema of each workspace file the loader reads, generated from the models and the
import mapping (docs/schema.json)."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from ..model.deck import Deck
from ..model.portfolio import PortfolioSettings, ProjectPortfolio
from ..model.workspace import (
    Aim,
    Chapter,
    Chart,
    Dimension,
    FocusArea,
    Indicator,
    Organisation,
    PriorityPlan,
    Project,
    ReportInfo,
    Source,
    Statement,
    Survey,
)
from .mapping import ImportMapping


def workspace_schema() -> dict[str, Any]:
    """One schema document with a definition per workspace file."""
    files: dict[str, Any] = {
        "nenpo.yaml": {
            "type": "object",
            "properties": {
                "organisation": Organisation.model_json_schema(),
                "report": ReportInfo.model_json_schema(),
                "statement": Statement.model_json_schema(),
                "aims": TypeAdapter(list[Aim]).json_schema(),
                "priority_plan": PriorityPlan.model_json_schema(),
            },
            "required": ["organisation", "report"],
            "additionalProperties": False,
        },
        "report.yaml": {
            "type": "object",
            "properties": {"chapters": TypeAdapter(list[Chapter]).json_schema()},
            "additionalProperties": False,
        },
        "imports/*.yaml": ImportMapping.model_json_schema(),
        "portfolio/portfolio.yaml": PortfolioSettings.model_json_schema(),
        "portfolio/projects/*.yaml": _project_file_schema(),
        "deck.yaml": Deck.model_json_schema(),
    }
    for name, model in (
        ("sources.yaml", Source),
        ("focus_areas.yaml", FocusArea),
        ("projects.yaml", Project),
        ("indicators.yaml", Indicator),
        ("dimensions.yaml", Dimension),
        ("surveys.yaml", Survey),
        ("charts.yaml", Chart),
    ):
        files[name] = TypeAdapter(list[model]).json_schema()  # type: ignore[valid-type]
    # Each file's schema is its own resource ($id) with its definitions hoisted to its top, so
    # it can validate a file alone and "#/$defs/…" references resolve inside it.
    files = {name: _resource(name, sub) for name, sub in files.items()}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "nenpo workspace",
        "description": "One schema per workspace file",
        "properties": files,
    }


def _resource(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    defs: dict[str, Any] = {}

    def hoist(node: Any) -> Any:
        if isinstance(node, dict):
            for key, value in node.pop("$defs", {}).items():
                defs[key] = hoist(value)
            return {k: hoist(v) for k, v in node.items()}
        if isinstance(node, list):
            return [hoist(v) for v in node]
        return node

    body = hoist(schema)
    return {"$id": f"urn:nenpo:workspace:{name}", **body, **({"$defs": defs} if defs else {})}


def _project_file_schema() -> dict[str, Any]:
    """A project's portfolio file: the file's name gives the project, so no `project:` key."""
    schema = ProjectPortfolio.model_json_schema()
    schema["properties"].pop("project")
    schema["required"] = [r for r in schema.get("required", []) if r != "project"]
    return schema
