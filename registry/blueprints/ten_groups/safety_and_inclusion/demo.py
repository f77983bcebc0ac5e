"""Demo records of these groups (registry/demo calls the package's demo.load_demo).

Made through the same domain functions a clerk's form calls, on the demo's people and sessions, so
that every status the pages compute shows up: school-leavers who trained, are training, want
training and have had none, or do not want it; heads and safety managers assessed in time, late,
due, overdue, or gone; assessed people with disabilities who trained afterwards and some who have
not yet.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from stdnum.cn import ric

from registry.domain.organisations.models import District
from registry.domain.trainees.operations import TraineeData, find_trainee, register_trainee
from registry.domain.training import operations as training
from registry.extensions import db

from ..rules import DISABILITY, SAFETY, SCHOOL_LEAVERS
from . import appointments, assessments, ledger
from registry.domain.trainees.operations import PersonData

TIANHE, BAIYUN = "440106", "440111"
SCHOOLS = {
    TIANHE: (("广州市天河区棠下中学", "棠下街道"), ("广州市第四十七中学", "员村街道"), ("广州市天河中学", "天河南街道")),
    BAIYUN: (("广州市白云区竹料中学", "钟落潭镇"), ("广州市白云区人和中学", "人和镇"), ("广州市第六十五中学", "京溪街道")),
}
NEW_NAMES = ("黄嘉豪", "陈晓彤", "李俊杰", "梁咏琪", "何志强", "罗思敏", "冯家乐", "邓婉婷")
NOTES = ("家庭经济困难,希望学习汽车维修", "已在餐馆打零工,想考中式烹调师证", "", "父母在外务工,由祖父母照顾",
         "暂时在家帮忙务农,明年再考虑", "")


def load_demo(context) -> dict[str, int]:
    districts = {d.code: d for d in db.session.scalars(select(District))}
    return {
        "两后生台账": _ledger(context, districts),
        "安全管理人员任职记录": _appointments(context, districts),
        "职业能力评估": _assessments(context, districts),
    }


def _new_id_number(context, area: str, born: date, male: bool) -> str:
    while True:
        sequence = context.rng.randrange(500) * 2 + (1 if male else 0)
        body = f"{area}{born:%Y%m%d}{sequence:03d}"
        number = body + ric.calc_check_digit(body + "0")
        if find_trainee("resident_id", number) is None and db.session.scalar(
                select(ledger.SchoolLeaver.id).where(ledger.SchoolLeaver.id_number == number)) is None:
            return number


def _ledger(context, districts) -> int:
    """Trained and training school-leavers from the programme's sessions, and others not yet trained."""
    rng, on = context.rng, context.today
    finished, running = {}, {}
    for session in context.sessions:
        if session.programme_code != SCHOOL_LEAVERS.code:
            continue
        found = finished if session.status in ledger.FINISHED else running
        for enrollment in session.enrollments:
            if "school_leaver" in enrollment.trainee.tag_codes and enrollment.status != "withdrawn":
                found.setdefault(enrollment.trainee_id, enrollment.trainee)
    people = list(finished.values())[:6] + [t for i, t in running.items() if i not in finished][:4]
    count = 0
    for index, trainee in enumerate(people):
        area = TIANHE if index % 2 == 0 else BAIYUN
        school, street = rng.choice(SCHOOLS[area])
        senior = on.year - trainee.birth_date.year >= 18 and index % 3 == 0
        ledger.add_leaver(ledger.LeaverData(
            name=trainee.name, id_number=trainee.document_number, school=school,
            left_year=min(trainee.birth_date.year + (18 if senior else 15), on.year), stage="senior" if senior else "junior",
            district_id=districts[area].id, street=street, wants_training=True, phone=trainee.phone,
            note=rng.choice(NOTES)), on)
        count += 1
    new_entries = []
    for index, name in enumerate(NEW_NAMES):
        area = TIANHE if index % 2 == 0 else BAIYUN
        school, street = rng.choice(SCHOOLS[area])
        born = date(on.year - rng.randint(16, 18), rng.randint(1, 12), rng.randint(1, 28))
        male = index % 2 == 0
        new_entries.append(ledger.add_leaver(ledger.LeaverData(
            name=name, id_number=_new_id_number(context, area, born, male), school=school,
            left_year=min(born.year + 15, on.year), stage="junior", district_id=districts[area].id, street=street,
            wants_training=index not in (4, 7), phone="13" + f"{rng.randrange(10**9):09d}",
            note=NOTES[4] if index == 4 else rng.choice(NOTES)), on))
        count += 1
    _enrol_some(context, [entry for entry in new_entries if entry.wants_training][:3])
    return count


