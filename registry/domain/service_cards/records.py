"""The worker's own records (identity check, health checks, credit, ratings, work history, photos):
what they say today, and the operations that add to them. Records are added, never edited or
deleted: a correction is a new record, and the audit log keeps who added each one.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ...extensions import db
from ..certificates.models import Certificate
from ..common import today
from ..errors import DomainError
from ..organisations.models import Enterprise
from ..trainees.models import Trainee
from ..training.models import Enrollment, TrainingSession
from .models import (
    CREDIT_STATUSES, HEALTH_RESULTS, IDENTITY_METHODS, CreditRecord, HealthCheck, IdentityCheck, StarRating,
    WorkerPhoto, WorkRecord,
)
from .photos import prepare_photo
from .policy import CardRules

#: Training counts for retraining once its session has finished (as in reconciliation).
FINISHED_SESSION_STATUSES = ("completed", "closed")


def _latest(model, trainee_id: int, *order):
    return db.session.scalar(select(model).where(model.trainee_id == trainee_id).order_by(*order).limit(1))


def latest_identity_check(trainee_id: int) -> IdentityCheck | None:
    return _latest(IdentityCheck, trainee_id, IdentityCheck.checked_on.desc(), IdentityCheck.id.desc())


def latest_health_check(trainee_id: int) -> HealthCheck | None:
    """The most recent check decides: a later 不合格 outweighs an earlier 合格."""
    return _latest(HealthCheck, trainee_id, HealthCheck.checked_on.desc(), HealthCheck.id.desc())


def latest_credit_record(trainee_id: int) -> CreditRecord | None:
    return _latest(CreditRecord, trainee_id, CreditRecord.effective_on.desc(), CreditRecord.id.desc())


def latest_rating(trainee_id: int) -> StarRating | None:
    return _latest(StarRating, trainee_id, StarRating.rated_on.desc(), StarRating.id.desc())


def latest_photo(trainee_id: int) -> WorkerPhoto | None:
    return _latest(WorkerPhoto, trainee_id, WorkerPhoto.id.desc())


def history(model, trainee_id: int, *order) -> list:
    return list(db.session.scalars(select(model).where(model.trainee_id == trainee_id).order_by(*order)))


@dataclass(frozen=True)
class Credit:
    """The credit status in force: a black-listing lapses when its bar period ends."""

    status: str
    record: CreditRecord | None
    #: For a black-listing in force: the first day a card may be issued again.
    bar_ends: date | None = None

    @property
    def name(self) -> str:
        return CREDIT_STATUSES[self.status]

    @property
    def is_black(self) -> bool:
        return self.status == "black"


def credit_in_force(trainee_id: int, rules: CardRules, on: date) -> Credit:
    """004 之三 二、18 (red and black lists); the bar period is a setting (3 years by default)."""
    record = latest_credit_record(trainee_id)
    if record is None:
        return Credit("normal", None)
    if record.status == "black":
        bar_ends = rules.blacklist_bar_end(record.effective_on)
        if on < bar_ends:
            return Credit("black", record, bar_ends)
        return Credit("normal", record)
    return Credit(record.status, record)


def health_in_force(check: HealthCheck | None, on: date) -> bool:
    return check is not None and check.result == "fit" and check.checked_on <= on <= check.expires_on


def last_training_end(trainee_id: int, rules: CardRules) -> date | None:
    """The end of the worker's last finished training in one of the card's tracks (not withdrawn)."""
    return db.session.scalar(
        select(func.max(TrainingSession.end_date))
        .join(Enrollment, Enrollment.session_id == TrainingSession.id)
        .where(Enrollment.trainee_id == trainee_id, Enrollment.status != "withdrawn",
               TrainingSession.programme_code == rules.programme.code,
               TrainingSession.track_code.in_(rules.policy.tracks),
               TrainingSession.status.in_(FINISHED_SESSION_STATUSES))
    )


def qualifying_certificates(trainee_id: int, rules: CardRules, on: date) -> dict[str, Certificate]:
    """Track → the first valid certificate the worker holds from pre-job training in that track."""
    certificates = db.session.scalars(
        select(Certificate)
        .join(TrainingSession, TrainingSession.id == Certificate.session_id)
        .where(Certificate.trainee_id == trainee_id, Certificate.status == "valid",
               Certificate.programme_code == rules.programme.code,
               TrainingSession.track_code.in_(rules.policy.tracks))
        .order_by(Certificate.issued_on, Certificate.id)
    )
    found: dict[str, Certificate] = {}
    for certificate in certificates:
        if certificate.valid_until is not None and certificate.valid_until < on:
            continue
        track = rules.programme.track_of(certificate.occupation_code)
        if track is not None and track.code in rules.policy.tracks:
            found.setdefault(track.code, certificate)
    return dict(sorted(found.items(), key=lambda item: rules.policy.tracks.index(item[0])))


# --- adding records -----------------------------------------------------------------------------

def _not_future(day: date | None, field: str, label: str) -> date:
    if day is None:
        raise DomainError(f"请填写{label}", field)
    if day > today():
        raise DomainError(f"{label}不能晚于今天", field)
    return day


def record_identity_check(trainee: Trainee, user, checked_on: date, method: str, note: str = "") -> IdentityCheck:
    """人证合一: the person in front of the clerk matches the ID document (who checked, when, how)."""
    if method not in IDENTITY_METHODS:
        raise DomainError("请选择核验方式", "method")
    check = IdentityCheck(
        trainee_id=trainee.id, checked_on=_not_future(checked_on, "checked_on", "核验日期"), method=method,
        checked_by_id=user.id, checked_by_name=user.display_name or user.username,
        document_number=trainee.document_number, note=(note or "").strip(),
    )
    db.session.add(check)
    db.session.flush()
    return check


def record_health_check(trainee: Trainee, rules: CardRules, checked_on: date, institution: str, result: str,
                        note: str = "") -> HealthCheck:
    """A health check counts for the validity in force when it is recorded (12 months by default)."""
    if result not in HEALTH_RESULTS:
        raise DomainError("请选择体检结论", "result")
    institution = (institution or "").strip()
    if not institution:
        raise DomainError("请填写体检机构", "institution")
    checked_on = _not_future(checked_on, "checked_on", "体检日期")
    check = HealthCheck(trainee_id=trainee.id, checked_on=checked_on, institution=institution, result=result,
                        expires_on=rules.health_check_expiry(checked_on), note=(note or "").strip())
    db.session.add(check)
    db.session.flush()
    return check


def record_credit(trainee: Trainee, status: str, reason: str, effective_on: date) -> CreditRecord:
    """A change of credit status; black-listing suspends the worker's card (see standing.py)."""
    if status not in CREDIT_STATUSES:
        raise DomainError("请选择信用状态", "status")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写认定依据或原因", "reason")
    record = CreditRecord(trainee_id=trainee.id, status=status, reason=reason,
                          effective_on=_not_future(effective_on, "effective_on", "认定日期"))
    db.session.add(record)
    db.session.flush()
    return record


