"""schemathesis against the API's OpenAPI document, on SQLite and PostgreSQL: generated requests
(valid and not) get no server error, and every response matches the documented status codes,
media types, headers and schemas. Bounded: a fixed number of examples per operation."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from nenpo.store import Store

from .apiclient import client, example_store

IND = "card_issued"
EXAMPLES = 40  # per operation and backend; the run time is printed at the end of the module
CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
_started = time.perf_counter()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def api_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    yield from example_store(request.param, tmp_path_factory.mktemp("schema"))


@pytest.fixture(scope="module")
def api_schema(api_store: Store) -> schemathesis.schemas.BaseSchema:
    app = client(api_store).app
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)


def test_the_api_keeps_its_openapi_document(api_schema: schemathesis.schemas.BaseSchema) -> None:
    """Every operation, with generated requests (schemathesis's pytest plugin cannot take a
    schema from a fixture under pytest 9, so each operation's strategy is run here)."""
    failures: dict[str, str] = {}
    operations = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1
        names = {p.name for p in operation.query}
        runs: list[tuple[str, Any]] = [("positive", operation.as_strategy())]
        if names:  # (a path's string parameter has no invalid value to generate)
            runs.append(("negative", operation.as_strategy(GenerationMode.NEGATIVE)))
        if "indicator" in names:  # a real indicator, and everything else generated
            runs.append(("real indicator", operation.as_strategy(query={"indicator": IND})))
        for mode, strategy in runs:

            @given(case=strategy)
            @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
            def run(case: schemathesis.Case) -> None:
                case.call_and_validate(checks=CHECKS)

            try:
                run()
            except Exception as exc:  # every operation's failure, not only the first
                failures[f"{operation.label} ({mode})"] = str(exc)[:3000]
    assert operations >= 13
    assert failures == {}, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())


@pytest.mark.parametrize(
    "query",
    [
        {"indicator": "card_issued", "prefecture": "13", "limit": 5},
        {"indicator": "card_issued", "from": "2022", "format": "csv"},
        {"indicator": "staff_count", "staff_category": ""},
    ],
)
def test_real_observation_pages_match_the_document(
    api_schema: schemathesis.schemas.BaseSchema, query: dict[str, object]
) -> None:
    """Generated requests rarely name a real indicator: these do, so the 200s are checked too."""
    case = api_schema["/api/v1/observations"]["GET"].Case(query=query)
    response = case.call_and_validate(checks=CHECKS)
    assert response.status_code == 200


def test_schemathesis_run_time() -> None:
    print(f"\nschemathesis tests of this module ran for {time.perf_counter() - _started:.0f} s")
