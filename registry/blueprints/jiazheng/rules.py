"""南粤家政 (home services), Guangzhou's 羊城行动: 004 part 3; 000 item 16; 001 item 16."""
from registry.domain.catalogue import (
    SubsidyPolicy, Measure, Occupation, PolicySource, Programme, ServiceCardPolicy, TargetPreset, Track, register,
)

CODE = "jiazheng"


def cards_issued(year: int, district_id: int | None) -> int:
    from registry.domain.service_cards.cards import count_issued

    return count_issued(CODE, year, district_id)


def stations_in_operation(year: int, district_id: int | None) -> int:
    from .stations import count_in_operation

    return count_in_operation(year, district_id)


def demonstration_bases(level: str):
    """The tally of one level of demonstration base (models.DESIGNATION_LEVELS)."""

    def tally(year: int, district_id: int | None) -> int:
        from .demonstration import count_in_force

        return count_in_force(level, year, district_id)

    return tally


#: How the stock measures are read: on the year's last day, or today while the year runs.
STOCK_RULE = "按当年 12 月 31 日(当年截至今天)计"
#: 004 之三 二、10: the three levels of demonstration base with the policy's figure for each.
DEMONSTRATION_MEASURES = (
    ("demo_bases_joint", "joint", "省市共建现代家政综合培训就业示范基地", 1),
    ("demo_bases_city", "city", "市级家政服务培训示范基地", 10),
    ("demo_bases_district", "district", "区级家政服务培训示范基地", 30),
)


PROGRAMME = register(
    Programme(
        code=CODE,
        name="南粤家政",
        summary="围绕母婴、居家、养老、医护四大项目开展家政服务类培训;推行集实名认证、从业经历、培训、体检信息于一体的上门服务证;"
                "在岗人员每两年至少回炉培训一次;在各街(镇)建设基层服务站;建设扶持省市共建、市级、区级三级家政服务培训示范基地。",
        lead_agencies=("市人力资源和社会保障局", "市商务局", "市民政局", "市卫生健康委", "市妇联"),
        sources=(
            PolicySource("004_1a0f249341a7ab5a.txt", "之三 一(工作目标);二、1(基层服务站)、4(上门服务证)、8(培训目标)、"
                                                      "10(回炉培训、示范基地)"),
            PolicySource("000_aa4c8a4a97afae49.txt", "二(四)16"),
            PolicySource("001_d6307313f90aea9d.txt", "16"),
        ),
        occupations=(
            Occupation("nursery_worker", "保育员", (5, 4, 3)),
            Occupation("infant_carer", "育婴员", (5, 4, 3)),
            Occupation("maternity_carer", "母婴(妇婴)护理员", special=True),
            Occupation("housekeeper", "家政服务员", (5, 4, 3, 2, 1)),
            Occupation("elderly_carer", "养老护理员", (5, 4, 3, 2, 1)),
            Occupation("medical_carer", "医疗护理员", (5, 4)),
        ),
        tracks=(
            Track("maternal", "母婴", ("nursery_worker", "infant_carer", "maternity_carer")),
            Track("household", "居家", ("housekeeper",)),
            Track("elderly", "养老", ("elderly_carer",)),
            Track("medical", "医护", ("medical_carer",)),
        ),
        certificate_types=("skill_level", "special_ability", "training_qualified"),
        extra_measures=(
            Measure("service_cards", "上门服务证", "张", tally=cards_issued, records_endpoint="service_cards.index",
                    rule="当年首次发放的上门服务证张数(补证、换证不重复计),按发证所在区计"),
            # 004 之三 二、1: "到2021年,在本市各街(镇)建设174家以上'羊城家政'基层服务站".
            Measure("service_stations", "基层服务站", "家", tally=stations_in_operation,
                    records_endpoint="jiazheng.stations",
                    rule=f"{STOCK_RULE}正在运营的街(镇)基层家政服务站家数:开办日期不晚于该日、未关闭或关闭日期晚于该日;"
                         "按服务站所在区计"),
            # 004 之三 二、10: demonstration bases at three levels, counted by designations in force.
            *(Measure(code, name, "家", tally=demonstration_bases(level),
                      records_endpoint=f"jiazheng.demonstration_bases_{level}",
                      rule=f"{STOCK_RULE}在认定期内的{name}家数(认定日期不晚于该日,未期满、未结束);按基地所在区计")
              for code, level, name, _ in DEMONSTRATION_MEASURES),
        ),
        # 004 之三 二、8: "每年开展保育员、育婴员、妇婴护理员培训15000人次,家政服务员培训15000人次,
        # 养老护理员培训5000人次,医疗护理员培训5000人次".
        target_presets=tuple(
            TargetPreset("trainings", value, f"穗人社函〔2020〕22号 之三 二、8:每年{track_name}培训{value}人次", track=track)
            for track, track_name, value in (
                ("maternal", "保育员、育婴员、妇婴护理员", 15000),
                ("household", "家政服务员", 15000),
                ("elderly", "养老护理员", 5000),
                ("medical", "医疗护理员", 5000),
            )
        ) + (
            # The four yearly figures of 二、8 together: 40,000 人次 a year, the pace of its
            # "到2021年,开展家政服务类培训12万人次以上".
            TargetPreset("trainings", 40000, "穗人社函〔2020〕22号 之三 二、8:四类培训每年合计40000人次"
                                             "(到2021年累计12万人次以上)"),
            TargetPreset("service_stations", 174, "穗人社函〔2020〕22号 之三 二、1:到2021年在各街(镇)建设174家以上"
                                                  "“羊城家政”基层服务站"),
            *(TargetPreset(code, value, f"穗人社函〔2020〕22号 之三 二、10:建设扶持{value}家以上{name}")
              for code, _, name, value in DEMONSTRATION_MEASURES),
        ),
        # 004 之三 二、4 (the card), 10 (retraining every two years at least).
        service_card=ServiceCardPolicy(
            name="上门服务证", number_prefix="SM", tracks=("maternal", "household", "elderly", "medical"),
            retraining_years=2, source=PolicySource("004_1a0f249341a7ab5a.txt", "之三 二、4、10、18"),
        ),
        ten_groups_number=3,
        # 粤人社规〔2023〕13号: real-name 职业技能培训补贴, claimed by the base for a completed session.
        subsidy=SubsidyPolicy("skill_upgrading", "session", PolicySource("004_1a0f249341a7ab5a.txt", "之三 三 保障措施"),
                              excludes=("new_apprentice",)),
        order=20,
        certificate_prefix="JZ",
    )
)
