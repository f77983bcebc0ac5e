"""广东技工 demo records at the demo's technical school (广州市白云工商技师学院): its majors (key and
featured ones, one discontinued), cohorts of last year's and this year's intakes with their students,
and a one-year 高级工 cohort of last year's intake that has graduated: every student's outcome, the
diplomas, the graduates' destinations, and 双证 for those who hold an electrician's 职业技能等级证书
from the demo's sessions.

Everything goes through majors.py and cohorts.py and the shared training operations, so the demo
obeys the rules a clerk does. Cohort sessions start no earlier than last year, like every demo session.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from stdnum.cn import ric

from registry.domain.certificates.models import Certificate
from registry.domain.trainees.models import Trainee
from registry.domain.trainees.operations import TraineeData, find_trainee, register_trainee
from registry.domain.training import operations as training
from registry.extensions import db

from . import cohorts as cohort_ops
from . import majors as major_ops
from .models import SCHOOL_KINDS
from .rules import CODE

#: (code, name, occupation, level, years, hours, key year offset, featured year offset) — offsets from this year.
MAJORS = (
    ("0401", "电气自动化设备安装与维修", "electrician", 4, 3, 3300, -5, None),
    ("0401", "电气自动化设备安装与维修(中级工起点)", "electrician", 3, 1, 1100, None, None),
    ("0501", "汽车维修", "auto_mechanic", 4, 3, 3200, None, -4),
    ("0403", "工业机器人应用与维护", "robot_operator", 3, 5, 5400, -2, -3),
    ("1402", "电子商务", "ecommerce_specialist", 4, 3, 3000, None, None),
    ("0109", "焊接加工", "welder", 4, 3, 3000, None, None),
)
SURNAMES = "陈李黄张梁刘林何罗郑谢冯邓曾彭叶蔡许吴潘"
GIVEN = "俊杰浩然子轩嘉豪志强伟文家乐泽楷思远晓峰宇航梓健锦华嘉怡诗琪"
AREAS = ("440111", "440106", "440113", "440114", "441802", "441402", "445102", "450103")
EMPLOYERS_LOCAL = ("广州白云电气设备有限公司", "广州地铁集团有限公司", "广州南沙精密制造有限公司", "广州供电局有限公司")
EMPLOYERS_ELSEWHERE = ("佛山市顺德区美的电器制造有限公司", "东莞市长安电子科技有限公司")
FURTHER_STUDY = ("广州市技师学院(预备技师班)", "广东轻工职业技术学院")


class _People:
    """Young students registered by the school (the demo's ID numbers are checked against the registry)."""

    def __init__(self, context, base):
        self.rng, self.base, self.today = context.rng, base, context.today

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2))))

    def student(self, born_year: int) -> Trainee:
        while True:
            born = date(born_year, self.rng.randint(1, 12), self.rng.randint(1, 28))
            body = f"{self.rng.choice(AREAS)}{born:%Y%m%d}{self.rng.randrange(1000):03d}"
            number = body + ric.calc_check_digit(body + "0")
            if find_trainee("resident_id", number) is None:
                break
        data = TraineeData(document_type="resident_id", document_number=number, name=self.name(),
                           hukou_type=self.rng.choice(("urban", "rural", "rural")), phone="",
                           education="junior" if born_year > self.today.year - 18 else "senior")
        return register_trainee(data, registered_base_id=self.base.id).trainee


def load_demo(context) -> dict[str, int]:
    base = next((b for b in context.bases if b.kind in SCHOOL_KINDS
                 and CODE in b.recognised_programme_codes(context.today)), None)
    if base is None:
        return {}
    on, year = context.today, context.today.year
    people = _People(context, base)
    majors = []
    for code, name, occupation, level, years, hours, key, featured in MAJORS:
        majors.append(major_ops.add_major(base, major_ops.MajorData(
            code, name, occupation, level, years, hours, year + key if key else None,
            year + featured if featured else None), on))
    welding = majors[-1]
    major_ops.end_major(welding, date(year - 1, 7, 1), "对接先进制造业需求调整专业设置,焊接加工专业停止招生", on)

    cohorts = [_graduated_cohort(majors[1], base, context, people)]
    for major, intake, size in ((majors[0], year - 1, 24), (majors[2], year - 1, 18), (majors[0], year, 22),
                                (majors[3], year, 16), (majors[4], year, 20)):
        cohorts.append(_cohort_in_school(major, intake, size, context, people))
    standings = sum(len([s for _, s in cohort_ops.students(c) if s]) for c in cohorts)
    return {"技工院校专业": len(majors), "学制班": len(cohorts), "学籍结果": standings}


