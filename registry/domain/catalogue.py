"""The programme catalogue: one registry that every programme package registers into.

Shared machinery asks the catalogue about a programme (its occupations, tracks, certificate types,
measures, rule hooks); it never tests a programme by name. Each programme lives in its own package
under ``registry/blueprints/`` and calls :func:`register` when imported.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

#: National skill levels (国家职业技能标准): number → name.
LEVELS = {
    5: "五级/初级工",
    4: "四级/中级工",
    3: "三级/高级工",
    2: "二级/技师",
    1: "一级/高级技师",
}
ALL_LEVELS = (5, 4, 3, 2, 1)
BASIC_LEVELS = (5, 4, 3)

#: Certificate types a programme may issue (code → name).
CERTIFICATE_TYPES = {
    "skill_level": "职业技能等级证书",
    "special_ability": "专项职业能力证书",
    "training_qualified": "培训合格证书",
    "apprentice_completion": "学徒结业证书",
}

#: Assessment types recorded on a result (code → name).
ASSESSMENT_TYPES = {
    "skill_level": "职业技能等级认定",
    "special_ability": "专项职业能力考核",
    "training_qualified": "培训合格评价",
}

#: Target measures every programme reports (DOMAIN.md, Measures).
COMMON_MEASURES = {
    "trainings": "培训人次",
    "persons": "培训人数",
    "passed": "合格人数",
    "certified": "取证人数",
    "employed": "就业人数",
}


@dataclass(frozen=True)
class Occupation:
    """An occupation (工种) with the levels it is assessed at, or a 专项职业能力 item."""

    code: str
    name: str
    levels: tuple[int, ...] = ()
    #: True for a 专项职业能力 item, which has no level.
    special: bool = False

    @property
    def level_names(self) -> list[str]:
        return [LEVELS[level] for level in self.levels]


@dataclass(frozen=True)
class Track:
    """A group of occupations inside a programme (e.g. 南粤家政's 母婴 track)."""

    code: str
    name: str
    occupation_codes: tuple[str, ...]


#: The policy notices the programmes cite (DOMAIN.md): file in shared/policy → document.
POLICY_DOCUMENTS = {
    "004_1a0f249341a7ab5a.txt": "广州市 穗人社函〔2020〕22号(十项重点群体职业技能提升工程)",
    "000_aa4c8a4a97afae49.txt": "湛江市 湛人社〔2024〕100号(“民生十大工程”就业领域实施方案)",
    "001_d6307313f90aea9d.txt": "肇庆市贯彻落实省“民生十大工程”五年行动计划就业领域实施方案(2023—2027年)",
    "002_8092d8f058abb38a.txt": "永州市 永政辦發〔2024〕15號",
    "003_484cd3b8ed13723b.txt": "江苏淮安市 强化职业技能培训促进高质量就业工作方案",
}


@dataclass(frozen=True)
class PolicySource:
    """Where a programme's rule comes from: a file in shared/policy and the item in it."""

    file: str
    item: str

    @property
    def document(self) -> str:
        return POLICY_DOCUMENTS.get(self.file, self.file)


@dataclass(frozen=True)
class Measure:
    """A programme's own measure. ``counts`` returns the SQL condition an enrollment (with its
    session) meets to count; unit 人次 counts participations, 人 distinct people. A measure without
    ``counts`` has no records behind it yet: targets can be set, the actual shows as not recorded."""

    code: str
    name: str
    unit: str = "人次"
    counts: Callable[[], Any] | None = None
    #: How it is counted, in Chinese, shown with the counting rules.
    rule: str = ""
    #: For a measure of records other than enrollments (e.g. cards issued): (year, district id or
    #: None for the city) → the count. A measure has ``counts`` or ``tally``, not both.
    tally: Callable[[int, int | None], int] | None = None
    #: The page listing a tallied measure's records (an endpoint taking ``year`` and ``district``).
    records_endpoint: str | None = None


@dataclass(frozen=True)
class ServiceCardPolicy:
    """A programme that issues a door-to-door service card (上门服务证): one card per person,
    listing the tracks (service types) the holder trained and was certified in."""

    name: str
    #: Two capital letters that open the card numbers.
    number_prefix: str
    #: Tracks whose certificates qualify for the card; each becomes a service type on it.
    tracks: tuple[str, ...]
    #: Retraining (回炉) is due this many years after the last training in those tracks.
    retraining_years: int
    #: Defaults of the settings SERVICE_CARD_HEALTH_CHECK_MONTHS and SERVICE_CARD_BLACKLIST_BAR_YEARS.
    health_check_months: int = 12
    blacklist_bar_years: int = 3
    source: PolicySource | None = None


#: Subsidy schemes (资金渠道): a scheme pays one person once per occupation and level.
SUBSIDY_SCHEMES = {
    "skill_upgrading": "职业技能培训补贴(技能晋升培训补贴)",
    "new_apprentice": "企业新型学徒培训补贴",
}
#: Who claims a programme's subsidy: the base for a completed session, or the enterprise on its filing.
SUBSIDY_CLAIMANTS = ("session", "filing")


@dataclass(frozen=True)
class StandardPreset:
    """A policy figure the city bureau can load as a subsidy standard (yuan per person)."""

    amount_yuan: int
    basis: str
    occupation: str | None = None
    level: int | None = None


@dataclass(frozen=True)
class SubsidyPolicy:
    """How a programme's training is subsidised."""

    scheme: str
    claimed_by: str
    source: PolicySource
    #: Other schemes that may never pay the same person for the same occupation and level
    #: (004 之四 三(四): 学徒培训补贴 and 技能晋升培训补贴).
    excludes: tuple[str, ...] = ()
    standard_presets: tuple[StandardPreset, ...] = ()


@dataclass(frozen=True)
class TargetPreset:
    """A policy figure a programme offers as a preset target (per year, for the whole city)."""

    measure: str
    value: int
    basis: str
    track: str | None = None
    occupation: str | None = None


@dataclass
class Programme:
    code: str
    name: str
    summary: str
    lead_agencies: tuple[str, ...]
    sources: tuple[PolicySource, ...]
    occupations: tuple[Occupation, ...]
    certificate_types: tuple[str, ...]
    tracks: tuple[Track, ...] = ()
    #: Measures beyond COMMON_MEASURES (e.g. 上门服务证 cards).
    extra_measures: tuple[Measure, ...] = ()
    #: Position among Guangzhou's ten key groups (004), or None.
    ten_groups_number: int | None = None
    #: Trainee group tags this programme serves (see trainees.models.GROUP_TAGS).
    serves_tags: tuple[str, ...] = ()
    #: Kinds of session this programme runs (see training.models.SESSION_KINDS).
    session_kinds: tuple[str, ...] = ("short",)
    #: Rule hooks other features call: name → callable (declared by the programme package).
    rules: dict[str, Callable] = field(default_factory=dict)
    #: Display order in menus and reports.
    order: int = 100
    #: Two capital letters that open the registry's own certificate numbers (e.g. YC…).
    certificate_prefix: str = ""
    #: Guangzhou's policy figures, loadable as a year's targets (DOMAIN.md; 004).
    target_presets: tuple[TargetPreset, ...] = ()
    #: The door-to-door service card this programme issues, if any.
    service_card: ServiceCardPolicy | None = None
    #: How its training is subsidised, if it is.
    subsidy: SubsidyPolicy | None = None

    def extra_measure(self, code: str) -> Measure | None:
        return next((m for m in self.extra_measures if m.code == code), None)

    def occupation(self, code: str) -> Occupation | None:
        return next((o for o in self.occupations if o.code == code), None)

    def track(self, code: str) -> Track | None:
        return next((t for t in self.tracks if t.code == code), None)

    def track_of(self, occupation_code: str) -> Track | None:
        return next((t for t in self.tracks if occupation_code in t.occupation_codes), None)

    def certificate_type_for(self, assessment_type: str | None) -> str | None:
        """The certificate a pass in this kind of assessment earns (a programme may map it differently)."""
        hook = self.rules.get("certificate_type")
        return hook(assessment_type) if hook and assessment_type else assessment_type

    @property
    def measures(self) -> dict[str, str]:
        return {**COMMON_MEASURES, **{m.code: m.name for m in self.extra_measures}}

    def validate(self) -> None:
        """Catch catalogue mistakes at start-up rather than in a report."""
        codes = [o.code for o in self.occupations]
        if len(codes) != len(set(codes)):
            raise ValueError(f"{self.code}: duplicate occupation codes")
        for track in self.tracks:
            unknown = set(track.occupation_codes) - set(codes)
            if unknown:
                raise ValueError(f"{self.code}: track {track.code} names unknown occupations {unknown}")
        for occupation in self.occupations:
            if occupation.special == bool(occupation.levels):
                raise ValueError(f"{self.code}: {occupation.code} must have levels or be a 专项 item")
        if not re.fullmatch(r"[A-Z]{2}", self.certificate_prefix):
            raise ValueError(f"{self.code}: certificate_prefix must be two capital letters")
        for preset in self.target_presets:
            if preset.measure not in self.measures:
                raise ValueError(f"{self.code}: preset names unknown measure {preset.measure}")
            if preset.track and not self.track(preset.track):
                raise ValueError(f"{self.code}: preset names unknown track {preset.track}")
        for measure in self.extra_measures:
            if measure.counts and measure.tally:
                raise ValueError(f"{self.code}: measure {measure.code} has both counts and tally")
        if self.service_card:
            unknown_tracks = set(self.service_card.tracks) - {t.code for t in self.tracks}
            if unknown_tracks or not re.fullmatch(r"[A-Z]{2}", self.service_card.number_prefix):
                raise ValueError(f"{self.code}: service card names unknown tracks or a bad number prefix")
        if self.subsidy and (self.subsidy.scheme not in SUBSIDY_SCHEMES
                             or self.subsidy.claimed_by not in SUBSIDY_CLAIMANTS
                             or set(self.subsidy.excludes) - set(SUBSIDY_SCHEMES)):
            raise ValueError(f"{self.code}: subsidy names an unknown scheme or claimant")
        unknown_types = set(self.certificate_types) - set(CERTIFICATE_TYPES)
        if unknown_types:
            raise ValueError(f"{self.code}: unknown certificate types {unknown_types}")


class Catalogue:
    """All registered programmes, by code."""

    def __init__(self) -> None:
        self._programmes: dict[str, Programme] = {}

    def register(self, programme: Programme) -> Programme:
        programme.validate()
        existing = self._programmes.get(programme.code)
        if existing is not None and existing is not programme:
            raise ValueError(f"programme {programme.code} registered twice")
        if any(p.certificate_prefix == programme.certificate_prefix and p.code != programme.code
               for p in self._programmes.values()):
            raise ValueError(f"{programme.code}: certificate prefix {programme.certificate_prefix} already taken")
        self._programmes[programme.code] = programme
        return programme

    def get(self, code: str | None) -> Programme | None:
        return self._programmes.get(code or "")

    def __getitem__(self, code: str) -> Programme:
        return self._programmes[code]

    def __contains__(self, code: object) -> bool:
        return code in self._programmes

    def all(self) -> list[Programme]:
        return sorted(self._programmes.values(), key=lambda p: (p.order, p.code))

    def choices(self, codes: Iterable[str] | None = None) -> list[tuple[str, str]]:
        allowed = set(codes) if codes is not None else None
        return [(p.code, p.name) for p in self.all() if allowed is None or p.code in allowed]

    def card_programmes(self) -> list[Programme]:
        """Programmes that issue a service card."""
        return [p for p in self.all() if p.service_card]

    def subsidised(self, claimed_by: str | None = None) -> list[Programme]:
        """Programmes with a subsidy, optionally only those claimed the given way."""
        return [p for p in self.all() if p.subsidy and (claimed_by is None or p.subsidy.claimed_by == claimed_by)]

    def conflicting_programmes(self, programme: Programme) -> list[str]:
        """Programmes whose subsidy may not pay the same person for the same occupation and level as
        this one's: the same scheme, or a scheme either side declares excluded."""
        mine = programme.subsidy
        if mine is None:
            return []
        return [
            p.code for p in self.subsidised()
            if p.subsidy.scheme == mine.scheme or p.subsidy.scheme in mine.excludes or mine.scheme in p.subsidy.excludes
        ]

    def name_of(self, code: str | None) -> str:
        programme = self.get(code)
        return programme.name if programme else (code or "")

    # Occupation, track and measure codes name the same thing in every programme that lists them,
    # so a record that keeps only the code (the audit log's values) is named without its programme.
    def occupation_name(self, code: str | None) -> str:
        return next((o.name for p in self.all() for o in p.occupations if o.code == code), code or "")

    def track_name(self, code: str | None) -> str:
        return next((t.name for p in self.all() for t in p.tracks if t.code == code), code or "")

    def measure_name(self, code: str | None) -> str:
        return next((p.measures[code] for p in self.all() if code in p.measures),
                    COMMON_MEASURES.get(code or "", code or ""))


catalogue = Catalogue()
register = catalogue.register


class InProgramme:
    """For records that belong to a programme: its catalogue entry and name by ``programme_code``."""

    @property
    def programme(self) -> Programme | None:
        return catalogue.get(self.programme_code)

    @property
    def programme_name(self) -> str:
        return catalogue.name_of(self.programme_code)
