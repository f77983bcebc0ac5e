"""Apprenticeship filings: the training plan's class hours (the plan sessions are created with them)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 02:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('apprenticeship_filings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('planned_hours', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            'planned_hours_positive', 'planned_hours IS NULL OR planned_hours > 0')


def downgrade():
    with op.batch_alter_table('apprenticeship_filings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_apprenticeship_filings_planned_hours_positive'), type_='check')
        batch_op.drop_column('planned_hours')
