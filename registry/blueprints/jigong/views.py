"""广东技工 pages: a school's majors, its cohorts (学制班) by intake year with each student's outcome and
each graduate's destination, and the graduates behind 双证 and 留本市就业. What the landing page
(/programmes/jigong/) and a trainee's record show of them is in landing.py, registered from here.

Views are thin: the access rules are in ``registry.auth.permissions`` (广东技工 section), the rules in
majors.py and cohorts.py, the figures in figures.py.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select

from registry.auth.permissions import (
    can_keep_school_records, can_record_destinations, cohorts_visible, get_visible_or_404, is_bureau,
    reconciliation_district, require, roles_required, visible,
)
from registry.blueprints.forms_common import (
    district_choices, filter_args, flash_form_errors, perform, record_id, save_form, saving,
)
from registry.blueprints.years import year_filter, year_options
from registry.domain.common import today
from registry.domain.errors import DomainError
from registry.domain.organisations.models import District, TrainingBase
from registry.domain.trainees.models import Trainee
from registry.domain.training.models import Enrollment
from registry.extensions import db

from . import cohorts as cohort_ops
from . import figures, forms, landing, majors as major_ops
from .models import DESTINATIONS, OUTCOMES, SCHOOL_KINDS, Cohort, Major
from .rules import DUAL_CERTIFIED_RULE, PROGRAMME, RETAINED_LOCAL_RULE, SOURCE_MAJORS

bp = Blueprint("jigong", __name__, url_prefix="/jigong")

STAFF = ("city", "district", "base")
PER_PAGE = 30


def _rerender(template: str, form, **context):
    return render_template(template, form=form, **context), 400 if form.errors else 200


def _school_choices() -> list[tuple[int, str]]:
    """The schools the viewer can see, for the lists' filter."""
    return [(b.id, b.name) for b in db.session.scalars(
        select(TrainingBase).where(visible(TrainingBase), TrainingBase.kind.in_(SCHOOL_KINDS))
        .order_by(TrainingBase.name))]


# --- majors -----------------------------------------------------------------------------------

@bp.route("/majors/")
@roles_required(*STAFF)
def majors():
    """The majors of the schools the viewer sees: by code or name, school, flag and whether still run."""
    args = filter_args()
    query = (select(Major).join(TrainingBase, Major.base_id == TrainingBase.id).where(visible(Major))
             .order_by(TrainingBase.name, Major.code, Major.level.desc()))
    if text := args.get("q", "").strip():
        query = query.where(or_(Major.code.contains(text.upper()), Major.name.contains(text)))
    if (school := record_id(request.args.get("base"))) is not None:
        query = query.where(Major.base_id == school)
    if args.get("flag") == "key":
        query = query.where(Major.key_major_year.is_not(None))
    elif args.get("flag") == "featured":
        query = query.where(Major.featured_major_year.is_not(None))
    if args.get("status") == "current":
        query = query.where(Major.ended_on.is_(None))
    elif args.get("status") == "ended":
        query = query.where(Major.ended_on.is_not(None))
    page = db.paginate(query, per_page=PER_PAGE)
    ids = [m.id for m in page.items]
    cohort_counts = dict(db.session.execute(
        select(Cohort.major_id, func.count(Cohort.id)).where(Cohort.major_id.in_(ids)).group_by(Cohort.major_id)
    ).all()) if ids else {}
    return render_template("jigong/majors.html", page=page, args=args, cohort_counts=cohort_counts,
                           schools=_school_choices(), can_add=can_keep_school_records(current_user),
                           source=SOURCE_MAJORS)


def _major_form(form: forms.MajorForm) -> None:
    form.occupation_code.choices = [("", "请选择")] + [(o.code, o.name) for o in PROGRAMME.occupations if not o.special]


def _major_data(form: forms.MajorForm) -> major_ops.MajorData:
    years = {}
    for flag, field, label in ((form.is_key, form.key_major_year, "省级重点专业"),
                               (form.is_featured, form.featured_major_year, "省级特色专业")):
        if flag.data and field.data is None:
            raise DomainError(f"勾选{label}须填写认定年份", field.name)
        if not flag.data and field.data is not None:
            raise DomainError(f"未勾选{label},认定年份应留空", field.name)
        years[field.name] = field.data if flag.data else None
    return major_ops.MajorData(form.code.data or "", form.name.data or "", form.occupation_code.data or "",
                               form.level.data, form.years.data, form.total_hours.data, **years)


