"""The demo data set: realistic, internally consistent, refused where it must be."""
from __future__ import annotations

import pytest
from sqlalchemy import distinct, func, select
from stdnum.cn import ric, uscc

from registry.demo import ACCOUNTS, DEMO_PASSWORD, DemoRefused, seed_demo
from registry.domain.accounts.models import User
from registry.domain.audit import AuditLog
from registry.domain.catalogue import catalogue
from registry.domain.certificates.models import Certificate
from registry.domain.common import today
from registry.domain.identifiers import check_document
from registry.domain.reconciliation.models import Target
from registry.domain.service_cards.models import ServiceCard
from registry.domain.organisations.models import Enterprise, TrainingBase
from registry.domain.trainees.models import Trainee
from registry.domain.training.models import Enrollment, TrainingSession
from registry.domain.training.results import minimum_pass_hours
from registry.domain.apprenticeships.models import ApprenticeshipFiling
from registry.domain.subsidies.models import SubsidyClaim
from registry.extensions import db
from tests import factories


SHARED_COUNTS = ("培训基地", "企业", "班期", "学员", "报名", "证书", "目标", "上门服务证", "账号", "补贴申领", "学徒制备案")


@pytest.fixture
def demo():
    return seed_demo("test")


def test_refused_in_production():
    with pytest.raises(DemoRefused, match="生产环境"):
        seed_demo("production")
    assert db.session.scalar(select(func.count(TrainingBase.id))) == 0


def test_refused_when_already_loaded(demo):
    with pytest.raises(DemoRefused, match="已载入"):
        seed_demo("test")


def test_summary_counts_what_is_in_the_database(demo):
    # Programme packages add counts of their own records (their demo.load_demo), checked in their tests.
    assert {key: demo[key] for key in SHARED_COUNTS} == {
        "培训基地": db.session.scalar(select(func.count(TrainingBase.id))),
        "企业": db.session.scalar(select(func.count(Enterprise.id))),
        "班期": db.session.scalar(select(func.count(TrainingSession.id))),
        "学员": db.session.scalar(select(func.count(Trainee.id))),
        "报名": db.session.scalar(select(func.count(Enrollment.id))),
        "证书": db.session.scalar(select(func.count(Certificate.id))),
        "目标": db.session.scalar(select(func.count(Target.id))),
        "上门服务证": db.session.scalar(select(func.count(ServiceCard.id))),
        "账号": len(ACCOUNTS),
        "补贴申领": db.session.scalar(select(func.count(SubsidyClaim.id)).where(SubsidyClaim.kind == "training")),
        "学徒制备案": db.session.scalar(select(func.count(ApprenticeshipFiling.id))),
    }
    # One claim in each state of the workflow up to payment, and a draft.
    statuses = set(db.session.scalars(select(SubsidyClaim.status)))
    assert {"draft", "submitted", "under_review", "paid"} <= statuses
    assert demo["上门服务证"] >= 10
    assert 6 <= demo["培训基地"] <= 10
    assert 200 <= demo["学员"] <= 1000
    # Some people trained more than once, so 人次 and 人数 differ.
    assert demo["报名"] > db.session.scalar(select(func.count(distinct(Enrollment.trainee_id))))


def test_demo_accounts_sign_in_with_the_demo_password_and_act_for_one_unit(demo):
    users = {u.username: u for u in db.session.scalars(select(User))}
    assert set(users) == set(ACCOUNTS)
    for username, user in users.items():
        assert user.role == ACCOUNTS[username][0]
        assert user.check_password(DEMO_PASSWORD)
    assert users["district"].district is not None
    # The demo base is in the demo district, so the district account sees the base account's work.
    assert users["base"].base.district_id == users["district"].district_id
    apprentices = db.session.scalar(
        select(func.count(TrainingSession.id)).where(TrainingSession.enterprise_id == users["enterprise"].enterprise_id)
    )
    assert apprentices > 0


def test_the_school_account_keeps_the_technical_schools_majors_and_cohorts(demo, client):
    school = db.session.scalar(select(User).where(User.username == "school")).base
    assert school.kind == "technical_school"
    factories.login(client, "school", DEMO_PASSWORD)
    majors = client.get("/jigong/majors/")
    assert majors.status_code == 200 and "电气自动化设备安装与维修" in majors.get_data(as_text=True)
    cohorts = client.get("/jigong/cohorts/")
    assert cohorts.status_code == 200 and school.name in cohorts.get_data(as_text=True)


def test_identifiers_are_valid_and_unique(demo):
    numbers = db.session.scalars(select(Trainee.document_number)).all()
    assert len(numbers) == len(set(numbers))
    # The registry's own check (python-stdnum's area table is stale, so new districts only warn).
    for number in numbers:
        document = check_document("resident_id", number)
        assert number[17] == ric.calc_check_digit(number)
        assert document.birth_date is not None
    for model in (TrainingBase, Enterprise):
        codes = db.session.scalars(select(model.credit_code)).all()
        assert all(code[17] == uscc.calc_check_digit(code[:17]) for code in codes)


def test_every_programme_has_sessions_last_year_and_this_year(demo):
    year = today().year
    rows = db.session.execute(
        select(TrainingSession.programme_code, func.min(TrainingSession.start_date), func.max(TrainingSession.start_date))
        .group_by(TrainingSession.programme_code)
    ).all()
    seen = {code: (first, last) for code, first, last in rows}
    assert set(seen) == {p.code for p in catalogue.all()}
    for code, (first, last) in seen.items():
        assert first.year == year - 1, code
        assert last.year >= year, code
    statuses = set(db.session.scalars(select(TrainingSession.status)))
    assert {"closed", "in_progress"} <= statuses


def test_records_obey_the_session_rules(demo):
    """Sessions sit at recognised bases; results only after the start, passes meet minimum hours."""
    for session in db.session.scalars(select(TrainingSession)):
        assert session.programme_code in session.base.recognised_programme_codes(session.start_date)
        active = [e for e in session.enrollments if e.status != "withdrawn"]
        assert len(active) <= session.capacity
        minimum = minimum_pass_hours(session)
        for enrollment in session.enrollments:
            if enrollment.result is not None:
                assert session.status in ("completed", "closed")
                assert session.start_date <= enrollment.assessed_on <= today()
            if enrollment.result == "passed":
                assert enrollment.attended_hours <= session.planned_hours
                assert minimum is None or enrollment.attended_hours >= minimum[0]
            if enrollment.status == "withdrawn":
                assert enrollment.withdrawal_reason and enrollment.result is None
        if session.status == "closed":
            assert all(e.result for e in active)


def test_every_record_is_in_the_audit_log(demo):
    logged = db.session.scalar(
        select(func.count(AuditLog.id)).where(AuditLog.entity_type == "trainees", AuditLog.action == "insert")
    )
    assert logged == demo["学员"]


def test_certificates_went_to_passed_trainees_of_finished_sessions(demo):
    certificates = db.session.scalars(select(Certificate)).all()
    assert demo["证书"] > 100
    for certificate in certificates:
        if certificate.replaces_id is None:
            assert certificate.enrollment.result == "passed"
    statuses = {c.status for c in certificates}
    assert statuses == {"valid", "suspended", "revoked"}
    assert any(c.replaced_by_id for c in certificates)


def test_demo_cards_show_every_live_status(demo):
    from registry.domain.common import today
    from registry.domain.service_cards.public import card_verdict

    outcomes = {card_verdict(card, today()).outcome for card in db.session.scalars(select(ServiceCard))}
    assert {"valid", "suspended"} <= outcomes
