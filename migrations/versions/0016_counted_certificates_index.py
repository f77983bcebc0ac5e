"""Reconciliation: the certificates that count for 取证, by session (a partial index)

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-24 05:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

COUNTED = sa.text("enrollment_id IS NOT NULL AND (status <> 'revoked' OR status_reason = 'replaced')")


def upgrade():
    op.create_index('ix_certificates_counted_by_session', 'certificates', ['session_id'], unique=False,
                    postgresql_where=COUNTED, sqlite_where=COUNTED)


def downgrade():
    op.drop_index('ix_certificates_counted_by_session', table_name='certificates')
