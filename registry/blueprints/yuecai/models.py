"""粤菜师傅's own records: star ratings of chefs, master and famous-chef studios, competition results.

Nothing here is deleted: a new rating supersedes the chef's previous one (which stays, with the day it
was superseded), and a studio that lapses is ended with a date and a reason.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, SmallInteger, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...domain.accounts.models import User
from ...domain.common import TimestampMixin
from ...domain.organisations.models import District, TrainingBase
from ...domain.trainees.models import Trainee
from ...extensions import db

#: 星级粤菜师傅 (001 item 14: "持续开展星级'粤菜师傅'评选"): one to five stars.
STAR_LEVELS = {1: "一星", 2: "二星", 3: "三星", 4: "四星", 5: "五星"}

#: Kinds of studio: 大师工作室 and 名厨工作室 (000 二(四)14), 粤菜师傅工作室 (004 之二 二(二)).
STUDIO_KINDS = {
    "master": "大师工作室",
    "famous_chef": "名厨工作室",
    "yuecai": "粤菜师傅工作室",
}
#: Who recognised a studio (004 之二 二(十) names the national 技能大师工作室).
STUDIO_LEVELS = {"national": "国家级", "province": "省级", "city": "市级", "district": "区级"}

#: Competition levels: 004 之二 二(八) names 市级一类、二类职业技能竞赛 and the contests of catering
#: associations and enterprises; national, provincial and district contests are the usual others.
COMPETITION_LEVELS = {
    "national": "国家级",
    "province": "省级",
    "city_first": "市级一类",
    "city_second": "市级二类",
    "district": "区级",
    "industry": "行业协会/企业",
}
#: Placings other than a rank (名次).
AWARDS = {
    "gold": "金奖",
    "silver": "银奖",
    "bronze": "铜奖",
    "first": "一等奖",
    "second": "二等奖",
    "third": "三等奖",
    "excellence": "优秀奖",
}


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class ChefRating(TimestampMixin, db.Model):
    """A star rating of a chef (星级粤菜师傅) by a rating body on a day. The chef's current rating is
    the one not superseded; recording a new one supersedes it (the old row stays)."""

    __tablename__ = "yuecai_chef_ratings"
    __label__ = "星级粤菜师傅评定"
    __table_args__ = (
        CheckConstraint("stars BETWEEN 1 AND 5", name="stars_range"),
        # At most one current rating per chef, also under concurrent requests.
        Index("uq_yuecai_chef_ratings_current", "trainee_id", unique=True,
              sqlite_where=text("superseded_on IS NULL"), postgresql_where=text("superseded_on IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), index=True, info={"label": "粤菜师傅"})
    stars: Mapped[int] = mapped_column(SmallInteger, info={"label": "星级", "choices": STAR_LEVELS})
    #: 评定机构, e.g. a catering association or the bureau that ran the 评选.
    rating_body: Mapped[str] = mapped_column(String(120), info={"label": "评定机构"})
    rated_on: Mapped[date] = mapped_column(Date, index=True, info={"label": "评定日期"})
    #: 证书或文件编号, if the rating body gave one.
    reference: Mapped[str] = mapped_column(String(60), default="", info={"label": "证书或文件编号"})
    #: The district the rating is counted in (the chef's place of work, or the rating district bureau's).
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True, info={"label": "计入区"})
    #: 工作单位 (restaurant, hotel, school) when rated.
    workplace: Mapped[str] = mapped_column(String(120), default="", info={"label": "工作单位"})
    note: Mapped[str] = mapped_column(Text, default="")
    #: The previous rating this one superseded, if any.
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("yuecai_chef_ratings.id"), info={"label": "取代的评定"})
    #: The day a newer rating superseded this one (its rating day); None while current.
    superseded_on: Mapped[date | None] = mapped_column(Date, info={"label": "被取代日期"})
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info={"label": "录入人账号"})

    trainee: Mapped[Trainee] = relationship()
    district: Mapped[District] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    @property
    def stars_name(self) -> str:
        return STAR_LEVELS.get(self.stars, str(self.stars))

    @property
    def is_current(self) -> bool:
        return self.superseded_on is None


class Studio(TimestampMixin, db.Model):
    """A master or famous-chef studio (大师工作室, 名厨工作室, 粤菜师傅工作室): a carrier of the programme
    at a training base, led by a chef, recognised by a body on a day; ended, never deleted."""

    __tablename__ = "yuecai_studios"
    __label__ = "大师工作室、名厨工作室"
    __table_args__ = (
        CheckConstraint(_in("kind", STUDIO_KINDS), name="kind_known"),
        CheckConstraint(_in("level", STUDIO_LEVELS), name="level_known"),
        CheckConstraint("ended_on IS NULL OR ended_on >= recognised_on", name="ended_after_recognised"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("training_bases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), info={"label": "工作室类型", "choices": STUDIO_KINDS})
    name: Mapped[str] = mapped_column(String(120), info={"label": "工作室名称"})
    lead_chef_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), index=True, info={"label": "领衔师傅"})
    level: Mapped[str] = mapped_column(String(16), info={"label": "认定级别", "choices": STUDIO_LEVELS})
    #: 认定单位.
    recognised_by: Mapped[str] = mapped_column(String(120), info={"label": "认定单位"})
    recognised_on: Mapped[date] = mapped_column(Date, info={"label": "认定日期"})
    #: The day the studio lapsed or was withdrawn; None while it stands.
    ended_on: Mapped[date | None] = mapped_column(Date, info={"label": "终止日期"})
    end_reason: Mapped[str] = mapped_column(Text, default="", info={"label": "终止原因"})

    base: Mapped[TrainingBase] = relationship()
    lead_chef: Mapped[Trainee] = relationship()

    @property
    def kind_name(self) -> str:
        return STUDIO_KINDS.get(self.kind, self.kind)

    @property
    def level_name(self) -> str:
        return STUDIO_LEVELS.get(self.level, self.level)

    @property
    def is_current(self) -> bool:
        return self.ended_on is None


class CompetitionResult(TimestampMixin, db.Model):
    """A trainee's placing in a skills competition (技能竞赛), entered by the base that trained them or
    by bureau staff for that base."""

    __tablename__ = "yuecai_competition_results"
    __label__ = "技能竞赛成绩"
    __table_args__ = (
        CheckConstraint(_in("level", COMPETITION_LEVELS), name="level_known"),
        CheckConstraint(f"award IS NULL OR {_in('award', AWARDS)}", name="award_known"),
        CheckConstraint("award IS NOT NULL OR placing_rank IS NOT NULL", name="placed"),
        CheckConstraint("placing_rank IS NULL OR placing_rank > 0", name="rank_positive"),
        # One placing per person, event, day and occupation (the default name is too long for PostgreSQL).
        UniqueConstraint("trainee_id", "event_name", "held_on", "occupation_code", name="uq_yuecai_competition_results_entry"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), index=True, info={"label": "参赛学员"})
    #: The base that trained the competitor (the result counts in its district).
    base_id: Mapped[int] = mapped_column(ForeignKey("training_bases.id"), index=True)
    event_name: Mapped[str] = mapped_column(String(200), info={"label": "竞赛名称"})
    level: Mapped[str] = mapped_column(String(16), info={"label": "竞赛级别", "choices": COMPETITION_LEVELS})
    held_on: Mapped[date] = mapped_column(Date, index=True, info={"label": "竞赛日期"})
    organiser: Mapped[str] = mapped_column(String(120), info={"label": "主办单位"})
    #: An occupation of the programme's catalogue (the contest's 职业(工种) or 专项).
    occupation_code: Mapped[str] = mapped_column(String(48))
    award: Mapped[str | None] = mapped_column(String(16), info={"label": "奖项", "choices": AWARDS})
    #: 名次 (1 = first), when the contest ranks.
    placing_rank: Mapped[int | None] = mapped_column(SmallInteger, info={"label": "名次"})
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info={"label": "录入人账号"})

    trainee: Mapped[Trainee] = relationship()
    base: Mapped[TrainingBase] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    @property
    def level_name(self) -> str:
        return COMPETITION_LEVELS.get(self.level, self.level)

    @property
    def occupation_name(self) -> str:
        from .rules import PROGRAMME

        occupation = PROGRAMME.occupation(self.occupation_code)
        return occupation.name if occupation else self.occupation_code

    @property
    def placing(self) -> str:
        parts = []
        if self.award:
            parts.append(AWARDS.get(self.award, self.award))
        if self.placing_rank:
            parts.append(f"第{self.placing_rank}名")
        return "(".join(parts) + (")" if len(parts) == 2 else "")
