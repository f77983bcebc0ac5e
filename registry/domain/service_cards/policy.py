"""Which programme issues cards, and the periods its rules use (with the deployment's overrides)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app, has_app_context

from ..catalogue import Programme, ServiceCardPolicy, catalogue
from ..common import add_months
from ..errors import DomainError

#: Settings a deployment may change (config.py / instance config); None keeps the programme's default.
HEALTH_CHECK_SETTING = "SERVICE_CARD_HEALTH_CHECK_MONTHS"
BLACKLIST_SETTING = "SERVICE_CARD_BLACKLIST_BAR_YEARS"


@dataclass(frozen=True)
class CardRules:
    programme: Programme
    policy: ServiceCardPolicy
    #: How long a health check counts (12 months by default).
    health_check_months: int
    #: How long a black-listing bars a card (3 years by default).
    blacklist_bar_years: int

    @property
    def retraining_years(self) -> int:
        return self.policy.retraining_years

    def health_check_expiry(self, checked_on: date) -> date:
        """The last day a health check made on ``checked_on`` counts."""
        return add_months(checked_on, self.health_check_months) - timedelta(days=1)

    def blacklist_bar_end(self, listed_on: date) -> date:
        """The first day a card may be issued again after a black-listing on ``listed_on``."""
        return add_months(listed_on, 12 * self.blacklist_bar_years)

    def retraining_due(self, last_training_end: date | None) -> date | None:
        """004 之三 二、10: workers in post retrain (回炉) at least once every two years."""
        return add_months(last_training_end, 12 * self.retraining_years) if last_training_end else None


def _setting(name: str, default: int) -> int:
    if not has_app_context():
        return default
    value = current_app.config.get(name)
    return int(value) if value else default


def rules_for(programme_code: str) -> CardRules:
    programme = catalogue.get(programme_code)
    if programme is None or programme.service_card is None:
        raise DomainError(f"「{catalogue.name_of(programme_code)}」不发放上门服务证")
    policy = programme.service_card
    return CardRules(programme, policy, _setting(HEALTH_CHECK_SETTING, policy.health_check_months),
                     _setting(BLACKLIST_SETTING, policy.blacklist_bar_years))


def card_programme_codes() -> list[str]:
    return [p.code for p in catalogue.card_programmes()]


def default_rules() -> CardRules:
    """The rules of the (first) programme that issues cards."""
    codes = card_programme_codes()
    if not codes:
        raise DomainError("没有发放上门服务证的培训项目")
    return rules_for(codes[0])
