"""广东技工 figures in SQL: students, graduates, 双证 and 留本市就业 per cohort, per intake year and per
graduation year, and the two measures' tallies (rules.DUAL_CERTIFIED_RULE, rules.RETAINED_LOCAL_RULE).

* A cohort's students are the enrollments of its session, withdrawn ones included (they left:
  肄业, 退学, 转出); 在读 are those not withdrawn with no outcome recorded.
* A graduate is a student whose standing is 毕业; a graduate's year is the year on the diploma.
* 双证: the graduate holds a 职业技能等级证书 in the major's occupation (any level) that is not
  revoked (a replaced certificate's replacement is valid), issued on or after the cohort's start,
  from any session in the registry (the cohort's own, a separate assessment, another base's).
* 留本市就业: the graduate's destination is 本市就业.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, case, exists, func, select, true

from registry.domain.certificates.models import Certificate
from registry.domain.organisations.models import TrainingBase
from registry.domain.training.models import Enrollment, TrainingSession
from registry.extensions import db

from .models import Cohort, Destination, Major, Standing

GRADUATED = Standing.status == "graduated"


def holds_skill_certificate() -> ColumnElement[bool]:
    """The enrollment's person holds a 双证 certificate for the cohort's major (joined: Major, TrainingSession)."""
    return exists(
        select(Certificate.id).where(
            Certificate.trainee_id == Enrollment.trainee_id,
            Certificate.certificate_type == "skill_level",
            Certificate.status != "revoked",
            Certificate.occupation_code == Major.occupation_code,
            Certificate.issued_on >= TrainingSession.start_date,
        )
    )


def retained_local() -> ColumnElement[bool]:
    return exists(select(Destination.id).where(Destination.standing_id == Standing.id,
                                               Destination.kind == "employed_local"))


def _one_if(condition) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


@dataclass(frozen=True)
class CohortFigures:
    students: int = 0
    in_school: int = 0
    graduated: int = 0
    completed: int = 0
    left: int = 0
    dual: int = 0
    local: int = 0
    destinations: int = 0

    @property
    def dual_rate(self) -> float | None:
        return self.dual / self.graduated if self.graduated else None

    @property
    def local_rate(self) -> float | None:
        return self.local / self.graduated if self.graduated else None


def _students(*grain, where=()):
    """SELECT grain + the figures FROM cohorts and their students (outer: a cohort without students counts 0)."""
    recorded_destination = exists(select(Destination.id).where(Destination.standing_id == Standing.id))
    return (
        select(
            *grain,
            func.count(Enrollment.id),
            _one_if(and_(Enrollment.id.is_not(None), Standing.id.is_(None), Enrollment.status != "withdrawn")),
            _one_if(GRADUATED),
            _one_if(Standing.status == "completed"),
            _one_if(Standing.status.in_(("incomplete", "dropped", "transferred"))),
            _one_if(and_(GRADUATED, holds_skill_certificate())),
            _one_if(and_(GRADUATED, retained_local())),
            _one_if(and_(GRADUATED, recorded_destination)),
        )
        .select_from(Cohort)
        .join(Major, Cohort.major_id == Major.id)
        .join(TrainingSession, Cohort.session_id == TrainingSession.id)
        .outerjoin(Enrollment, Enrollment.session_id == TrainingSession.id)
        .outerjoin(Standing, Standing.enrollment_id == Enrollment.id)
        .where(*where)
        .group_by(*grain)
    )


def _figures(row) -> CohortFigures:
    return CohortFigures(*(int(v or 0) for v in row))


def per_cohort(cohort_ids) -> dict[int, CohortFigures]:
    """Figures of each of these cohorts."""
    ids = list(cohort_ids)
    if not ids:
        return {}
    rows = db.session.execute(_students(Cohort.id, where=(Cohort.id.in_(ids),)))
    return {row[0]: _figures(row[1:]) for row in rows}


def per_intake_year(jurisdiction: ColumnElement[bool]) -> list[tuple[int, int, CohortFigures]]:
    """(intake year, number of cohorts, figures) for the cohorts the jurisdiction covers, latest first."""
    counts = dict(db.session.execute(
        select(Cohort.intake_year, func.count(Cohort.id)).where(jurisdiction).group_by(Cohort.intake_year)
    ).all())
    rows = db.session.execute(_students(Cohort.intake_year, where=(jurisdiction,)).order_by(Cohort.intake_year.desc()))
    return [(row[0], counts.get(row[0], 0), _figures(row[1:])) for row in rows]


def graduation_year(year: int, jurisdiction: ColumnElement[bool] = true(),
                    district_id: int | None = None) -> CohortFigures:
    """Graduates of a year (by diploma date) in the jurisdiction (and district), with 双证 and 本市就业."""
    conditions = [GRADUATED, Standing.status_on >= date(year, 1, 1), Standing.status_on <= date(year, 12, 31),
                  jurisdiction]
    if district_id is not None:
        conditions.append(Major.base_id.in_(select(TrainingBase.id).where(TrainingBase.district_id == district_id)))
    statement = (
        select(func.count(Standing.id), _one_if(holds_skill_certificate()), _one_if(retained_local()),
               _one_if(exists(select(Destination.id).where(Destination.standing_id == Standing.id))))
        .select_from(Standing)
        .join(Enrollment, Standing.enrollment_id == Enrollment.id)
        .join(Cohort, Standing.cohort_id == Cohort.id)
        .join(Major, Cohort.major_id == Major.id)
        .join(TrainingSession, Cohort.session_id == TrainingSession.id)
        .where(*conditions)
    )
    graduated, dual, local, destinations = (int(v or 0) for v in db.session.execute(statement).one())
    return CohortFigures(graduated=graduated, dual=dual, local=local, destinations=destinations)


def graduates_tally(year: int, district_id: int | None, which: str) -> int:
    """The measures' tallies: graduates of the year holding a skill certificate ("dual") or employed
    in the city ("local"), in the school's district (None: the whole city)."""
    figures = graduation_year(year, district_id=district_id)
    return figures.dual if which == "dual" else figures.local


