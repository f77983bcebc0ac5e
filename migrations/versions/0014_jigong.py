"""广东技工: technical schools' majors, cohorts (学制班, each a degree session), students' standings and
graduates' destinations

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-24 03:05:50

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('jigong_majors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('occupation_code', sa.String(length=48), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('years', sa.Integer(), nullable=False),
    sa.Column('total_hours', sa.Integer(), nullable=False),
    sa.Column('key_major_year', sa.Integer(), nullable=True),
    sa.Column('featured_major_year', sa.Integer(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('level IN (2, 3, 4)', name=op.f('ck_jigong_majors_level_known')),
    sa.CheckConstraint('total_hours > 0', name=op.f('ck_jigong_majors_total_hours_positive')),
    sa.CheckConstraint('years BETWEEN 1 AND 6', name=op.f('ck_jigong_majors_years_range')),
    sa.ForeignKeyConstraint(['base_id'], ['training_bases.id'], name=op.f('fk_jigong_majors_base_id_training_bases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jigong_majors')),
    sa.UniqueConstraint('base_id', 'code', 'level', name=op.f('uq_jigong_majors_base_id_code_level'))
    )
    op.create_index(op.f('ix_jigong_majors_base_id'), 'jigong_majors', ['base_id'], unique=False)

    op.create_table('jigong_cohorts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('major_id', sa.Integer(), nullable=False),
    sa.Column('intake_year', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['major_id'], ['jigong_majors.id'], name=op.f('fk_jigong_cohorts_major_id_jigong_majors')),
    sa.ForeignKeyConstraint(['session_id'], ['training_sessions.id'], name=op.f('fk_jigong_cohorts_session_id_training_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jigong_cohorts')),
    sa.UniqueConstraint('major_id', 'intake_year', name=op.f('uq_jigong_cohorts_major_id_intake_year')),
    sa.UniqueConstraint('session_id', name=op.f('uq_jigong_cohorts_session_id'))
    )
    op.create_index(op.f('ix_jigong_cohorts_major_id'), 'jigong_cohorts', ['major_id'], unique=False)

    op.create_table('jigong_standings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('status_on', sa.Date(), nullable=False),
    sa.Column('diploma_number', sa.String(length=40), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status <> 'graduated' OR diploma_number IS NOT NULL", name=op.f('ck_jigong_standings_graduate_has_diploma')),
    sa.CheckConstraint("status IN ('graduated', 'completed', 'incomplete', 'dropped', 'transferred')", name=op.f('ck_jigong_standings_status_known')),
    sa.ForeignKeyConstraint(['cohort_id'], ['jigong_cohorts.id'], name=op.f('fk_jigong_standings_cohort_id_jigong_cohorts')),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollments.id'], name=op.f('fk_jigong_standings_enrollment_id_enrollments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jigong_standings')),
    sa.UniqueConstraint('diploma_number', name=op.f('uq_jigong_standings_diploma_number')),
    sa.UniqueConstraint('enrollment_id', name=op.f('uq_jigong_standings_enrollment_id'))
    )
    op.create_index(op.f('ix_jigong_standings_cohort_id'), 'jigong_standings', ['cohort_id'], unique=False)
    op.create_index('ix_jigong_standings_status_on', 'jigong_standings', ['status', 'status_on'], unique=False)

    op.create_table('jigong_destinations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('standing_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('employer', sa.String(length=120), nullable=False),
    sa.Column('since', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('employed_local', 'employed_elsewhere', 'further_study', 'not_employed')", name=op.f('ck_jigong_destinations_kind_known')),
    sa.ForeignKeyConstraint(['standing_id'], ['jigong_standings.id'], name=op.f('fk_jigong_destinations_standing_id_jigong_standings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jigong_destinations')),
    sa.UniqueConstraint('standing_id', name=op.f('uq_jigong_destinations_standing_id'))
    )


def downgrade():
    op.drop_table('jigong_destinations')
    op.drop_table('jigong_standings')
    op.drop_table('jigong_cohorts')
    op.drop_table('jigong_majors')
