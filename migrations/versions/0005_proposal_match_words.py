"""proposal match words: the normalised title and ambition, stored for the "lijkt op" hint

Revision ID: 9d7161b4817d
Revises: 3f6b9d21c4a8
Create Date: 2026-12-02 14:00:00

"""

import sqlalchemy as sa
from alembic import op

from sessie_app.board.models import proposal_match_words

# revision identifiers, used by Alembic.
revision = "9d7161b4817d"
down_revision = "3f6b9d21c4a8"
branch_labels = None
depends_on = None

proposals = sa.table(
    "proposals",
    sa.column("id", sa.Integer),
    sa.column("title", sa.String),
    sa.column("big", sa.Text),
    sa.column("match_words", sa.Text),
)


def upgrade():
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("match_words", sa.Text(), server_default="", nullable=False))
    connection = op.get_bind()
    rows = connection.execute(sa.select(proposals.c.id, proposals.c.title, proposals.c.big)).all()
    if rows:
        connection.execute(
            proposals.update().where(proposals.c.id == sa.bindparam("proposal_id")),
            [{"proposal_id": id_, "match_words": proposal_match_words(title, big)} for id_, title, big in rows],
        )


def downgrade():
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.drop_column("match_words")