@bp.route("/majors/new", methods=["GET", "POST"])
@roles_required("base")
def new_major():
    """A school registers a major it runs."""
    require(can_keep_school_records(current_user))
    form = forms.MajorForm()
    _major_form(form)
    if form.validate_on_submit():
        with saving(form) as saved:
            major = major_ops.add_major(current_user.base, _major_data(form), today())
        if saved.ok:
            flash(f"已登记专业「{major.label}」。", "success")
            return redirect(url_for("jigong.major", major_id=major.id))
    return _rerender("jigong/major_form.html", form, major=None)


@bp.route("/majors/<int:major_id>")
@roles_required(*STAFF)
def major(major_id: int):
    """One major: its flags, length and hours, and its cohorts with their figures."""
    record = get_visible_or_404(Major, major_id)
    cohorts = db.session.scalars(select(Cohort).where(Cohort.major_id == record.id)
                                 .order_by(Cohort.intake_year.desc())).all()
    return render_template(
        "jigong/major.html", major=record, cohorts=cohorts, figures=figures.per_cohort(c.id for c in cohorts),
        can_keep=can_keep_school_records(current_user, record.base), end_form=forms.EndMajorForm(formdata=None),
        has_cohorts=bool(cohorts),
    )


@bp.route("/majors/<int:major_id>/edit", methods=["GET", "POST"])
@roles_required("base")
def edit_major(major_id: int):
    """Correct a running major (once it has cohorts, only its name and flags)."""
    record = get_visible_or_404(Major, major_id)
    require(can_keep_school_records(current_user, record.base))
    form = forms.MajorForm(obj=record)
    _major_form(form)
    if not form.is_submitted():
        form.is_key.data = record.key_major_year is not None
        form.is_featured.data = record.featured_major_year is not None
    if form.validate_on_submit():
        if save_form(form, lambda: major_ops.update_major(record, _major_data(form), today()), "已保存。"):
            return redirect(url_for("jigong.major", major_id=record.id))
    return _rerender("jigong/major_form.html", form, major=record)


@bp.route("/majors/<int:major_id>/end", methods=["POST"])
@roles_required("base")
def end_major(major_id: int):
    """停办: the major takes no more cohorts; it stays on record with its cohorts."""
    record = get_visible_or_404(Major, major_id)
    require(can_keep_school_records(current_user, record.base))
    form = forms.EndMajorForm()
    if form.validate_on_submit():
        perform(lambda: major_ops.end_major(record, form.ended_on.data, form.end_reason.data, today()),
                f"「{record.label}」已停办;在读学制班继续至毕业。")
    else:
        flash_form_errors(form)
    return redirect(url_for("jigong.major", major_id=record.id))


# --- cohorts ----------------------------------------------------------------------------------

@bp.route("/cohorts/")
@roles_required(*STAFF)
def cohorts():
    """Cohorts by intake year with students, graduates, 双证率 and 留本市就业率."""
    args = filter_args()
    query = (select(Cohort).join(Major, Cohort.major_id == Major.id)
             .join(TrainingBase, Major.base_id == TrainingBase.id)
             .where(visible(Cohort)).order_by(Cohort.intake_year.desc(), TrainingBase.name, Major.code))
    if (year := record_id(request.args.get("intake_year"))) is not None:
        query = query.where(Cohort.intake_year == year)
    if text := args.get("q", "").strip():
        query = query.where(or_(Major.code.contains(text.upper()), Major.name.contains(text)))
    if (school := record_id(request.args.get("base"))) is not None:
        query = query.where(Major.base_id == school)
    if args.get("status") == "in_school":
        query = query.where(Cohort.closed_on.is_(None))
    elif args.get("status") == "closed":
        query = query.where(Cohort.closed_on.is_not(None))
    page = db.paginate(query, per_page=PER_PAGE)
    years = db.session.scalars(select(Cohort.intake_year).where(visible(Cohort)).distinct()
                               .order_by(Cohort.intake_year.desc())).all()
    return render_template("jigong/cohorts.html", page=page, args=args, years=years, schools=_school_choices(),
                           figures=figures.per_cohort(c.id for c in page.items),
                           can_add=can_keep_school_records(current_user))


