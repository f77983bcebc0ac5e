"""南粤家政's own demo records: demonstration-base designations on the demo's 南粤家政 bases (one moved
up a level, so the history shows) and street/town service stations in several districts, one of them
closed. Made through the package's domain functions, so they obey the rules a clerk meets."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from ...domain.organisations.models import District
from ...extensions import db
from . import demonstration, stations
from .rules import CODE

#: (district code, street or town, station name, operated by the demo home-service firm?, years open)
STATIONS = (
    ("440106", "石牌街", "石牌街“羊城家政”基层服务站", True, 3),
    ("440106", "天河南街", "天河南街“羊城家政”基层服务站", False, 3),
    ("440106", "猎德街", "猎德街“羊城家政”基层服务站", True, 2),
    ("440105", "滨江街", "滨江街“羊城家政”基层服务站", False, 3),
    ("440105", "南洲街", "南洲街“羊城家政”基层服务站", False, 2),
    ("440104", "北京街", "北京街“羊城家政”基层服务站", False, 3),
    ("440113", "石楼镇", "石楼镇“羊城家政”基层服务站", False, 2),
    ("440111", "太和镇", "太和镇“羊城家政”基层服务站", True, 1),
)


def load_demo(context) -> dict[str, int]:
    on = context.today
    bases = [b for b in context.bases if any(r.programme_code == CODE for r in b.recognitions)]
    designations = 0
    for index, base in enumerate(bases):
        first = date(on.year - 3, 6, 1) + timedelta(days=30 * index)
        if index == 0:
            # Designated by its district first, then built up jointly by the province and the city.
            demonstration.designate(demonstration.DesignationData(
                base.id, "district", first, f"广州市{base.district.name}人力资源和社会保障局",
                f"{base.district.name[:2]}人社〔{first.year}〕12号"), on)
            demonstration.designate(demonstration.DesignationData(
                base.id, "joint", date(on.year - 2, 9, 1), "广东省人力资源和社会保障厅、广州市人力资源和社会保障局",
                f"粤人社函〔{on.year - 2}〕318号"), on)
            designations += 2
        else:
            demonstration.designate(demonstration.DesignationData(
                base.id, "city", first, "广州市人力资源和社会保障局", f"穗人社函〔{first.year}〕96号",
                valid_until=date(on.year + 1, 5, 31)), on)
            designations += 1
    firm = next((e for e in context.enterprises if e.kind == "home_service"), None)
    districts = {d.code: d for d in db.session.scalars(select(District))}
    opened = []
    for number, (district_code, street, name, by_firm, years) in enumerate(STATIONS):
        district = districts[district_code]
        operator = {"operator_kind": "enterprise", "enterprise_id": firm.id} if by_firm and firm else \
            {"operator_kind": "street_office", "operator_name": f"广州市{district.name}{street}道办事处"
             if street.endswith("街") else f"广州市{district.name}{street}人民政府"}
        opened.append(stations.open_station(stations.StationData(
            name=name, district_id=district.id, street=street, address=f"广州市{district.name}{street}社区服务中心一楼",
            contact_phone=f"020-{38000000 + number * 1117:08d}", opened_on=date(on.year - years, 3 + number, 10),
            **operator), on))
    # One station closed last year: it counts until then, and stays on record.
    stations.close_station(opened[4], date(on.year - 1, 11, 30), "场地租约到期,服务并入滨江街服务站", on)
    return {"示范基地认定": designations, "基层服务站": len(opened)}
