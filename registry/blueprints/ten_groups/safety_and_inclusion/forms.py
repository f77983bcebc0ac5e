"""Forms of these groups' pages; the rules themselves are checked by the domain functions."""
from __future__ import annotations

from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from registry.domain.identifiers import DOCUMENT_TYPES
from registry.domain.trainees.models import EDUCATION_LEVELS, HUKOU_TYPES
from registry.forms import RegistryForm

from .models import DISABILITY_CATEGORIES, DISABILITY_GRADES, HIGH_RISK_INDUSTRIES, RECOMMENDATIONS, SAFETY_POSTS, \
    SCHOOL_STAGES


def _int_or_none(value):
    return int(value) if value not in (None, "", "None") else None


def _yes_no(value):
    return {"yes": True, "no": False, True: True, False: False}.get(value)


class LeaverForm(RegistryForm):
    name = StringField("姓名", validators=[DataRequired("请填写「姓名」"), Length(max=60)])
    id_number = StringField("身份证号码", validators=[DataRequired("请填写「身份证号码」"), Length(max=40)])
    sex = SelectField("性别", choices=[("", "按身份证号码"), ("M", "男"), ("F", "女")], default="")
    school = StringField("毕业学校", validators=[DataRequired("请填写「毕业学校」"), Length(max=120)])
    left_year = IntegerField("离校年份", validators=[DataRequired("请填写「离校年份」"),
                                                 NumberRange(1900, 2100, "「离校年份」应为四位年份")])
    stage = SelectField("离校学段", choices=[("", "请选择")] + list(SCHOOL_STAGES.items()),
                        description="初中毕业或高中毕业后未继续升学")
    district_id = SelectField("所在区", coerce=_int_or_none)
    street = StringField("街道(镇)", validators=[DataRequired("请填写「街道(镇)」"), Length(max=40)])
    phone = StringField("联系电话", validators=[Optional(), Length(max=20)])
    wants_training = SelectField("培训意愿", coerce=_yes_no,
                                 choices=[("", "请选择"), ("yes", "有培训意愿"), ("no", "暂无培训意愿")])
    note = TextAreaField("备注", validators=[Optional(), Length(max=2000)],
                         description="如:家庭情况、就业状况、希望培训的职业")


class PersonForm(RegistryForm):
    """Who: found by document; the fields below the name only register someone not yet known."""

    document_type = SelectField("证件类型", choices=list(DOCUMENT_TYPES.items()), default="resident_id")
    document_number = StringField("证件号码", validators=[DataRequired("请填写「证件号码」"), Length(max=40)])
    name = StringField("姓名", validators=[DataRequired("请填写「姓名」"), Length(max=60)],
                       description="已登记的人员须与登记姓名一致")
    hukou_type = SelectField("户籍类型", choices=[("", "已登记的人员可不选")] + list(HUKOU_TYPES.items()), default="",
                             description="系统中尚未登记的人员须选择")
    education = SelectField("文化程度", choices=[("", "未填写")] + list(EDUCATION_LEVELS.items()), default="")
    phone = StringField("联系电话", validators=[Optional(), Length(max=20)])


class AppointmentTermsForm(RegistryForm):
    enterprise_id = SelectField("任职企业", coerce=_int_or_none)
    post = SelectField("岗位", choices=[("", "请选择")] + list(SAFETY_POSTS.items()))
    industry = SelectField("高危行业", choices=[("", "请选择")] + list(HIGH_RISK_INDUSTRIES.items()))
    took_post_on = DateField("任职日期", validators=[DataRequired("请填写「任职日期」")],
                             description="自任职之日起6个月内须考核合格")
    note = TextAreaField("备注", validators=[Optional(), Length(max=2000)])


class AppointmentForm(PersonForm, AppointmentTermsForm):
    pass


class EndAppointmentForm(RegistryForm):
    left_post_on = DateField("离任日期", validators=[DataRequired("请填写「离任日期」")])


class AssessmentTermsForm(RegistryForm):
    assessed_on = DateField("评估日期", validators=[DataRequired("请填写「评估日期」")])
    assessing_body = StringField("评估机构", validators=[DataRequired("请填写「评估机构」"), Length(max=120)])
    disability_category = SelectField("残疾类别", choices=[("", "请选择")] + list(DISABILITY_CATEGORIES.items()))
    disability_grade = SelectField("残疾等级", coerce=_int_or_none,
                                   choices=[("", "请选择")] + list(DISABILITY_GRADES.items()))
    findings = TextAreaField("评估结论", validators=[DataRequired("请填写「评估结论」"), Length(max=4000)],
                             description="职业能力测评的结果,如:认知、动作协调、沟通和适应能力")
    suitable_occupations = StringField("适合的职业(岗位)",
                                       validators=[DataRequired("请填写「适合的职业(岗位)」"), Length(max=200)])
    recommendation = SelectField("评估建议", choices=[("", "请选择")] + list(RECOMMENDATIONS.items()))
    district_id = SelectField("所在区", coerce=_int_or_none)


class AssessmentForm(PersonForm, AssessmentTermsForm):
    pass
