"""Forms of the subsidy settings pages: a parameter's new version, a standard, an occupation listing,
and the calculator. Messages name the field; the rules themselves are checked by the domain."""
from __future__ import annotations

from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ...domain.catalogue import LEVELS, catalogue
from ...domain.errors import DomainError
from ...domain.subsidies.models import OCCUPATION_LISTS
from ...domain.subsidies.standards import parse_yuan
from ...forms import RegistryForm

BASIS_HINT = "文件名称、文号及条款,如:粤人社规〔2023〕13号 第十条"


def _level(value) -> int | None:
    return int(value) if value not in (None, "", "None") else None


def _date_field(label: str, *validators, **kwargs) -> DateField:
    return DateField(label, validators=list(validators), invalid_value_message=f"{label}应为日期,如 2026-01-01", **kwargs)


def _basis_field() -> TextAreaField:
    return TextAreaField("依据", validators=[DataRequired("请填写依据(文件名称及条款)"), Length(max=500, message="依据不超过500字")],
                         description=BASIS_HINT, render_kw={"rows": 2})


def occupation_choices() -> list[tuple[str, str, dict]]:
    """Each subsidised programme's occupations. A value names both, so an occupation two programmes
    offer is two distinct choices; each option carries its programme and levels for the page's
    script, which narrows the selects to the chosen programme and occupation."""
    return [
        (f"{programme.code}/{o.code}", f"{programme.name} · {o.name}",
         {"data-programme": programme.code, "data-programme-name": programme.name, "data-name": o.name,
          "data-levels": " ".join(map(str, o.levels))})
        for programme in catalogue.subsidised() for o in programme.occupations
    ]


class ScopeFields:
    """Programme → occupation → level, as the standards form and the calculator ask for them."""

    def fill_scope_choices(self, any_occupation: str = "全部职业(不分职业)", any_level: str = "各等级(不分等级)") -> None:
        self.programme_code.choices = [("", "请选择")] + [(p.code, p.name) for p in catalogue.subsidised()]
        self.occupation_code.choices = [("", any_occupation)] + occupation_choices()
        self.level.choices = [("", any_level)] + [(str(number), name) for number, name in LEVELS.items()]

    def scope(self, occupation_required: bool = False) -> tuple[str, str | None, int | None]:
        """(programme, occupation or None, level or None), or a DomainError naming the field."""
        programme = catalogue.get(self.programme_code.data)
        if programme is None or programme.subsidy is None:
            raise DomainError("请选择有补贴政策的项目", "programme_code")
        owner, _, occupation_code = (self.occupation_code.data or "").partition("/")
        if not occupation_code:
            if occupation_required:
                raise DomainError("请选择职业(工种)", "occupation_code")
            return programme.code, None, self.level.data
        occupation = programme.occupation(occupation_code)
        if owner != programme.code or occupation is None:
            raise DomainError(f"所选职业(工种)不属于「{programme.name}」,请重新选择", "occupation_code")
        if occupation_required and occupation.levels and self.level.data is None:
            raise DomainError(f"请选择等级(「{occupation.name}」分等级认定)", "level")
        if self.level.data is not None and self.level.data not in occupation.levels:
            allowed = "、".join(occupation.level_names) or "不分等级(专项职业能力)"
            raise DomainError(f"「{occupation.name}」的等级只能是:{allowed}", "level")
        return programme.code, occupation_code, self.level.data


class ParameterForm(RegistryForm):
    value = IntegerField("新数值", validators=[InputRequired("请填写新数值")], invalid_value_message="新数值应为整数")
    effective_from = _date_field("生效日期", InputRequired("请填写生效日期"),
                                 description="自该日起(含当日)适用;此前的日期仍按原数值")
    basis = _basis_field()


class StandardForm(ScopeFields, RegistryForm):
    programme_code = SelectField("项目", validators=[DataRequired("请选择项目")], invalid_choice_message="请从列表中选择项目")
    occupation_code = SelectField("职业(工种)", validators=[Optional()], invalid_choice_message="请从列表中选择职业(工种)",
                                  description="不选则适用于该项目没有单独标准的所有职业(工种)")
    level = SelectField("等级", coerce=_level, validators=[Optional()], invalid_choice_message="请从列表中选择等级",
                        description="不选则适用于该职业(工种)各等级及专项职业能力")
    amount = StringField("补贴标准(元/人)", validators=[DataRequired("请填写补贴标准(元/人)")],
                         description="最多两位小数,如 1,800 或 1800.50", render_kw={"inputmode": "decimal"})
    effective_from = _date_field("生效日期", InputRequired("请填写生效日期"))
    basis = _basis_field()

    #: The amount in fen, once validated.
    amount_fen: int | None = None

    def validate_amount(self, field) -> None:
        """Read the yuan with the other fields, so every mistake shows at once."""
        try:
            self.amount_fen = parse_yuan(field.data, field.name)
        except DomainError as error:
            raise ValidationError(error.message) from None


class PresetForm(RegistryForm):
    effective_from = _date_field("生效日期", InputRequired("请填写生效日期"))


class LookupForm(ScopeFields, RegistryForm):
    """The calculator: read from the query string, no CSRF (it changes nothing)."""

    class Meta:
        csrf = False

    programme_code = SelectField("项目", validators=[DataRequired("请选择项目")], invalid_choice_message="请从列表中选择项目")
    occupation_code = SelectField("职业(工种)", validators=[DataRequired("请选择职业(工种)")],
                                  invalid_choice_message="请从列表中选择职业(工种)")
    level = SelectField("等级", coerce=_level, validators=[Optional()], invalid_choice_message="请从列表中选择等级")
    on = _date_field("日期", InputRequired("请填写日期"), description="如结业日期;按该日生效的标准、目录和参数计算")


class ListingForm(RegistryForm):
    list_kind = SelectField("目录", choices=[("", "请选择")] + list(OCCUPATION_LISTS.items()),
                            validators=[DataRequired("请选择目录")], invalid_choice_message="请从列表中选择目录")
    occupation_code = SelectField("职业(工种)", validators=[DataRequired("请选择职业(工种)")],
                                  invalid_choice_message="请从列表中选择职业(工种)")
    effective_from = _date_field("生效日期", InputRequired("请填写生效日期"))
    effective_until = _date_field("失效日期", Optional(), description="列入目录的最后一天;留空表示长期有效")
    basis = _basis_field()

    def fill_choices(self) -> None:
        names: dict[str, str] = {}
        for programme in catalogue.all():
            for occupation in programme.occupations:
                names.setdefault(occupation.code, occupation.name)
        self.occupation_code.choices = [("", "请选择")] + sorted(names.items(), key=lambda item: item[1])


class EndListingForm(RegistryForm):
    effective_until = _date_field("失效日期", InputRequired("请填写失效日期"),
                                  description="列入目录的最后一天(含当日);此后的培训不再上浮")


