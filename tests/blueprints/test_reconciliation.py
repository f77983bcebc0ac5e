"""The reconciliation pages: who may open them, district staff held to their district, every figure a
link to its people, exports equal to the page, and the targets pages."""
import io
import re
from datetime import date

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import select

from registry.domain.reconciliation import targets
from registry.domain.reconciliation.models import Target
from registry.domain.spreadsheets import workbook_bytes
from registry.extensions import db
from tests import factories

YEAR = 2025
A, B = "440106", "440111"


@pytest.fixture
def world():
    base_a = factories.base("天河基地", A, programmes=("yuecai", "jiazheng"))
    base_b = factories.base("白云基地", B, programmes=("yuecai",))
    s_a = factories.session(base_a, start_date=date(YEAR, 3, 1), end_date=date(YEAR, 3, 10), code="RA")
    s_b = factories.session(base_b, start_date=date(YEAR, 5, 1), end_date=date(YEAR, 5, 10), code="RB")
    names = "甲乙丙丁戊"
    for n, name in enumerate(names):
        trainee = factories.trainee(f"天河{name}", document_number=factories.id_number(date(1990, 1, n + 1)))
        factories.enrollment(s_a, trainee, "passed" if n < 4 else "failed")
    for n, name in enumerate(names[:3]):
        trainee = factories.trainee(f"白云{name}", document_number=factories.id_number(date(1991, 1, n + 1)))
        factories.enrollment(s_b, trainee, "passed")
    targets.set_target(targets.TargetData(YEAR, "yuecai", "trainings", 20), None, date(YEAR, 1, 1))
    factories.user("r_city", "city")
    factories.user("r_district_a", "district", district_id=factories.district(A).id)
    factories.user("r_base", "base", base_id=base_a.id)
    db.session.commit()
    return {"base_a": base_a, "base_b": base_b}


def group_table(html: str) -> dict[str, list[str]]:
    """Row label → the cells of the page's grouped table, as shown."""
    table = html.split('data-testid="group-table"')[1].split("</table>")[0]
    rows = {}
    for row in re.findall(r"<tr[^>]*data-row=\"([^\"]+)\"[^>]*>(.*?)</tr>", table, re.S):
        cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row[1], re.S)]
        rows[row[0]] = cells
    return rows


def test_only_bureau_staff_open_the_page(client, world):
    factories.login(client, "r_base")
    assert client.get("/reconciliation/").status_code == 403
    assert client.get("/reconciliation/detail?year=2025").status_code == 403


def test_city_sees_the_city_and_every_figure_links_to_its_people(client, world):
    factories.login(client, "r_city")
    html = client.get(f"/reconciliation/?year={YEAR}").get_data(as_text=True)
    rows = group_table(html)
    assert rows["粤菜师傅"][1:4] == ["8", "8", "7"]
    assert rows["合计"][1] == "8"
    link = re.search(r'href="(/reconciliation/detail\?[^"]*measure=passed[^"]*programme_code=yuecai[^"]*)"', html)
    link = link or re.search(r'href="(/reconciliation/detail\?[^"]*programme_code=yuecai[^"]*measure=passed[^"]*)"', html)
    detail = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert re.search(r'data-testid="drilldown-count">7<', detail)
    assert "天河甲" in detail and "白云甲" in detail and "天河戊" not in detail
    assert 'data-pace="behind"' in html  # 8 of 20 with the year over


def test_district_staff_see_only_their_district_whatever_the_url_says(client, world):
    factories.login(client, "r_district_a")
    other = factories.district(B).id
    html = client.get(f"/reconciliation/?year={YEAR}&district_id={other}").get_data(as_text=True)
    assert group_table(html)["合计"][1] == "5"
    detail = client.get(f"/reconciliation/detail?year={YEAR}&measure=trainings&base_id={world['base_b'].id}&district_id={other}")
    assert re.search(r'data-testid="drilldown-count">0<', detail.get_data(as_text=True))
    assert "白云甲" not in detail.get_data(as_text=True)
    assert client.post("/reconciliation/targets/new", data={"year": YEAR}).status_code == 403


