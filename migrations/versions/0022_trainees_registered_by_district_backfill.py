"""Trainees a district bureau registered without it being recorded: their registering district, from the audit log

District staff who entered a person new to the registry in the rural register, a veterans' intake, a
safety appointment or a capability assessment registered the person with no registering unit (and,
before 0015, so did the trainee form): the bureau could not open the record of the person it had
just registered. The audit log names who inserted each trainee; where that was a district bureau's
account and the trainee still has no registering unit (no base, no district), the account's district
becomes the registering district, as the pages now record it. Each change is written to the audit
log like any other update (by 系统, with the reason); nothing else changes. The downgrade leaves the
districts in place (they are what the registry records for every new registration now).

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-25 10:00:00

"""
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

REASON = "迁移 0022:补记登记该学员的区人社局(审计日志中由该局账号登记,当时未记录登记单位)"

trainees = sa.table('trainees', sa.column('id', sa.Integer), sa.column('registered_base_id', sa.Integer),
                    sa.column('registered_district_id', sa.Integer), sa.column('updated_at', sa.DateTime))
users = sa.table('users', sa.column('id', sa.Integer), sa.column('role', sa.String),
                 sa.column('district_id', sa.Integer))
audit_log = sa.table('audit_log', sa.column('occurred_at', sa.DateTime), sa.column('actor_id', sa.Integer),
                     sa.column('actor_name', sa.String), sa.column('remote_addr', sa.String),
                     sa.column('entity_type', sa.String), sa.column('entity_id', sa.String),
                     sa.column('action', sa.String), sa.column('changes', sa.JSON), sa.column('reason', sa.Text))


def _iso(value):
    return value.isoformat() if isinstance(value, datetime) else value


def upgrade():
    bind = op.get_bind()
    inserted_by = sa.and_(audit_log.c.entity_type == 'trainees', audit_log.c.action == 'insert',
                          audit_log.c.entity_id == sa.cast(trainees.c.id, sa.String))
    found = bind.execute(
        sa.select(trainees.c.id, trainees.c.updated_at, sa.func.min(users.c.district_id))
        .select_from(trainees.join(audit_log, inserted_by).join(users, users.c.id == audit_log.c.actor_id))
        .where(trainees.c.registered_base_id.is_(None), trainees.c.registered_district_id.is_(None),
               users.c.role == 'district', users.c.district_id.is_not(None))
        .group_by(trainees.c.id, trainees.c.updated_at)
        .order_by(trainees.c.id)
    ).all()
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    for trainee_id, updated_at, district_id in found:
        bind.execute(trainees.update().where(trainees.c.id == trainee_id)
                     .values(registered_district_id=district_id, updated_at=now))
        bind.execute(audit_log.insert().values(
            occurred_at=now, actor_id=None, actor_name='系统', remote_addr=None, entity_type='trainees',
            entity_id=str(trainee_id), action='update', reason=REASON,
            changes={"before": {"registered_district_id": None, "updated_at": _iso(updated_at)},
                     "after": {"registered_district_id": district_id, "updated_at": now.isoformat()}}))


def downgrade():
    pass
