"""Every table, column and coded value has a Chinese name, declared on the model (labels.py reads them)."""
import re

from sqlalchemy import CheckConstraint, select

from registry.domain.audit import REDACTED, AuditLog
from registry.domain.catalogue import LEVELS, catalogue
from registry.domain.identifiers import DOCUMENT_TYPES
from registry.domain.labels import (
    COMMON_COLUMNS, EMPTY, column_label, column_name, record_id_label, record_types, referenced_names, references,
    table_label, value_label,
)
from registry.domain.trainees.models import Trainee
from registry.domain.training.models import SESSION_STATUSES, TrainingSession
from registry.extensions import db
from tests import factories

CJK = re.compile(r"[\u4e00-\u9fff]")


def mappers_by_table() -> dict:
    return {mapper.local_table.name: mapper for mapper in db.Model.registry.mappers}


def test_every_table_names_its_records_in_chinese():
    mappers = mappers_by_table()
    unnamed = []
    for table_name in db.metadata.tables:
        mapper = mappers.get(table_name)
        own = mapper.class_.__dict__.get("__label__") if mapper is not None else None
        if not own or not CJK.search(own):
            unnamed.append(table_name)
        else:
            assert table_label(table_name) == own
    assert unnamed == []
    assert len(db.metadata.tables) >= 49


def test_every_column_has_a_chinese_label():
    unnamed = []
    count = 0
    for table_name, table in db.metadata.tables.items():
        for column in table.columns:
            count += 1
            label = column.info.get("label") or COMMON_COLUMNS.get(column.name)
            if not label or not CJK.search(label):
                unnamed.append(f"{table_name}.{column.name}")
            else:
                assert column_label(table_name, column.name) == label
    assert unnamed == []
    assert count >= 555


def test_columns_reuse_the_code_bases_mappings():
    """The choices are the dicts the code base keeps, not copies of them."""
    assert Trainee.__table__.c.document_type.info["choices"] is DOCUMENT_TYPES
    assert TrainingSession.__table__.c.status.info["choices"] is SESSION_STATUSES
    assert TrainingSession.__table__.c.level.info["choices"] is LEVELS


def test_the_codes_a_check_constraint_allows_are_translated():
    """A column whose values a CHECK constraint lists is a coded column: each value has a Chinese name."""
    untranslated = []
    for table_name, table in db.metadata.tables.items():
        for constraint in table.constraints:
            if not isinstance(constraint, CheckConstraint):
                continue
            for column, values in re.findall(r"(\w+) IN \(([^)]*)\)", str(constraint.sqltext)):
                for raw in values.split(","):
                    raw = raw.strip()
                    value = int(raw) if raw.isdigit() else raw.strip("'")
                    if not CJK.search(value_label(table_name, column, value)):
                        untranslated.append(f"{table_name}.{column}={value}")
    assert untranslated == []


def test_values_as_a_clerk_reads_them():
    assert value_label("trainees", "document_type", "resident_id") == "居民身份证"
    assert value_label("trainees", "sex", "F") == "女"
    assert value_label("training_sessions", "status", "open") == "报名中"
    assert value_label("training_sessions", "level", 5) == LEVELS[5]
    programme = catalogue.all()[0]
    assert value_label("training_sessions", "programme_code", programme.code) == programme.name
    occupation = programme.occupations[0]
    assert value_label("certificates", "occupation_code", occupation.code) == occupation.name
    assert value_label("targets", "measure_code", "persons") == "培训人数"
    # Empty, yes/no, redacted, unknown codes and plain values.
    assert value_label("trainees", "education", None) == EMPTY
    assert value_label("trainees", "phone", "") == EMPTY
    assert value_label("enrollments", "is_employed", True) == "是"
    assert value_label("enrollments", "is_employed", False) == "否"
    assert value_label("users", "is_active_account", 0) == "否"
    assert value_label("users", "password_hash", REDACTED) == REDACTED
    assert value_label("trainees", "document_type", "no_such_code") == "no_such_code"
    assert value_label("training_sessions", "place", "本中心实训楼") == "本中心实训楼"
    assert value_label("enrollments", "attended_hours", "40.0") == "40"  # as the pages write hours
    assert value_label("enrollments", "attended_hours", "12.5") == "12.5"
    assert value_label("enrollments", "score", "75.0") == "75"
    assert value_label("import_batches", "affected_ids", {"trainees": [1]}) == '{"trainees": [1]}'
    # Timestamps are stored in UTC and shown in China Standard Time, as the page's own time column.
    assert value_label("trainees", "created_at", "2026-11-24T13:19:18.872131") == "2026-11-24 21:19:18"
    assert value_label("trainees", "birth_date", "1990-05-01") == "1990-05-01"
    # Money is stored in fen and shown in yuan, as the subsidy pages show it.
    assert column_label("subsidy_claims", "claimed_fen") == "申领金额(元)"
    assert value_label("subsidy_claims", "claimed_fen", 123456) == "1,234.56"


