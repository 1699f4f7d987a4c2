"""Demo: give the demo county working triage models, trained the way a county trains its own.

A county trains on its own confirmed appeals (`zhongshu nlp train --records` or the models page);
the demo does the same with its generated appeals, so the hotline pages show model suggestions
from the first start. Nothing is trained when a model is already current.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from zhongshu.nlp.registry import ModelRegistry, train_from_records


def load_demo(out_dir: Path, say: Callable[[str], None]) -> None:
    """Train category and emotion models from the hub's demo appeals unless models exist."""
    from zhongshu.appeals.services import training_records

    registry = ModelRegistry()
    if registry.current("category") and registry.current("emotion"):
        say("triage models: already trained")
        return
    started = time.monotonic()
    versions = train_from_records(list(training_records()), registry, include_weibo=False)
    say(f"triage models: trained from the demo appeals in {time.monotonic() - started:.1f}s "
        f"({', '.join(f'{k} {v}' for k, v in versions.items())})")
