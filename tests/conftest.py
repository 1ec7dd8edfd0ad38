"""Fixtures: the bundled example, stores on SQLite and PostgreSQL, a built example site."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from nenpo import core
from nenpo.settings import bundled_example, get_settings
from nenpo.store import Store, open_store

PG_URL = os.environ.get("NENPO_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def example_dir() -> Path:
    return bundled_example()


@pytest.fixture
def example_copy(tmp_path: Path, example_dir: Path) -> Path:
    """A writable copy of the bundled example (without its bulky raw data: imports need it)."""
    dst = tmp_path / "ws"
    shutil.copytree(example_dir, dst)
    return dst


def _pg_available() -> str | None:
    try:
        eng = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with eng.connect() as conn:
            conn.execute(text("select 1"))
        eng.dispose()
        return None
    except Exception as exc:  # any failure means: no server to test against
        return f"no PostgreSQL server answers at {PG_URL} ({type(exc).__name__})"


_PG_SKIP = _pg_available()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    if _PG_SKIP:
        print(f"SKIP reason: {_PG_SKIP}")
        pytest.skip(_PG_SKIP)
    schema = f"nenpo_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty, migrated store on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'nenpo.db'}"
    else:
        url = request.getfixturevalue("pg_url")
    s = open_store(url)
    yield s
    s.engine.dispose()


@pytest.fixture(scope="session")
def built_example(tmp_path_factory: pytest.TempPathFactory) -> core.BuildResult:
    """The bundled example built once for the whole session."""
    tmp = tmp_path_factory.mktemp("built")
    s = open_store(f"sqlite:///{tmp / 'nenpo.db'}")
    return core.build(s, tmp / "site", None, "ja", get_settings())


@pytest.fixture(scope="session")
def built_en(tmp_path_factory: pytest.TempPathFactory) -> core.BuildResult:
    """The bundled example built in English, once for the whole session."""
    tmp = tmp_path_factory.mktemp("built-en")
    s = open_store(f"sqlite:///{tmp / 'nenpo.db'}")
    return core.build(s, tmp / "site", None, "en", get_settings())


def soup(path: Path) -> BeautifulSoup:
    """A built page, parsed."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
