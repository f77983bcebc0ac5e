"""Guangzhou's ten key groups (004, 穗人社函〔2020〕22号) not covered by their own packages.

Groups 2 (粤菜师傅), 3 (南粤家政) and 4 (企业新型学徒制) have packages of their own; the other seven
are defined here, each a programme with its own occupations, measures and rules.
"""
from __future__ import annotations

from registry.domain.catalogue import (
    ALL_LEVELS,
    BASIC_LEVELS,
    Measure,
    Occupation,
    PolicySource,
    Programme,
    TargetPreset,
    SubsidyPolicy,
    register,
)
from registry.domain.reconciliation.conditions import first_in_programme, occupation_in

from .workforce import measures as workforce

POLICY = "004_1a0f249341a7ab5a.txt"
#: Each group's training is paid from the real-name 职业技能培训补贴 (粤人社规〔2023〕13号), claimed by
#: the base for a completed session; never for an occupation and level already paid as an apprenticeship.
SKILL_SUBSIDY = SubsidyPolicy("skill_upgrading", "session", PolicySource(POLICY, "十项工程 职业技能培训补贴"),
                              excludes=("new_apprentice",))

NEW_WORKERS = register(
    Programme(
        code="new_workers",
        name="新生代产业工人",
        summary="实施“羊城工匠”行动计划,面向重点产业领域培养高技能领军人才和拔尖技能人才,帮助中小微企业开展职工技能提升培训。",
        lead_agencies=("市人力资源和社会保障局", "市工业和信息化局", "团市委"),
        sources=(PolicySource(POLICY, "之一 一至七"),),
        occupations=(
            Occupation("electrician", "电工", ALL_LEVELS),
            Occupation("fitter", "钳工", ALL_LEVELS),
            Occupation("cnc_programmer", "数控程序员", (4, 3, 2, 1)),
            Occupation("robot_operator", "工业机器人系统操作员", (5, 4, 3, 2)),
            Occupation("ai_trainer", "人工智能训练师", (5, 4, 3, 2, 1)),
            # 之一 二、三 define these two trainings by their content, not by a trade: bases file them as items.
            Occupation(workforce.LEADER_ITEM, "高技能领军人才研修", special=True),
            Occupation(workforce.TOP_TALENT_ITEM, "拔尖技能人才研修", special=True),
        ),
        certificate_types=("skill_level", "training_qualified"),
        extra_measures=(
            Measure("high_skill_leaders", "高技能领军人才培训人次", counts=workforce.high_skill_leaders,
                    rule="「高技能领军人才研修」班期的培训人次(穗人社函〔2020〕22号 之一 二)"),
            Measure("top_talent", "拔尖技能人才培训人次", counts=workforce.top_talent,
                    rule="「拔尖技能人才研修」班期、技师/高级技师等级班期,或参训人开班时已持有技师/高级技师职业技能等级证书的培训人次;"
                         "高技能领军人才研修不重复计入(穗人社函〔2020〕22号 之一 三)"),
        ),
        # 之一 二、三: "到2021年,全市开展高技能领军人才培训600人次以上" and "……拔尖技能人才培训600人次以上".
        target_presets=(
            TargetPreset("high_skill_leaders", 200, "穗人社函〔2020〕22号 之一 二:到2021年全市开展高技能领军人才培训600人次以上"
                                                     "(2019–2021年三年均摊为每年200人次)"),
            TargetPreset("top_talent", 200, "穗人社函〔2020〕22号 之一 三:到2021年全市开展重点产业领域及重点企业拔尖技能人才培训"
                                            "600人次以上(2019–2021年三年均摊为每年200人次)"),
        ),
        ten_groups_number=1,
        subsidy=SKILL_SUBSIDY,
        order=51,
        certificate_prefix="CY",
    )
)

