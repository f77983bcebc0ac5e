"""广东技工 records: technical schools' majors (专业), their cohorts by intake year (学制班, each a
``degree`` TrainingSession), each student's standing in the cohort (学籍: 毕业 … 退学) and each
graduate's destination (毕业去向, for 留本市就业).

The students themselves are the enrollments of the cohort's session: this package never keeps a
roster of its own. Nothing here is deleted: a major is ended (停办), an outcome is corrected in place
(the audit log keeps what it was)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.domain.catalogue import LEVELS, catalogue
from registry.domain.common import TimestampMixin
from registry.domain.organisations.models import TrainingBase
from registry.domain.training.models import Enrollment, TrainingSession
from registry.extensions import db

from .rules import CODE

#: Kinds of base that run majors (技工院校, 职业院校).
SCHOOL_KINDS = ("technical_school", "vocational_school")

#: 培养层次 of a technical school's major: the national skill level its graduates are trained to.
TRAINING_LEVELS = {4: "中级工", 3: "高级工", 2: "预备技师(技师)"}

#: A student's standing in a cohort (学籍状态). 在读 is having none of the recorded outcomes.
OUTCOMES = {
    "graduated": "毕业",
    "completed": "结业",
    "incomplete": "肄业",
    "dropped": "退学",
    "transferred": "转出",
}
#: Outcomes of students who finished the course (they stay enrolled) and of those who left (withdrawn).
FINISHING_OUTCOMES = ("graduated", "completed")
LEAVING_OUTCOMES = ("incomplete", "dropped", "transferred")
IN_SCHOOL = "在读"

#: A graduate's destination (毕业去向); "employed_local" is 留本市就业.
DESTINATIONS = {
    "employed_local": "本市就业",
    "employed_elsewhere": "外地就业",
    "further_study": "升学",
    "not_employed": "未就业",
}
EMPLOYED_DESTINATIONS = ("employed_local", "employed_elsewhere")


class Major(TimestampMixin, db.Model):
    """A major (专业) a technical or vocational school runs, at one training level."""

    __tablename__ = "jigong_majors"
    __label__ = "技工院校专业"
    __table_args__ = (
        UniqueConstraint("base_id", "code", "level"),
        CheckConstraint("years BETWEEN 1 AND 6", name="years_range"),
        CheckConstraint("total_hours > 0", name="total_hours_positive"),
        CheckConstraint("level IN (2, 3, 4)", name="level_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("training_bases.id"), index=True, info={"label": "技工院校"})
    #: 专业代码 from the 技工院校专业目录, e.g. 0104.
    code: Mapped[str] = mapped_column(String(16), info={"label": "专业代码"})
    name: Mapped[str] = mapped_column(String(60), info={"label": "专业名称"})
    #: The catalogue occupation the major leads to: its graduates' skill certificates are matched on it.
    occupation_code: Mapped[str] = mapped_column(String(48), info={"label": "对应职业(工种)"})
    #: 培养层次 as a national skill level (TRAINING_LEVELS): 4 中级工, 3 高级工, 2 预备技师.
    level: Mapped[int] = mapped_column(info={"label": "培养层次", "choices": TRAINING_LEVELS})
    #: 学制, in years.
    years: Mapped[int] = mapped_column(info={"label": "学制(年)"})
    #: 教学计划总学时: the planned hours of each cohort's session.
    total_hours: Mapped[int] = mapped_column(info={"label": "教学计划总学时"})
    #: Year the province named it a 省级重点专业 (优质重点); None when it is not one.
    key_major_year: Mapped[int | None] = mapped_column(info={"label": "省级重点专业认定年份"})
    #: Year the province named it a 省级特色专业 (优质培育); None when it is not one.
    featured_major_year: Mapped[int | None] = mapped_column(info={"label": "省级特色专业认定年份"})
    #: 停办: the last day it admitted students; None while it runs. A major is never deleted.
    ended_on: Mapped[date | None] = mapped_column(Date, info={"label": "停办日期"})
    end_reason: Mapped[str | None] = mapped_column(Text, info={"label": "停办原因"})

    base: Mapped[TrainingBase] = relationship()
    cohorts: Mapped[list["Cohort"]] = relationship(back_populates="major", order_by="Cohort.intake_year.desc()")

    @property
    def occupation_name(self) -> str:
        occupation = catalogue[CODE].occupation(self.occupation_code)
        return occupation.name if occupation else self.occupation_code

    @property
    def level_name(self) -> str:
        return TRAINING_LEVELS.get(self.level, LEVELS.get(self.level, ""))

    @property
    def is_current(self) -> bool:
        return self.ended_on is None

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}({self.level_name})"


class Cohort(TimestampMixin, db.Model):
    """One intake year of a major (一届学制班): its students are the enrollments of ``session``, a
    TrainingSession of kind ``degree`` planned when the cohort was created."""

    __tablename__ = "jigong_cohorts"
    __label__ = "学制班"
    __table_args__ = (UniqueConstraint("major_id", "intake_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    major_id: Mapped[int] = mapped_column(ForeignKey("jigong_majors.id"), index=True, info={"label": "专业"})
    intake_year: Mapped[int] = mapped_column(info={"label": "入学年度"})
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id"), unique=True, info={"label": "班期"})
    #: The day the cohort finished (毕业离校) once every student had an outcome; its session completed then.
    closed_on: Mapped[date | None] = mapped_column(Date, info={"label": "毕业离校日期"})

    major: Mapped[Major] = relationship(back_populates="cohorts")
    session: Mapped[TrainingSession] = relationship()

    @property
    def label(self) -> str:
        return f"{self.major.name}({self.major.level_name}){self.intake_year}级"

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None


class Standing(TimestampMixin, db.Model):
    """A student's recorded outcome in a cohort (毕业, 结业, 肄业, 退学, 转出); a student without one is 在读."""

    __tablename__ = "jigong_standings"
    __label__ = "学籍结果"
    __table_args__ = (
        CheckConstraint("status IN ('graduated', 'completed', 'incomplete', 'dropped', 'transferred')",
                        name="status_known"),
        CheckConstraint("status <> 'graduated' OR diploma_number IS NOT NULL", name="graduate_has_diploma"),
        Index("ix_jigong_standings_status_on", "status", "status_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("jigong_cohorts.id"), index=True, info={"label": "学制班"})
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id"), unique=True)
    status: Mapped[str] = mapped_column(String(16), info={"label": "学籍结果", "choices": OUTCOMES})
    #: The day of the outcome: for 毕业 the date on the diploma.
    status_on: Mapped[date] = mapped_column(Date, info={"label": "结果日期"})
    #: 毕业证书编号, for graduates.
    diploma_number: Mapped[str | None] = mapped_column(String(40), unique=True, info={"label": "毕业证书编号"})
    #: Why the student left, or where they transferred to; a note otherwise.
    note: Mapped[str] = mapped_column(Text, default="", info={"label": "说明"})

    cohort: Mapped[Cohort] = relationship()
    enrollment: Mapped[Enrollment] = relationship()
    destination: Mapped["Destination | None"] = relationship(back_populates="standing", uselist=False)

    @property
    def status_name(self) -> str:
        return OUTCOMES.get(self.status, self.status)


class Destination(TimestampMixin, db.Model):
    """A graduate's destination (毕业去向): employed in the city (留本市就业), elsewhere, further study,
    not employed. One per graduate, updated as the follow-up learns more."""

    __tablename__ = "jigong_destinations"
    __label__ = "毕业去向"
    __table_args__ = (
        CheckConstraint("kind IN ('employed_local', 'employed_elsewhere', 'further_study', 'not_employed')",
                        name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    standing_id: Mapped[int] = mapped_column(ForeignKey("jigong_standings.id"), unique=True, info={"label": "学籍结果"})
    kind: Mapped[str] = mapped_column(String(24), info={"label": "毕业去向", "choices": DESTINATIONS})
    #: Employer, or the school admitted to for further study; empty when not employed.
    employer: Mapped[str] = mapped_column(String(120), default="", info={"label": "就业单位或录取院校"})
    #: The day employment or study began; the day of the follow-up for 未就业.
    since: Mapped[date] = mapped_column(Date, info={"label": "去向日期"})

    standing: Mapped[Standing] = relationship(back_populates="destination")

    @property
    def kind_name(self) -> str:
        return DESTINATIONS.get(self.kind, self.kind)
