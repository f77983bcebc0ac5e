"""Forms of the 广东技工 pages; the rules themselves are checked by majors.py and cohorts.py."""
from __future__ import annotations

from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from registry.blueprints.forms_common import NamedDateField, NamedIntegerField, record_id
from registry.forms import RegistryForm

from .models import DESTINATIONS, OUTCOMES, TRAINING_LEVELS


def _int_or_none(value):
    """A select's number, or None for an empty or foreign value (the operation names the field)."""
    if isinstance(value, int):
        return value
    return record_id(value) if isinstance(value, str) else None


class MajorForm(RegistryForm):
    code = StringField("专业代码", validators=[DataRequired("请填写专业代码"), Length(max=16, message="专业代码不超过 16 位")],
                       description="《技工院校专业目录》中的代码,如 0104")
    name = StringField("专业名称", validators=[DataRequired("请填写专业名称"), Length(max=60, message="专业名称不超过 60 个字")])
    occupation_code = SelectField("对应职业(工种)", validate_choice=False, description="毕业生的职业技能等级证书按此职业(工种)计入双证")
    level = SelectField("培养层次", coerce=_int_or_none, validate_choice=False,
                        choices=[("", "请选择")] + list(TRAINING_LEVELS.items()))
    years = NamedIntegerField("学制(年)")
    total_hours = NamedIntegerField("教学计划总学时", description="各届学制班班期的计划学时")
    is_key = BooleanField("省级重点专业(优质重点)")
    key_major_year = NamedIntegerField("重点专业认定年份", validators=[Optional()])
    is_featured = BooleanField("省级特色专业(优质培育)")
    featured_major_year = NamedIntegerField("特色专业认定年份", validators=[Optional()])


class EndMajorForm(RegistryForm):
    ended_on = NamedDateField("停办日期", validators=[InputRequired("请填写停办日期")])
    end_reason = TextAreaField("停办原因", validators=[DataRequired("请填写停办原因"), Length(max=1000)])


class CohortForm(RegistryForm):
    major_id = SelectField("专业", coerce=_int_or_none, validate_choice=False)
    intake_year = NamedIntegerField("入学年度", validators=[InputRequired("请填写入学年度")],
                                    description="开学日期为该年 9 月 1 日,预计毕业日期为入学年度加学制当年的 6 月 30 日")
    capacity = NamedIntegerField("招生人数(班期容量)", validators=[InputRequired("请填写招生人数")])


class OutcomeForm(RegistryForm):
    status = SelectField("学籍结果", choices=list(OUTCOMES.items()), validate_choice=False)
    on = NamedDateField("结果日期", validators=[InputRequired("请填写结果日期")], description="毕业为毕业证书落款日期")
    diploma_number = StringField("毕业证书编号", validators=[Optional(), Length(max=40, message="毕业证书编号不超过 40 位")])
    note = TextAreaField("说明", validators=[Optional(), Length(max=500, message="说明不超过 500 个字")],
                         description="肄业、退学、转出须填写离校原因;转出写明转入学校")


class CloseForm(RegistryForm):
    closed_on = NamedDateField("毕业离校日期", validators=[InputRequired("请填写毕业离校日期")])


class DestinationForm(RegistryForm):
    kind = SelectField("毕业去向", choices=list(DESTINATIONS.items()), validate_choice=False)
    since = NamedDateField("去向日期", validators=[InputRequired("请填写去向日期")],
                           description="就业或升学的开始日期;未就业填跟踪日期")
    employer = StringField("就业单位或录取院校", validators=[Optional(), Length(max=120, message="单位或院校名称不超过 120 个字")])
    reason = StringField("修改原因", validators=[Optional(), Length(max=500)], description="班期已归档时须填写")
