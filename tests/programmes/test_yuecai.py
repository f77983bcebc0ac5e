"""粤菜师傅's own records: star-rated chefs (history kept), master and famous-chef studios at bases,
competition results on a trainee's record, and the paired-assistance trainees counted by region.

Each rule is tested in the domain and over HTTP (each role; another base's or district's record by
editing the URL answers 404; bad input answers a Chinese message naming the field and saves nothing).
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from registry.auth.permissions import sessions_visible, visible
from registry.blueprints.yuecai import assisted, chefs, competitions, people, studios
from registry.blueprints.yuecai.models import ChefRating, CompetitionResult, Studio
from registry.blueprints.yuecai.rules import CODE, PROGRAMME
from registry.domain.common import today
from registry.domain.errors import DomainError
from registry.domain.organisations import operations as org_ops
from registry.domain.reconciliation import figures
from registry.domain.trainees.models import Trainee
from registry.extensions import db
from tests import factories

TIANHE, PANYU = "440106", "440113"
LAST_YEAR = today().year - 1


@pytest.fixture
def world():
    w = {
        "base_a": factories.base("天河粤菜学校", TIANHE),
        "base_b": factories.base("番禺餐饮协会", PANYU),
        "other": factories.base("天河家政中心", TIANHE, programmes=("jiazheng",)),
    }
    factories.user("city", "city")
    factories.user("district_a", "district", district_id=factories.district(TIANHE).id)
    factories.user("district_b", "district", district_id=factories.district(PANYU).id)
    factories.user("base_a", "base", base_id=w["base_a"].id)
    factories.user("base_b", "base", base_id=w["base_b"].id)
    w["enterprise"] = factories.enterprise("粤味餐饮有限公司", TIANHE)
    factories.user("firm", "enterprise", enterprise_id=w["enterprise"].id)
    db.session.commit()
    return w


def sign_in(client, username):
    client.post("/auth/logout")
    factories.login(client, username)


def person(name="黎国荣", number=None, **fields) -> people.PersonData:
    return people.PersonData("resident_id", number or factories.id_number(), name, **fields)


def rating(stars=3, rated_on=None, district=TIANHE, body="广州地区饮食行业商会", **fields) -> chefs.RatingData:
    return chefs.RatingData(stars, body, rated_on or today(), factories.district(district).id, **fields)


def graduate(base, name="陈学员", **session_fields):
    """A trainee who passed a finished 粤菜师傅 session at the base."""
    trainee = factories.trainee(name, registered_base_id=base.id)
    factories.enrollment(factories.session(base, **session_fields), trainee, "passed")
    return trainee


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


# --- star-rated chefs: domain ----------------------------------------------------------------------

def test_a_chef_not_in_the_registry_is_registered_as_a_trainee_when_first_rated(world):
    chef, created, _ = people.find_or_register(person(hukou_type="urban"), registered_base_id=None)
    assert created and chef.registered_base_id is None
    first = chefs.record_rating(chef, rating(3), today())
    assert first.is_current and first.supersedes_id is None
    again, created_again, _ = people.find_or_register(person(number=chef.document_number), None)
    assert again.id == chef.id and not created_again


def test_a_new_rating_supersedes_the_previous_one_and_keeps_it(world):
    chef = factories.trainee("黎国荣")
    old = chefs.record_rating(chef, rating(3, today() - timedelta(days=400)), today())
    new = chefs.record_rating(chef, rating(5, today(), workplace="广州酒家"), today())
    assert old.superseded_on == today() and new.supersedes_id == old.id and new.is_current
    assert chefs.current_rating(chef.id).id == new.id
    assert [r.stars for r in chefs.rating_history(chef.id)] == [5, 3]
    assert count(ChefRating) == 2


@pytest.mark.parametrize(("data", "field"), [
    (dict(stars=None), "stars"), (dict(stars=0), "stars"), (dict(stars=6), "stars"),
    (dict(body="  "), "rating_body"), (dict(body="协" * 121), "rating_body"),
    (dict(rated_on=today() + timedelta(days=1)), "rated_on"),
])
def test_a_rating_is_refused_field_by_field(world, data, field):
    chef = factories.trainee()
    district = data.pop("district", TIANHE)
    with pytest.raises(DomainError) as refused:
        chefs.record_rating(chef, rating(district=district, **data), today())
    assert refused.value.field == field and refused.value.message
    assert count(ChefRating) == 0


def test_a_rating_needs_a_district(world):
    data = rating()
    data.district_id = None
    with pytest.raises(DomainError) as refused:
        chefs.record_rating(factories.trainee(), data, today())
    assert refused.value.field == "district_id"


def test_rating_day_boundaries(world):
    chef = factories.trainee()
    day = today() - timedelta(days=30)
    chefs.record_rating(chef, rating(2, day), today())
    with pytest.raises(DomainError) as earlier:  # a day before the current rating's
        chefs.record_rating(chef, rating(3, day - timedelta(days=1)), today())
    assert earlier.value.field == "rated_on" and "不能早于现行评定" in earlier.value.message
    with pytest.raises(DomainError) as twice:  # the same rating entered twice
        chefs.record_rating(chef, rating(2, day), today())
    assert twice.value.field == "stars"
    corrected = chefs.record_rating(chef, rating(3, day), today())  # the same day, another level
    assert corrected.is_current and chefs.rating_history(chef.id)[1].superseded_on == day
    assert chefs.record_rating(chef, rating(4, today()), today()).rated_on == today()  # today itself


def test_the_database_allows_one_current_rating_per_chef(world):
    chef = factories.trainee()
    chefs.record_rating(chef, rating(2), today())
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(ChefRating(trainee_id=chef.id, stars=3, rating_body="某协会", rated_on=today(),
                                      district_id=factories.district().id))
            db.session.flush()


def test_the_person_is_checked_before_anything_is_saved(world):
    known = factories.trainee("张三明")
    with pytest.raises(DomainError) as wrong_name:
        people.find_or_register(person("李四", number=known.document_number), None)
    assert wrong_name.value.field == "name" and "张*明" in wrong_name.value.message
    with pytest.raises(DomainError) as no_hukou:
        people.find_or_register(person("王五"), None)
    assert no_hukou.value.field == "hukou_type" and "户籍类型" in no_hukou.value.message
    with pytest.raises(DomainError) as checksum:
        people.find_or_register(person("王五", number="440106199003070000", hukou_type="urban"), None)
    assert checksum.value.field == "document_number"
    with pytest.raises(DomainError) as prefixed:
        people.find_or_register(person("王五"), None, field_prefix="chef_")
    assert prefixed.value.field == "chef_hukou_type"
    assert count(Trainee) == 1


def test_chefs_rated_in_a_year_counts_people_in_the_ratings_district(world):
    one, two, three = factories.trainee("甲师傅"), factories.trainee("乙师傅"), factories.trainee("丙师傅")
    chefs.record_rating(one, rating(2, date(LAST_YEAR, 1, 1)), today())
    chefs.record_rating(one, rating(3, date(LAST_YEAR, 12, 31)), today())  # re-rated: still one person
    chefs.record_rating(two, rating(2, date(LAST_YEAR, 6, 1), district=PANYU), today())
    chefs.record_rating(three, rating(1, date(LAST_YEAR - 1, 12, 31)), today())
    chefs.record_rating(three, rating(2, date(LAST_YEAR + 1, 1, 1)), today())
    assert chefs.rated_in_year(LAST_YEAR, None) == 2
    assert chefs.rated_in_year(LAST_YEAR, factories.district(TIANHE).id) == 1
    assert chefs.rated_in_year(LAST_YEAR, factories.district(PANYU).id) == 1
    assert PROGRAMME.extra_measure("star_chefs_rated").tally(LAST_YEAR, None) == 2


# --- studios: domain ----------------------------------------------------------------------------

def studio_data(name="黎国荣粤菜大师工作室", kind="master", recognised_on=None, **changes) -> studios.StudioData:
    return studios.StudioData(kind, name, changes.pop("level", "city"), changes.pop("by", "广州市人力资源和社会保障局"),
                              recognised_on or today() - timedelta(days=100))


def test_a_studio_is_recorded_at_a_programme_base_and_ended_not_deleted(world):
    lead = factories.trainee("黎国荣")
    studio = studios.create_studio(world["base_a"], lead, studio_data(), today())
    assert studio.is_current and studio.lead_chef_id == lead.id
    with pytest.raises(DomainError) as too_early:
        studios.end_studio(studio, studio.recognised_on - timedelta(days=1), "期满", today())
    assert too_early.value.field == "ended_on"
    with pytest.raises(DomainError) as future:
        studios.end_studio(studio, today() + timedelta(days=1), "期满", today())
    assert future.value.field == "ended_on"
    with pytest.raises(DomainError) as no_reason:
        studios.end_studio(studio, today(), "  ", today())
    assert no_reason.value.field == "end_reason"
    studios.end_studio(studio, studio.recognised_on, "认定期满未复核", today())  # the recognition day itself
    assert studio.ended_on == studio.recognised_on and count(Studio) == 1
    with pytest.raises(DomainError, match="已于"):
        studios.end_studio(studio, today(), "再次终止", today())
    # Its name may be used again once it has ended.
    assert studios.create_studio(world["base_a"], lead, studio_data(), today()).is_current


def test_a_studio_needs_a_base_recognised_for_the_programme_today(world):
    lead = factories.trainee()
    with pytest.raises(DomainError) as not_programme:
        studios.create_studio(world["other"], lead, studio_data(), today())
    assert not_programme.value.field == "base_id" and "粤菜师傅培训(实训)基地" in not_programme.value.message
    lapsed = factories.base("已到期基地", TIANHE, programmes=())
    org_ops.add_recognition(lapsed, CODE, "district", date(2020, 1, 1), today() - timedelta(days=1))
    with pytest.raises(DomainError) as expired:
        studios.create_studio(lapsed, lead, studio_data(), today())
    assert expired.value.field == "base_id"
    still = factories.base("今天到期基地", TIANHE, programmes=())
    org_ops.add_recognition(still, CODE, "district", date(2020, 1, 1), today())
    assert studios.create_studio(still, lead, studio_data(), today()).base_id == still.id


@pytest.mark.parametrize(("changes", "field"), [
    (dict(kind="chef"), "kind"), (dict(name=" "), "name"), (dict(name="室"), "name"), (dict(level="galactic"), "level"),
    (dict(by=""), "recognised_by"), (dict(recognised_on=today() + timedelta(days=1)), "recognised_on"),
])
def test_a_studio_is_refused_field_by_field(world, changes, field):
    with pytest.raises(DomainError) as refused:
        studios.create_studio(world["base_a"], factories.trainee(), studio_data(**changes), today())
    assert refused.value.field == field
    assert count(Studio) == 0


def test_a_base_has_one_standing_studio_of_a_name(world):
    studios.create_studio(world["base_a"], factories.trainee(), studio_data(recognised_on=today()), today())
    with pytest.raises(DomainError) as twice:
        studios.create_studio(world["base_a"], factories.trainee(), studio_data(), today())
    assert twice.value.field == "name"
    assert studios.create_studio(world["base_b"], factories.trainee(), studio_data(), today()).base_id == world["base_b"].id


def test_studios_recognised_in_a_year_include_ended_ones(world):
    lead = factories.trainee()
    s1 = studios.create_studio(world["base_a"], lead, studio_data("一室", recognised_on=date(LAST_YEAR, 1, 1)), today())
    studios.create_studio(world["base_b"], lead, studio_data("二室", "famous_chef", date(LAST_YEAR, 12, 31)), today())
    studios.create_studio(world["base_a"], lead, studio_data("三室", recognised_on=date(LAST_YEAR - 1, 12, 31)), today())
    studios.end_studio(s1, date(LAST_YEAR, 3, 1), "撤销", today())
    assert studios.recognised_in_year(LAST_YEAR, None) == 2
    assert studios.recognised_in_year(LAST_YEAR, factories.district(PANYU).id) == 1
    groups = studios.current_by_kind(visible(Studio, db.session.scalar(select_user("city"))))
    assert {kind: [s.name for s in group] for kind, group in groups.items()} == {"master": ["三室"], "famous_chef": ["二室"]}


def select_user(username):
    from registry.domain.accounts.models import User

    return select(User).where(User.username == username)


def user(username):
    return db.session.scalar(select_user(username))


# --- competition results: domain ------------------------------------------------------------------

def result_data(**changes) -> competitions.ResultData:
    data = dict(event_name="广州市粤菜师傅职业技能竞赛", level="city_first", held_on=today() - timedelta(days=5),
                organiser="广州市人力资源和社会保障局", occupation_code="chinese_cook", award="first", placing_rank=1)
    data.update(changes)
    return competitions.ResultData(**data)


def test_a_result_is_entered_for_a_person_the_base_trained(world):
    trainee = graduate(world["base_a"])
    result = competitions.record_result(trainee, world["base_a"], result_data(), today())
    assert result.placing == "一等奖(第1名)" and result.level_name == "市级一类"
    with pytest.raises(DomainError) as elsewhere:
        competitions.record_result(trainee, world["base_b"], result_data(event_name="另一竞赛"), today())
    assert elsewhere.value.field == "base_id" and "番禺餐饮协会" in elsewhere.value.message
    with pytest.raises(DomainError) as twice:
        competitions.record_result(trainee, world["base_a"], result_data(), today())
    assert twice.value.field == "event_name"
    assert count(CompetitionResult) == 1


def test_a_withdrawn_trainee_was_not_trained_by_the_base(world):
    trainee = factories.trainee()
    factories.enrollment(factories.session(world["base_a"]), trainee, status="withdrawn")
    with pytest.raises(DomainError) as refused:
        competitions.record_result(trainee, world["base_a"], result_data(), today())
    assert refused.value.field == "base_id"


@pytest.mark.parametrize(("changes", "field"), [
    (dict(event_name=""), "event_name"), (dict(level="city_third"), "level"),
    (dict(held_on=today() + timedelta(days=1)), "held_on"), (dict(held_on=None), "held_on"),
    (dict(organiser=" "), "organiser"), (dict(occupation_code="housekeeper"), "occupation_code"),
    (dict(award=None, placing_rank=None), "award"), (dict(award="platinum"), "award"),
    (dict(award=None, placing_rank=0), "placing_rank"),
])
def test_a_result_is_refused_field_by_field(world, changes, field):
    trainee = graduate(world["base_a"])
    with pytest.raises(DomainError) as refused:
        competitions.record_result(trainee, world["base_a"], result_data(**changes), today())
    assert refused.value.field == field
    assert count(CompetitionResult) == 0


def test_a_rank_alone_or_an_award_alone_is_a_placing(world):
    trainee = graduate(world["base_a"])
    by_rank = competitions.record_result(trainee, world["base_a"], result_data(award=None, placing_rank=6), today())
    by_award = competitions.record_result(trainee, world["base_a"], result_data(event_name="美食节", placing_rank=None,
                                                                              award="excellence", held_on=today()), today())
    assert (by_rank.placing, by_award.placing) == ("第6名", "优秀奖")


def test_results_in_a_year_count_in_the_training_bases_district(world):
    a, b = graduate(world["base_a"], "甲学员"), graduate(world["base_b"], "乙学员")
    competitions.record_result(a, world["base_a"], result_data(held_on=date(LAST_YEAR, 12, 31)), today())
    competitions.record_result(b, world["base_b"], result_data(held_on=date(LAST_YEAR, 1, 1)), today())
    competitions.record_result(b, world["base_b"], result_data(held_on=date(LAST_YEAR + 1, 1, 1)), today())
    assert competitions.results_in_year(LAST_YEAR, None) == 2
    assert competitions.results_in_year(LAST_YEAR, factories.district(TIANHE).id) == 1


# --- paired-assistance trainees -------------------------------------------------------------------

def assisted_trainee(name, region, base):
    return factories.trainee(name, registered_base_id=base.id, tags={"assisted_region"}, assisted_region=region)


def test_paired_assistance_trainees_are_counted_by_region_by_the_counting_rules(world):
    a, b = world["base_a"], world["base_b"]
    day = date(LAST_YEAR, 6, 1)
    done_a = factories.session(a, start_date=day, end_date=day + timedelta(days=20))
    done_a2 = factories.session(a, occupation_code="chinese_pastry_cook", start_date=day, end_date=day + timedelta(days=30))
    done_b = factories.session(b, start_date=day, end_date=day + timedelta(days=10))
    running = factories.session(a, start_date=day, end_date=day + timedelta(days=10), status="in_progress")
    earlier = factories.session(a, start_date=date(LAST_YEAR - 1, 12, 1), end_date=date(LAST_YEAR - 1, 12, 31))
    other_programme = factories.session(a, "jiazheng", "housekeeper", start_date=day, end_date=day + timedelta(days=9))
    qingyuan = assisted_trainee("清远甲", "清远", a)
    factories.enrollment(done_a, qingyuan, "passed")
    factories.enrollment(done_a2, qingyuan, "passed")          # twice: 2 人次, 1 人
    factories.enrollment(done_b, assisted_trainee("新疆乙", "新疆", b), "failed")
    factories.enrollment(done_a, assisted_trainee("梅州丙", "梅州", a), None, status="withdrawn")  # withdrawn
    factories.enrollment(running, assisted_trainee("贵州丁", "贵州", a))                           # unfinished
    factories.enrollment(earlier, assisted_trainee("贵州戊", "贵州", a), "passed")                 # last year
    factories.enrollment(other_programme, assisted_trainee("重庆己", "重庆", a), "passed")         # other programme
    factories.enrollment(done_a, factories.trainee("本地庚", registered_base_id=a.id), "passed")  # not tagged

    rows, total = assisted.by_region(LAST_YEAR, None, None)
    assert {r.region: (r.trainings, r.persons) for r in rows} == {
        "清远": (2, 1), "梅州": (0, 0), "贵州": (0, 0), "新疆": (1, 1)}
    assert (total.trainings, total.persons) == (3, 2)
    _, tianhe = assisted.by_region(LAST_YEAR, factories.district(TIANHE).id, None)
    assert (tianhe.trainings, tianhe.persons) == (2, 1)
    _, base_b_only = assisted.by_region(LAST_YEAR, None, sessions_visible(user("base_b")))
    assert (base_b_only.trainings, base_b_only.persons) == (1, 1)
    measures = {m.code: m.actual for m in figures.programme_year(CODE, LAST_YEAR, None, today(), None)}
    assert measures["assisted_region_trainings"] == 3 and measures["assisted_region_persons"] == 2


# --- pages: star-rated chefs --------------------------------------------------------------------------

def rate_form(**changes) -> dict:
    data = {"document_type": "resident_id", "document_number": factories.id_number(birth=date(1965, 4, 2)),
            "name": "黎国荣", "hukou_type": "urban", "stars": "4", "rating_body": "广州地区饮食行业商会",
            "rated_on": today().isoformat(), "district_id": str(factories.district(TIANHE).id),
            "workplace": "广州酒家"}
    data.update(changes)
    return data


def test_a_district_officer_rates_a_new_chef_and_re_rates_them(client, world):
    sign_in(client, "district_a")
    form = rate_form(rated_on=(today() - timedelta(days=200)).isoformat(), stars="3")
    response = client.post("/yuecai/chefs/rate", data=form)
    assert response.status_code == 302
    chef = db.session.scalar(select(Trainee).where(Trainee.name == "黎国荣"))
    assert response.headers["Location"].endswith(f"/yuecai/chefs/{chef.id}")
    assert chef.registered_base_id is None  # registered by the bureau: reached through the rating
    assert chef.document_number in client.get(f"/yuecai/chefs/rate?trainee_id={chef.id}").text
    again = client.post("/yuecai/chefs/rate", data=rate_form(document_number=chef.document_number, hukou_type="",
                                                             stars="5"))
    assert again.status_code == 302
    page = client.get(f"/yuecai/chefs/{chef.id}").text
    assert "五星粤菜师傅" in page and page.count("data-rating=") == 2 and "起被取代" in page
    listing = client.get("/yuecai/chefs/").text
    assert listing.count("data-rating=") == 1 and "五星" in listing
    assert client.get("/yuecai/chefs/?history=1").text.count("data-rating=") == 2
    assert client.get("/yuecai/chefs/?stars=3").text.count("data-rating=") == 0


def test_a_rating_with_bad_input_saves_nothing(client, world):
    sign_in(client, "district_a")
    no_hukou = client.post("/yuecai/chefs/rate", data=rate_form(hukou_type=""))
    assert no_hukou.status_code == 400 and 'data-field="hukou_type"' in no_hukou.text and "户籍类型" in no_hukou.text
    future = client.post("/yuecai/chefs/rate", data=rate_form(rated_on=(today() + timedelta(days=1)).isoformat()))
    assert future.status_code == 400 and 'data-field="rated_on"' in future.text and "评定日期不能晚于今天" in future.text
    no_stars = client.post("/yuecai/chefs/rate", data=rate_form(stars=""))
    assert no_stars.status_code == 400 and 'data-field="stars"' in no_stars.text and "请选择星级" in no_stars.text
    elsewhere = client.post("/yuecai/chefs/rate", data=rate_form(district_id=str(factories.district(PANYU).id)))
    assert elsewhere.status_code == 400 and 'data-field="district_id"' in elsewhere.text
    assert count(ChefRating) == 0 and count(Trainee) == 0


@pytest.mark.parametrize(("username", "status"), [("base_a", 403), ("firm", 403), ("city", 200), ("district_a", 200)])
def test_ratings_are_recorded_by_bureau_staff(client, world, username, status):
    sign_in(client, username)
    assert client.get("/yuecai/chefs/rate").status_code == status


def test_who_sees_which_ratings(client, world):
    tianhe_chef, panyu_chef = factories.trainee("天河师傅"), factories.trainee("番禺师傅")
    trained = graduate(world["base_a"], "学员师傅")
    chefs.record_rating(tianhe_chef, rating(4), today())
    chefs.record_rating(panyu_chef, rating(2, district=PANYU), today())
    chefs.record_rating(trained, rating(1, district=PANYU), today())
    db.session.commit()
    seen = {}
    for username in ("city", "district_a", "district_b", "base_a", "base_b"):
        sign_in(client, username)
        page = client.get("/yuecai/chefs/").text
        seen[username] = {name for name in ("天河师傅", "番禺师傅", "学员师傅") if name in page}
    assert seen == {"city": {"天河师傅", "番禺师傅", "学员师傅"}, "district_a": {"天河师傅", "学员师傅"},
                    "district_b": {"番禺师傅", "学员师傅"}, "base_a": {"学员师傅"}, "base_b": set()}
    sign_in(client, "district_b")
    assert client.get(f"/yuecai/chefs/{tianhe_chef.id}").status_code == 404
    assert client.get(f"/yuecai/chefs/{panyu_chef.id}").status_code == 200
    sign_in(client, "base_b")
    assert client.get(f"/yuecai/chefs/{trained.id}").status_code == 404
    sign_in(client, "firm")
    assert client.get("/yuecai/chefs/").status_code == 403


def test_the_chef_list_filters_by_star_level_district_and_year(client, world):
    one, two = factories.trainee("一号师傅"), factories.trainee("二号师傅")
    chefs.record_rating(one, rating(2, date(LAST_YEAR, 3, 1)), today())
    chefs.record_rating(one, rating(4, today()), today())
    chefs.record_rating(two, rating(2, date(LAST_YEAR, 5, 1), district=PANYU), today())
    db.session.commit()
    sign_in(client, "city")

    def names(query):
        page = client.get("/yuecai/chefs/" + query).text
        return sorted(n for n in ("一号师傅", "二号师傅") if n in page)

    assert names("?stars=2") == ["二号师傅"]
    assert names("?stars=4") == ["一号师傅"]
    assert names(f"?district={factories.district(PANYU).id}") == ["二号师傅"]
    year_page = client.get(f"/yuecai/chefs/?year={LAST_YEAR}").text
    assert year_page.count("data-rating=") == 2 and "已被取代" in year_page  # as the yearly measure counts them
    assert "共 <strong>2</strong> 人" in year_page


def test_the_trainee_record_shows_ratings(client, world):
    trained = graduate(world["base_a"], "学员师傅")
    chefs.record_rating(trained, rating(2, today() - timedelta(days=10)), today())
    chefs.record_rating(trained, rating(3), today())
    db.session.commit()
    sign_in(client, "base_a")
    page = client.get(f"/trainees/{trained.id}").text
    assert "星级粤菜师傅评定" in page and "三星粤菜师傅" in page and "起被取代" in page
    assert "登记星级评定" not in page  # bureau staff record ratings
    sign_in(client, "district_a")
    assert "登记星级评定" in client.get(f"/trainees/{trained.id}").text
    assert "<title>学员师傅 ·" in client.get(f"/trainees/{trained.id}").text


# --- pages: studios --------------------------------------------------------------------------------

def studio_form(world, base="base_a", **changes) -> dict:
    data = {"base_id": str(world[base].id), "kind": "master", "name": "黎国荣粤菜大师工作室", "level": "city",
            "recognised_by": "广州市人力资源和社会保障局", "recognised_on": (today() - timedelta(days=30)).isoformat(),
            "chef_document_type": "resident_id", "chef_document_number": factories.id_number(birth=date(1962, 1, 5)),
            "chef_name": "黎国荣", "chef_hukou_type": "urban"}
    data.update(changes)
    return data


def test_a_base_records_and_ends_its_own_studio(client, world):
    sign_in(client, "base_a")
    form_page = client.get("/yuecai/studios/new").text
    assert "天河粤菜学校" in form_page and "番禺餐饮协会" not in form_page
    response = client.post("/yuecai/studios/new", data=studio_form(world))
    assert response.status_code == 302
    studio = db.session.scalar(select(Studio))
    assert studio.base_id == world["base_a"].id and studio.lead_chef.registered_base_id == world["base_a"].id
    assert "黎国荣粤菜大师工作室" in client.get("/yuecai/studios/").text
    bad_end = client.post(f"/yuecai/studios/{studio.id}/end", data={"ended_on": today().isoformat(), "end_reason": ""})
    assert bad_end.status_code == 400 and "请填写终止原因" in bad_end.text
    early = client.post(f"/yuecai/studios/{studio.id}/end",
                        data={"ended_on": (studio.recognised_on - timedelta(days=1)).isoformat(), "end_reason": "期满"})
    assert early.status_code == 400 and 'data-field="ended_on"' in early.text
    db.session.refresh(studio)
    assert studio.ended_on is None
    ended = client.post(f"/yuecai/studios/{studio.id}/end", data={"ended_on": today().isoformat(), "end_reason": "认定期满"})
    assert ended.status_code == 302
    assert 'data-studio="' not in client.get("/yuecai/studios/").text  # standing studios by default
    assert "终止" in client.get("/yuecai/studios/?status=ended").text and count(Studio) == 1
    assert "登记终止" not in client.get(f"/yuecai/studios/{studio.id}").text


def test_studios_of_another_base_are_out_of_reach(client, world):
    theirs = studios.create_studio(world["base_b"], factories.trainee(), studio_data("番禺名厨工作室", "famous_chef"), today())
    db.session.commit()
    sign_in(client, "base_a")
    assert client.get(f"/yuecai/studios/{theirs.id}").status_code == 404
    assert client.post(f"/yuecai/studios/{theirs.id}/end", data={"ended_on": today().isoformat(),
                                                                 "end_reason": "x"}).status_code == 404
    assert "番禺名厨工作室" not in client.get("/yuecai/studios/").text
    posted = client.post("/yuecai/studios/new", data=studio_form(world, base="base_b", name="冒名工作室"))
    assert posted.status_code == 400 and 'data-field="base_id"' in posted.text
    sign_in(client, "district_a")
    assert client.get(f"/yuecai/studios/{theirs.id}").status_code == 404
    sign_in(client, "district_b")
    assert client.get(f"/yuecai/studios/{theirs.id}").status_code == 200
    sign_in(client, "firm")
    assert client.get("/yuecai/studios/").status_code == 403
    assert count(Studio) == 1 and theirs.ended_on is None


def test_a_studio_with_bad_input_saves_nothing(client, world):
    sign_in(client, "city")
    no_name = client.post("/yuecai/studios/new", data=studio_form(world, name=""))
    assert no_name.status_code == 400 and "请填写工作室名称" in no_name.text
    not_programme = client.post("/yuecai/studios/new", data=studio_form(world, base="other"))
    assert not_programme.status_code == 400 and 'data-field="base_id"' in not_programme.text
    new_lead = client.post("/yuecai/studios/new", data=studio_form(world, chef_hukou_type=""))
    assert new_lead.status_code == 400 and 'data-field="chef_hukou_type"' in new_lead.text
    future = client.post("/yuecai/studios/new", data=studio_form(world, recognised_on=(today() + timedelta(days=1)).isoformat()))
    assert future.status_code == 400 and "认定日期不能晚于今天" in future.text
    assert count(Studio) == 0 and count(Trainee) == 0


# --- pages: competition results ------------------------------------------------------------------

def competition_form(trainee, base, **changes) -> dict:
    data = {"document_type": "resident_id", "document_number": trainee.document_number, "name": trainee.name,
            "base_id": str(base.id), "event_name": "广州市粤菜师傅职业技能竞赛", "level": "city_second",
            "held_on": today().isoformat(), "organiser": "广州市人力资源和社会保障局",
            "occupation_code": "cantonese_dimsum", "award": "second", "placing_rank": ""}
    data.update(changes)
    return data


def test_the_training_base_enters_a_result_on_the_trainees_record(client, world):
    trainee = graduate(world["base_a"], "点心学员")
    db.session.commit()
    sign_in(client, "base_a")
    assert "登记竞赛成绩" in client.get(f"/trainees/{trainee.id}").text
    response = client.post("/yuecai/competitions/new", data=competition_form(trainee, world["base_a"]))
    assert response.status_code == 302
    result = db.session.scalar(select(CompetitionResult))
    assert result.placing == "二等奖" and result.level_name == "市级二类"
    record = client.get(f"/trainees/{trainee.id}").text
    assert "粤菜师傅技能竞赛成绩" in record and f'data-result="{result.id}"' in record
    assert "广州市粤菜师傅职业技能竞赛" in client.get("/yuecai/competitions/?level=city_second").text
    assert "广州市粤菜师傅职业技能竞赛" not in client.get("/yuecai/competitions/?level=national").text


def test_a_result_for_someone_the_base_did_not_train_is_refused(client, world):
    theirs = graduate(world["base_b"], "番禺学员")
    db.session.commit()
    sign_in(client, "base_a")
    refused = client.post("/yuecai/competitions/new", data=competition_form(theirs, world["base_a"]))
    assert refused.status_code == 400 and 'data-field="base_id"' in refused.text and "未在" in refused.text
    other_base = client.post("/yuecai/competitions/new", data=competition_form(theirs, world["base_b"]))
    assert other_base.status_code == 400 and 'data-field="base_id"' in other_base.text
    assert count(CompetitionResult) == 0


def test_a_result_with_bad_input_saves_nothing(client, world):
    trainee = graduate(world["base_a"])
    db.session.commit()
    sign_in(client, "base_a")
    unplaced = client.post("/yuecai/competitions/new", data=competition_form(trainee, world["base_a"], award=""))
    assert unplaced.status_code == 400 and "请选择奖项或填写名次" in unplaced.text
    wrong_name = client.post("/yuecai/competitions/new", data=competition_form(trainee, world["base_a"], name="别人"))
    assert wrong_name.status_code == 400 and 'data-field="name"' in wrong_name.text
    unknown = client.post("/yuecai/competitions/new",
                          data=competition_form(trainee, world["base_a"], document_number=factories.id_number()))
    assert unknown.status_code == 400 and "未找到该证件号码的学员" in unknown.text
    bad_rank = client.post("/yuecai/competitions/new", data=competition_form(trainee, world["base_a"], placing_rank="0"))
    assert bad_rank.status_code == 400 and "名次应为 1 到 999 之间的整数" in bad_rank.text
    assert count(CompetitionResult) == 0


def test_results_of_another_base_are_out_of_reach(client, world):
    theirs = graduate(world["base_b"], "番禺学员")
    result = competitions.record_result(theirs, world["base_b"], result_data(), today())
    db.session.commit()
    sign_in(client, "base_a")
    assert client.get(f"/yuecai/competitions/{result.id}").status_code == 404
    assert "番禺学员" not in client.get("/yuecai/competitions/").text
    sign_in(client, "district_a")
    assert client.get(f"/yuecai/competitions/{result.id}").status_code == 404
    sign_in(client, "district_b")
    assert client.get(f"/yuecai/competitions/{result.id}").status_code == 200
    sign_in(client, "city")
    assert "番禺学员" in client.get("/yuecai/competitions/").text
    sign_in(client, "firm")
    assert client.get(f"/yuecai/competitions/{result.id}").status_code == 403


def test_bureau_staff_enter_a_result_for_a_base_in_their_district(client, world):
    trainee = graduate(world["base_a"])
    panyu = graduate(world["base_b"], "番禺学员")
    db.session.commit()
    sign_in(client, "district_a")
    page = client.get("/yuecai/competitions/new").text
    assert "天河粤菜学校" in page and "番禺餐饮协会" not in page
    assert client.post("/yuecai/competitions/new", data=competition_form(trainee, world["base_a"])).status_code == 302
    refused = client.post("/yuecai/competitions/new", data=competition_form(panyu, world["base_b"]))
    assert refused.status_code == 400 and 'data-field="base_id"' in refused.text
    assert count(CompetitionResult) == 1


# --- the landing page and the measures -----------------------------------------------------------------

def test_the_landing_page_shows_the_records_panels_and_measures(client, world):
    lead = factories.trainee("黎国荣")
    chefs.record_rating(lead, rating(5), today())
    studios.create_studio(world["base_a"], lead, studio_data("黎国荣粤菜大师工作室", recognised_on=today()), today())
    studios.create_studio(world["base_b"], lead, studio_data("番禺名厨工作室", "famous_chef"), today())
    ended = studios.create_studio(world["base_b"], lead, studio_data("已终止工作室", "yuecai"), today())
    studios.end_studio(ended, today(), "期满", today())
    trainee = assisted_trainee("清远学员", "清远", world["base_a"])
    factories.enrollment(factories.session(world["base_a"], start_date=date(today().year, 1, 2),
                                           end_date=date(today().year, 1, 20)), trainee, "passed")
    competitions.record_result(trainee, world["base_a"], result_data(held_on=today()), today())
    db.session.commit()

    sign_in(client, "city")
    page = client.get("/programmes/yuecai/").text
    for label in ("星级粤菜师傅", "大师工作室、名厨工作室", "技能竞赛成绩"):
        assert label in page
    assert 'data-kind="master"' in page and 'data-kind="famous_chef"' in page and "已终止工作室" not in page
    assert 'data-region="清远"><td>清远</td><td class="text-end" data-testid="trainings">1<' in page
    for code in ("star_chefs_rated", "studios_recognised", "competition_placings", "assisted_region_persons"):
        assert f'data-measure="{code}"' in page
    measures = {m.code: m.actual for m in figures.programme_year(CODE, today().year, None, today(), None)}
    assert (measures["star_chefs_rated"], measures["studios_recognised"], measures["competition_placings"]) == (1, 3, 1)

    sign_in(client, "base_b")
    page = client.get("/programmes/yuecai/").text
    assert "番禺名厨工作室" in page and "黎国荣粤菜大师工作室" not in page
    assert 'data-measure="star_chefs_rated"' not in page  # tallies are the bureau's


def test_a_tallied_measure_drills_down_to_its_list(client, world):
    sign_in(client, "city")
    district = factories.district(PANYU).id
    response = client.get(f"/reconciliation/detail?year={LAST_YEAR}&programme_code={CODE}&district_id={district}"
                          "&measure=studios_recognised")
    assert response.status_code == 302 and "/yuecai/studios/" in response.headers["Location"]
    assert client.get(response.headers["Location"]).status_code == 200


# --- demo ----------------------------------------------------------------------------------------------

def test_the_demo_records_go_through_the_rules(app):
    from registry.demo import seed_demo

    summary = seed_demo("test")
    assert summary["星级粤菜师傅评定"] == count(ChefRating) > 0
    assert summary["大师(名厨)工作室"] == count(Studio) > 0
    assert summary["技能竞赛成绩"] == count(CompetitionResult) > 0
    # Some chefs were re-rated: their old rating is history.
    assert db.session.scalar(select(func.count(ChefRating.id)).where(ChefRating.superseded_on.is_not(None))) > 0
    assert db.session.scalar(select(func.count(Studio.id)).where(Studio.ended_on.is_not(None))) == 1
