"""An uploaded spreadsheet and what became of it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...extensions import db
from ..common import utcnow
from ..training.models import TrainingSession

IMPORT_KINDS = {"enrolment": "报名名单", "results": "学时和考核结果"}
IMPORT_STATUSES = {"preview": "待确认", "confirmed": "已导入", "discarded": "已放弃"}


class ImportBatch(db.Model):
    """One upload for one session; confirmed at most once."""

    __tablename__ = "import_batches"
    __label__ = "表格导入"
    #: The file and its checked rows are kept here, not copied into the audit log.
    __audit_redact__ = frozenset({"content", "checked_rows"})

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), info={"label": "导入类型", "choices": IMPORT_KINDS})
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(Integer, info={"label": "上传人账号"})
    filename: Mapped[str] = mapped_column(String(200), info={"label": "文件名"})
    #: SHA-256 of the file, to tell the clerk when the same file comes again.
    sha256: Mapped[str] = mapped_column(String(64), index=True, info={"label": "文件摘要(SHA-256)"})
    #: The uploaded file, until the batch is confirmed or discarded (loaded only when asked for).
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True, info={"label": "文件内容"})
    #: The rows as read and checked at upload (tables.pack: compressed marshal), so the preview and the
    #: confirmation never read the file again; cleared with the file. Once confirmed, only the rows left
    #: out as wrong, with their reasons (batches.kept_wrong_rows), until purge-imports deletes them.
    checked_rows: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True, info={"label": "已检查的行"})
    status: Mapped[str] = mapped_column(String(16), default="preview",
                                        info={"label": "导入状态", "choices": IMPORT_STATUSES})
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, info={"label": "上传时间"})
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime, info={"label": "确认导入时间"})
    total_rows: Mapped[int] = mapped_column(default=0, info={"label": "总行数"})
    ready_rows: Mapped[int] = mapped_column(default=0, info={"label": "可导入行数"})
    error_rows: Mapped[int] = mapped_column(default=0, info={"label": "有错误行数"})
    unchanged_rows: Mapped[int] = mapped_column(default=0, info={"label": "无变化行数"})
    #: Ids the confirmation created or changed: {"trainees": [...], "enrollments": [...]}.
    affected_ids: Mapped[dict] = mapped_column(JSON, default=dict, info={"label": "新建或修改的记录"})

    session: Mapped[TrainingSession] = relationship()

    @property
    def kind_name(self) -> str:
        return IMPORT_KINDS.get(self.kind, self.kind)

    @property
    def status_name(self) -> str:
        return IMPORT_STATUSES.get(self.status, self.status)
