"""What the pages of the two person registers share (the rural labourers' register, views_rural.py,
and the veterans' intakes, views_veterans.py): a row's district, the person a new row names, and
the POST that corrects a row."""
from __future__ import annotations

from flask import request
from flask_login import current_user

from ....auth.permissions import person_row_district, require
from ...forms_common import district_choices, save_form
from . import people


def offer_districts(form) -> None:
    """District staff register people of their own district; others choose."""
    own = person_row_district(current_user)
    form.district_id.choices = district_choices(own) if own else [(0, "请选择")] + district_choices()


def row_district(form) -> int | None:
    """The row's district: a district's staff's own, else the one chosen (none: the rules say so)."""
    return person_row_district(current_user) or form.district_id.data or None


def new_person(form) -> people.PersonData:
    """The person a new row names (found by document, or registered as a trainee); only the veterans'
    form asks for the hukou type."""
    hukou_type = form.hukou_type.data or "" if "hukou_type" in form else ""
    return people.PersonData(form.document_type.data, form.document_number.data, form.name.data, hukou_type,
                             phone=form.phone.data or "")


def corrected(form, can_edit: bool, update) -> bool:
    """A POST to a row's page corrects it, which only its keepers may (403 for others): True once
    ``update`` is saved, False on a GET or when the form or the rules refuse it."""
    if request.method != "POST":
        return False
    require(can_edit)
    return form.validate_on_submit() and save_form(form, update, "已保存。")