def _start(cohort, on: date) -> None:
    session = cohort.session
    training.move_session(session, "open", on)
    if on >= session.start_date:
        training.move_session(session, "in_progress", on)


def _cohort_in_school(major, intake: int, size: int, context, people):
    """A cohort still at school: its students enrolled on its session, one who left."""
    on, rng = context.today, context.rng
    cohort = cohort_ops.plan_cohort(major, intake, size + rng.randint(2, 8), on)
    students = [training.enrol(cohort.session, people.student(intake - 15)) for _ in range(size)]
    _start(cohort, on)
    if cohort.session.status == "in_progress" and (on - cohort.session.start_date).days > 40:
        left = students[rng.randrange(len(students))]
        days_in = (on - cohort.session.start_date).days
        when = cohort.session.start_date + timedelta(days=rng.randint(14, min(120, days_in)))
        cohort_ops.record_outcome(cohort, left, cohort_ops.OutcomeData("dropped", min(when, on), "",
                                                                        "家庭原因,本人申请退学"), on)
    return cohort


def _holders(occupation: str, since: date) -> list[Trainee]:
    """People holding a valid 职业技能等级证书 in the occupation issued since a day (from the demo's sessions)."""
    return list(db.session.scalars(
        select(Trainee).join(Certificate, Certificate.trainee_id == Trainee.id)
        .where(Certificate.occupation_code == occupation, Certificate.certificate_type == "skill_level",
               Certificate.status == "valid", Certificate.issued_on >= since)
        .distinct().order_by(Trainee.id)
    ))


def _graduated_cohort(major, base, context, people):
    """Last year's intake of a one-year 高级工 major, graduated: diplomas, 结业, leavers, destinations."""
    on, rng, year = context.today, context.rng, context.today.year
    intake = year - 1
    cohort = cohort_ops.plan_cohort(major, intake, 24, on)
    session = cohort.session
    holders = _holders(major.occupation_code, session.start_date)[:9]
    people_list = holders + [people.student(intake - 18) for _ in range(18 - len(holders))]
    enrollments = [training.enrol(session, person) for person in people_list]
    _start(cohort, on)
    graduated_on = min(date(year, 6, 28), on - timedelta(days=14))
    final_year = cohort_ops.final_year_start(cohort)
    leave_by = max(graduated_on - timedelta(days=30), session.start_date + timedelta(days=20))
    leaving = {
        enrollments[-1].id: ("dropped", "因病休学期满未复学,本人申请退学"),
        enrollments[-2].id: ("transferred", "转入广州市机电技师学院"),
    }
    diploma_serial = 0
    for index, enrollment in enumerate(enrollments):
        if enrollment.id in leaving:
            status, note = leaving[enrollment.id]
            when = session.start_date + timedelta(days=rng.randint(20, max(21, (leave_by - session.start_date).days)))
            cohort_ops.record_outcome(cohort, enrollment, cohort_ops.OutcomeData(status, min(when, on), "", note), on)
        elif index == len(enrollments) - 3:
            cohort_ops.record_outcome(cohort, enrollment, cohort_ops.OutcomeData(
                "completed", max(graduated_on, final_year), "", "毕业设计未通过,发给结业证书,可于一年内申请补考"), on)
        else:
            diploma_serial += 1
            number = f"4401{intake % 100:02d}{base.id:03d}{diploma_serial:05d}"
            cohort_ops.record_outcome(cohort, enrollment, cohort_ops.OutcomeData(
                "graduated", max(graduated_on, final_year), number, ""), on)
    closed_on = min(max(graduated_on, final_year) + timedelta(days=3), on)
    cohort_ops.close_cohort(cohort, closed_on, on)
    graduates = [s for _, s in cohort_ops.students(cohort) if s and s.status == "graduated"]
    for index, standing in enumerate(graduates):
        if index % 7 == 6:
            continue  # not yet followed up
        roll = index % 10
        kind = "employed_local" if roll < 6 else "employed_elsewhere" if roll < 8 else \
            "further_study" if roll == 8 else "not_employed"
        employer = {"employed_local": rng.choice(EMPLOYERS_LOCAL),
                    "employed_elsewhere": rng.choice(EMPLOYERS_ELSEWHERE),
                    "further_study": rng.choice(FURTHER_STUDY)}.get(kind, "")
        since = min(standing.status_on + timedelta(days=rng.randint(0, 20)), on)
        cohort_ops.record_destination(standing, cohort_ops.DestinationData(kind, since, employer), on)
    return cohort
