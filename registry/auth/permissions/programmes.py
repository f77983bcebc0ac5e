"""Access rules of the programme packages' own records (their models and what a role may do with
them), one section per package; part of ``registry.auth.permissions``, which re-exports them, so that
every access rule still lives in this one package."""
from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, select, true

from ...domain.accounts.models import User
from ...domain.organisations.models import Enterprise, TrainingBase
from ...domain.trainees.models import Trainee
from ...domain.training.models import Enrollment, TrainingSession
from . import VISIBILITY, bases_visible, can_record_results, is_bureau, sessions_visible, trainees_visible


# --- 粤菜师傅 (yuecai package) -------------------------------------------------------------------

from ...blueprints.yuecai.models import ChefRating, CompetitionResult, Studio  # noqa: E402


def _at_visible_base(column, user: User) -> ColumnElement[bool]:
    return column.in_(select(TrainingBase.id).where(bases_visible(user)))


def chef_ratings_visible(user: User) -> ColumnElement[bool]:
    """Star ratings (星级粤菜师傅) are seen by the city bureau, by a district bureau for its district,
    wherever the chef is visible as a trainee, and where the chef leads a studio the user can see."""
    if user.role == "city":
        return true()
    if user.role not in ("district", "base"):
        return false()
    chef_visible = or_(ChefRating.trainee_id.in_(select(Trainee.id).where(trainees_visible(user))),
                       ChefRating.trainee_id.in_(select(Studio.lead_chef_id).where(studios_visible(user))))
    if user.role == "district":
        return or_(ChefRating.district_id == user.district_id, chef_visible)
    return chef_visible


def studios_visible(user: User) -> ColumnElement[bool]:
    """A studio is seen where its base is: a base's clerks see their own base's studios only."""
    if user.role in ("city", "district", "base"):
        return _at_visible_base(Studio.base_id, user)
    return false()


def competition_results_visible(user: User) -> ColumnElement[bool]:
    """A competition result is seen where the base that trained the competitor is."""
    if user.role in ("city", "district", "base"):
        return _at_visible_base(CompetitionResult.base_id, user)
    return false()


VISIBILITY[ChefRating] = chef_ratings_visible
VISIBILITY[Studio] = studios_visible
VISIBILITY[CompetitionResult] = competition_results_visible


def can_rate_chefs(user: User, district_id: int | None = None) -> bool:
    """Star ratings are recorded by bureau staff (001 item 14 names the 人社局 as the unit responsible
    for the 星级评选): city staff for any district, district staff for their own."""
    if user.role == "city":
        return True
    return user.role == "district" and (district_id is None or district_id == user.district_id)


def rating_district(user: User) -> int | None:
    """The district a rating recorded by this user counts in: a district bureau's own; None for city
    staff, who choose."""
    return user.district_id if user.role == "district" else None


def can_keep_studios(user: User, base: TrainingBase | None = None) -> bool:
    """Studios are recorded and ended by the base they belong to, or by bureau staff for a base in
    their jurisdiction."""
    if user.role == "base":
        return base is None or base.id == user.base_id
    if user.role == "city":
        return True
    return user.role == "district" and (base is None or base.district_id == user.district_id)


def can_record_competition_results(user: User, base: TrainingBase | None = None) -> bool:
    """Competition results are entered by the base that trained the competitor, or by bureau staff
    for a base in their jurisdiction (issue 8, item 2)."""
    return can_keep_studios(user, base)



# --- 南粤家政 (jiazheng package) -----------------------------------------------------------------

from ...blueprints.jiazheng.models import DemonstrationDesignation, ServiceStation  # noqa: E402


def jiazheng_designations_visible(user: User) -> ColumnElement[bool]:
    """A demonstration designation is visible wherever its base is (004 之三 二、10)."""
    return DemonstrationDesignation.base_id.in_(select(TrainingBase.id).where(bases_visible(user)))


def jiazheng_stations_visible(user: User) -> ColumnElement[bool]:
    """Service stations are kept by the bureau of their district; the city bureau sees all (004 之三
    二、1, 三(一): districts and their streets and towns build them)."""
    if user.role == "city":
        return true()
    if user.role == "district":
        return ServiceStation.district_id == user.district_id
    return false()


VISIBILITY[DemonstrationDesignation] = jiazheng_designations_visible
VISIBILITY[ServiceStation] = jiazheng_stations_visible


