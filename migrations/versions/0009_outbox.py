"""outbox: every mail a row, written with the change that causes it; a calendar version per registration, reconfirmed from the reminder

Revision ID: 8c3f5a1d0e92
Revises: 6d2a9c4e81f5
Create Date: 2026-12-03 08:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8c3f5a1d0e92"
down_revision = "6d2a9c4e81f5"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outbox_mails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_until", sa.DateTime(), nullable=True),
        sa.Column("claim", sa.String(length=32), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("file_name", sa.String(length=128), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], name=op.f("fk_outbox_mails_meeting_id_meetings")),
        sa.ForeignKeyConstraint(
            ["registration_id"], ["registrations.id"], name=op.f("fk_outbox_mails_registration_id_registrations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_mails")),
    )
    op.create_index("ix_outbox_mails_due", "outbox_mails", ["status", "next_attempt_at"])
    op.create_index("ix_outbox_mails_meeting_created", "outbox_mails", ["meeting_id", "created_at"])
    op.create_index("ix_outbox_mails_registration_kind", "outbox_mails", ["registration_id", "kind"])
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calendar_version", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("reconfirmed_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_column("reconfirmed_at")
        batch_op.drop_column("calendar_version")
    op.drop_index("ix_outbox_mails_registration_kind", table_name="outbox_mails")
    op.drop_index("ix_outbox_mails_meeting_created", table_name="outbox_mails")
    op.drop_index("ix_outbox_mails_due", table_name="outbox_mails")
    op.drop_table("outbox_mails")
