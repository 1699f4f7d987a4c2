"""Tampering by someone who holds the database but not the keys: every variant is detected.

Each attack works as a database administrator would: raw SQL, with the append-only and head
triggers lifted first (dropped on SQLite, disabled on PostgreSQL). The attacker can read every
row, including key ids, and compute any plain hash or an HMAC under a key of their own; what they
do not hold is the chain key and the checkpoint folder. The log has a signed checkpoint of its tip,
as after a run of the periodic task.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import shutil

import pytest
from django.db import connection

from audit.dba import run_as_dba as sql
from zhongshu.accounts.system import SYSTEM
from zhongshu.audit import chain, checkpoints
from zhongshu.audit.keys import Keyring
from zhongshu.audit.models import AuditEvent, AuditHead
from zhongshu.audit.services import Event, record, verify_chain, write_checkpoint

COLUMNS = [f.column for f in AuditEvent._meta.fields if f.column != "id"]


def write(n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        record("tester", Event("catalog.dataset.updated", "dataset", str(i), details={"changed": [f"f{i}"]}))


@pytest.fixture
def log(db):
    """Six keyed records and a signed checkpoint of the sixth."""
    write(6)
    assert write_checkpoint(SYSTEM, audited=False).status == "written"
    assert verify_chain().ok


def attacker_ring() -> Keyring:
    """A key of the attacker's own, labelled with the real key id they read from the rows."""
    real_id = AuditEvent.objects.order_by("-seq").values_list("key_id", flat=True).first()
    return Keyring({real_id: secrets.token_bytes(32)}, real_id, "attacker")


def rehash(event: AuditEvent, ring: Keyring | None) -> str:
    return chain.compute_hash(event, ring) if chain.is_keyed(event.algo) else chain.HASHERS[event.algo](
        chain.canonical(chain.record_fields(event)))


def insert(event: AuditEvent) -> None:
    values = [json.dumps(getattr(event, c)) if c == "details" else getattr(event, c) for c in COLUMNS]
    sql(f"INSERT INTO audit_auditevent ({', '.join(COLUMNS)}) VALUES ({', '.join(['%s'] * len(COLUMNS))})", values)


def rewrite_from(seq: int, ring: Keyring | None, **changes) -> None:
    """Recompute the hashes from `seq` to the end (applying `changes` to each) and move the head along."""
    prev = AuditEvent.objects.get(seq=seq - 1).hash if seq > 1 else chain.GENESIS
    for event in AuditEvent.objects.filter(seq__gte=seq).order_by("seq"):
        for name, value in changes.items():
            setattr(event, name, value)
        event.prev_hash = prev
        event.hash = rehash(event, ring)
        sql("UPDATE audit_auditevent SET prev_hash = %s, hash = %s, algo = %s, key_id = %s WHERE seq = %s",
            [event.prev_hash, event.hash, event.algo, event.key_id, event.seq])
        prev = event.hash
    set_head(AuditEvent.objects.order_by("-seq").first())


def set_head(event: AuditEvent | None) -> None:
    sql("UPDATE audit_audithead SET seq = %s, hash = %s", [event.seq if event else 0, event.hash if event else chain.GENESIS])


def forged(seq: int, prev_hash: str, ring: Keyring | None, algo: str = "hmac-sha256") -> AuditEvent:
    """A plausible record (a copy of record #2, made out to mallory) hashed with what the attacker holds."""
    event = AuditEvent.objects.get(seq=2)
    event.pk, event.seq, event.prev_hash, event.actor, event.algo = None, seq, prev_hash, "mallory", algo
    event.key_id = event.key_id if chain.is_keyed(algo) else None
    event.hash = rehash(event, ring)
    return event


def broken_at(seq: int | None, *words: str):
    result = verify_chain()
    assert not result.ok, "tampering went unnoticed"
    assert result.bad_seq == seq, result
    for word in words:
        assert word in result.problem, result.problem
    return result


# --- the eleven variants (and a restored backup) -------------------------------------------------


def test_edited_byte_in_details(log):
    sql("UPDATE audit_auditevent SET details = %s WHERE seq = 3", [json.dumps({"changed": ["f9"]})])
    broken_at(3, "keyed hash")


def test_edited_stored_hash(log):
    sql("UPDATE audit_auditevent SET hash = %s WHERE seq = 3", ["0" * 64])
    broken_at(3)


def test_deleted_middle_record(log):
    sql("DELETE FROM audit_auditevent WHERE seq = 4")
    broken_at(5, "missing")


def test_deleted_last_record(log):
    sql("DELETE FROM audit_auditevent WHERE seq = 6")
    broken_at(6, "missing")


def test_trimmed_tail_with_head_reset(log):
    sql("DELETE FROM audit_auditevent WHERE seq >= 5")
    set_head(AuditEvent.objects.get(seq=4))
    broken_at(5, "missing", "checkpoint")


def test_forged_record_inserted_in_the_middle(log):
    sql("UPDATE audit_auditevent SET seq = seq + 100 WHERE seq >= 4")
    sql("UPDATE audit_auditevent SET seq = seq - 99 WHERE seq >= 104")
    ring = attacker_ring()
    insert(forged(4, AuditEvent.objects.get(seq=3).hash, ring))
    rewrite_from(5, ring)  # and relink the renumbered tail, with the only key the attacker has
    broken_at(4, "keyed hash")


def test_two_records_swapped(log):
    sql("UPDATE audit_auditevent SET seq = -2 WHERE seq = 2")
    sql("UPDATE audit_auditevent SET seq = 2 WHERE seq = 3")
    sql("UPDATE audit_auditevent SET seq = 3 WHERE seq = -2")
    broken_at(2)


