"""The public read-only API (/api/v1): an ASGI application (FastAPI) over the store's queries.

Views parse parameters (`params`), call `store.queries` and shape the answer; they never load the
store whole. The observation and aggregate routes are here; the catalogue's in `catalogue`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import Response
from fastapi.routing import APIRoute
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware

from ..store import queries as q
from . import schemas as s
from .catalogue import catalogue_routes
from .http import (
    CSV,
    JSON,
    PROBLEM,
    ApiProblem,
    HeadAsGet,
    bad_parameter,
    dumps,
    problem_response,
    respond,
    wants_csv,
)
from .params import (
    AGG_PARAMS,
    CSV_RESPONSE,
    DEFAULT_LIMIT,
    DIMS_PARAMETER,
    MAX_LIMIT,
    OBS_PARAMS,
    P_BY,
    P_CURSOR,
    P_FORMAT,
    P_FROM,
    P_INDICATOR,
    P_LIMIT,
    P_TO,
    PROBLEM_RESPONSES,
    check_values,
    csv_body,
    cursor_key,
    cursor_token,
    number,
    selection,
)
from .public import API
from .state import QUERY_SECONDS, Api, api_engine

log = logging.getLogger("nenpo.api")


def create_app(
    url: str,
    editions_dir: Path | None = None,
    site_dir: Path | None = None,
    query_seconds: float = QUERY_SECONDS,
    cache_mb: float = 64,
) -> FastAPI:
    """The API over the store at `url` (and the editions, and a built site at / if given)."""
    api = Api(api_engine(url, query_seconds), editions_dir, query_seconds, int(cache_mb * 2**20))
    app = FastAPI(
        title="nenpo public API",
        version="1",
        description="Read-only access to the report's indicators, observations, projects and "
        "editions. Errors are RFC 9457 problem details. docs/api.md has the details.",
        openapi_url=f"{API}/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.api = api
    _handlers(app)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "HEAD"],
        allow_headers=["*"],
        expose_headers=["ETag", "Link"],
        max_age=86400,
    )
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    app.add_middleware(HeadAsGet)
    catalogue_routes(app, api)
    _data_routes(app, api)
    for route in app.routes:
        if isinstance(route, APIRoute) and route.description:
            route.summary = route.description.strip().splitlines()[0]
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    if site_dir is not None:  # no folder listings, no hidden files, nothing outside the tree
        from .static import SiteFiles

        app.mount("/", SiteFiles(site_dir), name="site")
    return app


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiProblem)
    async def _problem(request: Request, exc: ApiProblem) -> Response:
        return problem_response(request, exc.status, exc.detail, exc.errors, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = []
        for e in exc.errors():
            loc = [str(x) for x in e.get("loc", ()) if x not in ("query", "path")]
            errors.append({"parameter": ".".join(loc) or "?", "message": str(e.get("msg", ""))})
        detail = "; ".join(f"{e['parameter']}: {e['message']}" for e in errors)
        return problem_response(request, 400, detail, errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.status_code)
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no such resource: {request.url.path} (see {API}/docs)"
        return problem_response(request, exc.status_code, detail, headers=dict(exc.headers or {}))

    @app.exception_handler(DBAPIError)
    async def _store(request: Request, exc: DBAPIError) -> Response:
        text = str(getattr(exc, "orig", exc)).lower()
        if "interrupt" in text or "statement timeout" in text or "canceling statement" in text:
            detail = "the query took too long; ask for less (a narrower span, fewer rows a page)"
        else:
            log.error("store error on %s: %s", request.url.path, exc)
            detail = "the store cannot be read just now"
        return problem_response(request, 503, detail, headers={"Retry-After": "30"})


def _data_routes(app: FastAPI, api: Api) -> None:
    """The routes over observations: pages of them, and aggregates."""
    problems = PROBLEM_RESPONSES

    @app.get(
        f"{API}/observations",
        response_model=s.ObservationPage,
        responses={**problems, 200: {"content": CSV_RESPONSE}},
        openapi_extra={"parameters": [DIMS_PARAMETER]},
    )
    def observations(
        request: Request,
        indicator: Annotated[str, Query(description=P_INDICATOR)],
        from_: Annotated[str | None, Query(alias="from", description=P_FROM)] = None,
        to: Annotated[str | None, Query(description=P_TO)] = None,
        format: Annotated[Literal["json", "csv"] | None, Query(description=P_FORMAT)] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description=P_LIMIT)] = DEFAULT_LIMIT,
        cursor: Annotated[str | None, Query(description=P_CURSOR)] = None,
    ) -> Response:
        """An indicator's observations, a page at a time, in the order of (period, dims).

        Every matching row is returned: when there are more than `limit`, `links.next` (and the
        Link header) give the next page, until it is null.
        """
        check_values(request)
        after = cursor_key(cursor)
        csv_out = wants_csv(request, format)
        key = f"{'csv' if csv_out else 'json'} {request.url}"
        with api.connect() as conn:
            rev = q.revision(conn)
            hit = api.cache.get(key, rev)
            if hit is not None:
                return respond(request, hit.body, hit.media_type, headers=dict(hit.headers))
            sel = selection(api.public(conn, rev), request, OBS_PARAMS)
            rows, nxt = q.observation_page(conn, sel, after, limit)
        next_url = str(request.url.include_query_params(cursor=cursor_token(nxt))) if nxt else None
        headers = {"Link": f'<{next_url}>; rel="next"'} if next_url else {}
        if csv_out:
            header = ["indicator", "period", "start", *sel.dimensions, "value"]
            header += ["provenance", "illustrative", "source"]
            table: list[list[object]] = [
                [
                    sel.indicator,
                    r.period,
                    r.start,
                    *(r.dims.get(d, "") for d in sel.dimensions),
                    number(r.value),
                    r.provenance,
                    "true" if r.provenance == "illustrative" else "false",
                    r.source,
                ]
                for r in rows
            ]
            return api.keep(request, key, rev, csv_body(header, table), CSV, headers)
        data = [
            {
                "indicator": sel.indicator,
                "period": r.period,
                "start": r.start,
                "dims": r.dims,
                "value": number(r.value),
                "provenance": r.provenance,
                "illustrative": r.provenance == "illustrative",
                "source": r.source,
            }
            for r in rows
        ]
        body = dumps({"data": data, "links": {"next": next_url}})
        return api.keep(request, key, rev, body, JSON, headers)

    @app.get(
        f"{API}/aggregates",
        response_model=s.AggregateOut,
        responses={**problems, 200: {"content": CSV_RESPONSE}},
        openapi_extra={"parameters": [DIMS_PARAMETER]},
    )
    def aggregates(
        request: Request,
        indicator: Annotated[str, Query(description=P_INDICATOR)],
        by: Annotated[str, Query(description=P_BY)] = "period",
        from_: Annotated[str | None, Query(alias="from", description=P_FROM)] = None,
        to: Annotated[str | None, Query(description=P_TO)] = None,
        format: Annotated[Literal["json", "csv"] | None, Query(description=P_FORMAT)] = None,
    ) -> Response:
        """count, sum, mean, min and max of the selected observations by period or dimension.

        Every matching row counts: where an indicator holds a total beside its breakdown, select
        one of them with a dimension filter (an empty value selects the total).
        """
        check_values(request)
        csv_out = wants_csv(request, format)
        key = f"{'csv' if csv_out else 'json'} {request.url}"
        with api.connect() as conn:
            rev = q.revision(conn)
            hit = api.cache.get(key, rev)
            if hit is not None:
                return respond(request, hit.body, hit.media_type, headers=dict(hit.headers))
            sel = selection(api.public(conn, rev), request, AGG_PARAMS)
            if by == "period":
                groups = q.aggregate_by_period(conn, sel)
            elif by in sel.dimensions:
                groups = q.aggregate_by_dimension(conn, sel, by)
            else:
                choices = ", ".join(["period", *sel.dimensions])
                raise bad_parameter("by", f"expected one of {choices}, not {by!r}")
            dim = api.public(conn, rev).dimension(by) if by != "period" else None
        labels = {v.code: v.label for v in dim.out.values} if dim else {}
        out = s.AggregateOut(
            indicator=sel.indicator,
            by=by,
            data=[
                s.GroupOut(
                    group=g.key,
                    label=labels.get(g.key),
                    count=g.count,
                    sum=number(g.sum),
                    mean=number(g.mean),
                    min=number(g.min),
                    max=number(g.max),
                    illustrative=g.illustrative,
                )
                for g in groups
            ],
        )
        if csv_out:
            header = [by, "label_ja", "label_en", "count", "sum", "mean", "min", "max"]
            rows: list[list[object]] = [
                [
                    g.group,
                    g.label.ja if g.label else "",
                    (g.label.en or "") if g.label else "",
                    g.count,
                    number(g.sum),
                    number(g.mean),
                    number(g.min),
                    number(g.max),
                    "true" if g.illustrative else "false",
                ]
                for g in out.data
            ]
            return api.keep(request, key, rev, csv_body([*header, "illustrative"], rows), CSV, {})
        return api.keep(request, key, rev, dumps(out.model_dump(mode="json")), JSON, {})


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document, saying what this API answers: 400 (not 422) and 304 for an ETag."""
    if app.openapi_schema is None:
        doc = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        for item in doc["paths"].values():
            for op in item.values():
                responses = op["responses"]
                responses.pop("422", None)
                responses["304"] = {"description": "Not modified: If-None-Match matched"}
                for code, r in responses.items():
                    if code.startswith(("4", "5")) and "application/json" in r.get("content", {}):
                        r["content"] = {PROBLEM: r["content"]["application/json"]}
        schemas = doc.get("components", {}).get("schemas", {})
        for name in ("HTTPValidationError", "ValidationError"):
            schemas.pop(name, None)
        app.openapi_schema = doc
    return app.openapi_schema
