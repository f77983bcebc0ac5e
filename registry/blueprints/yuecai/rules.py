"""粤菜师傅 (Cantonese chef): 004 part 2 (Guangzhou), 000 item 14 (Zhanjiang), 001 item 14 (Zhaoqing)."""
from registry.domain.catalogue import SubsidyPolicy, ALL_LEVELS, Measure, Occupation, PolicySource, Programme, register
from registry.domain.reconciliation.conditions import trainee_tagged

CODE = "yuecai"

PROGRAMME = register(
    Programme(
        code=CODE,
        name="粤菜师傅",
        summary="依托粤菜师傅培训(实训)基地开展粤菜烹饪职业技能培训,通过职业技能等级认定或专项职业能力考核的颁发证书;培训补贴实行实名制。",
        lead_agencies=("市人力资源和社会保障局", "市教育局"),
        sources=(
            PolicySource("004_1a0f249341a7ab5a.txt", "之二 二(一)、(四)、(九)"),
            PolicySource("000_aa4c8a4a97afae49.txt", "二(四)14"),
            PolicySource("001_d6307313f90aea9d.txt", "14"),
        ),
        occupations=(
            Occupation("chinese_cook", "中式烹调师", ALL_LEVELS),
            Occupation("chinese_pastry_cook", "中式面点师", ALL_LEVELS),
            Occupation("cantonese_cuisine", "粤菜(广府菜)烹饪", special=True),
            Occupation("chaozhou_cuisine", "潮州菜烹饪", special=True),
            Occupation("hakka_cuisine", "客家菜烹饪", special=True),
            Occupation("cantonese_dimsum", "广式点心制作", special=True),
            Occupation("cantonese_roast", "粤式烧腊制作", special=True),
        ),
        certificate_types=("skill_level", "special_ability", "training_qualified"),
        extra_measures=(Measure("assisted_region_trainings", "帮扶地区学员培训人次", counts=trainee_tagged("assisted_region"),
                                rule="人员类别含「帮扶地区」的学员的培训人次"),),
        ten_groups_number=2,
        serves_tags=("assisted_region", "low_income"),
        # 粤人社规〔2023〕13号: real-name 职业技能培训补贴, claimed by the base for a completed session.
        subsidy=SubsidyPolicy("skill_upgrading", "session", PolicySource("004_1a0f249341a7ab5a.txt", "之二 三(二) 资金保障"),
                              excludes=("new_apprentice",)),
        order=10,
        certificate_prefix="YC",
    )
)
