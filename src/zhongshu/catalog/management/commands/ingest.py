"""`zhongshu ingest FILE --dataset NAME`: load a file into a catalog dataset, with a progress bar.

`zhongshu ingest --refresh-due` runs the periodic check for scheduled database sources once, loads
included; `zhongshu serve` schedules the same check by itself (`catalog.tasks.ensure_scheduled`),
so cron is needed only without its worker. `zhongshu ingest --reap` marks loads whose process died
as failed and removes their unrecorded files.
"""

from __future__ import annotations

import sys
from pathlib import Path

from zhongshu.accounts.system import SYSTEM
from zhongshu.core.commands import ZhongshuCommand
from zhongshu.core.errors import InvalidInput


class Command(ZhongshuCommand):
    help = "Load a file (CSV/TSV in UTF-8/GBK/GB18030, XLSX, JSON/JSONL, Parquet) into a catalog dataset."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path, help="the file to load")
        parser.add_argument("--dataset", help="dataset name or code (created when missing)")
        parser.add_argument("--department", help="department code of the providing department, e.g. gaj")
        parser.add_argument("--encoding", default="", help="text encoding (default: detected), e.g. gbk, utf-8")
        parser.add_argument("--sheet", default="", help="XLSX worksheet name (default: the first)")
        parser.add_argument("--format", default="", help="csv, tsv, xlsx, json, jsonl or parquet (default: detected)")
        parser.add_argument("--max-bad-rows", type=float, default=0.05,
                            help="fail the load when more than this share of rows is rejected (default 0.05)")
        parser.add_argument("--refresh-due", action="store_true", help="refresh the database sources that are due, then exit")
        parser.add_argument("--reap", action="store_true", help="mark interrupted loads as failed, then exit")
        parser.add_argument("--no-progress", action="store_true", help="do not draw the progress bar")

    def handle(self, *args, **opts):
        from zhongshu.catalog import ingestion, services, sources

        ingestion.reap_interrupted()
        if opts["reap"]:
            self.stdout.write("interrupted loads marked as failed")
            return
        if opts["refresh_due"]:
            attempts = sources.refresh_due(inline=True)
            for a in attempts:
                self.stdout.write(f"{a.dataset.name}: {a.state} {a.error}")
            self.stdout.write(f"{len(attempts)} refresh(es) run")
            return
        if opts["file"] is None or not opts["dataset"]:
            raise InvalidInput("file", "give a file and --dataset NAME", hint="zhongshu ingest data.csv --dataset 企业登记信息 --department scjgj")
        by_code = services.Dataset.objects.filter(code=opts["dataset"]).first()
        # a new dataset is created only when the file is accepted: a refusal leaves no empty dataset
        attempt = ingestion.draft_load(SYSTEM, dataset=by_code, new_name=opts["dataset"], department=opts["department"],
                                       path=opts["file"], via="cli", fmt=opts["format"], encoding=opts["encoding"],
                                       sheet=opts["sheet"], max_bad_fraction=opts["max_bad_rows"])
        ds = attempt.dataset
        attempt = ingestion.start(SYSTEM, attempt, inline=True, progress=None if opts["no_progress"] else self._bar)
        if not opts["no_progress"]:
            sys.stderr.write("\n")
        if attempt.state != attempt.State.SUCCEEDED:
            where = f" (rejects report: {attempt.rejects_path})" if attempt.rejects_path else ""
            raise InvalidInput("", f"load of {attempt.file_name} into {ds.name} failed: {attempt.error}{where}",
                               hint=attempt.error_hint)
        version = attempt.version
        self.stdout.write(f"{ds.name} ({ds.code}) v{version.number}: {attempt.rows_loaded} rows loaded, "
                          f"{attempt.reject_count} rejected, encoding {attempt.encoding or '-'}, format {attempt.format}")
        if attempt.rejects_path:
            self.stdout.write(f"rejects report: {attempt.rejects_path}")
        for change, names in (version.schema_changes or {}).items():
            if names:
                self.stdout.write(f"schema {change}: {names}")

    def _bar(self, step: str, fraction: float) -> None:
        width = 30
        done = int(width * fraction)
        sys.stderr.write(f"\r[{'#' * done}{'.' * (width - done)}] {fraction:5.1%} {step:<10}")
        sys.stderr.flush()
