"""The audit log: one append-only table of every insert, update and delete.

Rows are written by session events (``after_flush``), never by hand in views, so no code path that
changes a record through the ORM can skip it. Bulk writes with Core (the spreadsheet imports) do
not pass through a flush, so they log themselves with ``record_inserts`` / ``record_updates``. The
table itself refuses UPDATE and DELETE (database triggers in the migration) and the ORM refuses to
flush a changed or deleted audit row.

``record_inserts`` logs up to BULK_ENTRY_ROWS inserted rows in one entry: who, when, why, and a
table of every row's values, with the lowest and highest id it covers (``first_id``, ``last_id``)
so that a search for one record (``naming``) finds it as it finds a single-row entry.
"""
from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Callable, Sequence

import orjson
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import JSON, ColumnElement, DateTime, Integer, String, Text, and_, event, inspect, or_
from sqlalchemy.orm import Mapped, Mapper, mapped_column

from ..extensions import MAX_RECORD_ID, db
from .bulk import insert_rows
from .common import utcnow

ACTIONS = {"insert": "新增", "update": "修改", "delete": "删除", "view": "查看完整信息"}
REDACTED = "******"


class AuditLog(db.Model):
    __tablename__ = "audit_log"
    __label__ = "审计日志"
    __audit_exclude__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True, info={"label": "操作时间"})
    #: The signed-in user, or None for the command line and start-up jobs.
    actor_id: Mapped[int | None] = mapped_column(Integer, index=True, info={"label": "操作人账号"})
    actor_name: Mapped[str] = mapped_column(String(80), info={"label": "操作人"})
    remote_addr: Mapped[str | None] = mapped_column(String(64), info={"label": "来源地址"})
    entity_type: Mapped[str] = mapped_column(String(64), info={"label": "记录类型"})
    entity_id: Mapped[str] = mapped_column(String(64), info={"label": "记录编号"})
    action: Mapped[str] = mapped_column(String(16), info={"label": "操作", "choices": ACTIONS})
    #: {"before": {...}, "after": {...}} with only the changed columns for updates.
    changes: Mapped[dict] = mapped_column(JSON, default=dict, info={"label": "变更内容"})
    #: Why the change was made, where the operation asked for one.
    reason: Mapped[str | None] = mapped_column(Text, info={"label": "原因"})
    #: An entry for many rows inserted at once (record_inserts): the lowest and highest id among
    #: them (the first key column's, for a composite key); their values are in ``changes["rows"]``.
    first_id: Mapped[int | None] = mapped_column(Integer, info={"label": "起始编号"})
    last_id: Mapped[int | None] = mapped_column(Integer, info={"label": "截止编号"})

    __table_args__ = (db.Index("ix_audit_log_entity", "entity_type", "entity_id"),
                      db.Index("ix_audit_log_entity_range", "entity_type", "first_id", "last_id"))

    @property
    def action_name(self) -> str:
        return ACTIONS.get(self.action, self.action)

    @property
    def is_bulk(self) -> bool:
        return "rows" in (self.changes or {})

    def bulk_rows(self, entity_id: str | None) -> list[dict]:
        """The rows of a many-row entry that belong to record ``entity_id``, as column → value."""
        if not entity_id or not self.is_bulk:
            return []
        columns, keys = self.changes["columns"], self.changes["keys"]
        rows = [dict(zip(columns, row)) for row in self.changes["rows"]]
        return [row for row in rows if "/".join(str(row[key]) for key in keys) == entity_id
                or str(row[keys[0]]) == entity_id]


def naming(entity_id: str) -> ColumnElement[bool]:
    """Entries about record ``entity_id`` (``12``, or ``12/veteran`` for a composite key): its own,
    and the many-row entries whose id range covers it."""
    leading = entity_id.split("/", 1)[0].strip()
    # ASCII digits only ("²".isdigit() is true, and int() refuses it); past any id, no range covers it.
    if not (leading.isascii() and leading.isdigit()) or int(leading) > MAX_RECORD_ID:
        return AuditLog.entity_id == entity_id
    number = int(leading)
    return or_(AuditLog.entity_id == entity_id, and_(AuditLog.first_id <= number, AuditLog.last_id >= number))


@dataclass
class Actor:
    user_id: int | None
    name: str
    remote_addr: str | None = None


_SYSTEM_ACTOR = Actor(None, "系统")
_actor_provider: Callable[[], Actor | None] = lambda: None


def set_actor_provider(provider: Callable[[], Actor | None]) -> None:
    """The web layer tells the audit log who is acting (signed-in user, client address)."""
    global _actor_provider
    _actor_provider = provider


