"""The life of an upload: read and checked once (kept with the batch), previewed, confirmed once, or discarded."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select, update

from ...extensions import db
from ..audit import record_updates
from ..common import local_time, today, utcnow
from ..errors import DomainError
from ..spreadsheets import workbook_bytes
from ..training.models import TrainingSession
from ..training.operations import lock_session
from ..training.results import not_started
from . import enrolment, results
from .models import ImportBatch
from .tables import Column, Preview, Row, collector_paused, error_rows, pack, unpack

#: Days a confirmed batch keeps the rows it left out as wrong (names and document numbers: PIPL keeps
#: personal data no longer than its purpose needs; a fortnight covers fixing them and uploading again).
WRONG_ROWS_KEPT_DAYS = 14


@dataclass
class Context:
    """Who imports, and with what authority: base clerks, or bureau staff with a reason for closed sessions."""

    user_id: int | None
    registered_base_id: int | None = None
    by_bureau: bool = False
    reason: str | None = None
    on: date | None = None


COLUMNS: dict[str, list[Column]] = {"enrolment": enrolment.COLUMNS, "results": results.COLUMNS}


KINDS = {"enrolment": enrolment, "results": results}


def _guard(kind: str, session: TrainingSession, context: Context) -> None:
    """May this kind of file change this session's records now? Asked before the file is read."""
    if kind == "enrolment":
        enrolment.check_session(session)
    elif kind == "results":
        results.check_session(session, context.by_bureau, context.reason)
    else:
        raise DomainError("导入类型无效")


def closed_to(kind: str, session: TrainingSession) -> str | None:
    """Why this session takes no file of this kind in its present state, whoever sends it (the upload
    page says so before a file is chosen); None when it does. _guard asks the same, and more."""
    if kind == "enrolment":
        return enrolment.not_enrolling(session)
    return not_started(session)


def _resolve(kind: str, session: TrainingSession, preview: Preview, context: Context) -> Preview:
    if kind == "enrolment":
        return enrolment.resolve(session, preview)
    return results.resolve(session, preview, context.on or today(), context.by_bureau, context.reason)


def store(kind: str, session: TrainingSession, filename: str, content: bytes, context: Context) -> tuple[ImportBatch, Preview]:
    """Read and check the file once, keep it and its checked rows as a batch awaiting confirmation; no
    record changes. The rows are not yet resolved against the records: the preview page does that
    (the upload view redirects there), so an upload does not do it twice."""
    _guard(kind, session, context)
    with collector_paused():
        preview = KINDS[kind].read(filename, content)
        batch = ImportBatch(
            kind=kind, session_id=session.id, user_id=context.user_id, filename=(filename or "")[:200],
            sha256=hashlib.sha256(content).hexdigest(), content=content, checked_rows=pack(preview),
            status="preview",
        )
    _count(batch, preview)
    db.session.add(batch)
    db.session.flush()
    return batch, preview


def upload(kind: str, session: TrainingSession, filename: str, content: bytes, context: Context) -> tuple[ImportBatch, Preview]:
    """``store``, and the preview resolved against the records as they are now (what the preview page shows)."""
    batch, preview = store(kind, session, filename, content, context)
    with collector_paused():
        _resolve(kind, session, preview, context)
    _count(batch, preview)
    return batch, preview


def earlier_import(batch: ImportBatch) -> ImportBatch | None:
    """The same file, already confirmed for the same session (so the clerk knows it came before)."""
    return db.session.scalar(
        select(ImportBatch).where(
            ImportBatch.session_id == batch.session_id, ImportBatch.sha256 == batch.sha256,
            ImportBatch.kind == batch.kind, ImportBatch.status == "confirmed", ImportBatch.id != batch.id,
        ).order_by(ImportBatch.id.desc())
    )


def session_batches(session_id: int, kinds: list[str], limit: int = 20) -> list[ImportBatch]:
    """The session's latest uploads of these kinds, newest first (the session page lists them: a
    preview left unconfirmed is found again, a confirmed one's wrong rows downloaded)."""
    if not kinds:
        return []
    return list(db.session.scalars(
        select(ImportBatch).where(ImportBatch.session_id == session_id, ImportBatch.kind.in_(kinds))
        .order_by(ImportBatch.id.desc()).limit(limit)
    ))


def recheck(batch: ImportBatch, context: Context) -> Preview:
    """The batch's checked rows (stored at upload: the file is not read again), resolved against the
    records as they are now: what the preview page shows and the confirmation imports."""
    _guard(batch.kind, batch.session, context)
    with collector_paused():
        preview = unpack(COLUMNS[batch.kind], batch.checked_rows) if batch.checked_rows else None
        if preview is None:  # uploaded before checked rows were kept with the batch
            preview = KINDS[batch.kind].read(batch.filename, batch.content)
        return _resolve(batch.kind, batch.session, preview, context)


def _count(batch: ImportBatch, preview: Preview) -> None:
    counts = preview.counts()
    batch.total_rows = len(preview.rows)
    batch.ready_rows, batch.error_rows, batch.unchanged_rows = counts["ready"], counts["error"], counts["unchanged"]


def _lock(batch_id: int) -> ImportBatch:
    batch = db.session.scalar(select(ImportBatch).where(ImportBatch.id == batch_id).with_for_update())
    if batch is None:
        raise DomainError("导入批次不存在")
    if batch.status != "preview":
        raise DomainError(f"该批次{batch.status_name},不能再次确认")
    return batch


