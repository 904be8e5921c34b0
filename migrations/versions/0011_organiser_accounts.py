"""organiser accounts: roles, deactivation, a session version that ends every session, sessions assigned to facilitators, invitation and reset links, the audit log; organiser mails in the outbox

Revision ID: 9e1d4b7a2c30
Revises: 4b7e2c9d1a60
Create Date: 2026-12-10 09:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9e1d4b7a2c30"
down_revision = "4b7e2c9d1a60"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("organisers", schema=None) as batch_op:
        # Accounts that exist already manage the rest: they are beheerders.
        batch_op.add_column(sa.Column("role", sa.String(length=16), server_default="beheerder", nullable=False))
        batch_op.add_column(sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column("session_version", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("link_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("link_purpose", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("link_expires_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("password_set_at", sa.DateTime(), nullable=True))
    op.create_table(
        "organiser_meetings",
        sa.Column("organiser_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organiser_id"], ["organisers.id"], name=op.f("fk_organiser_meetings_organiser_id_organisers")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_organiser_meetings_meeting_id_meetings")
        ),
        sa.PrimaryKeyConstraint("organiser_id", "meeting_id", name=op.f("pk_organiser_meetings")),
    )
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=254), nullable=False),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["organisers.id"], name=op.f("fk_audit_entries_actor_id_organisers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
    )
    op.create_index("ix_audit_entries_at", "audit_entries", ["at"])
    op.create_index("ix_audit_entries_actor_at", "audit_entries", ["actor_id", "at"])
    op.create_index("ix_audit_entries_action_at", "audit_entries", ["action", "at"])
    with op.batch_alter_table("outbox_mails", schema=None) as batch_op:
        batch_op.alter_column("meeting_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("organiser_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_mails_organiser_id_organisers"), "organisers", ["organiser_id"], ["id"]
        )


def downgrade():
    # Organiser mails have no session; they go, so that meeting_id can be required again.
    op.execute("DELETE FROM outbox_mails WHERE meeting_id IS NULL")
    with op.batch_alter_table("outbox_mails", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_outbox_mails_organiser_id_organisers"), type_="foreignkey")
        batch_op.drop_column("organiser_id")
        batch_op.alter_column("meeting_id", existing_type=sa.Integer(), nullable=False)
    op.drop_index("ix_audit_entries_action_at", table_name="audit_entries")
    op.drop_index("ix_audit_entries_actor_at", table_name="audit_entries")
    op.drop_index("ix_audit_entries_at", table_name="audit_entries")
    op.drop_table("audit_entries")
    op.drop_table("organiser_meetings")
    with op.batch_alter_table("organisers", schema=None) as batch_op:
        batch_op.drop_column("password_set_at")
        batch_op.drop_column("link_expires_at")
        batch_op.drop_column("link_purpose")
        batch_op.drop_column("link_hash")
        batch_op.drop_column("session_version")
        batch_op.drop_column("active")
        batch_op.drop_column("role")
