"""Readers for the shared public data sets and the project's own in-domain labels.

The shared data is never copied into the project (unstated licences): it is read in place from
`paths.shared_data_dir()`. Only ids and labels of the in-domain set ship, in
`data/appeal_labels.csv`; their texts are joined from the shared `unlabelled.csv` at training time.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from zhongshu.core.errors import NotFound

from .paths import PACKAGE_DATA, shared_data_dir

APPEAL_LABELS = PACKAGE_DATA / "appeal_labels.csv"
CATEGORY_LABELS = PACKAGE_DATA / "category_labels.csv"
EMOTIONS = ("angry", "anxious", "sad", "neutral", "positive")

# Source labels -> ours. "surprise" is dropped: in these sets it is split between pleasant
# surprise (惊喜) and shock (震惊), i.e. it carries no valence we can route on, and appeals almost
# never express it; forcing it into neutral would teach "neutral" exclamation-heavy posts.
EMOTION_MAP: dict[str, str | None] = {
    "angry": "angry",
    "anger": "angry",
    "disgust": "angry",
    "fear": "anxious",
    "sad": "sad",
    "sadness": "sad",
    "happy": "positive",
    "happiness": "positive",
    "like": "positive",
    "neutral": "neutral",
    "none": "neutral",
    "surprise": None,
}

WEIBO_SOURCES = ("smp2020_virus_train", "smp2020_virus_eval", "smp2020_usual_eval", "nlpcc2014", "clue2020")


@dataclass(frozen=True)
class Example:
    """A text with a label, and where it came from."""

    text: str
    label: str
    source: str
    title: str = ""
    id: str = ""


def map_emotion(label: str) -> str | None:
    """Our emotion class for a source label, or None when the label is dropped.

    >>> map_emotion("disgust"), map_emotion("like"), map_emotion("surprise")
    ('angry', 'positive', None)
    """
    key = (label or "").strip().lower()
    if key not in EMOTION_MAP:
        raise ValueError(f"unknown emotion label {label!r}; add it to EMOTION_MAP")
    return EMOTION_MAP[key]


def require(path: Path) -> Path:
    """`path` if it exists, else NotFound telling how to point at the shared data."""
    if not path.exists():
        raise NotFound(
            "shared data file",
            str(path),
            hint="set ZHONGSHU_SHARED_DATA to the shared data folder (default <repo>/../shared/data)",
        )
    return path


def in_test_split(key: str, test_share: float = 0.3) -> bool:
    """Deterministic hash split: the same key is always on the same side.

    >>> in_test_split("abc"), in_test_split("abc")
    (False, False)
    """
    return int(hashlib.sha1(key.encode("utf-8")).hexdigest()[:8], 16) % 1000 < test_share * 1000


def labelled_appeals(root: Path | None = None) -> list[Example]:
    """The 395 Teddy Cup appeals labelled with 一级分类."""
    path = require((root or shared_data_dir()) / "appeals_teddycup2020" / "labelled_train.csv")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [
            Example(r["留言详情"], r["一级分类"], "teddycup2020", r["留言主题"], r["留言编号"])
            for r in csv.DictReader(fh)
        ]


def taxonomy_topics(root: Path | None = None) -> list[tuple[str, str]]:
    """(一级, "一级 二级 三级") for each of the 517 rows (390 third-level topics) of the shared taxonomy.

    The accurate category model compares every appeal with these topics (see
    `category.CategoryModel`); the taxonomy file itself is never copied into the project.
    """
    path = require((root or shared_data_dir()) / "appeals_teddycup2020" / "taxonomy.csv")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.reader(fh)][1:]
    return [(r[0].strip(), " ".join(x.strip() for x in r[:3])) for r in rows if len(r) >= 3 and r[0].strip()]


def unlabelled_appeals(root: Path | None = None) -> dict[str, tuple[str, str]]:
    """id -> (title, text) of the unlabelled Teddy Cup appeals."""
    path = require((root or shared_data_dir()) / "appeals_teddycup2020" / "unlabelled.csv")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return {r["留言编号"]: (r["留言主题"], r["留言详情"]) for r in csv.DictReader(fh)}


def appeal_labels(path: Path | None = None) -> list[dict[str, str]]:
    """Our in-domain labels: id, sample (random|enriched), emotion, intensity, urgency."""
    with open(path or APPEAL_LABELS, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def category_labels(root: Path | None = None, path: Path | None = None) -> list[Example]:
    """Our 一级 labels of 1,200 appeals of `unlabelled.csv` (all 15 categories; see
    docs/nlp/category-labelling-guide.md) joined with their text. They follow our guide, not the
    competition's conventions: only those of the 8 categories the competition set lacks train the
    category model (`cli.uncovered_labels`); the rest measure routing."""
    texts = unlabelled_appeals(root)
    out = []
    with open(path or CATEGORY_LABELS, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["id"] in texts:
                title, text = texts[row["id"]]
                out.append(Example(text, row["level1"], "category_inhouse", title, row["id"]))
    return out


def in_domain_appeals(root: Path | None = None) -> list[tuple[Example, dict[str, str]]]:
    """Labelled in-domain appeals joined with their text; split key = text (duplicates agree)."""
    texts = unlabelled_appeals(root)
    out = []
    for row in appeal_labels():
        if row["id"] in texts:
            title, text = texts[row["id"]]
            out.append((Example(text, row["emotion"], "appeals_inhouse", title, row["id"]), row))
    return out


def in_domain_split(pairs: Iterable[tuple[Example, dict[str, str]]]) -> tuple[list, list]:
    """(train, test) of the in-domain set, 70/30 by a hash of the appeal's text."""
    train, test = [], []
    for ex, row in pairs:
        (test if in_test_split(ex.title + ex.text) else train).append((ex, row))
    return train, test


