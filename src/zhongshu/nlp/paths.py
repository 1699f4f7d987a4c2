"""Where the NLP package finds shared training data, its models and its caches."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DATA = Path(__file__).resolve().parent / "data"
# src/zhongshu/nlp/paths.py -> repository root is three levels above the package directory.
REPO_ROOT = Path(__file__).resolve().parents[3]


def shared_data_dir() -> Path:
    """The shared public data folder: env ZHONGSHU_SHARED_DATA, else `<repo>/../shared/data`."""
    env = os.environ.get("ZHONGSHU_SHARED_DATA")
    return Path(env) if env else REPO_ROOT.parent / "shared" / "data"


def hub_data_dir() -> Path:
    """The hub's writable data dir: Django setting, else env ZHONGSHU_DATA_DIR, else ./var."""
    try:
        from django.conf import settings

        if settings.configured and getattr(settings, "ZHONGSHU_DATA_DIR", None):
            return Path(settings.ZHONGSHU_DATA_DIR)
    except ImportError:  # Django is optional for the library itself.
        pass
    env = os.environ.get("ZHONGSHU_DATA_DIR")
    return Path(env) if env else Path("var")


def default_models_dir() -> Path:
    """`<hub data dir>/models`, where the registry keeps model versions."""
    return hub_data_dir() / "models"


def default_cache_dir() -> Path:
    """`<hub data dir>/cache/nlp`, where embeddings are cached."""
    return hub_data_dir() / "cache" / "nlp"
