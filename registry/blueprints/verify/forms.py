from wtforms import StringField
from wtforms.validators import DataRequired, Length

from ...forms import RegistryForm


class LookupForm(RegistryForm):
    number = StringField("证书编号", validators=[DataRequired("请填写证书编号"), Length(max=60)])
    name = StringField("持证人姓名", validators=[DataRequired("请填写持证人姓名"), Length(max=60)])


class MatchForm(RegistryForm):
    typed = StringField("证书上的姓名或证件号码", validators=[DataRequired("请填写证书上的姓名或证件号码"), Length(max=60)])
