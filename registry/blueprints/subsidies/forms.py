from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ...domain.subsidies.models import OBJECTION_OUTCOMES
from ...forms import RegistryForm
from ..forms_common import record_choice


class ActionForm(RegistryForm):
    """A button that changes a claim: CSRF only."""


class DecisionForm(RegistryForm):
    outcome = SelectField("审核结论", choices=[("approve", "按逐人核定结果通过"), ("reject", "整体不予通过")])
    note = TextAreaField("审核意见", validators=[Optional(), Length(max=1000)],
                         description="整体不予通过时必填;会记入台账")


class ObjectionForm(RegistryForm):
    received_on = DateField("收到日期", validators=[DataRequired("请填写收到日期")])
    raised_by = StringField("异议人", validators=[Optional(), Length(max=80)], description="可匿名")
    line_id = SelectField("涉及人员", coerce=record_choice, validate_choice=False)
    content = TextAreaField("异议内容", validators=[DataRequired("请填写异议内容"), Length(max=2000)])


class AnswerForm(RegistryForm):
    objection_id = HiddenField()
    outcome = SelectField("核查结论", choices=[("", "请选择")] + list(OBJECTION_OUTCOMES.items()),
                          validators=[DataRequired("请选择核查结论")])
    response = TextAreaField("答复意见", validators=[DataRequired("请填写答复意见"), Length(max=2000)])


class PaymentForm(RegistryForm):
    paid_on = DateField("拨付日期", validators=[DataRequired("请填写拨付日期")])
    reference = StringField("支付凭证号", validators=[DataRequired("请填写支付凭证号"), Length(max=64)])


class CorrectionForm(RegistryForm):
    entry_id = SelectField("更正的台账记录", coerce=record_choice, validate_choice=False)
    amount = StringField("更正金额(元)", validators=[DataRequired("请填写更正金额")],
                         description="追回或核减填负数,如 -500.00;补发填正数")
    reference = StringField("凭证号", validators=[Optional(), Length(max=64)])
    reason = TextAreaField("更正理由", validators=[DataRequired("请填写更正理由"), Length(max=1000)])
