"""These groups' own records (穗人社函〔2020〕22号, 之五 to 之七):

* :class:`RuralLabourer`: the real-name register of rural labourers (农村劳动力培训实名信息登记, 之六 二),
  one row per person, with the flags the policy asks to know (低保家庭劳动力及子女 之六 一, 经济相对
  薄弱村 之六 六、七) and the training need (之六 一);
* :class:`VeteranIntake`: each year's intake of veterans settled in the city (之七 二: 当年度接受安置的
  自主就业退役军人), whose adaptive training is followed;
* :class:`JobChangeRecord`: a job changer's situation on one participation (之五 三、四): the former
  enterprise and post, and whether they were laid off, redeployed or are still in post.

Each person is a :class:`~registry.domain.trainees.models.Trainee`, found by document number; the
training status is computed from their enrollments, never stored.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ....domain.common import TimestampMixin
from ....domain.organisations.models import District, TrainingBase
from ....domain.trainees.models import Trainee
from ....domain.training.models import Enrollment
from ....extensions import db

#: 低保家庭 in the register: the labourer of a 低保 household, or its child (之六 一 "低保家庭劳动力及子女").
LOW_INCOME_ROLES = {"labourer": "低保家庭劳动力", "child": "低保家庭子女"}
#: The needs 之六 一 names: 进城务工、求学圆梦、返乡创业、技能致富.
TRAINING_NEEDS = {
    "city_work": "进城务工",
    "further_study": "求学圆梦",
    "return_business": "返乡创业",
    "skills_income": "技能致富",
}
#: How a veteran was settled; 之七 二's adaptive training is for those in 自主就业.
PLACEMENTS = {"self_employed": "自主就业", "assigned": "安排工作", "other": "退休、供养等其他方式"}
#: A job changer's situation (之五 三 受影响企业在岗职工; 四 分流转岗、长期停工转产、被裁员、解除或终止劳动合同).
SITUATIONS = {
    "in_post": "受影响企业在岗职工",
    "redeployed": "企业分流转岗职工",
    "suspended": "长期停工转产职工",
    "laid_off": "被裁员职工",
    "contract_ended": "解除、终止劳动合同的失业人员",
}
#: Situations that left the worker without their post: the separation date is required.
SEPARATED = ("laid_off", "contract_ended")


def _check_in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class RuralLabourer(TimestampMixin, db.Model):
    """A rural labourer in the real-name register (实名登记, 004 之六 二), one row per person."""

    __tablename__ = "ten_groups_rural_labourers"
    __label__ = "农村劳动力实名登记"
    __table_args__ = (
        CheckConstraint(_check_in("training_need", TRAINING_NEEDS), name="training_need_known"),
        CheckConstraint(f"low_income_role IS NULL OR {_check_in('low_income_role', LOW_INCOME_ROLES)}",
                        name="low_income_role_known"),
        CheckConstraint("closed_on IS NULL OR closed_on >= registered_on", name="closed_after_registered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), unique=True)
    #: The district of the person's village; its bureau keeps the row.
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    #: 镇(街道) and 村(社区) of residence.
    town: Mapped[str] = mapped_column(String(40), info={"label": "镇(街道)"})
    village: Mapped[str] = mapped_column(String(40), info={"label": "村(社区)"})
    #: labourer / child of a 低保 household, or None.
    low_income_role: Mapped[str | None] = mapped_column(String(16), info={"label": "低保家庭", "choices": LOW_INCOME_ROLES})
    #: Lives in an 经济相对薄弱村 (之六 六、七).
    is_weak_village: Mapped[bool] = mapped_column(Boolean, default=False, info={"label": "属经济相对薄弱村"})
    training_need: Mapped[str] = mapped_column(String(16), info={"label": "培训需求", "choices": TRAINING_NEEDS})
    #: Wants training now; those who do and have not trained are the register's gap.
    wants_training: Mapped[bool] = mapped_column(Boolean, default=True, info={"label": "有培训意愿"})
    #: The occupation or course the person would like (意向培训).
    wish: Mapped[str] = mapped_column(String(120), default="", info={"label": "意向培训职业(工种)或项目"})
    registered_on: Mapped[date] = mapped_column(Date, info={"label": "登记日期"})
    #: The base whose clerk registered the person (None when a bureau did): gives it sight of the row.
    registered_base_id: Mapped[int | None] = mapped_column(ForeignKey("training_bases.id"), index=True,
                                                           info={"label": "登记基地"})
    #: The row is closed (注销: moved away, registered twice …), never deleted.
    closed_on: Mapped[date | None] = mapped_column(Date, info={"label": "注销日期"})
    close_reason: Mapped[str] = mapped_column(String(200), default="", info={"label": "注销原因"})

    trainee: Mapped[Trainee] = relationship()
    district: Mapped[District] = relationship()
    registered_base: Mapped[TrainingBase | None] = relationship()

    @property
    def low_income_name(self) -> str:
        return LOW_INCOME_ROLES.get(self.low_income_role or "", "")

    @property
    def training_need_name(self) -> str:
        return TRAINING_NEEDS.get(self.training_need, self.training_need)


class VeteranIntake(TimestampMixin, db.Model):
    """A veteran settled in the city in a discharge year (退役年度), whose adaptive training is due
    that year (004 之七 二)."""

    __tablename__ = "ten_groups_veteran_intakes"
    __label__ = "退役军人安置登记"
    __table_args__ = (
        CheckConstraint(_check_in("placement", PLACEMENTS), name="placement_known"),
        CheckConstraint("discharge_year BETWEEN 1950 AND 2100", name="discharge_year_plausible"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), unique=True)
    discharge_year: Mapped[int] = mapped_column(index=True, info={"label": "退役年度"})
    #: The district that settled the veteran (接收安置地).
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True, info={"label": "接收安置区"})
    placement: Mapped[str] = mapped_column(String(16), info={"label": "安置方式", "choices": PLACEMENTS})
    #: Able to attend (能正常参训); when not, ``exemption_reason`` says why.
    can_attend: Mapped[bool] = mapped_column(Boolean, default=True, info={"label": "能正常参训"})
    exemption_reason: Mapped[str] = mapped_column(String(200), default="", info={"label": "不能参训原因"})
    registered_on: Mapped[date] = mapped_column(Date, info={"label": "登记日期"})
    registered_base_id: Mapped[int | None] = mapped_column(ForeignKey("training_bases.id"), index=True,
                                                           info={"label": "登记基地"})

    trainee: Mapped[Trainee] = relationship()
    district: Mapped[District] = relationship()

    @property
    def placement_name(self) -> str:
        return PLACEMENTS.get(self.placement, self.placement)

    @property
    def adaptive_training_due(self) -> bool:
        """之七 二: 接受安置并能正常参训的自主就业退役军人 take the adaptive training."""
        return self.placement == "self_employed" and self.can_attend


class JobChangeRecord(TimestampMixin, db.Model):
    """A job changer's situation on one participation in the programme (004 之五 三、四)."""

    __tablename__ = "ten_groups_job_changes"
    __label__ = "转岗转业情况"
    __table_args__ = (
        CheckConstraint(_check_in("situation", SITUATIONS), name="situation_known"),
        CheckConstraint(f"separated_on IS NOT NULL OR NOT ({_check_in('situation', SEPARATED)})",
                        name="separation_dated"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id"), unique=True)
    former_enterprise_name: Mapped[str] = mapped_column(String(120), info={"label": "原工作单位"})
    #: 统一社会信用代码 of the former enterprise, when known.
    former_credit_code: Mapped[str | None] = mapped_column(String(18), info={"label": "原单位统一社会信用代码"})
    former_post: Mapped[str] = mapped_column(String(60), info={"label": "原岗位"})
    situation: Mapped[str] = mapped_column(String(16), info={"label": "人员情况", "choices": SITUATIONS})
    #: The day the worker was laid off or the contract ended (or redeployed / stopped, when known).
    separated_on: Mapped[date | None] = mapped_column(Date, info={"label": "离岗(解除、终止劳动合同)日期"})
    #: The post or trade the worker retrains for (拟转岗位), beside the session's occupation.
    intended_post: Mapped[str] = mapped_column(String(60), default="", info={"label": "拟转岗位"})
    recorded_on: Mapped[date] = mapped_column(Date, info={"label": "登记日期"})

    enrollment: Mapped[Enrollment] = relationship()

    @property
    def situation_name(self) -> str:
        return SITUATIONS.get(self.situation, self.situation)
