"""The districts' apprenticeship reports (004 之四 四(一)), as .xlsx:

* 《广东省企业新型学徒制实施进展情况表》 by 5 June and 5 December: per district, the year's figures
  as of the cut-off day;
* by 15 December, the directories of the enterprises that ran apprenticeship training in the year
  and of their training agencies.

Every figure is an SQL aggregate grouped by district (or enterprise, agency); Python only arranges
the grouped rows.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from ...extensions import db
from ..catalogue import LEVELS
from ..organisations.models import BASE_KINDS, District, Enterprise, TrainingBase
from ..spreadsheets import workbook_bytes
from ..subsidies.models import LedgerEntry, SubsidyClaim
from ..subsidies.standards import occupation_name
from ..training.models import Enrollment
from .models import Apprentice, ApprenticeshipFiling
from .policy import rule

#: 各区应于每年6月5日、12月5日前填写进展情况表 (004 之四 四(一)): (month, day).
PROGRESS_CUTOFFS = ((6, 5), (12, 5))
#: 每年12月15日前报送企业目录、培训机构目录 (004 之四 四(一)).
DIRECTORY_DAY = (12, 15)
PROGRESS_TITLE = "广东省企业新型学徒制实施进展情况表"

F, A = ApprenticeshipFiling, Apprentice


def progress_cutoffs(year: int) -> list[date]:
    return [date(year, month, day) for month, day in PROGRESS_CUTOFFS]


@dataclass
class ProgressRow:
    district: str
    enterprises: int = 0
    filings_approved: int = 0
    apprentices: int = 0
    left: int = 0
    passed: int = 0
    advance_paid_fen: int = 0
    final_paid_fen: int = 0


#: Column headers and how each figure is counted (the 说明 sheet).
PROGRESS_COLUMNS = (
    ("区", ""),
    ("备案企业数(家)", "当年1月1日至统计截止日提交学徒备案的企业(按企业去重)"),
    ("通过备案数(份)", "当年1月1日至统计截止日审核通过(列入培训计划)的备案"),
    ("列入计划学徒(人)", "上述备案中列入培训计划(实名登记入班)的学徒"),
    ("离职学徒(人)", "已备案学徒中离职日期在当年1月1日至统计截止日的"),
    ("考核合格学徒(人)", "学徒班考核合格、考核日期在当年1月1日至统计截止日的"),
    ("预支补贴已拨付(元)", "当年1月1日至统计截止日拨付的预支补贴(含更正)"),
    ("结算补贴已拨付(元)", "当年1月1日至统计截止日拨付的结算补贴,已扣除预支;负数为企业退回(含更正)"),
)


def _by_district(statement) -> dict[int, int]:
    return {district_id: int(value or 0) for district_id, value in db.session.execute(statement)}


def progress(year: int, cutoff: date, district_id: int | None = None) -> list[ProgressRow]:
    """The progress report's rows: one per district (only ``district_id``'s when given)."""
    start = date(year, 1, 1)

    def in_year(column):
        return column.between(start, cutoff)

    approved = and_(F.status == "approved", in_year(F.decided_on))
    counts = {
        "enterprises": select(F.district_id, func.count(F.enterprise_id.distinct()))
        .where(in_year(F.submitted_on)).group_by(F.district_id),
        "filings_approved": select(F.district_id, func.count(F.id)).where(approved).group_by(F.district_id),
        "apprentices": select(F.district_id, func.count(A.id)).join(F, A.filing_id == F.id)
        .where(approved, A.enrollment_id.is_not(None)).group_by(F.district_id),
        "left": select(F.district_id, func.count(A.id)).join(F, A.filing_id == F.id)
        .where(F.status == "approved", in_year(A.left_on)).group_by(F.district_id),
        "passed": select(F.district_id, func.count(A.id)).join(F, A.filing_id == F.id)
        .join(Enrollment, A.enrollment_id == Enrollment.id)
        .where(Enrollment.result == "passed", in_year(Enrollment.assessed_on)).group_by(F.district_id),
    }
    figures = {name: _by_district(statement) for name, statement in counts.items()}
    corrected = aliased(LedgerEntry)
    paid = db.session.execute(
        select(SubsidyClaim.district_id, SubsidyClaim.kind, func.sum(LedgerEntry.amount_fen))
        .join(LedgerEntry, LedgerEntry.claim_id == SubsidyClaim.id)
        .outerjoin(corrected, LedgerEntry.corrects_id == corrected.id)
        .where(SubsidyClaim.kind.in_(("advance", "final")), in_year(LedgerEntry.on),
               or_(LedgerEntry.kind == "paid", and_(LedgerEntry.kind == "correction", corrected.kind == "paid")))
        .group_by(SubsidyClaim.district_id, SubsidyClaim.kind)
    )
    money = {(district, kind): int(total or 0) for district, kind, total in paid}
    query = select(District).order_by(District.code)
    if district_id is not None:
        query = query.where(District.id == district_id)
    rows = []
    for district in db.session.scalars(query):
        row = ProgressRow(district.name, **{name: values.get(district.id, 0) for name, values in figures.items()})
        row.advance_paid_fen = money.get((district.id, "advance"), 0)
        row.final_paid_fen = money.get((district.id, "final"), 0)
        rows.append(row)
    return rows


def _yuan(fen: int) -> Decimal:
    return Decimal(fen) / 100


def progress_totals(rows: list[ProgressRow]) -> ProgressRow:
    total = ProgressRow("合计")
    for f in fields(ProgressRow)[1:]:
        setattr(total, f.name, sum(getattr(row, f.name) for row in rows))
    return total


def _progress_cells(row: ProgressRow) -> list:
    return [row.district, row.enterprises, row.filings_approved, row.apprentices, row.left, row.passed,
            _yuan(row.advance_paid_fen), _yuan(row.final_paid_fen)]


def progress_workbook(year: int, cutoff: date, district_name: str, made_on: date, district_id: int | None = None
                      ) -> bytes:
    """The 进展情况表 as .xlsx: the figures with a totals row, and a sheet saying how they are counted."""
    rows = progress(year, cutoff, district_id)
    cells = [_progress_cells(row) for row in rows] + [_progress_cells(progress_totals(rows))]
    about = [("报表", PROGRESS_TITLE), ("统计年度", f"{year} 年"), ("统计截止日", f"{cutoff:%Y-%m-%d}"),
             ("统计范围", district_name), ("生成日期", f"{made_on:%Y-%m-%d}"),
             ("依据", f"{rule('四(一)')}:各区应于每年6月5日、12月5日前填写进展情况表")]
    about += [(header, how) for header, how in PROGRESS_COLUMNS if how]
    return workbook_bytes([
        ("进展情况表", [header for header, _ in PROGRESS_COLUMNS], cells),
        ("说明", ["项目", "内容"], about),
    ])


# --- year-end directories -----------------------------------------------------------------------

def _directory_filter(year: int, district_id: int | None):
    """Approved filings whose plan runs in the year, approved by 15 December."""
    condition = and_(F.status == "approved", F.decided_on <= date(year, *DIRECTORY_DAY),
                     F.plan_start <= date(year, 12, 31), F.plan_end >= date(year, 1, 1))
    return condition if district_id is None else and_(condition, F.district_id == district_id)


def _occupations(key, year: int, district_id: int | None) -> dict[int, str]:
    """unit id → 电工 四级/中级工 3人、焊工 … from a grouped count."""
    statement = (
        select(key, A.occupation_code, A.level, func.count(A.id)).join(F, A.filing_id == F.id)
        .where(_directory_filter(year, district_id), A.enrollment_id.is_not(None))
        .group_by(key, A.occupation_code, A.level).order_by(key, A.occupation_code, A.level.desc())
    )
    listed: dict[int, list[str]] = {}
    for unit_id, occupation_code, level, count in db.session.execute(statement):
        label = f"{occupation_name(occupation_code)} {LEVELS.get(level, '专项') if level else '专项'}"
        listed.setdefault(unit_id, []).append(f"{label} {count}人")
    return {unit_id: "、".join(items) for unit_id, items in listed.items()}


def enterprise_directory(year: int, district_id: int | None = None) -> list[list]:
    apprentices = func.count(A.id).filter(A.enrollment_id.is_not(None))
    statement = (
        select(Enterprise.id, Enterprise.name, Enterprise.credit_code, District.name, func.count(F.id.distinct()),
               apprentices)
        .join(F, F.enterprise_id == Enterprise.id).join(District, F.district_id == District.id)
        .outerjoin(A, A.filing_id == F.id).where(_directory_filter(year, district_id))
        .group_by(Enterprise.id, Enterprise.name, Enterprise.credit_code, District.name, District.code)
        .order_by(District.code, Enterprise.name)
    )
    occupations = _occupations(F.enterprise_id, year, district_id)
    return [[number, name, code, district, filings, count, occupations.get(unit_id, "")]
            for number, (unit_id, name, code, district, filings, count) in enumerate(db.session.execute(statement), 1)]


def agency_directory(year: int, district_id: int | None = None) -> list[list]:
    apprentices = func.count(A.id).filter(A.enrollment_id.is_not(None))
    statement = (
        select(TrainingBase.id, TrainingBase.name, TrainingBase.credit_code, TrainingBase.kind, District.name,
               func.count(F.enterprise_id.distinct()), apprentices)
        .join(F, F.agency_id == TrainingBase.id).join(District, TrainingBase.district_id == District.id)
        .outerjoin(A, A.filing_id == F.id).where(_directory_filter(year, district_id))
        .group_by(TrainingBase.id, TrainingBase.name, TrainingBase.credit_code, TrainingBase.kind, District.name,
                  District.code)
        .order_by(District.code, TrainingBase.name)
    )
    occupations = _occupations(F.agency_id, year, district_id)
    return [[number, name, code, BASE_KINDS.get(kind, kind), district, enterprises, count, occupations.get(unit_id, "")]
            for number, (unit_id, name, code, kind, district, enterprises, count)
            in enumerate(db.session.execute(statement), 1)]


def directories_workbook(year: int, district_name: str, made_on: date, district_id: int | None = None) -> bytes:
    """Both directories as one .xlsx (企业目录, 培训机构目录, 说明)."""
    enterprises = enterprise_directory(year, district_id)
    agencies = agency_directory(year, district_id)
    enterprises.append(["合计", f"{len(enterprises)} 家", "", "", sum(r[4] for r in enterprises),
                        sum(r[5] for r in enterprises), ""])
    agencies.append(["合计", f"{len(agencies)} 家", "", "", "", "", sum(r[6] for r in agencies), ""])
    about = [("报表", f"{year} 年企业新型学徒制培训企业目录、培训机构目录"), ("统计范围", district_name),
             ("收录", f"审核通过(截至 {year}-12-15)且培训计划在 {year} 年内实施的学徒备案"),
             ("生成日期", f"{made_on:%Y-%m-%d}"),
             ("依据", f"{rule('四(一)')}:每年12月15日前报送本区开展学徒制培训的企业目录、培训机构目录")]
    return workbook_bytes([
        ("企业目录", ["序号", "企业名称", "统一社会信用代码", "备案区", "备案数(份)", "学徒人数(人)", "职业(工种)及等级"],
         enterprises),
        ("培训机构目录", ["序号", "培训机构名称", "统一社会信用代码", "类型", "所在区", "合作企业数(家)", "学徒人数(人)",
                    "职业(工种)及等级"], agencies),
        ("说明", ["项目", "内容"], about),
    ], text_columns=("统一社会信用代码",))
