"""The API's documentation page, rendered from its OpenAPI document: no script, no CDN.

FastAPI's own docs page loads Swagger UI from a CDN; this one is plain HTML that reads on any
device, offline, and offers a form per endpoint to try it (a GET form needs no JavaScript).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape


@cache
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("nenpo.web", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _schema_text(schema: dict[str, Any]) -> str:
    """A parameter's schema in a few words: integer 1–10000, json | csv, string …"""
    if "anyOf" in schema:
        kinds = [_schema_text(x) for x in schema["anyOf"] if x.get("type") != "null"]
        return " or ".join(kinds)
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    if "const" in schema:
        return str(schema["const"])
    text = str(schema.get("type", "any"))
    if "minimum" in schema or "maximum" in schema:
        text += f" {schema.get('minimum', '')}–{schema.get('maximum', '')}"
    return text


def operations(openapi: dict[str, Any]) -> list[dict[str, Any]]:
    """Each GET operation with its parameters and responses, in the document's order."""
    out = []
    for path, item in openapi.get("paths", {}).items():
        op = item.get("get")
        if op is None:
            continue
        params = []
        for p in op.get("parameters", []):
            schema = p.get("schema", {})
            params.append(
                {
                    "name": p["name"],
                    "in": p["in"],
                    "required": p.get("required", False),
                    "type": _schema_text(schema),
                    "default": schema.get("default"),
                    "description": p.get("description", ""),
                    "free": schema.get("type") == "object",
                }
            )
        responses = [
            {
                "status": code,
                "description": r.get("description", ""),
                "types": list(r.get("content", {})),
            }
            for code, r in op.get("responses", {}).items()
        ]
        out.append(
            {
                "path": path,
                "anchor": path.strip("/").replace("/", "-").replace("{", "").replace("}", ""),
                "summary": op.get("summary", ""),
                "description": op.get("description", ""),
                "parameters": params,
                "responses": responses,
                "form": "{" not in path,
            }
        )
    return out


def docs_page(openapi: dict[str, Any]) -> str:
    """The whole documentation page."""
    info = openapi.get("info", {})
    return _env().get_template("apidocs.html").render(info=info, operations=operations(openapi))
