"""The 上门服务证 figures of the landing page (004 之三 二、4: 50,000 cards by 2021; 二、10: retraining
at least every two years; 二、18: black lists), counted with the card domain's own rules
(``service_cards.reminders``: the same conditions the card list filters by, so each figure equals the
list its link opens) among the cards the viewer may see."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, case, func, select

from ...domain.service_cards import reminders
from ...domain.service_cards.models import ServiceCard, ServiceCardType
from ...domain.service_cards.policy import rules_for
from ...extensions import db
from .rules import CODE


@dataclass
class CardFigures:
    year: int
    #: First cards issued in the year (a replacement not counted again: the measure's rule).
    issued: int
    #: Replacement cards issued in the year.
    replaced: int
    active: int
    #: Active cards whose retraining (回炉) is overdue or due within the reminder's days.
    retraining: int
    health: int
    blacklisted: int
    revoked_in_year: int
    revoked: int
    #: Track code → active cards listing it.
    by_track: dict[str, int]


def card_figures(visible: ColumnElement[bool], year: int, on: date) -> CardFigures:
    rules = rules_for(CODE)
    columns = reminders.FactColumns.of(rules)
    first, last = date(year, 1, 1), date(year, 12, 31)
    in_year = ServiceCard.issued_on.between(first, last)

    def counted(condition) -> ColumnElement:
        return func.count(case((condition, 1)))

    row = db.session.execute(
        select(
            counted(and_(in_year, ServiceCard.replaces_id.is_(None))),
            counted(and_(in_year, ServiceCard.replaces_id.is_not(None))),
            counted(ServiceCard.status == "active"),
            counted(reminders.reminder_condition("retraining", columns, rules, on)),
            counted(reminders.reminder_condition("health", columns, rules, on)),
            counted(reminders.reminder_condition("blacklisted", columns, rules, on)),
            counted(and_(ServiceCard.status == "revoked", ServiceCard.status_on.between(first, last))),
            counted(ServiceCard.status == "revoked"),
        ).where(ServiceCard.programme_code == CODE, visible)
    ).one()
    by_track = dict(db.session.execute(
        select(ServiceCardType.track_code, func.count(ServiceCard.id))
        .join(ServiceCard, ServiceCard.id == ServiceCardType.card_id)
        .where(ServiceCard.programme_code == CODE, ServiceCard.status == "active", visible)
        .group_by(ServiceCardType.track_code)).all())
    return CardFigures(year, *row, by_track={t: by_track.get(t, 0) for t in rules.policy.tracks})


def retraining_due(visible: ColumnElement[bool], on: date) -> int:
    """Active cards whose retraining is overdue or falls due within the reminder's days (the card
    list's 回炉 reminder)."""
    rules = rules_for(CODE)
    condition = reminders.reminder_condition("retraining", reminders.FactColumns.of(rules), rules, on)
    return db.session.scalar(select(func.count(ServiceCard.id)).where(
        ServiceCard.programme_code == CODE, visible, condition)) or 0
