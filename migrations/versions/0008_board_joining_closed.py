"""board joining closed: the facilitator can stop new phones from joining; those in stay in

Revision ID: 6d2a9c4e81f5
Revises: 4b8e1f0c2d37
Create Date: 2026-12-02 18:15:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "6d2a9c4e81f5"
down_revision = "4b8e1f0c2d37"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("boards", schema=None) as batch_op:
        batch_op.add_column(sa.Column("joining_closed", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table("boards", schema=None) as batch_op:
        batch_op.drop_column("joining_closed")
