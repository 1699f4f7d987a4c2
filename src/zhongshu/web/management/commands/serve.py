"""Run the hub on one machine: waitress for the web, a db_worker subprocess for background tasks."""

import subprocess
import sys
from importlib import import_module

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from zhongshu.core.commands import ZhongshuCommand

# modules with an ensure_scheduled() that enqueues their periodic work (deadlines, source refreshes)
PERIODIC = ("zhongshu.appeals.tasks", "zhongshu.catalog.tasks")


class Command(ZhongshuCommand):
    help = "Serve the hub (web + background worker). Default http://127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--no-worker", action="store_true", help="do not start the background worker")

    def _schedule_periodic(self):
        """Enqueue the self-rescheduling periodic tasks (django-tasks has no scheduler of its own)."""
        for module_name in PERIODIC:
            try:
                module = import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name != module_name:
                    raise
                continue
            schedule = getattr(module, "ensure_scheduled", None)
            if schedule is not None:
                schedule()

    def handle(self, *args, **opts):
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("the database needs migrating. How to fix: run `zhongshu migrate` first.")
        if not (1 <= opts["port"] <= 65535):
            raise CommandError(f"--port {opts['port']} is not a port number (1–65535)")
        call_command("collectstatic", interactive=False, verbosity=0)
        worker = None
        if not opts["no_worker"]:
            self._schedule_periodic()
            worker = subprocess.Popen([sys.executable, "-m", "zhongshu", "db_worker", "--interval", "1"])
        from waitress import serve

        from zhongshu.wsgi import application

        self.stdout.write(f"Zhongshu serving at http://{opts['host']}:{opts['port']}/  (data: {settings.ZHONGSHU_DATA_DIR})")
        try:
            serve(application, host=opts["host"], port=opts["port"], threads=opts["threads"], ident="zhongshu")
        except OSError as exc:
            raise CommandError(f"cannot listen on {opts['host']}:{opts['port']}: {exc.strerror}. "
                               "How to fix: stop the other server or choose --port.") from None
        finally:
            if worker is not None:
                worker.terminate()
