"""Run the hub on one machine: waitress for the web, a supervised db_worker subprocess for background tasks.

The worker is restarted when it exits (`web.supervisor`: backoff, a cap, `worker.restarted` audited);
after each exit its half-done task is failed, its loads are reaped and the periodic tasks are
scheduled again, so a killed worker never leaves the queue stuck.
"""

import signal
import sys
from importlib import import_module

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from zhongshu.catalog.ingestion import reap_interrupted
from zhongshu.core.commands import ZhongshuCommand
from zhongshu.web.supervisor import Supervisor

# modules with an ensure_scheduled() that enqueues their periodic work (deadlines, source refreshes)
PERIODIC = ("zhongshu.appeals.tasks", "zhongshu.catalog.tasks", "zhongshu.audit.tasks")


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

    def _after_worker_exit(self, exit_code: int, worker_id: str) -> None:
        """Clean up after a worker that stopped: its loads failed, the periodic cycle running again."""
        reap_interrupted()
        self._schedule_periodic()

    def handle(self, *args, **opts):
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("the database needs migrating. How to fix: run `zhongshu migrate` first.")
        if not (1 <= opts["port"] <= 65535):
            raise CommandError(f"--port {opts['port']} is not a port number (1–65535)")
        call_command("collectstatic", interactive=False, verbosity=0)
        # SIGTERM (systemd, docker stop) ends serve like Ctrl-C, so the worker is stopped with it
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
        worker = None
        if not opts["no_worker"]:
            self._schedule_periodic()
            worker = Supervisor([sys.executable, "-m", "zhongshu", "db_worker", "--interval", "1"],
                                max_restarts=settings.ZHONGSHU_WORKER_MAX_RESTARTS, on_exit=self._after_worker_exit)
            worker.start()
        from waitress import serve

        from zhongshu.wsgi import application

        self.stdout.write(f"Zhongshu serving at http://{opts['host']}:{opts['port']}/  (data: {settings.ZHONGSHU_DATA_DIR})")
        try:
            # request bodies beyond the upload limit (plus room for the form around the file) are refused
            body_limit = settings.ZHONGSHU_LOAD_MAX_FILE_MB * (1 << 20) + (1 << 20)
            serve(application, host=opts["host"], port=opts["port"], threads=opts["threads"], ident="zhongshu",
                  max_request_body_size=body_limit)
        except OSError as exc:
            raise CommandError(f"cannot listen on {opts['host']}:{opts['port']}: {exc.strerror}. "
                               "How to fix: stop the other server or choose --port.") from None
        finally:
            if worker is not None:
                worker.stop()
