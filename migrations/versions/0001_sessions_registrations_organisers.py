"""sessions, registrations and organisers

Revision ID: 5c29fe8916cb
Revises:
Create Date: 2026-11-22 08:28:18.027798

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5c29fe8916cb"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=60), nullable=False),
        sa.Column("city", sa.String(length=80), nullable=False),
        sa.Column("venue", sa.String(length=200), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("starts_at", sa.Time(), nullable=False),
        sa.Column("ends_at", sa.Time(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("registration_open", sa.Boolean(), nullable=False),
        sa.Column("schedule_version", sa.Integer(), nullable=False),
        sa.Column("registrations_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("capacity >= 0", name=op.f("ck_meetings_capacity_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
        sa.UniqueConstraint("slug", name=op.f("uq_meetings_slug")),
    )
    op.create_table(
        "organisers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisers")),
        sa.UniqueConstraint("email", name=op.f("uq_organisers_email")),
    )
    op.create_table(
        "registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=True),
        sa.Column("calendar_uid", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("organisation", sa.String(length=160), nullable=True),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("sector", sa.String(length=16), nullable=False),
        sa.Column("meal", sa.Boolean(), nullable=False),
        sa.Column("health_consent", sa.Boolean(), nullable=False),
        sa.Column("dietary", sa.Text(), nullable=True),
        sa.Column("accessibility", sa.Text(), nullable=True),
        sa.Column("locale", sa.String(length=5), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("checked_in_at", sa.DateTime(), nullable=True),
        sa.Column("anonymised_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('confirmed', 'waitlisted', 'cancelled')", name=op.f("ck_registrations_status_known")
        ),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], name=op.f("fk_registrations_meeting_id_meetings")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registrations")),
        sa.UniqueConstraint("calendar_uid", name=op.f("uq_registrations_calendar_uid")),
        sa.UniqueConstraint("token", name=op.f("uq_registrations_token")),
    )
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_registrations_meeting_status_created", ["meeting_id", "status", "created_at"], unique=False
        )
        batch_op.create_index(
            "uq_registrations_active_email",
            ["meeting_id", "email"],
            unique=True,
            sqlite_where=sa.text("status != 'cancelled' AND email IS NOT NULL"),
            postgresql_where=sa.text("status != 'cancelled' AND email IS NOT NULL"),
        )


def downgrade():
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_registrations_active_email",
            sqlite_where=sa.text("status != 'cancelled' AND email IS NOT NULL"),
            postgresql_where=sa.text("status != 'cancelled' AND email IS NOT NULL"),
        )
        batch_op.drop_index("ix_registrations_meeting_status_created")

    op.drop_table("registrations")
    op.drop_table("organisers")
    op.drop_table("meetings")
