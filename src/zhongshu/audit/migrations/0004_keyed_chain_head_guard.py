"""Keyed chain records name their key (`key_id`); triggers guard the chain head (`audit_audithead`).

The head is a single row that must only move forward and always name the record with its seq and
hash: refusing DELETE, a second row, a lower seq and a head that matches no record stops a trim
by "delete the last records and move the head back" from inside the database (an administrator
who drops the triggers is caught by the signed checkpoints instead).
"""

from django.db import migrations, models

SQLITE = [
    "CREATE TRIGGER IF NOT EXISTS audit_head_no_delete BEFORE DELETE ON audit_audithead "
    "BEGIN SELECT RAISE(ABORT, 'the audit head cannot be deleted'); END;",
    "CREATE TRIGGER IF NOT EXISTS audit_head_single_row BEFORE INSERT ON audit_audithead "
    "WHEN (SELECT COUNT(*) FROM audit_audithead) > 0 "
    "BEGIN SELECT RAISE(ABORT, 'the audit head is a single row'); END;",
    "CREATE TRIGGER IF NOT EXISTS audit_head_insert_matches BEFORE INSERT ON audit_audithead "
    "WHEN NOT ((NEW.seq = 0 AND NEW.hash = '" + "0" * 64 + "') OR EXISTS "
    "(SELECT 1 FROM audit_auditevent WHERE seq = NEW.seq AND hash = NEW.hash)) "
    "BEGIN SELECT RAISE(ABORT, 'the audit head must name the record with its seq and hash'); END;",
    "CREATE TRIGGER IF NOT EXISTS audit_head_forward_only BEFORE UPDATE ON audit_audithead "
    "WHEN NEW.seq < OLD.seq OR NEW.id IS NOT OLD.id "
    "BEGIN SELECT RAISE(ABORT, 'the audit head cannot move back'); END;",
    "CREATE TRIGGER IF NOT EXISTS audit_head_update_matches BEFORE UPDATE ON audit_audithead "
    "WHEN NOT ((NEW.seq = 0 AND NEW.hash = '" + "0" * 64 + "') OR EXISTS "
    "(SELECT 1 FROM audit_auditevent WHERE seq = NEW.seq AND hash = NEW.hash)) "
    "BEGIN SELECT RAISE(ABORT, 'the audit head must name the record with its seq and hash'); END;",
]
POSTGRES = [
    "CREATE OR REPLACE FUNCTION audit_head_guard() RETURNS trigger AS $$ BEGIN "
    "IF TG_OP = 'DELETE' OR TG_OP = 'TRUNCATE' THEN "
    "RAISE EXCEPTION 'the audit head cannot be deleted'; END IF; "
    "IF TG_OP = 'INSERT' AND EXISTS (SELECT 1 FROM audit_audithead) THEN "
    "RAISE EXCEPTION 'the audit head is a single row'; END IF; "
    "IF TG_OP = 'UPDATE' AND (NEW.seq < OLD.seq OR NEW.id <> OLD.id) THEN "
    "RAISE EXCEPTION 'the audit head cannot move back'; END IF; "
    "IF NOT ((NEW.seq = 0 AND NEW.hash = repeat('0', 64)) OR EXISTS "
    "(SELECT 1 FROM audit_auditevent WHERE seq = NEW.seq AND hash = NEW.hash)) THEN "
    "RAISE EXCEPTION 'the audit head must name the record with its seq and hash'; END IF; "
    "RETURN NEW; END; $$ LANGUAGE plpgsql;",
    "CREATE TRIGGER audit_head_guard BEFORE INSERT OR UPDATE OR DELETE ON audit_audithead "
    "FOR EACH ROW EXECUTE FUNCTION audit_head_guard();",
    "CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_audithead "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_head_guard();",
]


def install(apps, schema_editor):
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_repeat_counter")]
    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(blank=True, max_length=16, null=True),
        ),
        migrations.RunPython(install, migrations.RunPython.noop),
    ]
