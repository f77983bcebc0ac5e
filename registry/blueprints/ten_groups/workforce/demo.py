"""Demo records of groups 1, 5, 6 and 7 (registry/demo calls the package's demo.load_demo).

Everything goes through the domain functions a clerk's request would call, at the demo bases that
run each programme (registry.demo.BASES): high-skill sessions at the enterprise training centre,
job changers' situations at the chef school, the rural register around the catering association,
veterans' intakes around the employment training centre.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from stdnum.cn import ric

from ....domain.organisations.models import District, TrainingBase
from ....domain.trainees.operations import find_trainee
from ....domain.training import operations as training
from ....domain.training.models import TrainingSession
from ....domain.training.results import ResultData, allowed_assessment_types, record_result
from ....extensions import db
from . import job_change, measures, people, rural, veterans
from .models import SEPARATED

SURNAMES = "陈黄李梁何罗邓钟冯林吴曾谢郭刘张杨叶莫麦区冼"
GIVEN = "伟志强俊杰家豪嘉欣颖诗婷建华国荣锦辉少芬美玲秀英振兴"

#: (district code, town, village) of rural labourers in the demo register.
VILLAGES = (
    ("440113", "石楼镇", "大岭村"), ("440113", "化龙镇", "眉山村"), ("440113", "沙湾街道", "紫坭村"),
    ("440117", "良口镇", "塘尾村"), ("440117", "吕田镇", "莲麻村"), ("440118", "派潭镇", "邓村"),
    ("440118", "正果镇", "兰溪村"), ("440106", "珠吉街道", "珠村"), ("440106", "新塘街道", "凌塘村"),
)
WEAK_VILLAGES = {"莲麻村", "邓村", "兰溪村"}
WISHES = ("农村电商", "新型职业农民培育", "中式烹调师", "养老护理员", "农业技术员", "")
FORMER_EMPLOYERS = (
    ("广州市番禺区永兴五金制品厂", "冲压工"), ("广州恒信纺织有限公司", "挡车工"), ("广州市白云区鸿达鞋业有限公司", "车缝工"),
    ("广州穗华汽车零部件有限公司", "装配工"), ("广州市海珠区南洲印刷厂", "印刷机长"), ("广州粤海物流有限公司", "仓管员"),
)
INTENDED_POSTS = {"chinese_cook": ("粤菜厨师", "中餐厨师", "食堂厨师")}


def _base_running(context, code: str) -> TrainingBase:
    return next(b for b in context.bases if code in b.recognised_programme_codes(context.today))


def _district(code: str) -> District:
    return db.session.query(District).filter_by(code=code).one()


class People:
    """Demo persons the register rows name (a few of them new to the registry)."""

    def __init__(self, context) -> None:
        self.rng, self.today = context.rng, context.today

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2))))

    def person(self, area: str, age_range=(20, 50), male: bool | None = None) -> people.PersonData:
        male = self.rng.random() < 0.6 if male is None else male
        while True:
            born = date(self.today.year - self.rng.randint(*age_range), self.rng.randint(1, 12), self.rng.randint(1, 28))
            sequence = self.rng.randrange(500) * 2 + (1 if male else 0)
            body = f"{area}{born:%Y%m%d}{sequence:03d}"
            number = body + ric.calc_check_digit(body + "0")
            if find_trainee("resident_id", number) is None:
                phone = self.rng.choice(("13", "15", "18")) + f"{self.rng.randrange(10**9):09d}"
                return people.PersonData("resident_id", number, self.name(), phone=phone)


def _participants(context, code: str, occupation: str | None = None) -> list:
    """(session, enrollment) of the demo's sessions of a programme, not withdrawn."""
    found = []
    for session in context.sessions:
        if session.programme_code == code and (occupation is None or session.occupation_code == occupation):
            found += [(session, e) for e in session.enrollments if e.status != "withdrawn"]
    return found


# --- 新生代产业工人 -------------------------------------------------------------------------------------

