"""南粤家政: demonstration training-base designations (004 之三 二、10) and street/town service stations (二、1)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 03:03:27.083654

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('jiazheng_demonstration_designations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('designated_on', sa.Date(), nullable=False),
    sa.Column('designated_by', sa.String(length=120), nullable=False),
    sa.Column('document_number', sa.String(length=60), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("level IN ('joint', 'city', 'district')", name=op.f('ck_jiazheng_demonstration_designations_level_known')),
    sa.CheckConstraint('ended_on IS NULL OR ended_on >= designated_on', name=op.f('ck_jiazheng_demonstration_designations_end_after_start')),
    sa.CheckConstraint('valid_until IS NULL OR valid_until >= designated_on', name=op.f('ck_jiazheng_demonstration_designations_term_after_start')),
    sa.ForeignKeyConstraint(['base_id'], ['training_bases.id'], name=op.f('fk_jiazheng_demonstration_designations_base_id_training_bases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jiazheng_demonstration_designations'))
    )
    op.create_index(op.f('ix_jiazheng_demonstration_designations_base_id'), 'jiazheng_demonstration_designations',
                    ['base_id'], unique=False)
    op.create_table('jiazheng_service_stations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('street', sa.String(length=40), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('operator_kind', sa.String(length=16), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=True),
    sa.Column('operator_name', sa.String(length=120), nullable=False),
    sa.Column('contact_phone', sa.String(length=20), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('close_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("operator_kind IN ('enterprise', 'street_office', 'community', 'other')", name=op.f('ck_jiazheng_service_stations_operator_kind_known')),
    sa.CheckConstraint('closed_on IS NULL OR closed_on >= opened_on', name=op.f('ck_jiazheng_service_stations_closed_after_opened')),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_jiazheng_service_stations_district_id_districts')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_jiazheng_service_stations_enterprise_id_enterprises')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jiazheng_service_stations'))
    )
    op.create_index(op.f('ix_jiazheng_service_stations_district_id'), 'jiazheng_service_stations', ['district_id'],
                    unique=False)
    op.create_index(op.f('ix_jiazheng_service_stations_enterprise_id'), 'jiazheng_service_stations', ['enterprise_id'],
                    unique=False)


def downgrade():
    op.drop_index(op.f('ix_jiazheng_service_stations_enterprise_id'), table_name='jiazheng_service_stations')
    op.drop_index(op.f('ix_jiazheng_service_stations_district_id'), table_name='jiazheng_service_stations')
    op.drop_table('jiazheng_service_stations')
    op.drop_index(op.f('ix_jiazheng_demonstration_designations_base_id'),
                  table_name='jiazheng_demonstration_designations')
    op.drop_table('jiazheng_demonstration_designations')
