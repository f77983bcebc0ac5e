"""Forms of these groups' pages; the rules themselves are checked by the domain functions."""
from __future__ import annotations

from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ....domain.identifiers import DOCUMENT_TYPES
from ....domain.trainees.models import HUKOU_TYPES
from ....forms import RegistryForm
from .models import LOW_INCOME_ROLES, PLACEMENTS, SITUATIONS, TRAINING_NEEDS


class PersonFields(RegistryForm):
    document_type = SelectField("证件类型", choices=list(DOCUMENT_TYPES.items()), default="resident_id")
    document_number = StringField("证件号码", validators=[DataRequired("请填写证件号码"), Length(max=40)],
                                  description="已登记的学员按证件号码关联;尚未登记的同时登记为学员")
    name = StringField("姓名", validators=[DataRequired("请填写姓名"), Length(max=60)])
    phone = StringField("联系电话", validators=[Optional(), Length(max=20)])


class LabourerFields(RegistryForm):
    district_id = SelectField("所在区", coerce=int)
    town = StringField("镇(街道)", validators=[DataRequired("请填写所在镇(街道)"), Length(max=40)])
    village = StringField("村(社区)", validators=[DataRequired("请填写所在村(社区)"), Length(max=40)])
    low_income_role = SelectField("低保家庭", choices=[("", "否")] + list(LOW_INCOME_ROLES.items()), default="",
                                  description="穗人社函〔2020〕22号 之六 一:精准掌握低保家庭劳动力及子女情况")
    is_weak_village = BooleanField("属经济相对薄弱村")
    training_need = SelectField("培训需求", choices=[("", "请选择")] + list(TRAINING_NEEDS.items()), default="")
    wants_training = BooleanField("有培训意愿", default=True)
    wish = StringField("意向培训职业(工种)或项目", validators=[Optional(), Length(max=120)])
    registered_on = DateField("登记日期", validators=[DataRequired("请填写登记日期")])


class NewLabourerForm(PersonFields, LabourerFields):
    pass


class CloseForm(RegistryForm):
    closed_on = DateField("注销日期", validators=[DataRequired("请填写注销日期")])
    close_reason = StringField("注销原因", validators=[DataRequired("请填写注销原因"), Length(max=200)],
                               description="如:迁出本市、已转为城镇就业登记")


class IntakeFields(RegistryForm):
    discharge_year = IntegerField("退役年度", validators=[DataRequired("请填写退役年度")])
    district_id = SelectField("接收安置区", coerce=int)
    placement = SelectField("安置方式", choices=[("", "请选择")] + list(PLACEMENTS.items()), default="")
    can_attend = BooleanField("能正常参训", default=True)
    exemption_reason = StringField("不能参训原因", validators=[Optional(), Length(max=200)],
                                   description="不能正常参训的填写,如伤病、在校就读")
    registered_on = DateField("登记日期", validators=[DataRequired("请填写登记日期")])


class NewIntakeForm(PersonFields, IntakeFields):
    hukou_type = SelectField("户籍类型", choices=[("", "已登记的学员可不选")] + list(HUKOU_TYPES.items()), default="",
                             description="系统中尚未登记的人员须选择")


class JobChangeForm(RegistryForm):
    former_enterprise_name = StringField("原工作单位", validators=[DataRequired("请填写原工作单位"), Length(max=120)])
    former_credit_code = StringField("原单位统一社会信用代码", validators=[Optional(), Length(max=40)],
                                     description="知道时填写,18 位")
    former_post = StringField("原岗位", validators=[DataRequired("请填写原岗位"), Length(max=60)])
    situation = SelectField("人员情况", choices=[("", "请选择")] + list(SITUATIONS.items()), default="")
    separated_on = DateField("离岗(解除、终止劳动合同)日期", validators=[Optional()],
                             description="被裁员或解除、终止劳动合同的必填;在岗职工不填")
    intended_post = StringField("拟转岗位", validators=[Optional(), Length(max=60)], description="如:粤菜厨师、家政服务员")
