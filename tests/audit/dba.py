"""SQL as a database administrator would run it against the audit tables: triggers out of the way.

Dropped on SQLite, disabled on PostgreSQL (both inside the test's transaction, so they come back).
That is what someone holding the database can do; the tests show what still catches them.
"""

from django.db import connection

AUDIT_TABLES = ("audit_auditevent", "audit_audithead")


def run_as_dba(statement: str, params=()) -> None:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            for table in AUDIT_TABLES:
                cur.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            cur.execute(statement, params)
            for table in AUDIT_TABLES:
                cur.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        else:
            cur.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN (%s, %s)", AUDIT_TABLES)
            for (name,) in cur.fetchall():
                cur.execute(f'DROP TRIGGER "{name}"')
            cur.execute(statement, params)
