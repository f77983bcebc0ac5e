"""Service cards (上门服务证) and the worker's records behind them; scans of cards in verification_events

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 00:24:48

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('credit_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trainee_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('normal', 'red', 'black')", name=op.f('ck_credit_records_status_known')),
    sa.ForeignKeyConstraint(['trainee_id'], ['trainees.id'], name=op.f('fk_credit_records_trainee_id_trainees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_records'))
    )
    with op.batch_alter_table('credit_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_records_trainee_id'), ['trainee_id'], unique=False)

    op.create_table('health_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trainee_id', sa.Integer(), nullable=False),
    sa.Column('checked_on', sa.Date(), nullable=False),
    sa.Column('institution', sa.String(length=120), nullable=False),
    sa.Column('result', sa.String(length=8), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("result IN ('fit', 'unfit')", name=op.f('ck_health_checks_result_known')),
    sa.ForeignKeyConstraint(['trainee_id'], ['trainees.id'], name=op.f('fk_health_checks_trainee_id_trainees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_health_checks'))
    )
    with op.batch_alter_table('health_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_health_checks_trainee_id'), ['trainee_id'], unique=False)

    op.create_table('identity_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trainee_id', sa.Integer(), nullable=False),
    sa.Column('checked_on', sa.Date(), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('checked_by_id', sa.Integer(), nullable=False),
    sa.Column('checked_by_name', sa.String(length=80), nullable=False),
    sa.Column('document_number', sa.String(length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['checked_by_id'], ['users.id'], name=op.f('fk_identity_checks_checked_by_id_users')),
    sa.ForeignKeyConstraint(['trainee_id'], ['trainees.id'], name=op.f('fk_identity_checks_trainee_id_trainees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_identity_checks'))
    )
    with op.batch_alter_table('identity_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identity_checks_trainee_id'), ['trainee_id'], unique=False)

    op.create_table('star_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trainee_id', sa.Integer(), nullable=False),
    sa.Column('stars', sa.SmallInteger(), nullable=False),
    sa.Column('rated_on', sa.Date(), nullable=False),
    sa.Column('rated_by', sa.String(length=120), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('stars BETWEEN 1 AND 5', name=op.f('ck_star_ratings_stars_range')),
    sa.ForeignKeyConstraint(['trainee_id'], ['trainees.id'], name=op.f('fk_star_ratings_trainee_id_trainees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_star_ratings'))
    )
    with op.batch_alter_table('star_ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_star_ratings_trainee_id'), ['trainee_id'], unique=False)

    op.create_table('work_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trainee_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=True),
    sa.Column('employer_name', sa.String(length=120), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('role', sa.String(length=60), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_work_records_enterprise_id_enterprises')),
    sa.ForeignKeyConstraint(['trainee_id'], ['trainees.id'], name=op.f('fk_work_records_trainee_id_trainees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_records'))
    )
    with op.batch_alter_table('work_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_records_trainee_id'), ['trainee_id'], unique=False)

    op.create_table('worker_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trainee_id', sa.Integer(), nullable=False),
    sa.Column('jpeg', sa.LargeBinary(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['trainee_id'], ['trainees.id'], name=op.f('fk_worker_photos_trainee_id_trainees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_worker_photos'))
    )
    with op.batch_alter_table('worker_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_worker_photos_trainee_id'), ['trainee_id'], unique=False)

    op.create_table('service_cards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('programme_code', sa.String(length=32), nullable=False),
    sa.Column('trainee_id', sa.Integer(), nullable=False),
    sa.Column('photo_id', sa.Integer(), nullable=False),
    sa.Column('identity_check_id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=True),
    sa.Column('employer_id', sa.Integer(), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('status_reason', sa.String(length=32), nullable=True),
    sa.Column('status_on', sa.Date(), nullable=True),
    sa.Column('status_note', sa.Text(), nullable=True),
    sa.Column('replaces_id', sa.Integer(), nullable=True),
    sa.Column('replaced_by_id', sa.Integer(), nullable=True),
    sa.Column('key_id', sa.String(length=16), nullable=False),
    sa.Column('signature', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('active', 'revoked', 'replaced')", name=op.f('ck_service_cards_status_known')),
    sa.ForeignKeyConstraint(['base_id'], ['training_bases.id'], name=op.f('fk_service_cards_base_id_training_bases')),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_service_cards_district_id_districts')),
    sa.ForeignKeyConstraint(['employer_id'], ['enterprises.id'], name=op.f('fk_service_cards_employer_id_enterprises')),
    sa.ForeignKeyConstraint(['identity_check_id'], ['identity_checks.id'], name=op.f('fk_service_cards_identity_check_id_identity_checks')),
    sa.ForeignKeyConstraint(['photo_id'], ['worker_photos.id'], name=op.f('fk_service_cards_photo_id_worker_photos')),
    sa.ForeignKeyConstraint(['replaced_by_id'], ['service_cards.id'], name=op.f('fk_service_cards_replaced_by_id_service_cards')),
    sa.ForeignKeyConstraint(['replaces_id'], ['service_cards.id'], name=op.f('fk_service_cards_replaces_id_service_cards')),
    sa.ForeignKeyConstraint(['trainee_id'], ['trainees.id'], name=op.f('fk_service_cards_trainee_id_trainees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_cards')),
    sa.UniqueConstraint('number', name=op.f('uq_service_cards_number'))
    )
    with op.batch_alter_table('service_cards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_cards_base_id'), ['base_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_cards_district_id'), ['district_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_cards_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index('ix_service_cards_issued', ['issued_on', 'district_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_cards_trainee_id'), ['trainee_id'], unique=False)
        batch_op.create_index('uq_service_cards_one_active', ['trainee_id', 'programme_code'], unique=True, sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))

    op.create_table('service_card_types',
    sa.Column('card_id', sa.Integer(), nullable=False),
    sa.Column('track_code', sa.String(length=32), nullable=False),
    sa.Column('certificate_id', sa.Integer(), nullable=False),
    sa.Column('added_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['card_id'], ['service_cards.id'], name=op.f('fk_service_card_types_card_id_service_cards')),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], name=op.f('fk_service_card_types_certificate_id_certificates')),
    sa.PrimaryKeyConstraint('card_id', 'track_code', name=op.f('pk_service_card_types'))
    )
    with op.batch_alter_table('verification_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('card_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_verification_events_card_id'), ['card_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_verification_events_card_id_service_cards'), 'service_cards', ['card_id'], ['id'])



def downgrade():
    with op.batch_alter_table('verification_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_verification_events_card_id_service_cards'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_verification_events_card_id'))
        batch_op.drop_column('card_id')

    op.drop_table('service_card_types')
    with op.batch_alter_table('service_cards', schema=None) as batch_op:
        batch_op.drop_index('uq_service_cards_one_active', sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))
        batch_op.drop_index(batch_op.f('ix_service_cards_trainee_id'))
        batch_op.drop_index('ix_service_cards_issued')
        batch_op.drop_index(batch_op.f('ix_service_cards_employer_id'))
        batch_op.drop_index(batch_op.f('ix_service_cards_district_id'))
        batch_op.drop_index(batch_op.f('ix_service_cards_base_id'))

    op.drop_table('service_cards')
    with op.batch_alter_table('worker_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_worker_photos_trainee_id'))

    op.drop_table('worker_photos')
    with op.batch_alter_table('work_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_records_trainee_id'))

    op.drop_table('work_records')
    with op.batch_alter_table('star_ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_star_ratings_trainee_id'))

    op.drop_table('star_ratings')
    with op.batch_alter_table('identity_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_identity_checks_trainee_id'))

    op.drop_table('identity_checks')
    with op.batch_alter_table('health_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_health_checks_trainee_id'))

    op.drop_table('health_checks')
    with op.batch_alter_table('credit_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credit_records_trainee_id'))

    op.drop_table('credit_records')
