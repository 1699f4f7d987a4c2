"""The audit chain: append-only, keyed with a key outside the database, legacy records still verify.

Tampering variants are in test_tampering.py; checkpoints in test_checkpoints.py.
"""

import json
import os
import secrets
import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from audit.dba import run_as_dba
from zhongshu.audit import chain, keys
from zhongshu.audit.models import AuditEvent
from zhongshu.audit.services import Event, record, rotate_keys, verify_chain
from zhongshu.core.errors import ConfigError, Forbidden


@pytest.fixture
def log(db):
    for i in range(6):
        record("tester", Event("catalog.dataset.updated", "thing", str(i), details={"changed": [str(i)]}, pii="371122199001011234"))
    assert verify_chain().ok


def test_records_hold_the_required_fields(log):
    event = AuditEvent.objects.get(seq=1)
    assert event.at.microsecond % 1000 == 0  # millisecond precision, UTC
    assert event.actor == "tester" and event.outcome == "success"
    assert event.algo == "hmac-sha256" and event.key_id == keys.keyring(create=False).current
    assert len(event.pii_digest) == 64 and "371122199001011234" not in str(event.__dict__)


def test_the_hash_is_keyed_not_a_plain_hash(log):
    event = AuditEvent.objects.get(seq=3)
    plain = chain.HASHERS["sha256"](chain.canonical(chain.record_fields(event)))
    assert event.hash != plain
    other = keys.Keyring({event.key_id: secrets.token_bytes(32)}, event.key_id, "other")
    assert chain.compute_hash(event, other) != event.hash
    assert chain.compute_hash(event, keys.keyring(create=False)) == event.hash


def test_orm_refuses_update_and_delete(log):
    event = AuditEvent.objects.get(seq=2)
    event.reason = "changed"
    with pytest.raises(Forbidden):
        event.save()
    with pytest.raises(Forbidden):
        event.delete()


@pytest.mark.parametrize("sql", ["UPDATE audit_auditevent SET reason = 'x' WHERE seq = 2",
                                 "DELETE FROM audit_auditevent WHERE seq = 2"])
def test_database_refuses_update_and_delete(log, sql):
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql)
    assert AuditEvent.objects.count() == 6


def test_a_rolled_back_change_leaves_no_record(db):
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            record("tester", Event("logout"))
            raise RuntimeError("the change failed")
    assert AuditEvent.objects.count() == before
    assert verify_chain().ok


@pytest.mark.parametrize("name", sorted(chain.HASHERS))
def test_each_hash_function_chains_with_the_others(log, settings, name):
    settings.ZHONGSHU_AUDIT_HASH = name
    record("tester", Event("logout"))
    assert AuditEvent.objects.order_by("-seq").first().algo == f"hmac-{name}"
    result = verify_chain()
    assert result.ok and result.keyed == 7


# --- keys ----------------------------------------------------------------------------------------


def test_the_key_file_is_created_private_on_first_use(log, settings):
    path = keys.hmac_key_path()
    assert path == settings.ZHONGSHU_DATA_DIR / "keys" / "audit-hmac.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    secret = bytes.fromhex(path.read_text().strip())
    assert len(secret) == 32
    with connection.cursor() as cur:  # the key is nowhere in the database
        cur.execute("SELECT * FROM audit_auditevent")
        assert secret.hex() not in json.dumps([list(map(str, row)) for row in cur.fetchall()])


def test_a_key_from_the_environment(db, settings):
    secret = secrets.token_hex(32)
    settings.ZHONGSHU_AUDIT_KEY = secret
    record("tester", Event("logout"))
    assert AuditEvent.objects.get().key_id == keys.key_id(bytes.fromhex(secret))
    assert not keys.hmac_key_path().exists()
    assert verify_chain().ok
    settings.ZHONGSHU_AUDIT_KEY = "not-hex"
    with pytest.raises(ConfigError, match="ZHONGSHU_AUDIT_KEY.*hex"):
        verify_chain()


