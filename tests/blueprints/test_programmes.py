"""Programme landing pages: the policy with its sources, the recognised bases, current sessions and
the year's measures against targets, each viewer held to their jurisdiction; what packages register."""
import re
from datetime import date, timedelta

import pytest

from registry.blueprints.programmes import landing
from registry.domain.catalogue import catalogue
from registry.domain.common import today
from registry.domain.organisations import operations as org_ops
from registry.domain.reconciliation import targets
from registry.extensions import db
from tests import factories

YEAR = today().year
A, B = "440106", "440111"


@pytest.fixture
def world():
    base_a = factories.base("天河粤菜基地", A, programmes=("yuecai", "jiazheng"))
    base_b = factories.base("白云粤菜基地", B, programmes=("yuecai",))
    lapsed = factories.base("已过期认定基地", A, programmes=())
    recognition = org_ops.add_recognition(lapsed, "yuecai", "district", date(2019, 1, 1))
    org_ops.end_recognition(recognition, date(2020, 12, 31))
    finished_a = factories.session(base_a, start_date=date(YEAR, 1, 5), end_date=date(YEAR, 1, 20), code="LA-DONE")
    finished_b = factories.session(base_b, start_date=date(YEAR, 1, 5), end_date=date(YEAR, 1, 20), code="LB-DONE")
    for n in range(4):
        person = factories.trainee("天河学员" + "甲乙丙丁"[n], document_number=factories.id_number(date(1990, 2, n + 1)))
        factories.enrollment(finished_a, person, "passed" if n < 3 else "failed")
    withdrawn = factories.trainee("退训学员", document_number=factories.id_number(date(1990, 3, 1)))
    factories.enrollment(finished_a, withdrawn, status="withdrawn")
    for n in range(2):
        person = factories.trainee("白云学员" + "甲乙"[n], document_number=factories.id_number(date(1991, 2, n + 1)))
        factories.enrollment(finished_b, person, "passed")
    factories.session(base_a, start_date=today() + timedelta(days=10), status="open", code="LA-NEXT")
    factories.session(base_b, start_date=today() + timedelta(days=12), status="planned", code="LB-NEXT")
    targets.set_target(targets.TargetData(YEAR, "yuecai", "trainings", 12), None, date(YEAR, 1, 1))
    factories.user("p_city", "city")
    factories.user("p_district", "district", district_id=factories.district(A).id)
    factories.user("p_base", "base", base_id=base_a.id)
    db.session.commit()
    return {"base_a": base_a, "base_b": base_b}


def measure_cells(html: str) -> dict[str, list[str]]:
    """Measure code → the cells of its row in the progress table after the measure's name, as shown."""
    table = html.split('data-testid="progress"')[1].split("</table>")[0]
    rows = {}
    for code, row in re.findall(r'<tr data-measure="([^"]+)"[^>]*>(.*?)</tr>', table, re.S):
        rows[code] = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip()
                      for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)][1:]
    return rows


def section(html: str, testid: str) -> str:
    return html.split(f'data-testid="{testid}"')[1].split("</section>")[0]


def test_every_programme_has_a_landing_page_listed_on_the_index(client, world):
    factories.login(client, "p_city")
    index = client.get("/programmes/").get_data(as_text=True)
    for programme in catalogue.all():
        assert f'href="/programmes/{programme.code}/?year={YEAR}"' in index
        assert client.get(f"/programmes/{programme.code}/").status_code == 200
    card = index.split('data-programme="yuecai"')[1].split("</a>")[0]
    assert 'data-testid="trainings">6<' in card and "目标 12" in card


def test_landing_page_states_the_policy_with_its_sources(client, world):
    factories.login(client, "p_city")
    html = client.get("/programmes/yuecai/").get_data(as_text=True)
    policy = section(html, "policy")
    programme = catalogue["yuecai"]
    assert programme.summary in policy
    for source in programme.sources:
        assert f"{source.document} {source.item}" in policy
    assert "穗人社函〔2020〕22号" in policy
    assert "中式烹调师" in section(html, "occupations")


INTERNAL_CITATION = re.compile(r"[(（]00\d[)）]|(?<![\d.-])00\d 之|\.txt\b|DOMAIN|issue \d|文件 0")


def test_landing_pages_cite_the_documents_not_the_policy_files(client, world):
    """Users see 穗人社函〔2020〕22号 之九 二, never the registry's file numbers or names (004, 004_….txt)."""
    factories.login(client, "p_city")
    for programme in catalogue.all():
        html = client.get(f"/programmes/{programme.code}/").get_data(as_text=True)
        assert not INTERNAL_CITATION.search(html), (programme.code, INTERNAL_CITATION.search(html))
        for source in programme.sources:
            assert source.file not in html
            assert f"{source.document} {source.item}" in section(html, "policy")


def test_city_sees_the_city_measures_against_targets(client, world):
    factories.login(client, "p_city")
    html = client.get("/programmes/yuecai/").get_data(as_text=True)
    rows = measure_cells(html)
    # 6 人次 (the withdrawal does not count) against 12: 50%.
    assert rows["trainings"][:3] == ["6 人次", "12", "50.0%"]
    assert rows["persons"][0] == "6 人"
    assert rows["passed"][0] == "5 人次"
    assert rows["passed"][1] == "未设定"
    assert rows["assisted_region_trainings"][0] == "0 人次"


