"""Enrollments: the reconciliation's covering index carries the enrollment's id on PostgreSQL

The programmes' own measures read per enrollment (a job changer's recorded situation is found by the
enrollment's id) ride on the additive statement's walk, so that walk reads the id of every 人次: with
it in the index (INCLUDE, not a key column) PostgreSQL still reads the enrollments from the index alone.
SQLite's indexes carry the rowid, which is the id, already: nothing to do there.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-24 08:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

COLUMNS = ['session_id', 'status', 'trainee_id', 'result', 'is_employed']


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.drop_index('ix_enrollments_counting', table_name='enrollments')
    op.create_index('ix_enrollments_counting', 'enrollments', COLUMNS, unique=False, postgresql_include=['id'])


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.drop_index('ix_enrollments_counting', table_name='enrollments')
    op.create_index('ix_enrollments_counting', 'enrollments', COLUMNS, unique=False)
