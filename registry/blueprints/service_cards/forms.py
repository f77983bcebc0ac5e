from flask_wtf.file import FileField
from wtforms import DateField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ...domain.service_cards.models import (
    CREDIT_STATUSES, HEALTH_RESULTS, IDENTITY_METHODS, REPLACEMENT_REASONS, REVOCATION_REASONS,
)
from ...forms import RegistryForm
from ..forms_common import record_choice

SELF_EMPLOYED = 0


def _choices(names: dict) -> list[tuple[str, str]]:
    return [("", "请选择")] + list(names.items())


class IdentityCheckForm(RegistryForm):
    checked_on = DateField("核验日期", validators=[DataRequired("请填写核验日期")])
    method = SelectField("核验方式", choices=_choices(IDENTITY_METHODS), validators=[DataRequired("请选择核验方式")])
    note = StringField("备注", validators=[Optional(), Length(max=200)])


class HealthCheckForm(RegistryForm):
    checked_on = DateField("体检日期", validators=[DataRequired("请填写体检日期")])
    institution = StringField("体检机构", validators=[DataRequired("请填写体检机构"), Length(max=120)])
    result = SelectField("体检结论", choices=_choices(HEALTH_RESULTS), validators=[DataRequired("请选择体检结论")])
    note = StringField("备注", validators=[Optional(), Length(max=200)])


class PhotoForm(RegistryForm):
    photo = FileField("选择照片文件", description="JPEG 或 PNG,不超过 8 MB;系统会裁成 3:4 竖版并去除拍摄信息")


class WorkRecordForm(RegistryForm):
    enterprise_id = SelectField("家政企业", coerce=record_choice, validate_choice=False)
    employer_name = StringField("或填写用工单位", validators=[Optional(), Length(max=120)],
                                description="未在本系统登记的单位或家庭")
    started_on = DateField("开始日期", validators=[DataRequired("请填写开始日期")])
    ended_on = DateField("结束日期", validators=[Optional()], description="仍在职请留空")
    role = StringField("岗位", validators=[DataRequired("请填写岗位"), Length(max=60)])


class RatingForm(RegistryForm):
    stars = IntegerField("星级", validators=[DataRequired("请填写星级"), NumberRange(1, 5, "星级应为 1 至 5 星")])
    rated_on = DateField("评定日期", validators=[DataRequired("请填写评定日期")])
    rated_by = StringField("评定机构", validators=[DataRequired("请填写评定机构"), Length(max=120)])
    note = StringField("备注", validators=[Optional(), Length(max=200)])


class CreditForm(RegistryForm):
    status = SelectField("信用状态", choices=_choices(CREDIT_STATUSES), validators=[DataRequired("请选择信用状态")])
    effective_on = DateField("认定日期", validators=[DataRequired("请填写认定日期")])
    reason = TextAreaField("认定依据或原因", validators=[DataRequired("请填写认定依据或原因"), Length(max=500)])


class IssueCardForm(RegistryForm):
    district_id = SelectField("发证区", coerce=record_choice, validate_choice=False)
    employer_id = SelectField("所属家政企业", coerce=record_choice, validate_choice=False)
    issued_on = DateField("发证日期", validators=[Optional()], description="留空为今天")


class EmployerForm(RegistryForm):
    employer_id = SelectField("所属家政企业", coerce=record_choice, validate_choice=False)


class RevokeForm(RegistryForm):
    reason = SelectField("注销原因", choices=_choices(REVOCATION_REASONS), validators=[DataRequired("请选择注销原因")])
    on = DateField("注销日期", validators=[Optional()], description="留空为今天")
    note = TextAreaField("说明", validators=[DataRequired("注销须填写说明"), Length(max=500)])


class ReplaceForm(RegistryForm):
    reason = SelectField("换发原因", choices=_choices(REPLACEMENT_REASONS), validators=[DataRequired("请选择换发原因")])
    note = TextAreaField("说明", validators=[Optional(), Length(max=500)])


class SheetForm(RegistryForm):
    card_ids = SelectMultipleField("证件", coerce=record_choice, validate_choice=False)
