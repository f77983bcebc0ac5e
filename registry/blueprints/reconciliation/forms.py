"""Forms of the targets pages (CSRF through RegistryForm)."""
from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ...domain.catalogue import catalogue
from ...domain.reconciliation.targets import FIRST_YEAR, LAST_YEAR, MAX_VALUE
from ...forms import RegistryForm
from ..forms_common import district_choices


def _blank_to_none(value):
    return value or None


class TargetForm(RegistryForm):
    year = IntegerField("年度", validators=[InputRequired("请填写年度"), NumberRange(FIRST_YEAR, LAST_YEAR, "年度须在 %(min)s–%(max)s 之间")])
    programme_code = SelectField("项目", validators=[DataRequired("请选择项目")])
    track_code = SelectField("方向(可选)", validators=[Optional()], filters=[_blank_to_none])
    occupation_code = SelectField("职业(工种)(可选)", validators=[Optional()], filters=[_blank_to_none])
    district_id = SelectField("范围", coerce=lambda v: int(v) if v not in (None, "", "None") else None)
    measure_code = SelectField("指标", validators=[DataRequired("请选择指标")])
    value = IntegerField("目标值", validators=[InputRequired("请填写目标值"), NumberRange(0, MAX_VALUE, "目标值须为 0–%(max)s 的整数")])
    basis = StringField("依据", validators=[Optional(), Length(max=300)], description="如:穗人社函〔2020〕22号,或省厅下达任务的文号")
    reason = StringField("调整原因(修改已有目标时必填)", validators=[Optional(), Length(max=300)])

    def fill_choices(self) -> None:
        programmes = catalogue.all()
        self.programme_code.choices = [("", "请选择")] + [(p.code, p.name) for p in programmes]
        self.track_code.choices = [("", "不分方向")] + [(t.code, f"{p.name} · {t.name}") for p in programmes for t in p.tracks]
        self.occupation_code.choices = [("", "不分职业")] + [
            (o.code, f"{p.name} · {o.name}") for p in programmes for o in p.occupations
        ]
        self.district_id.choices = [(None, "全市")] + district_choices()
        measures: dict[str, str] = {}
        for programme in programmes:
            measures.update(programme.measures)
        self.measure_code.choices = [("", "请选择")] + list(measures.items())


class ReviseForm(RegistryForm):
    value = IntegerField("新目标值", validators=[InputRequired("请填写新目标值"), NumberRange(0, MAX_VALUE, "目标值须为 0–%(max)s 的整数")])
    reason = TextAreaField("调整原因", validators=[DataRequired("请填写调整原因"), Length(max=500)],
                           description="如:省厅《关于下达2026年任务的通知》调整")


class UploadForm(RegistryForm):
    file = FileField("目标表(.xlsx)", validators=[FileRequired("请选择文件")])


class ConfirmImportForm(RegistryForm):
    """The checked file travels back with the confirmation and is checked again; nothing is stored meanwhile."""

    filename = HiddenField()
    content = HiddenField()


class PresetForm(RegistryForm):
    year = HiddenField()
