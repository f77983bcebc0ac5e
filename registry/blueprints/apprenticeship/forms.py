"""Forms of the apprenticeship pages; the rules themselves are checked by the domain operations."""
from __future__ import annotations

from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ...domain.identifiers import DOCUMENT_TYPES
from ...domain.trainees.models import HUKOU_TYPES
from ...forms import RegistryForm


def _int_or_none(value):
    return int(value) if value not in (None, "", "None") else None


class FilingForm(RegistryForm):
    programme_code = SelectField("培训项目")
    agency_id = SelectField("培训机构", coerce=int, description="技工院校、职业院校,或获本项目认定(年检合格)的职业培训机构、企业培训中心")
    agreement_number = StringField("学徒制培训合作协议编号", validators=[DataRequired("请填写合作协议编号"), Length(max=64)])
    agreement_signed_on = DateField("合作协议签订日期", validators=[DataRequired("请填写合作协议签订日期")])
    plan_start = DateField("培训计划开始日期", validators=[DataRequired("请填写培训计划开始日期")])
    plan_end = DateField("培训计划结束日期", validators=[DataRequired("请填写培训计划结束日期")])
    planned_hours = IntegerField("计划学时", validators=[DataRequired("请填写计划学时"), NumberRange(1, 10000, "计划学时应为正整数")])


class TermsForm(RegistryForm):
    occupation_code = SelectField("职业(工种)")
    level = SelectField("等级", coerce=_int_or_none)
    contract_start = DateField("劳动合同起始日期", validators=[DataRequired("请填写劳动合同起始日期")])
    contract_end = DateField("劳动合同终止日期", validators=[DataRequired("请填写劳动合同终止日期")],
                             description="学徒须签订一年以上劳动合同")
    insurance_confirmed = BooleanField("已核实该学徒依法在本市缴纳社会保险费")
    insurance_checked_on = DateField("社保核实日期", validators=[Optional()])
    training_agreement_on = DateField("培养协议签订日期", validators=[DataRequired("请填写培养协议签订日期")])


class ApprenticeForm(TermsForm):
    document_type = SelectField("证件类型", choices=list(DOCUMENT_TYPES.items()), default="resident_id")
    document_number = StringField("证件号码", validators=[DataRequired("请填写证件号码"), Length(max=40)])
    name = StringField("姓名", validators=[DataRequired("请填写姓名"), Length(max=60)])
    hukou_type = SelectField("户籍类型", choices=[("", "已登记的学员可不选")] + list(HUKOU_TYPES.items()), default="",
                             description="系统中尚未登记的人员须选择")
    phone = StringField("联系电话", validators=[Optional(), Length(max=20)])


class ReviewForm(RegistryForm):
    decision = SelectField("审核意见", choices=[("approve", "评估通过,予以备案"), ("reject", "不予备案")])
    note = TextAreaField("说明", validators=[Optional(), Length(max=2000)], description="不予备案须填写理由")


class StartForm(RegistryForm):
    started_on = DateField("开训日期", validators=[DataRequired("请填写开训日期")])


class LeavingForm(RegistryForm):
    left_on = DateField("离职日期(办理离职手续之日)", validators=[DataRequired("请填写离职日期")])
    reason = TextAreaField("离职原因", validators=[DataRequired("请填写离职原因"), Length(max=1000)])


class SpecialGrantForm(RegistryForm):
    credit_code = StringField("企业统一社会信用代码", validators=[DataRequired("请填写企业统一社会信用代码"), Length(max=40)])
    year = IntegerField("年度", validators=[DataRequired("请填写年度")])
    note = StringField("说明", validators=[Optional(), Length(max=500)], description="如:补助文件文号、金额")


class RemoveGrantForm(RegistryForm):
    reason = StringField("删除原因", validators=[DataRequired("请填写删除原因"), Length(max=500)])
