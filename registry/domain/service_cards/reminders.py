"""The card list's live status and reminders, in the list's one query: the facts standing.py reads
(latest health check, credit record in force, last training) as correlated subqueries per card, so a
page of cards costs one SELECT, and the reminders filter in SQL.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select

from ..training.models import Enrollment, TrainingSession
from .models import CreditRecord, HealthCheck, ServiceCard
from ..common import add_months
from .policy import CardRules
from .records import FINISHED_SESSION_STATUSES
from .standing import problems_of

#: Reminders a clerk filters the list by: code → (label, days ahead).
REMINDERS = {
    "health": ("体检已过期或 30 天内到期", 30),
    "retraining": ("回炉培训已逾期或 60 天内到期", 60),
    "blacklisted": ("持证人列入黑名单", 0),
}


def _latest(column, model, *order):
    return (select(column).where(model.trainee_id == ServiceCard.trainee_id).order_by(*order).limit(1)
            .correlate(ServiceCard).scalar_subquery())


@dataclass(frozen=True)
class FactColumns:
    health_result: ColumnElement
    health_expires: ColumnElement
    credit_status: ColumnElement
    credit_on: ColumnElement
    last_training_end: ColumnElement

    @classmethod
    def of(cls, rules: CardRules) -> "FactColumns":
        health_order = (HealthCheck.checked_on.desc(), HealthCheck.id.desc())
        credit_order = (CreditRecord.effective_on.desc(), CreditRecord.id.desc())
        last_end = (
            select(func.max(TrainingSession.end_date))
            .join(Enrollment, Enrollment.session_id == TrainingSession.id)
            .where(Enrollment.trainee_id == ServiceCard.trainee_id, Enrollment.status != "withdrawn",
                   TrainingSession.programme_code == rules.programme.code,
                   TrainingSession.track_code.in_(rules.policy.tracks),
                   TrainingSession.status.in_(FINISHED_SESSION_STATUSES))
            .correlate(ServiceCard).scalar_subquery()
        )
        return cls(_latest(HealthCheck.result, HealthCheck, *health_order),
                   _latest(HealthCheck.expires_on, HealthCheck, *health_order),
                   _latest(CreditRecord.status, CreditRecord, *credit_order),
                   _latest(CreditRecord.effective_on, CreditRecord, *credit_order), last_end)

    def all(self) -> tuple:
        return (self.health_result, self.health_expires, self.credit_status, self.credit_on, self.last_training_end)


def row_problems(card: ServiceCard, rules: CardRules, on: date, health_result, health_expires, credit_status,
                 credit_on, last_training_end) -> list[str]:
    """standing.problems_of from the columns above (the same rule as the card page and the scan)."""
    black = credit_status == "black" and on < rules.blacklist_bar_end(credit_on)
    health_ok = health_result == "fit" and health_expires is not None and on <= health_expires
    due = rules.retraining_due(last_training_end)
    return problems_of(card.status, black, health_ok, due is not None and due < on)


def reminder_condition(code: str, columns: FactColumns, rules: CardRules, on: date) -> ColumnElement[bool]:
    """Active cards that need attention now or within the reminder's days."""
    ahead = on + timedelta(days=REMINDERS[code][1])
    if code == "health":
        condition = or_(columns.health_result.is_(None), columns.health_result != "fit",
                        columns.health_expires < ahead)
    elif code == "retraining":
        # due = last end + N years < ahead  ⇔  last end < ahead − N years
        condition = columns.last_training_end < add_months(ahead, -12 * rules.retraining_years)
    else:
        condition = and_(columns.credit_status == "black",
                         columns.credit_on > add_months(on, -12 * rules.blacklist_bar_years))
    return and_(ServiceCard.status == "active", condition)
