"""Ten key groups 1, 5, 6, 7: the rural labourers' real-name register, veterans' intakes by discharge year,
job changers' situations on their participations

Revision ID: 0012
Revises: 0010
Create Date: 2026-11-24 03:06:31.069702

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ten_groups_rural_labourers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trainee_id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('town', sa.String(length=40), nullable=False),
    sa.Column('village', sa.String(length=40), nullable=False),
    sa.Column('low_income_role', sa.String(length=16), nullable=True),
    sa.Column('is_weak_village', sa.Boolean(), nullable=False),
    sa.Column('training_need', sa.String(length=16), nullable=False),
    sa.Column('wants_training', sa.Boolean(), nullable=False),
    sa.Column('wish', sa.String(length=120), nullable=False),
    sa.Column('registered_on', sa.Date(), nullable=False),
    sa.Column('registered_base_id', sa.Integer(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('close_reason', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("low_income_role IS NULL OR low_income_role IN ('labourer', 'child')", name=op.f('ck_ten_groups_rural_labourers_low_income_role_known')),
    sa.CheckConstraint("training_need IN ('city_work', 'further_study', 'return_business', 'skills_income')", name=op.f('ck_ten_groups_rural_labourers_training_need_known')),
    sa.CheckConstraint('closed_on IS NULL OR closed_on >= registered_on', name=op.f('ck_ten_groups_rural_labourers_closed_after_registered')),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_ten_groups_rural_labourers_district_id_districts')),
    sa.ForeignKeyConstraint(['registered_base_id'], ['training_bases.id'], name=op.f('fk_ten_groups_rural_labourers_registered_base_id_training_bases')),
    sa.ForeignKeyConstraint(['trainee_id'], ['trainees.id'], name=op.f('fk_ten_groups_rural_labourers_trainee_id_trainees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ten_groups_rural_labourers')),
    sa.UniqueConstraint('trainee_id', name=op.f('uq_ten_groups_rural_labourers_trainee_id'))
    )
    op.create_index(op.f('ix_ten_groups_rural_labourers_district_id'), 'ten_groups_rural_labourers', ['district_id'], unique=False)
    op.create_index(op.f('ix_ten_groups_rural_labourers_registered_base_id'), 'ten_groups_rural_labourers', ['registered_base_id'], unique=False)

    op.create_table('ten_groups_veteran_intakes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trainee_id', sa.Integer(), nullable=False),
    sa.Column('discharge_year', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('placement', sa.String(length=16), nullable=False),
    sa.Column('can_attend', sa.Boolean(), nullable=False),
    sa.Column('exemption_reason', sa.String(length=200), nullable=False),
    sa.Column('registered_on', sa.Date(), nullable=False),
    sa.Column('registered_base_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("placement IN ('self_employed', 'assigned', 'other')", name=op.f('ck_ten_groups_veteran_intakes_placement_known')),
    sa.CheckConstraint('discharge_year BETWEEN 1950 AND 2100', name=op.f('ck_ten_groups_veteran_intakes_discharge_year_plausible')),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_ten_groups_veteran_intakes_district_id_districts')),
    sa.ForeignKeyConstraint(['registered_base_id'], ['training_bases.id'], name=op.f('fk_ten_groups_veteran_intakes_registered_base_id_training_bases')),
    sa.ForeignKeyConstraint(['trainee_id'], ['trainees.id'], name=op.f('fk_ten_groups_veteran_intakes_trainee_id_trainees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ten_groups_veteran_intakes')),
    sa.UniqueConstraint('trainee_id', name=op.f('uq_ten_groups_veteran_intakes_trainee_id'))
    )
    op.create_index(op.f('ix_ten_groups_veteran_intakes_discharge_year'), 'ten_groups_veteran_intakes', ['discharge_year'], unique=False)
    op.create_index(op.f('ix_ten_groups_veteran_intakes_district_id'), 'ten_groups_veteran_intakes', ['district_id'], unique=False)
    op.create_index(op.f('ix_ten_groups_veteran_intakes_registered_base_id'), 'ten_groups_veteran_intakes', ['registered_base_id'], unique=False)

    op.create_table('ten_groups_job_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=False),
    sa.Column('former_enterprise_name', sa.String(length=120), nullable=False),
    sa.Column('former_credit_code', sa.String(length=18), nullable=True),
    sa.Column('former_post', sa.String(length=60), nullable=False),
    sa.Column('situation', sa.String(length=16), nullable=False),
    sa.Column('separated_on', sa.Date(), nullable=True),
    sa.Column('intended_post', sa.String(length=60), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("separated_on IS NOT NULL OR NOT (situation IN ('laid_off', 'contract_ended'))", name=op.f('ck_ten_groups_job_changes_separation_dated')),
    sa.CheckConstraint("situation IN ('in_post', 'redeployed', 'suspended', 'laid_off', 'contract_ended')", name=op.f('ck_ten_groups_job_changes_situation_known')),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollments.id'], name=op.f('fk_ten_groups_job_changes_enrollment_id_enrollments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ten_groups_job_changes')),
    sa.UniqueConstraint('enrollment_id', name=op.f('uq_ten_groups_job_changes_enrollment_id'))
    )


def downgrade():
    op.drop_table('ten_groups_job_changes')
    op.drop_index(op.f('ix_ten_groups_veteran_intakes_registered_base_id'), table_name='ten_groups_veteran_intakes')
    op.drop_index(op.f('ix_ten_groups_veteran_intakes_district_id'), table_name='ten_groups_veteran_intakes')
    op.drop_index(op.f('ix_ten_groups_veteran_intakes_discharge_year'), table_name='ten_groups_veteran_intakes')
    op.drop_table('ten_groups_veteran_intakes')
    op.drop_index(op.f('ix_ten_groups_rural_labourers_registered_base_id'), table_name='ten_groups_rural_labourers')
    op.drop_index(op.f('ix_ten_groups_rural_labourers_district_id'), table_name='ten_groups_rural_labourers')
    op.drop_table('ten_groups_rural_labourers')
