"""Demo subsidy data: illustrative standards, one list entry, and claims in each state of the workflow."""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from ...extensions import db
from ..catalogue import catalogue
from ..certificates.models import Certificate
from ..errors import DomainError
from ..service_cards.models import IdentityCheck
from ..service_cards.records import record_identity_check
from ..training.models import TrainingSession
from . import claims, standards, training

DEMO_BASIS = "演示数据:示意标准,非正式文件"
#: Illustrative amounts per level (yuan); 专项 items and levels not listed use the programme-wide row.
DEMO_LEVEL_AMOUNTS = {5: 1200, 4: 1800, 3: 2400}


def load_standards(on: date) -> int:
    added = standards.load_presets(date(2020, 1, 1), "演示数据")
    for programme in catalogue.subsidised("session"):
        standards.add_standard(programme.code, None, None, 80000, date(2020, 1, 1), DEMO_BASIS, "演示数据")
        added += 1
        for occupation in programme.occupations[:2]:
            for level in occupation.levels:
                if level in DEMO_LEVEL_AMOUNTS:
                    standards.add_standard(programme.code, occupation.code, level, DEMO_LEVEL_AMOUNTS[level] * 100,
                                           date(2020, 1, 1), DEMO_BASIS, "演示数据")
                    added += 1
    standards.add_listing("high_consumables", catalogue.subsidised("session")[0].occupations[0].code, date(2020, 1, 1),
                          None, "演示数据:示意高耗材目录", "演示数据")
    return added


def _claimable(sessions: list[TrainingSession], on: date) -> list[TrainingSession]:
    found = []
    for session in sorted(sessions, key=lambda s: s.end_date, reverse=True):
        programme = catalogue.get(session.programme_code)
        if (programme and programme.subsidy and programme.subsidy.claimed_by == "session"
                and session.status in training.CLAIMABLE_SESSION_STATUSES and session.end_date < on
                and _certified(session)):
            found.append(session)
    return found


def _certified(session: TrainingSession) -> bool:
    return db.session.scalar(select(Certificate.id).where(Certificate.session_id == session.id).limit(1)) is not None


def _check_identities(session: TrainingSession, checker, on: date) -> None:
    """Real-name checks at enrolment for the session's passers (most demo people have one)."""
    checked = set(db.session.scalars(select(IdentityCheck.trainee_id)))
    for enrollment in session.enrollments:
        if enrollment.result == "passed" and enrollment.trainee_id not in checked:
            record_identity_check(enrollment.trainee, checker, min(session.start_date, on), "reader")


def load_claims(sessions: list[TrainingSession], checker, on: date, rng: random.Random) -> int:
    """Up to five claims: paid, in notice with an objection, under review, submitted (overdue when the
    session is old enough), and a draft."""
    made = 0
    for session in _claimable(sessions, on)[:8]:
        if made == 5:
            break
        _check_identities(session, checker, on)
        filed_on = min(on, session.end_date + timedelta(days=rng.randint(3, 20)))
        try:
            claim = training.create_claim(session, "演示基地经办人", filed_on)
            if made == 4:
                made += 1
                continue
            training.submit_claim(claim, filed_on, "演示基地经办人")
        except DomainError:
            continue
        _advance(claim, made, filed_on, on)
        made += 1
    return made


def _advance(claim, stage: int, filed_on: date, on: date) -> None:
    reviewer = "演示区审核员"
    if stage == 3:
        return
    review_on = min(on, filed_on + timedelta(days=3))
    claims.start_review(claim, reviewer, review_on)
    if stage == 2:
        return
    for index, line in enumerate(claim.lines):
        refused = stage == 1 and index == 0
        claims.decide_line(line, "refused" if refused else "approved", "培训期间考勤不足(演示)" if refused else "")
    claims.decide(claim, review_on, reviewer, "材料齐全")
    if claim.status == "rejected":
        return
    claims.start_notice(claim, review_on)
    if stage == 1:
        if len(claim.lines) > 1 and claim.notice_until >= on >= claim.notice_from:
            claims.record_objection(claim, on, "群众来电", "反映其中一名学员培训期间在外务工", claim.lines[1])
        return
    paid_on = claim.notice_until + timedelta(days=1)
    if paid_on <= on:
        claims.pay(claim, paid_on, f"GK{paid_on:%Y%m%d}01", "演示区财务")