JOB_CHANGERS = register(
    Programme(
        code="job_change",
        name="企业职工转岗转业",
        summary="以行业企业为主体开展职工技能提升和转岗转业培训,受影响企业裁员失业人员可转岗为粤菜厨师、家政服务、养老护理或农村电商人员。",
        lead_agencies=("市人力资源和社会保障局", "市工业和信息化局", "市国资委"),
        sources=(PolicySource(POLICY, "之五 一至八"),),
        occupations=(
            Occupation("chinese_cook", "中式烹调师", BASIC_LEVELS),
            Occupation("housekeeper", "家政服务员", BASIC_LEVELS),
            Occupation("elderly_carer", "养老护理员", BASIC_LEVELS),
            Occupation("ecommerce_specialist", "电子商务师", BASIC_LEVELS),
            Occupation("enterprise_skills", "企业岗位技能提升", special=True),
        ),
        certificate_types=("skill_level", "special_ability", "training_qualified"),
        # 之五 三、四 name whom the training serves; each participation's situation is recorded
        # (workforce.models.JobChangeRecord). 之五 sets no figure, so there is no preset.
        extra_measures=(
            Measure("laid_off_trainings", "裁员失业人员转岗转业培训人次", counts=workforce.laid_off,
                    rule="登记为被裁员或解除、终止劳动合同的参训人次(穗人社函〔2020〕22号 之五 四)"),
            Measure("redeployed_trainings", "分流转岗、停工转产职工岗前培训人次", counts=workforce.redeployed,
                    rule="登记为企业分流转岗或长期停工转产职工的参训人次(穗人社函〔2020〕22号 之五 四)"),
            Measure("service_sector_trainings", "转岗服务业培训人次", counts=workforce.service_sector,
                    rule="离岗职工(被裁员、解除或终止合同、分流转岗、停工转产)参加中式烹调师、家政服务员、养老护理员、电子商务师班期的人次(穗人社函〔2020〕22号 之五 四)"),
        ),
        ten_groups_number=5,
        serves_tags=("unemployed", "hard_to_employ"),
        subsidy=SKILL_SUBSIDY,
        order=55,
        certificate_prefix="ZG",
    )
)

RURAL_LABOUR = register(
    Programme(
        code="rural_labour",
        name="农村劳动力精准培训",
        summary="农村劳动力实名登记、精准培训:培育新型职业农民,开展农村电商和供销合作社培训,培养农村实用人才带头人。",
        lead_agencies=("市人力资源和社会保障局", "市教育局", "市农业农村局", "团市委"),
        sources=(PolicySource(POLICY, "之六 一至八"),),
        occupations=(
            Occupation("new_farmer", "新型职业农民培育", special=True),
            Occupation("rural_ecommerce", "农村电商", special=True),
            Occupation("coop_training", "供销合作社系统培训", special=True),
            Occupation("agri_technician", "农业技术员", BASIC_LEVELS),
        ),
        certificate_types=("skill_level", "special_ability", "training_qualified"),
        extra_measures=(
            Measure("new_farmers", "新型职业农民", "人", counts=occupation_in("new_farmer"), rule="「新型职业农民培育」班期按学员去重的人数"),
            Measure("rural_ecommerce", "农村电商培训人次", counts=occupation_in("rural_ecommerce"), rule="「农村电商」班期的培训人次"),
            Measure("coop_trainings", "供销合作社培训人次", counts=occupation_in("coop_training"), rule="「供销合作社系统培训」班期的培训人次"),
            Measure("low_income_trainings", "低保家庭劳动力培训人次", counts=workforce.low_income,
                    rule="实名登记为低保家庭劳动力或子女、或学员类别为脱贫/低保家庭的参训人次(穗人社函〔2020〕22号 之六 一)"),
            Measure("registered", "农村劳动力实名登记人数", "人", tally=workforce.registered_labourers,
                    records_endpoint="rural_labour.index",
                    rule="当年登记进入农村劳动力培训实名登记台账的人数(穗人社函〔2020〕22号 之六 二)"),
        ),
        # 之六 三: "到2020年,全市培育新型职业农民9000人以上" (2019–2020); 四: "全市开展农村电商培训5000人次
        # 以上" (到2021年末); 五: "开展供销社系统各类职业技能提升培训4000人次以上" (2019–2021).
        target_presets=(
            TargetPreset("new_farmers", 4500, "穗人社函〔2020〕22号 之六 三:到2020年全市培育新型职业农民9000人以上"
                                              "(2019–2020年两年均摊为每年4500人)"),
            TargetPreset("rural_ecommerce", 1667, "穗人社函〔2020〕22号 之六 四:到2021年末全市开展农村电商培训5000人次以上"
                                                  "(2019–2021年三年均摊,向上取整为每年1667人次)"),
            TargetPreset("coop_trainings", 1334, "穗人社函〔2020〕22号 之六 五:开展供销社系统各类职业技能提升培训4000人次以上"
                                                 "(2019–2021年三年均摊,向上取整为每年1334人次)"),
        ),
        ten_groups_number=6,
        serves_tags=("low_income",),
        subsidy=SKILL_SUBSIDY,
        order=56,
        certificate_prefix="NC",
    )
)

