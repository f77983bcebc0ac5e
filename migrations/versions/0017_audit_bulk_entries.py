"""Audit log: one entry for many rows inserted at once (an import), with the id range it covers

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-24 05:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


# Plain ALTER TABLE, not batch mode: rebuilding audit_log on SQLite would drop its append-only triggers.
def upgrade():
    op.add_column('audit_log', sa.Column('first_id', sa.Integer(), nullable=True))
    op.add_column('audit_log', sa.Column('last_id', sa.Integer(), nullable=True))
    op.create_index('ix_audit_log_entity_range', 'audit_log', ['entity_type', 'first_id', 'last_id'], unique=False)


def downgrade():
    op.drop_index('ix_audit_log_entity_range', table_name='audit_log')
    op.drop_column('audit_log', 'last_id')
    op.drop_column('audit_log', 'first_id')
