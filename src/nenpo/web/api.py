"""The public read-only API (/api/v1): an ASGI application (FastAPI) over the store's queries.

Views parse parameters, call `store.queries` and shape the answer; they never load the store
whole. Every parameter is checked before any query runs: a bad one is a 400 with problem
details naming it, an unknown one too (a misspelt filter must not silently return everything).
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import json
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware

from ..model.periods import Period
from ..publish.editions import Edition, list_editions
from ..publish.history import atom_feed
from ..store import queries as q
from . import schemas as s
from .apidocs import docs_page
from .cache import Cached, ResponseCache
from .http import (
    ATOM,
    CACHE_DOCS,
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
from .public import API, Public

log = logging.getLogger("nenpo.api")

DEFAULT_LIMIT = 1000
MAX_LIMIT = 10_000
MAX_VALUE = 200  # characters in one parameter value
QUERY_SECONDS = 10.0

# Documented once, used by every view that has them (and by docs/api.md's test).
P_INDICATOR = "The indicator's id (see /api/v1/indicators)."
P_FROM = (
    "Only periods that start on or after this period's first day: YYYY-MM-DD, YYYY-MM, YYYY "
    "or FY2023 (年度, April–March)."
)
P_TO = "Only periods that start on or before this period's last day (same forms as `from`)."
P_FORMAT = "json (default) or csv; `Accept: text/csv` asks for CSV too."
P_LIMIT = f"Rows per page, 1–{MAX_LIMIT:,} (default {DEFAULT_LIMIT:,})."
P_CURSOR = "Where the page starts: copy it from the previous page's `links.next`."
P_BY = "Group by `period` (default) or by one of the indicator's dimensions (e.g. prefecture)."
P_DIMS = (
    "Any of the indicator's dimensions as a parameter, e.g. `prefecture=13`: only rows with that "
    "code (or label: 東京都). Repeat it for any of several codes; an empty value selects the rows "
    "without that dimension (the total over it)."
)

PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "A bad parameter", "model": s.Problem},
    404: {"description": "No such thing", "model": s.Problem},
    503: {"description": "The store took too long or cannot be read", "model": s.Problem},
}
CSV_RESPONSE: dict[str, Any] = {
    "text/csv": {"schema": {"type": "string"}},
}
DIMS_PARAMETER = {
    "name": "dimensions",
    "in": "query",
    "required": False,
    "style": "form",
    "explode": True,
    "description": P_DIMS,
    "schema": {"type": "object", "additionalProperties": {"type": "string"}},
}


def api_engine(url: str, query_seconds: float = QUERY_SECONDS) -> Engine:
    """An engine for the API: read-only, and every query stopped after `query_seconds`."""
    engine = create_engine(url, pool_size=8, max_overflow=8, pool_pre_ping=False)
    ms = int(query_seconds * 1000)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite(dbapi_conn: Any, record: Any) -> None:
            dbapi_conn.execute("PRAGMA query_only = ON")
            info = record.info

            def over_time() -> int:
                deadline = info.get("deadline")
                return 1 if deadline is not None and time.monotonic() > deadline else 0

            # Called every few thousand virtual-machine steps: a query past its deadline stops.
            dbapi_conn.set_progress_handler(over_time, 10_000)

    else:

        @event.listens_for(engine, "connect")
        def _pg(dbapi_conn: Any, _record: Any) -> None:
            with dbapi_conn.cursor() as cur:
                cur.execute(f"SET statement_timeout = {ms}")
                cur.execute("SET default_transaction_read_only = on")
            dbapi_conn.commit()

    return engine


class Api:
    """The state behind the views: the engine, the public catalogue (per load) and editions."""

    def __init__(
        self, engine: Engine, editions_dir: Path | None, query_seconds: float, cache_bytes: int
    ):
        self.engine = engine
        self.editions_dir = editions_dir
        self.query_seconds = query_seconds
        self.cache = ResponseCache(cache_bytes)
        self._public: tuple[int, Public] | None = None
        self._lock = threading.Lock()

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A connection whose queries stop at the deadline (SQLite; PostgreSQL's own timeout)."""
        with self.engine.connect() as conn:
            conn.info["deadline"] = time.monotonic() + self.query_seconds
            try:
                yield conn
            finally:
                conn.info["deadline"] = None

    def public(self, conn: Connection, version: int | None = None) -> Public:
        """The public catalogue, rebuilt when the store has been written since."""
        if version is None:
            version = q.revision(conn)
        cached = self._public
        if cached is not None and cached[0] == version:
            return cached[1]
        with self._lock:
            if self._public is None or self._public[0] != version:
                self._public = (version, Public(q.catalogue(conn), q.portfolio_data(conn)))
            return self._public[1]

    def keep(
        self,
        request: Request,
        key: str,
        revision: int,
        body: bytes,
        media_type: str,
        headers: dict[str, str],
    ) -> Response:
        """Answer with a body computed at `revision`, and keep it for the next asker."""
        self.cache.put(key, Cached(revision, body, media_type, tuple(headers.items())))
        return respond(request, body, media_type, headers=headers)

    def editions(self) -> list[Edition]:
        """Every published edition, oldest first (none without an editions folder)."""
        return list_editions(self.editions_dir) if self.editions_dir else []


