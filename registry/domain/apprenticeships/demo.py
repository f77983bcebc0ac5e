"""Demo apprenticeship filings: every stage of the workflow, dated back from a day, for the demo
data set (registry/demo.py calls :func:`load_demo`). Everything goes through the operations, so
the demo obeys the same rules as a clerk would."""
from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Sequence

from stdnum.cn import ric

from ...extensions import db
from ..errors import DomainError
from ..organisations.models import Enterprise, TrainingBase
from ..subsidies import claims as workflow
from ..subsidies import standards
from ..trainees.operations import find_trainee
from ..training import operations as training
from ..training.results import ResultData, record_result
from . import apprentices, claims, operations, policy

SURNAMES = "陈林黄李张梁何吴郑谢罗冯邓曾彭萧蔡潘"
GIVEN = "志强伟明建华国庆海燕晓东嘉欣俊杰丽娟振宇佩玲锦荣少华"
REASONS = ("家庭原因返乡", "个人原因离职", "转往外地工作")


class _People:
    """Apprentices with valid, unused 居民身份证 numbers (born in Guangzhou, 1995–2004)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def __call__(self) -> apprentices.PersonData:
        while True:
            birth = date(1995, 1, 1) + timedelta(days=self.rng.randrange(3650))
            body = f"440106{birth:%Y%m%d}{self.rng.randrange(1, 999):03d}"
            number = body + ric.calc_check_digit(body + "0")
            if find_trainee("resident_id", number) is None:
                break
        name = self.rng.choice(SURNAMES) + "".join(self.rng.sample(GIVEN, 2))
        return apprentices.PersonData("resident_id", number, name, self.rng.choice(("urban", "rural")))


def _ensure_standard(programme) -> None:
    """The programme's preset standard, when the city bureau has not set one yet."""
    try:
        standards.standard_for(programme.code, programme.occupations[0].code, programme.occupations[0].levels[0],
                               date(2000, 1, 1))
    except DomainError:
        for preset in programme.subsidy.standard_presets:
            standards.add_standard(programme.code, preset.occupation, preset.level, preset.amount_yuan * 100,
                                   date(2000, 1, 1), preset.basis, "演示数据")


def _filing(enterprise: Enterprise, agency: TrainingBase, people: _People, created: date, plan_start: date,
            plan_end: date, occupations: Sequence[tuple[str, int]]):
    data = operations.FilingData(agency.id, f"HZ{created:%Y%m%d}-{enterprise.id:03d}", created - timedelta(days=10),
                                 plan_start, plan_end, 480)
    filing = operations.create_filing(enterprise, data, created)
    for occupation_code, level in occupations:
        terms = apprentices.ApprenticeTerms(occupation_code, level, created - timedelta(days=90),
                                           created + timedelta(days=3 * 365), True, created - timedelta(days=5),
                                           created - timedelta(days=3))
        apprentices.add_apprentice(filing, people(), terms, created)
    return filing


def _pay(claim, on: date, reviewer: str) -> None:
    workflow.start_review(claim, reviewer, on)
    for line in claim.lines:
        workflow.decide_line(line, "approved")
    workflow.decide(claim, on, reviewer, "材料齐备")
    workflow.start_notice(claim, on)
    workflow.pay(claim, claim.notice_until + timedelta(days=1), f"GK{on:%Y%m%d}{claim.id:04d}", reviewer)


def _run_sessions(filing, on: date) -> None:
    for session in operations.plan_sessions(filing):
        for target in ("open", "in_progress", "completed"):
            training.move_session(session, target, on)


def load_demo(enterprises: Sequence[Enterprise], agency: TrainingBase, on: date, rng: random.Random | None = None,
              reviewer: str = "区人社局审核员", special_grant_enterprise: Enterprise | None = None) -> dict[str, int]:
    """Filings at every stage for ``enterprises`` (the first gets the full history), trained by
    ``agency`` (a technical or vocational school, or a base recognised for the programme), dated
    back from ``on``; returns counts for the demo summary.

    1. finished: advance paid, one apprentice left (reported late), two passed and one failed,
       the final claim submitted (less the advance; the failed one's advance owed back);
    2. approved 20 days ago: training started, an advance claim in draft;
    3. submitted two months ago and not yet reviewed (past its 30 working days);
    4. a draft; 5. a rejected filing.
    ``special_grant_enterprise`` (optional) gets this year's one-off special subsidy recorded.
    """
    rng = rng or random.Random(2019)
    people = _People(rng)
    programme = policy.filing_programme()
    _ensure_standard(programme)
    skilled = [(o.code, 4) for o in programme.occupations[:2]]

    def unit(index: int) -> Enterprise:
        return enterprises[index % len(enterprises)]

    done = _filing(unit(0), agency, people, on - timedelta(days=320),
                   on - timedelta(days=290), on - timedelta(days=30), [skilled[0]] * 4)
    operations.submit_filing(done, on - timedelta(days=315))
    operations.approve_filing(done, on - timedelta(days=300), reviewer, "材料齐备,评估通过")
    operations.record_training_start(done, on - timedelta(days=289), on - timedelta(days=289))
    advance = claims.open_advance_claim(done, on - timedelta(days=280), "企业经办人")
    claims.submit_claim(advance, on - timedelta(days=280), "企业经办人")
    _pay(advance, on - timedelta(days=275), reviewer)
    leaver, *staying = done.apprentices
    apprentices.report_leaving(leaver, on - timedelta(days=200), rng.choice(REASONS), on - timedelta(days=180))
    _run_sessions(done, on - timedelta(days=30))
    for index, apprentice in enumerate(staying):
        result = "failed" if index == len(staying) - 1 else "passed"
        record_result(apprentice.enrollment, ResultData(
            Decimal(460), result, Decimal(85 if result == "passed" else 52), on - timedelta(days=35),
            "skill_level"), on=on - timedelta(days=30))
    final = claims.open_final_claim(done, on - timedelta(days=20), "企业经办人")
    claims.submit_claim(final, on - timedelta(days=20), "企业经办人")

    started = _filing(unit(1), agency, people, on - timedelta(days=40), on - timedelta(days=10),
                      on + timedelta(days=250), skilled + [skilled[1]])
    operations.submit_filing(started, on - timedelta(days=35))
    operations.approve_filing(started, on - timedelta(days=20), reviewer)
    operations.record_training_start(started, on - timedelta(days=8), on - timedelta(days=8))
    claims.open_advance_claim(started, on - timedelta(days=5), "企业经办人")

    waiting = _filing(unit(2), agency, people, on - timedelta(days=62), on + timedelta(days=20),
                      on + timedelta(days=300), skilled)
    operations.submit_filing(waiting, on - timedelta(days=60))
    _filing(unit(3), agency, people, on - timedelta(days=2), on + timedelta(days=30), on + timedelta(days=330),
            [skilled[0]])
    refused = _filing(unit(4), agency, people, on - timedelta(days=100), on - timedelta(days=60),
                      on + timedelta(days=200), [skilled[1]])
    operations.submit_filing(refused, on - timedelta(days=95))
    operations.reject_filing(refused, on - timedelta(days=80), reviewer, "合作协议未明确培训内容和考核方式,请补正后重新备案")

    grants = 0
    if special_grant_enterprise is not None:
        operations.record_special_grant(special_grant_enterprise, on.year, "一次性特别培训补助(演示)", on)
        grants = 1
    db.session.flush()
    return {"学徒制备案": 5, "学徒": 4 + 3 + 2 + 1 + 1, "学徒补贴申领": 3, "一次性特别培训补助登记": grants}
