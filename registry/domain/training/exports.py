"""A session's roster and results as a spreadsheet (cells that could be formulas are written as text)."""
from __future__ import annotations

from ..identifiers import mask_document, mask_name
from ..spreadsheets import workbook_bytes
from .models import Enrollment, TrainingSession

ROSTER_HEADERS = [
    "序号", "姓名", "证件类型", "证件号码", "性别", "出生日期", "联系电话", "户籍类型", "文化程度", "人员类别", "帮扶地区", "状态",
    "实到学时", "考核结果", "成绩", "考核日期", "考核类型", "就业情况", "就业日期", "就业单位", "退训日期", "退训原因",
]


def _employment(enrollment: Enrollment) -> str:
    return {None: "未跟踪", True: "已就业", False: "未就业"}[enrollment.is_employed]


def roster_rows(enrollments: list[Enrollment], masked: bool = False) -> list[list]:
    """One row per enrollment; ``masked`` gives 张*明 and 440106********1234 and leaves out the phone
    and the birth date (which would give back the masked middle of the number)."""
    rows = []
    for number, e in enumerate(enrollments, start=1):
        t = e.trainee
        if masked:
            name, document, birth_date, phone = mask_name(t.name), mask_document(t.document_number), None, None
        else:
            name, document, birth_date, phone = t.name, t.document_number, t.birth_date, t.phone
        rows.append([
            number, name, t.document_type_name, document, t.sex_name, birth_date, phone,
            t.hukou_name, t.education_name, "、".join(t.tag_names), t.assisted_region, e.status_name, e.attended_hours,
            e.result_name if e.status != "withdrawn" else "", e.score, e.assessed_on, e.assessment_type_name,
            _employment(e), e.employed_on, e.employer_name, e.withdrawn_on, e.withdrawal_reason,
        ])
    return rows


def roster_workbook(session: TrainingSession, enrollments: list[Enrollment], masked: bool = False) -> bytes:
    summary = [
        ["班期编号", session.code], ["培训基地", session.base.name], ["项目", session.programme_name],
        ["职业(工种)", session.occupation_name], ["等级", session.level_name],
        ["日期", f"{session.start_date} 至 {session.end_date}"], ["计划学时", session.planned_hours],
        ["状态", session.status_name],
    ]
    return workbook_bytes(
        [("花名册", ROSTER_HEADERS, roster_rows(enrollments, masked)), ("班期信息", ["项目", "内容"], summary)],
        text_columns=("证件号码", "联系电话"),
    )
