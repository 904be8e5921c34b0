"""registrant messages: an organiser's message to a session's registrants, mailed through the outbox; the outbox remembers what a schedule change changed

Revision ID: 4b7e2c9d1a60
Revises: 8c3f5a1d0e92
Create Date: 2026-12-03 09:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "4b7e2c9d1a60"
down_revision = "8c3f5a1d0e92"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "registrant_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=120), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("sent_by", sa.Integer(), nullable=True),
        sa.Column("draft", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_registrant_messages_meeting_id_meetings")
        ),
        sa.ForeignKeyConstraint(["sent_by"], ["organisers.id"], name=op.f("fk_registrant_messages_sent_by_organisers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registrant_messages")),
        sa.UniqueConstraint("draft", name=op.f("uq_registrant_messages_draft")),
    )
    op.create_index("ix_registrant_messages_meeting_id", "registrant_messages", ["meeting_id"])
    with op.batch_alter_table("outbox_mails", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("changes", sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_mails_message_id_registrant_messages"), "registrant_messages", ["message_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("outbox_mails", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_outbox_mails_message_id_registrant_messages"), type_="foreignkey")
        batch_op.drop_column("changes")
        batch_op.drop_column("message_id")
    op.drop_index("ix_registrant_messages_meeting_id", table_name="registrant_messages")
    op.drop_table("registrant_messages")