def rate(trainee: Trainee, stars: int, rated_on: date, rated_by: str, note: str = "") -> StarRating:
    """004 之三 二、5: star ratings of workers by a trade body or third party."""
    if stars not in (1, 2, 3, 4, 5):
        raise DomainError("星级应为 1 至 5 星", "stars")
    rated_by = (rated_by or "").strip()
    if not rated_by:
        raise DomainError("请填写评定机构", "rated_by")
    rating = StarRating(trainee_id=trainee.id, stars=stars, rated_on=_not_future(rated_on, "rated_on", "评定日期"),
                        rated_by=rated_by, note=(note or "").strip())
    db.session.add(rating)
    db.session.flush()
    return rating


def add_work_record(trainee: Trainee, employer: Enterprise | None, employer_name: str, started_on: date,
                    ended_on: date | None, role: str) -> WorkRecord:
    name = employer.name if employer is not None else (employer_name or "").strip()
    if not name:
        raise DomainError("请选择或填写用工单位", "employer_name")
    if not (role or "").strip():
        raise DomainError("请填写岗位", "role")
    started_on = _not_future(started_on, "started_on", "开始日期")
    if ended_on is not None and ended_on < started_on:
        raise DomainError("结束日期不能早于开始日期", "ended_on")
    record = WorkRecord(trainee_id=trainee.id, enterprise_id=employer.id if employer else None, employer_name=name,
                        started_on=started_on, ended_on=ended_on, role=role.strip())
    db.session.add(record)
    db.session.flush()
    return record


def upload_photo(trainee: Trainee, data: bytes) -> WorkerPhoto:
    """Keep the re-encoded photo; the next card (or replacement) prints it."""
    photo = prepare_photo(data)
    record = WorkerPhoto(trainee_id=trainee.id, jpeg=photo.jpeg, width=photo.width, height=photo.height,
                         sha256=photo.sha256)
    db.session.add(record)
    db.session.flush()
    return record