def _smp(root: Path, name: str, source: str) -> list[Example]:
    data = json.loads(require(root / "emotion_smp2020" / name).read_text(encoding="utf-8"))
    out = []
    for d in data:
        label = map_emotion(d["label"])
        if label:
            out.append(Example(d["content"], label, source, id=f"{source}:{d['id']}"))
    return out


def weibo_emotion(root: Path | None = None, sources: Iterable[str] = WEIBO_SOURCES) -> list[Example]:
    """Weibo emotion posts from the chosen sources, labels mapped to ours (surprise dropped)."""
    root = root or shared_data_dir()
    out: list[Example] = []
    for source in sources:
        if source == "smp2020_virus_train":
            out += _smp(root, "virus_train.txt", source)
        elif source == "smp2020_virus_eval":
            out += _smp(root, "virus_eval_labeled.txt", source)
        elif source == "smp2020_usual_eval":
            out += _smp(root, "usual_eval_labeled.txt", source)
        elif source == "nlpcc2014":
            with open(require(root / "emotion_nlpcc2014" / "train.csv"), encoding="utf-8") as fh:
                for r in csv.DictReader(fh):
                    label = map_emotion(r["emotion1"])
                    if label:
                        out.append(Example(r["text"], label, source, id=f"{source}:{r['id']}"))
        elif source == "clue2020":
            path = require(root / "emotion_clue2020" / "valid.jsonl")
            for line in path.read_text(encoding="utf-8").splitlines():
                d = json.loads(line)
                label = map_emotion(d["label"])
                if label:
                    out.append(Example(d["content"], label, source, id=f"{source}:{d['id']}"))
        else:
            raise ValueError(f"unknown emotion source {source!r}; choose from {WEIBO_SOURCES}")
    return out


def smp_heldout_split(examples: list[Example]) -> tuple[list[Example], list[Example]]:
    """(train, test): the test side is a fixed 50% of SMP2020 usual_eval_labeled, by id hash."""
    train, test = [], []
    for ex in examples:
        held = ex.source == "smp2020_usual_eval" and in_test_split(ex.id, 0.5)
        (test if held else train).append(ex)
    return train, test
