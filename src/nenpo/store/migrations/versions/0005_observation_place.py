"""observation.file and observation.line: where each row was written, for `nenpo check`

A load records the file and line of every observation (its row in observations/*.csv, or in
the table one of imports/*.yaml read); `nenpo import` records the row's line in the imported
file, whose name `origin` already holds. A finding about a stored row can then name its place.
Rows stored before this revision have neither (NULL): the check names their indicator instead.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 04:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("observation") as batch:
        batch.add_column(sa.Column("file", sa.String(length=500), nullable=True))
        batch.add_column(sa.Column("line", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("observation") as batch:
        batch.drop_column("line")
        batch.drop_column("file")