def _enrol_some(context, entries) -> None:
    """Ledger people who wanted training, registered and enrolled in a class starting soon (培训中)."""
    on = context.today
    base = next(b for b in context.bases if SCHOOL_LEAVERS.code in b.recognised_programme_codes())
    start = on + timedelta(days=10)
    session = training.create_session(base, training.SessionData(
        SCHOOL_LEAVERS.code, "auto_mechanic", 5, "short", start, start + timedelta(days=35), 120, 30, "本基地实训楼",
        "offline"))
    for entry in entries:
        person = register_trainee(TraineeData(
            "resident_id", entry.id_number, entry.name, "rural" if entry.district.code == BAIYUN else "urban",
            phone=entry.phone, education="junior", tags={"school_leaver"}), registered_base_id=base.id).trainee
        training.enrol(session, person)
    training.move_session(session, "open", on)


def _person(trainee) -> PersonData:
    return PersonData(trainee.document_type, trainee.document_number, trainee.name)


def _appointments(context, districts) -> int:
    """Heads and safety managers of the demo's manufacturers (粉尘涉爆 and 金属冶炼 workplaces) and of a
    caterer's ammonia-refrigerated cold store, at every standing."""
    rng, on = context.rng, context.today
    base = next(b for b in context.bases if SAFETY.code in b.recognised_programme_codes())
    manufacturers = [e for e in context.enterprises if e.kind == "general"]
    builder, chemicals = manufacturers[0], manufacturers[-1]
    industry = {builder.id: "combustible_dust", chemicals.id: "metal_smelting"}
    caterer = next((e for e in context.enterprises if e.kind == "catering"), None)
    first_passes = {}
    for enrollment in sorted(
            (e for s in context.sessions if s.programme_code == SAFETY.code and s.occupation_code == appointments.INITIAL
             for e in s.enrollments if e.result == "passed"), key=lambda e: e.assessed_on):
        first_passes.setdefault(enrollment.trainee_id, enrollment)
    passed = list(first_passes.values())
    made = []

    def appoint(trainee, enterprise, post, industry, took_post_on, note=""):
        made.append(appointments.add_appointment(_person(trainee), appointments.AppointmentData(
            enterprise.id, post, industry, took_post_on, note), on))
        return made[-1]

    # Passed the initial training within six months of taking the post (recent passes) …
    late = passed[-1] if len(passed) > 1 else None
    for index, enrollment in enumerate(passed[-5:-1] if late else passed):
        enterprise = builder if index % 2 == 0 else chemicals
        appoint(enrollment.trainee, enterprise, "safety_manager" if index else "principal", industry[enterprise.id],
                enrollment.assessed_on - timedelta(days=rng.randint(20, 120)))
    # … and one who passed only after the six months.
    if late is not None:
        appoint(late.trainee, chemicals, "safety_manager", industry[chemicals.id], late.assessed_on - timedelta(days=230),
                "任职后未及时参加培训,逾期后补考合格")
    # Newly appointed people without the training yet: some still within six months, some past them.
    for days, enterprise in ((40, builder), (150, chemicals), (200, builder), (260, chemicals)):
        person = context.new_trainee(SAFETY.code, base)
        appoint(person, enterprise, rng.choice(("principal", "safety_manager")), industry[enterprise.id],
                on - timedelta(days=days))
    if caterer is not None:
        appoint(context.new_trainee(SAFETY.code, base), caterer, "safety_manager", "ammonia_refrigeration",
                on - timedelta(days=90), "中央厨房冷库采用氨制冷")
    # One who has left the post: the record stays.
    gone = appoint(context.new_trainee(SAFETY.code, base), builder, "safety_manager", industry[builder.id],
                   on - timedelta(days=400), "已调离")
    appointments.end_appointment(gone, on - timedelta(days=100), on)
    _hazardous_chemicals_session(context, base)
    return len(made)


