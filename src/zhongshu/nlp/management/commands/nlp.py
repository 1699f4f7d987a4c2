"""`zhongshu nlp train|predict|models|activate`: the triage models from the command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhongshu.core.errors import ZhongshuError
from zhongshu.nlp import cli
from zhongshu.nlp.registry import KINDS


def _models_dir(option: str | None) -> Path | None:
    """--models, else settings.ZHONGSHU_DATA_DIR/models (paths falls back to env, then ./var)."""
    return Path(option) if option else None


class Command(BaseCommand):
    help = "Train, list, activate and run the appeal triage models (category, emotion, urgency)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, title="actions")
        train = sub.add_parser("train", help="train models from the shared data, make them current")
        train.add_argument(
            "--data", help="shared data folder (default: ZHONGSHU_SHARED_DATA or ../shared/data)"
        )
        train.add_argument("--models", help="models folder (default: <ZHONGSHU_DATA_DIR>/models)")
        train.add_argument("--kind", default="all", choices=cli.TRAIN_KINDS)
        train.add_argument(
            "--records",
            help="retrain from hub records (JSON Lines file, `-` = stdin), "
            "e.g. the output of `zhongshu appeals training-export`",
        )
        predict = sub.add_parser("predict", help='triage JSON Lines {"id","title","text"} from stdin')
        predict.add_argument("--models", help="models folder")
        predict.add_argument(
            "--accurate",
            action="store_true",
            help="use the embedding models (category_accurate, and emotion_accurate when trained)",
        )
        models = sub.add_parser("models", help="list stored model versions")
        models.add_argument("--models", help="models folder")
        models.add_argument("--kind", choices=KINDS)
        activate = sub.add_parser("activate", help="make a stored version current (rollback)")
        activate.add_argument("kind", choices=KINDS)
        activate.add_argument("version")
        activate.add_argument("--models", help="models folder")

    def handle(self, *args: object, **options: object) -> None:
        action = options["action"]
        models = _models_dir(options.get("models"))  # type: ignore[arg-type]
        try:
            if action == "train" and options.get("records"):
                src = str(options["records"])
                if src == "-":
                    cli.run_train_records(
                        getattr(self, "stdin", None) or sys.stdin, models, say=self.stdout.write
                    )
                else:
                    with open(src, encoding="utf-8") as fh:
                        cli.run_train_records(fh, models, say=self.stdout.write)
            elif action == "train":
                data = Path(str(options["data"])) if options.get("data") else None
                cli.run_train(str(options.get("kind") or "all"), data, models, say=self.stdout.write)
            elif action == "predict":
                stdin = getattr(self, "stdin", None) or sys.stdin
                errors = cli.run_predict(stdin, self.stdout, models, bool(options.get("accurate")))
                if errors:
                    self.stderr.write(
                        f"{errors} line(s) could not be read; see the error lines in the output"
                    )
            elif action == "models":
                rows = cli.run_models(options.get("kind"), models)  # type: ignore[arg-type]
                if not rows:
                    self.stdout.write("no trained models yet: run `zhongshu nlp train` first")
                for r in rows:
                    mark = "*" if r["current"] else " "
                    head = r["headline"]
                    self.stdout.write(
                        f"{mark} {r['kind']:<18} {r['version']:<20} "
                        f"{head.get('metric', '')}: {head.get('value')}"
                    )
            elif action == "activate":
                cli.run_activate(str(options["kind"]), str(options["version"]), models)
                self.stdout.write(f"{options['kind']} {options['version']} is now current")
        except ZhongshuError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"cannot read or write model files: {exc}") from exc
        except json.JSONDecodeError as exc:  # pragma: no cover - run_predict reports these per line
            raise CommandError(str(exc)) from exc
