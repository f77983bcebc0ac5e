"""南粤家政 (004 之三): the per-track targets, demonstration training bases at three levels, street/town
service stations, and the 上门服务证 on the landing page. Every rule on its boundary days; over HTTP,
each role, another district's records by URL, and bad input that saves nothing."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, true

from registry.blueprints.jiazheng import demonstration, stations
from registry.blueprints.jiazheng.card_figures import card_figures
from registry.blueprints.jiazheng.models import DemonstrationDesignation, ServiceStation
from registry.blueprints.jiazheng.rules import CODE
from registry.domain.accounts.models import User
from registry.domain.catalogue import catalogue
from registry.domain.certificates.signing import KeyRing
from registry.domain.common import today
from registry.domain.errors import DomainError
from registry.domain.organisations import operations as org_ops
from registry.domain.reconciliation import figures, targets
from registry.domain.reconciliation.counting import Scope
from registry.domain.service_cards import cards, records
from registry.domain.service_cards.policy import rules_for
from registry.domain.training.models import Enrollment, TrainingSession
from registry.extensions import db
from tests import factories

A, B = "440106", "440111"  # 天河区, 白云区
TODAY = today()
YEAR = TODAY.year


def d(text: str) -> date:
    return date.fromisoformat(text)


@pytest.fixture
def world():
    w = {
        "base_a": factories.base("天河家政培训中心", A, programmes=(CODE,)),
        "base_a2": factories.base("天河养老护理学校", A, programmes=(CODE,)),
        "base_b": factories.base("白云家政培训学校", B, programmes=(CODE,)),
        "chef_school": factories.base("天河粤菜学校", A, programmes=("yuecai",)),
        "firm": factories.enterprise("天河好帮手家政有限公司", A, kind="home_service"),
        "factory": factories.enterprise("天河电子厂", A),
    }
    factories.user("jz_city", "city")
    factories.user("jz_district_a", "district", district_id=factories.district(A).id)
    factories.user("jz_district_b", "district", district_id=factories.district(B).id)
    factories.user("jz_base_a", "base", base_id=w["base_a"].id)
    factories.user("jz_enterprise", "enterprise", enterprise_id=w["firm"].id)
    db.session.commit()
    return w


def designation_data(base, level="city", designated_on=d("2021-03-01"), **changes) -> demonstration.DesignationData:
    values = dict(base_id=base.id, level=level, designated_on=designated_on, designated_by="广州市人力资源和社会保障局",
                  document_number="穗人社函〔2021〕96号", valid_until=None)
    values.update(changes)
    return demonstration.DesignationData(**values)


def station_data(district_code=A, **changes) -> stations.StationData:
    values = dict(name="石牌街“羊城家政”基层服务站", district_id=factories.district(district_code).id, street="石牌街",
                  address="广州市天河区石牌东路 1 号", operator_kind="street_office", operator_name="天河区石牌街道办事处",
                  contact_phone="020-38001234", opened_on=d("2021-05-10"))
    values.update(changes)
    return stations.StationData(**values)


def sign_in(client, username: str, password: str = factories.PASSWORD) -> None:
    client.post("/auth/logout")
    factories.login(client, username, password)


def refused(field: str, action, *args, **kwargs) -> str:
    with pytest.raises(DomainError) as caught:
        action(*args, **kwargs)
    assert caught.value.field == field
    return caught.value.message


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


# --- 1. the tracks and their presets (004 之三 二、8) -----------------------------------------------

def test_track_presets_load_as_per_track_targets(world):
    created = targets.load_presets(YEAR, None, TODAY)
    mine = {(t.track_code, t.measure_code): t.value for t in created if t.programme_code == CODE}
    assert mine[("maternal", "trainings")] == 15000
    assert mine[("household", "trainings")] == 15000
    assert mine[("elderly", "trainings")] == 5000
    assert mine[("medical", "trainings")] == 5000
    # Their sum as the programme's yearly figure, and the stock figures of 二、1 and 二、10.
    assert mine[(None, "trainings")] == 40000
    assert mine[(None, "service_stations")] == 174
    assert (mine[(None, "demo_bases_joint")], mine[(None, "demo_bases_city")], mine[(None, "demo_bases_district")]) \
        == (1, 10, 30)
    for target in created:
        if target.programme_code == CODE:
            assert target.source == "preset" and "穗人社函〔2020〕22号 之三 二、" in target.basis
    # Loading again creates nothing and leaves a target the bureau changed as it is.
    household = next(t for t in created if t.programme_code == CODE and t.track_code == "household")
    targets.revise(household, 16000, "区里追加任务", None, TODAY)
    assert [t for t in targets.load_presets(YEAR, None, TODAY) if t.programme_code == CODE] == []
    assert household.value == 16000


def test_track_targets_meet_each_track_s_participations(world):
    targets.load_presets(YEAR, None, TODAY)
    elderly = factories.session(world["base_a"], CODE, "elderly_carer", 5, track_code="elderly",
                                start_date=d(f"{YEAR}-01-02"), end_date=d(f"{YEAR}-01-20"))
    for n in range(3):
        factories.enrollment(elderly, factories.trainee("养老学员" + "甲乙丙"[n]), "passed")
    result = figures.reconcile(Scope(YEAR, CODE), "track", TODAY)
    rows = {row.key[1]: row for row in result.rows}
    assert rows["elderly"].figures.trainings == 3 and rows["elderly"].target == 5000
    progress = {t.target.track_code: t.actual for t in result.targets if t.target.measure_code == "trainings"}
    assert progress["elderly"] == 3 and progress["maternal"] == 0 and progress[None] == 3


def test_landing_track_table_shows_every_track_against_its_target(client, world):
    targets.load_presets(YEAR, None, TODAY)
    elderly = factories.session(world["base_a"], CODE, "elderly_carer", 5, track_code="elderly",
                                start_date=d(f"{YEAR}-01-02"), end_date=d(f"{YEAR}-01-20"))
    factories.enrollment(elderly, factories.trainee("养老学员甲"), "passed")
    db.session.commit()
    sign_in(client, "jz_city")
    html = client.get(f"/programmes/{CODE}/").get_data(as_text=True)
    table = html.split('data-testid="tracks"')[1].split("</table>")[0]
    tracks = re.findall(r'<tr data-track="([^"]*)">(.*?)</tr>', table, re.S)
    assert [code for code, _ in tracks] == ["maternal", "household", "elderly", "medical"]
    cells = {code: [re.sub(r"<[^>]+>|\s+", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
             for code, row in tracks}
    assert cells["elderly"][:2] == ["养老", "1"] and cells["elderly"][5] == "5,000"
    # A track with nothing finished yet still shows, at zero, against its target.
    assert cells["household"][:2] == ["居家", "0"] and cells["household"][5] == "15,000"
    household = dict(tracks)["household"]
    assert 'role="progressbar" aria-valuenow="0.0"' in household
    assert "bg-danger" in household  # nothing done while the year goes by is behind


# --- 2. demonstration training bases (004 之三 二、10) --------------------------------------------

def test_a_demonstration_base_must_hold_the_programme_s_recognition_on_the_day(world):
    message = refused("base_id", demonstration.designate, designation_data(world["chef_school"]), TODAY)
    assert "南粤家政" in message
    lapsed = factories.base("已过期基地", A, programmes=())
    recognition = org_ops.add_recognition(lapsed, CODE, "city", d("2019-01-01"))
    org_ops.end_recognition(recognition, d("2021-02-28"))
    refused("base_id", demonstration.designate, designation_data(lapsed, designated_on=d("2021-03-01")), TODAY)
    # The recognition's last day still counts.
    assert demonstration.designate(designation_data(lapsed, designated_on=d("2021-02-28")), TODAY).id
    fresh = factories.base("新认定基地", A, programmes=())
    org_ops.add_recognition(fresh, CODE, "district", d("2022-06-01"))
    refused("base_id", demonstration.designate, designation_data(fresh, designated_on=d("2022-05-31")), TODAY)
    assert demonstration.designate(designation_data(fresh, designated_on=d("2022-06-01")), TODAY).level == "city"


def test_designation_fields_are_checked_by_name(world):
    base = world["base_a"]
    assert "级别" in refused("level", demonstration.designate, designation_data(base, level="province"), TODAY)
    refused("base_id", demonstration.designate, designation_data(base, base_id=None), TODAY)
    refused("designated_on", demonstration.designate, designation_data(base, designated_on=None), TODAY)
    assert "今天" in refused("designated_on", demonstration.designate,
                             designation_data(base, designated_on=TODAY + timedelta(days=1)), TODAY)
    refused("valid_until", demonstration.designate,
            designation_data(base, designated_on=d("2021-03-01"), valid_until=d("2021-02-28")), TODAY)
    assert "认定单位" in refused("designated_by", demonstration.designate, designation_data(base, designated_by=" "), TODAY)
    org_ops.update_base(base, org_ops.OrganisationData(base.name, base.credit_code, base.kind, base.district_id),
                        "suspended")
    refused("base_id", demonstration.designate, designation_data(base), TODAY)
    assert count(DemonstrationDesignation) == 0
    # Boundaries that are allowed: designated today; a term ending on the day it starts.
    other = world["base_b"]
    assert demonstration.designate(designation_data(other, designated_on=TODAY, valid_until=TODAY), TODAY).in_force(TODAY)


def test_one_level_at_a_time_a_new_level_supersedes_the_old(world):
    base = world["base_a"]
    first = demonstration.designate(designation_data(base, "district", d("2020-06-01"),
                                                     designated_by="广州市天河区人力资源和社会保障局"), TODAY)
    message = refused("level", demonstration.designate, designation_data(base, "district", d("2021-06-01")), TODAY)
    assert "区级" in message
    second = demonstration.designate(designation_data(base, "joint", d("2021-09-01")), TODAY)
    assert first.ended_on == d("2021-08-31") and "省市共建" in first.end_reason
    assert first.in_force(d("2021-08-31")) and not first.in_force(d("2021-09-01"))
    assert second.in_force(d("2021-09-01"))
    # Nothing may be slipped in before a later designation.
    refused("designated_on", demonstration.designate, designation_data(base, "city", d("2021-09-01")), TODAY)
    refused("designated_on", demonstration.designate, designation_data(base, "city", d("2021-01-01")), TODAY)
    assert count(DemonstrationDesignation) == 2


def test_a_designation_ends_on_its_last_day_and_stays(world):
    designation = demonstration.designate(designation_data(world["base_a"], "city", d("2021-03-01")), TODAY)
    on = d("2024-06-30")
    refused("ended_on", demonstration.end_designation, designation, d("2021-02-28"), "评估不合格", on)
    refused("ended_on", demonstration.end_designation, designation, d("2024-07-01"), "评估不合格", on)
    refused("ended_on", demonstration.end_designation, designation, None, "评估不合格", on)
    assert "原因" in refused("end_reason", demonstration.end_designation, designation, on, "  ", on)
    assert designation.ended_on is None
    demonstration.end_designation(designation, d("2024-06-30"), "年度评估不合格", on)
    assert designation.in_force(d("2024-06-30")) and not designation.in_force(d("2024-07-01"))
    refused("ended_on", demonstration.end_designation, designation, d("2024-06-30"), "重复", on)
    assert count(DemonstrationDesignation) == 1
    # A designation whose term has run out is over already.
    term = demonstration.designate(designation_data(world["base_b"], "city", d("2021-03-01"),
                                                    valid_until=d("2023-12-31")), TODAY)
    assert "期满" in refused("ended_on", demonstration.end_designation, term, d("2023-12-31"), "x", d("2024-01-01"))
    assert demonstration.end_designation(term, d("2023-06-30"), "提前结束", d("2023-12-31")).ended_on == d("2023-06-30")


def test_each_level_is_counted_in_force_on_the_year_s_last_day(world):
    a, a2, b = world["base_a"], world["base_a2"], world["base_b"]
    demonstration.designate(designation_data(a, "city", d("2021-12-31")), TODAY)
    demonstration.designate(designation_data(a2, "city", d("2021-01-01"), valid_until=d("2022-12-31")), TODAY)
    late = demonstration.designate(designation_data(b, "district", d("2022-01-01")), TODAY)
    demonstration.end_designation(late, d("2023-12-30"), "撤销", d("2024-01-05"))
    count_in_force = demonstration.count_in_force
    assert count_in_force("city", 2020, None, TODAY) == 0
    assert count_in_force("city", 2021, None, TODAY) == 2  # designated on 31 December counts that year
    assert count_in_force("city", 2022, None, TODAY) == 2  # a term ending on 31 December counts that year
    assert count_in_force("city", 2023, None, TODAY) == 1
    assert count_in_force("district", 2021, None, TODAY) == 0  # designated 1 January of the next year
    assert count_in_force("district", 2022, None, TODAY) == 1
    assert count_in_force("district", 2023, None, TODAY) == 0  # ended on 30 December
    assert count_in_force("joint", 2023, None, TODAY) == 0
    # By the base's district; the current year is read today.
    assert count_in_force("city", 2021, factories.district(A).id, TODAY) == 2
    assert count_in_force("city", 2021, factories.district(B).id, TODAY) == 0
    assert count_in_force("district", 2022, factories.district(B).id, TODAY) == 1
    assert demonstration.stock_day(2023, d("2023-05-06")) == d("2023-05-06")
    assert demonstration.stock_day(2022, d("2023-05-06")) == d("2022-12-31")


def test_the_levels_are_measures_of_the_programme_with_their_presets(world):
    demonstration.designate(designation_data(world["base_a"], "joint", d("2021-03-01")), TODAY)
    demonstration.designate(designation_data(world["base_b"], "city", d("2021-03-01")), TODAY)
    targets.load_presets(YEAR, None, TODAY)
    rows = {m.code: m for m in figures.programme_year(CODE, YEAR, None, TODAY, true())}
    assert (rows["demo_bases_joint"].actual, rows["demo_bases_joint"].target.target.value) == (1, 1)
    assert rows["demo_bases_joint"].target.pace == "met"
    assert (rows["demo_bases_city"].actual, rows["demo_bases_city"].target.target.value) == (1, 10)
    assert (rows["demo_bases_district"].actual, rows["demo_bases_district"].target.target.value) == (0, 30)
    assert rows["demo_bases_city"].unit == "家"
    tianhe = {m.code: m.actual for m in figures.programme_year(CODE, YEAR, factories.district(A).id, TODAY, true())}
    assert tianhe["demo_bases_joint"] == 1 and tianhe["demo_bases_city"] == 0


# --- 3. street/town service stations (004 之三 二、1) -----------------------------------------------

def test_a_station_is_checked_field_by_field(world):
    on = TODAY
    assert "名称" in refused("name", stations.open_station, station_data(name=" "), on)
    refused("district_id", stations.open_station, station_data(district_id=None), on)
    for street in ("石牌", "天河区", "镇", ""):
        assert "街道(镇)" in refused("street", stations.open_station, station_data(street=street), on)
    refused("address", stations.open_station, station_data(address=""), on)
    refused("operator_kind", stations.open_station, station_data(operator_kind="government"), on)
    refused("operator_name", stations.open_station, station_data(operator_name=""), on)
    refused("enterprise_id", stations.open_station, station_data(operator_kind="enterprise", enterprise_id=None), on)
    assert "家政企业" in refused("enterprise_id", stations.open_station,
                               station_data(operator_kind="enterprise", enterprise_id=world["factory"].id), on)
    refused("contact_phone", stations.open_station, station_data(contact_phone="请致电"), on)
    refused("opened_on", stations.open_station, station_data(opened_on=None), on)
    refused("opened_on", stations.open_station, station_data(opened_on=on + timedelta(days=1)), on)
    assert count(ServiceStation) == 0
    # Streets, 街道 and towns are all accepted; opening today is allowed; a firm's name is copied.
    for street in ("石牌街道", "太和镇"):
        stations.open_station(station_data(name=f"{street}服务站", street=street, opened_on=on), on)
    run = stations.open_station(station_data(name="企业运营站", operator_kind="enterprise",
                                             enterprise_id=world["firm"].id, operator_name=""), on)
    assert run.operator_name == "天河好帮手家政有限公司" and run.operator_kind_name == "家政服务企业"


def test_one_station_in_operation_per_name_in_a_district(world):
    first = stations.open_station(station_data(), TODAY)
    assert "同名" in refused("name", stations.open_station, station_data(), TODAY)
    # The same name in another district, or again after the first closed, is a station of its own.
    stations.open_station(station_data(B, street="三元里街"), TODAY)
    stations.close_station(first, d("2023-01-01"), "并入街道党群服务中心", TODAY)
    assert stations.open_station(station_data(opened_on=d("2023-02-01")), TODAY).id != first.id


def test_closing_keeps_the_station_and_freezes_it(world):
    station = stations.open_station(station_data(opened_on=d("2021-05-10")), TODAY)
    refused("closed_on", stations.close_station, station, d("2021-05-09"), "x", TODAY)
    refused("closed_on", stations.close_station, station, TODAY + timedelta(days=1), "x", TODAY)
    refused("closed_on", stations.close_station, station, None, "x", TODAY)
    assert "原因" in refused("close_reason", stations.close_station, station, d("2022-01-01"), "", TODAY)
    assert station.closed_on is None
    stations.close_station(station, d("2021-05-10"), "场地收回", TODAY)  # closing on the opening day
    assert station.is_closed and not station.in_operation(d("2021-05-10"))
    refused("closed_on", stations.close_station, station, d("2022-01-01"), "again", TODAY)
    with pytest.raises(DomainError, match="已于 2021-05-10 关闭"):
        stations.update_station(station, station_data(name="改名"), TODAY)
    assert station.name == "石牌街“羊城家政”基层服务站" and count(ServiceStation) == 1


def test_a_station_in_operation_can_be_corrected(world):
    station = stations.open_station(station_data(), TODAY)
    stations.update_station(station, station_data(address="广州市天河区石牌西路 9 号", operator_kind="enterprise",
                                                  enterprise_id=world["firm"].id), TODAY)
    assert station.address.endswith("9 号") and station.enterprise_id == world["firm"].id
    refused("street", stations.update_station, station, station_data(street="石牌"), TODAY)


def test_stations_count_in_operation_on_the_year_s_last_day(world):
    open_ = stations.open_station
    open_(station_data(name="年末开办站", opened_on=d("2021-12-31")), TODAY)
    open_(station_data(name="次年开办站", opened_on=d("2022-01-01")), TODAY)
    closes_31 = open_(station_data(name="年末关闭站", opened_on=d("2020-03-01")), TODAY)
    stations.close_station(closes_31, d("2021-12-31"), "停办", TODAY)
    closes_1 = open_(station_data(name="元旦关闭站", opened_on=d("2020-03-01")), TODAY)
    stations.close_station(closes_1, d("2022-01-01"), "停办", TODAY)
    open_(station_data(B, name="白云站", street="太和镇", opened_on=d("2021-06-01")), TODAY)
    counted = stations.count_in_operation
    assert counted(2020, None, TODAY) == 2
    # 2021: opened on 31 Dec counts; closed on 31 Dec (no longer operating that day) does not;
    # closed on 1 Jan of the next year still counts.
    assert counted(2021, None, TODAY) == 3
    assert counted(2021, factories.district(A).id, TODAY) == 2
    assert counted(2021, factories.district(B).id, TODAY) == 1
    assert counted(2022, None, TODAY) == 3
    # The current year is read today.
    assert counted(2024, None, d("2024-03-01")) == 3


def test_stations_are_a_measure_with_the_policy_figure(world):
    stations.open_station(station_data(), TODAY)
    stations.open_station(station_data(B, name="太和镇服务站", street="太和镇"), TODAY)
    targets.load_presets(YEAR, None, TODAY)
    rows = {m.code: m for m in figures.programme_year(CODE, YEAR, None, TODAY, true())}
    assert rows["service_stations"].actual == 2 and rows["service_stations"].target.target.value == 174
    measure = catalogue[CODE].extra_measure("service_stations")
    assert measure.records_endpoint == "jiazheng.stations" and "12 月 31 日" in measure.rule
    baiyun = {m.code: m.actual for m in figures.programme_year(CODE, YEAR, factories.district(B).id, TODAY, true())}
    assert baiyun["service_stations"] == 1


# --- HTTP: stations --------------------------------------------------------------------------------

def station_form(district_code=A, **changes) -> dict:
    data = {"name": "猎德街服务站", "district_id": str(factories.district(district_code).id), "street": "猎德街",
            "address": "广州市天河区猎德大道 2 号", "operator_kind": "street_office", "operator_name": "猎德街道办事处",
            "enterprise_id": "", "contact_phone": "020-38880000", "opened_on": "2022-04-01"}
    data.update(changes)
    return data


def test_district_staff_open_and_keep_their_district_s_stations(client, world):
    sign_in(client, "jz_district_a")
    response = client.post("/jiazheng/stations/new", data=station_form())
    assert response.status_code == 302
    station = db.session.scalar(select(ServiceStation))
    assert station.district_id == factories.district(A).id and station.operator_name == "猎德街道办事处"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "猎德街服务站" in page and "关闭服务站" in page
    response = client.post(f"/jiazheng/stations/{station.id}/edit",
                           data=station_form(address="广州市天河区猎德大道 8 号"))
    assert response.status_code == 302 and station.address.endswith("8 号")
    listing = client.get("/jiazheng/stations/").get_data(as_text=True)
    assert "猎德街服务站" in listing and 'data-testid="operating">1<' in listing


def test_district_staff_cannot_open_a_station_elsewhere(client, world):
    sign_in(client, "jz_district_a")
    response = client.post("/jiazheng/stations/new", data=station_form(B, street="太和镇"))
    assert response.status_code == 400
    assert count(ServiceStation) == 0


def test_bad_station_input_is_named_beside_its_field_and_saves_nothing(client, world):
    sign_in(client, "jz_city")
    response = client.post("/jiazheng/stations/new", data=station_form(street="猎德"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r'data-field="street">街道\(镇\)须', html)
    response = client.post("/jiazheng/stations/new", data=station_form(name=""))
    assert response.status_code == 400 and 'data-field="name">请填写服务站名称' in response.get_data(as_text=True)
    response = client.post("/jiazheng/stations/new", data=station_form(operator_kind="enterprise"))
    assert 'data-field="enterprise_id">运营主体为家政服务企业时,请选择运营企业' in response.get_data(as_text=True)
    response = client.post("/jiazheng/stations/new", data=station_form(opened_on="2022-13-01"))
    assert response.status_code == 400 and 'data-field="opened_on"' in response.get_data(as_text=True)
    assert count(ServiceStation) == 0


def test_closing_a_station_over_http(client, world):
    station = stations.open_station(station_data(opened_on=d("2021-05-10")), TODAY)
    db.session.commit()
    sign_in(client, "jz_district_a")
    response = client.post(f"/jiazheng/stations/{station.id}/close",
                           data={"closed_on": "2021-05-01", "close_reason": "停办"})
    assert response.status_code == 400
    assert 'data-field="closed_on">关闭日期不能早于开办日期' in response.get_data(as_text=True)
    assert station.closed_on is None
    response = client.post(f"/jiazheng/stations/{station.id}/close", data={"closed_on": "2023-01-31", "close_reason": ""})
    assert response.status_code == 400 and station.closed_on is None
    response = client.post(f"/jiazheng/stations/{station.id}/close",
                           data={"closed_on": "2023-01-31", "close_reason": "场地收回"})
    assert response.status_code == 302 and station.closed_on == d("2023-01-31")
    assert client.get(f"/jiazheng/stations/{station.id}/edit").status_code == 302  # closed: no longer edited
    closed = client.get("/jiazheng/stations/?status=closed").get_data(as_text=True)
    assert station.name in closed
    assert station.name not in client.get("/jiazheng/stations/?status=open").get_data(as_text=True)
    assert count(ServiceStation) == 1


@pytest.mark.parametrize("path", ["", "/edit"])
def test_another_district_s_station_is_not_found(client, world, path):
    station = stations.open_station(station_data(), TODAY)
    db.session.commit()
    sign_in(client, "jz_district_b")
    assert client.get(f"/jiazheng/stations/{station.id}{path}").status_code == 404
    response = client.post(f"/jiazheng/stations/{station.id}/close", data={"closed_on": "2023-01-31", "close_reason": "x"})
    assert response.status_code == 404 and station.closed_on is None
    assert station.name not in client.get("/jiazheng/stations/").get_data(as_text=True)


@pytest.mark.parametrize("username", ["jz_base_a", "jz_enterprise"])
def test_stations_are_the_bureau_s(client, world, username):
    station = stations.open_station(station_data(), TODAY)
    db.session.commit()
    sign_in(client, username)
    assert client.get("/jiazheng/stations/").status_code == 403
    assert client.get(f"/jiazheng/stations/{station.id}").status_code == 403
    assert client.post("/jiazheng/stations/new", data=station_form()).status_code == 403
    assert count(ServiceStation) == 1


def test_city_staff_see_every_district_and_filter(client, world):
    stations.open_station(station_data(), TODAY)
    stations.open_station(station_data(B, name="太和镇服务站", street="太和镇", opened_on=d("2022-06-01")), TODAY)
    db.session.commit()
    sign_in(client, "jz_city")
    everything = client.get("/jiazheng/stations/").get_data(as_text=True)
    assert "石牌街“羊城家政”基层服务站" in everything and "太和镇服务站" in everything
    baiyun = client.get(f"/jiazheng/stations/?district={factories.district(B).id}").get_data(as_text=True)
    assert "太和镇服务站" in baiyun and "石牌街“羊城家政”" not in baiyun
    year_2021 = client.get("/jiazheng/stations/?year=2021").get_data(as_text=True)
    assert "石牌街“羊城家政”基层服务站" in year_2021 and "太和镇服务站" not in year_2021
    assert client.get("/jiazheng/stations/?year=abc").status_code == 400


def test_the_measure_s_figure_opens_its_stations(client, world):
    sign_in(client, "jz_city")
    response = client.get(f"/reconciliation/detail?programme_code={CODE}&measure=service_stations&year=2023")
    assert response.status_code == 302 and response.headers["Location"].endswith("/jiazheng/stations/?year=2023")
    response = client.get(f"/reconciliation/detail?programme_code={CODE}&measure=demo_bases_district&year=2023")
    assert response.headers["Location"].endswith("/jiazheng/demonstration-bases/district?year=2023")


# --- HTTP: demonstration bases -------------------------------------------------------------------

def designation_form(base, **changes) -> dict:
    data = {"base_id": str(base.id), "level": "city", "designated_on": "2022-03-01",
            "designated_by": "广州市人力资源和社会保障局", "document_number": "穗人社函〔2022〕12号", "valid_until": ""}
    data.update(changes)
    return data


def test_city_staff_designate_at_any_level_and_list_by_level(client, world):
    sign_in(client, "jz_city")
    form = client.get("/jiazheng/demonstration-bases/new").get_data(as_text=True)
    assert "天河家政培训中心" in form and "天河粤菜学校" not in form  # only bases of the programme
    assert client.post("/jiazheng/demonstration-bases/new", data=designation_form(world["base_a"], level="joint")) \
        .status_code == 302
    assert client.post("/jiazheng/demonstration-bases/new", data=designation_form(world["base_b"])).status_code == 302
    listing = client.get("/jiazheng/demonstration-bases/").get_data(as_text=True)
    counts = dict(re.findall(r'data-level="(\w+)">.*?data-testid="level-count">(\d+)<', listing, re.S))
    assert counts == {"joint": "1", "city": "1", "district": "0"}
    city_only = client.get("/jiazheng/demonstration-bases/city").get_data(as_text=True)
    assert "白云家政培训学校" in city_only and "天河家政培训中心" not in city_only


def test_district_staff_designate_only_their_district_s_district_level(client, world):
    sign_in(client, "jz_district_a")
    form = client.get("/jiazheng/demonstration-bases/new").get_data(as_text=True)
    assert "白云家政培训学校" not in form and 'value="city"' not in form
    response = client.post("/jiazheng/demonstration-bases/new", data=designation_form(world["base_a"]))
    assert response.status_code == 400  # 市级 is not theirs to designate
    response = client.post("/jiazheng/demonstration-bases/new", data=designation_form(world["base_b"], level="district"))
    assert response.status_code == 400 and 'data-field="base_id"' in response.get_data(as_text=True)
    assert count(DemonstrationDesignation) == 0
    response = client.post("/jiazheng/demonstration-bases/new", data=designation_form(
        world["base_a"], level="district", designated_by="广州市天河区人力资源和社会保障局"))
    assert response.status_code == 302
    assert db.session.scalar(select(DemonstrationDesignation.level)) == "district"


def test_bad_designation_input_is_named_and_saves_nothing(client, world):
    sign_in(client, "jz_city")
    response = client.post("/jiazheng/demonstration-bases/new",
                           data=designation_form(world["base_a"], designated_on="2022-03-01", valid_until="2022-01-01"))
    assert response.status_code == 400
    assert 'data-field="valid_until">有效期至不能早于认定日期' in response.get_data(as_text=True)
    response = client.post("/jiazheng/demonstration-bases/new", data=designation_form(world["chef_school"]))
    assert response.status_code == 400 and "没有有效的南粤家政培训基地认定" in response.get_data(as_text=True)
    response = client.post("/jiazheng/demonstration-bases/new", data=designation_form(world["base_a"], designated_by=""))
    assert 'data-field="designated_by">请填写认定单位' in response.get_data(as_text=True)
    assert count(DemonstrationDesignation) == 0


def test_ending_a_designation_over_http(client, world):
    designation = demonstration.designate(designation_data(world["base_a"], "district", d("2021-03-01"),
                                                           designated_by="天河区人社局"), TODAY)
    db.session.commit()
    sign_in(client, "jz_district_b")
    assert client.get(f"/jiazheng/demonstration-bases/{designation.id}/end").status_code == 404
    sign_in(client, "jz_base_a")
    assert "天河家政培训中心" in client.get("/jiazheng/demonstration-bases/").get_data(as_text=True)
    assert client.post(f"/jiazheng/demonstration-bases/{designation.id}/end",
                       data={"ended_on": "2023-01-01", "end_reason": "x"}).status_code == 403
    sign_in(client, "jz_district_a")
    response = client.post(f"/jiazheng/demonstration-bases/{designation.id}/end",
                           data={"ended_on": "2020-12-31", "end_reason": "评估不合格"})
    assert response.status_code == 400
    assert 'data-field="ended_on">结束日期不能早于认定日期' in response.get_data(as_text=True)
    assert designation.ended_on is None
    response = client.post(f"/jiazheng/demonstration-bases/{designation.id}/end",
                           data={"ended_on": "2023-06-30", "end_reason": "年度评估不合格"})
    assert response.status_code == 302 and designation.ended_on == d("2023-06-30")
    listing = client.get("/jiazheng/demonstration-bases/?status=all").get_data(as_text=True)
    assert "年度评估不合格" in listing and count(DemonstrationDesignation) == 1
    # An ended designation has nothing left to end.
    assert 'data-testid="not-in-force"' in client.get(f"/jiazheng/demonstration-bases/{designation.id}/end") \
        .get_data(as_text=True)
    response = client.post(f"/jiazheng/demonstration-bases/{designation.id}/end",
                           data={"ended_on": "2023-07-31", "end_reason": "再次结束"})
    assert response.status_code == 400 and designation.ended_on == d("2023-06-30")


def test_another_district_s_bases_are_not_listed(client, world):
    demonstration.designate(designation_data(world["base_b"], "city"), TODAY)
    db.session.commit()
    sign_in(client, "jz_district_a")
    assert "白云家政培训学校" not in client.get("/jiazheng/demonstration-bases/").get_data(as_text=True)
    sign_in(client, "jz_city")
    assert "白云家政培训学校" in client.get("/jiazheng/demonstration-bases/").get_data(as_text=True)


def test_a_lapsed_recognition_is_flagged_for_review(client, world):
    base = world["base_a2"]
    demonstration.designate(designation_data(base, "city", d("2021-03-01")), TODAY)
    org_ops.end_recognition(base.recognitions[0], TODAY - timedelta(days=1))
    db.session.commit()
    sign_in(client, "jz_city")
    html = client.get("/jiazheng/demonstration-bases/").get_data(as_text=True)
    row = html.split('data-designation=')[1].split("</tr>")[0]
    assert "天河养老护理学校" in row and 'data-testid="recognition-lapsed"' in row


# --- 4. the landing page: record links, measures, the card panel -----------------------------------

def links(html: str) -> dict[str, str]:
    """Label → the count shown on each record link of the landing page."""
    section = html.split('data-testid="records"')[1].split("</section>")[0]
    found = {}
    for item in section.split("<a ")[1:]:
        label = re.search(r"<span>([^<]+)", item).group(1).strip()
        number = re.search(r'data-testid="record-count">(\d+)<', item)
        found[label] = number.group(1) if number else ""
    return found


def test_landing_page_links_and_measures_by_role(client, world):
    demonstration.designate(designation_data(world["base_a"], "city"), TODAY)
    demonstration.designate(designation_data(world["base_b"], "district", designated_by="白云区人社局"), TODAY)
    stations.open_station(station_data(), TODAY)
    stations.open_station(station_data(B, name="太和镇服务站", street="太和镇"), TODAY)
    targets.load_presets(YEAR, None, TODAY)
    db.session.commit()
    sign_in(client, "jz_city")
    html = client.get(f"/programmes/{CODE}/").get_data(as_text=True)
    assert links(html)["家政服务培训示范基地"] == "2" and links(html)["基层服务站"] == "2"
    progress = html.split('data-testid="progress"')[1].split("</table>")[0]
    station_row = progress.split('data-measure="service_stations"')[1].split("</tr>")[0]
    assert "2 家" in station_row and ">174<" in station_row
    assert ">30<" in progress.split('data-measure="demo_bases_district"')[1].split("</tr>")[0]
    sign_in(client, "jz_district_a")
    html = client.get(f"/programmes/{CODE}/").get_data(as_text=True)
    assert links(html)["家政服务培训示范基地"] == "1" and links(html)["基层服务站"] == "1"
    sign_in(client, "jz_base_a")
    html = client.get(f"/programmes/{CODE}/").get_data(as_text=True)
    assert links(html)["家政服务培训示范基地"] == "1" and "基层服务站" not in links(html)
    assert 'data-measure="service_stations"' not in html  # tallies count the whole city: not a base's
    assert "上门服务证" in links(html) and 'data-testid="cards-panel"' in html


@pytest.fixture
def card_world(app, world):
    ring = KeyRing(app.config["REGISTRY_KEYS_DIR"])
    checker = db.session.scalar(select(User).where(User.username == "jz_city"))
    rules = rules_for(CODE)
    issued = []
    for n, occupation in enumerate(("housekeeper", "elderly_carer", "infant_carer", "housekeeper")):
        person, _ = factories.card_worker(ring, checker, world["base_a"], name="持证人" + "甲乙丙丁"[n], occupation_code=occupation)
        issued.append(cards.issue_card(person, rules, ring, factories.district(A), world["base_a"]))
    cards.revoke(issued[3], "left_trade", "本人申请")
    records.record_credit(issued[2].trainee, "black", "投诉属实", TODAY)
    # The second holder's last training ended two years ago less a month: 回炉 due within 60 days.
    session = db.session.scalar(select(TrainingSession).join(Enrollment).where(
        Enrollment.trainee_id == issued[1].trainee_id))
    session.end_date = TODAY - timedelta(days=365 * 2 - 30)
    session.start_date = session.end_date - timedelta(days=20)
    db.session.commit()
    return issued


def test_the_card_panel_counts_with_the_card_rules(client, card_world):
    figures_ = card_figures(true(), YEAR, TODAY)
    assert (figures_.issued, figures_.replaced, figures_.active, figures_.revoked) == (4, 0, 3, 1)
    assert figures_.revoked_in_year == 1 and figures_.blacklisted == 1 and figures_.retraining == 1
    assert figures_.by_track == {"maternal": 1, "household": 1, "elderly": 1, "medical": 0}
    sign_in(client, "jz_city")
    html = client.get(f"/programmes/{CODE}/").get_data(as_text=True)
    panel = html.split('data-testid="cards-panel"')[1].split("</table>")[0]
    for figure, link, value in (("issued", f"year={YEAR}", 4), ("active", "status=active", 3),
                                ("retraining", "reminder=retraining", 1), ("blacklisted", "reminder=blacklisted", 1),
                                ("revoked", "status=revoked", 1)):
        row = panel.split(f'data-figure="{figure}"')[1].split("</tr>")[0]
        assert re.search(rf'href="/service-cards/\?{link}">{value}</a>', row), figure
        # Each figure equals the card list it opens.
        listing = client.get(f"/service-cards/?{link}").get_data(as_text=True)
        assert len(re.findall(r'href="/service-cards/\d+"', listing)) >= value
    assert links(html)["上门服务证"] == "3" and links(html)["回炉培训提醒"] == "1"


def test_the_card_panel_keeps_to_the_viewer_s_cards(client, card_world):
    sign_in(client, "jz_district_b")
    html = client.get(f"/programmes/{CODE}/").get_data(as_text=True)
    panel = html.split('data-testid="cards-panel"')[1].split("</table>")[0]
    assert re.search(r'data-figure="active".*?>0</a>', panel, re.S)
    sign_in(client, "jz_district_a")
    html = client.get(f"/programmes/{CODE}/").get_data(as_text=True)
    panel = html.split('data-testid="cards-panel"')[1].split("</table>")[0]
    assert re.search(r'data-figure="active".*?>3</a>', panel, re.S)


# --- the demo data ---------------------------------------------------------------------------------

def test_demo_records_go_through_the_rules_and_show(app, client):
    from registry.demo import seed_demo

    counts = seed_demo("test")
    assert counts["示范基地认定"] == count(DemonstrationDesignation) >= 3
    assert counts["基层服务站"] == count(ServiceStation) >= 6
    assert db.session.scalar(select(func.count(ServiceStation.id)).where(ServiceStation.closed_on.is_not(None))) == 1
    superseded = db.session.scalar(select(DemonstrationDesignation).where(DemonstrationDesignation.ended_on.is_not(None)))
    assert superseded is not None and "省市共建" in superseded.end_reason
    db.session.commit()
    sign_in(client, "city", "registry-demo")
    html = client.get(f"/programmes/{CODE}/").get_data(as_text=True)
    assert int(links(html)["基层服务站"]) == stations.count_in_operation(YEAR, None)
    assert int(links(html)["家政服务培训示范基地"]) == sum(
        demonstration.count_in_force(level, YEAR, None) for level in ("joint", "city", "district"))
