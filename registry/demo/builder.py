"""The demo's organisations, accounts, people, sessions and results (records.py adds the rest)."""
from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from stdnum.cn import ric, uscc

from ..domain.accounts.models import User
from ..domain.accounts.operations import AccountData, create_account
from ..domain.catalogue import catalogue
from ..domain.certificates import operations as certificates
from ..domain.certificates.models import Certificate
from ..domain.certificates.signing import KeyRing
from ..domain.organisations import operations as organisations
from ..domain.organisations.models import District, Enterprise, TrainingBase
from ..domain.trainees.models import ASSISTED_REGIONS, Trainee
from ..domain.trainees.operations import TraineeData, register_trainee
from ..domain.training import operations as training
from ..domain.training.models import Enrollment, TrainingSession
from ..domain.training.results import (
    ResultData, allowed_assessment_types, minimum_pass_hours, record_employment, record_result,
)
from ..extensions import db
from . import DEMO_PASSWORD
from .data import (
    ACCOUNTS, ASSISTED_AREAS, BASES, COMPOUND_SURNAMES, EMPLOYERS, ENTERPRISES, GIVEN, GUANGZHOU_AREAS, OTHER_AREAS,
    PLACES, SURNAMES, WITHDRAWAL_REASONS, DemoBase,
)
from .records import DemoRecords


class DemoBuilder(DemoRecords):
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
            record_result(enrollment, ResultData(attended_hours=Decimal(hours)), self.today)

    def record_results(self, session, enrollments, complete: bool) -> None:
        """Hours, results and follow-up; an unfinished session leaves a few results to enter."""
        assessed_on = min(session.end_date + timedelta(days=self.rng.randint(0, 10)), self.today)
        assessment_type = allowed_assessment_types(session)[0]
        minimum = minimum_pass_hours(session)
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
            record_result(enrollment, ResultData(
                attended_hours=Decimal(hours), result=result, score=score, assessed_on=assessed_on,
                assessment_type=None if result == "absent" else assessment_type,
            ), self.today)
            if result == "passed" and self.rng.random() < 0.65:
                employed_on = min(session.end_date + timedelta(days=self.rng.randint(5, 60)), self.today)
                record_employment(enrollment, True, employed_on, self.rng.choice(EMPLOYERS))

    @staticmethod
    def active(enrollments: list[Enrollment]) -> list[Enrollment]:
        return [e for e in enrollments if e.status != "withdrawn"]

