"""Import every model so that the metadata (and Alembic) sees the whole schema."""
from .accounts.models import ROLES, User  # noqa: F401
from .audit import AuditLog  # noqa: F401
from .organisations.models import BaseRecognition, District, Enterprise, TrainingBase  # noqa: F401
from .trainees.models import Trainee, TraineeTag  # noqa: F401
from .training.models import Enrollment, TrainingSession  # noqa: F401
from .imports.models import ImportBatch  # noqa: F401
from .certificates.models import Certificate, CertificateCounter, VerificationEvent  # noqa: F401
from .reconciliation.models import SessionTally, Target, TargetRevision  # noqa: F401
from .service_cards.models import (  # noqa: F401
    CreditRecord, HealthCheck, IdentityCheck, ServiceCard, ServiceCardType, StarRating, WorkerPhoto, WorkRecord,
)
from .apprenticeships.models import Apprentice, ApprenticeshipFiling, SpecialSubsidyGrant  # noqa: F401
from .subsidies.models import (  # noqa: F401
    ClaimLine, LedgerEntry, Objection, OccupationListing, RuleParameter, SubsidyClaim, SubsidyStandard,
)