def can_keep_jiazheng_stations(user: User, district_id: int | None = None) -> bool:
    """Opening, correcting and closing stations: district staff for their district, city staff for any."""
    if user.role == "city":
        return True
    return user.role == "district" and (district_id is None or district_id == user.district_id)


def jiazheng_designation_levels(user: User) -> tuple[str, ...]:
    """The demonstration levels a user may designate and end: the city bureau all three (it leads
    the programme, 004 之三 三(一)); a district bureau its own 区级 ones (二、10: 各区政府分工负责)."""
    if user.role == "city":
        return ("joint", "city", "district")
    if user.role == "district":
        return ("district",)
    return ()


def can_designate_jiazheng_base(user: User, base: TrainingBase | None = None, level: str | None = None) -> bool:
    """Designate (or end the designation of) a demonstration base: a level the user may designate, and
    for district staff a base in their district."""
    levels = jiazheng_designation_levels(user)
    if not levels or (level is not None and level not in levels):
        return False
    return user.role == "city" or base is None or base.district_id == user.district_id



# --- 广东技工 (jigong package) -------------------------------------------------------------------

from ...blueprints.jigong.models import SCHOOL_KINDS, Cohort, Major  # noqa: E402


def majors_visible(user: User) -> ColumnElement[bool]:
    """A school's majors are its own clerks', its district bureau's and the city bureau's to see."""
    if user.role == "city":
        return true()
    if user.role == "district":
        return Major.base_id.in_(select(TrainingBase.id).where(TrainingBase.district_id == user.district_id))
    if user.role == "base":
        return Major.base_id == user.base_id
    return false()


def cohorts_visible(user: User) -> ColumnElement[bool]:
    """A cohort is visible wherever its major is."""
    if user.role == "city":
        return true()
    return Cohort.major_id.in_(select(Major.id).where(majors_visible(user)))


VISIBILITY[Major] = majors_visible
VISIBILITY[Cohort] = cohorts_visible


def can_keep_school_records(user: User, base: TrainingBase | None = None) -> bool:
    """Majors, cohorts and students' outcomes are kept by the school's own clerks (a technical or
    vocational school); bureau staff read them."""
    own = user.base if user.role == "base" else None
    return own is not None and own.kind in SCHOOL_KINDS and (base is None or base.id == own.id)


def can_record_destinations(user: User, cohort: Cohort) -> bool:
    """A graduate's destination is employment follow-up: whoever may record the session's follow-up
    (the school until the session is archived; bureau staff of the jurisdiction, with a reason after)."""
    return can_record_results(user, cohort.session)



# --- ten key groups (ten_groups package) -----------------------------------------------------
# workforce
# Groups 1, 5, 6 and 7 (registry/blueprints/ten_groups/workforce): the rural real-name register and the
# veterans' intakes are kept by the bureau of the person's district (and seen by the base that entered
# a row); job changers' situations follow the session they trained in.

from ...blueprints.ten_groups.workforce.models import JobChangeRecord, RuralLabourer, VeteranIntake  # noqa: E402


def _person_rows_visible(model, user: User) -> ColumnElement[bool]:
    if user.role == "city":
        return true()
    if user.role == "district":
        return model.district_id == user.district_id
    if user.role == "base":
        return model.registered_base_id == user.base_id
    return false()


def rural_labourers_visible(user: User) -> ColumnElement[bool]:
    """A rural labourer's row: the bureau of their district, the base that registered them, the city."""
    return _person_rows_visible(RuralLabourer, user)


def veteran_intakes_visible(user: User) -> ColumnElement[bool]:
    """A veteran's intake row: the bureau of the settling district, the base that registered them, the city."""
    return _person_rows_visible(VeteranIntake, user)


def job_changes_visible(user: User) -> ColumnElement[bool]:
    """A job changer's situation is visible wherever the session they trained in is."""
    if user.role == "city":
        return true()
    return JobChangeRecord.enrollment_id.in_(
        select(Enrollment.id).join(TrainingSession, Enrollment.session_id == TrainingSession.id)
        .where(sessions_visible(user)))


VISIBILITY[RuralLabourer] = rural_labourers_visible
VISIBILITY[VeteranIntake] = veteran_intakes_visible
VISIBILITY[JobChangeRecord] = job_changes_visible


