"""Every access rule in one place: which records a user may see and what they may change.

Views and services call these; templates only hide links. A record outside the user's jurisdiction
answers 404 (its existence is not revealed); a page the role may not use answers 403.
"""
from __future__ import annotations

from functools import wraps
from typing import Any, Callable, TypeVar

from flask import abort
from flask_login import current_user
from sqlalchemy import ColumnElement, exists, false, or_, select, true

from ...domain.accounts.models import User
from ...domain.apprenticeships.models import ApprenticeshipFiling
from ...domain.certificates.models import Certificate
from ...domain.organisations.models import Enterprise, TrainingBase
from ...domain.service_cards.models import ServiceCard
from ...domain.subsidies.models import SubsidyClaim
from ...domain.trainees.models import Trainee
from ...domain.training.models import Enrollment, TrainingSession
from ...extensions import db

T = TypeVar("T")

BUREAU_ROLES = ("city", "district")


def bases_visible(user: User) -> ColumnElement[bool]:
    if user.role == "city":
        return true()
    if user.role == "district":
        return TrainingBase.district_id == user.district_id
    if user.role == "base":
        return TrainingBase.id == user.base_id
    if user.role == "enterprise":
        return TrainingBase.id.in_(
            select(TrainingSession.base_id).where(TrainingSession.enterprise_id == user.enterprise_id)
        )
    return false()


def enterprises_visible(user: User) -> ColumnElement[bool]:
    if user.role == "city":
        return true()
    if user.role == "district":
        return Enterprise.district_id == user.district_id
    if user.role == "enterprise":
        return Enterprise.id == user.enterprise_id
    if user.role == "base":
        return Enterprise.id.in_(
            select(TrainingSession.enterprise_id).where(TrainingSession.base_id == user.base_id)
        )
    return false()


def sessions_visible(user: User) -> ColumnElement[bool]:
    if user.role == "city":
        return true()
    if user.role == "district":
        return TrainingSession.base_id.in_(select(TrainingBase.id).where(TrainingBase.district_id == user.district_id))
    if user.role == "base":
        return TrainingSession.base_id == user.base_id
    if user.role == "enterprise":
        return TrainingSession.enterprise_id == user.enterprise_id
    return false()


def enrollments_visible(user: User) -> ColumnElement[bool]:
    if user.role == "city":
        return true()
    return Enrollment.session_id.in_(select(TrainingSession.id).where(sessions_visible(user)))


def trainees_visible(user: User) -> ColumnElement[bool]:
    """A trainee is visible where they enrolled, or to the base (and its district) or the district
    bureau that registered them."""
    if user.role == "city":
        return true()
    enrolled_here = exists(
        select(Enrollment.id)
        .join(TrainingSession, Enrollment.session_id == TrainingSession.id)
        .where(Enrollment.trainee_id == Trainee.id, sessions_visible(user))
    )
    if user.role in ("district", "base"):
        registered_here = Trainee.registered_base_id.in_(select(TrainingBase.id).where(bases_visible(user)))
        if user.role == "district":
            return or_(enrolled_here, registered_here, Trainee.registered_district_id == user.district_id)
        return or_(enrolled_here, registered_here)
    return enrolled_here


def registering_unit(user: User) -> dict[str, int | None]:
    """Who registers a person this user enters (register_trainee's keywords): the user's base, or
    district bureau; the city sees everyone anyway."""
    return {"registered_base_id": user.base_id if user.role == "base" else None,
            "registered_district_id": user.district_id if user.role == "district" else None}


def certificates_visible(user: User) -> ColumnElement[bool]:
    """A certificate is visible wherever the session that earned it is."""
    if user.role == "city":
        return true()
    return Certificate.session_id.in_(select(TrainingSession.id).where(sessions_visible(user)))


def service_cards_visible(user: User) -> ColumnElement[bool]:
    """A card is visible where its holder is, where it was issued, and to the holder's employer."""
    if user.role == "city":
        return true()
    holder_visible = ServiceCard.trainee_id.in_(select(Trainee.id).where(trainees_visible(user)))
    if user.role == "district":
        return or_(ServiceCard.district_id == user.district_id, holder_visible)
    if user.role == "base":
        return or_(ServiceCard.base_id == user.base_id, holder_visible)
    if user.role == "enterprise":
        return ServiceCard.employer_id == user.enterprise_id
    return false()


def claims_visible(user: User) -> ColumnElement[bool]:
    """A subsidy claim is the claimant's (base or enterprise) and its reviewing district's."""
    if user.role == "city":
        return true()
    if user.role == "district":
        return SubsidyClaim.district_id == user.district_id
    if user.role == "base":
        return SubsidyClaim.base_id == user.base_id
    if user.role == "enterprise":
        return SubsidyClaim.enterprise_id == user.enterprise_id
    return false()


def filings_visible(user: User) -> ColumnElement[bool]:
    """An enterprise sees its own filings, a district bureau those filed with it, an agency those it
    trains for, the city bureau all (004 之四 二(一): filed with the district of registration)."""
    if user.role == "city":
        return true()
    if user.role == "district":
        return ApprenticeshipFiling.district_id == user.district_id
    if user.role == "enterprise":
        return ApprenticeshipFiling.enterprise_id == user.enterprise_id
    if user.role == "base":
        return ApprenticeshipFiling.agency_id == user.base_id
    return false()


def users_visible(user: User) -> ColumnElement[bool]:
    return true() if user.role == "city" else User.id == user.id