def _run_session(context, base, occupation: str, level: int | None, start: date, days: int, size: int) -> TrainingSession:
    """A session of the programme run as a clerk runs it: planned, opened, enrolled, finished and assessed
    when its dates are past."""
    hours = 48 if level is None else 160
    session = training.create_session(base, training.SessionData(
        programme_code="new_workers", occupation_code=occupation, level=level, kind="short", start_date=start,
        end_date=start + timedelta(days=days), planned_hours=hours, capacity=30, place="本中心实训楼", mode="offline"))
    enrollments = [training.enrol(session, context.new_trainee("new_workers", base)) for _ in range(size)]
    if start > context.today:
        return session
    training.move_session(session, "open", context.today)
    training.move_session(session, "in_progress", context.today)
    if session.end_date >= context.today:
        return session
    training.move_session(session, "completed", context.today)
    assessment = allowed_assessment_types(session)[0]
    assessed_on = min(session.end_date + timedelta(days=3), context.today)
    for enrollment in enrollments:
        result = "passed" if context.rng.random() < 0.9 else "failed"
        record_result(enrollment, ResultData(
            attended_hours=Decimal(hours), result=result, score=Decimal(context.rng.randint(75, 96) if result == "passed" else 52),
            assessed_on=assessed_on, assessment_type=assessment), context.today)
    return session


def _new_workers(context) -> int:
    base = _base_running(context, "new_workers")
    today, sessions = context.today, []
    last_year = date(today.year - 1, 1, 1)
    plans = (
        (measures.LEADER_ITEM, None, last_year + timedelta(days=120), 5, 14),
        (measures.TOP_TALENT_ITEM, None, last_year + timedelta(days=200), 5, 12),
        ("cnc_programmer", 2, last_year + timedelta(days=240), 40, 10),
        (measures.LEADER_ITEM, None, today - timedelta(days=40), 4, 12),
        (measures.TOP_TALENT_ITEM, None, today - timedelta(days=30), 5, 10),
        ("robot_operator", 2, today - timedelta(days=75), 40, 9),
        (measures.LEADER_ITEM, None, today + timedelta(days=20), 4, 6),
    )
    for occupation, level, start, days, size in plans:
        sessions.append(_run_session(context, base, occupation, level, start, days, size))
    return len(sessions)


# --- 企业职工转岗转业 ------------------------------------------------------------------------------------

def _job_changes(context) -> int:
    rng, today, count = context.rng, context.today, 0
    rows = [(s, e) for s, e in _participants(context, "job_change") if s.start_date <= today]
    latest = max((s.id for s, _ in rows), default=None)
    for session, enrollment in rows:
        if session.id == latest and rng.random() < 0.35:
            continue  # the newest session's clerk has not recorded everyone yet
        situation = rng.choice(("laid_off", "laid_off", "contract_ended", "redeployed", "suspended", "in_post"))
        employer, post = rng.choice(FORMER_EMPLOYERS)
        separated_on = None
        if situation != "in_post":
            separated_on = min(session.start_date - timedelta(days=rng.randint(10, 150)), today)
            if situation not in SEPARATED and rng.random() < 0.4:
                separated_on = None
        intended = rng.choice(INTENDED_POSTS.get(session.occupation_code, ("",)))
        job_change.record_job_change(enrollment, job_change.JobChangeData(
            former_enterprise_name=employer, former_post=post, situation=situation, separated_on=separated_on,
            intended_post=intended if situation != "in_post" else ""), min(session.start_date + timedelta(days=2), today))
        count += 1
    return count


# --- 农村劳动力精准培训 ------------------------------------------------------------------------------------

def _register(context, person: people.PersonData, village, registered_on: date, base_id: int | None,
              wants: bool = True) -> None:
    rng = context.rng
    district_code, town, name = village
    data = rural.LabourerData(
        district_id=_district(district_code).id, town=town, village=name,
        training_need=rng.choice(("city_work", "return_business", "skills_income", "skills_income", "further_study")),
        registered_on=registered_on, low_income_role=rng.choice((None, None, None, "labourer", "child")),
        is_weak_village=name in WEAK_VILLAGES, wants_training=wants, wish=rng.choice(WISHES) if wants else "",
    )
    # Registered by the base, or (no base) by the bureau of the person's district, as its staff would.
    rural.register_labourer(person, data, context.today, base_id, None if base_id else data.district_id)