def test_names_fall_back_to_what_is_stored():
    assert table_label("trainees") == "学员"
    assert column_label("trainees", "document_number") == "证件号码"
    assert column_label("trainees", "id") == "编号"
    assert table_label("no_such_table") == "no_such_table"
    assert column_label("trainees", "no_such_column") == "no_such_column"
    assert column_label("no_such_table", "id") == "id"
    assert column_name("trainees", "document_number") == "document_number"
    assert value_label("no_such_table", "x", 3) == "3"


def test_record_ids_and_types_as_the_audit_page_shows_them():
    assert record_id_label("trainee_tags", "12/veteran") == "12/退役军人"
    assert record_id_label("trainees", "12") == "12"
    assert record_id_label("trainees", "12-40") == "12-40"  # a many-row entry's range
    assert record_id_label("trainee_tags", "12") == "12"
    types = dict(record_types())
    assert types["trainees"] == "学员" and types["training_sessions"] == "班期"
    assert "audit_log" not in types and "verification_events" not in types  # never audited


def test_references_and_the_names_of_what_they_refer_to():
    """A reference knows its table; districts, bases, enterprises and sessions name their records, people do not."""
    assert references("trainees", "registered_base_id") == "training_bases"
    assert references("enrollments", "trainee_id") == "trainees"
    assert references("trainees", "name") is None
    base = factories.base()
    person = factories.trainee("引用学员", registered_base_id=base.id)
    db.session.commit()
    entries = db.session.scalars(select(AuditLog).where(AuditLog.entity_type == "trainees",
                                                        AuditLog.entity_id == str(person.id))).all()
    names = referenced_names(entries)
    assert names[("training_bases", str(base.id))] == base.name
    assert not any(table == "trainees" for table, _ in names)


def test_every_money_column_says_it_holds_fen():
    """Money is kept in fen (columns named *_fen); each says so, so that the audit page shows yuan."""
    money = [column for table in db.metadata.tables.values() for column in table.columns if column.name.endswith("_fen")]
    assert money and all(column.info.get("unit") == "fen" and "元" in column.info["label"] for column in money)


def test_a_persons_identifiers_are_masked():
    """Document numbers, names and phones of private persons show masked, as on the registry's lists:
    the full values only on the person's page, where viewing them is logged."""
    assert value_label("trainees", "document_number", "440106199001011234") == "440106********1234"
    assert value_label("trainees", "name", "钱波芳") == "钱*芳"
    assert value_label("trainees", "phone", "18916402443") == "189****2443"
    assert value_label("identity_checks", "document_number", "440106199001011234") == "440106********1234"
    assert value_label("ten_groups_school_leavers", "id_number", "440106200801011234") == "440106********1234"
    assert value_label("trainees", "phone", "") == EMPTY
    personal = {(table.name, column.name) for table in db.metadata.tables.values() for column in table.columns
                if column.info.get("personal")}
    assert {("trainees", "document_number"), ("trainees", "name"), ("trainees", "phone")} <= personal
    # Staff and organisations are not private persons.
    assert value_label("users", "display_name", "王科长") == "王科长"
    assert value_label("training_bases", "contact_phone", "02088886666") == "02088886666"
