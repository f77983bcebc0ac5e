"""Targets and their revisions; indexes of the reconciliation's aggregates

Revision ID: 0005
Revises: 0004_import_rows
Create Date: 2026-11-23 23:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004_import_rows'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('programme_code', sa.String(length=32), nullable=False),
    sa.Column('track_code', sa.String(length=32), nullable=True),
    sa.Column('occupation_code', sa.String(length=48), nullable=True),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.Column('measure_code', sa.String(length=48), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('basis', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('value >= 0', name=op.f('ck_targets_value_not_negative')),
    sa.CheckConstraint('track_code IS NULL OR occupation_code IS NULL', name=op.f('ck_targets_track_or_occupation')),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_targets_district_id_districts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_targets'))
    )
    op.create_index('uq_targets_key', 'targets', [
        'year', 'programme_code', sa.text("coalesce(track_code, '')"), sa.text("coalesce(occupation_code, '')"),
        sa.text('coalesce(district_id, 0)'), 'measure_code'], unique=True)
    op.create_table('target_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('old_value', sa.Integer(), nullable=False),
    sa.Column('new_value', sa.Integer(), nullable=False),
    sa.Column('revised_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['target_id'], ['targets.id'], name=op.f('fk_target_revisions_target_id_targets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_target_revisions'))
    )
    op.create_index(op.f('ix_target_revisions_target_id'), 'target_revisions', ['target_id'], unique=False)
    op.create_index('ix_training_sessions_end_date_status', 'training_sessions', ['end_date', 'status'], unique=False)
    op.create_index('ix_enrollments_counting', 'enrollments',
                    ['session_id', 'status', 'trainee_id', 'result', 'is_employed'], unique=False)
    op.create_index('ix_certificates_enrollment_status', 'certificates',
                    ['enrollment_id', 'status', 'status_reason'], unique=False)


def downgrade():
    op.drop_index('ix_certificates_enrollment_status', table_name='certificates')
    op.drop_index('ix_enrollments_counting', table_name='enrollments')
    op.drop_index('ix_training_sessions_end_date_status', table_name='training_sessions')
    op.drop_index(op.f('ix_target_revisions_target_id'), table_name='target_revisions')
    op.drop_table('target_revisions')
    op.drop_index('uq_targets_key', table_name='targets')
    op.drop_table('targets')
