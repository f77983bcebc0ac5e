"""Import batches keep the rows as read and checked at upload

Revision ID: 0004_import_rows
Revises: 0003
Create Date: 2026-11-24 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_import_rows'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    # Batches uploaded before this revision have none: they are read again from their file.
    with op.batch_alter_table('import_batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checked_rows', sa.LargeBinary(), nullable=True))


def downgrade():
    with op.batch_alter_table('import_batches', schema=None) as batch_op:
        batch_op.drop_column('checked_rows')
