"""Base class for the hub's management commands: expected errors become clear messages."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db.utils import DatabaseError, OperationalError

from zhongshu.core.errors import ZhongshuError


def database_error_message(exc: Exception) -> str:
    """A safe, actionable message for a database that cannot be reached (no password, no SQL)."""
    from django.db import connection

    settings = connection.settings_dict
    where = f"{settings.get('HOST') or 'localhost'}:{settings.get('PORT') or 'default port'}"
    if settings.get("ENGINE", "").endswith("sqlite3"):
        where = str(settings.get("NAME"))
    first_line = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
    if "no such table" in first_line or "does not exist" in first_line:
        return (f"the database at {where} is not set up ({first_line}). "
                "How to fix: run `zhongshu migrate` first.")
    return (f"cannot use the database at {where}: {first_line}. "
            "How to fix: check DATABASE_URL and that the database server is running.")


class ZhongshuCommand(BaseCommand):
    """A management command whose ZhongshuError and database errors print as one clear line."""

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except ZhongshuError as exc:
            raise CommandError(str(exc), returncode=2) from None
        except (OperationalError, DatabaseError) as exc:
            raise CommandError(database_error_message(exc), returncode=3) from None
