"""revision counter for readers' caches; observation without row-by-row foreign keys

`revision` holds one number that every load and every import that changed a row raises, in its
own transaction: the public API's caches compare it on each request.

observation's foreign keys to indicator and source are dropped: PostgreSQL checks a foreign key
one inserted row at a time, which cost half of a bulk import's time. The writers check instead
(a load writes a validated workspace; an import checks its indicators and source in one query
inside its transaction, with those tables locked against a concurrent load).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 23:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "revision",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revision")),
    )
    op.bulk_insert(table, [{"id": 1, "value": 1}])
    with op.batch_alter_table("observation") as batch:
        batch.drop_constraint("fk_observation_indicator_id", type_="foreignkey")
        batch.drop_constraint("fk_observation_source_id", type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("observation") as batch:
        batch.create_foreign_key(
            "fk_observation_indicator_id", "indicator", ["indicator_id"], ["id"]
        )
        batch.create_foreign_key("fk_observation_source_id", "source", ["source_id"], ["id"])
    op.drop_table("revision")