def current_actor() -> Actor:
    return _actor_provider() or _SYSTEM_ACTOR


def set_reason(session, reason: str | None) -> None:
    """Attach a reason to the changes flushed next in this session (cleared at commit/rollback)."""
    session.info["audit_reason"] = reason


def _json_value(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (set, frozenset, tuple)):
        return [_json_value(v) for v in value]
    if isinstance(value, bytes):  # e.g. a photo: its size and digest, not its bytes
        return f"<{len(value)} 字节 sha256:{hashlib.sha256(value).hexdigest()[:16]}>"
    return value


def _is_audited(obj: Any) -> bool:
    return not getattr(type(obj), "__audit_exclude__", False)


def _entity_id(obj: Any) -> str:
    # Pending rows have their keys by after_flush but no identity yet: read the key columns.
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    return "/".join(str(part) for part in key)


def _column_values(obj: Any) -> dict[str, Any]:
    redact = getattr(type(obj), "__audit_redact__", frozenset())
    state = inspect(obj)
    values = {}
    for attr in state.mapper.column_attrs:
        value = state.dict.get(attr.key)
        values[attr.key] = REDACTED if attr.key in redact and value is not None else _json_value(value)
    return values


def _column_changes(obj: Any) -> tuple[dict, dict]:
    redact = getattr(type(obj), "__audit_redact__", frozenset())
    state = inspect(obj)
    before, after = {}, {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        if attr.key in redact:  # set again: the entry says so, never what it held (nor was it loaded)
            before[attr.key] = after[attr.key] = REDACTED
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old == new:
            continue
        before[attr.key], after[attr.key] = _json_value(old), _json_value(new)
    return before, after


def _row(obj: Any, action: str, changes: dict, actor: Actor, reason: str | None) -> dict:
    return {
        "occurred_at": utcnow(),
        "actor_id": actor.user_id,
        "actor_name": actor.name,
        "remote_addr": actor.remote_addr,
        "entity_type": type(obj).__tablename__,
        "entity_id": _entity_id(obj),
        "action": action,
        "changes": changes,
        "reason": reason,
    }


def _bulk_context(session, model: type, action: str, reason: str | None) -> tuple[dict, list[str], frozenset]:
    """What every row of one bulk write shares: actor, time, table, action, reason; the key and redacted attributes."""
    actor = current_actor()
    common = {
        "occurred_at": utcnow(),
        "actor_id": actor.user_id,
        "actor_name": actor.name,
        "remote_addr": actor.remote_addr,
        "entity_type": model.__tablename__,
        "action": action,
        "reason": reason if reason is not None else session.info.get("audit_reason"),
    }
    mapper = inspect(model)
    keys = [mapper.get_property_by_column(column).key for column in mapper.primary_key]
    return common, keys, getattr(model, "__audit_redact__", frozenset())


def _shown(values: dict, redact: frozenset) -> dict:
    return {key: REDACTED if key in redact and value is not None else _json_value(value)
            for key, value in values.items()}


def _json_default(value: Any) -> Any:
    """orjson's hook for what it does not write itself (decimals, sets, bytes), as _json_value writes them."""
    converted = _json_value(value)
    if converted is value:
        raise TypeError(f"{type(value).__name__} is not JSON serialisable")
    return converted


def _changes_text(changes: dict) -> str:
    """The bulk entries' JSON text, by orjson: the values json.dumps with _json_value gives (dates,
    times and enums orjson writes the same way itself), in UTF-8 rather than ASCII escapes. An import
    of 10,000 people writes 26,000 rows into 26 entries: 12 ms with the standard library's encoder, 1.2 ms here."""
    return orjson.dumps(changes, default=_json_default).decode()


#: Inserted rows listed in one audit entry by record_inserts (bounded entry size for big imports).
BULK_ENTRY_ROWS = 1000


def record_inserts(session, model: type, columns: Sequence[str], rows: Sequence[Sequence[Any]],
                   ids: Sequence[int] | None = None, shared: dict | None = None, reason: str | None = None) -> None:
    """Log rows inserted with Core (``bulk.insert_rows``), which the after_flush hook never sees.

    ``rows`` are the tuples given to the insert (in ``columns`` order), ``ids`` the primary keys
    the database gave them, in the same order (leave ``ids`` out when the key is in the rows, e.g.
    a composite key), and ``shared`` the values every row has. One 'insert' entry per
    BULK_ENTRY_ROWS rows, with the current actor and reason: ``changes`` is {"after": shared values,
    "columns": [...], "keys": [key columns], "rows": [[...], ...]}, ``first_id`` and ``last_id``
    the range of the rows' (first) key.
    """
    if not rows:
        return
    common, keys, redact = _bulk_context(session, model, "insert", reason)
    if ids is not None and len(ids) != len(rows):
        raise ValueError("record_inserts: one id per inserted row")
    names = [keys[0], *columns] if ids is not None else list(columns)
    hidden = [index for index, name in enumerate(names) if name in redact]
    head = {"after": _shown(dict(shared or {}), redact), "columns": names, "keys": keys}
    key_position = names.index(keys[0])
    entries = []
    for start in range(0, len(rows), BULK_ENTRY_ROWS):
        chunk = rows[start:start + BULK_ENTRY_ROWS]
        if ids is not None:
            chunk = [(key, *row) for key, row in zip(ids[start:start + BULK_ENTRY_ROWS], chunk)]
        if hidden:
            chunk = [_redacted(row, hidden) for row in chunk]
        first = min(row[key_position] for row in chunk)
        last = max(row[key_position] for row in chunk)
        entity_id = str(first) if first == last else f"{first}-{last}"
        if not isinstance(first, int):  # a text key: found by its own entity id only
            first = last = None
        entries.append((entity_id, first, last, _changes_text({**head, "rows": chunk})))
    insert_rows(session.connection(), AuditLog.__table__, ("entity_id", "first_id", "last_id", "changes"),
                entries, common)


def _redacted(row: Sequence[Any], hidden: list[int]) -> list:
    row = list(row)
    for index in hidden:
        if row[index] is not None:
            row[index] = REDACTED
    return row


def record_updates(session, model: type, changes: Sequence[tuple[Any, dict, dict]],
                   reason: str | None = None) -> None:
    """Log rows updated in bulk by primary key: ``changes`` holds (id, before, after) with only changed columns."""
    if not changes:
        return
    common, _, redact = _bulk_context(session, model, "update", reason)
    audit_rows = [
        (str(key), _changes_text({"before": _shown(before, redact), "after": _shown(after, redact)}))
        for key, before, after in changes
    ]
    insert_rows(session.connection(), AuditLog.__table__, ("entity_id", "changes"), audit_rows, common)


def _note_old_value(target, value, oldvalue, initiator) -> None:
    """Registered with active_history, so the old value is loaded even when it had expired."""


@event.listens_for(Mapper, "after_configured")
def _load_old_values_before_changes() -> None:
    for mapper in db.Model.registry.mappers:
        if getattr(mapper.class_, "__audit_exclude__", False):
            continue
        redacted = getattr(mapper.class_, "__audit_redact__", frozenset())
        for prop in mapper.column_attrs:
            if prop.key in redacted:
                continue  # its old value is never shown: clearing a stored file need not load it
            attribute = getattr(mapper.class_, prop.key)
            if not event.contains(attribute, "set", _note_old_value):
                event.listen(attribute, "set", _note_old_value, active_history=True)


@event.listens_for(FlaskSession, "before_flush")
def _refuse_audit_edits(session, flush_context, instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditLog):
            raise PermissionError("审计日志只能追加,不能修改或删除")
        # A ledger entry is never changed; a decided claim's lines are frozen (see subsidies.models).
        if getattr(type(obj), "__append_only__", False) or getattr(obj, "is_frozen", False):
            if obj in session.deleted or session.is_modified(obj, include_collections=False):
                raise PermissionError(f"{type(obj).__tablename__} 记录已锁定,只能以更正记录的方式修改")


@event.listens_for(FlaskSession, "after_flush")
def _write_audit_rows(session, flush_context) -> None:
    actor = current_actor()
    reason = session.info.get("audit_reason")
    rows = []
    for obj in session.new:
        if _is_audited(obj):
            rows.append(_row(obj, "insert", {"after": _column_values(obj)}, actor, reason))
    for obj in session.dirty:
        if _is_audited(obj) and session.is_modified(obj, include_collections=False):
            before, after = _column_changes(obj)
            if after:
                rows.append(_row(obj, "update", {"before": before, "after": after}, actor, reason))
    for obj in session.deleted:
        if _is_audited(obj):
            rows.append(_row(obj, "delete", {"before": _column_values(obj)}, actor, reason))
    if rows:
        session.connection().execute(AuditLog.__table__.insert(), rows)


@event.listens_for(FlaskSession, "after_commit")
@event.listens_for(FlaskSession, "after_rollback")
def _clear_reason(session) -> None:
    session.info.pop("audit_reason", None)


def record_view(session, obj: Any, reason: str | None = None) -> None:
    """PIPL: note that someone looked at a person's full record."""
    session.add(AuditLog(**_row(obj, "view", {}, current_actor(), reason)))
