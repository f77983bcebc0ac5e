"""Numbers no record can have, typed into a URL: an answer in Chinese (404, or the filter ignored),
never a database error. PostgreSQL's integer ends at 2**31 - 1 and SQLite's at 2**63 - 1."""
import re

import pytest
from werkzeug.routing import IntegerConverter

from registry.extensions import MAX_RECORD_ID, db
from tests import factories

HUGE = str(10**20)
#: Query arguments the list pages read as numbers.
NUMBER_ARGS = ("page", "base", "district", "year", "left_year", "intake_year", "stars", "trainee_id")


def _get_rules(app, with_numbers: bool):
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static" or rule.endpoint.startswith(("bootstrap.", "auth.")):
            continue
        numbered = any(isinstance(converter, IntegerConverter) for converter in rule._converters.values())
        if numbered == with_numbers:
            yield rule


def _path(rule, number: str) -> str:
    """The rule's path with every number argument ``number`` and every other argument a plain word."""
    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", lambda m: number if m.group(1) == "int" else "x", rule.rule)


@pytest.fixture
def city(client):
    factories.user("numbers-city", "city")
    db.session.commit()  # the public scan pages end their read transaction first (on SQLite)
    factories.login(client, "numbers-city")
    return client


def test_a_record_id_past_the_databases_integer_is_not_found(app, city):
    paths = [_path(rule, HUGE) for rule in _get_rules(app, with_numbers=True)]
    assert len(paths) > 40  # every page of one record: sessions, trainees, certificates, cards, batches …
    answers = {path: city.get(path).status_code for path in paths}
    assert {path: status for path, status in answers.items() if status != 404} == {}
    # the largest id a record can have still reaches the page (which then finds no record)
    assert city.get(f"/sessions/{MAX_RECORD_ID}").status_code == 404
    assert city.get(f"/sessions/{MAX_RECORD_ID + 1}").status_code == 404


def test_list_filters_and_page_numbers_past_any_record_are_answered_not_failed(app, city):
    query = "&".join(f"{name}={HUGE}" for name in NUMBER_ARGS)
    failed = {}
    for rule in _get_rules(app, with_numbers=False):
        path = _path(rule, "1")
        status = city.get(f"{path}?{query}").status_code
        if status >= 500:
            failed[path] = status
    assert failed == {}
    # a page past the last shows the last page (a narrowed filter, an old link); a filter past any record finds nothing
    last = city.get(f"/sessions/?page={HUGE}")
    assert last.status_code == 200 and "培训班期" in last.text
    page = city.get(f"/sessions/?base={HUGE}&district={HUGE}")
    assert page.status_code == 200 and "培训班期" in page.text
    # a year no page is about is refused with the reason, as on every page that takes one
    cards = city.get(f"/service-cards/?year={HUGE}")
    assert cards.status_code == 400 and "年份" in cards.text


def test_a_target_for_a_year_past_any_is_refused_by_the_form(city):
    response = city.post("/reconciliation/targets/new", data={"year": HUGE, "programme_code": "yuecai",
                                                             "measure_code": "trainings", "value": "100"})
    assert response.status_code == 400 and "年度须在" in response.text
