from wtforms import DateField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ...domain.certificates.models import STATUS_REASONS
from ...forms import RegistryForm
from ..forms_common import record_choice


class IssueForm(RegistryForm):
    issued_on = DateField("发证日期", validators=[Optional()], description="留空为今天")
    enrollment_ids = SelectMultipleField("学员", coerce=record_choice, validate_choice=False)


class StatusForm(RegistryForm):
    reason = SelectField("原因类别", choices=[("", "请选择")] + list(STATUS_REASONS.items()),
                         validators=[DataRequired("请选择原因类别")])
    on = DateField("生效日期", validators=[Optional()], description="留空为今天")
    note = TextAreaField("说明", validators=[Optional(), Length(max=500)])


class NoteForm(RegistryForm):
    note = TextAreaField("原因", validators=[DataRequired("请填写原因"), Length(max=500)])