# -- parameters ------------------------------------------------------------------------------


def _check_values(request: Request) -> None:
    """Refuse what no parameter can hold: control characters, very long values, repeats."""
    seen: set[str] = set()
    for key, value in request.query_params.multi_items():
        for text, what in ((key, "name"), (value, "value")):
            if len(text) > MAX_VALUE:
                raise bad_parameter(key[:40], f"the {what} is longer than {MAX_VALUE} characters")
            if any(ord(c) < 32 or ord(c) == 127 for c in text):
                raise bad_parameter(key[:40], f"the {what} holds a control character")
        if key in seen and key in SINGLE:
            raise bad_parameter(key, "given more than once")
        seen.add(key)


SINGLE = {"indicator", "from", "to", "format", "limit", "cursor", "by"}


def _period(name: str, text: str | None) -> Period | None:
    if text is None:
        return None
    try:
        return Period.parse(text)
    except ValueError as exc:
        raise bad_parameter(name, str(exc)) from None


def _selection(
    api: Api, conn: Connection, request: Request, known: set[str], revision: int
) -> q.Selection:
    """The indicator, span and dimension filters of a request, every one checked."""
    params = request.query_params
    pub = api.public(conn, revision)
    ident = params.get("indicator")
    if ident is None:
        raise bad_parameter("indicator", "required: the id of an indicator")
    ind = pub.indicator_data.get(ident)
    if ind is None:
        raise bad_parameter(
            "indicator", f"no indicator {ident!r}; /api/v1/indicators lists them all"
        )
    start, end = _period("from", params.get("from")), _period("to", params.get("to"))
    if start and end and start.start > end.end:
        raise bad_parameter("to", f"{end.key} ends before `from` ({start.key}) begins")
    own = tuple(ind.get("dimensions", []))
    dims: dict[str, tuple[str, ...]] = {}
    for key in params:
        if key in known:
            continue
        if key not in own:
            if pub.dimension(key) is not None:
                has = ", ".join(own) or "none"
                msg = f"indicator {ident} has no dimension {key} (its dimensions: {has})"
            else:
                msg = f"unknown parameter; expected {', '.join(sorted(known))} or a dimension"
                if own:
                    msg += f" of {ident} ({', '.join(own)})"
            raise bad_parameter(key, msg)
        dim = pub.dimension(key)
        codes: list[str] = []
        for text in params.getlist(key):
            if text == "":
                continue
            code = dim.code(text) if dim is not None else text
            if code is None:
                assert dim is not None
                sample = ", ".join(v.code for v in dim.out.values[:8])
                raise bad_parameter(
                    key,
                    f"{text!r} is not a code of {key} (codes: {sample}…; /api/v1/dimensions/{key})",
                )
            codes.append(code)
        if codes and "" in params.getlist(key):
            raise bad_parameter(
                key, "an empty value (no such dimension) cannot be mixed with codes"
            )
        dims[key] = tuple(dict.fromkeys(codes))
    return q.Selection(
        indicator=ident,
        provenance=ind["provenance"],
        source=ind["source"],
        dimensions=own,
        start_from=start.start if start else None,
        start_to=end.end if end else None,
        dims=dims,
    )


def _cursor(token: str | None) -> tuple[str, str] | None:
    if token is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        key = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        key = None
    if not (isinstance(key, list) and len(key) == 2 and all(isinstance(k, str) for k in key)):
        raise bad_parameter("cursor", "not a cursor of this API; copy links.next as it is")
    return key[0], key[1]


