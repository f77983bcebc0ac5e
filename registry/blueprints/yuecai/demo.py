"""Demo records of 粤菜师傅's own pages (registry/demo.py calls :func:`load_demo`): star-rated chefs
with a history, studios at the programme's demo bases (one ended), competition results of trainees
who passed there. Everything goes through the package's domain functions, as a clerk's entries would."""
from __future__ import annotations

from datetime import date

from stdnum.cn import ric

from ...domain.trainees.operations import find_trainee
from . import chefs, competitions, people, studios
from .rules import CODE

RATING_BODIES = ("广州地区饮食行业商会", "广州市烹饪协会")
#: Well-known chefs not trained in the registry's sessions: (name, area code, birth year, male).
MASTERS = (("黎国荣", "440103", 1962, True), ("区凤仪", "440104", 1971, False), ("麦志坚", "440113", 1968, True),
           ("冼锦泉", "440105", 1965, True), ("梁淑仪", "440106", 1974, False), ("何永雄", "440111", 1969, True))
WORKPLACES = ("广州岭南味道餐饮管理有限公司", "番禺乡村农家菜馆", "天河区粤味轩酒家")
#: Yearly contests: (name, level, organiser, occupation, month, day).
EVENTS = (
    ("广州市粤菜师傅职业技能竞赛", "city_first", "广州市人力资源和社会保障局", "chinese_cook", 10, 16),
    ("广州市“羊城工匠杯”广式点心技能竞赛", "city_second", "广州市总工会", "cantonese_dimsum", 6, 12),
    ("番禺区乡村粤菜美食节厨艺比赛", "industry", "广州市番禺区餐饮行业协会", "chinese_cook", 9, 6),
    ("广东省“粤菜师傅”技能大赛", "province", "广东省人力资源和社会保障厅", "chinese_cook", 11, 8),
)
PLACINGS = (("gold", None), ("first", 1), ("second", 3), ("third", None), ("excellence", None), (None, 6))


def _id_number(rng, area: str, year: int, male: bool) -> str:
    while True:
        sequence = rng.randrange(500) * 2 + (1 if male else 0)
        body = f"{area}{year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{sequence:03d}"
        number = body + ric.calc_check_digit(body + "0")
        if find_trainee("resident_id", number) is None:
            return number


def _graduates(context) -> list:
    """(trainee, session) of people who passed a finished session of the programme, each once, the
    bases' graduates taken in turn, the most recent first."""
    finished = [s for s in context.sessions if s.programme_code == CODE and s.status in ("completed", "closed")]
    passed = sorted(((e, s) for s in finished for e in s.enrollments if e.result == "passed"),
                    key=lambda pair: pair[1].end_date, reverse=True)
    seen, by_base = set(), {}
    for enrollment, session in passed:
        if enrollment.trainee_id not in seen:
            seen.add(enrollment.trainee_id)
            by_base.setdefault(session.base_id, []).append((enrollment.trainee, session))
    turns = list(by_base.values())
    return [pair for turn in zip(*turns) for pair in turn] if len(turns) > 1 else (turns[0] if turns else [])


def load_demo(context) -> dict[str, int]:
    rng, on = context.rng, context.today
    city = next(u for u in context.users if u.role == "city")
    bases = [b for b in context.bases if CODE in b.recognised_programme_codes(on)]
    if not bases:
        return {}
    graduates = _graduates(context)

    # Well-known chefs, registered as trainees by the bureau when first rated.
    masters = []
    for name, area, year, male in MASTERS:
        person = people.PersonData("resident_id", _id_number(rng, area, year, male), name, hukou_type="urban")
        masters.append(people.find_or_register(person, registered_base_id=None)[0])

    ratings = 0

    def rate(trainee, stars, rated_on, district_id, workplace):
        nonlocal ratings
        chefs.record_rating(trainee, chefs.RatingData(
            stars=stars, rating_body=rng.choice(RATING_BODIES), rated_on=rated_on, district_id=district_id,
            reference=f"YCXJ{rated_on.year}-{ratings + 1:04d}", workplace=workplace), on, city)
        ratings += 1

    rating_days = (date(on.year - 1, 11, 18), min(date(on.year, 5, 20), on))
    for index, master in enumerate(masters):  # rated last year; some re-rated higher this year
        district_id = bases[index % len(bases)].district_id
        rate(master, 3 + index % 2, rating_days[0], district_id, "广州酒家集团利口福食品有限公司")
        if index % 3 != 2:
            rate(master, 4 + index % 2, rating_days[1], district_id, "广州酒家集团利口福食品有限公司")
    rated = 0
    for index, (trainee, session) in enumerate(graduates):
        days = [d for d in rating_days if d >= session.end_date]
        if rated == 8:
            break
        if days:
            rate(trainee, rng.choice((1, 2, 2, 3)), days[index % len(days)], session.base.district_id,
                 rng.choice(WORKPLACES))
            rated += 1

    # Studios at the programme's bases: a master's, a famous chef's and a village studio each; one lapsed.
    studio_count = 0
    recognised = date(on.year - 2, 6, 1)
    plans = (
        ("master", "{0}粤菜大师工作室", "city", "广州市人力资源和社会保障局", recognised),
        ("famous_chef", "{0}名厨工作室", "district", "广州市{1}人力资源和社会保障局", min(date(on.year, 3, 15), on)),
        ("yuecai", "{1}乡村粤菜师傅工作室", "district", "广州市{1}人力资源和社会保障局", recognised),
    )
    for index, base in enumerate(bases):
        for number, (kind, name, level, by, day) in enumerate(plans):
            lead = masters[(index * len(plans) + number) % len(masters)]
            studio = studios.create_studio(base, lead, studios.StudioData(
                kind=kind, name=name.format(lead.name, base.district.name), level=level,
                recognised_by=by.format(lead.name, base.district.name), recognised_on=day), on)
            studio_count += 1
            if kind == "yuecai" and index == 0:
                studios.end_studio(studio, date(on.year - 1, 12, 31), "领衔师傅调往外区工作,工作室不再运作", on)

    # Competition results of graduates, entered for the base that trained them.
    results = 0
    for trainee, session in graduates:
        if results == 12:
            break
        name, level, organiser, occupation, month, day = EVENTS[results % len(EVENTS)]
        held_on = date(session.end_date.year, month, day)
        if held_on <= session.end_date:
            held_on = date(held_on.year + 1, month, day)
        if held_on > on:
            continue
        award, rank = PLACINGS[results % len(PLACINGS)]
        competitions.record_result(trainee, session.base, competitions.ResultData(
            event_name=f"{held_on.year}年{name}", level=level, held_on=held_on, organiser=organiser,
            occupation_code=occupation, award=award, placing_rank=rank), on, city)
        results += 1
    return {"星级粤菜师傅评定": ratings, "大师(名厨)工作室": studio_count, "技能竞赛成绩": results}
