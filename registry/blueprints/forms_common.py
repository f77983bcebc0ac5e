"""Form pieces shared by several blueprints."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date

from sqlalchemy import select
from wtforms import DateField, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..domain.errors import DomainError
from ..domain.organisations.models import District
from ..extensions import MAX_RECORD_ID, db
from ..forms import RegistryForm


def _named_value(field, valuelist, convert, message: str):
    """``convert`` of the typed text, None when empty; bad input reported with the field's name."""
    if not valuelist or not valuelist[0].strip():
        field.data = None
        return
    try:
        field.data = convert(valuelist[0].strip())
    except ValueError:
        field.data = None
        raise ValueError(f"「{field.label.text}」{message}") from None


class NamedIntegerField(IntegerField):
    """An integer whose bad input is reported with the field's name (「学制」应为整数)."""

    def process_formdata(self, valuelist):
        _named_value(self, valuelist, int, "应为整数")


class NamedDateField(DateField):
    """A date whose bad input is reported with the field's name."""

    def process_formdata(self, valuelist):
        _named_value(self, valuelist, date.fromisoformat, "应为有效日期(年-月-日)")


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def district_choices(only_id: int | None = None) -> list[tuple[int, str]]:
    query = select(District).order_by(District.code)
    if only_id is not None:
        query = query.where(District.id == only_id)
    return [(d.id, d.name) for d in db.session.scalars(query)]

def attach_error(form: RegistryForm, error: DomainError) -> None:
    """Show a domain error beside its field, or at the top of the form when it names none."""
    target = getattr(form, error.field, None) if error.field else None
    if target is not None:
        target.errors = list(target.errors) + [error.message]
    else:
        form.form_errors.append(error.message)

class OrganisationForm(RegistryForm):
    name = StringField("名称", validators=[DataRequired("请填写名称"), Length(max=120)])
    credit_code = StringField(
        "统一社会信用代码", validators=[DataRequired("请填写统一社会信用代码"), Length(max=40)],
        description="18 位,可含字母;空格和横线会自动去除",
    )
    kind = SelectField("类型")
    district_id = SelectField("所在区", coerce=int)
    address = StringField("地址", validators=[Optional(), Length(max=200)])
    contact_name = StringField("联系人", validators=[Optional(), Length(max=40)])
    contact_phone = StringField("联系电话", validators=[Optional(), Length(max=20)])

def named_or_coded(model, text: str):
    """The organisation lists' search box: a name containing the text, or a credit code (kept in capitals)."""
    from sqlalchemy import or_

    return or_(model.name.contains(text), model.credit_code.contains(text.upper()))


def record_id(value: str | None) -> int | None:
    """A number from a URL's query (a filter's base or district, a year, a person to prefill) as an int,
    or None when it is not one a record could have (past MAX_RECORD_ID the databases refuse it)."""
    value = (value or "").strip()
    if value.isascii() and value.isdigit() and int(value) <= MAX_RECORD_ID:
        return int(value)
    return None


def record_choice(value) -> int:
    """``coerce=`` of a select whose values are record ids: a number no record can have is not a
    choice (WTForms then says so, in Chinese), rather than a number the database refuses."""
    number = value if isinstance(value, int) and 0 <= value <= MAX_RECORD_ID else record_id(str(value))
    if number is None:
        raise ValueError(value)
    return number


def filter_args() -> dict[str, str]:
    """The list page's filters, without the page number (the pager adds its own)."""
    from flask import request

    return {key: value for key, value in request.args.items() if key != "page"}


class Saving:
    """What ``saving`` tells the view once its block has run: ``ok`` when the block was committed."""

    ok = False


@contextmanager
def saving(form: RegistryForm) -> Iterator[Saving]:
    """Run the domain operations a form submits in the ``with`` block: commit them; or, on a domain
    error, roll back and put the error beside its field, so that nothing is saved. For views that
    need what the block made (to name it in the message and redirect to it); else save_form."""
    outcome = Saving()
    try:
        yield outcome
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error)
    else:
        db.session.commit()
        outcome.ok = True


def save_form(form: RegistryForm, action, success: str) -> bool:
    """Run the domain operation a form submits: commit and say so; or roll back and put the error
    beside its field, so that nothing is saved."""
    from flask import flash

    with saving(form) as saved:
        action()
    if saved.ok:
        flash(success, "success")
    return saved.ok


def flash_warnings(warnings: Iterable[str]) -> None:
    """What an operation let through but the clerk should check (an ID number's unknown area code …)."""
    from flask import flash

    for warning in warnings:
        flash(warning, "warning")


def perform(action, success: str) -> bool:
    """Run a domain operation behind a button: commit and say so, or roll back and say why."""
    from flask import flash

    try:
        action()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return False
    db.session.commit()
    flash(success, "success")
    return True


def flash_form_errors(form: RegistryForm) -> None:
    from flask import flash

    for messages in form.errors.values():
        for message in messages:
            flash(message, "danger")


def organisation_data(form: "OrganisationForm"):
    """The fields bases and enterprises share, as the operations take them."""
    from ..domain.organisations.operations import OrganisationData

    return OrganisationData(
        form.name.data, form.credit_code.data, form.kind.data, form.district_id.data,
        form.address.data or "", form.contact_name.data or "", form.contact_phone.data or "",
    )


def trainee_data(form: RegistryForm):
    """A trainee's fields as the operations take them: the same on the trainee form and on a
    session's enrol-one-person form."""
    from ..domain.trainees.operations import TraineeData

    return TraineeData(
        document_type=form.document_type.data, document_number=form.document_number.data, name=form.name.data,
        hukou_type=form.hukou_type.data, sex=form.sex.data or None, birth_date=form.birth_date.data,
        phone=form.phone.data or "", education=form.education.data or None, tags=set(form.tags.data or []),
        assisted_region=form.assisted_region.data or None,
    )
