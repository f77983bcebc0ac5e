"""What the demo builds on its sessions and people: targets, certificate changes, service cards,
subsidy claims, apprenticeship filings and each programme package's own records."""
from __future__ import annotations

import random
from datetime import timedelta

from ..domain.accounts.models import User
from ..domain.certificates import operations as certificates
from ..domain.catalogue import catalogue
from ..domain.reconciliation import targets
from ..domain.training.models import TrainingSession
from .data import ACCOUNTS


class DemoRecords:
    """The part of DemoBuilder that builds on its sessions and people (see builder.py for the state)."""

    def load_programme_records(self, sessions: list[TrainingSession], users: list[User]) -> dict[str, int]:
        """Each programme package's own demo records (its ``demo.load_demo(ProgrammeDemo)``), counted."""
        import importlib
        import importlib.util

        from ..blueprints import PROGRAMME_PACKAGES

        from . import SEED, ProgrammeDemo

        context = ProgrammeDemo(self.today, random.Random(SEED), self.bases, self.enterprises, sessions, users,
                                self.new_trainee)
        counts: dict[str, int] = {}
        for package in PROGRAMME_PACKAGES:
            if importlib.util.find_spec(f"{package}.demo") is not None:
                counts.update(importlib.import_module(f"{package}.demo").load_demo(context))
        return counts

    def file_apprenticeships(self) -> int:
        """Filings at every stage, the full history for the enterprise in the district account's district."""
        from ..domain.apprenticeships import demo as apprenticeship_demo
        from . import SEED

        district_first = sorted(self.enterprises, key=lambda e: e.district.code != ACCOUNTS["district"][2])
        agency = next(b for b in self.bases if b.kind == "technical_school")
        counts = apprenticeship_demo.load_demo(district_first, agency, self.today, random.Random(SEED))
        return counts["学徒制备案"]

    def file_subsidy_claims(self, sessions: list[TrainingSession], users: list[User]) -> int:
        from ..domain.subsidies import demo as subsidy_demo

        subsidy_demo.load_standards(self.today)
        checker = next(u for u in users if u.role == "city")
        return subsidy_demo.load_claims(sessions, checker, self.today, self.rng)

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
        from ..domain.service_cards import cards, records
        from ..domain.service_cards.policy import default_rules

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
