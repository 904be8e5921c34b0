"""live board

Revision ID: 5537f381f8c6
Revises: 5c29fe8916cb
Create Date: 2026-11-22 08:55:33.722952

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5537f381f8c6"
down_revision = "5c29fe8916cb"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "boards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=6), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("phase", sa.String(length=16), nullable=False),
        sa.Column("timer_ends_at", sa.DateTime(), nullable=True),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.Column("votes_per_participant", sa.Integer(), nullable=False),
        sa.Column("max_votes_per_proposal", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "phase IN ('mopperen', 'opperen', 'stemmen', 'oogsten')", name=op.f("ck_boards_phase_known")
        ),
        sa.CheckConstraint("max_votes_per_proposal BETWEEN 1 AND 50", name=op.f("ck_boards_max_per_proposal_range")),
        sa.CheckConstraint("votes_per_participant BETWEEN 1 AND 50", name=op.f("ck_boards_budget_range")),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], name=op.f("fk_boards_meeting_id_meetings")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_boards")),
        sa.UniqueConstraint("code", name=op.f("uq_boards_code")),
    )
    op.create_table(
        "moderation_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("board_id", sa.Integer(), nullable=False),
        sa.Column("organiser_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("target", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["board_id"], ["boards.id"], name=op.f("fk_moderation_log_board_id_boards")),
        sa.ForeignKeyConstraint(
            ["organiser_id"], ["organisers.id"], name=op.f("fk_moderation_log_organiser_id_organisers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_log")),
    )
    with op.batch_alter_table("moderation_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_moderation_log_board_id"), ["board_id"], unique=False)

    op.create_table(
        "participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("board_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("nickname", sa.String(length=40), nullable=True),
        sa.Column("role", sa.String(length=32), nullable=True),
        sa.Column("sector", sa.String(length=16), nullable=True),
        sa.Column("votes_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["board_id"], ["boards.id"], name=op.f("fk_participants_board_id_boards")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participants")),
        sa.UniqueConstraint("token", name=op.f("uq_participants_token")),
    )
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_participants_board_id"), ["board_id"], unique=False)

    op.create_table(
        "themes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("board_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("starter", sa.Text(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["board_id"], ["boards.id"], name=op.f("fk_themes_board_id_boards")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_themes")),
    )
    with op.batch_alter_table("themes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_themes_board_id"), ["board_id"], unique=False)

    op.create_table(
        "actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("board_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["board_id"], ["boards.id"], name=op.f("fk_actions_board_id_boards")),
        sa.ForeignKeyConstraint(
            ["participant_id"], ["participants.id"], name=op.f("fk_actions_participant_id_participants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actions")),
        sa.UniqueConstraint("participant_id", "client_id", name="uq_actions_participant_client"),
    )
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_actions_board_id"), ["board_id"], unique=False)

    op.create_table(
        "bottlenecks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("board_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["board_id"], ["boards.id"], name=op.f("fk_bottlenecks_board_id_boards")),
        sa.ForeignKeyConstraint(
            ["participant_id"], ["participants.id"], name=op.f("fk_bottlenecks_participant_id_participants")
        ),
        sa.ForeignKeyConstraint(["theme_id"], ["themes.id"], name=op.f("fk_bottlenecks_theme_id_themes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bottlenecks")),
    )
    with op.batch_alter_table("bottlenecks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bottlenecks_board_id"), ["board_id"], unique=False)

    op.create_table(
        "proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("board_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("bottleneck_id", sa.Integer(), nullable=True),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=140), nullable=False),
        sa.Column("big", sa.Text(), nullable=True),
        sa.Column("small", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(length=32), nullable=True),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("hidden_reason", sa.String(length=300), nullable=True),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("promising", sa.Boolean(), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("paper_votes", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["board_id"], ["boards.id"], name=op.f("fk_proposals_board_id_boards")),
        sa.ForeignKeyConstraint(
            ["bottleneck_id"], ["bottlenecks.id"], name=op.f("fk_proposals_bottleneck_id_bottlenecks")
        ),
        sa.ForeignKeyConstraint(
            ["merged_into_id"], ["proposals.id"], name=op.f("fk_proposals_merged_into_id_proposals")
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"], ["participants.id"], name=op.f("fk_proposals_participant_id_participants")
        ),
        sa.ForeignKeyConstraint(["theme_id"], ["themes.id"], name=op.f("fk_proposals_theme_id_themes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposals")),
    )
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.create_index("ix_proposals_board_visible", ["board_id", "hidden", "merged_into_id"], unique=False)

    op.create_table(
        "votes",
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("board_id", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("forfeited", sa.Integer(), nullable=False),
        sa.CheckConstraint("count >= 0 AND forfeited >= 0", name=op.f("ck_votes_not_negative")),
        sa.ForeignKeyConstraint(["board_id"], ["boards.id"], name=op.f("fk_votes_board_id_boards")),
        sa.ForeignKeyConstraint(
            ["participant_id"], ["participants.id"], name=op.f("fk_votes_participant_id_participants")
        ),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposals.id"], name=op.f("fk_votes_proposal_id_proposals")),
        sa.PrimaryKeyConstraint("participant_id", "proposal_id", name=op.f("pk_votes")),
    )
    with op.batch_alter_table("votes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_votes_board_id"), ["board_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_votes_proposal_id"), ["proposal_id"], unique=False)


def downgrade():
    with op.batch_alter_table("votes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_votes_proposal_id"))
        batch_op.drop_index(batch_op.f("ix_votes_board_id"))

    op.drop_table("votes")
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.drop_index("ix_proposals_board_visible")

    op.drop_table("proposals")
    with op.batch_alter_table("bottlenecks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bottlenecks_board_id"))

    op.drop_table("bottlenecks")
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_actions_board_id"))

    op.drop_table("actions")
    with op.batch_alter_table("themes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_themes_board_id"))

    op.drop_table("themes")
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_participants_board_id"))

    op.drop_table("participants")
    with op.batch_alter_table("moderation_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_moderation_log_board_id"))

    op.drop_table("moderation_log")
    op.drop_table("boards")