def graduates_query(year: int | None, jurisdiction: ColumnElement[bool], district_id: int | None = None,
                    which: str | None = None):
    """The graduates behind a figure (standing, enrollment, cohort, major joined), newest first."""
    conditions = [GRADUATED, jurisdiction]
    if year is not None:
        conditions += [Standing.status_on >= date(year, 1, 1), Standing.status_on <= date(year, 12, 31)]
    if district_id is not None:
        conditions.append(Major.base_id.in_(select(TrainingBase.id).where(TrainingBase.district_id == district_id)))
    if which == "dual":
        conditions.append(holds_skill_certificate())
    elif which == "local":
        conditions.append(retained_local())
    return (
        select(Standing)
        .join(Enrollment, Standing.enrollment_id == Enrollment.id)
        .join(Cohort, Standing.cohort_id == Cohort.id)
        .join(Major, Cohort.major_id == Major.id)
        .join(TrainingSession, Cohort.session_id == TrainingSession.id)
        .where(*conditions)
        .order_by(Standing.status_on.desc(), Standing.id)
    )


def dual_holders(standing_ids) -> set[int]:
    """Which of these graduates' standings count as 双证."""
    ids = list(standing_ids)
    if not ids:
        return set()
    return set(db.session.scalars(
        select(Standing.id)
        .join(Enrollment, Standing.enrollment_id == Enrollment.id)
        .join(Cohort, Standing.cohort_id == Cohort.id)
        .join(Major, Cohort.major_id == Major.id)
        .join(TrainingSession, Cohort.session_id == TrainingSession.id)
        .where(Standing.id.in_(ids), holds_skill_certificate())
    ))


def skill_certificates(cohort: Cohort) -> dict[int, list[Certificate]]:
    """Trainee id → the certificates that make each of the cohort's students 双证 (once graduated)."""
    rows = db.session.scalars(
        select(Certificate)
        .join(Enrollment, Enrollment.trainee_id == Certificate.trainee_id)
        .where(
            Enrollment.session_id == cohort.session_id,
            Certificate.certificate_type == "skill_level",
            Certificate.status != "revoked",
            Certificate.occupation_code == cohort.major.occupation_code,
            Certificate.issued_on >= cohort.session.start_date,
        )
        .order_by(Certificate.issued_on)
    )
    found: dict[int, list[Certificate]] = {}
    for certificate in rows:
        found.setdefault(certificate.trainee_id, []).append(certificate)
    return found
