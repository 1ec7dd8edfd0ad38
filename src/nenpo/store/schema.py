"""Tables of the store. Structure lives in indexed columns; the rest of each object in `data`.

Observations and survey shares are the data the report is about, so they are fully relational
(and keyed as importers upsert them); the descriptive objects keep their validated model as JSON,
which the loader has already checked, so the store never holds what the models would reject.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

WORKSPACE_ORIGIN = "workspace"  # observation.origin of rows that nenpo load wrote

metadata = MetaData(
    naming_convention={
        "pk": "pk_%(table_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ix": "ix_%(table_name)s_%(column_0_name)s",
    }
)

ID = 100  # length of ids


def _object_table(name: str, *extra: Column) -> Table:
    return Table(
        name,
        metadata,
        Column("id", String(ID), primary_key=True),
        Column("position", Integer, nullable=False),
        *extra,
        Column("data", JSON, nullable=False),
    )


document = Table(
    "document",
    metadata,
    Column("key", String(ID), primary_key=True),
    Column("data", JSON, nullable=False),
)
source = _object_table("source")
focus_area = _object_table("focus_area")
dimension = _object_table("dimension")
indicator = _object_table(
    "indicator",
    Column("source_id", String(ID), ForeignKey("source.id"), nullable=False),
    Column("provenance", String(20), nullable=False),
)
project = _object_table(
    "project",
    Column("parent_id", String(ID), ForeignKey("project.id")),
    Column("focus_area_id", String(ID), ForeignKey("focus_area.id"), nullable=False),
)
survey = _object_table("survey", Column("source_id", String(ID), ForeignKey("source.id")))
chart = _object_table("chart")
chapter = _object_table("chapter")

survey_share = Table(
    "survey_share",
    metadata,
    Column("survey_id", String(ID), ForeignKey("survey.id"), primary_key=True),
    Column("question_id", String(ID), primary_key=True),
    Column("wave_id", String(ID), primary_key=True),
    Column("option_id", String(ID), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("share", Float, nullable=False),
)

text = Table(
    "text",
    metadata,
    Column("path", String(500), primary_key=True),
    Column("body", Text, nullable=False),
)

observation = Table(
    "observation",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # No foreign keys (migration 0004): PostgreSQL checks one row at a time, which halved the
    # speed of `nenpo import`. The writers check instead: a load writes only a validated
    # workspace; an import checks its indicators and source in one query, in its transaction,
    # with the indicator and source tables locked against a concurrent load (store/bulk.py).
    Column("indicator_id", String(ID), nullable=False),
    Column("period", String(20), nullable=False),
    Column("start", Date, nullable=False),
    Column("dims", String(500), nullable=False, default=""),
    Column("value", Float, nullable=False),
    Column("provenance", String(20)),
    Column("source_id", String(ID)),
    # Where the row came from: "workspace" (nenpo load), or "import:FILE" (nenpo import), so a
    # load never drops or overwrites an imported row without being told to.
    Column("origin", String(500), nullable=False, server_default=WORKSPACE_ORIGIN),
    # Where the row was written, for findings of `nenpo check`: a load's file and line; an
    # import's line in the file `origin` names (file NULL). NULL for rows stored before 0005.
    Column("file", String(500)),
    Column("line", Integer),
    UniqueConstraint("indicator_id", "period", "dims", name="uq_observation_key"),
)

load_log = Table(
    "load_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
    Column("workspace", String(1000), nullable=False),
    Column("content_hash", String(64), nullable=False),
)

# One row: a number every write (a load, an import) raises in its own transaction, so a reader can
# tell in one lookup whether anything changed since it last looked (the API's caches; 0004).
revision = Table(
    "revision",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("value", BigInteger, nullable=False),
)

# The portfolio (staff only; migration 0002). Facts that analytics query are columns; texts
# (names, narratives, reasons) and short lists stay JSON in the row they belong to.
portfolio_settings = Table(
    "portfolio_settings",
    metadata,
    Column("key", String(ID), primary_key=True),
    Column("data", JSON, nullable=False),
)
portfolio_project = Table(
    "portfolio_project",
    metadata,
    Column("project_id", String(ID), ForeignKey("project.id"), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("provenance", String(20), nullable=False),
    Column("phase", String(20), nullable=False),
    Column("min_fte", Float, nullable=False),
    Column("public", JSON, nullable=False),
)
milestone = Table(
    "milestone",
    metadata,
    Column("project_id", String(ID), ForeignKey("portfolio_project.project_id"), primary_key=True),
    Column("milestone_id", String(ID), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("name", JSON, nullable=False),
    Column("baseline", Date, nullable=False),
    Column("forecast", Date),
    Column("actual", Date),
    Column("rebaselines", JSON, nullable=False),
)
budget_year = Table(
    "budget_year",
    metadata,
    Column("project_id", String(ID), ForeignKey("portfolio_project.project_id"), primary_key=True),
    Column("fiscal_year", String(20), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("baseline", BigInteger, nullable=False),
    Column("forecast", BigInteger),
    Column("actual", BigInteger),
    Column("narrative", JSON),
)
risk_assessment = Table(
    "risk_assessment",
    metadata,
    Column("project_id", String(ID), ForeignKey("portfolio_project.project_id"), primary_key=True),
    Column("assessed_on", Date, primary_key=True),
    Column("rating", String(20), nullable=False),
    Column("score", Integer, nullable=False),
    Column("narrative", JSON, nullable=False),
)
staffing_demand = Table(
    "staffing_demand",
    metadata,
    Column("project_id", String(ID), ForeignKey("portfolio_project.project_id"), primary_key=True),
    Column("skill", String(20), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("fte", Float, nullable=False),
)
person = Table(
    "person",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("capacity", Float, nullable=False),
    Column("skills", JSON, nullable=False),
)
allocation = Table(
    "allocation",
    metadata,
    Column("person_id", String(ID), ForeignKey("person.id"), primary_key=True),
    Column("project_id", String(ID), ForeignKey("project.id"), primary_key=True),
    Column("skill", String(20), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("fte", Float, nullable=False),
)
PORTFOLIO_TABLES = [
    allocation,
    person,
    staffing_demand,
    risk_assessment,
    budget_year,
    milestone,
    portfolio_project,
    portfolio_settings,
]

# Delete order: children before parents.
ALL_TABLES = [
    *PORTFOLIO_TABLES,
    observation,
    survey_share,
    survey,
    project,
    indicator,
    chart,
    chapter,
    text,
    dimension,
    focus_area,
    source,
    document,
]
