from ...forms import RegistryForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ...domain.identifiers import DOCUMENT_TYPES
from ...domain.trainees.models import ASSISTED_REGIONS, EDUCATION_LEVELS, GROUP_TAGS, HUKOU_TYPES, SEXES
from ..forms_common import MultiCheckboxField


class TraineeForm(RegistryForm):
    document_type = SelectField("证件类型", choices=list(DOCUMENT_TYPES.items()), default="resident_id")
    document_number = StringField(
        "证件号码", validators=[DataRequired("请填写证件号码"), Length(max=40)],
        description="居民身份证的性别和出生日期从号码中读取",
    )
    name = StringField("姓名", validators=[DataRequired("请填写姓名"), Length(max=60)])
    sex = SelectField("性别", choices=[("", "按证件号码")] + list(SEXES.items()), default="")
    birth_date = DateField("出生日期", validators=[Optional()], description="居民身份证可不填;填写时须与号码一致")
    phone = StringField("联系电话", validators=[Optional(), Length(max=20)])
    hukou_type = SelectField("户籍类型", choices=[("", "请选择")] + list(HUKOU_TYPES.items()), default="")
    education = SelectField("文化程度", choices=[("", "未填写")] + list(EDUCATION_LEVELS.items()), default="")
    tags = MultiCheckboxField("人员类别", choices=list(GROUP_TAGS.items()))
    assisted_region = SelectField(
        "帮扶地区来源", choices=[("", "—")] + [(r, r) for r in ASSISTED_REGIONS], default=""
    )