def _token(key: tuple[str, str]) -> str:
    raw = json.dumps(list(key), ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _number(v: float) -> float | int:
    return int(v) if v.is_integer() and abs(v) < 2**53 else v


def _cell(v: object) -> object:
    """A CSV cell no spreadsheet reads as a formula (text only: numbers stay numbers)."""
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + v
    return v


def _csv(header: list[str], rows: list[list[object]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows([[_cell(c) for c in r] for r in rows])
    # A BOM, as every CSV nenpo publishes: Excel then reads the Japanese as UTF-8.
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


# -- the application -------------------------------------------------------------------------


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
    _routes(app, api)
    if site_dir is not None:
        from starlette.staticfiles import StaticFiles

        app.mount("/", StaticFiles(directory=site_dir, html=True), name="site")
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


def _routes(app: FastAPI, api: Api) -> None:
    problems = PROBLEM_RESPONSES

    def ok(request: Request, model: s.Out) -> Response:
        return respond(request, dumps(model.model_dump(mode="json")), JSON)

    def pub() -> Public:
        with api.connect() as conn:
            return api.public(conn)

    @app.get(f"{API}/indicators", response_model=s.IndicatorList, responses=problems)
    def indicators(request: Request) -> Response:
        """Every indicator with its source, licence, provenance and dimensions."""
        _check_values(request)
        _no_params(request, set())
        return ok(request, s.IndicatorList(data=list(pub().indicators.values())))

    @app.get(f"{API}/indicators/{{ident}}", response_model=s.IndicatorOut, responses=problems)
    def indicator(
        request: Request, ident: Annotated[str, PathParam(description="An indicator's id")]
    ) -> Response:
        """One indicator."""
        _check_values(request)
        _no_params(request, set())
        found = pub().indicators.get(ident)
        if found is None:
            raise ApiProblem(404, f"no indicator {ident!r}; {API}/indicators lists them all")
        return ok(request, found)

    @app.get(f"{API}/dimensions", response_model=s.DimensionList, responses=problems)
    def dimensions(request: Request) -> Response:
        """Every dimension (the built-in prefecture and municipality too) with its codes."""
        _check_values(request)
        _no_params(request, set())
        p = pub()
        data = [d.out for i in p.dimension_ids() if (d := p.dimension(i)) is not None]
        return ok(request, s.DimensionList(data=data))

    @app.get(f"{API}/dimensions/{{ident}}", response_model=s.DimensionOut, responses=problems)
    def dimension(
        request: Request, ident: Annotated[str, PathParam(description="A dimension's id")]
    ) -> Response:
        """One dimension with its codes and labels, in display order."""
        _check_values(request)
        _no_params(request, set())
        found = pub().dimension(ident)
        if found is None:
            raise ApiProblem(404, f"no dimension {ident!r}; {API}/dimensions lists them all")
        return ok(request, found.out)

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
        _check_values(request)
        after = _cursor(cursor)
        csv_out = wants_csv(request, format)
        key = f"{'csv' if csv_out else 'json'} {request.url}"
        with api.connect() as conn:
            rev = q.revision(conn)
            hit = api.cache.get(key, rev)
            if hit is not None:
                return respond(request, hit.body, hit.media_type, headers=dict(hit.headers))
            sel = _selection(api, conn, request, OBS_PARAMS, rev)
            rows, nxt = q.observation_page(conn, sel, after, limit)
        next_url = str(request.url.include_query_params(cursor=_token(nxt))) if nxt else None
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
                    _number(r.value),
                    r.provenance,
                    "true" if r.provenance == "illustrative" else "false",
                    r.source,
                ]
                for r in rows
            ]
            return api.keep(request, key, rev, _csv(header, table), CSV, headers)
        data = [
            {
                "indicator": sel.indicator,
                "period": r.period,
                "start": r.start,
                "dims": r.dims,
                "value": _number(r.value),
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
        _check_values(request)
        csv_out = wants_csv(request, format)
        key = f"{'csv' if csv_out else 'json'} {request.url}"
        with api.connect() as conn:
            rev = q.revision(conn)
            hit = api.cache.get(key, rev)
            if hit is not None:
                return respond(request, hit.body, hit.media_type, headers=dict(hit.headers))
            sel = _selection(api, conn, request, AGG_PARAMS, rev)
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
                    sum=_number(g.sum),
                    mean=_number(g.mean),
                    min=_number(g.min),
                    max=_number(g.max),
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
                    _number(g.sum),
                    _number(g.mean),
                    _number(g.min),
                    _number(g.max),
                    "true" if g.illustrative else "false",
                ]
                for g in out.data
            ]
            return api.keep(request, key, rev, _csv([*header, "illustrative"], rows), CSV, {})
        return api.keep(request, key, rev, dumps(out.model_dump(mode="json")), JSON, {})

    @app.get(f"{API}/focus-areas", response_model=s.FocusAreaList, responses=problems)
    def focus_areas(request: Request) -> Response:
        """Every focus area (注力領域) with its projects."""
        _check_values(request)
        _no_params(request, set())
        return ok(request, s.FocusAreaList(data=list(pub().focus_areas.values())))

    @app.get(f"{API}/focus-areas/{{ident}}", response_model=s.FocusAreaOut, responses=problems)
    def focus_area(
        request: Request, ident: Annotated[str, PathParam(description="A focus area's id")]
    ) -> Response:
        """One focus area."""
        _check_values(request)
        _no_params(request, set())
        found = pub().focus_areas.get(ident)
        if found is None:
            raise ApiProblem(404, f"no focus area {ident!r}; {API}/focus-areas lists them all")
        return ok(request, found)

    @app.get(f"{API}/projects", response_model=s.ProjectList, responses=problems)
    def projects(request: Request) -> Response:
        """Every project and sub-project, with the portfolio fields it marked public."""
        _check_values(request)
        _no_params(request, set())
        return ok(request, s.ProjectList(data=list(pub().projects.values())))

    @app.get(f"{API}/projects/{{ident}}", response_model=s.ProjectOut, responses=problems)
    def project(
        request: Request, ident: Annotated[str, PathParam(description="A project's id")]
    ) -> Response:
        """One project."""
        _check_values(request)
        _no_params(request, set())
        found = pub().projects.get(ident)
        if found is None:
            raise ApiProblem(404, f"no project {ident!r}; {API}/projects lists them all")
        return ok(request, found)

    def edition_out(e: Edition) -> s.EditionOut:
        # The approver and the content hash stay internal, like the edition's snapshot.
        return s.EditionOut(
            id=e.id,
            date=e.date,
            created_at=e.created_at,
            previous=e.previous,
            lang=e.lang,
            history=[s.EntryOut(text=x.text, page=x.page, kind=x.kind) for x in e.entries],
        )

    @app.get(f"{API}/editions", response_model=s.EditionList, responses=problems)
    def editions(request: Request) -> Response:
        """Every published edition (版), oldest first, each with the 更新履歴 it added."""
        _check_values(request)
        _no_params(request, set())
        return ok(request, s.EditionList(data=[edition_out(e) for e in api.editions()]))

    @app.get(f"{API}/editions/{{ident}}", response_model=s.EditionOut, responses=problems)
    def edition(
        request: Request,
        ident: Annotated[str, PathParam(description="An edition's id (YYYY-MM-DD), or latest")],
    ) -> Response:
        """One edition by id (`latest` names the newest)."""
        _check_values(request)
        _no_params(request, set())
        eds = api.editions()
        found = (
            eds[-1] if ident == "latest" and eds else next((e for e in eds if e.id == ident), None)
        )
        if found is None:
            known = ", ".join(e.id for e in eds) or "none yet"
            raise ApiProblem(404, f"no edition {ident!r}; published editions: {known}")
        return ok(request, edition_out(found))

    @app.get(
        f"{API}/history.atom",
        responses={
            **problems,
            200: {"content": {"application/atom+xml": {"schema": {"type": "string"}}}},
        },
        response_class=Response,
    )
    def history_feed(request: Request) -> Response:
        """The revision history (更新履歴) as an Atom feed, newest edition first."""
        _check_values(request)
        _no_params(request, set())
        with api.connect() as conn:
            report = api.public(conn).report
        title = report["title"]["ja"] if report else "nenpo"
        body = atom_feed(api.editions(), title, str(request.base_url))
        return respond(request, body, ATOM)

    @app.get(f"{API}/docs", include_in_schema=False)
    def docs(request: Request) -> Response:
        body = docs_page(app.openapi()).encode()
        return respond(request, body, "text/html; charset=utf-8", cache=CACHE_DOCS)

    @app.get(API, include_in_schema=False)
    def index(request: Request) -> Response:
        links = {
            name: f"{API}/{name}"
            for name in ("indicators", "dimensions", "observations", "aggregates")
        }
        links |= {n: f"{API}/{n}" for n in ("focus-areas", "projects", "editions", "history.atom")}
        links |= {"openapi": f"{API}/openapi.json", "docs": f"{API}/docs"}
        return respond(request, dumps({"links": links}), JSON, cache=CACHE_DOCS)

    @app.get(f"{API}/try", include_in_schema=False)
    def try_it(request: Request) -> Response:
        """The docs page's forms land here: on to the endpoint, without the empty fields."""
        path = request.query_params.get("endpoint", "")
        if not path.startswith(f"{API}/") or "{" in path or "//" in path:
            raise bad_parameter("endpoint", f"expected a path under {API}/")
        kept = [(k, v) for k, v in request.query_params.multi_items() if v and k != "endpoint"]
        return RedirectResponse(f"{path}?{urlencode(kept)}" if kept else path, status_code=303)

    for route in app.routes:
        if isinstance(route, APIRoute) and route.description:
            route.summary = route.description.strip().splitlines()[0]
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]


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


OBS_PARAMS = {"indicator", "from", "to", "format", "limit", "cursor"}
AGG_PARAMS = {"indicator", "from", "to", "format", "by"}


def _no_params(request: Request, allowed: set[str]) -> None:
    for key in request.query_params:
        if key not in allowed:
            raise bad_parameter(key, "unknown parameter: this resource takes none")