def confirm(batch_id: int, context: Context) -> tuple[ImportBatch, Preview]:
    """Import the ready rows, checked again against the records as they are now, all or nothing."""
    batch = _lock(batch_id)
    if batch.kind == "enrolment":
        lock_session(batch.session)  # before the preview counts the places left
    preview = recheck(batch, context)
    session = batch.session
    if batch.kind == "enrolment":
        with collector_paused():
            imported = enrolment.confirm(session, preview, context.registered_base_id)
        affected = {"trainees": imported.trainee_ids, "enrollments": imported.enrollment_ids}
    else:
        affected = {"enrollments": results.confirm(session, preview, context.on or today(), context.by_bureau,
                                                   context.reason)}
    _count(batch, preview)
    batch.status = "confirmed"
    batch.confirmed_at = utcnow()
    batch.affected_ids = affected
    _forget_file(batch)
    batch.checked_rows = _wrong_rows_packed(preview)
    db.session.flush()
    return batch, preview


def discard(batch_id: int) -> ImportBatch:
    batch = _lock(batch_id)
    batch.status = "discarded"
    _forget_file(batch)
    db.session.flush()
    return batch


def _forget_file(batch: ImportBatch) -> None:
    """PIPL: the file is kept only while it awaits a decision; its SHA-256 still recognises it later."""
    batch.content = b""
    batch.checked_rows = None


def _wrong_rows_packed(preview: Preview) -> bytes | None:
    """The rows a confirmation left out as wrong, with their reasons then: the clerk downloads them to
    fix after confirming too. Only these are kept of the file, and only for WRONG_ROWS_KEPT_DAYS."""
    wrong = [Row(row.number, row.raw, row.keys, "error", list(row.errors), problems=list(row.errors))
             for row in preview.wrong]
    if not wrong:
        return None
    return pack(Preview(columns=preview.columns, rows=wrong, sheet=preview.sheet))


def kept_wrong_rows(batch: ImportBatch) -> Preview | None:
    """A confirmed batch's wrong rows as kept at its confirmation (reasons included), or None when
    there were none or they have been purged."""
    if batch.status != "confirmed" or not batch.checked_rows:
        return None
    return unpack(COLUMNS[batch.kind], batch.checked_rows)


def wrong_rows_kept_until(batch: ImportBatch) -> date | None:
    """The last day a confirmed batch's wrong rows are kept (local time), or None for an undecided one."""
    if batch.confirmed_at is None:
        return None
    return local_time(batch.confirmed_at + timedelta(days=WRONG_ROWS_KEPT_DAYS)).date()


def wrong_rows(batch: ImportBatch, context: Context) -> Preview | None:
    """The wrong rows a clerk downloads to fix: awaiting confirmation, as checked now; confirmed, as
    kept at the confirmation; None when there is nothing left to download (discarded, or purged)."""
    if batch.status == "preview":
        return recheck(batch, context)
    return kept_wrong_rows(batch)


def purge_previews(days: int, now: datetime | None = None) -> int:
    """Discard the previews nobody confirmed within ``days`` days, deleting their files; return how many.

    One UPDATE ... RETURNING (no file is loaded to be cleared), logged with record_updates.
    """
    if days < 0:
        raise DomainError("天数不能为负数")
    cutoff = (now or utcnow()) - timedelta(days=days)
    stale = db.session.scalars(
        update(ImportBatch).where(ImportBatch.status == "preview", ImportBatch.created_at < cutoff)
        .values(status="discarded", content=b"", checked_rows=None).returning(ImportBatch.id)
        .execution_options(synchronize_session="fetch")
    ).all()
    record_updates(
        db.session, ImportBatch,
        [(batch_id, {"status": "preview", "content": "file"}, {"status": "discarded", "content": ""})
         for batch_id in sorted(stale)],
        reason=f"超过 {days} 天未确认,自动放弃并删除上传的文件",
    )
    db.session.flush()
    return len(stale)


def purge_wrong_rows(now: datetime | None = None) -> int:
    """Delete the wrong rows of batches confirmed more than WRONG_ROWS_KEPT_DAYS ago; return how many."""
    cutoff = (now or utcnow()) - timedelta(days=WRONG_ROWS_KEPT_DAYS)
    purged = db.session.scalars(
        update(ImportBatch).where(ImportBatch.status == "confirmed", ImportBatch.confirmed_at < cutoff,
                                  ImportBatch.checked_rows.is_not(None))
        .values(checked_rows=None).returning(ImportBatch.id).execution_options(synchronize_session="fetch")
    ).all()
    record_updates(
        db.session, ImportBatch,
        [(batch_id, {"checked_rows": "rows"}, {"checked_rows": ""}) for batch_id in sorted(purged)],
        reason=f"确认导入已超过 {WRONG_ROWS_KEPT_DAYS} 天,删除保留的有误行",
    )
    return len(purged)


def error_workbook(preview: Preview) -> bytes:
    """The wrong rows, as typed, with a reason column: fix them and upload this file again."""
    headers, rows = error_rows(preview)
    return workbook_bytes([("需修改的行", headers, rows)], text_columns=("证件号码", "联系电话"))


def template_workbook(kind: str) -> bytes:
    """名单: the headers alone (an example row there would be read as a person), the ID and phone
    columns formatted as text; 填写说明: each column's example and what it takes."""
    columns = COLUMNS[kind]
    notes = [[c.header, "必填" if c.required else "", c.example, c.note] for c in columns]
    return workbook_bytes(
        [("名单", [c.header for c in columns], []), ("填写说明", ["列", "是否必填", "示例", "填写说明"], notes)],
        text_columns=("证件号码", "联系电话"),
    )
