"""Setting and revising targets: on the page, from a spreadsheet, or from the programmes' presets."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ...extensions import db
from .. import normalise
from ..audit import set_reason
from ..catalogue import Programme, catalogue
from ..errors import DomainError
from ..imports.tables import Column, Preview, Row, field_message, normalise_into, read_rows
from ..organisations.models import District
from .models import Target, TargetRevision

FIRST_YEAR, LAST_YEAR = 2015, 2100
MAX_VALUE = 10_000_000


@dataclass
class TargetData:
    year: int
    programme_code: str
    measure_code: str
    value: int
    track_code: str | None = None
    occupation_code: str | None = None
    district_id: int | None = None
    basis: str = ""


def check(data: TargetData) -> Programme:
    """Refuse a target the catalogue does not know, with the field named."""
    if not FIRST_YEAR <= data.year <= LAST_YEAR:
        raise DomainError(f"年度须在 {FIRST_YEAR}–{LAST_YEAR} 之间", "year")
    programme = catalogue.get(data.programme_code)
    if programme is None:
        raise DomainError("未知的项目", "programme_code")
    if data.track_code and data.occupation_code:
        raise DomainError("目标按方向或按职业(工种)设定,不能同时指定两者", "occupation_code")
    if data.track_code and programme.track(data.track_code) is None:
        raise DomainError(f"{programme.name}没有该方向", "track_code")
    if data.occupation_code and programme.occupation(data.occupation_code) is None:
        raise DomainError(f"{programme.name}没有该职业(工种)", "occupation_code")
    if data.measure_code not in programme.measures:
        raise DomainError(f"{programme.name}没有该指标", "measure_code")
    if data.value is None or not 0 <= data.value <= MAX_VALUE:
        raise DomainError(f"目标值须为 0–{MAX_VALUE:,} 的整数", "value")
    if data.district_id is not None and db.session.get(District, data.district_id) is None:
        raise DomainError("未知的区", "district_id")
    return programme


def find(data: TargetData) -> Target | None:
    return db.session.scalar(
        select(Target).where(
            Target.year == data.year, Target.programme_code == data.programme_code,
            func.coalesce(Target.track_code, "") == (data.track_code or ""),
            func.coalesce(Target.occupation_code, "") == (data.occupation_code or ""),
            func.coalesce(Target.district_id, 0) == (data.district_id or 0),
            Target.measure_code == data.measure_code,
        )
    )


def set_target(data: TargetData, user_id: int | None, on: date, reason: str = "", source: str = "manual") -> Target:
    """Create the target, or revise it (the old value, date and reason kept); unchanged → nothing."""
    check(data)
    target = find(data)
    if target is None:
        target = Target(
            year=data.year, programme_code=data.programme_code, track_code=data.track_code or None,
            occupation_code=data.occupation_code or None, district_id=data.district_id,
            measure_code=data.measure_code, value=data.value, source=source, basis=data.basis.strip(),
        )
        db.session.add(target)
        db.session.flush()
        return target
    if target.value != data.value:
        revise(target, data.value, reason, user_id, on)
    return target


def revise(target: Target, value: int, reason: str, user_id: int | None, on: date) -> TargetRevision:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("调整目标须填写调整原因(如省厅下达的新文件)", "reason")
    if value is None or not 0 <= value <= MAX_VALUE:
        raise DomainError(f"目标值须为 0–{MAX_VALUE:,} 的整数", "value")
    if value == target.value:
        raise DomainError("新目标值与原目标值相同", "value")
    revision = TargetRevision(target_id=target.id, old_value=target.value, new_value=value, revised_on=on,
                              reason=reason, user_id=user_id)
    set_reason(db.session, f"调整目标:{reason}")
    target.value = value
    db.session.add(revision)
    db.session.flush()
    return revision


# --- presets ------------------------------------------------------------------------------

@dataclass
class PlannedPreset:
    data: TargetData
    programme: Programme
    existing: Target | None


def preset_plan(year: int) -> list[PlannedPreset]:
    """Every programme's policy figures as targets of ``year`` for the whole city, with what exists."""
    plan = []
    for programme in catalogue.all():
        for preset in programme.target_presets:
            data = TargetData(year, programme.code, preset.measure, preset.value, preset.track,
                              preset.occupation, None, preset.basis)
            plan.append(PlannedPreset(data, programme, find(data)))
    return plan


def load_presets(year: int, user_id: int | None, on: date) -> list[Target]:
    """Create the preset targets that do not exist yet; a target already set is left as it is."""
    check(TargetData(year, catalogue.all()[0].code, "trainings", 0))
    created = [set_target(p.data, user_id, on, source="preset") for p in preset_plan(year) if p.existing is None]
    return created


# --- spreadsheet import -------------------------------------------------------------------

