"""Forms of the 南粤家政 pages: Chinese labels; the rules themselves are checked by the domain functions."""
from __future__ import annotations

from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ...forms import RegistryForm
from ..forms_common import record_id
from .models import OPERATOR_KINDS


def _int_or_none(value):
    return record_id(str(value)) or None if value is not None else None  # 0: none chosen


class DesignationForm(RegistryForm):
    base_id = SelectField("培训基地", coerce=_int_or_none, validate_choice=False,
                          description="须为在认定日期持有南粤家政项目认定的培训基地")
    level = SelectField("示范基地级别")
    designated_on = DateField("认定日期", validators=[DataRequired("请填写认定日期")])
    designated_by = StringField("认定单位", validators=[DataRequired("请填写认定单位"), Length(max=120)])
    document_number = StringField("认定文号", validators=[Optional(), Length(max=60)], description="如 穗人社函〔2021〕88号")
    valid_until = DateField("有效期至", validators=[Optional()], description="留空表示长期有效,直至结束认定")


class EndDesignationForm(RegistryForm):
    ended_on = DateField("结束日期", validators=[DataRequired("请填写结束日期")], description="认定有效的最后一天")
    end_reason = TextAreaField("结束原因", validators=[DataRequired("请填写结束原因"), Length(max=500)])


class StationForm(RegistryForm):
    name = StringField("服务站名称", validators=[DataRequired("请填写服务站名称"), Length(max=120)])
    district_id = SelectField("所在区", coerce=_int_or_none, validate_choice=False)
    street = StringField("街道(镇)", validators=[DataRequired("请填写街道(镇)"), Length(max=40)],
                         description="如 石牌街道、太和镇")
    address = StringField("地址", validators=[DataRequired("请填写服务站地址"), Length(max=200)])
    operator_kind = SelectField("运营主体类型", choices=list(OPERATOR_KINDS.items()))
    enterprise_id = SelectField("运营企业", coerce=_int_or_none, validate_choice=False,
                                description="运营主体为家政服务企业时选择")
    operator_name = StringField("运营单位名称", validators=[Optional(), Length(max=120)],
                                description="运营主体不是企业时填写,如 天河区石牌街道办事处")
    contact_phone = StringField("联系电话", validators=[Optional(), Length(max=20)])
    opened_on = DateField("开办日期", validators=[DataRequired("请填写开办日期")])


class CloseStationForm(RegistryForm):
    closed_on = DateField("关闭日期", validators=[DataRequired("请填写关闭日期")], description="自该日起不再运营")
    close_reason = TextAreaField("关闭原因", validators=[DataRequired("请填写关闭原因"), Length(max=500)])
