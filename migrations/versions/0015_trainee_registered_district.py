"""Trainees: the district bureau that registered a person keeps sight of them

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-24 04:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('trainees', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registered_district_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_trainees_registered_district_id'), ['registered_district_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_trainees_registered_district_id_districts'), 'districts',
                                    ['registered_district_id'], ['id'])


def downgrade():
    with op.batch_alter_table('trainees', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_trainees_registered_district_id_districts'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_trainees_registered_district_id'))
        batch_op.drop_column('registered_district_id')
