"""Subsidy rule parameters seeded by 0007: their 依据 and 登记人 in the words people use

The seeded rows named the policy document by its file number ("穗人社函〔2020〕22号(004)"), cited an
internal issue ("issue 7 二;") and gave "初始数据(DOMAIN.md)" as the 登记人. The rows that still hold
exactly those seeded texts are rewritten (a row the city bureau recorded itself is left alone), each
change with its entry in the audit log, as the application writes them (``audit.record_updates``).

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-25 09:00:00

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

OLD_P004 = "穗人社函〔2020〕22号(004)"
P004 = "穗人社函〔2020〕22号"
UPLIFT = "粤人社规〔2023〕13号(广东省职业技能培训补贴管理办法):高耗材、紧缺职业(工种)补贴标准可上浮,最高30%"
#: key → (basis as 0007 seeded it, basis now), for the parameters whose basis changes.
BASIS = {
    "training_claim_days": (f"issue 7 二;{OLD_P004} 之四 二(七):完成培训后60日内申请补贴",
                            f"{P004} 之四 二(七):完成培训后60日内申请补贴"),
    "review_working_days": (f"{OLD_P004} 之四 二(四)、(七):材料齐备之日起30个工作日内完成审核",
                            f"{P004} 之四 二(四)、(七):材料齐备之日起30个工作日内完成审核"),
    "list_uplift_percent": (f"{UPLIFT};{OLD_P004} 之四 三(二)", f"{UPLIFT};{P004} 之四 三(二)"),
    "advance_percent": (f"{OLD_P004} 之四 二(五):可按补贴标准的20%申请预支",
                        f"{P004} 之四 二(五):可按补贴标准的20%申请预支"),
    "advance_claim_days": (f"{OLD_P004} 之四 二(五):备案后60天内实施培训并可申请预支",
                           f"{P004} 之四 二(五):备案后60天内实施培训并可申请预支"),
    "leaving_report_days": (f"{OLD_P004} 之四 二(三):学徒离职后15日内报告原备案区人社部门",
                            f"{P004} 之四 二(三):学徒离职后15日内报告原备案区人社部门"),
    "apprentice_claim_days": (f"{OLD_P004} 之四 二(七):完成全部培训任务后60日内申请学徒培训补贴",
                              f"{P004} 之四 二(七):完成全部培训任务后60日内申请学徒培训补贴"),
    "min_contract_months": (f"{OLD_P004} 之四 二(三):签订一年以上劳动合同",
                            f"{P004} 之四 二(三):签订一年以上劳动合同"),
}
OLD_RECORDED_BY = "初始数据(DOMAIN.md)"
RECORDED_BY = "系统初始数据"
REASON = "初始数据的依据改为引用正式文号(去掉内部文件编号和问题编号),登记人改为「系统初始数据」;参数值和生效日期不变"

PARAMETERS = sa.table(
    "subsidy_parameters", sa.column("id", sa.Integer), sa.column("key", sa.String),
    sa.column("basis", sa.Text), sa.column("recorded_by", sa.String),
)
AUDIT_LOG = sa.table(
    "audit_log", sa.column("occurred_at", sa.DateTime), sa.column("actor_id", sa.Integer),
    sa.column("actor_name", sa.String), sa.column("remote_addr", sa.String), sa.column("entity_type", sa.String),
    sa.column("entity_id", sa.String), sa.column("action", sa.String), sa.column("changes", sa.JSON),
    sa.column("reason", sa.Text),
)


def upgrade():
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(PARAMETERS.c.id, PARAMETERS.c.key, PARAMETERS.c.basis, PARAMETERS.c.recorded_by)
        .where(sa.or_(PARAMETERS.c.recorded_by == OLD_RECORDED_BY,
                      PARAMETERS.c.basis.in_([old for old, _ in BASIS.values()])))
        .order_by(PARAMETERS.c.id)
    ).all()
    occurred_at = datetime.now(timezone.utc).replace(tzinfo=None)
    entries = []
    for row in rows:
        before, after = {}, {}
        old_basis, new_basis = BASIS.get(row.key, (None, None))
        if row.basis == old_basis:
            before["basis"], after["basis"] = old_basis, new_basis
        if row.recorded_by == OLD_RECORDED_BY:
            before["recorded_by"], after["recorded_by"] = OLD_RECORDED_BY, RECORDED_BY
        if not after:
            continue  # another parameter's seeded basis copied into a row of its own: not this key's text
        connection.execute(PARAMETERS.update().where(PARAMETERS.c.id == row.id).values(**after))
        entries.append({
            "occurred_at": occurred_at, "actor_id": None, "actor_name": "系统", "remote_addr": None,
            "entity_type": "subsidy_parameters", "entity_id": str(row.id), "action": "update",
            "changes": {"before": before, "after": after}, "reason": REASON,
        })
    if entries:
        op.bulk_insert(AUDIT_LOG, entries)


def downgrade():
    # Nothing to undo in the schema; the rows keep their plain texts (putting the file numbers back
    # on screen would be a change of records with nothing to gain).
    pass
