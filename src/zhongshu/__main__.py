"""`zhongshu` command line: a thin layer over Django's management commands.

`zhongshu --help` lists the hub's own commands; `zhongshu help COMMAND` explains one.
"""

from __future__ import annotations

import os
import sys

COMMANDS = (
    ("serve", "Run the hub (web server and background worker) at http://127.0.0.1:8000"),
    ("demo", "Generate the demo county's source files (demo generate) or set up the whole demo (demo setup)"),
    ("createuser", "Create an account with a role and department"),
    ("departments", "List department codes (or load them from the county config with --sync)"),
    ("audit", "Audit log tools: `zhongshu audit verify` checks the hash chain"),
    ("ingest", "Load a file into a dataset of the catalog"),
    ("sources", "Allow-list of database sources: list, allow a server or SQLite folder, deny (remove) an entry"),
    ("appeals", "12345 appeals: deadline checks, Open311 clients, taxonomy sync, training export"),
    ("nlp", "Appeal triage models: train, predict, list, activate"),
    ("migrate", "Create or upgrade the app database tables"),
)


def usage() -> str:
    lines = ["usage: zhongshu COMMAND [options]", "", "Commands:"]
    lines += [f"  {name:<12} {text}" for name, text in COMMANDS]
    lines += ["", "Run `zhongshu help COMMAND` (or `zhongshu COMMAND --help`) for a command's options.",
              "Settings come from the environment; see docs/configuration.md."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhongshu.settings")
    if len(argv) < 2 or argv[1] in ("-h", "--help") or argv[1:] == ["help"]:
        print(usage())
        return 0
    from zhongshu.core.errors import ZhongshuError

    try:
        import django

        django.setup()
    except ZhongshuError as exc:
        print(f"zhongshu: configuration error: {exc}", file=sys.stderr)
        return 2
    from django.core.management import execute_from_command_line
    from django.db.utils import DatabaseError

    from zhongshu.core.commands import database_error_message

    try:
        execute_from_command_line(["zhongshu", *argv[1:]])
    except ZhongshuError as exc:
        print(f"zhongshu: {exc}", file=sys.stderr)
        return 2
    except DatabaseError as exc:
        print(f"zhongshu: {database_error_message(exc)}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
