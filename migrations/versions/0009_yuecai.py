"""粤菜师傅's own records: star ratings of chefs (history kept), master and famous-chef studios at
training bases, and skills-competition results

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 03:04:29

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('yuecai_chef_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trainee_id', sa.Integer(), nullable=False),
    sa.Column('stars', sa.SmallInteger(), nullable=False),
    sa.Column('rating_body', sa.String(length=120), nullable=False),
    sa.Column('rated_on', sa.Date(), nullable=False),
    sa.Column('reference', sa.String(length=60), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('workplace', sa.String(length=120), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.Column('superseded_on', sa.Date(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('stars BETWEEN 1 AND 5', name=op.f('ck_yuecai_chef_ratings_stars_range')),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_yuecai_chef_ratings_district_id_districts')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_yuecai_chef_ratings_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['yuecai_chef_ratings.id'], name=op.f('fk_yuecai_chef_ratings_supersedes_id_yuecai_chef_ratings')),
    sa.ForeignKeyConstraint(['trainee_id'], ['trainees.id'], name=op.f('fk_yuecai_chef_ratings_trainee_id_trainees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_yuecai_chef_ratings'))
    )
    op.create_index(op.f('ix_yuecai_chef_ratings_district_id'), 'yuecai_chef_ratings', ['district_id'], unique=False)
    op.create_index(op.f('ix_yuecai_chef_ratings_rated_on'), 'yuecai_chef_ratings', ['rated_on'], unique=False)
    op.create_index(op.f('ix_yuecai_chef_ratings_trainee_id'), 'yuecai_chef_ratings', ['trainee_id'], unique=False)
    op.create_index('uq_yuecai_chef_ratings_current', 'yuecai_chef_ratings', ['trainee_id'], unique=True, sqlite_where=sa.text('superseded_on IS NULL'), postgresql_where=sa.text('superseded_on IS NULL'))

    op.create_table('yuecai_competition_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trainee_id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=False),
    sa.Column('event_name', sa.String(length=200), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('organiser', sa.String(length=120), nullable=False),
    sa.Column('occupation_code', sa.String(length=48), nullable=False),
    sa.Column('award', sa.String(length=16), nullable=True),
    sa.Column('placing_rank', sa.SmallInteger(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("award IS NULL OR award IN ('gold', 'silver', 'bronze', 'first', 'second', 'third', 'excellence')", name=op.f('ck_yuecai_competition_results_award_known')),
    sa.CheckConstraint("level IN ('national', 'province', 'city_first', 'city_second', 'district', 'industry')", name=op.f('ck_yuecai_competition_results_level_known')),
    sa.CheckConstraint('award IS NOT NULL OR placing_rank IS NOT NULL', name=op.f('ck_yuecai_competition_results_placed')),
    sa.CheckConstraint('placing_rank IS NULL OR placing_rank > 0', name=op.f('ck_yuecai_competition_results_rank_positive')),
    sa.ForeignKeyConstraint(['base_id'], ['training_bases.id'], name=op.f('fk_yuecai_competition_results_base_id_training_bases')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_yuecai_competition_results_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['trainee_id'], ['trainees.id'], name=op.f('fk_yuecai_competition_results_trainee_id_trainees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_yuecai_competition_results')),
    sa.UniqueConstraint('trainee_id', 'event_name', 'held_on', 'occupation_code', name=op.f('uq_yuecai_competition_results_entry'))
    )
    op.create_index(op.f('ix_yuecai_competition_results_base_id'), 'yuecai_competition_results', ['base_id'], unique=False)
    op.create_index(op.f('ix_yuecai_competition_results_held_on'), 'yuecai_competition_results', ['held_on'], unique=False)
    op.create_index(op.f('ix_yuecai_competition_results_trainee_id'), 'yuecai_competition_results', ['trainee_id'], unique=False)

    op.create_table('yuecai_studios',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('lead_chef_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('recognised_by', sa.String(length=120), nullable=False),
    sa.Column('recognised_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('master', 'famous_chef', 'yuecai')", name=op.f('ck_yuecai_studios_kind_known')),
    sa.CheckConstraint("level IN ('national', 'province', 'city', 'district')", name=op.f('ck_yuecai_studios_level_known')),
    sa.CheckConstraint('ended_on IS NULL OR ended_on >= recognised_on', name=op.f('ck_yuecai_studios_ended_after_recognised')),
    sa.ForeignKeyConstraint(['base_id'], ['training_bases.id'], name=op.f('fk_yuecai_studios_base_id_training_bases')),
    sa.ForeignKeyConstraint(['lead_chef_id'], ['trainees.id'], name=op.f('fk_yuecai_studios_lead_chef_id_trainees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_yuecai_studios'))
    )
    op.create_index(op.f('ix_yuecai_studios_base_id'), 'yuecai_studios', ['base_id'], unique=False)
    op.create_index(op.f('ix_yuecai_studios_lead_chef_id'), 'yuecai_studios', ['lead_chef_id'], unique=False)



def downgrade():
    op.drop_index(op.f('ix_yuecai_studios_lead_chef_id'), table_name='yuecai_studios')
    op.drop_index(op.f('ix_yuecai_studios_base_id'), table_name='yuecai_studios')

    op.drop_table('yuecai_studios')
    op.drop_index(op.f('ix_yuecai_competition_results_trainee_id'), table_name='yuecai_competition_results')
    op.drop_index(op.f('ix_yuecai_competition_results_held_on'), table_name='yuecai_competition_results')
    op.drop_index(op.f('ix_yuecai_competition_results_base_id'), table_name='yuecai_competition_results')

    op.drop_table('yuecai_competition_results')
    op.drop_index('uq_yuecai_chef_ratings_current', table_name='yuecai_chef_ratings')
    op.drop_index(op.f('ix_yuecai_chef_ratings_trainee_id'), table_name='yuecai_chef_ratings')
    op.drop_index(op.f('ix_yuecai_chef_ratings_rated_on'), table_name='yuecai_chef_ratings')
    op.drop_index(op.f('ix_yuecai_chef_ratings_district_id'), table_name='yuecai_chef_ratings')

    op.drop_table('yuecai_chef_ratings')
