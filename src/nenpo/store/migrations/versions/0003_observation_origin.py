"""observation.origin: whether a row came from the workspace (nenpo load) or a nenpo import

Rows stored before this revision are taken to come from the workspace.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 13:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("observation") as batch:
        batch.add_column(
            sa.Column("origin", sa.String(length=500), server_default="workspace", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("observation") as batch:
        batch.drop_column("origin")
