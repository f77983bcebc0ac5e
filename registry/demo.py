"""The demo data set: a city's worth of bases, sessions, trainees and results.

Everything is made through the domain operations, so the demo obeys every rule the app enforces
(checksums, recognitions, capacities, state moves, minimum hours) and every row is in the audit
log. It is deterministic for a given day: a seeded random generator, with dates relative to today
so that there are always sessions of the previous year, finished and running sessions of this
year, and sessions still open for enrolment.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Callable
from datetime import date, timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, select
from stdnum.cn import ric, uscc

from .domain.accounts.models import User
from .domain.accounts.operations import AccountData, create_account
from .domain.catalogue import catalogue
from .domain.certificates import operations as certificates
from .domain.certificates.models import Certificate
from .domain.certificates.signing import KeyRing
from .domain.common import today
from .domain.organisations import operations as organisations
from .domain.organisations.models import District, Enterprise, TrainingBase
from .domain.reconciliation import targets
from .domain.trainees.models import ASSISTED_REGIONS, Trainee
from .domain.trainees.operations import TraineeData, register_trainee
from .domain.training import operations as training
from .domain.training.models import Enrollment, TrainingSession
from .extensions import db

DEMO_PASSWORD = "registry-demo"
SEED = 20190101


@dataclass(frozen=True)
class ProgrammeDemo:
    """What a programme package's demo records build on: the demo's day, bases, enterprises, the
    sessions it ran, its accounts, and a way to register one more demo person for a programme."""

    today: date
    rng: random.Random
    bases: list[TrainingBase]
    enterprises: list[Enterprise]
    sessions: list[TrainingSession]
    users: list[User]
    #: (programme code, base) → a new registered trainee with the programme's group tags.
    new_trainee: Callable[[str, TrainingBase], Trainee]


class DemoRefused(Exception):
    """The demo data set must not be loaded here (production, or already loaded)."""


@dataclass(frozen=True)
class DemoBase:
    name: str
    kind: str
    district: str
    #: First two characters of the credit code: registration authority and organisation type.
    authority: str
    #: (programme code, recognition level, occupations the base teaches)
    programmes: tuple[tuple[str, str, tuple[str, ...]], ...]


BASES = (
    DemoBase("广州市天河区粤厨职业培训学校", "training_institution", "440106", "52", (
        ("yuecai", "city", ("chinese_cook", "cantonese_cuisine", "cantonese_dimsum", "chinese_pastry_cook")),
        ("job_change", "district", ("chinese_cook",)),
    )),
    DemoBase("广州市白云工商技师学院", "technical_school", "440111", "12", (
        ("jigong", "province", ("electrician", "welder", "auto_mechanic")),
        ("apprenticeship", "city", ("electrician", "welder")),
        ("school_leavers", "city", ("electrician", "auto_mechanic")),
    )),
    DemoBase("广州南粤家政职业培训中心", "training_institution", "440106", "52", (
        ("jiazheng", "province", ("infant_carer", "maternity_carer", "housekeeper", "nursery_worker")),
    )),
    DemoBase("广州市越秀区就业训练中心", "employment_centre", "440104", "12", (
        ("veterans", "city", ("adaptive_training", "security_guard", "electrician")),
        ("disability", "city", ("massage", "digital_skills")),
    )),
    DemoBase("广州市番禺区餐饮行业协会", "industry_association", "440113", "51", (
        ("yuecai", "district", ("cantonese_roast", "chinese_cook")),
        ("rural_labour", "district", ("rural_ecommerce", "new_farmer")),
    )),
    DemoBase("广州市黄埔区安全生产培训中心", "training_institution", "440112", "52", (
        ("safety", "city", ("safety_manager_initial", "safety_manager_refresher", "low_voltage_electrician")),
    )),
    DemoBase("广州市海珠区颐康养老护理培训学校", "training_institution", "440105", "52", (
        ("jiazheng", "city", ("elderly_carer", "medical_carer")),
    )),
    DemoBase("广州南沙智造企业培训中心", "enterprise_centre", "440115", "91", (
        ("new_workers", "city", ("robot_operator", "cnc_programmer", "fitter")),
        ("apprenticeship", "district", ("lathe_operator", "electrician")),
    )),
)

#: (name, kind, district, index of the base that runs its apprentices' sessions or None)
ENTERPRISES = (
    ("广州白云电气设备有限公司", "general", "440111", 1),
    ("广州市好帮手家政服务有限公司", "home_service", "440106", None),
    ("广州岭南味道餐饮管理有限公司", "catering", "440104", None),
    ("广州南沙精密制造有限公司", "general", "440115", 7),
)

#: Demo accounts: username → (role, display name, unit). The unit is a district code, a base
#: index or an enterprise index.
ACCOUNTS = {
    "city": ("city", "市人社局职业能力建设处", None),
    "district": ("district", "天河区人社局培训股", "440106"),
    "base": ("base", "粤厨学校教务员", 0),
    "enterprise": ("enterprise", "白云电气人事专员", 0),
    "jiazheng": ("base", "南粤家政培训中心教务员", 2),
    "homeservice": ("enterprise", "好帮手家政人事专员", 1),
}

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余杜叶程魏苏吕丁任卢姚沈钟"
    "姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫区麦冼"
)
COMPOUND_SURNAMES = ("欧阳", "司徒", "上官", "诸葛")
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂华建国志文俊嘉慧婷颖浩宇晓燕红梅玉兰海波振兴家辉锦荣少珍淑仪"

GUANGZHOU_AREAS = ("440103", "440104", "440105", "440106", "440111", "440112", "440113", "440114", "440115",
                   "440117", "440118")
#: Birth-place area codes elsewhere in Guangdong and in other provinces.
OTHER_AREAS = ("441302", "440882", "445102", "430521", "450103", "360502", "511102")
#: Area codes of the paired-assistance regions, by region (粤菜师傅+精准扶贫).
ASSISTED_AREAS = {"清远": "441802", "梅州": "441402", "贵州": "520102", "新疆": "650102"}

EMPLOYERS = ("广州酒家集团利口福食品有限公司", "广州白云电气设备有限公司", "广州市好帮手家政服务有限公司",
             "广州岭南味道餐饮管理有限公司", "广州南沙精密制造有限公司", "广州市泰康之家养老服务有限公司",
             "广州地铁集团有限公司", "广州市保安服务有限公司")
WITHDRAWAL_REASONS = ("找到工作,无法继续参训", "家庭原因", "身体原因", "搬离本市")
PLACES = {"offline": "本基地实训楼", "online": "线上平台", "hybrid": "本基地实训楼及线上平台"}


def seed_demo(env: str | None, keyring: KeyRing | None = None) -> dict[str, int]:
    """Load the demo data set; refused in production and when it is already there."""
    if env == "production":
        raise DemoRefused("生产环境(REGISTRY_ENV=production)不能载入演示数据")
    if db.session.scalar(select(User.id).where(User.username.in_(tuple(ACCOUNTS)))) is not None:
        raise DemoRefused("演示数据已载入(已有演示账号),未重复载入")
    keyring = keyring or KeyRing(current_app.config["REGISTRY_KEYS_DIR"])
    return DemoBuilder(random.Random(SEED), today(), keyring).build()


class DemoBuilder:
    def __init__(self, rng: random.Random, on: date, keyring: KeyRing) -> None:
        self.rng = rng
        self.keyring = keyring
        self.certificates: list[Certificate] = []
        self.today = on
        self.districts = {d.code: d for d in db.session.scalars(select(District))}
        self.used_numbers: set[str] = set()
        self.used_codes: set[str] = set()
        self.trainees: list[Trainee] = []
        self.bases: list[TrainingBase] = []
        self.enterprises: list[Enterprise] = []

    def build(self) -> dict[str, int]:
        self.bases = [self.make_base(spec) for spec in BASES]
        self.enterprises = [self.make_enterprise(*spec) for spec in ENTERPRISES]
        sessions = []
        for index, (base, spec) in enumerate(zip(self.bases, BASES)):
            for offset, (programme_code, _, occupations) in enumerate(spec.programmes):
                sessions += self.run_programme(base, index * 17 + offset * 41, programme_code, occupations)
        users = [self.make_account(username, *spec) for username, spec in ACCOUNTS.items()]
        self.change_some_certificates()
        db.session.flush()
        service_cards = self.issue_service_cards(users)
        set_targets = self.set_targets()
        subsidy_claims = self.file_subsidy_claims(sessions, users)
        filings = self.file_apprenticeships()
        programme_records = self.load_programme_records(sessions, users)
        return {
            "培训基地": len(self.bases),
            "企业": len(self.enterprises),
            # Counted at the end: the apprenticeship filings add plan sessions and apprentices.
            "班期": db.session.scalar(select(func.count(TrainingSession.id))),
            "学员": db.session.scalar(select(func.count(Trainee.id))),
            "报名": db.session.scalar(select(func.count(Enrollment.id))),
            "证书": len(self.certificates),
            "上门服务证": len(service_cards),
            "账号": len(users),
            "目标": len(set_targets),
            "补贴申领": subsidy_claims,
            "学徒制备案": filings,
            **programme_records,
        }

    def load_programme_records(self, sessions: list[TrainingSession], users: list[User]) -> dict[str, int]:
        """Each programme package's own demo records (its ``demo.load_demo(ProgrammeDemo)``), counted."""
        import importlib
        import importlib.util

        from .blueprints import PROGRAMME_PACKAGES

        context = ProgrammeDemo(self.today, random.Random(SEED), self.bases, self.enterprises, sessions, users,
                                self.new_trainee)
        counts: dict[str, int] = {}
        for package in PROGRAMME_PACKAGES:
            if importlib.util.find_spec(f"{package}.demo") is not None:
                counts.update(importlib.import_module(f"{package}.demo").load_demo(context))
        return counts

    def file_apprenticeships(self) -> int:
        """Filings at every stage, the full history for the enterprise in the district account's district."""
        from .domain.apprenticeships import demo as apprenticeship_demo

        district_first = sorted(self.enterprises, key=lambda e: e.district.code != ACCOUNTS["district"][2])
        agency = next(b for b in self.bases if b.kind == "technical_school")
        counts = apprenticeship_demo.load_demo(district_first, agency, self.today, random.Random(SEED))
        return counts["学徒制备案"]

    def file_subsidy_claims(self, sessions: list[TrainingSession], users: list[User]) -> int:
        from .domain.subsidies import demo as subsidy_demo

        subsidy_demo.load_standards(self.today)
        checker = next(u for u in users if u.role == "city")
        return subsidy_demo.load_claims(sessions, checker, self.today, self.rng)

    # --- organisations and accounts ---------------------------------------------------------

    def credit_code(self, authority: str, district: str) -> str:
        while True:
            body = f"{authority}{district}{self.rng.randrange(10**8, 10**9)}"
            code = body + uscc.calc_check_digit(body)
            if code not in self.used_codes:
                self.used_codes.add(code)
                return code

    def organisation_data(self, name: str, kind: str, district: str, authority: str):
        return organisations.OrganisationData(
            name=name, credit_code=self.credit_code(authority, district), kind=kind,
            district_id=self.districts[district].id, address=f"广州市{self.districts[district].name}",
            contact_name=self.person_name(), contact_phone=self.phone(),
        )

    def make_base(self, spec: DemoBase) -> TrainingBase:
        base = organisations.create_base(self.organisation_data(spec.name, spec.kind, spec.district, spec.authority))
        recognised_on = date(self.today.year - 3, 3, 1)
        for programme_code, level, _ in spec.programmes:
            organisations.add_recognition(base, programme_code, level, recognised_on)
        # Every demo base is also a skill-level evaluation site filed with the province (body 0000).
        organisations.set_evaluation_site(base, "S", "0000", f"{BASES.index(spec) + 1:06d}")
        return base

    def make_enterprise(self, name: str, kind: str, district: str, _runs_at_base) -> Enterprise:
        return organisations.create_enterprise(self.organisation_data(name, kind, district, "91"))

    def make_account(self, username: str, role: str, display_name: str, unit) -> User:
        data = AccountData(username, role, display_name)
        if role == "district":
            data.district_id = self.districts[unit].id
        elif role == "base":
            data.base_id = self.bases[unit].id
        elif role == "enterprise":
            data.enterprise_id = self.enterprises[unit].id
        return create_account(data, DEMO_PASSWORD)

    # --- people ---------------------------------------------------------------------------

    def person_name(self) -> str:
        surname = self.rng.choice(COMPOUND_SURNAMES) if self.rng.random() < 0.03 else self.rng.choice(SURNAMES)
        return surname + "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2, 2))))

    def phone(self) -> str:
        return self.rng.choice(("13", "15", "18", "17")) + f"{self.rng.randrange(10**9):09d}"

    def id_number(self, area: str, born: date) -> str:
        while True:
            body = f"{area}{born:%Y%m%d}{self.rng.randrange(1000):03d}"
            number = body + ric.calc_check_digit(body + "0")
            if number not in self.used_numbers:
                self.used_numbers.add(number)
                return number

    def new_trainee(self, programme_code: str, base: TrainingBase) -> Trainee:
        programme = catalogue[programme_code]
        tags = {tag for tag in programme.serves_tags if self.rng.random() < 0.6}
        if self.rng.random() < 0.08:
            tags.add("unemployed")
        region = None
        if "assisted_region" in tags:
            region = self.rng.choice(tuple(ASSISTED_AREAS))
            area = ASSISTED_AREAS[region]
        else:
            area = self.rng.choice(GUANGZHOU_AREAS if self.rng.random() < 0.7 else OTHER_AREAS)
        young = "school_leaver" in tags
        age = self.rng.randint(16, 19) if young else self.rng.randint(20, 55)
        born = date(self.today.year - age, self.rng.randint(1, 12), self.rng.randint(1, 28))
        data = TraineeData(
            document_type="resident_id",
            document_number=self.id_number(area, born),
            name=self.person_name(),
            hukou_type="rural" if area not in GUANGZHOU_AREAS or self.rng.random() < 0.25 else "urban",
            phone=self.phone(),
            education="junior" if young else self.rng.choice(("junior", "senior", "senior", "college", "bachelor")),
            tags=tags,
            assisted_region=region if region in ASSISTED_REGIONS else None,
        )
        trainee = register_trainee(data, registered_base_id=base.id).trainee
        self.trainees.append(trainee)
        return trainee

    def pick_trainees(self, count: int, programme_code: str, base: TrainingBase) -> list[Trainee]:
        """Mostly new people, some who trained before (so 人次 and 人数 differ)."""
        chosen: dict[int, Trainee] = {}
        while len(chosen) < count:
            if self.trainees and self.rng.random() < 0.3:
                trainee = self.rng.choice(self.trainees)
            else:
                trainee = self.new_trainee(programme_code, base)
            chosen.setdefault(trainee.id, trainee)
        return list(chosen.values())

    # --- sessions ---------------------------------------------------------------------------

    def run_programme(self, base, offset: int, programme_code: str, occupations) -> list[TrainingSession]:
        """Sessions every few months from January of last year until a few weeks from now."""
        programme = catalogue[programme_code]
        start = date(self.today.year - 1, 1, 8) + timedelta(days=offset % 60)
        last_start = self.today + timedelta(days=45)
        sessions, number = [], 0
        while start <= last_start:
            occupation = programme.occupation(occupations[number % len(occupations)])
            sessions.append(self.run_session(base, programme, occupation, start))
            start += timedelta(days=self.rng.randint(100, 150))
            number += 1
        return sessions

    def session_plan(self, base, programme, occupation, start: date) -> training.SessionData:
        rule = programme.rules.get("minimum_pass_hours")
        minimum = rule(occupation.code) if rule else None
        required = minimum[0] if minimum else 0
        if occupation.special:
            level, hours, days = None, max(required, self.rng.choice((40, 48, 56, 64))), self.rng.randint(10, 20)
        else:
            level = max(occupation.levels) if self.rng.random() < 0.7 else sorted(occupation.levels)[-2]
            hours, days = self.rng.choice((120, 160, 200)), self.rng.randint(25, 45)
        kind = "apprentice" if "apprentice" in programme.session_kinds else "short"
        enterprise_id = None
        if kind == "apprentice":
            enterprise_id = next(e.id for e, spec in zip(self.enterprises, ENTERPRISES)
                                 if spec[3] == self.bases.index(base))
            hours, days = 400, 150
        mode = self.rng.choice(("offline", "offline", "offline", "hybrid", "online"))
        return training.SessionData(
            programme_code=programme.code, occupation_code=occupation.code, level=level, kind=kind,
            start_date=start, end_date=start + timedelta(days=days), planned_hours=hours,
            capacity=self.rng.choice((20, 25, 30, 40)), place=PLACES[mode], mode=mode, enterprise_id=enterprise_id,
        )

    def run_session(self, base, programme, occupation, start: date) -> TrainingSession:
        session = training.create_session(base, self.session_plan(base, programme, occupation, start))
        size = min(session.capacity, self.rng.randint(8, 18))
        if session.start_date > self.today + timedelta(days=30):
            size = self.rng.randint(0, 4)  # still planned: a few early sign-ups
        enrollments = [training.enrol(session, t) for t in self.pick_trainees(size, programme.code, base)]
        if session.start_date > self.today + timedelta(days=30):
            return session
        training.move_session(session, "open", self.today)
        if session.start_date > self.today:
            return session
        training.move_session(session, "in_progress", self.today)
        self.withdraw_some(session, enrollments)
        if session.end_date >= self.today:
            self.record_hours_so_far(session, enrollments)
            return session
        training.move_session(session, "completed", self.today)
        finished_long_ago = (self.today - session.end_date).days > 45
        self.record_results(session, enrollments, complete=finished_long_ago or self.rng.random() < 0.6)
        if finished_long_ago and all(e.result or e.status == "withdrawn" for e in enrollments):
            training.move_session(session, "closed", self.today)
        if finished_long_ago:
            issued_on = min(session.end_date + timedelta(days=self.rng.randint(10, 30)), self.today)
            passed = certificates.issuable(session)
            if passed:
                self.certificates += certificates.issue_certificates(session, passed, self.keyring, issued_on)
        return session

    def withdraw_some(self, session, enrollments) -> None:
        for enrollment in enrollments:
            if self.rng.random() < 0.04:
                when = min(session.start_date + timedelta(days=self.rng.randint(1, 7)), self.today)
                training.withdraw(enrollment, when, self.rng.choice(WITHDRAWAL_REASONS))

    def record_hours_so_far(self, session, enrollments) -> None:
        elapsed = (self.today - session.start_date).days / max((session.end_date - session.start_date).days, 1)
        so_far = int(session.planned_hours * elapsed)
        for enrollment in self.active(enrollments):
            hours = max(so_far - self.rng.choice((0, 0, 0, 4, 8)), 0)
            training.record_result(enrollment, training.ResultData(attended_hours=Decimal(hours)), self.today)

    def record_results(self, session, enrollments, complete: bool) -> None:
        """Hours, results and follow-up; an unfinished session leaves a few results to enter."""
        assessed_on = min(session.end_date + timedelta(days=self.rng.randint(0, 10)), self.today)
        assessment_type = training.allowed_assessment_types(session)[0]
        minimum = training.minimum_pass_hours(session)
        least = minimum[0] if minimum else 0
        for enrollment in self.active(enrollments):
            if not complete and self.rng.random() < 0.3:
                continue
            roll = self.rng.random()
            result = "passed" if roll < 0.84 else "failed" if roll < 0.95 else "absent"
            hours = max(session.planned_hours - self.rng.choice((0, 0, 0, 2, 4)), least)
            score = None if result == "absent" else Decimal(
                self.rng.randint(60, 98) if result == "passed" else self.rng.randint(30, 59)
            )
            training.record_result(enrollment, training.ResultData(
                attended_hours=Decimal(hours), result=result, score=score, assessed_on=assessed_on,
                assessment_type=None if result == "absent" else assessment_type,
            ), self.today)
            if result == "passed" and self.rng.random() < 0.65:
                employed_on = min(session.end_date + timedelta(days=self.rng.randint(5, 60)), self.today)
                training.record_employment(enrollment, True, employed_on, self.rng.choice(EMPLOYERS))

    def set_targets(self) -> list:
        """This year's city targets per programme (人次, 合格), a district's, and one revision, sized to
        the demo's few hundred trainees so that some programmes are ahead and some behind."""
        year, created = self.today.year, []
        for index, programme in enumerate(catalogue.all()):
            trainings = 40 + 15 * (index % 5)
            created.append(targets.set_target(
                targets.TargetData(year, programme.code, "trainings", trainings, basis="演示:市局年度任务"),
                None, self.today))
            created.append(targets.set_target(
                targets.TargetData(year, programme.code, "passed", trainings * 4 // 5, basis="演示:市局年度任务"),
                None, self.today))
        tianhe = self.districts["440106"].id
        for programme_code, value in (("yuecai", 30), ("jiazheng", 25)):
            created.append(targets.set_target(
                targets.TargetData(year, programme_code, "trainings", value, district_id=tianhe, basis="演示:区年度任务"),
                None, self.today))
        targets.revise(created[0], created[0].value + 10, "演示:省厅下达新任务,目标上调", None, self.today)
        return created

    def change_some_certificates(self) -> None:
        """A few certificates the bureau revoked, suspended or replaced, as happens in real life."""
        if len(self.certificates) < 10:
            return
        picks = self.rng.sample(self.certificates, 3)
        certificates.revoke(picks[0], "fraud", self.today, "核查发现考核材料弄虚作假")
        certificates.suspend(picks[1], "investigation", self.today, "收到投诉,正在核查")
        self.certificates.append(certificates.replace(picks[2], "持证人姓名登记有误,更正后换发", self.keyring))

    def issue_service_cards(self, users: list[User]) -> list:
        """上门服务证 for most 南粤家政 certificate holders: identity checked, a health check, a photo,
        some ratings and work history. The oldest card's health check has lapsed (when the demo
        reaches back more than a year) and one worker is black-listed, so every live status shows."""
        from .domain.service_cards import cards, records
        from .domain.service_cards.policy import default_rules

        rules = default_rules()
        checker = next(u for u in users if u.role == "city")
        employer = next(e for e in self.enterprises if e.kind == "home_service")
        holders = {c.trainee_id: c for c in sorted(self.certificates, key=lambda c: c.issued_on)
                   if c.programme_code == rules.programme.code and c.status == "valid"}
        issued = []
        for index, certificate in enumerate(list(holders.values())[:16]):
            person, base = certificate.trainee, certificate.base
            oldest = index == 0
            issued_on = certificate.issued_on + timedelta(days=7) if oldest else \
                max(certificate.issued_on, self.today - timedelta(days=self.rng.randint(0, 60)))
            issued_on = min(issued_on, self.today)
            checked_on = issued_on - timedelta(days=0 if oldest else self.rng.randint(0, 200))
            records.record_identity_check(person, checker, issued_on, "reader")
            records.record_health_check(person, rules, checked_on, "广州市职业病防治院", "fit")
            records.upload_photo(person, demo_portrait(self.rng, person.sex))
            with_employer = index % 3 != 2
            if with_employer:
                records.add_work_record(person, employer, "", issued_on, None, "家政服务员")
            if index % 2 == 1:
                records.rate(person, self.rng.randint(2, 5), issued_on, "广州市家庭服务业协会")
            issued.append(cards.issue_card(person, rules, self.keyring, base.district, base,
                                           employer if with_employer else None, issued_on))
        if len(issued) >= 3:
            records.record_credit(issued[-1].trainee, "black", "服务中虐待被照护老人,经查属实(演示)", self.today)
        return issued

    @staticmethod
    def active(enrollments: list[Enrollment]) -> list[Enrollment]:
        return [e for e in enrollments if e.status != "withdrawn"]


def demo_portrait(rng: random.Random, sex: str) -> bytes:
    """A plain drawn portrait (no real person's face) as an upload would bring it."""
    import io

    from PIL import Image, ImageDraw

    background = rng.choice(((219, 234, 254), (254, 226, 226), (255, 255, 255)))
    skin = rng.choice(((241, 194, 125), (224, 172, 105), (198, 134, 66)))
    hair = rng.choice(((40, 30, 25), (60, 45, 35), (25, 25, 25)))
    image = Image.new("RGB", (480, 640), background)
    draw = ImageDraw.Draw(image)
    draw.ellipse((80, 470, 400, 800), fill=(40, 70, 120))  # shoulders
    draw.rectangle((205, 380, 275, 480), fill=skin)  # neck
    if sex == "F":
        draw.ellipse((120, 110, 360, 470), fill=hair)  # long hair behind the face
    draw.ellipse((150, 140, 330, 400), fill=skin)
    draw.chord((145, 120, 335, 300), 180, 360, fill=hair)
    for x in (200, 265):
        draw.ellipse((x, 250, x + 18, 262), fill=(30, 30, 30))
    draw.arc((215, 310, 265, 345), 20, 160, fill=(150, 60, 60), width=4)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()