def test_recognised_bases_and_current_sessions(client, world):
    factories.login(client, "p_city")
    html = client.get("/programmes/yuecai/").get_data(as_text=True)
    bases = section(html, "bases")
    assert "天河粤菜基地" in bases and "白云粤菜基地" in bases
    assert "已过期认定基地" not in bases, "a lapsed recognition is not a recognised base"
    assert "市级 2 家" in bases
    sessions = section(html, "sessions")
    assert "LA-NEXT" in sessions and "LB-NEXT" in sessions
    assert "LA-DONE" not in sessions, "a finished session is not current"
    assert "共 2 期" in sessions


def test_district_staff_see_their_district_only(client, world):
    factories.login(client, "p_district")
    html = client.get("/programmes/yuecai/").get_data(as_text=True)
    assert "天河区完成情况" in html
    rows = measure_cells(html)
    assert rows["trainings"][0] == "4 人次"
    assert rows["trainings"][1] == "未设定", "the city's target is not the district's"
    assert "白云粤菜基地" not in section(html, "bases")
    assert "LB-NEXT" not in section(html, "sessions")


def test_base_users_see_their_own_figures_without_targets(client, world):
    factories.login(client, "p_base")
    html = client.get("/programmes/yuecai/").get_data(as_text=True)
    assert "本单位完成情况" in html
    rows = measure_cells(html)
    assert rows["trainings"] == ["4 人次"]
    assert "LB-NEXT" not in html and "白云粤菜基地" not in html
    index = client.get("/programmes/").get_data(as_text=True)
    assert "目标 12" not in index


def test_track_table_for_a_programme_with_tracks(client, world):
    base_a = world["base_a"]
    finished = factories.session(base_a, "jiazheng", "housekeeper", 5, track_code="household",
                                 start_date=date(YEAR, 2, 1), end_date=date(YEAR, 2, 10))
    person = factories.trainee("家政学员", document_number=factories.id_number(date(1985, 5, 5), male=False))
    factories.enrollment(finished, person, "passed")
    targets.set_target(targets.TargetData(YEAR, "jiazheng", "trainings", 10, track_code="household"), None,
                       date(YEAR, 1, 1))
    db.session.commit()
    factories.login(client, "p_city")
    html = client.get("/programmes/jiazheng/").get_data(as_text=True)
    track_row = section(html, "progress").split('data-track="household"')[1].split("</tr>")[0]
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", track_row, re.S)]
    assert cells[:2] == ["居家", "1"]
    assert cells[5] == "10"


def test_unknown_programme_and_bad_year(client, world):
    factories.login(client, "p_city")
    assert client.get("/programmes/nothing/").status_code == 404
    assert client.get("/programmes/yuecai/?year=20x5").status_code == 400
    assert client.get("/programmes/?year=1800").status_code == 400


def test_signed_out_visitors_are_sent_to_sign_in(client, world):
    response = client.get("/programmes/yuecai/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_packages_add_record_links_and_panels(app, client, world, monkeypatch):
    monkeypatch.setattr(landing, "_LINKS", {"yuecai": [
        landing.RecordLink("测试记录", "bases.index", "说明文字", count=lambda user: 7, roles=("city",)),
    ]})
    monkeypatch.setattr(landing, "_PANELS", {"yuecai": [
        landing.Panel("测试面板", "programmes/_test_panel.html", lambda user, year: {"value": year}, roles=("city",)),
    ]})
    monkeypatch.setattr(landing, "_TRAINEE_SECTIONS", [])
    from flask import current_app
    from jinja2 import ChoiceLoader, DictLoader

    monkeypatch.setattr(current_app.jinja_env, "loader",
                        ChoiceLoader([DictLoader({"programmes/_test_panel.html": "<p id=panel-value>{{ ctx.value }}</p>"}),
                                      current_app.jinja_env.loader]))
    factories.login(client, "p_city")
    html = client.get("/programmes/yuecai/").get_data(as_text=True)
    records = section(html, "records")
    assert "测试记录" in records and 'data-testid="record-count">7<' in records
    assert f"<p id=panel-value>{YEAR}</p>" in html
    base_client = app.test_client()
    factories.login(base_client, "p_base")
    html = base_client.get("/programmes/yuecai/").get_data(as_text=True)
    assert "测试记录" not in html and "测试面板" not in html, "links and panels are shown to the roles they name"


def test_packages_add_sections_to_a_trainees_record(client, world, monkeypatch):
    from flask import current_app
    from jinja2 import ChoiceLoader, DictLoader

    person = factories.trainee("记录学员", registered_base_id=world["base_a"].id,
                               document_number=factories.id_number(date(1992, 4, 4)))
    quiet = factories.trainee("无记录学员", registered_base_id=world["base_a"].id,
                              document_number=factories.id_number(date(1992, 4, 5)))
    db.session.commit()
    monkeypatch.setattr(landing, "_TRAINEE_SECTIONS", [landing.TraineeSection(
        "竞赛成绩", "programmes/_test_section.html",
        lambda user, trainee: {"name": trainee.name} if trainee.id == person.id else None)])
    monkeypatch.setattr(current_app.jinja_env, "loader", ChoiceLoader([
        DictLoader({"programmes/_test_section.html": "<p id=section-name>{{ ctx.name }}</p>"}),
        current_app.jinja_env.loader]))
    factories.login(client, "p_base")
    html = client.get(f"/trainees/{person.id}").get_data(as_text=True)
    assert "竞赛成绩" in html and "<p id=section-name>记录学员</p>" in html
    assert "竞赛成绩" not in client.get(f"/trainees/{quiet.id}").get_data(as_text=True)
