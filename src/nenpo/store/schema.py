"""Tables of the store. Structure lives in indexed columns; the rest of each object in `data`.

Observations and survey shares are the data the report is about, so they are fully relational
(and keyed as importers upsert them); the descriptive objects keep their validated model as JSON,
which the loader has already checked, so the store never holds what the models would reject.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
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
    Column("indicator_id", String(ID), ForeignKey("indicator.id"), nullable=False),
    Column("period", String(20), nullable=False),
    Column("start", Date, nullable=False),
    Column("dims", String(500), nullable=False, default=""),
    Column("value", Float, nullable=False),
    Column("provenance", String(20)),
    Column("source_id", String(ID), ForeignKey("source.id")),
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

# Delete order: children before parents.
ALL_TABLES = [
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
