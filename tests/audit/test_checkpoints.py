"""Signed checkpoints exported outside the database: the file format, the periodic task, the CLI."""

import json
import shutil
import stat
from datetime import datetime, timedelta, timezone

import pytest
from django.core.management import call_command
from django.utils import timezone as dj_timezone

from audit.dba import run_as_dba
from zhongshu.accounts.system import SYSTEM
from zhongshu.audit import checkpoints, keys, tasks
from zhongshu.audit.models import AuditEvent
from zhongshu.audit.services import Event, record, record_repeated, verify_chain, write_checkpoint
from zhongshu.core.errors import ConfigError


@pytest.fixture
def log(db):
    for i in range(3):
        record("tester", Event("logout", "user", str(i)))


def test_a_checkpoint_is_a_signed_readable_line_beside_its_public_key(log, settings):
    outcome = write_checkpoint(SYSTEM)
    assert outcome.status == "written" and outcome.file.parent == settings.ZHONGSHU_DATA_DIR / "audit-checkpoints"
    line = json.loads(outcome.file.read_text().splitlines()[0])
    assert set(line) == {"format", "chain", "seq", "hash", "at", "key_id", "sig"}
    assert line["seq"] == 3 and line["hash"] == AuditEvent.objects.get(seq=3).hash
    assert line["chain"] == AuditEvent.objects.get(seq=1).hash
    assert outcome.file.name == f"checkpoints-{line['at'][:7]}.jsonl"
    public = checkpoints.public_key_file(line["key_id"])
    assert public.read_text().startswith("-----BEGIN PUBLIC KEY-----")
    checkpoints.check_signature(checkpoints.latest())  # raises when it does not verify
    private = keys.signing_key_path()
    assert private.parent == keys.hmac_key_path().parent and stat.S_IMODE(private.stat().st_mode) == 0o600
    assert "PRIVATE" not in "".join(p.read_text() for p in public.parent.iterdir())
    written = AuditEvent.objects.get(action="audit.checkpoint")  # the manual checkpoint is audited
    assert written.details == {"seq": 3, "file": outcome.file.name}


def test_verify_checks_the_latest_checkpoint(log):
    write_checkpoint(SYSTEM)
    record("tester", Event("logout"))
    write_checkpoint(SYSTEM, audited=False)
    result = verify_chain()
    assert result.ok and result.checkpoint_seq == 5 and "checkpoint #5" in result.checkpoints[0]


def test_the_periodic_task_summarises_repeats_then_checkpoints_and_reschedules(log, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    waiting = DBTaskResult.objects.filter(task_path=tasks.periodic.module_path, status="READY")
    assert tasks.ensure_scheduled() is True and tasks.ensure_scheduled() is False and waiting.count() == 1
    waiting.delete()
    t0 = datetime.now(timezone.utc) - timedelta(hours=1)
    for i in range(30):  # thirty bad Open311 keys: one record, then one summary
        record_repeated("anonymous", Event("open311.bad_key", "open311_client", "", "denied"), "ip:10.0.0.9",
                        now=t0 + timedelta(seconds=i))
    first = tasks.periodic.call(True)
    assert first["summaries"] == 1 and first["checkpoint"] == "written"
    summary = AuditEvent.objects.get(action="audit.suppressed")
    assert summary.details["count"] == 29 and summary.algo.startswith("hmac-")
    assert first["seq"] == summary.seq  # the checkpoint covers the summary
    assert waiting.get().run_after > dj_timezone.now() + timedelta(minutes=settings.ZHONGSHU_AUDIT_CHECKPOINT_MINUTES - 1)
    assert tasks.periodic.call(False)["checkpoint"] == "unchanged"  # nothing new: no new line
    assert len(checkpoints.read(next(checkpoints.folder().glob(checkpoints.FILE_GLOB)))) == 1
    assert verify_chain().ok


def test_serve_schedules_the_audit_task():
    from zhongshu.web.management.commands.serve import PERIODIC

    assert "zhongshu.audit.tasks" in PERIODIC


def test_an_empty_log_has_nothing_to_checkpoint(db):
    assert write_checkpoint(SYSTEM).status == "empty"
    assert not checkpoints.folder().exists() or not any(checkpoints.folder().glob(checkpoints.FILE_GLOB))


def test_a_lost_signing_key_is_not_silently_replaced(log):
    write_checkpoint(SYSTEM)
    keys.signing_key_path().unlink()
    with pytest.raises(ConfigError, match="rotate-keys --signing"):
        write_checkpoint(SYSTEM)
    call_command("audit", "rotate-keys", "--signing")  # the explicit way: a new key, old checkpoints still verify
    assert len(list(checkpoints.folder().glob("audit-signing-*.pub"))) == 2
    assert verify_chain().ok


def test_cli_checkpoint_and_verify_against_the_auditors_copy(log, tmp_path, capsys):
    call_command("audit", "checkpoint")
    assert "Checkpoint #3" in capsys.readouterr().out
    copy = tmp_path / "copy"
    shutil.copytree(checkpoints.folder(), copy)
    pub = next(copy.glob("*.pub"))
    call_command("audit", "verify", "--checkpoint", str(next(copy.glob("*.jsonl"))), "--public-key", str(pub))
    out = capsys.readouterr().out
    assert out.startswith("OK:") and out.count("matches the checkpoint #3") == 2
    with pytest.raises(Exception, match="--checkpoint"):
        call_command("audit", "verify", "--checkpoint", str(tmp_path / "nowhere.jsonl"))


def test_the_cli_refuses_to_sign_a_broken_chain(log, capsys):
    write_checkpoint(SYSTEM)
    run_as_dba("UPDATE audit_auditevent SET actor = 'mallory' WHERE seq = 4")
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "checkpoint")
    assert exit_info.value.code == 1 and "first bad record #4" in capsys.readouterr().err
    assert checkpoints.latest().seq == 3
