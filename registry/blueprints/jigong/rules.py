"""广东技工 (Guangdong technicians): technical schools' majors, cohorts and graduates, and their social
training.

Policy: 湛人社〔2024〕100号 (000) 二(三)15 and 肇庆 2024 方案 (001) 二(三)15:
* 000 二(三)15 — "积极建设……省级重点(优质重点)和特色(优质培育)专业" and "推行企校双制技能人才培育模式,通过
  职业培训与学制教育相结合": majors carry the province key / featured flags (models.Major); cohorts are
  学制班 sessions (cohorts.py).
* 001 二(三)15 — "支持技工院校加强专业建设" and "实行技工院校毕业生留肇实习、就业激励机制,推动更多毕业生留肇
  就业": graduates' destinations, counted as 留本市就业 (measure ``retained_local``).
* DOMAIN.md, 广东技工: graduates earn a diploma plus a skill-level certificate (双证): measure
  ``dual_certified``.
"""
from registry.domain.catalogue import ALL_LEVELS, Measure, Occupation, PolicySource, Programme, SubsidyPolicy, register

CODE = "jigong"

#: The items this package implements (shown with its rules on its pages).
SOURCE_MAJORS = PolicySource("000_aa4c8a4a97afae49.txt", "二(三)15")
SOURCE_RETENTION = PolicySource("001_d6307313f90aea9d.txt", "二(三)15")

DUAL_CERTIFIED_RULE = (
    "当年(按毕业证书日期)毕业的技工院校毕业生中,持有与所学专业对应职业(工种)的职业技能等级证书(任一等级、"
    "未撤销;在本系统任一班期取得均可,含本学制班,须在入学后取得)的人数,按学校所在区计。双证率 = 双证毕业生 ÷ 毕业生。"
)
RETAINED_LOCAL_RULE = (
    "当年(按毕业证书日期)毕业的技工院校毕业生中,毕业去向登记为「本市就业」的人数,按学校所在区计。"
    "留本市就业率 = 本市就业毕业生 ÷ 毕业生(未登记去向的毕业生计入分母)。"
)


def _dual_certified(year: int, district_id: int | None) -> int:
    from .figures import graduates_tally

    return graduates_tally(year, district_id, "dual")


def _retained_local(year: int, district_id: int | None) -> int:
    from .figures import graduates_tally

    return graduates_tally(year, district_id, "local")


def _check_session_move(session, target: str, on) -> None:
    from .cohorts import check_session_move

    check_session_move(session, target, on)


def _check_session_update(session, data) -> None:
    from .cohorts import check_session_update

    check_session_update(session, data)


PROGRAMME = register(
    Programme(
        code=CODE,
        name="广东技工",
        summary="技工院校开展学制教育和社会培训,推行企校双制;建设省级重点和特色专业;毕业生取得毕业证书和职业技能等级证书,跟踪留在本市就业情况。",
        lead_agencies=("市人力资源和社会保障局",),
        sources=(SOURCE_MAJORS, SOURCE_RETENTION),
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
            Measure("dual_certified", "双证毕业生", "人", tally=_dual_certified,
                    records_endpoint="jigong.graduates_dual", rule=DUAL_CERTIFIED_RULE),
            Measure("retained_local", "留本市就业毕业生", "人", tally=_retained_local,
                    records_endpoint="jigong.graduates_local", rule=RETAINED_LOCAL_RULE),
        ),
        session_kinds=("degree", "short"),
        # A cohort's 学制班 session follows its major and intake year and completes when the cohort
        # graduates (cohorts.py); the shared session pages ask these hooks before changing one.
        rules={"check_session_move": _check_session_move, "check_session_update": _check_session_update},
        # 粤人社规〔2023〕13号: real-name 职业技能培训补贴, claimed by the base for a completed session.
        subsidy=SubsidyPolicy("skill_upgrading", "session",
                              PolicySource("004_1a0f249341a7ab5a.txt", "之四 三(四) 技能晋升培训补贴"),
                              excludes=("new_apprentice",)),
        order=30,
        certificate_prefix="JG",
    )
)