COLUMNS = [
    Column("year", "年度", ("年份",), required=True, example="2026"),
    Column("programme", "项目", ("项目名称", "工程"), required=True, example="南粤家政"),
    Column("track", "方向", ("培训方向",), example="养老"),
    Column("occupation", "职业(工种)", ("职业", "工种", "专项职业能力"), example=""),
    Column("district", "区", ("行政区", "地区", "区域"), example="全市"),
    Column("measure", "指标", ("指标名称", "考核指标"), required=True, example="培训人次"),
    Column("value", "目标值", ("目标", "任务数"), required=True, example="5000"),
    Column("reason", "调整原因", ("原因",), example=""),
    Column("basis", "依据", ("文件依据", "来源"), example="穗人社函〔2020〕22号"),
]
LABELS = {column.key: column.header for column in COLUMNS}
MAX_FILE_BYTES = 2 * 1024 * 1024


def preview_import(filename: str, content: bytes) -> Preview:
    """Check every row of a targets sheet against the catalogue and the targets as they are; change nothing."""
    if len(content) > MAX_FILE_BYTES:
        raise DomainError("文件过大(目标表不超过 2 MB)", "file")
    result = read_rows(COLUMNS, filename, content)
    districts = {name: id_ for id_, name in db.session.execute(select(District.id, District.name))}
    seen: dict[tuple, int] = {}
    for row in result.rows:
        data = _row_data(row, districts)
        if data is None:
            continue
        key = (data.year, data.programme_code, data.track_code, data.occupation_code, data.district_id,
               data.measure_code)
        if key in seen:
            row.fail(f"与第 {seen[key]} 行是同一个目标")
            continue
        seen[key] = row.number
        try:
            check(data)
        except DomainError as error:
            row.fail(field_message(_field_label(error.field), error.message))
            continue
        existing = find(data)
        reason = normalise.text(row.cells.get("reason")) or ""
        if existing is not None and existing.value == data.value:
            row.status = "unchanged"
            row.notes.append("与现有目标相同")
        elif existing is not None and not reason:
            row.fail(f"已有目标 {existing.value:,},调整须填写「调整原因」")
            continue
        elif existing is not None:
            row.notes.append(f"调整:{existing.value:,} → {data.value:,}")
        else:
            row.notes.append("新增目标")
        row.values = {"data": data, "reason": reason}
    return result


def confirm_import(filename: str, content: bytes, user_id: int | None, on: date) -> tuple[Preview, list[Target]]:
    """Apply the sheet, checked again now, all or nothing: any wrong row refuses the whole file."""
    result = preview_import(filename, content)
    if result.wrong:
        raise DomainError(f"表格中有 {len(result.wrong)} 行需要修改,修改后重新上传", "file")
    changed = [set_target(row.values["data"], user_id, on, row.values["reason"], source="import")
               for row in result.ready]
    return result, changed


def _row_data(row: Row, districts: dict[str, int]) -> TargetData | None:
    year = normalise_into(row, "year", "年度", _integer)
    value = normalise_into(row, "value", "目标值", _integer)
    programme = normalise_into(row, "programme", "项目", _programme)
    district_id = normalise_into(row, "district", "区", lambda v: _district(v, districts))
    if row.status == "error":
        return None
    track = normalise_into(row, "track", "方向", lambda v: _named(programme.tracks, v, "方向"))
    occupation = normalise_into(row, "occupation", "职业(工种)", lambda v: _named(programme.occupations, v, "职业(工种)"))
    measure = normalise_into(row, "measure", "指标", lambda v: _measure(programme, v))
    if row.status == "error":
        return None
    basis = normalise.text(row.cells.get("basis")) or ""
    return TargetData(year, programme.code, measure, value, track, occupation, district_id, basis)


def _integer(value) -> int:
    if value is None or str(value).strip() == "":
        raise ValueError("不能为空")
    number = normalise.number(value, "")
    if number is None or number != int(number):
        raise ValueError("须为整数")
    return int(number)


def _programme(value) -> Programme:
    text = (normalise.text(value) or "").strip()
    for programme in catalogue.all():
        if text in (programme.name, programme.code):
            return programme
    raise ValueError(f"没有名为「{text}」的项目")


def _district(value, districts: dict[str, int]) -> int | None:
    text = (normalise.text(value) or "").strip()
    if text in ("", "全市", "市本级", "广州市"):
        return None
    if text in districts:
        return districts[text]
    if text + "区" in districts:
        return districts[text + "区"]
    raise ValueError(f"没有名为「{text}」的区")


def _named(items, value, label: str) -> str | None:
    text = (normalise.text(value) or "").strip()
    if not text:
        return None
    for item in items:
        if text in (item.name, item.code):
            return item.code
    raise ValueError(f"该项目没有名为「{text}」的{label}")


def _measure(programme: Programme, value) -> str:
    text = (normalise.text(value) or "").strip()
    for code, name in programme.measures.items():
        if text in (name, code):
            return code
    raise ValueError(f"{programme.name}没有名为「{text}」的指标")


def _field_label(field: str | None) -> str:
    return {"year": "年度", "programme_code": "项目", "track_code": "方向", "occupation_code": "职业(工种)",
            "measure_code": "指标", "value": "目标值", "district_id": "区"}.get(field or "", "目标")
