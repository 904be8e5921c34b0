"""merge returns votes: a dot that stops counting when two proposals merge goes back to its participant

Revision ID: 4b8e1f0c2d37
Revises: 737aa41857f8
Create Date: 2026-12-02 18:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "4b8e1f0c2d37"
down_revision = "737aa41857f8"
branch_labels = None
depends_on = None


def upgrade():
    # Dots forfeited in earlier merges go back to their participants' budgets, as they do from now on.
    with op.batch_alter_table("votes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_votes_not_negative"), type_="check")
        batch_op.drop_column("forfeited")
        batch_op.create_check_constraint(batch_op.f("ck_votes_not_negative"), "count >= 0")


def downgrade():
    with op.batch_alter_table("votes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_votes_not_negative"), type_="check")
        batch_op.add_column(sa.Column("forfeited", sa.Integer(), nullable=False, server_default="0"))
        batch_op.create_check_constraint(batch_op.f("ck_votes_not_negative"), "count >= 0 AND forfeited >= 0")
