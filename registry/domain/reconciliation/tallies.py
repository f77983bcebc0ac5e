"""Each session's additive figures (人次, 合格, 考核, 就业, 取证), kept by the database on PostgreSQL.

Statement-level triggers (migration 0026) add every change to enrollments and certificates to
``session_tallies`` as it is made, by the rules of counting.py, so the reconciliation sums one row
per session instead of walking every 人次 (docs/reconciliation.md, Scale). SQLite has the table but
no triggers: there the figures are read from the enrollments (additive.additive_figures).

A bulk load that skips triggers (``session_replication_role = replica``, as the benchmark's loader
does) must call ``rebuild`` afterwards; ``drift`` lists the sessions whose tally disagrees with the
records (none, unless triggers were skipped).
"""
from __future__ import annotations

from sqlalchemy import func, select, text

from ...extensions import db
from ..certificates.models import Certificate
from ..training.models import Enrollment, TrainingSession
from . import counting
from .models import SessionTally


FIGURES = ("trainings", "passed", "assessed", "employed", "certified")


def kept() -> bool:
    """True where the database keeps the tallies (PostgreSQL: its triggers)."""
    return db.session.get_bind().dialect.name == "postgresql"


def counted_now():
    """Each session's figures counted from the records by counting.py's rules: (session id, *FIGURES)."""
    enrollment = (
        select(Enrollment.session_id,
               func.count().label("trainings"),
               func.count().filter(counting.PASSED).label("passed"),
               func.count().filter(counting.ASSESSED).label("assessed"),
               func.count().filter(counting.EMPLOYED).label("employed"))
        .where(counting.NOT_WITHDRAWN).group_by(Enrollment.session_id).subquery()
    )
    certified = (
        select(Certificate.session_id, func.count().label("certified"))
        .where(Certificate.enrollment_id.is_not(None), counting.CERTIFICATE_COUNTS)
        .group_by(Certificate.session_id).subquery()
    )
    return (
        select(TrainingSession.id.label("session_id"),
               *[func.coalesce(enrollment.c[f], 0).label(f) for f in FIGURES[:4]],
               func.coalesce(certified.c.certified, 0).label("certified"))
        .outerjoin(enrollment, enrollment.c.session_id == TrainingSession.id)
        .outerjoin(certified, certified.c.session_id == TrainingSession.id)
    )


def rebuild() -> int:
    """Count every session's tally again from the records (after a load that skipped the triggers)."""
    db.session.execute(text("DELETE FROM session_tallies"))
    result = db.session.execute(
        SessionTally.__table__.insert().from_select(["session_id", *FIGURES], counted_now()))
    return result.rowcount


def drift() -> list[tuple]:
    """(session id, tallied figures, counted figures) of every session where the two disagree."""
    counted = counted_now().subquery()
    tallied = [func.coalesce(getattr(SessionTally, f), 0) for f in FIGURES]
    statement = (
        select(counted.c.session_id, *tallied, *[counted.c[f] for f in FIGURES])
        .select_from(counted).outerjoin(SessionTally, SessionTally.session_id == counted.c.session_id)
    )
    rows = db.session.execute(statement).all()
    return [(row[0], tuple(row[1:6]), tuple(row[6:])) for row in rows if tuple(row[1:6]) != tuple(row[6:])]
