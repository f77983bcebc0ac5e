"""Targets pages: list with revisions, set or revise one, import a sheet, load the policy presets."""
from __future__ import annotations

import base64
import binascii

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...auth.permissions import can_manage_targets, reconciliation_district, require, roles_required
from ...domain.common import today
from ...domain.errors import DomainError
from ...domain.imports.batches import error_workbook
from ...domain.reconciliation import targets as operations
from ...domain.reconciliation.models import Target
from ...domain.spreadsheets import workbook_bytes
from ...extensions import db
from ..forms_common import save_form
from ..years import accepted, page_year, year_options
from . import _download, bp
from .forms import ConfirmImportForm, PresetForm, ReviseForm, TargetForm, UploadForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/targets")
@roles_required("city", "district")
def targets():
    year = page_year()
    query = select(Target).where(Target.year == year).options(selectinload(Target.revisions))
    district_id = reconciliation_district(current_user, None)
    if district_id is not None:
        query = query.where(Target.district_id == district_id)
    rows = db.session.scalars(query.order_by(Target.programme_code, Target.district_id, Target.measure_code)).all()
    form = TargetForm(year=year)
    form.fill_choices()
    return render_template("reconciliation/targets.html", targets=rows, year=year, form=form,
                           can_manage=can_manage_targets(current_user), upload=UploadForm(),
                           years=year_options(year, back=5))


@bp.route("/targets/new", methods=["POST"])
@roles_required("city")
def target_new():
    form = TargetForm()
    form.fill_choices()
    if form.validate_on_submit():
        data = operations.TargetData(
            form.year.data, form.programme_code.data, form.measure_code.data, form.value.data,
            form.track_code.data, form.occupation_code.data, form.district_id.data, form.basis.data or "",
        )
        if save_form(form, lambda: operations.set_target(data, current_user.id, today(), form.reason.data or ""),
                     "目标已保存"):
            return redirect(url_for(".targets", year=form.year.data))
    year = form.year.data if form.year.data and accepted(form.year.data) else today().year
    rows = db.session.scalars(select(Target).where(Target.year == year)).all()
    return render_template("reconciliation/targets.html", targets=rows, year=year, form=form, can_manage=True,
                           upload=UploadForm(), years=year_options(year, back=5)), 400


@bp.route("/targets/<int:target_id>/revise", methods=["GET", "POST"])
@roles_required("city")
def target_revise(target_id: int):
    target = db.session.get(Target, target_id) or abort(404)
    form = ReviseForm(value=target.value)
    if form.validate_on_submit():
        if save_form(form, lambda: operations.revise(target, form.value.data, form.reason.data, current_user.id, today()),
                     "目标已调整,原目标值和调整原因已记录"):
            return redirect(url_for(".targets", year=target.year))
    return render_template("reconciliation/target_revise.html", target=target, form=form)


@bp.route("/targets/presets", methods=["GET", "POST"])
@roles_required("city")
def presets():
    year = page_year()
    form = PresetForm(year=str(year))
    if form.validate_on_submit():
        try:
            created = operations.load_presets(int(form.year.data), current_user.id, today())
        except (DomainError, ValueError) as error:
            db.session.rollback()
            flash(getattr(error, "message", "年度无效"), "danger")
        else:
            db.session.commit()
            flash(f"已载入 {len(created)} 项政策目标(已有的目标保持不变)", "success")
            return redirect(url_for(".targets", year=form.year.data))
    return render_template("reconciliation/presets.html", plan=operations.preset_plan(year), year=year, form=form)


@bp.route("/targets/template.xlsx")
@roles_required("city")
def targets_template():
    columns = operations.COLUMNS
    content = workbook_bytes([
        ("目标", [c.header for c in columns], [[c.example for c in columns]]),
        ("填写说明", ["列", "说明"], [[c.header + ("(必填)" if c.required else ""), c.example] for c in columns]
         + [["区", "填「全市」或区名,如「天河区」"], ["调整原因", "修改已有目标时必填"]]),
    ])
    return _download(content, "目标导入模板.xlsx", XLSX)


@bp.route("/targets/import", methods=["POST"])
@roles_required("city")
def targets_import():
    """Check the sheet and show what it would do; nothing is saved until confirmed."""
    form = UploadForm()
    if not form.validate_on_submit():
        flash("请选择要上传的目标表", "danger")
        return redirect(url_for(".targets"))
    upload = form.file.data
    content = upload.read(operations.MAX_FILE_BYTES + 1)
    try:
        preview = operations.preview_import(upload.filename or "", content)
    except DomainError as error:
        flash(error.message, "danger")
        return redirect(url_for(".targets"))
    confirm = ConfirmImportForm(filename=upload.filename, content=base64.b64encode(content).decode())
    return render_template("reconciliation/import_preview.html", preview=preview, confirm=confirm,
                           filename=upload.filename)


def _returned_file(form: ConfirmImportForm) -> tuple[str, bytes]:
    try:
        return form.filename.data or "", base64.b64decode(form.content.data or "", validate=True)
    except (binascii.Error, ValueError):
        raise DomainError("上传的文件内容已损坏,请重新上传", "file") from None


@bp.route("/targets/import/confirm", methods=["POST"])
@roles_required("city")
def targets_import_confirm():
    form = ConfirmImportForm()
    require(form.validate_on_submit())
    try:
        filename, content = _returned_file(form)
        preview, changed = operations.confirm_import(filename, content, current_user.id, today())
    except DomainError as error:
        db.session.rollback()
        flash(f"导入未完成,没有任何目标被修改:{error.message}", "danger")
        return redirect(url_for(".targets"))
    db.session.commit()
    flash(f"已导入 {len(changed)} 项目标({preview.count('unchanged')} 项与现有目标相同)", "success")
    return redirect(url_for(".targets"))


@bp.route("/targets/import/errors", methods=["POST"])
@roles_required("city")
def targets_import_errors():
    """The wrong rows with their reasons, to fix and upload again."""
    form = ConfirmImportForm()
    require(form.validate_on_submit())
    try:
        filename, content = _returned_file(form)
        preview = operations.preview_import(filename, content)
    except DomainError as error:
        flash(error.message, "danger")
        return redirect(url_for(".targets"))
    return _download(error_workbook(preview), "目标表-需修改的行.xlsx", XLSX)

