"""board budget limits: 1-20 votes per participant, 1-10 on one proposal, never more than the budget

Revision ID: 737aa41857f8
Revises: 9d7161b4817d
Create Date: 2026-12-02 14:30:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "737aa41857f8"
down_revision = "9d7161b4817d"
branch_labels = None
depends_on = None


def upgrade():
    # Boards made before these limits (the forms and the CLI never allowed more than 20 and 10, but
    # the CLI allowed more on one proposal than the budget) are brought within them: no participant
    # can put more on one proposal than their budget anyway, so votes keep counting as they did.
    op.execute("UPDATE boards SET votes_per_participant = 20 WHERE votes_per_participant > 20")
    op.execute("UPDATE boards SET max_votes_per_proposal = 10 WHERE max_votes_per_proposal > 10")
    op.execute(
        "UPDATE boards SET max_votes_per_proposal = votes_per_participant"
        " WHERE max_votes_per_proposal > votes_per_participant"
    )
    with op.batch_alter_table("boards", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_boards_budget_range"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_boards_max_per_proposal_range"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_boards_budget_range"), "votes_per_participant BETWEEN 1 AND 20")
        batch_op.create_check_constraint(
            batch_op.f("ck_boards_max_per_proposal_range"), "max_votes_per_proposal BETWEEN 1 AND 10"
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_boards_max_per_proposal_within_budget"), "max_votes_per_proposal <= votes_per_participant"
        )


def downgrade():
    with op.batch_alter_table("boards", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_boards_max_per_proposal_within_budget"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_boards_max_per_proposal_range"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_boards_budget_range"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_boards_budget_range"), "votes_per_participant BETWEEN 1 AND 50")
        batch_op.create_check_constraint(
            batch_op.f("ck_boards_max_per_proposal_range"), "max_votes_per_proposal BETWEEN 1 AND 50"
        )