@bp.route("/cohorts/new", methods=["GET", "POST"])
@roles_required("base")
def new_cohort():
    """Plan a new intake of one of the school's running majors: its 学制班 session is planned with it."""
    require(can_keep_school_records(current_user))
    running = db.session.scalars(select(Major).where(Major.base_id == current_user.base_id, Major.ended_on.is_(None))
                                 .order_by(Major.code, Major.level.desc())).all()
    form = forms.CohortForm()
    form.major_id.choices = [(0, "请选择")] + [(m.id, m.label) for m in running]
    if not form.is_submitted():
        form.major_id.data = record_id(request.args.get("major")) or 0
        form.intake_year.data = today().year
    if form.validate_on_submit():
        major = next((m for m in running if m.id == form.major_id.data), None)
        with saving(form) as saved:
            if major is None:
                raise DomainError("请选择本校在办的专业", "major_id")
            cohort = cohort_ops.plan_cohort(major, form.intake_year.data, form.capacity.data, today())
        if saved.ok:
            flash(f"已建立「{cohort.label}」,学制班班期 {cohort.session.code} 已列入计划;请在班期页面录取(报名)学生。",
                  "success")
            return redirect(url_for("jigong.cohort", cohort_id=cohort.id))
    return _rerender("jigong/cohort_form.html", form, majors_running=running)


def _cohort(cohort_id: int) -> Cohort:
    return get_visible_or_404(Cohort, cohort_id)


def _student(cohort: Cohort, enrollment_id: int) -> Enrollment:
    enrollment = db.session.get(Enrollment, enrollment_id)
    if enrollment is None or enrollment.session_id != cohort.session_id:
        abort(404)
    return enrollment


@bp.route("/cohorts/<int:cohort_id>")
@roles_required(*STAFF)
def cohort(cohort_id: int):
    """A cohort: its session, each student's standing, diploma, skill certificate and destination."""
    record = _cohort(cohort_id)
    rows = cohort_ops.students(record)
    return render_template(
        "jigong/cohort.html", cohort=record, rows=rows, figures=figures.per_cohort([record.id]).get(record.id),
        certificates=figures.skill_certificates(record), missing=cohort_ops.missing_outcomes(record),
        can_keep=can_keep_school_records(current_user, record.major.base),
        can_follow=can_record_destinations(current_user, record),
        close_form=forms.CloseForm(formdata=None, closed_on=today()),
        final_year=cohort_ops.final_year_start(record),
    )


@bp.route("/cohorts/<int:cohort_id>/students/<int:enrollment_id>/outcome", methods=["GET", "POST"])
@roles_required("base")
def outcome(cohort_id: int, enrollment_id: int):
    """Record a student's outcome: 毕业 (diploma), 结业, 肄业, 退学 or 转出."""
    record = _cohort(cohort_id)
    enrollment = _student(record, enrollment_id)
    require(can_keep_school_records(current_user, record.major.base))
    standing = cohort_ops.standing_of(enrollment)
    allowed = cohort_ops.allowed_outcomes(enrollment, standing)
    form = forms.OutcomeForm(obj=None)
    form.status.choices = [(code, OUTCOMES[code]) for code in allowed]
    if not form.is_submitted() and standing is not None:
        form.status.data, form.on.data = standing.status, standing.status_on
        form.diploma_number.data, form.note.data = standing.diploma_number or "", standing.note
    if form.validate_on_submit():
        data = cohort_ops.OutcomeData(form.status.data, form.on.data, form.diploma_number.data or "",
                                      form.note.data or "")
        if save_form(form, lambda: cohort_ops.record_outcome(record, enrollment, data, today()),
                     f"已登记 {enrollment.trainee.name} 的学籍结果:{OUTCOMES.get(data.status, '')}。"):
            return redirect(url_for("jigong.cohort", cohort_id=record.id) + f"#student-{enrollment.id}")
    return _rerender("jigong/outcome_form.html", form, cohort=record, enrollment=enrollment, standing=standing,
                     final_year=cohort_ops.final_year_start(record))