def test_a_missing_key_file_is_a_clear_config_error(log):
    keys.hmac_key_path().unlink()
    with pytest.raises(ConfigError) as error:
        verify_chain()
    assert "audit-hmac.key does not exist" in error.value.message and "restore" in error.value.hint
    with pytest.raises(ConfigError):  # and no new key is made up for a keyed log: writes stop instead
        record("tester", Event("logout"))
    assert not keys.hmac_key_path().exists()
    with pytest.raises(CommandError, match="ZHONGSHU_AUDIT_KEY_FILE"):  # the CLI prints one line, exit 2
        call_command("audit", "verify")


def test_a_world_readable_key_file_is_refused(log):
    os.chmod(keys.hmac_key_path(), 0o644)
    with pytest.raises(ConfigError, match="chmod o-rwx"):
        verify_chain()


def test_rotated_keys_verify_old_and_new_records(log):
    first = keys.keyring(create=False).current
    outcome = rotate_keys("tester")
    assert outcome.status == "written"
    record("tester", Event("logout"))
    ring = keys.keyring(create=False)
    assert ring.current != first and set(ring.keys) == {first, ring.current}
    assert AuditEvent.objects.get(seq=1).key_id == first
    assert AuditEvent.objects.order_by("-seq").first().key_id == ring.current
    rotated = AuditEvent.objects.get(action="audit.keys_rotated")
    assert rotated.details["chain_key"] == ring.current and rotated.key_id == ring.current
    assert verify_chain().ok


# --- records written before keys existed ---------------------------------------------------------


def legacy_log(n: int, algo: str = "sha256") -> None:
    """Records as the unkeyed code wrote them (an old demo database), inserted underneath the ORM."""
    from datetime import datetime, timezone

    from zhongshu.audit.models import AuditHead

    prev = chain.GENESIS
    columns = [f.column for f in AuditEvent._meta.fields if f.column != "id"]
    for seq in range(1, n + 1):
        event = AuditEvent(seq=seq, at=datetime(2026, 1, 1, 8, 0, seq, tzinfo=timezone.utc), actor="old",
                           role="", department="", ip="", action="logout", object_type="", object_id="",
                           outcome="success", reason="", pii_digest="", details={}, algo=algo, prev_hash=prev)
        event.hash = chain.HASHERS[algo](chain.canonical(chain.record_fields(event)))
        values = [json.dumps(getattr(event, c)) if c == "details" else getattr(event, c) for c in columns]
        with connection.cursor() as cur:
            cur.execute(f"INSERT INTO audit_auditevent ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})",
                        values)
        prev = event.hash
    AuditHead.objects.create(pk=1, seq=n, hash=prev)


def test_an_old_unkeyed_log_verifies_as_a_legacy_prefix(db):
    legacy_log(3)
    assert verify_chain().ok and not keys.hmac_key_path().exists()  # verifying needs no key
    record("tester", Event("logout"))  # the first keyed record: the key is made now
    result = verify_chain()
    assert (result.ok, result.checked, result.keyed) == (True, 4, 1)
    assert keys.hmac_key_path().exists()


def test_cli_verify(log, capsys):
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert out.startswith("OK: 6 audit records verified, chain intact (6 keyed, 0 legacy unkeyed)")
    assert "no checkpoint has been exported" in out
    call_command("audit", "checkpoint")
    assert "Checkpoint #7" in capsys.readouterr().out  # 6 records and the first verification
    call_command("audit", "verify")
    assert "matches the checkpoint #7" in capsys.readouterr().out
    run_as_dba("UPDATE audit_auditevent SET actor = 'mallory' WHERE seq = 5")
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify")
    assert exit_info.value.code == 1
    assert "first bad record #5" in capsys.readouterr().err
    assert AuditEvent.objects.filter(action="audit.verified", outcome="failure").exists()
