"""proposal groups for the reports

Revision ID: 8d41c2a7e0b3
Revises: 5537f381f8c6
Create Date: 2026-11-22 10:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8d41c2a7e0b3"
down_revision = "5537f381f8c6"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "proposal_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=140), nullable=False),
        sa.Column("confirmed", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_groups")),
    )
    op.create_table(
        "proposal_group_members",
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["proposal_groups.id"], name=op.f("fk_proposal_group_members_group_id_proposal_groups")
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"], ["proposals.id"], name=op.f("fk_proposal_group_members_proposal_id_proposals")
        ),
        sa.PrimaryKeyConstraint("proposal_id", name=op.f("pk_proposal_group_members")),
    )
    with op.batch_alter_table("proposal_group_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proposal_group_members_group_id"), ["group_id"], unique=False)


def downgrade():
    with op.batch_alter_table("proposal_group_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposal_group_members_group_id"))

    op.drop_table("proposal_group_members")
    op.drop_table("proposal_groups")
