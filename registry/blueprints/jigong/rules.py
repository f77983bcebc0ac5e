"""广东技工 (Guangdong technicians): technical schools' majors and social training; 000 item 15, 001 item 15."""
from registry.domain.catalogue import SubsidyPolicy, ALL_LEVELS, Measure, Occupation, PolicySource, Programme, register

CODE = "jigong"

PROGRAMME = register(
    Programme(
        code=CODE,
        name="广东技工",
        summary="技工院校开展学制教育和社会培训,推行企校双制;毕业生取得毕业证书和职业技能等级证书,跟踪留在本市就业情况。",
        lead_agencies=("市人力资源和社会保障局",),
        sources=(
            PolicySource("000_aa4c8a4a97afae49.txt", "二(四)15"),
            PolicySource("001_d6307313f90aea9d.txt", "15"),
        ),
        occupations=(
            Occupation("electrician", "电工", ALL_LEVELS),
            Occupation("welder", "焊工", ALL_LEVELS),
            Occupation("lathe_operator", "车工", ALL_LEVELS),
            Occupation("auto_mechanic", "汽车维修工", ALL_LEVELS),
            Occupation("robot_operator", "工业机器人系统操作员", (5, 4, 3, 2)),
            Occupation("ecommerce_specialist", "电子商务师", (5, 4, 3, 2, 1)),
        ),
        certificate_types=("skill_level", "training_qualified"),
        extra_measures=(
            Measure("dual_certified", "双证毕业生", "人"),
            Measure("retained_local", "留本市就业毕业生", "人"),
        ),
        session_kinds=("degree", "short"),
        # 粤人社规〔2023〕13号: real-name 职业技能培训补贴, claimed by the base for a completed session.
        subsidy=SubsidyPolicy("skill_upgrading", "session", PolicySource("004_1a0f249341a7ab5a.txt", "之四 三(四) 技能晋升培训补贴"),
                              excludes=("new_apprentice",)),
        order=30,
        certificate_prefix="JG",
    )
)
