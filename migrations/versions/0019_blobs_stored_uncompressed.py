"""Blobs that are compressed already (spreadsheets, zlib-packed import rows, JPEG photos) kept by
PostgreSQL without trying to compress them again

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-24 07:20:00

PostgreSQL's default for bytea (EXTENDED) runs its own compressor over every value above 2 kB
before moving it out of line; on an uploaded .xlsx (a zip) or the packed rows of an import it gains
nothing and, for a 10,000-row enrolment file, cost 8–15 ms per upload. EXTERNAL moves them out of
line uncompressed. SQLite has no such setting.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

COLUMNS = (("import_batches", "content"), ("import_batches", "checked_rows"), ("worker_photos", "jpeg"))


def _set_storage(storage: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in COLUMNS:
        op.execute(f'ALTER TABLE {table} ALTER COLUMN {column} SET STORAGE {storage}')


def upgrade():
    _set_storage("EXTERNAL")


def downgrade():
    _set_storage("EXTENDED")
