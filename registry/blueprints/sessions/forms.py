from sqlalchemy import select
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from ...domain.catalogue import LEVELS, catalogue
from ...domain.errors import DomainError
from ...domain.identifiers import DOCUMENT_TYPES
from ...domain.organisations.models import Enterprise, TrainingBase
from ...domain.trainees.models import ASSISTED_REGIONS, EDUCATION_LEVELS, GROUP_TAGS, HUKOU_TYPES
from ...domain.training.models import SESSION_KINDS, SESSION_MODES
from ...domain.training.operations import check_dates
from ...extensions import db
from ...forms import RegistryForm
from ..forms_common import MultiCheckboxField, NamedDateField, NamedIntegerField


def occupation_choices(programme_codes) -> list[tuple[str, str, dict]]:
    """One list for programme and occupation ("粤菜师傅 · 中式烹调师"), so no script is needed; each
    option carries the levels its occupation is assessed at (0: a 专项 item, which has none), which
    the page's script offers alone in 等级 (the server checks the same)."""
    choices = []
    for programme in catalogue.all():
        if programme.code not in programme_codes:
            continue
        for occupation in programme.occupations:
            suffix = "(专项)" if occupation.special else ""
            levels = " ".join(map(str, occupation.levels)) if occupation.levels else "0"
            choices.append((f"{programme.code}|{occupation.code}", f"{programme.name} · {occupation.name}{suffix}",
                            {"data-levels": levels}))
    return choices


class SessionForm(RegistryForm):
    occupation = SelectField("项目 · 职业(工种)", validators=[DataRequired("请选择项目和职业(工种)")])
    level = SelectField("等级", coerce=int, choices=[(0, "专项职业能力(不分等级)")] + list(LEVELS.items()))
    kind = SelectField("班期类型", choices=list(SESSION_KINDS.items()))
    start_date = NamedDateField("开班日期", validators=[InputRequired("请填写开班日期")])
    end_date = NamedDateField("结业日期", validators=[InputRequired("请填写结业日期")])
    planned_hours = NamedIntegerField("计划学时", validators=[InputRequired("请填写计划学时"), NumberRange(1, 10000, "计划学时应在 1 到 10000 之间")])
    capacity = NamedIntegerField("容量(人)", validators=[InputRequired("请填写容量"), NumberRange(1, 5000, "容量应在 1 到 5000 之间")])
    place = StringField("培训地点", validators=[Optional(), Length(max=200)])
    mode = SelectField("培训方式", choices=list(SESSION_MODES.items()))
    enterprise_id = SelectField("学徒所在企业(学徒班)", coerce=int, validators=[Optional()])

    def __init__(self, base: TrainingBase, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.occupation.choices = occupation_choices(base.recognised_programme_codes())
        self.enterprise_id.choices = [(0, "—")] + [
            (e.id, e.name) for e in db.session.scalars(select(Enterprise).order_by(Enterprise.name))
        ]

    def validate_end_date(self, field) -> None:
        """Said beside the other fields' messages, not after they are fixed (the rule: operations.check_dates)."""
        if self.start_date.data and field.data:
            try:
                check_dates(self.start_date.data, field.data)
            except DomainError as error:
                raise ValidationError(error.message) from None


class MoveForm(RegistryForm):
    target = SelectField("改为", choices=[])


class EnrolForm(RegistryForm):
    document_type = SelectField("证件类型", choices=list(DOCUMENT_TYPES.items()), default="resident_id")
    document_number = StringField("证件号码", validators=[DataRequired("请填写证件号码"), Length(max=40)])
    name = StringField("姓名", validators=[DataRequired("请填写姓名"), Length(max=60)],
                       description="已登记的学员须与登记姓名一致")
    sex = SelectField("性别", choices=[("", "按证件号码"), ("M", "男"), ("F", "女")], default="")
    birth_date = DateField("出生日期", validators=[Optional()])
    phone = StringField("联系电话", validators=[Optional(), Length(max=20)])
    hukou_type = SelectField("户籍类型(新学员必填)", choices=[("", "请选择")] + list(HUKOU_TYPES.items()), default="")
    education = SelectField("文化程度", choices=[("", "未填写")] + list(EDUCATION_LEVELS.items()), default="")
    tags = MultiCheckboxField("人员类别", choices=list(GROUP_TAGS.items()))
    assisted_region = SelectField("帮扶地区来源", choices=[("", "—")] + [(r, r) for r in ASSISTED_REGIONS], default="")


class WithdrawForm(RegistryForm):
    withdrawn_on = DateField("退训日期", validators=[DataRequired("请填写退训日期")])
    withdrawal_reason = StringField("退训原因", validators=[DataRequired("请填写退训原因"), Length(max=200)])


class CancelWithdrawalForm(RegistryForm):
    reason = StringField("撤销原因", validators=[DataRequired("请填写撤销原因"), Length(max=200)])


class UploadForm(RegistryForm):
    file = FileField("表格文件(.xlsx、.xls、.ods 或 .csv)", validators=[FileRequired("请选择文件")])
    reason = StringField("修改原因(已归档班期必填)", validators=[Optional(), Length(max=200)])


class ConfirmForm(RegistryForm):
    reason = StringField("修改原因", validators=[Optional(), Length(max=200)])


class GridForm(RegistryForm):
    """The results grid's own fields are read from request.form by row; this carries CSRF and reason."""

    reason = TextAreaField("修改原因(已归档班期必填)", validators=[Optional(), Length(max=500)])
