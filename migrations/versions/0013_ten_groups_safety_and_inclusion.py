"""Ten key groups 8–10: the 两后生 ledger, appointments of heads and safety managers of high-risk
enterprises, and vocational capability assessments of people with disabilities

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-24 03:06:56.020675

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ten_groups_school_leavers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('sex', sa.String(length=1), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('school', sa.String(length=120), nullable=False),
    sa.Column('left_year', sa.SmallInteger(), nullable=False),
    sa.Column('stage', sa.String(length=8), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('street', sa.String(length=40), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('wants_training', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("sex IN ('M', 'F')", name=op.f('ck_ten_groups_school_leavers_sex_known')),
    sa.CheckConstraint("stage IN ('junior', 'senior')", name=op.f('ck_ten_groups_school_leavers_stage_known')),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_ten_groups_school_leavers_district_id_districts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ten_groups_school_leavers')),
    sa.UniqueConstraint('id_number', name=op.f('uq_ten_groups_school_leavers_id_number'))
    )
    with op.batch_alter_table('ten_groups_school_leavers', schema=None) as batch_op:
        batch_op.create_index('ix_ten_groups_school_leavers_district_street', ['district_id', 'street'], unique=False)

    op.create_table('ten_groups_capability_assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trainee_id', sa.Integer(), nullable=False),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.Column('assessing_body', sa.String(length=120), nullable=False),
    sa.Column('disability_category', sa.String(length=16), nullable=False),
    sa.Column('disability_grade', sa.SmallInteger(), nullable=False),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('suitable_occupations', sa.String(length=200), nullable=False),
    sa.Column('recommendation', sa.String(length=24), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('disability_grade BETWEEN 1 AND 4', name=op.f('ck_ten_groups_capability_assessments_grade_range')),
    sa.ForeignKeyConstraint(['base_id'], ['training_bases.id'], name=op.f('fk_ten_groups_capability_assessments_base_id_training_bases')),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_ten_groups_capability_assessments_district_id_districts')),
    sa.ForeignKeyConstraint(['trainee_id'], ['trainees.id'], name=op.f('fk_ten_groups_capability_assessments_trainee_id_trainees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ten_groups_capability_assessments')),
    sa.UniqueConstraint('trainee_id', 'assessed_on', name=op.f('uq_ten_groups_capability_assessments_trainee_id_assessed_on'))
    )
    with op.batch_alter_table('ten_groups_capability_assessments', schema=None) as batch_op:
        batch_op.create_index('ix_ten_groups_capability_assessments_assessed_on_district', ['assessed_on', 'district_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ten_groups_capability_assessments_base_id'), ['base_id'], unique=False)

    op.create_table('ten_groups_safety_appointments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trainee_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('post', sa.String(length=16), nullable=False),
    sa.Column('industry', sa.String(length=24), nullable=False),
    sa.Column('took_post_on', sa.Date(), nullable=False),
    sa.Column('assessment_due_on', sa.Date(), nullable=False),
    sa.Column('left_post_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("post IN ('principal', 'safety_manager')", name=op.f('ck_ten_groups_safety_appointments_post_known')),
    sa.CheckConstraint('assessment_due_on > took_post_on', name=op.f('ck_ten_groups_safety_appointments_due_after_taking_post')),
    sa.CheckConstraint('left_post_on IS NULL OR left_post_on >= took_post_on', name=op.f('ck_ten_groups_safety_appointments_left_after_taking_post')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_ten_groups_safety_appointments_enterprise_id_enterprises')),
    sa.ForeignKeyConstraint(['trainee_id'], ['trainees.id'], name=op.f('fk_ten_groups_safety_appointments_trainee_id_trainees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ten_groups_safety_appointments'))
    )
    with op.batch_alter_table('ten_groups_safety_appointments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ten_groups_safety_appointments_assessment_due_on'), ['assessment_due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_ten_groups_safety_appointments_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ten_groups_safety_appointments_trainee_id'), ['trainee_id'], unique=False)



def downgrade():
    with op.batch_alter_table('ten_groups_safety_appointments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ten_groups_safety_appointments_trainee_id'))
        batch_op.drop_index(batch_op.f('ix_ten_groups_safety_appointments_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_ten_groups_safety_appointments_assessment_due_on'))

    op.drop_table('ten_groups_safety_appointments')
    with op.batch_alter_table('ten_groups_capability_assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ten_groups_capability_assessments_base_id'))
        batch_op.drop_index('ix_ten_groups_capability_assessments_assessed_on_district')

    op.drop_table('ten_groups_capability_assessments')
    with op.batch_alter_table('ten_groups_school_leavers', schema=None) as batch_op:
        batch_op.drop_index('ix_ten_groups_school_leavers_district_street')

    op.drop_table('ten_groups_school_leavers')
