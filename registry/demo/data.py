"""The demo data set's fixed specifications: bases and the programmes they run, enterprises,
accounts, and the names, places and employers people are drawn from."""
from __future__ import annotations

from dataclasses import dataclass

@dataclass(frozen=True)
class DemoBase:
    name: str
    kind: str
    district: str
    #: First two characters of the credit code: registration authority and organisation type.
    authority: str
    #: (programme code, recognition level, occupations the base teaches)
    programmes: tuple[tuple[str, str, tuple[str, ...]], ...]


BASES = (
    DemoBase("广州市天河区粤厨职业培训学校", "training_institution", "440106", "52", (
        ("yuecai", "city", ("chinese_cook", "cantonese_cuisine", "cantonese_dimsum", "chinese_pastry_cook")),
        ("job_change", "district", ("chinese_cook",)),
    )),
    DemoBase("广州市白云工商技师学院", "technical_school", "440111", "12", (
        ("jigong", "province", ("electrician", "welder", "auto_mechanic")),
        ("apprenticeship", "city", ("electrician", "welder")),
        ("school_leavers", "city", ("electrician", "auto_mechanic")),
    )),
    DemoBase("广州南粤家政职业培训中心", "training_institution", "440106", "52", (
        ("jiazheng", "province", ("infant_carer", "maternity_carer", "housekeeper", "nursery_worker")),
    )),
    DemoBase("广州市越秀区就业训练中心", "employment_centre", "440104", "12", (
        ("veterans", "city", ("adaptive_training", "security_guard", "electrician")),
        ("disability", "city", ("massage", "digital_skills")),
    )),
    DemoBase("广州市番禺区餐饮行业协会", "industry_association", "440113", "51", (
        ("yuecai", "district", ("cantonese_roast", "chinese_cook")),
        ("rural_labour", "district", ("rural_ecommerce", "new_farmer")),
    )),
    DemoBase("广州市黄埔区安全生产培训中心", "training_institution", "440112", "52", (
        ("safety", "city", ("safety_manager_initial", "safety_manager_refresher", "low_voltage_electrician")),
    )),
    DemoBase("广州市海珠区颐康养老护理培训学校", "training_institution", "440105", "52", (
        ("jiazheng", "city", ("elderly_carer", "medical_carer")),
    )),
    DemoBase("广州南沙智造企业培训中心", "enterprise_centre", "440115", "91", (
        ("new_workers", "city", ("robot_operator", "cnc_programmer", "fitter")),
        ("apprenticeship", "district", ("lathe_operator", "electrician")),
    )),
)

#: (name, kind, district, index of the base that runs its apprentices' sessions or None)
ENTERPRISES = (
    ("广州白云电气设备有限公司", "general", "440111", 1),
    ("广州市好帮手家政服务有限公司", "home_service", "440106", None),
    ("广州岭南味道餐饮管理有限公司", "catering", "440104", None),
    ("广州南沙精密制造有限公司", "general", "440115", 7),
)

#: Demo accounts: username → (role, display name, unit). The unit is a district code, a base
#: index or an enterprise index.
ACCOUNTS = {
    "city": ("city", "市人社局职业能力建设处", None),
    "district": ("district", "天河区人社局培训股", "440106"),
    "base": ("base", "粤厨学校教务员", 0),
    "enterprise": ("enterprise", "白云电气人事专员", 0),
    "jiazheng": ("base", "南粤家政培训中心教务员", 2),
    "homeservice": ("enterprise", "好帮手家政人事专员", 1),
    "school": ("base", "白云工商技师学院教务员", 1),
}

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余杜叶程魏苏吕丁任卢姚沈钟"
    "姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫区麦冼"
)
COMPOUND_SURNAMES = ("欧阳", "司徒", "上官", "诸葛")
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂华建国志文俊嘉慧婷颖浩宇晓燕红梅玉兰海波振兴家辉锦荣少珍淑仪"

GUANGZHOU_AREAS = ("440103", "440104", "440105", "440106", "440111", "440112", "440113", "440114", "440115",
                   "440117", "440118")
#: Birth-place area codes elsewhere in Guangdong and in other provinces.
OTHER_AREAS = ("441302", "440882", "445102", "430521", "450103", "360502", "511102")
#: Area codes of the paired-assistance regions, by region (粤菜师傅+精准扶贫).
ASSISTED_AREAS = {"清远": "441802", "梅州": "441402", "贵州": "520102", "新疆": "650102"}

EMPLOYERS = ("广州酒家集团利口福食品有限公司", "广州白云电气设备有限公司", "广州市好帮手家政服务有限公司",
             "广州岭南味道餐饮管理有限公司", "广州南沙精密制造有限公司", "广州市泰康之家养老服务有限公司",
             "广州地铁集团有限公司", "广州市保安服务有限公司")
WITHDRAWAL_REASONS = ("找到工作,无法继续参训", "家庭原因", "身体原因", "搬离本市")
PLACES = {"offline": "本基地实训楼", "online": "线上平台", "hybrid": "本基地实训楼及线上平台"}