@bp.route("/cohorts/<int:cohort_id>/students/<int:enrollment_id>/destination", methods=["GET", "POST"])
@roles_required(*STAFF)
def destination(cohort_id: int, enrollment_id: int):
    """Record a graduate's destination (毕业去向); it is the enrollment's employment follow-up too."""
    record = _cohort(cohort_id)
    enrollment = _student(record, enrollment_id)
    require(can_record_destinations(current_user, record))
    standing = cohort_ops.standing_of(enrollment)
    if standing is None or standing.status != "graduated":
        flash(f"{enrollment.trainee.name} 尚未登记毕业,只有毕业生登记毕业去向。", "warning")
        return redirect(url_for("jigong.cohort", cohort_id=record.id))
    form = forms.DestinationForm()
    if not form.is_submitted() and standing.destination is not None:
        current = standing.destination
        form.kind.data, form.since.data, form.employer.data = current.kind, current.since, current.employer
    if form.validate_on_submit():
        data = cohort_ops.DestinationData(form.kind.data, form.since.data, form.employer.data or "")
        with saving(form) as saved:
            cohort_ops.record_destination(standing, data, today(), by_bureau=is_bureau(current_user),
                                          reason=form.reason.data or None)
        if saved.ok:
            flash(f"已登记 {enrollment.trainee.name} 的毕业去向:{DESTINATIONS[data.kind]}。", "success")
            return redirect(url_for("jigong.cohort", cohort_id=record.id) + f"#student-{enrollment.id}")
    return _rerender("jigong/destination_form.html", form, cohort=record, enrollment=enrollment, standing=standing,
                     archived=record.session.status == "closed")


@bp.route("/cohorts/<int:cohort_id>/close", methods=["POST"])
@roles_required("base")
def close(cohort_id: int):
    """毕业离校: every student has an outcome; the cohort's session completes."""
    record = _cohort(cohort_id)
    require(can_keep_school_records(current_user, record.major.base))
    form = forms.CloseForm()
    if form.validate_on_submit():
        perform(lambda: cohort_ops.close_cohort(record, form.closed_on.data, today()),
                f"「{record.label}」已毕业离校,学制班班期已结业。")
    else:
        flash_form_errors(form)
    return redirect(url_for("jigong.cohort", cohort_id=record.id))


# --- graduates (the measures' records) ----------------------------------------------------------

WHICH = {"dual": "双证毕业生", "local": "留本市就业毕业生"}


@bp.route("/graduates/", defaults={"which": None}, endpoint="graduates")
@bp.route("/graduates/dual-certified", defaults={"which": "dual"}, endpoint="graduates_dual")
@bp.route("/graduates/retained-local", defaults={"which": "local"}, endpoint="graduates_local")
@roles_required(*STAFF)
def graduates_list(which: str | None):
    """Graduates by year and district: all, those holding a skill certificate (双证), or those employed
    in the city (留本市就业): the records behind the two measures."""
    args = filter_args()
    year = year_filter()
    district_id = reconciliation_district(current_user, record_id(request.args.get("district"))) if is_bureau(current_user) else None
    query = figures.graduates_query(year, cohorts_visible(current_user), district_id, which)
    if text := args.get("q", "").strip():
        query = query.where(Enrollment.trainee_id.in_(select(Trainee.id).where(
            or_(Trainee.name.contains(text), Trainee.document_number == text.upper()))))
    page = db.paginate(query, per_page=PER_PAGE)
    totals = figures.graduation_year(year, cohorts_visible(current_user), district_id) if year else None
    return render_template(
        "jigong/graduates.html", page=page, args=args, which=which, which_names=WHICH, year=year,
        district=db.session.get(District, district_id) if district_id else None, totals=totals,
        dual=figures.dual_holders(s.id for s in page.items),
        rules={"dual": DUAL_CERTIFIED_RULE, "local": RETAINED_LOCAL_RULE},
        districts=district_choices(current_user.district_id if current_user.role == "district" else None)
        if is_bureau(current_user) else [],
        endpoint=request.endpoint, years=year_options(year, back=7, ahead=0),
    )


# --- the landing page and the trainee's record ---------------------------------------------------

landing.register(roles=STAFF)
