"""Forms of 粤菜师傅's own pages; the rules themselves are checked by the package's domain functions."""
from __future__ import annotations

from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ...domain.identifiers import DOCUMENT_TYPES
from ...domain.trainees.models import HUKOU_TYPES, SEXES
from ...forms import RegistryForm
from .models import AWARDS, COMPETITION_LEVELS, STAR_LEVELS, STUDIO_KINDS, STUDIO_LEVELS
from .rules import PROGRAMME

NEW_PERSON_HINT = "系统中尚未登记的人员须填写,保存时同时登记为学员"


def _int_or_none(value):
    return int(value) if value not in (None, "", "None") else None


class RatingForm(RegistryForm):
    document_type = SelectField("证件类型", choices=list(DOCUMENT_TYPES.items()), default="resident_id")
    document_number = StringField("证件号码", validators=[DataRequired("请填写证件号码"), Length(max=40)])
    name = StringField("姓名", validators=[DataRequired("请填写姓名"), Length(max=60)],
                       description="已登记的人员须与登记姓名一致")
    hukou_type = SelectField("户籍类型", choices=[("", "已登记的人员可不选")] + list(HUKOU_TYPES.items()), default="",
                             description=NEW_PERSON_HINT)
    sex = SelectField("性别", choices=[("", "按证件号码")] + list(SEXES.items()), default="",
                      description="非居民身份证的新登记人员须填写")
    birth_date = DateField("出生日期", validators=[Optional()], description="非居民身份证的新登记人员须填写")
    phone = StringField("联系电话", validators=[Optional(), Length(max=20)])
    stars = SelectField("星级", coerce=_int_or_none, choices=[(None, "请选择")] + list(STAR_LEVELS.items()))
    rating_body = StringField("评定机构", validators=[DataRequired("请填写评定机构"), Length(max=120)],
                              description="如:广州地区饮食行业商会、市人力资源和社会保障局")
    rated_on = DateField("评定日期", validators=[DataRequired("请填写评定日期")])
    district_id = SelectField("所在区", coerce=_int_or_none, description="该评定计入的区(师傅工作单位所在区)")
    reference = StringField("证书或文件编号", validators=[Optional(), Length(max=60)])
    workplace = StringField("工作单位", validators=[Optional(), Length(max=120)])
    note = TextAreaField("备注", validators=[Optional(), Length(max=1000)])


class StudioForm(RegistryForm):
    base_id = SelectField("所在培训基地", coerce=_int_or_none, description="须为现获粤菜师傅培训(实训)基地认定的基地")
    kind = SelectField("工作室类型", choices=[("", "请选择")] + list(STUDIO_KINDS.items()))
    name = StringField("工作室名称", validators=[DataRequired("请填写工作室名称"), Length(max=120)])
    level = SelectField("认定级别", choices=[("", "请选择")] + list(STUDIO_LEVELS.items()))
    recognised_by = StringField("认定单位", validators=[DataRequired("请填写认定单位"), Length(max=120)])
    recognised_on = DateField("认定日期", validators=[DataRequired("请填写认定日期")])
    chef_document_type = SelectField("领衔师傅证件类型", choices=list(DOCUMENT_TYPES.items()), default="resident_id")
    chef_document_number = StringField("领衔师傅证件号码",
                                       validators=[DataRequired("请填写领衔师傅证件号码"), Length(max=40)])
    chef_name = StringField("领衔师傅姓名", validators=[DataRequired("请填写领衔师傅姓名"), Length(max=60)],
                            description="已登记的人员须与登记姓名一致")
    chef_hukou_type = SelectField("领衔师傅户籍类型", choices=[("", "已登记的人员可不选")] + list(HUKOU_TYPES.items()),
                                  default="", description=NEW_PERSON_HINT)
    chef_sex = SelectField("领衔师傅性别", choices=[("", "按证件号码")] + list(SEXES.items()), default="")
    chef_birth_date = DateField("领衔师傅出生日期", validators=[Optional()])
    chef_phone = StringField("领衔师傅联系电话", validators=[Optional(), Length(max=20)])


class EndStudioForm(RegistryForm):
    ended_on = DateField("终止日期", validators=[DataRequired("请填写终止日期")])
    end_reason = TextAreaField("终止原因", validators=[DataRequired("请填写终止原因"), Length(max=1000)],
                               description="如:认定期满未复核、领衔师傅调离、撤销认定")


class CompetitionForm(RegistryForm):
    document_type = SelectField("证件类型", choices=list(DOCUMENT_TYPES.items()), default="resident_id")
    document_number = StringField("学员证件号码", validators=[DataRequired("请填写证件号码"), Length(max=40)])
    name = StringField("学员姓名", validators=[DataRequired("请填写姓名"), Length(max=60)],
                       description="须与登记姓名一致")
    base_id = SelectField("培训该学员的基地", coerce=_int_or_none)
    event_name = StringField("竞赛名称", validators=[DataRequired("请填写竞赛名称"), Length(max=200)])
    level = SelectField("竞赛级别", choices=[("", "请选择")] + list(COMPETITION_LEVELS.items()),
                        description="市级一类、二类职业技能竞赛见穗人社函〔2020〕22号 之二 二(八)")
    held_on = DateField("竞赛日期", validators=[DataRequired("请填写竞赛日期")])
    organiser = StringField("主办单位", validators=[DataRequired("请填写主办单位"), Length(max=120)])
    occupation_code = SelectField("职业(工种)或专项", choices=[("", "请选择")] + [
        (o.code, o.name + ("(专项)" if o.special else "")) for o in PROGRAMME.occupations])
    award = SelectField("奖项", choices=[("", "无(只填名次)")] + list(AWARDS.items()))
    placing_rank = IntegerField("名次", validators=[Optional(), NumberRange(1, 999, "名次应为 1 到 999 之间的整数")],
                                description="奖项和名次至少填写一项")
    note = TextAreaField("备注", validators=[Optional(), Length(max=1000)])
