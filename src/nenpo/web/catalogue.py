"""The API's catalogue routes: indicators, dimensions, focus areas, projects, editions, the
revision history feed, and the documentation page."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi import Path as PathParam
from fastapi.responses import RedirectResponse, Response

from ..publish.editions import Edition
from ..publish.history import atom_feed
from . import schemas as s
from .apidocs import docs_page
from .http import ATOM, CACHE_DOCS, JSON, ApiProblem, bad_parameter, dumps, respond
from .params import PROBLEM_RESPONSES, check_values, no_params
from .public import API, Public
from .state import Api


def catalogue_routes(app: FastAPI, api: Api) -> None:
    """Add the routes that read the catalogue (not the observations) to `app`."""
    problems = PROBLEM_RESPONSES

    def ok(request: Request, model: s.Out) -> Response:
        return respond(request, dumps(model.model_dump(mode="json")), JSON)

    def pub() -> Public:
        with api.connect() as conn:
            return api.public(conn)

    @app.get(f"{API}/indicators", response_model=s.IndicatorList, responses=problems)
    def indicators(request: Request) -> Response:
        """Every indicator with its source, licence, provenance and dimensions."""
        check_values(request)
        no_params(request, set())
        return ok(request, s.IndicatorList(data=list(pub().indicators.values())))

    @app.get(f"{API}/indicators/{{ident}}", response_model=s.IndicatorOut, responses=problems)
    def indicator(
        request: Request, ident: Annotated[str, PathParam(description="An indicator's id")]
    ) -> Response:
        """One indicator."""
        check_values(request)
        no_params(request, set())
        found = pub().indicators.get(ident)
        if found is None:
            raise ApiProblem(404, f"no indicator {ident!r}; {API}/indicators lists them all")
        return ok(request, found)

    @app.get(f"{API}/dimensions", response_model=s.DimensionList, responses=problems)
    def dimensions(request: Request) -> Response:
        """Every dimension (the built-in prefecture and municipality too) with its codes."""
        check_values(request)
        no_params(request, set())
        p = pub()
        data = [d.out for i in p.dimension_ids() if (d := p.dimension(i)) is not None]
        return ok(request, s.DimensionList(data=data))

    @app.get(f"{API}/dimensions/{{ident}}", response_model=s.DimensionOut, responses=problems)
    def dimension(
        request: Request, ident: Annotated[str, PathParam(description="A dimension's id")]
    ) -> Response:
        """One dimension with its codes and labels, in display order."""
        check_values(request)
        no_params(request, set())
        found = pub().dimension(ident)
        if found is None:
            raise ApiProblem(404, f"no dimension {ident!r}; {API}/dimensions lists them all")
        return ok(request, found.out)

    @app.get(f"{API}/focus-areas", response_model=s.FocusAreaList, responses=problems)
    def focus_areas(request: Request) -> Response:
        """Every focus area (注力領域) with its projects."""
        check_values(request)
        no_params(request, set())
        return ok(request, s.FocusAreaList(data=list(pub().focus_areas.values())))

    @app.get(f"{API}/focus-areas/{{ident}}", response_model=s.FocusAreaOut, responses=problems)
    def focus_area(
        request: Request, ident: Annotated[str, PathParam(description="A focus area's id")]
    ) -> Response:
        """One focus area."""
        check_values(request)
        no_params(request, set())
        found = pub().focus_areas.get(ident)
        if found is None:
            raise ApiProblem(404, f"no focus area {ident!r}; {API}/focus-areas lists them all")
        return ok(request, found)

    @app.get(f"{API}/projects", response_model=s.ProjectList, responses=problems)
    def projects(request: Request) -> Response:
        """Every project and sub-project, with the portfolio fields it marked public."""
        check_values(request)
        no_params(request, set())
        return ok(request, s.ProjectList(data=list(pub().projects.values())))

    @app.get(f"{API}/projects/{{ident}}", response_model=s.ProjectOut, responses=problems)
    def project(
        request: Request, ident: Annotated[str, PathParam(description="A project's id")]
    ) -> Response:
        """One project."""
        check_values(request)
        no_params(request, set())
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
        check_values(request)
        no_params(request, set())
        return ok(request, s.EditionList(data=[edition_out(e) for e in api.editions()]))

    @app.get(f"{API}/editions/{{ident}}", response_model=s.EditionOut, responses=problems)
    def edition(
        request: Request,
        ident: Annotated[str, PathParam(description="An edition's id (YYYY-MM-DD), or latest")],
    ) -> Response:
        """One edition by id (`latest` names the newest)."""
        check_values(request)
        no_params(request, set())
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
        check_values(request)
        no_params(request, set())
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