def can_keep_person_registers(user: User) -> bool:
    """Registering rural labourers (004 之六 二) and veterans' intakes (之七 二): bureau staff and bases."""
    return user.role in ("city", "district", "base")


def can_edit_person_row(user: User, row: RuralLabourer | VeteranIntake) -> bool:
    """Correcting or closing a row: the city, the bureau of its district, or the base that entered it."""
    if user.role == "city":
        return True
    if user.role == "district":
        return row.district_id == user.district_id
    return user.role == "base" and row.registered_base_id is not None and row.registered_base_id == user.base_id


def person_row_district(user: User) -> int | None:
    """District staff register people of their own district; others choose (None)."""
    return user.district_id if user.role == "district" else None


def can_record_job_change(user: User, session: TrainingSession) -> bool:
    """A job changer's situation: the base's clerks until the session is closed; bureau staff of the
    jurisdiction at any time (like results, can_record_results)."""
    return can_record_results(user, session)


# safety and inclusion (groups 8 两后生, 9 安全技能提升, 10 残疾人)

from ...blueprints.ten_groups.safety_and_inclusion.models import (  # noqa: E402
    CapabilityAssessment, SafetyAppointment, SchoolLeaver,
)


def school_leavers_visible(user: User) -> ColumnElement[bool]:
    """The 两后生 ledger is the bureaus' (004 之八 四: 教育、人社部门): a district's staff see its
    entries, the city bureau all. Bases and enterprises do not: the entries are personal data of
    young people who have not (yet) trained anywhere; a base sees them once they enrol."""
    if user.role == "city":
        return true()
    if user.role == "district":
        return SchoolLeaver.district_id == user.district_id
    return false()


def can_keep_school_leaver_ledger(user: User) -> bool:
    """Entering and updating the ledger: bureau staff (district staff in their own district)."""
    return is_bureau(user)


def safety_appointments_visible(user: User) -> ColumnElement[bool]:
    """An appointment is seen by the enterprise itself and the bureau of the enterprise's district."""
    if user.role == "city":
        return true()
    if user.role == "district":
        return SafetyAppointment.enterprise_id.in_(
            select(Enterprise.id).where(Enterprise.district_id == user.district_id))
    if user.role == "enterprise":
        return SafetyAppointment.enterprise_id == user.enterprise_id
    return false()


def can_record_appointments(user: User, enterprise: Enterprise | None = None) -> bool:
    """The enterprise reports its own heads and safety managers; bureau staff record them for the
    enterprises of their jurisdiction (004 之九 七: 纳入年度执法计划)."""
    if user.role == "city":
        return True
    if user.role == "district":
        return enterprise is None or enterprise.district_id == user.district_id
    if user.role == "enterprise":
        return user.enterprise_id is not None and (enterprise is None or enterprise.id == user.enterprise_id)
    return False


def capability_assessments_visible(user: User) -> ColumnElement[bool]:
    """An assessment is seen where it was recorded (the district, the base) and wherever its person is."""
    if user.role == "city":
        return true()
    person_visible = CapabilityAssessment.trainee_id.in_(select(Trainee.id).where(trainees_visible(user)))
    if user.role == "district":
        return or_(CapabilityAssessment.district_id == user.district_id, person_visible)
    if user.role == "base":
        return or_(CapabilityAssessment.base_id == user.base_id, person_visible)
    return false()


def can_record_capability_assessments(user: User, programme_code: str) -> bool:
    """Bureau staff, and the clerks of a base currently recognised for the programme (004 之十 六(一):
    评估 at 残疾人职业培训基地)."""
    if is_bureau(user):
        return True
    return user.role == "base" and user.base is not None and programme_code in user.base.recognised_programme_codes()


def can_change_capability_assessment(user: User, assessment: CapabilityAssessment) -> bool:
    """Corrections: the base that recorded it, or bureau staff of its district (the city bureau any)."""
    if user.role == "city":
        return True
    if user.role == "district":
        return assessment.district_id == user.district_id
    return user.role == "base" and assessment.base_id is not None and assessment.base_id == user.base_id


VISIBILITY[SchoolLeaver] = school_leavers_visible
VISIBILITY[SafetyAppointment] = safety_appointments_visible
VISIBILITY[CapabilityAssessment] = capability_assessments_visible
