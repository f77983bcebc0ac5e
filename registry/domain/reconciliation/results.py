"""What the reconciliation page shows: figures per row, targets with their progress, the whole result."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .counting import Scope
from .models import Target

GROUPINGS = {"programme": "项目", "track": "方向", "district": "区", "base": "培训基地", "month": "月份"}
ADDITIVE = ("trainings", "passed", "assessed", "certified", "employed")


@dataclass
class Figures:
    """The measures of one row of the page."""

    trainings: int = 0
    persons: int = 0
    passed: int = 0
    assessed: int = 0
    certified: int = 0
    employed: int = 0

    def add(self, other: "Figures") -> None:
        """Add ``other``'s ADDITIVE measures (spelt out: thousands of grains are summed per page)."""
        self.trainings += other.trainings
        self.passed += other.passed
        self.assessed += other.assessed
        self.certified += other.certified
        self.employed += other.employed

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.assessed if self.assessed else None

    @property
    def certified_rate(self) -> float | None:
        return self.certified / self.trainings if self.trainings else None

    @property
    def employed_rate(self) -> float | None:
        return self.employed / self.trainings if self.trainings else None


@dataclass(frozen=True)
class Grain:
    """Where a session's figures belong: programme, track, occupation, base and month of its end."""

    programme_code: str
    track_code: str | None
    occupation_code: str
    base_id: int
    month: int


@dataclass
class GrainFigures:
    grain: Grain
    district_id: int
    figures: Figures
    extras: dict[tuple[str, str], int]


@dataclass
class TargetProgress:
    target: Target
    #: None when the measure has no records behind it yet.
    actual: int | None
    elapsed: float

    @property
    def done(self) -> float | None:
        if self.actual is None or not self.target.value:
            return None
        return self.actual / self.target.value

    @property
    def pace(self) -> str:
        """met / on_track / behind / not_counted: behind when the share done trails the year elapsed."""
        if self.done is None:
            return "not_counted"
        if self.done >= 1:
            return "met"
        return "behind" if self.done < self.elapsed else "on_track"

    @property
    def scope(self) -> Scope:
        t = self.target
        return Scope(t.year, t.programme_code, t.track_code, t.occupation_code, t.district_id)


@dataclass
class Row:
    key: tuple
    label: str
    scope: Scope
    figures: Figures
    #: The 人次 target for this row, where one is set.
    target: int | None = None

    @property
    def done(self) -> float | None:
        return self.figures.trainings / self.target if self.target else None


@dataclass
class Reconciliation:
    scope: Scope
    group_by: str
    on: date
    elapsed: float
    targets: list[TargetProgress]
    rows: list[Row]
    total: Row
    #: programme code → cumulative 人次 by month (12 values; None after the current month).
    monthly: dict[str, list[int | None]] = field(default_factory=dict)
    monthly_targets: dict[str, int] = field(default_factory=dict)

    @property
    def behind(self) -> list[TargetProgress]:
        return [t for t in self.targets if t.pace == "behind"]


def year_elapsed(year: int, on: date) -> float:
    """Share of ``year`` elapsed on ``on`` (DOMAIN.md: progress is compared with it)."""
    if year < on.year:
        return 1.0
    if year > on.year:
        return 0.0
    first, last = date(year, 1, 1), date(year, 12, 31)
    return ((on - first).days + 1) / ((last - first).days + 1)


def trainings_target(targets: list[Target], programme_code: str | None, track_code: str | None = None,
                      district_id: int | None = None) -> int | None:
    """The 人次 target of a row: one programme's (or every programme's, summed) for a track or district."""
    values = [
        t.value for t in targets
        if t.measure_code == "trainings" and t.occupation_code is None and t.track_code == track_code
        and (programme_code is None or t.programme_code == programme_code)
        and t.district_id == district_id
    ]
    return sum(values) if values else None
