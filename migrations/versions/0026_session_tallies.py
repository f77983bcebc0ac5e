"""Reconciliation: each session's additive figures, kept by the database on PostgreSQL

Revision ID: 0026
Revises: 0025
Create Date: 2026-11-24 23:30:00

``session_tallies`` holds, per session, its 人次, 合格, 考核, 就业 and 取证 (the counting rules of
registry/domain/reconciliation/counting.py, written out again here because a migration is frozen).
On PostgreSQL, statement-level triggers with transition tables add each statement's changes to
enrollments and certificates as one delta per session (an import's COPY of 10,000 enrollments is
one small grouped upsert); the upsert locks the session's row, so concurrent imports into one
session add up rather than overwrite each other. The reconciliation then sums 11,000 sessions'
rows instead of walking 280,000 人次.

SQLite (the embedded engine, for small deployments) has the table but no triggers: it keeps
walking the enrollments, which is within the goal there, and a per-row trigger would cost its
imports about 4 µs a row.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

FIGURES = ("trainings", "passed", "assessed", "employed", "certified")

#: An enrollment's contribution (counting.py: NOT_WITHDRAWN, PASSED, ASSESSED, EMPLOYED).
ENROLLMENT_SUMS = """
    count(*) FILTER (WHERE status <> 'withdrawn') * sign,
    count(*) FILTER (WHERE status <> 'withdrawn' AND result = 'passed') * sign,
    count(*) FILTER (WHERE status <> 'withdrawn' AND result IN ('passed', 'failed')) * sign,
    count(*) FILTER (WHERE status <> 'withdrawn' AND is_employed IS TRUE) * sign"""
#: A certificate that counts for 取证 (counting.certificate_counts, the partial index of 0016).
CERTIFICATE_SUM = "count(*) FILTER (WHERE enrollment_id IS NOT NULL AND (status <> 'revoked' OR status_reason = 'replaced')) * sign"


def _function(name: str, columns: tuple[str, ...], sums: str, changed: str) -> str:
    """A trigger function that adds a statement's changes as one delta per session (rows of an UPDATE
    whose counted columns are unchanged are left out, and so is a session whose delta is nothing)."""
    listed = ", ".join(columns)
    added = ", ".join(f"{c} = t.{c} + excluded.{c}" for c in columns)

    def delta(source: str) -> str:
        return f"""
        INSERT INTO session_tallies AS t (session_id, {listed})
        SELECT session_id, {", ".join(f"sum({c})" for c in columns)} FROM (
            SELECT session_id, {sums.replace("sign", "d.sign")}
            FROM ({source}) AS d GROUP BY session_id, d.sign
        ) AS per_sign ({", ".join(("session_id",) + columns)})
        GROUP BY session_id HAVING {" OR ".join(f"sum({c}) <> 0" for c in columns)}
        ORDER BY session_id
        ON CONFLICT (session_id) DO UPDATE SET {added};"""

    old = "SELECT o.*, -1 AS sign FROM old_rows o"
    new = "SELECT n.*, 1 AS sign FROM new_rows n"
    moved = f"JOIN new_rows n2 USING (id) WHERE ({changed.format(r='o')}) IS DISTINCT FROM ({changed.format(r='n2')})"
    moved_new = f"JOIN old_rows o2 USING (id) WHERE ({changed.format(r='n')}) IS DISTINCT FROM ({changed.format(r='o2')})"
    return f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN{delta(new)}
    ELSIF TG_OP = 'DELETE' THEN{delta(old)}
    ELSE{delta(f"{old} {moved} UNION ALL {new} {moved_new}")}
    END IF;
    RETURN NULL;
END $$"""


TABLES = {
    "enrollments": ("session_tallies_enrollments", FIGURES[:4], ENROLLMENT_SUMS,
                    "{r}.session_id, {r}.status, {r}.result, {r}.is_employed"),
    "certificates": ("session_tallies_certificates", FIGURES[4:], CERTIFICATE_SUM,
                     "{r}.session_id, {r}.enrollment_id, {r}.status, {r}.status_reason"),
}

BACKFILL = f"""
INSERT INTO session_tallies (session_id, {", ".join(FIGURES)})
SELECT s.id,
    (SELECT count(*) FROM enrollments e WHERE e.session_id = s.id AND e.status <> 'withdrawn'),
    (SELECT count(*) FROM enrollments e WHERE e.session_id = s.id AND e.status <> 'withdrawn' AND e.result = 'passed'),
    (SELECT count(*) FROM enrollments e WHERE e.session_id = s.id AND e.status <> 'withdrawn'
        AND e.result IN ('passed', 'failed')),
    (SELECT count(*) FROM enrollments e WHERE e.session_id = s.id AND e.status <> 'withdrawn' AND e.is_employed IS TRUE),
    (SELECT count(*) FROM certificates c WHERE c.session_id = s.id AND c.enrollment_id IS NOT NULL
        AND (c.status <> 'revoked' OR c.status_reason = 'replaced'))
FROM training_sessions s
"""


def upgrade():
    op.create_table(
        "session_tallies",
        sa.Column("session_id", sa.Integer(), nullable=False),
        *[sa.Column(name, sa.Integer(), server_default="0", nullable=False) for name in FIGURES],
        sa.ForeignKeyConstraint(["session_id"], ["training_sessions.id"],
                                name=op.f("fk_session_tallies_session_id_training_sessions")),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_session_tallies")),
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, (function, columns, sums, changed) in TABLES.items():
        op.execute(_function(function, columns, sums, changed))
        for event, referencing in (("INSERT", "NEW TABLE AS new_rows"), ("DELETE", "OLD TABLE AS old_rows"),
                                   ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows")):
            op.execute(f"CREATE TRIGGER {function}_{event.lower()} AFTER {event} ON {table} "
                       f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {function}()")
    op.execute(BACKFILL)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table, (function, *_) in TABLES.items():
            for event in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS {function}_{event} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")
    op.drop_table("session_tallies")