def test_the_spreadsheet_has_the_numbers_of_the_page(client, world):
    factories.login(client, "r_city")
    for group_by in ("programme", "district", "month"):
        html = client.get(f"/reconciliation/?year={YEAR}&group_by={group_by}").get_data(as_text=True)
        page = group_table(html)
        response = client.get(f"/reconciliation/export.xlsx?year={YEAR}&group_by={group_by}")
        book = CalamineWorkbook.from_filelike(io.BytesIO(response.data))
        assert book.sheet_names[0] == "目标完成情况"
        sheet = book.get_sheet_by_index(1).to_python()
        assert sheet[1][:3] == [{"programme": "项目", "district": "区", "month": "月份"}[group_by], "培训人次", "培训人数"]
        exported = {row[0]: row for row in sheet[2:]}
        assert set(exported) == set(page)
        for label, cells in page.items():
            for column in range(1, 7):  # 人次, 人数, 合格, 考核, 取证, 就业
                assert f"{int(exported[label][column]):,}" == cells[column], (group_by, label, column)
        targets_sheet = book.get_sheet_by_index(0).to_python()
        assert targets_sheet[2][4:6] == [20, 8]


def test_the_pdf_summary_is_a_pdf(client, world):
    factories.login(client, "r_city")
    response = client.get(f"/reconciliation/export.pdf?year={YEAR}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_city_sets_revises_and_imports_targets(client, world):
    factories.login(client, "r_city")
    response = client.post("/reconciliation/targets/new", data={
        "year": YEAR, "programme_code": "jiazheng", "track_code": "elderly", "occupation_code": "",
        "district_id": "", "measure_code": "trainings", "value": "300", "basis": "测试"})
    assert response.status_code == 302
    target = targets.find(targets.TargetData(YEAR, "jiazheng", "trainings", 0, track_code="elderly"))
    assert target.value == 300
    refused = client.post(f"/reconciliation/targets/{target.id}/revise", data={"value": "350", "reason": ""})
    assert "请填写调整原因" in refused.get_data(as_text=True)
    client.post(f"/reconciliation/targets/{target.id}/revise", data={"value": "350", "reason": "省厅新文件"})
    page = client.get(f"/reconciliation/targets?year={YEAR}").get_data(as_text=True)
    assert "300 → 350(省厅新文件)" in page
    content = workbook_bytes([("目标", ["年度", "项目", "区", "指标", "目标值"],
                               [[YEAR, "粤菜师傅", "天河区", "培训人次", 9], [YEAR, "粤菜师傅", "火星区", "培训人次", 1],
                                [YEAR, "粤菜师傅", "木星区", "培训人次", 1]])])
    preview = client.post("/reconciliation/targets/import", data={"file": (io.BytesIO(content), "t.xlsx")},
                          content_type="multipart/form-data").get_data(as_text=True)
    assert "没有名为「火星区」的区" in preview
    assert re.findall(r'data-testid="error-reasons">(.*?)</p>', preview) == ["有误的行:「区」 <strong>2</strong> 行。"]
    fixed = workbook_bytes([("目标", ["年度", "项目", "区", "指标", "目标值"], [[YEAR, "粤菜师傅", "天河区", "培训人次", 9]])])
    preview = client.post("/reconciliation/targets/import", data={"file": (io.BytesIO(fixed), "t.xlsx")},
                          content_type="multipart/form-data").get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(Target.id))) == 2  # nothing saved by the preview
    hidden = dict(re.findall(r'name="(filename|content)" type="hidden" value="([^"]*)"', preview))
    assert client.post("/reconciliation/targets/import/confirm", data=hidden).status_code == 302
    district_target = targets.find(targets.TargetData(YEAR, "yuecai", "trainings", 0, district_id=factories.district(A).id))
    assert district_target.value == 9 and district_target.source == "import"
