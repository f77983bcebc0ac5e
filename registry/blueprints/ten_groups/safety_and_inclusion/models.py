"""These groups' own records: the 两后生 ledger (004 之八 四), appointments of heads and safety managers
of high-risk enterprises (004 之九 二), and vocational capability assessments of people with
disabilities (004 之十 六(一))."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.domain.common import TimestampMixin
from registry.domain.organisations.models import District, Enterprise, TrainingBase
from registry.domain.trainees.models import SEXES, Trainee
from registry.extensions import db

#: The school a 两后生 stopped after (未继续升学的初高中毕业生).
SCHOOL_STAGES = {"junior": "初中", "senior": "高中"}

#: Training status of a ledger entry, computed from the registry's enrollments (ledger.py).
TRAINING_STATUSES = {
    "untrained": "未参训",
    "training": "培训中",
    "trained": "已参训",
    "unwilling": "无培训意愿",
}

#: Posts whose holders must pass the safety assessment within 6 months (004 之九 二).
SAFETY_POSTS = {"principal": "主要负责人", "safety_manager": "安全管理人员"}

#: High-risk industries named by 004 之九 (preamble): 化工、非煤矿山、金属冶炼、烟花爆竹、民用爆炸物品、
#: 建筑施工 and workplaces with combustible dust, confined spaces or ammonia refrigeration.
HIGH_RISK_INDUSTRIES = {
    "chemicals": "化工(含危险化学品)",
    "non_coal_mining": "非煤矿山",
    "metal_smelting": "金属冶炼",
    "fireworks": "烟花爆竹",
    "civil_explosives": "民用爆炸物品",
    "construction": "建筑施工",
    "combustible_dust": "粉尘涉爆",
    "confined_space": "有限空间作业",
    "ammonia_refrigeration": "涉氨制冷",
}

#: Standing of an appointment, computed from enrollments (appointments.py).
APPOINTMENT_STANDINGS = {
    "pending": "待考核",
    "overdue": "逾期未考核",
    "refresher_overdue": "年度再培训逾期",
    "qualified": "合格",
    "left": "已离任",
}

#: Disability categories (GB/T 26341-2010 残疾人残疾分类和分级).
DISABILITY_CATEGORIES = {
    "visual": "视力残疾",
    "hearing": "听力残疾",
    "speech": "言语残疾",
    "physical": "肢体残疾",
    "intellectual": "智力残疾",
    "mental": "精神残疾",
    "multiple": "多重残疾",
}
DISABILITY_GRADES = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}

#: What the assessment recommends (004 之十 六(一): 评估把握训练方向).
RECOMMENDATIONS = {
    "skills_training": "建议参加职业技能培训",
    "direct_employment": "具备就业能力,建议推荐就业",
    "supported_employment": "建议支持性就业(就业辅导员支持)",
    "sheltered_work": "建议辅助性就业或康复训练",
}


class SchoolLeaver(TimestampMixin, db.Model):
    """One 两后生 in the district's ledger (工作台账, 004 之八 四): who, which school, whether they want
    training. Their training status is not stored: it is read from the enrollments of the trainee
    holding the same 居民身份证 number."""

    __tablename__ = "ten_groups_school_leavers"
    __label__ = "两后生台账"
    __table_args__ = (
        CheckConstraint("stage IN ('junior', 'senior')", name="stage_known"),
        CheckConstraint("sex IN ('M', 'F')", name="sex_known"),
        Index("ix_ten_groups_school_leavers_district_street", "district_id", "street"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: 居民身份证 number, normalised and checksum validated; one ledger entry per person in the city.
    id_number: Mapped[str] = mapped_column(String(18), unique=True, info={"label": "身份证号码", "personal": "document"})
    name: Mapped[str] = mapped_column(String(60), info={"label": "姓名", "personal": "name"})
    #: From the ID number (cross-checked with what was typed).
    sex: Mapped[str] = mapped_column(String(1), info={"label": "性别", "choices": SEXES})
    birth_date: Mapped[date] = mapped_column(Date, info={"label": "出生日期"})
    school: Mapped[str] = mapped_column(String(120), info={"label": "毕业学校"})
    left_year: Mapped[int] = mapped_column(SmallInteger, info={"label": "离校年份"})
    #: junior (初中) or senior (高中).
    stage: Mapped[str] = mapped_column(String(8), info={"label": "离校学段", "choices": SCHOOL_STAGES})
    #: The district that keeps this entry (its bureau staff see and edit it).
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"))
    #: 街道/镇.
    street: Mapped[str] = mapped_column(String(40), info={"label": "街道(镇)"})
    phone: Mapped[str] = mapped_column(String(20), default="", info={"label": "联系电话", "personal": "phone"})
    #: 培训意愿: the ledger must make sure everyone who wants training gets it (004 之八 一).
    wants_training: Mapped[bool] = mapped_column(Boolean, info={"label": "有培训意愿"})
    note: Mapped[str] = mapped_column(Text, default="")

    district: Mapped[District] = relationship()

    @property
    def sex_name(self) -> str:
        return SEXES.get(self.sex, "")

    @property
    def stage_name(self) -> str:
        return SCHOOL_STAGES.get(self.stage, self.stage)

    @property
    def masked_id_number(self) -> str:
        from registry.domain.identifiers import mask_document

        return mask_document(self.id_number)


class SafetyAppointment(TimestampMixin, db.Model):
    """A person taking the post of head (主要负责人) or safety manager (安全管理人员) of a high-risk
    enterprise. Within 6 months of taking it they must pass the safety assessment (004 之九 二); the
    record keeps the day that is due, and its standing is read from the person's enrollments."""

    __tablename__ = "ten_groups_safety_appointments"
    __label__ = "主要负责人和安全管理人员任职"
    __table_args__ = (
        CheckConstraint("post IN ('principal', 'safety_manager')", name="post_known"),
        CheckConstraint("assessment_due_on > took_post_on", name="due_after_taking_post"),
        CheckConstraint("left_post_on IS NULL OR left_post_on >= took_post_on", name="left_after_taking_post"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True, info={"label": "任职企业"})
    #: principal (主要负责人) or safety_manager (安全管理人员).
    post: Mapped[str] = mapped_column(String(16), info={"label": "岗位", "choices": SAFETY_POSTS})
    #: One of HIGH_RISK_INDUSTRIES.
    industry: Mapped[str] = mapped_column(String(24), info={"label": "高危行业", "choices": HIGH_RISK_INDUSTRIES})
    took_post_on: Mapped[date] = mapped_column(Date, info={"label": "任职日期"})
    #: Six months after taking the post (add_months; the month's last day when it has no such day).
    assessment_due_on: Mapped[date] = mapped_column(Date, index=True, info={"label": "考核期限"})
    #: Set when the person leaves the post; the record stays.
    left_post_on: Mapped[date | None] = mapped_column(Date, info={"label": "离任日期"})
    note: Mapped[str] = mapped_column(Text, default="")

    trainee: Mapped[Trainee] = relationship()
    enterprise: Mapped[Enterprise] = relationship()

    @property
    def post_name(self) -> str:
        return SAFETY_POSTS.get(self.post, self.post)

    @property
    def industry_name(self) -> str:
        return HIGH_RISK_INDUSTRIES.get(self.industry, self.industry)


class CapabilityAssessment(TimestampMixin, db.Model):
    """A vocational capability assessment (职业能力评估) of a person with a disability (004 之十 六(一)):
    when, by whom, the disability, and what the assessment found and recommends."""

    __tablename__ = "ten_groups_capability_assessments"
    __label__ = "残疾人职业能力评估"
    __table_args__ = (
        UniqueConstraint("trainee_id", "assessed_on"),
        CheckConstraint("disability_grade BETWEEN 1 AND 4", name="grade_range"),
        Index("ix_ten_groups_capability_assessments_assessed_on_district", "assessed_on", "district_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"))
    assessed_on: Mapped[date] = mapped_column(Date, info={"label": "评估日期"})
    #: 评估机构 (e.g. a district 残疾人就业服务机构 or a contracted expert team).
    assessing_body: Mapped[str] = mapped_column(String(120), info={"label": "评估机构"})
    #: One of DISABILITY_CATEGORIES and its grade 1–4 (一级 most severe).
    disability_category: Mapped[str] = mapped_column(String(16),
                                                     info={"label": "残疾类别", "choices": DISABILITY_CATEGORIES})
    disability_grade: Mapped[int] = mapped_column(SmallInteger, info={"label": "残疾等级", "choices": DISABILITY_GRADES})
    #: 评估结论: the person's vocational capability as assessed.
    findings: Mapped[str] = mapped_column(Text, info={"label": "评估结论"})
    #: 适合的职业(岗位).
    suitable_occupations: Mapped[str] = mapped_column(String(200), info={"label": "适合的职业(岗位)"})
    #: One of RECOMMENDATIONS.
    recommendation: Mapped[str] = mapped_column(String(24), info={"label": "评估建议", "choices": RECOMMENDATIONS})
    #: The district it counts in: the recording base's or bureau's (city staff choose).
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), info={"label": "计入区"})
    #: The base that recorded it, if a base did (it keeps sight of its own records).
    base_id: Mapped[int | None] = mapped_column(ForeignKey("training_bases.id"), index=True, info={"label": "登记基地"})

    trainee: Mapped[Trainee] = relationship()
    district: Mapped[District] = relationship()
    base: Mapped[TrainingBase | None] = relationship()

    @property
    def category_name(self) -> str:
        return DISABILITY_CATEGORIES.get(self.disability_category, self.disability_category)

    @property
    def grade_name(self) -> str:
        return DISABILITY_GRADES.get(self.disability_grade, str(self.disability_grade))

    @property
    def recommendation_name(self) -> str:
        return RECOMMENDATIONS.get(self.recommendation, self.recommendation)