def _rural(context) -> int:
    rng, today, count = context.rng, context.today, 0
    base = _base_running(context, "rural_labour")
    maker = People(context)
    seen = set()
    # Those training now first, so the register shows people 培训中 as well as trained.
    participants = sorted(_participants(context, "rural_labour"), key=lambda p: p[0].status in ("completed", "closed"))
    for session, enrollment in participants:
        trainee = enrollment.trainee
        if trainee.id in seen or trainee.hukou_type != "rural" or len(seen) >= 14:
            continue
        seen.add(trainee.id)
        person = people.PersonData(trainee.document_type, trainee.document_number, trainee.name)
        village = rng.choice(VILLAGES[:7])
        _register(context, person, village, min(session.start_date - timedelta(days=rng.randint(5, 40)), today), base.id)
        count += 1
    # People the bureaus registered who have not trained yet, some of them in the demo district account's district.
    for index in range(10):
        village = VILLAGES[index % len(VILLAGES)]
        area = village[0]
        _register(context, maker.person(area, (18, 55)), village, today - timedelta(days=rng.randint(0, 200)), None,
                  wants=index % 4 != 3)
        count += 1
    closing = maker.person("440117", (30, 55))
    _register(context, closing, VILLAGES[3], today - timedelta(days=300), None)
    row = rural.find_labourer(closing.document_type, closing.document_number)
    rural.close_labourer(row, today - timedelta(days=20), "已迁出本市,到佛山市务工", today)
    return count + 1


# --- 退役军人 ----------------------------------------------------------------------------------------------

def _intake(context, person: people.PersonData, year: int, district_code: str, base_id: int | None,
            placement: str = "self_employed", exemption: str = "") -> None:
    today = context.today
    registered_on = max(date(year, 1, 1), min(today, date(year, context.rng.randint(3, 11), context.rng.randint(1, 28))))
    district_id = _district(district_code).id
    # Registered by the base, or (no base) by the bureau of the settling district, as its staff would.
    veterans.register_intake(person, veterans.IntakeData(
        discharge_year=year, district_id=district_id, placement=placement, registered_on=registered_on,
        can_attend=not exemption, exemption_reason=exemption), today, base_id, None if base_id else district_id)


def _veterans(context) -> int:
    rng, today, count = context.rng, context.today, 0
    base = _base_running(context, "veterans")
    maker = People(context)
    districts = ("440104", "440104", "440106", "440111")
    seen = set()
    for session, enrollment in _participants(context, "veterans", veterans.ADAPTIVE_ITEM):
        trainee = enrollment.trainee
        if trainee.id in seen or session.start_date.year < today.year - 1:
            continue
        seen.add(trainee.id)
        person = people.PersonData(trainee.document_type, trainee.document_number, trainee.name)
        _intake(context, person, session.start_date.year, rng.choice(districts), base.id)
        count += 1
    # Veterans of this year's and last year's intakes who have not taken the adaptive training yet.
    for year in (today.year - 1, today.year):
        for index in range(5 if year == today.year else 3):
            person = maker.person(rng.choice(("440104", "440106", "441402", "430521")), (21, 30), male=index % 5 != 4)
            person.hukou_type = rng.choice(("urban", "rural"))
            _intake(context, person, year, districts[index % len(districts)], None)
            count += 1
        exempt = maker.person("440111", (22, 28))
        exempt.hukou_type = "urban"
        _intake(context, exempt, year, "440106", None, exemption="伤病住院治疗,暂不能参训")
        assigned = maker.person("440104", (30, 40))
        assigned.hukou_type = "urban"
        _intake(context, assigned, year, "440104", None, placement="assigned")
        count += 2
    return count


def load_demo(context) -> dict[str, int]:
    return {
        "高技能人才培训班期": _new_workers(context),
        "转岗转业情况登记": _job_changes(context),
        "农村劳动力实名登记": _rural(context),
        "退役军人安置登记": _veterans(context),
    }
