from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Optional

from ...forms import RegistryForm

from ...domain.organisations.models import BASE_KINDS, BASE_STATUSES, EVALUATION_KINDS, RECOGNITION_LEVELS
from ..forms_common import OrganisationForm


class BaseForm(OrganisationForm):
    status = SelectField("状态", choices=list(BASE_STATUSES.items()))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = list(BASE_KINDS.items())


class RecognitionForm(RegistryForm):
    programme_code = SelectField("培训项目")
    level = SelectField("认定级别", choices=list(RECOGNITION_LEVELS.items()))
    recognised_on = DateField("认定日期", validators=[DataRequired("请填写认定日期")])
    valid_until = DateField("有效期至", validators=[Optional()], description="留空表示长期有效")


class EndRecognitionForm(RegistryForm):
    valid_until = DateField("结束日期", validators=[DataRequired("请填写结束日期")])


class EvaluationSiteForm(RegistryForm):
    evaluation_kind = SelectField("评价机构类别", choices=[("", "不是评价站点")] + list(EVALUATION_KINDS.items()))
    evaluation_body_code = StringField("评价机构代码", validators=[Optional()], description="4 位数字;在省级备案的为 0000")
    evaluation_site_serial = StringField("站点序列码", validators=[Optional()], description="6 位数字,由省人社厅编码")