VETERANS = register(
    Programme(
        code="veterans",
        name="退役军人职业技能培训",
        summary="对每年退役的军人开展全员适应性培训,并开展就业技能和创新创业培训。",
        lead_agencies=("市退役军人事务局", "市教育局", "市财政局", "市人力资源和社会保障局"),
        sources=(PolicySource(POLICY, "之七 一、二、八"),),
        occupations=(
            Occupation("adaptive_training", "退役军人适应性培训", special=True),
            Occupation("electrician", "电工", BASIC_LEVELS),
            Occupation("auto_mechanic", "汽车维修工", BASIC_LEVELS),
            Occupation("security_guard", "保安员", BASIC_LEVELS),
            Occupation("entrepreneurship", "创业培训", special=True),
        ),
        certificate_types=("skill_level", "special_ability", "training_qualified"),
        extra_measures=(Measure("adaptive_trainings", "适应性培训人次", counts=occupation_in("adaptive_training"),
                                rule="「退役军人适应性培训」班期的培训人次"),),
        # 004 之七: 6,000 人次 to 2021 (2019–2021), spread evenly as a yearly preset.
        target_presets=(TargetPreset("trainings", 2000, "穗人社函〔2020〕22号 之七:到2021年培训退役军人6000人次以上(2019–2021年三年均摊为每年2000人次)"),),
        ten_groups_number=7,
        serves_tags=("veteran",),
        subsidy=SKILL_SUBSIDY,
        order=57,
        certificate_prefix="TY",
    )
)

SCHOOL_LEAVERS = register(
    Programme(
        code="school_leavers",
        name="两后生教育培训",
        summary="城乡未继续升学的初高中毕业生(两后生)每名有意愿者至少接受一次初级及以上职业技能培训,建立两后生工作台账。",
        lead_agencies=("市教育局", "市人力资源和社会保障局"),
        sources=(PolicySource(POLICY, "之八 一至四"),),
        occupations=(
            Occupation("chinese_cook", "中式烹调师", BASIC_LEVELS),
            Occupation("electrician", "电工", BASIC_LEVELS),
            Occupation("auto_mechanic", "汽车维修工", BASIC_LEVELS),
            Occupation("ecommerce_specialist", "电子商务师", BASIC_LEVELS),
        ),
        certificate_types=("skill_level", "training_qualified"),
        ten_groups_number=8,
        serves_tags=("school_leaver",),
        subsidy=SKILL_SUBSIDY,
        order=58,
        certificate_prefix="LH",
    )
)

#: Minimum class hours for heads and safety managers of high-risk firms (004 之九 二).
SAFETY_MINIMUM_HOURS = {"safety_manager_initial": 48, "safety_manager_refresher": 16}
SAFETY_HOURS_RULE = "高危企业主要负责人和安全管理人员初次安全培训不少于48学时、每年再培训不少于16学时(穗人社函〔2020〕22号 之九 二)"


def minimum_pass_hours(occupation_code: str) -> tuple[int, str] | None:
    """The policy's minimum attended hours for a pass in this occupation, with the rule's wording."""
    hours = SAFETY_MINIMUM_HOURS.get(occupation_code)
    return (hours, SAFETY_HOURS_RULE) if hours else None


def certificate_valid_years(occupation_code: str) -> int | None:
    """Safety-manager training must be refreshed every year (004 之九 二), so its certificate lasts one year."""
    return 1 if occupation_code in SAFETY_MINIMUM_HOURS else None


#: Special operations whose new applicants must have finished senior high school (004 之九 六:
#: "严格危险化学品作业新申请特种作业操作证的人员须具备高中以上文化程度制度").
HIGH_SCHOOL_OCCUPATIONS = ("hazardous_chemicals",)
HIGH_SCHOOL_RULE = "危险化学品作业新申请特种作业操作证的人员须具备高中以上文化程度(穗人社函〔2020〕22号 之九 六)"


def enrolment_refusal(session, trainee) -> str | None:
    """Why this person may not enrol in this session, or None: 危险化学品安全作业 takes only people whose
    recorded education is 高中/中专/技校 or above; an unrecorded education is refused until recorded."""
    from registry.domain.trainees.models import EDUCATION_LEVELS

    if session.occupation_code not in HIGH_SCHOOL_OCCUPATIONS:
        return None
    levels = list(EDUCATION_LEVELS)
    education = trainee.education or None
    if education not in EDUCATION_LEVELS:
        return f"「文化程度」未登记,不能报名:{HIGH_SCHOOL_RULE}。请先登记其文化程度(已登记的学员在学员资料中补充)"
    if levels.index(education) < levels.index("senior"):
        return f"「文化程度」为「{EDUCATION_LEVELS[education]}」,不能报名:{HIGH_SCHOOL_RULE}"
    return None


