"""Certificates: their holders by type, level and status (the reconciliation's 拔尖技能人才 semi-join)

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-24 06:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_certificates_type_level_holder', 'certificates',
                    ['certificate_type', 'level', 'status', 'trainee_id'], unique=False)


def downgrade():
    op.drop_index('ix_certificates_type_level_holder', table_name='certificates')
