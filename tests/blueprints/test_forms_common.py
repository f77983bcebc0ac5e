"""The view helpers several blueprints share: ``forms_common.saving`` (the one place a submitted form's
operations are committed, or undone with the error beside its field) and the list filters of the
粤菜师傅 pages (one helper behind the year and district filters of chefs, studios and competitions)."""
from __future__ import annotations

from datetime import date

import pytest
from flask import abort
from werkzeug.exceptions import Forbidden
from wtforms import StringField

from registry.blueprints.forms_common import saving
from registry.blueprints.yuecai import studios
from registry.domain.common import today
from registry.domain.errors import DomainError
from registry.extensions import db
from registry.forms import RegistryForm
from tests import factories

TIANHE, PANYU = "440106", "440113"


class NameForm(RegistryForm):
    name = StringField("名称")


def renamed(new_name: str) -> str:
    """A change inside the block: Tianhe district renamed."""
    district = factories.district(TIANHE)
    district.name = new_name
    return district.name


def stored_name() -> str:
    db.session.rollback()  # whatever was not committed goes
    return factories.district(TIANHE).name


def test_saving_commits_the_block(app):
    with app.test_request_context(method="POST"):
        form = NameForm()
        with saving(form) as saved:
            renamed("天河区(改)")
        assert saved.ok and not form.errors and not form.form_errors
        assert stored_name() == "天河区(改)"


@pytest.mark.parametrize("field", ["name", None, "no_such_field"])
def test_saving_undoes_the_block_and_shows_the_domain_error(app, field):
    with app.test_request_context(method="POST"):
        original = factories.district(TIANHE).name
        form = NameForm()
        with saving(form) as saved:
            renamed("天河区(改)")
            raise DomainError("名称不对", field)
        assert not saved.ok and stored_name() == original
        # Beside its field when the form has it, else at the top of the form.
        if field == "name":
            assert form.name.errors == ["名称不对"] and form.form_errors == []
        else:
            assert form.form_errors == ["名称不对"]


def test_saving_lets_other_exceptions_through_uncommitted(app):
    with app.test_request_context(method="POST"):
        original = factories.district(TIANHE).name
        form = NameForm()
        with pytest.raises(Forbidden):
            with saving(form) as saved:
                renamed("天河区(改)")
                abort(403)
        assert not saved.ok and not form.form_errors and stored_name() == original


def studio_data(name: str, recognised_on: date) -> studios.StudioData:
    return studios.StudioData("master", name, "city", "广州市人力资源和社会保障局", recognised_on)


def test_yuecai_lists_filter_by_the_year_as_measured_and_by_district(client):
    last_year = today().year - 1
    tianhe, panyu = factories.base("天河粤菜学校", TIANHE), factories.base("番禺餐饮协会", PANYU)
    factories.user("city", "city")
    lead = factories.trainee("黎国荣")
    ended = studios.create_studio(tianhe, lead, studio_data("甲工作室", date(last_year, 3, 1)), today())
    studios.end_studio(ended, date(last_year, 6, 1), "撤销", today())
    studios.create_studio(panyu, lead, studio_data("乙工作室", date(last_year, 12, 31)), today())
    studios.create_studio(tianhe, lead, studio_data("丙工作室", today()), today())
    db.session.commit()
    factories.login(client, "city")

    def listed(query: str) -> set[str]:
        page = client.get(f"/yuecai/studios/?{query}").text
        return {name for name in ("甲工作室", "乙工作室", "丙工作室") if name in page}

    assert listed(f"year={last_year}") == {"甲工作室", "乙工作室"}  # a year's: ended ones too
    assert listed("") == {"乙工作室", "丙工作室"}  # no year: the standing ones
    assert listed(f"district={factories.district(TIANHE).id}") == {"丙工作室"}
    assert listed(f"year={last_year}&district={factories.district(TIANHE).id}") == {"甲工作室"}