SAFETY = register(
    Programme(
        code="safety",
        name="安全技能提升",
        summary="规范特种作业培训考核;高危企业主要负责人和安全管理人员初次培训不少于48学时、每年再培训不少于16学时,任职6个月内考核合格;危险化学品特种作业须高中以上文化程度。",
        lead_agencies=("市应急管理局", "市住房城乡建设局", "市市场监管局"),
        sources=(PolicySource(POLICY, "之九 一、二、六"),),
        occupations=(
            Occupation("safety_manager_initial", "主要负责人和安全管理人员初次培训", special=True),
            Occupation("safety_manager_refresher", "主要负责人和安全管理人员年度再培训", special=True),
            Occupation("low_voltage_electrician", "低压电工作业", special=True),
            Occupation("welding_cutting", "熔化焊接与热切割作业", special=True),
            Occupation("work_at_height", "高处作业", special=True),
            Occupation("hazardous_chemicals", "危险化学品安全作业", special=True),
        ),
        certificate_types=("training_qualified",),
        extra_measures=(
            Measure("special_operations", "特种作业培训人次",
                    counts=occupation_in("low_voltage_electrician", "welding_cutting", "work_at_height",
                                         "hazardous_chemicals"),
                    rule="特种作业类班期(低压电工、焊接与热切割、高处作业、危险化学品)的培训人次"),
            Measure("safety_managers", "高危企业主要负责人和安全管理人员培训人数", "人",
                    counts=occupation_in(*SAFETY_MINIMUM_HOURS),
                    rule="主要负责人和安全管理人员初次培训、年度再培训班期按学员去重的人数"),
        ),
        target_presets=(
            # 004 之九 一: "2020-2021年,每年培训、考核3.5万人次".
            TargetPreset("special_operations", 35000, "穗人社函〔2020〕22号 之九 一:2020–2021年每年特种作业培训、考核3.5万人次"),
            # 004 之九 二: "2020-2021年,面向全市高危企业培训1000人" (two years, split evenly).
            TargetPreset("safety_managers", 500, "穗人社函〔2020〕22号 之九 二:2020–2021年面向全市高危企业培训主要负责人和安全管理人员1000人(两年均摊为每年500人)"),
        ),
        ten_groups_number=9,
        rules={"minimum_pass_hours": minimum_pass_hours, "certificate_valid_years": certificate_valid_years,
               "enrolment_refusal": enrolment_refusal},
        subsidy=SKILL_SUBSIDY,
        order=59,
        certificate_prefix="AQ",
    )
)


def capability_assessments(year: int, district_id: int | None) -> int:
    """People with disabilities whose vocational capability was assessed in the year (004 之十 六(一))."""
    from .safety_and_inclusion.assessments import assessed_people

    return assessed_people(year, district_id)


DISABILITY = register(
    Programme(
        code="disability",
        name="残疾人职业技能提升",
        summary="以农村新成长劳动力和城镇登记失业的青壮年残疾人为重点,开展就业技能、实用技术、创业培训;2019—2021年新增培训1200、1100、1000人。",
        lead_agencies=("市残联",),
        sources=(PolicySource(POLICY, "之十 一、二、六"),),
        occupations=(
            Occupation("massage", "保健按摩师", BASIC_LEVELS),
            Occupation("ecommerce_specialist", "电子商务师", BASIC_LEVELS),
            Occupation("handicraft", "手工艺品制作", special=True),
            Occupation("digital_skills", "数字技能就业培训", special=True),
        ),
        certificate_types=("skill_level", "special_ability", "training_qualified"),
        extra_measures=(
            Measure("new_trainees", "新增残疾人培训人数", "人", counts=first_in_programme("disability"),
                    rule="此前未参加过本项目培训(本班期开班前无已结束的本项目参训记录)的学员人数"),
            # 004 之十 六(一): "全面开展职业能力评估服务".
            Measure("capability_assessments", "职业能力评估人数", "人", tally=capability_assessments,
                    records_endpoint="capability_assessments.index",
                    rule="评估日期在当年的职业能力评估,按人去重;按登记评估的区统计"),
        ),
        # 004 之十 一: "2019—2021年努力完成新增残疾人培训1200人、1100人、1000人"; the last yearly figure.
        target_presets=(TargetPreset("new_trainees", 1000, "穗人社函〔2020〕22号 之十:2019—2021年新增残疾人培训1200人、1100人、1000人(预置取2021年数)"),),
        ten_groups_number=10,
        serves_tags=("disabled",),
        subsidy=SKILL_SUBSIDY,
        order=60,
        certificate_prefix="CJ",
    )
)