@pytest.mark.parametrize("algo", ["hmac-sha256", "sha256"], ids=["wrong-key", "unkeyed"])
def test_forged_record_appended_with_head_moved(log, algo):
    event = forged(7, AuditEvent.objects.get(seq=6).hash, attacker_ring(), algo)
    insert(event)
    set_head(event)
    broken_at(7)


def test_edited_record_with_tail_rehashed_under_a_wrong_key(log):
    sql("UPDATE audit_auditevent SET actor = 'mallory' WHERE seq = 3")
    rewrite_from(3, attacker_ring())
    broken_at(3, "keyed hash")


def test_downgraded_to_an_unkeyed_algorithm(log):
    sql("UPDATE audit_auditevent SET actor = 'mallory' WHERE seq = 3")
    rewrite_from(3, None, algo="sha256", key_id=None)
    broken_at(3, "downgrade")


def test_whole_log_rewritten_unkeyed_from_the_first_record(log):
    """No keyed record left to trip the downgrade rule: the signed checkpoint still knows the chain."""
    sql("UPDATE audit_auditevent SET actor = 'mallory' WHERE seq = 3")
    rewrite_from(1, None, algo="sha256", key_id=None)
    broken_at(1, "checkpoint")


def test_whole_log_truncated_and_head_reset(log):
    sql("DELETE FROM audit_auditevent")
    set_head(None)
    result = broken_at(1, "missing", "checkpoint")
    assert result.checked == 0


def test_database_restored_from_an_older_backup(log):
    """The backup held four records; after the restore the hub wrote on, so the log is six long again."""
    backup = list(AuditEvent.objects.filter(seq__lte=4).order_by("seq"))
    sql("DELETE FROM audit_auditevent")
    for event in backup:
        insert(event)
    set_head(backup[-1])
    assert not verify_chain().ok  # shorter than the checkpoint
    write(2, start=10)  # the hub carries on: a valid keyed chain of six records again
    broken_at(6, "checkpoint")


# --- what makes those work ---------------------------------------------------------------------


def test_the_chain_head_table_refuses_trimming_without_dropping_triggers(log):
    from django.db import DatabaseError, transaction

    fourth = AuditEvent.objects.get(seq=4)
    for statement, params in [
        ("DELETE FROM audit_audithead", []),
        ("UPDATE audit_audithead SET seq = %s, hash = %s", [4, fourth.hash]),  # back to an earlier record
        ("UPDATE audit_audithead SET seq = %s, hash = %s", [7, "f" * 64]),  # names no record
        ("INSERT INTO audit_audithead (id, seq, hash) VALUES (%s, %s, %s)", [2, 0, chain.GENESIS]),
    ]:
        with pytest.raises(DatabaseError, match="audit head"):
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute(statement, params)
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="audit head"):
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute("TRUNCATE audit_audithead")
    assert AuditHead.objects.get().seq == 6 and verify_chain().ok


def test_no_checkpoint_is_signed_over_a_tampered_chain(log):
    """The periodic checkpoint must not vouch for a trim: it refuses, and the refusal is audited."""
    sql("DELETE FROM audit_auditevent WHERE seq >= 5")
    set_head(AuditEvent.objects.get(seq=4))
    outcome = write_checkpoint(SYSTEM, audited=False, only_if_grown=True)
    assert outcome.status == "refused" and outcome.bad_seq == 4 + 1
    assert checkpoints.latest().seq == 6  # nothing signed below the earlier checkpoint
    refusal = AuditEvent.objects.get(action="audit.checkpoint")
    assert refusal.outcome == "failure" and "missing" in refusal.reason


def test_an_edited_checkpoint_file_is_detected(log):
    path = next(checkpoints.folder().glob(checkpoints.FILE_GLOB))
    path.write_text(path.read_text().replace('"seq": 6', '"seq": 5'))
    result = verify_chain()
    assert not result.ok and "signature does not verify" in result.problem


def test_the_auditors_copy_catches_what_the_hub_folder_no_longer_shows(log, tmp_path):
    """An administrator holding the database, the keys and the hub's disk trims the log and wipes the
    checkpoints there; the auditor's copy made earlier still holds the signed head."""
    copy = tmp_path / "auditor-copy"
    shutil.copytree(checkpoints.folder(), copy)
    sql("DELETE FROM audit_auditevent WHERE seq >= 5")
    set_head(AuditEvent.objects.get(seq=4))
    for path in checkpoints.folder().glob(checkpoints.FILE_GLOB):
        path.unlink()
    assert verify_chain().ok  # the hub alone cannot tell any more…
    result = verify_chain(next(copy.glob(checkpoints.FILE_GLOB)))
    assert (result.ok, result.bad_seq) == (False, 5) and "checkpoint" in result.problem  # …the copy can
    assert not verify_chain(copy, next(copy.glob("audit-signing-*.pub"))).ok  # a folder copy, a pinned key


def test_a_checkpoint_signed_with_another_key_is_refused(log, tmp_path):
    """A re-signed checkpoint (the attacker made their own signing key) fails against the pinned key."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from zhongshu.audit import keys

    pinned = tmp_path / "pinned.pub"
    shutil.copy(next(checkpoints.folder().glob("audit-signing-*.pub")), pinned)
    other = Ed25519PrivateKey.generate()
    cp = checkpoints.latest()
    fake = checkpoints.Checkpoint(cp.chain, cp.seq, hashlib.sha256(b"x").hexdigest(), cp.at,
                                  keys.public_key_id(other.public_key()))
    fake = checkpoints.Checkpoint(**{**fake.__dict__, "sig": base64.b64encode(other.sign(fake.statement())).decode()})
    forged_file = tmp_path / "checkpoints-forged.jsonl"
    forged_file.write_text(fake.line())
    result = verify_chain(forged_file, pinned)
    assert not result.ok and "not " + fake.key_id in result.problem