def _hazardous_chemicals_session(context, base) -> None:
    """An open 危险化学品安全作业 class: only people with 高中 or above enrol (004 之九 六)."""
    on = context.today
    start = on + timedelta(days=20)
    session = training.create_session(base, training.SessionData(
        SAFETY.code, "hazardous_chemicals", None, "short", start, start + timedelta(days=10), 64, 30,
        "本基地危化品实训场", "offline"))
    people = {e.trainee_id: e.trainee for s in context.sessions if s.programme_code == SAFETY.code
              for e in s.enrollments}
    eligible = [p for p in people.values() if training.enrolment_refusal(session, p) is None]
    for person in eligible[:6]:
        training.enrol(session, person)
    training.move_session(session, "open", on)


def _assessments(context, districts) -> int:
    """Assessments before the disability programme's sessions (so the people trained afterwards), and
    recent ones of people not trained yet; some recorded by the base, some by the 天河 bureau."""
    rng, on = context.rng, context.today
    base = next(b for b in context.bases if DISABILITY.code in b.recognised_programme_codes())
    sessions = [s for s in context.sessions if s.programme_code == DISABILITY.code and s.start_date <= on]
    count = 0
    bodies = ("越秀区残疾人就业服务中心", "广州市残疾人职业能力评估中心")
    assessed = set()
    for session in sessions[-3:]:
        for enrollment in session.enrollments[:4]:
            if enrollment.status == "withdrawn" or enrollment.trainee_id in assessed:
                continue
            assessed.add(enrollment.trainee_id)
            category = rng.choice(("physical", "hearing", "visual", "speech"))
            assessments.add_assessment(_person(enrollment.trainee), assessments.AssessmentData(
                session.start_date - timedelta(days=rng.randint(10, 40)), rng.choice(bodies), category,
                rng.choice((2, 3, 4)), _findings(category), _suitable(session, category),
                "skills_training", base.district_id), on, base_id=base.id)
            count += 1
    for index in range(5):
        person = context.new_trainee(DISABILITY.code, base)
        category = ("intellectual", "mental", "physical", "hearing", "visual")[index]
        recommendation = ("supported_employment", "sheltered_work", "direct_employment", "skills_training",
                          "skills_training")[index]
        district = districts[TIANHE] if index % 2 == 0 else base.district
        assessments.add_assessment(_person(person), assessments.AssessmentData(
            on - timedelta(days=rng.randint(0, 60)), bodies[1] if index % 2 == 0 else bodies[0], category,
            rng.choice((1, 2, 3)), _findings(category), _suitable(None, category), recommendation, district.id),
            on, base_id=None if index % 2 == 0 else base.id,
            registered_district_id=district.id if index % 2 == 0 else None)  # the 天河 bureau's, as its staff would
        count += 1
    return count


def _findings(category: str) -> str:
    return {
        "physical": "上肢功能良好,下肢行动不便;认知、沟通能力正常,可胜任坐姿为主的工作。",
        "hearing": "听力障碍,熟练使用手语和文字沟通;手眼协调、专注度较好。",
        "visual": "全盲,触觉灵敏,空间记忆和沟通能力良好。",
        "speech": "言语表达困难,书面沟通能力正常;动手能力较好。",
        "intellectual": "轻度智力障碍,能完成简单、重复的操作,需要就业辅导员现场支持。",
        "mental": "病情稳定,社会适应能力有待提高,宜先参加辅助性就业。",
    }[category]


def _suitable(session, category: str) -> str:
    if session is not None:
        return session.occupation_name
    return {"intellectual": "洗车、物业保洁", "mental": "庇护工场简单手工", "physical": "电子商务客服、数据录入",
            "hearing": "手工艺品制作、平面设计", "visual": "保健按摩"}[category]
