"""企业新型学徒制 (enterprise new apprenticeship): 004 part 4, the most exact rules of the notices."""
from registry.domain.catalogue import ALL_LEVELS, StandardPreset, SubsidyPolicy, Measure, Occupation, PolicySource, Programme, TargetPreset, register
from registry.domain.reconciliation.conditions import every

CODE = "apprenticeship"

def certificate_type(assessment_type: str) -> str:
    """Apprentices who pass the enterprise-school evaluation get a 学徒结业证书 (004 之四 二(六): assessment beyond skill appraisal)."""
    return "apprentice_completion" if assessment_type == "training_qualified" else assessment_type


def reinstatement_refusal(enrollment) -> str | None:
    """An apprentice who reported leaving (004 之四 二(三)) left the plan, so the class's withdrawal stands."""
    from sqlalchemy import select

    from registry.domain.apprenticeships.models import Apprentice
    from registry.extensions import db

    left_on = db.session.scalar(select(Apprentice.left_on).where(
        Apprentice.enrollment_id == enrollment.id, Apprentice.left_on.is_not(None)))
    return f"该学徒已于 {left_on:%Y-%m-%d} 报告离职,不能撤销退训" if left_on else None


PROGRAMME = register(
    Programme(
        code=CODE,
        name="企业新型学徒制",
        summary="招工即招生、入企即入校、企校双师联合培养:企业向注册地区人社局备案,学徒签订一年以上劳动合同并在本市参保,按合格人数申领培训补贴。",
        lead_agencies=("市人力资源和社会保障局", "区人力资源和社会保障局"),
        sources=(PolicySource("004_1a0f249341a7ab5a.txt", "之四 一、二、三"),),
        occupations=(
            Occupation("electrician", "电工", ALL_LEVELS),
            Occupation("welder", "焊工", ALL_LEVELS),
            Occupation("lathe_operator", "车工", ALL_LEVELS),
            Occupation("chinese_cook", "中式烹调师", ALL_LEVELS),
            Occupation("elderly_carer", "养老护理员", ALL_LEVELS),
            Occupation("auto_mechanic", "汽车维修工", ALL_LEVELS),
        ),
        certificate_types=("skill_level", "apprentice_completion"),
        extra_measures=(Measure("apprentices", "新型学徒人数", "人", counts=every(), rule="本项目学徒班中按学员去重的人数"),),
        # 004 之四 一: "2019年全市须完成4000名新型学徒的培训,并从2021年起逐步加大培养力度".
        target_presets=(TargetPreset("apprentices", 4000, "穗人社函〔2020〕22号 之四 一:2019年全市完成4000名新型学徒培训(此后逐步加大)"),),
        ten_groups_number=4,
        session_kinds=("apprentice",),
        rules={"certificate_type": certificate_type, "reinstatement_refusal": reinstatement_refusal},
        # 004 之四 二(五)–(七), 三(二)、(四): claimed by the enterprise on its filing (20% advance, the rest
        # for those who passed); never together with 技能晋升培训补贴 for the same occupation and level.
        subsidy=SubsidyPolicy(
            "new_apprentice", "filing", PolicySource("004_1a0f249341a7ab5a.txt", "之四 二(五)–(七)、三(二)、三(四)"),
            excludes=("skill_upgrading",),
            standard_presets=(StandardPreset(5000, "粤人社规〔2019〕25号:企业新型学徒培训补贴每人每年约5000–8500元;"
                                                   "预设取下限,市人社局按职业(工种)和等级细化"),),
        ),
        order=40,
        certificate_prefix="XT",
    )
)
