"""粤菜师傅 (Cantonese chef): 004 part 2 (Guangzhou), 000 item 14 (Zhanjiang), 001 item 14 (Zhaoqing)."""
from registry.domain.catalogue import SubsidyPolicy, ALL_LEVELS, Measure, Occupation, PolicySource, Programme, register
from registry.domain.reconciliation.conditions import trainee_tagged

CODE = "yuecai"


def star_chefs_rated(year: int, district_id: int | None) -> int:
    from .chefs import rated_in_year

    return rated_in_year(year, district_id)


def studios_recognised(year: int, district_id: int | None) -> int:
    from .studios import recognised_in_year

    return recognised_in_year(year, district_id)


def competition_placings(year: int, district_id: int | None) -> int:
    from .competitions import results_in_year

    return results_in_year(year, district_id)


PROGRAMME = register(
    Programme(
        code=CODE,
        name="粤菜师傅",
        summary="依托粤菜师傅培训(实训)基地开展粤菜烹饪职业技能培训,通过职业技能等级认定或专项职业能力考核的颁发证书;培训补贴实行实名制。"
                "建设大师工作室、名厨工作室,开展星级粤菜师傅评选和职业技能竞赛;支持对口帮扶地区有意愿的村民参加培训(粤菜师傅+精准扶贫)。",
        lead_agencies=("市人力资源和社会保障局", "市教育局"),
        sources=(
            PolicySource("004_1a0f249341a7ab5a.txt", "之二 二(一)、(二)、(四)、(八)、(九)、(十)"),
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
        extra_measures=(
            # 004 之二 二(九) 粤菜师傅+精准扶贫: villagers of 清远、梅州、贵州、新疆 and the other assisted regions.
            Measure("assisted_region_trainings", "帮扶地区学员培训人次", counts=trainee_tagged("assisted_region"),
                    rule="人员类别含「帮扶地区」的学员的培训人次(穗人社函〔2020〕22号 之二 二(九))"),
            Measure("assisted_region_persons", "帮扶地区学员培训人数", "人", counts=trainee_tagged("assisted_region"),
                    rule="上述人次按学员(证件号码)去重后的人数"),
            # 001 item 14: "持续开展星级'粤菜师傅'评选".
            Measure("star_chefs_rated", "星级粤菜师傅评定人数", "人", tally=star_chefs_rated,
                    records_endpoint="yuecai.chefs",
                    rule="评定日期在当年的星级粤菜师傅人数(首次评定和重新评定均计,同一人计 1 人),按评定记录的所在区计"),
            # 000 二(四)14: 大师工作室、名厨工作室; 004 之二 二(二): 粤菜师傅工作室.
            Measure("studios_recognised", "新认定大师工作室、名厨工作室", "个", tally=studios_recognised,
                    records_endpoint="yuecai.studios",
                    rule="认定日期在当年的大师工作室、名厨工作室和粤菜师傅工作室个数(其后终止的仍计入认定当年),按所在培训基地的区计"),
            # 004 之二 二(八); 000 二(四)14; 001 item 14: 技能竞赛.
            Measure("competition_placings", "技能竞赛获奖人次", "人次", tally=competition_placings,
                    records_endpoint="yuecai.competitions",
                    rule="竞赛日期在当年的获奖或取得名次的人次,按培训该学员的基地所在区计"),
        ),
        # No target presets: 004 之二 gives Guangzhou no yearly figure for these records. Its only numbers
        # (二(二): "到2020年……培养100名以上粤菜名厨,100家以上粤菜名店", 10 旅游美食精品线路; 二(三): 2 个
        # 省级重点和特色专业 by 2022) are cumulative, past, and about 名厨/名店 rather than star ratings or
        # studios; the 2,000 and 1,500 人次 a year are Zhanjiang's (000) and Zhaoqing's (001), not Guangzhou's.
        ten_groups_number=2,
        serves_tags=("assisted_region", "low_income"),
        # 粤人社规〔2023〕13号: real-name 职业技能培训补贴, claimed by the base for a completed session.
        subsidy=SubsidyPolicy("skill_upgrading", "session", PolicySource("004_1a0f249341a7ab5a.txt", "之二 三(二) 资金保障"),
                              excludes=("new_apprentice",)),
        order=10,
        certificate_prefix="YC",
    )
)
