"""themes that flow, boards that can be put away, group titles of their own

- proposals.theme_chosen: the theme was chosen for the proposal (author or facilitator); otherwise
  it follows the bottleneck it answers.
- boards.practice, boards.archived_at, boards.in_report: rehearsals and archived boards stay out of
  the reports unless the organiser counts them in.
- proposal_groups.title becomes optional (None: the suggestion from its members), and groups get
  a theme and an actor of their own.

Revision ID: 2a7c5e91d4b8
Revises: 9e1d4b7a2c30
Create Date: 2026-12-20 10:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "2a7c5e91d4b8"
down_revision = "9e1d4b7a2c30"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("theme_chosen", sa.Boolean(), server_default=sa.false(), nullable=False))
    # Until now a proposal's own theme won over its bottleneck's only when that had none: a
    # proposal with a theme its bottleneck does not share was chosen so.
    op.execute(
        "UPDATE proposals SET theme_chosen = true WHERE theme_id IS NOT NULL AND (bottleneck_id IS NULL OR "
        "theme_id IS DISTINCT FROM (SELECT b.theme_id FROM bottlenecks b WHERE b.id = proposals.bottleneck_id))"
        if op.get_bind().dialect.name == "postgresql"
        else "UPDATE proposals SET theme_chosen = 1 WHERE theme_id IS NOT NULL AND (bottleneck_id IS NULL OR "
        "theme_id IS NOT (SELECT b.theme_id FROM bottlenecks b WHERE b.id = proposals.bottleneck_id))"
    )
    with op.batch_alter_table("boards", schema=None) as batch_op:
        batch_op.add_column(sa.Column("practice", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("archived_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("in_report", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("proposal_groups", schema=None) as batch_op:
        batch_op.alter_column("title", existing_type=sa.String(length=140), nullable=True)
        batch_op.add_column(sa.Column("theme", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("actor", sa.String(length=32), nullable=True))
    # A suggestion's title was copied from its lead member: from now on it follows the members.
    # A confirmed group keeps a title no member of it has (the organiser wrote it).
    op.execute(
        "UPDATE proposal_groups SET title = NULL WHERE NOT confirmed OR EXISTS ("
        "SELECT 1 FROM proposal_group_members m JOIN proposals p ON p.id = m.proposal_id "
        "WHERE m.group_id = proposal_groups.id AND substr(p.title, 1, 140) = proposal_groups.title)"
    )


def downgrade():
    op.execute(
        "UPDATE proposal_groups SET title = (SELECT substr(min(p.title), 1, 140) FROM proposal_group_members m "
        "JOIN proposals p ON p.id = m.proposal_id WHERE m.group_id = proposal_groups.id) WHERE title IS NULL"
    )
    op.execute("UPDATE proposal_groups SET title = 'Groep' WHERE title IS NULL")
    with op.batch_alter_table("proposal_groups", schema=None) as batch_op:
        batch_op.drop_column("actor")
        batch_op.drop_column("theme")
        batch_op.alter_column("title", existing_type=sa.String(length=140), nullable=False)
    with op.batch_alter_table("boards", schema=None) as batch_op:
        batch_op.drop_column("in_report")
        batch_op.drop_column("archived_at")
        batch_op.drop_column("practice")
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.drop_column("theme_chosen")
