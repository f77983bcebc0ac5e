"""What a role may do with the money side: subsidy claims, the subsidy rules, apprenticeship filings
and their claims. Part of ``registry.auth.permissions``, which re-exports them, so that every access
rule still lives in this one package (which of these records a user sees is decided there, in
``claims_visible`` and ``filings_visible``)."""
from __future__ import annotations

from ...domain.accounts.models import User
from ...domain.apprenticeships.models import ApprenticeshipFiling
from ...domain.organisations.models import Enterprise
from ...domain.subsidies.models import SubsidyClaim
from ...domain.training.models import TrainingSession
from . import is_bureau


# --- subsidy claims ------------------------------------------------------------------------------

def can_claim_for_session(user: User, session: TrainingSession) -> bool:
    """A training-subsidy claim is filed by the base that ran the session (issue 7, item 2)."""
    return user.role == "base" and session.base_id == user.base_id


def can_file_claim(user: User, claim: SubsidyClaim) -> bool:
    """Drafts are completed and submitted by the claimant: the base, or the enterprise."""
    if user.role == "base":
        return claim.base_id is not None and claim.base_id == user.base_id
    if user.role == "enterprise":
        return claim.enterprise_id is not None and claim.enterprise_id == user.enterprise_id
    return False


def can_review_claim(user: User, claim: SubsidyClaim) -> bool:
    """Review, notice, objections and payment are the district bureau's (004 之四 二(七))."""
    return user.role == "district" and claim.district_id == user.district_id


def sees_claim_signals(user: User) -> bool:
    """Over-claiming signals are for the bureau's reviewers (issue 7, item 4)."""
    return is_bureau(user)


# --- subsidy rules -------------------------------------------------------------------------------

def can_maintain_subsidy_rules(user: User) -> bool:
    """Subsidy standards, rule parameters and the occupation lists are the city bureau's (issue 7,
    item 1); district staff, who review claims by them, read them."""
    return user.role == "city"


# --- apprenticeship filings ---------------------------------------------------------------------

def can_file_apprentices(user: User) -> bool:
    """Filings are made by the enterprise itself (004 之四 二(一))."""
    return user.role == "enterprise" and user.enterprise_id is not None


def can_edit_filing(user: User, filing: ApprenticeshipFiling) -> bool:
    """The enterprise's own draft: its details and apprentices, and submitting it."""
    return user.role == "enterprise" and filing.enterprise_id == user.enterprise_id and filing.status == "draft"


def can_review_filing(user: User, filing: ApprenticeshipFiling) -> bool:
    """Review is the bureau of the district the filing was made with (004 之四 二(四))."""
    return user.role == "district" and filing.district_id == user.district_id


def can_report_on_filing(user: User, filing: ApprenticeshipFiling) -> bool:
    """Training start and leaving reports on an approved or submitted filing: the enterprise, or the
    district bureau recording what the enterprise reported to it (004 之四 二(三))."""
    if user.role == "enterprise":
        return filing.enterprise_id == user.enterprise_id
    return can_review_filing(user, filing)


def can_claim_on_filing(user: User, filing: ApprenticeshipFiling) -> bool:
    """Advance and final claims are the enterprise's own (004 之四 二(五)、(七))."""
    return user.role == "enterprise" and filing.enterprise_id == user.enterprise_id


def can_record_special_grants(user: User, enterprise: Enterprise | None = None) -> bool:
    """The years of the one-off special training subsidy are recorded by bureau staff (for a district,
    its own enterprises)."""
    if user.role == "city":
        return True
    return user.role == "district" and (enterprise is None or enterprise.district_id == user.district_id)


def can_download_apprenticeship_reports(user: User) -> bool:
    return is_bureau(user)
