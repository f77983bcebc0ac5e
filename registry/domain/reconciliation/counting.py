"""The counting rules of reconciliation, written once: the figures, the drill-down lists and the
exports all build their SQL from here (docs/reconciliation.md; DOMAIN.md, Measures).

* One 人次 is one enrollment that was not withdrawn, in a session that has finished (已结业 or
  已归档). A session counts in the year, and the month, of its end date.
* 人数 counts distinct people (trainee records, found by document number) among those 人次.
* 合格 counts 人次 with the result 合格; 考核 those with 合格 or 不合格 (缺考 was not assessed).
* 取证 counts 人次 whose certificate was issued and not revoked (a certificate revoked because it
  was replaced by a new one still counts); 就业 counts 人次 whose follow-up says employed.
* 合格率 = 合格 ÷ 考核; 取证率 = 取证 ÷ 人次; 就业率 = 就业 ÷ 人次.
* A programme's own measures count the 人次 (or distinct people, unit 人) that meet the condition
  the programme declares (``catalogue.Measure.counts``), or records of their own that the
  programme counts by year and district (``catalogue.Measure.tally``, e.g. cards issued).
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, exists, extract, or_, select, true
from sqlalchemy.sql import visitors
from sqlalchemy.sql.expression import ColumnClause, True_

from ..catalogue import COMMON_MEASURES, Measure, catalogue
from ..certificates.models import Certificate
from ..organisations.models import TrainingBase
from ..training.models import Enrollment, TrainingSession

COUNTED_SESSION_STATUSES = ("completed", "closed")

#: Rules shown on the page, in the order of the list above.
RULES = (
    "培训人次:已结业或已归档班期中未退训的报名记录,每条计 1 人次;同一人参加两期计 2 人次。",
    "统计年度和月份:按班期的结业日期(结束日期)计;未结业的班期不计入。",
    "培训人数:上述人次中按学员(证件号码)去重后的人数。",
    "合格人数:考核结果为「合格」的人次;考核人次为「合格」与「不合格」之和,「缺考」不计入考核。",
    "取证人数:已颁发且未撤销证书的人次(因换发而撤销的原证书仍计)。",
    "就业人数:就业跟踪结果为「已就业」的人次。",
    "合格率 = 合格 ÷ 考核;取证率 = 取证 ÷ 培训人次;就业率 = 就业 ÷ 培训人次。",
    "退训的报名记录不计入任何指标;班期所在区按培训基地所在区计。",
)

#: An enrollment that counts at all (its session must count too: session_conditions).
NOT_WITHDRAWN = Enrollment.status != "withdrawn"
MONTH = extract("month", TrainingSession.end_date)

#: Common measures: code → condition on the enrollment (None = every 人次). "persons" is distinct.
PASSED = Enrollment.result == "passed"
ASSESSED = Enrollment.result.in_(("passed", "failed"))
EMPLOYED = Enrollment.is_employed.is_(True)


def certificate_counts(certificate=Certificate) -> ColumnElement[bool]:
    """A certificate (or an alias of the table) that counts for 取证."""
    return or_(certificate.status != "revoked", certificate.status_reason == "replaced")


CERTIFICATE_COUNTS = certificate_counts()


def certified() -> ColumnElement[bool]:
    return exists(select(Certificate.id).where(Certificate.enrollment_id == Enrollment.id, CERTIFICATE_COUNTS))


#: Conditions that define the drill-down of each common measure and of 考核 (assessed).
COMMON_CONDITIONS = {
    "trainings": lambda: true(),
    "persons": lambda: true(),
    "passed": lambda: PASSED,
    "assessed": lambda: ASSESSED,
    "certified": certified,
    "employed": lambda: EMPLOYED,
}
DISTINCT_MEASURES = {"persons"}


@dataclass(frozen=True)
class Scope:
    """Which 人次 a figure covers: a year, and optionally a programme, track or occupation, district,
    base and month."""

    year: int
    programme_code: str | None = None
    track_code: str | None = None
    occupation_code: str | None = None
    district_id: int | None = None
    base_id: int | None = None
    month: int | None = None

    def narrowed(self, **changes) -> "Scope":
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def as_args(self) -> dict[str, object]:
        """Query-string arguments of the drill-down link."""
        return {k: v for k, v in self.__dict__.items() if v is not None}


def period(year: int, month: int | None = None) -> tuple[date, date]:
    if month:
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    return date(year, 1, 1), date(year, 12, 31)


def session_conditions(scope: Scope, jurisdiction: ColumnElement[bool] | None = None) -> list[ColumnElement[bool]]:
    """Sessions whose 人次 count in ``scope`` (date bounds, not functions of the date, so indexes serve)."""
    first, last = period(scope.year, scope.month)
    conditions = [
        TrainingSession.status.in_(COUNTED_SESSION_STATUSES),
        TrainingSession.end_date >= first,
        TrainingSession.end_date <= last,
    ]
    if jurisdiction is not None:
        conditions.append(jurisdiction)
    if scope.programme_code:
        conditions.append(TrainingSession.programme_code == scope.programme_code)
    if scope.track_code:
        conditions.append(TrainingSession.track_code == scope.track_code)
    if scope.occupation_code:
        conditions.append(TrainingSession.occupation_code == scope.occupation_code)
    if scope.base_id:
        conditions.append(TrainingSession.base_id == scope.base_id)
    if scope.district_id:
        conditions.append(
            TrainingSession.base_id.in_(select(TrainingBase.id).where(TrainingBase.district_id == scope.district_id))
        )
    return conditions


def participations(*columns, scope: Scope, jurisdiction: ColumnElement[bool] | None = None) -> Select:
    """SELECT ``columns`` FROM the enrollments that are 人次 in ``scope``, joined to their session."""
    return (
        select(*columns)
        .select_from(Enrollment)
        .join(TrainingSession, Enrollment.session_id == TrainingSession.id)
        .where(NOT_WITHDRAWN, *session_conditions(scope, jurisdiction))
    )


def measure_unit(programme_code: str | None, measure_code: str) -> str:
    if measure_code in COMMON_MEASURES:
        return "人" if measure_code == "persons" else "人次"
    measure = _extra_measure(programme_code, measure_code)
    return measure.unit if measure else ""


def is_distinct(programme_code: str | None, measure_code: str) -> bool:
    """True when the measure counts people rather than 人次."""
    if measure_code in COMMON_MEASURES or measure_code == "assessed":
        return measure_code in DISTINCT_MEASURES
    measure = _extra_measure(programme_code, measure_code)
    return bool(measure and measure.unit == "人")


def is_counted(programme_code: str | None, measure_code: str) -> bool:
    """False for a programme measure that has no records behind it yet (e.g. cards before they exist)."""
    if measure_code in COMMON_CONDITIONS:
        return True
    measure = _extra_measure(programme_code, measure_code)
    return bool(measure and (measure.counts or measure.tally))


def tallied(programme_code: str | None, measure_code: str) -> Measure | None:
    """The measure when it counts records of its own (``Measure.tally``) rather than enrollments."""
    measure = _extra_measure(programme_code, measure_code) if measure_code not in COMMON_CONDITIONS else None
    return measure if measure and measure.tally else None


def measure_condition(programme_code: str | None, measure_code: str) -> ColumnElement[bool]:
    """The condition an enrollment meets to count in the measure."""
    if measure_code in COMMON_CONDITIONS:
        return COMMON_CONDITIONS[measure_code]()
    measure = _extra_measure(programme_code, measure_code)
    if measure is None or measure.counts is None:
        raise KeyError(measure_code)
    return and_(TrainingSession.programme_code == programme_code, measure.counts())


def whole_programme(programme_code: str | None, measure_code: str) -> bool:
    """True for a programme's own measure that every 人次 of the programme meets (conditions.every)."""
    measure = _extra_measure(programme_code, measure_code) if measure_code not in COMMON_CONDITIONS else None
    return bool(measure and measure.counts and isinstance(measure.counts(), True_))


def on_session_alone(condition: ColumnElement[bool]) -> bool:
    """True when ``condition`` reads the session's own columns only (no enrollment, no other table,
    also not inside a subquery), so that it holds for all of a session's 人次 or for none."""
    session_table = TrainingSession.__table__
    return all(getattr(element, "table", session_table) is session_table
               for element in visitors.iterate(condition) if isinstance(element, ColumnClause))


def counted_extra_measures() -> list[tuple[str, Measure]]:
    """(programme code, measure) for every programme measure that can be counted."""
    return [(p.code, m) for p in catalogue.all() for m in p.extra_measures if m.counts]


def _extra_measure(programme_code: str | None, measure_code: str) -> Measure | None:
    programme = catalogue.get(programme_code)
    return programme.extra_measure(measure_code) if programme else None
