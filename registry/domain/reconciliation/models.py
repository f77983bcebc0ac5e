"""Annual targets (目标任务) and their revisions."""
from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...extensions import db
from ..catalogue import InProgramme, catalogue
from ..common import TimestampMixin
from ..organisations.models import District

TARGET_SOURCES = {"manual": "页面录入", "import": "表格导入", "preset": "政策预置"}


class Target(InProgramme, TimestampMixin, db.Model):
    """One figure to reach: year × programme (× track or occupation) × city or district × measure.

    ``district_id`` None means the whole city. A revision keeps the old value in TargetRevision.
    """

    __tablename__ = "targets"
    __label__ = "目标任务"
    __table_args__ = (
        CheckConstraint("value >= 0", name="value_not_negative"),
        CheckConstraint("track_code IS NULL OR occupation_code IS NULL", name="track_or_occupation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(info={"label": "年度"})
    programme_code: Mapped[str] = mapped_column(String(32))
    track_code: Mapped[str | None] = mapped_column(String(32))
    occupation_code: Mapped[str | None] = mapped_column(String(48))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), info={"label": "范围(区,空为全市)"})
    measure_code: Mapped[str] = mapped_column(String(48), info={"label": "指标", "choices": catalogue.measure_name})
    value: Mapped[int] = mapped_column(info={"label": "目标值"})
    source: Mapped[str] = mapped_column(String(16), default="manual", info={"label": "来源", "choices": TARGET_SOURCES})
    #: Where the figure comes from (a policy file and item, a provincial notice …).
    basis: Mapped[str] = mapped_column(Text, default="")

    district: Mapped[District | None] = relationship()
    revisions: Mapped[list["TargetRevision"]] = relationship(
        back_populates="target", order_by="TargetRevision.id", cascade="save-update"
    )

    @property
    def slice_name(self) -> str:
        """The track or occupation the target is set for, or '' for the whole programme."""
        programme = self.programme
        if programme and self.track_code:
            track = programme.track(self.track_code)
            return track.name if track else self.track_code
        if programme and self.occupation_code:
            occupation = programme.occupation(self.occupation_code)
            return occupation.name if occupation else self.occupation_code
        return ""

    @property
    def scope_name(self) -> str:
        return self.district.name if self.district else "全市"

    @property
    def measure_name(self) -> str:
        programme = self.programme
        return programme.measures.get(self.measure_code, self.measure_code) if programme else self.measure_code

    @property
    def source_name(self) -> str:
        return TARGET_SOURCES.get(self.source, self.source)


# NULLs are distinct in a plain unique constraint, so the target's key is an expression index.
Index(
    "uq_targets_key", Target.year, Target.programme_code, func.coalesce(Target.track_code, ""),
    func.coalesce(Target.occupation_code, ""), func.coalesce(Target.district_id, 0), Target.measure_code,
    unique=True,
)


class TargetRevision(db.Model):
    """A change of a target's value: the old and new figures, the date and the reason."""

    __tablename__ = "target_revisions"
    __label__ = "目标调整记录"

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id"), index=True, info={"label": "目标任务"})
    old_value: Mapped[int] = mapped_column(info={"label": "原目标值"})
    new_value: Mapped[int] = mapped_column(info={"label": "新目标值"})
    revised_on: Mapped[date] = mapped_column(Date, info={"label": "调整日期"})
    reason: Mapped[str] = mapped_column(Text, info={"label": "调整原因"})
    user_id: Mapped[int | None] = mapped_column(Integer, info={"label": "调整人账号"})

    target: Mapped[Target] = relationship(back_populates="revisions")


class SessionTally(db.Model):
    """One session's additive figures (人次, 合格, 考核, 就业, 取证), written by PostgreSQL's triggers only
    (migration 0026; tallies.py), never by the ORM."""

    __tablename__ = "session_tallies"
    __label__ = "班期统计"

    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id"), primary_key=True, info={"label": "班期"})
    trainings: Mapped[int] = mapped_column(Integer, server_default="0", info={"label": "培训人次"})
    passed: Mapped[int] = mapped_column(Integer, server_default="0", info={"label": "合格人数"})
    assessed: Mapped[int] = mapped_column(Integer, server_default="0", info={"label": "考核人次"})
    employed: Mapped[int] = mapped_column(Integer, server_default="0", info={"label": "就业人数"})
    certified: Mapped[int] = mapped_column(Integer, server_default="0", info={"label": "取证人数"})
