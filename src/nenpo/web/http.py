"""HTTP as API clients expect it: problem details, ETags and 304, caching, content negotiation.

Errors are RFC 9457 problem details (application/problem+json). Every successful GET carries a
weak ETag — a hash of the body, so it changes exactly when the content does, whoever changed the
store — and a 304 answers a matching If-None-Match without the body.
"""

from __future__ import annotations

import hashlib
import json
from http import HTTPStatus
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

PROBLEM = "application/problem+json"
JSON = "application/json"
CSV = "text/csv; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
# Data change when the store is loaded or imported into: caches may keep a response a minute and
# then revalidate it with its ETag (a 304 costs a query but no body).
CACHE_DATA = "public, max-age=60, stale-if-error=600"
CACHE_DOCS = "public, max-age=300"
NO_STORE = "no-store"


class ApiProblem(Exception):
    """An error the API answers with problem details; `errors` name the bad parameters."""

    def __init__(
        self,
        status: int,
        detail: str,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}


def bad_parameter(parameter: str, message: str) -> ApiProblem:
    """A 400 naming one parameter and what was expected of it."""
    return ApiProblem(
        400, f"{parameter}: {message}", [{"parameter": parameter, "message": message}]
    )


def problem_response(
    request: Request | None,
    status: int,
    detail: str,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """An application/problem+json response (never cached)."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.url.path if request is not None else "",
    }
    if errors:
        body["errors"] = errors
    return Response(
        json.dumps(body, ensure_ascii=False).encode(),
        status_code=status,
        media_type=PROBLEM,
        headers={"Cache-Control": NO_STORE, **(headers or {})},
    )


def dumps(data: Any) -> bytes:
    """Compact JSON in UTF-8 (Japanese as it is, not as \\u escapes)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def etag_of(body: bytes) -> str:
    """A weak validator of the body (weak: gzip may change the bytes, not the content)."""
    return 'W/"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def _matches(header: str, etag: str) -> bool:
    """If-None-Match with weak comparison (RFC 9110 13.1.2): any listed tag, or *."""
    if header.strip() == "*":
        return True
    opaque = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == opaque for tag in header.split(","))


def respond(
    request: Request,
    body: bytes,
    media_type: str,
    cache: str = CACHE_DATA,
    headers: dict[str, str] | None = None,
) -> Response:
    """A 200 with ETag and Cache-Control, or a 304 when the client's copy is current."""
    etag = etag_of(body)
    common = {"ETag": etag, "Cache-Control": cache, "Vary": "Accept", **(headers or {})}
    inm = request.headers.get("if-none-match")
    if inm is not None and _matches(inm, etag):
        return Response(status_code=304, headers=common)
    return Response(body, media_type=media_type, headers=common)


def wants_csv(request: Request, fmt: str | None) -> bool:
    """True for format=csv, or an Accept header that prefers text/csv to JSON."""
    if fmt is not None:
        return fmt == "csv"
    best: dict[str, float] = {}
    for part in request.headers.get("accept", "").split(","):
        kind, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for p in params:
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        best[kind.lower()] = max(best.get(kind.lower(), 0.0), q)
    csv_q = best.get("text/csv", 0.0)
    json_q = max(best.get("application/json", 0.0), best.get("*/*", 0.0))
    return csv_q > json_q


class HeadAsGet:
    """Answer HEAD as GET (the server sends no body for HEAD): `curl -I` works on every route."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "HEAD":
            scope = {**scope, "method": "GET"}
        await self.app(scope, receive, send)
