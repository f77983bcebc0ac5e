"""职业能力评估 pages (004 之十 六(一)): the list by year, district, recommendation and whether the
person trained afterwards; recording and correcting assessments. Bureau staff and the clerks of bases
recognised for the programme."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select

from registry.auth.permissions import (
    can_change_capability_assessment, can_record_capability_assessments, can_view, get_visible_or_404,
    registering_unit, require, roles_required, visible,
)
from registry.domain.common import today
from registry.domain.identifiers import normalise_code
from registry.domain.trainees.models import Trainee
from registry.extensions import db

from ...forms_common import district_choices, filter_args, record_id, save_form, saving
from ...years import year_filter, year_options
from ..rules import DISABILITY
from . import assessments
from .forms import AssessmentForm, AssessmentTermsForm
from .models import DISABILITY_CATEGORIES, RECOMMENDATIONS, CapabilityAssessment
from registry.domain.trainees.operations import PersonData

bp = Blueprint("capability_assessments", __name__, url_prefix="/ten-groups/capability-assessments")
ROLES = ("city", "district", "base")
TEMPLATES = "ten_groups/safety_and_inclusion/"


@bp.route("/")
@roles_required(*ROLES)
def index():
    """Assessments the viewer sees; ``year`` and ``district`` are the reconciliation's drill-down."""
    args = filter_args()
    year = year_filter(args.get("year", ""))
    query = (select(CapabilityAssessment).join(Trainee, CapabilityAssessment.trainee_id == Trainee.id)
             .where(visible(CapabilityAssessment))
             .order_by(CapabilityAssessment.assessed_on.desc(), CapabilityAssessment.id.desc()))
    if year:
        query = query.where(assessments.in_year(year))
    if (district_id := record_id(args.get("district"))) is not None:
        query = query.where(CapabilityAssessment.district_id == district_id)
    if args.get("recommendation") in RECOMMENDATIONS:
        query = query.where(CapabilityAssessment.recommendation == args["recommendation"])
    if args.get("category") in DISABILITY_CATEGORIES:
        query = query.where(CapabilityAssessment.disability_category == args["category"])
    if args.get("trained") == "yes":
        query = query.where(assessments.trained_after())
    elif args.get("trained") == "no":
        query = query.where(~assessments.trained_after())
    if text := args.get("q", "").strip():
        query = query.where(or_(Trainee.name.contains(text), Trainee.document_number == normalise_code(text),
                                CapabilityAssessment.assessing_body.contains(text)))
    page = db.paginate(query, per_page=30)
    ids = [a.id for a in page.items]
    trained = set(db.session.scalars(select(CapabilityAssessment.id).where(
        CapabilityAssessment.id.in_(ids), assessments.trained_after()))) if ids else set()
    return render_template(
        TEMPLATES + "assessments_index.html", page=page, args=args, trained=trained, recommendations=RECOMMENDATIONS,
        categories=DISABILITY_CATEGORIES, districts=district_choices(), years=year_options(year, ahead=0),
        can_record=can_record_capability_assessments(current_user, DISABILITY.code),
        trained_rule=assessments.TRAINED_AFTER_RULE,
    )


def _district_field(form) -> None:
    """City staff choose the district; a district's staff and a base's clerks record in their own."""
    if current_user.role == "city":
        form.district_id.choices = [("", "请选择")] + district_choices()
    else:
        own = current_user.district_id if current_user.role == "district" else current_user.base.district_id
        form.district_id.choices = district_choices(own)
        if request.method == "GET" and form.district_id.data is None:
            form.district_id.data = own


def _terms(form) -> assessments.AssessmentData:
    return assessments.AssessmentData(
        assessed_on=form.assessed_on.data, assessing_body=form.assessing_body.data,
        disability_category=form.disability_category.data, disability_grade=form.disability_grade.data,
        findings=form.findings.data, suitable_occupations=form.suitable_occupations.data,
        recommendation=form.recommendation.data, district_id=form.district_id.data,
    )


def _rendered(form, assessment):
    status = 400 if form.errors or form.form_errors else 200
    return render_template(TEMPLATES + "assessment_form.html", form=form, assessment=assessment), status


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*ROLES)
def new():
    """Record an assessment of a person (found by document or registered, tagged 残疾人)."""
    require(can_record_capability_assessments(current_user, DISABILITY.code))
    form = AssessmentForm()
    _district_field(form)
    if request.method == "GET" and form.assessed_on.data is None:
        form.assessed_on.data = today()
    if form.validate_on_submit():
        person = PersonData(form.document_type.data, form.document_number.data, form.name.data,
                            form.hukou_type.data or "", phone=form.phone.data or "",
                            education=form.education.data or None)
        unit = registering_unit(current_user)
        with saving(form) as saved:
            assessment = assessments.add_assessment(person, _terms(form), base_id=unit["registered_base_id"],
                                                    registered_district_id=unit["registered_district_id"])
        if saved.ok:
            flash(f"已登记 {assessment.trainee.name} 的职业能力评估。", "success")
            return redirect(url_for(".detail", assessment_id=assessment.id))
    return _rendered(form, None)


@bp.route("/<int:assessment_id>")
@roles_required(*ROLES)
def detail(assessment_id: int):
    """One assessment and the person's training since."""
    assessment = get_visible_or_404(CapabilityAssessment, assessment_id)
    trainee_visible = can_view(current_user, Trainee, assessment.trainee_id)
    return render_template(
        TEMPLATES + "assessment_detail.html", assessment=assessment, training=assessments.trainings_after(assessment),
        trainee_visible=trainee_visible, can_change=can_change_capability_assessment(current_user, assessment),
        trained_rule=assessments.TRAINED_AFTER_RULE,
    )


@bp.route("/<int:assessment_id>/edit", methods=["GET", "POST"])
@roles_required(*ROLES)
def edit(assessment_id: int):
    """Correct an assessment; the audit log keeps the old values."""
    assessment = get_visible_or_404(CapabilityAssessment, assessment_id)
    require(can_change_capability_assessment(current_user, assessment))
    form = AssessmentTermsForm(obj=assessment)
    _district_field(form)
    if form.validate_on_submit():
        if save_form(form, lambda: assessments.update_assessment(assessment, _terms(form)), "已保存。"):
            return redirect(url_for(".detail", assessment_id=assessment.id))
    return _rendered(form, assessment)