#: Model → the rule that filters it; get_visible_or_404 and list views use this table.
VISIBILITY: dict[type, Callable[[User], ColumnElement[bool]]] = {
    TrainingBase: bases_visible,
    Enterprise: enterprises_visible,
    TrainingSession: sessions_visible,
    Enrollment: enrollments_visible,
    Trainee: trainees_visible,
    Certificate: certificates_visible,
    ServiceCard: service_cards_visible,
    SubsidyClaim: claims_visible,
    ApprenticeshipFiling: filings_visible,
    User: users_visible,
}


def visible(model: type, user: User | None = None) -> ColumnElement[bool]:
    return VISIBILITY[model](user or current_user)


def get_visible_or_404(model: type[T], record_id: Any, user: User | None = None) -> T:
    """Load a record the user may see, or answer 404 whether it exists or not."""
    record = db.session.scalar(select(model).where(model.id == record_id, visible(model, user)))
    if record is None:
        abort(404)
    return record


def can_view(user: User, record: Any, record_id: Any = None) -> bool:
    """May this user open this record (``get_visible_or_404`` would load it)? For a link to a
    record's page: pages show the link only when this answers True. ``record`` is a model instance,
    or a model class with ``record_id``; a missing record (None, no id) is never viewable."""
    model = record if isinstance(record, type) else type(record)
    if not isinstance(record, type):
        record_id = getattr(record, "id", None)
    if record_id is None or model not in VISIBILITY:
        return False
    return db.session.scalar(select(model.id).where(model.id == record_id, visible(model, user))) is not None


# --- what a role may do -----------------------------------------------------------------

def can_manage_bases(user: User) -> bool:
    """Accrediting bases and recording their programme recognitions is the city bureau's."""
    return user.role == "city"


def can_register_enterprise(user: User, district_id: int | None = None) -> bool:
    if user.role == "city":
        return True
    return user.role == "district" and (district_id is None or district_id == user.district_id)


def can_register_trainees(user: User) -> bool:
    return user.role in ("city", "district", "base")


def can_edit_trainee(user: User, trainee: Trainee) -> bool:
    """Anyone who may register trainees and can see this one may correct their record."""
    return can_register_trainees(user) and can_view(user, trainee)


def can_manage_users(user: User) -> bool:
    return user.role == "city"


def can_read_audit_log(user: User) -> bool:
    return user.role == "city"


def roles_required(*roles: str):
    """View decorator: 403 for a signed-in user whose role may not use this page."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                from ...extensions import login_manager

                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def require(allowed: bool) -> None:
    """Inline check for a rule that depends on the record: 403 when not allowed."""
    if not allowed:
        abort(403)


# --- sessions and their records ------------------------------------------------------------

def can_plan_sessions(user: User, base: TrainingBase | None = None) -> bool:
    """Sessions are planned by the base that runs them."""
    return user.role == "base" and (base is None or base.id == user.base_id)


def can_edit_roster(user: User, session: TrainingSession) -> bool:
    """Enrolment and withdrawal: the base's clerks, until the session is closed."""
    return user.role == "base" and session.base_id == user.base_id and session.status != "closed"


def is_bureau(user: User) -> bool:
    return user.role in BUREAU_ROLES


def can_record_results(user: User, session: TrainingSession) -> bool:
    """Hours, results and follow-up: the base's clerks until closed; bureau staff of the jurisdiction
    at any time (with a reason once the session is closed)."""
    if user.role == "base":
        return session.base_id == user.base_id and session.status != "closed"
    if is_bureau(user):
        return db.session.scalar(
            select(TrainingSession.id).where(TrainingSession.id == session.id, sessions_visible(user))
        ) is not None
    return False


# --- certificates --------------------------------------------------------------------------

def can_issue_certificates(user: User, session: TrainingSession) -> bool:
    """Certificates are issued by the base that ran the session."""
    return user.role == "base" and session.base_id == user.base_id


def can_change_certificate_status(user: User) -> bool:
    """Suspension, revocation and replacement are the bureau's (jurisdiction checked on loading)."""
    return is_bureau(user)


# --- reconciliation ------------------------------------------------------------------------

def reconciliation_district(user: User, requested: int | None) -> int | None:
    """The district whose figures (reconciliation, apprenticeship reports) a bureau user sees: district staff only their own; city staff any
    district, or None for the whole city."""
    return user.district_id if user.role == "district" else requested


def can_manage_targets(user: User) -> bool:
    """Targets are handed down to the city bureau (DOMAIN.md, who uses the registry), which sets them."""
    return user.role == "city"


# --- service cards (上门服务证) ------------------------------------------------------------------

def can_keep_worker_records(user: User, trainee: Trainee) -> bool:
    """Identity checks, health checks, photos, work history and issuing a card: a base's clerks or
    bureau staff, for a worker they can see (issue 6, item 6)."""
    return user.role in ("city", "district", "base") and can_view(user, trainee)


def can_rate_and_list(user: User) -> bool:
    """Star ratings and red/black credit lists are the bureau's (004 之三 二、5 and 18)."""
    return is_bureau(user)


def can_change_card(user: User, card: ServiceCard) -> bool:
    """Service types, employer and replacement: the base that issued the card or bureau staff who
    can see it; revocation is the bureau's only (can_revoke_card)."""
    if user.role == "base":
        return card.base_id == user.base_id
    return is_bureau(user)


def can_revoke_card(user: User) -> bool:
    return is_bureau(user)


def card_issuing_district(user: User) -> int | None:
    """The district a card issued by this user counts in: the base's or the district bureau's own;
    None for city staff, who choose."""
    if user.role == "base":
        return user.base.district_id if user.base else None
    return user.district_id if user.role == "district" else None


# Subsidy claims, subsidy rules and apprenticeship filings: funding.py (re-exported here).
from .funding import *  # noqa: E402,F401,F403

# The programme packages' rules (imported last: they extend VISIBILITY and use the rules above).
from .programmes import *  # noqa: E402,F401,F403
