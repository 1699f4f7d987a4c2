"""The audit chain: append-only, and `verify` finds an edited byte, a deleted, inserted or reordered record."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from zhongshu.audit.models import AuditEvent
from zhongshu.audit.services import Event, record, verify_chain
from zhongshu.core.errors import Forbidden


@pytest.fixture
def chain(db):
    for i in range(6):
        record("tester", Event("catalog.dataset.updated", "thing", str(i), details={"changed": [str(i)]}, pii="371122199001011234"))
    assert verify_chain().ok


def raw(sql, params=()):
    """Tamper as an attacker with database access would: lift the append-only triggers first."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            cur.execute(sql, params)
            cur.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
        else:
            cur.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
            cur.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
            cur.execute(sql, params)


def test_records_hold_the_required_fields(chain):
    event = AuditEvent.objects.get(seq=1)
    assert event.at.microsecond % 1000 == 0  # millisecond precision, UTC
    assert event.actor == "tester" and event.outcome == "success" and event.algo == "sha256"
    assert len(event.pii_digest) == 64 and "371122199001011234" not in str(event.__dict__)


def test_orm_refuses_update_and_delete(chain):
    event = AuditEvent.objects.get(seq=2)
    event.reason = "changed"
    with pytest.raises(Forbidden):
        event.save()
    with pytest.raises(Forbidden):
        event.delete()


@pytest.mark.parametrize("sql", ["UPDATE audit_auditevent SET reason = 'x' WHERE seq = 2",
                                 "DELETE FROM audit_auditevent WHERE seq = 2"])
def test_database_refuses_update_and_delete(chain, sql):
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql)
    assert AuditEvent.objects.count() == 6


def test_detects_an_edited_byte(chain):
    raw("UPDATE audit_auditevent SET object_id = '9' WHERE seq = 3")
    result = verify_chain()
    assert (result.ok, result.bad_seq) == (False, 3)
    assert "hash" in result.problem


def test_detects_an_edited_hash_too(chain):
    raw("UPDATE audit_auditevent SET hash = %s WHERE seq = 3", ["0" * 64])
    assert verify_chain().bad_seq == 3


def test_detects_a_deleted_record(chain):
    raw("DELETE FROM audit_auditevent WHERE seq = 4")
    result = verify_chain()
    assert (result.ok, result.bad_seq) == (False, 5)


def test_detects_the_last_record_deleted(chain):
    raw("DELETE FROM audit_auditevent WHERE seq = 6")
    assert not verify_chain().ok


def test_detects_an_inserted_record(chain):
    raw("UPDATE audit_auditevent SET seq = seq + 100 WHERE seq >= 4")
    raw("UPDATE audit_auditevent SET seq = seq - 99 WHERE seq >= 104")
    third = AuditEvent.objects.get(seq=3)
    fields = {f.column: getattr(third, f.attname) for f in AuditEvent._meta.fields if f.column != "id"}
    fields.update(seq=4, object_id="forged")
    cols = ", ".join(fields)
    marks = ", ".join(["%s"] * len(fields))
    values = [v if not isinstance(v, dict) else __import__("json").dumps(v) for v in fields.values()]
    raw(f"INSERT INTO audit_auditevent ({cols}) VALUES ({marks})", values)
    result = verify_chain()
    assert (result.ok, result.bad_seq) == (False, 4)


def test_detects_reordering(chain):
    raw("UPDATE audit_auditevent SET seq = -2 WHERE seq = 2")
    raw("UPDATE audit_auditevent SET seq = 2 WHERE seq = 3")
    raw("UPDATE audit_auditevent SET seq = 3 WHERE seq = -2")
    result = verify_chain()
    assert (result.ok, result.bad_seq) == (False, 2)


def test_a_rolled_back_change_leaves_no_record(db):
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            record("tester", Event("logout"))
            raise RuntimeError("the change failed")
    assert AuditEvent.objects.count() == before
    assert verify_chain().ok


def test_cli_verify(chain, capsys):
    call_command("audit", "verify")
    assert "OK: 6 audit records verified" in capsys.readouterr().out
    raw("UPDATE audit_auditevent SET actor = 'mallory' WHERE seq = 5")
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify")
    assert exit_info.value.code == 1
    assert "first bad record #5" in capsys.readouterr().err


def test_sha3_records_chain_with_sha256_ones(chain, settings):
    settings.ZHONGSHU_AUDIT_HASH = "sha3_256"
    record("tester", Event("logout"))
    assert AuditEvent.objects.order_by("-seq").first().algo == "sha3_256"
    assert verify_chain().ok
