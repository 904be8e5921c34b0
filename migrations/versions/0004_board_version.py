"""board version: tallies ordered by commit, not by id

Revision ID: 3f6b9d21c4a8
Revises: 8d41c2a7e0b3
Create Date: 2026-11-22 13:05:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3f6b9d21c4a8"
down_revision = "8d41c2a7e0b3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("boards", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), server_default="0", nullable=False))
    # Until now an action's id was its sequence number: keep the numbers phones already hold.
    op.execute("UPDATE actions SET seq = id")
    op.execute(
        "UPDATE boards SET seq = COALESCE((SELECT MAX(actions.id) FROM actions WHERE actions.board_id = boards.id), 0)"
    )


def downgrade():
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.drop_column("seq")
    with op.batch_alter_table("boards", schema=None) as batch_op:
        batch_op.drop_column("seq")
