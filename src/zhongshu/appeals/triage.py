"""The one place the appeals app talks to `zhongshu.nlp`: a triage suggestion for an appeal.

`suggest(title, text)` returns a `Suggestion` whatever happens. When a trained model is loaded it
comes from `zhongshu.nlp.triage.Triage.predict`; when none is trained (or the nlp package fails)
it falls back to a rule-only suggestion (taxonomy keywords, emotion and urgency word lists, the
nlp priority rules when importable), marked `source="rules"` so nobody mistakes it for a model.
Intake never fails because of triage.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings

log = logging.getLogger("zhongshu.appeals")

LEVELS = ("low", "normal", "high", "extreme")


@dataclass
class Suggestion:
    """What triage proposes for one appeal, and why."""

    category: str = ""  # level-1 name, e.g. 城乡建设
    category_l2: str = ""  # level-2 name, e.g. 物业管理
    department: str = ""  # department code, or "township"
    category_confidence: float = 0.0
    emotion: str = "neutral"
    intensity: int = 0
    urgency: int = 0
    priority: int = 0
    level: str = "normal"
    reasons: list[str] = field(default_factory=list)
    source: str = "rules"  # "model" or "rules"
    versions: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- rule-only fallback ------------------------------------------------------------------------

_EMOTION_WORDS = {
    "angry": ("愤怒", "气愤", "太过分", "忍无可忍", "欺人太甚", "投诉无门", "无法无天", "不作为", "骗子", "岂有此理"),
    "anxious": ("着急", "焦急", "担心", "害怕", "急死", "怎么办", "催", "一直没", "再不", "拖了"),
    "sad": ("无奈", "心寒", "绝望", "失望", "可怜", "难过"),
    "positive": ("感谢", "表扬", "点赞", "满意", "谢谢", "锦旗"),
}
_URGENT_WORDS = (
    ("自杀", 3), ("轻生", 3), ("跳楼", 3), ("不想活", 3), ("爆炸", 3), ("起火", 3), ("火灾", 3), ("燃气泄漏", 3),
    ("煤气泄漏", 3), ("坍塌", 3), ("倒塌", 3), ("触电", 3), ("被困", 3), ("中毒", 3),
    ("停水", 2), ("停电", 2), ("漏水", 1), ("老人", 1), ("孩子", 1), ("马上", 1), ("立即", 1), ("危险", 2),
    ("上访", 2), ("集体", 2), ("媒体", 2), ("群体", 2), ("讨薪", 1), ("拖欠工资", 1),
)
_EXTREME = {"自杀", "轻生", "跳楼", "不想活", "爆炸", "起火", "火灾", "燃气泄漏", "煤气泄漏", "坍塌", "倒塌", "被困"}


def _categories() -> list[dict[str, str]]:
    """Active taxonomy rows (from the database when seeded, else the shipped CSV)."""
    try:
        from zhongshu.appeals.models import Category

        rows = [
            {"level1": c.level1, "level2": c.level2, "department": (
                "township" if c.route_to_township else (c.department.code if c.department_id else "")),
             "keywords": c.keywords}
            for c in Category.objects.filter(active=True).select_related("department")
        ]
        if rows:
            return rows
    except Exception:  # noqa: BLE001 — no database (e.g. CLI without migrate): use the file
        pass
    from zhongshu.appeals.taxonomy import shipped_rows

    return [{**r, "keywords": ""} for r in shipped_rows()]


def _terms(row: dict[str, str]) -> list[str]:
    # A level-2 name such as "供水供气供暖" or "噪声扰民" is itself a good keyword set: split it
    # into 2-character pieces, plus any keywords the analyst configured.
    terms = [k for k in re.split(r"[,，、\s]+", row.get("keywords") or "") if k]
    name = re.sub(r"[与和及]", " ", row["level2"])
    for part in name.split():
        terms.append(part)
        terms += [part[i:i + 2] for i in range(0, len(part) - 1, 2)]
    return list(dict.fromkeys(t for t in terms if len(t) >= 2))


def _rule_priority(emotion: str, intensity: int, urgency: int) -> tuple[int, str, list[str]]:
    try:
        from zhongshu.nlp.priority import priority as nlp_priority

        result = nlp_priority(emotion, intensity, urgency, 0, 0.0)
        if isinstance(result, dict):
            return int(result.get("priority", 0)), str(result.get("level", "normal")), list(result.get("reasons", []))
        if hasattr(result, "priority"):
            return int(result.priority), str(getattr(result, "level", "normal")), list(getattr(result, "reasons", []))
        value = int(result)
        return value, _level_for(value), []
    except Exception:  # noqa: BLE001 — the nlp rules are optional here
        value = min(100, 20 + urgency * 22 + intensity * 8 + (10 if emotion == "angry" else 0))
        return value, _level_for(value), []


def _level_for(priority: int) -> str:
    return "extreme" if priority >= 85 else "high" if priority >= 60 else "normal" if priority >= 25 else "low"


def rule_suggestion(title: str, text: str) -> Suggestion:
    """Keyword rules only (no trained model): category by taxonomy terms, emotion and urgency by word lists."""
    body = f"{title} {text}"
    reasons: list[str] = ["rule-only suggestion: no trained triage model is active"]
    best, best_hits = None, []
    for row in _categories():
        hits = [t for t in _terms(row) if t in body]
        if len(hits) > len(best_hits):
            best, best_hits = row, hits
    s = Suggestion(source="rules")
    if best:
        s.category, s.category_l2, s.department = best["level1"], best["level2"], best["department"]
        s.category_confidence = round(min(0.9, 0.3 + 0.15 * len(best_hits)), 2)
        reasons.append(f"category {best['level2']}: keywords {'、'.join(best_hits[:4])}")
    emotion_hits = {e: [w for w in words if w in body] for e, words in _EMOTION_WORDS.items()}
    emotion, hits = max(emotion_hits.items(), key=lambda kv: len(kv[1]))
    if hits:
        s.emotion, s.intensity = emotion, min(3, len(hits) + body.count("！") // 3 + body.count("!") // 3)
        reasons.append(f"emotion {emotion}: {'、'.join(hits[:4])}")
    urgent = [(w, v) for w, v in _URGENT_WORDS if w in body]
    if urgent:
        s.urgency = min(3, max(v for _, v in urgent))
        reasons.append(f"urgency {s.urgency}: {'、'.join(w for w, _ in urgent[:4])}")
    s.priority, s.level, more = _rule_priority(s.emotion, s.intensity, s.urgency)
    if any(w in _EXTREME for w, _ in urgent):
        s.priority, s.level = max(s.priority, 90), "extreme"
        reasons.append("safety words: extreme")
    s.reasons = reasons + more
    return s


# --- model --------------------------------------------------------------------------------------

_model: Any = None
_model_failed = False
_model_key: tuple = ()


def _current_versions() -> tuple:
    """The active model versions; a change (training or rollback in another process) reloads."""
    try:
        from zhongshu.nlp.registry import KINDS, ModelRegistry

        registry = ModelRegistry()
        return tuple(registry.current(kind) for kind in KINDS)
    except Exception:  # noqa: BLE001 — nlp unavailable: the rules still work
        return ()


def _open_triage(triage_class: Any) -> Any:
    """The fast models, or the accurate ones when ZHONGSHU_TRIAGE_ACCURATE is set and they exist."""
    if getattr(settings, "ZHONGSHU_TRIAGE_ACCURATE", False):
        try:
            return triage_class(accurate=True)
        except Exception as exc:  # noqa: BLE001 — not trained yet: the fast models stand in
            log.warning("accurate triage models unavailable, using the fast ones: %s", type(exc).__name__)
    return triage_class()


def _load_model() -> Any:
    global _model, _model_failed, _model_key
    key = _current_versions()
    if key != _model_key:
        _model, _model_failed, _model_key = None, False, key
    if _model is None and not _model_failed:
        try:
            from zhongshu.nlp.triage import Triage

            _model = _open_triage(Triage)
        except Exception as exc:  # noqa: BLE001 — no model trained yet, or nlp broken: fall back
            log.info("triage model unavailable, using rules: %s", type(exc).__name__)
            _model_failed = True
    return _model


def reset() -> None:
    """Forget the loaded model (after `zhongshu nlp activate`, and in tests)."""
    global _model, _model_failed
    _model, _model_failed = None, False


def suggest(title: str, text: str) -> Suggestion:
    """The triage suggestion for an appeal; never raises."""
    model = _load_model()
    if model is not None:
        try:
            raw = model.predict(title, text)
            s = Suggestion(
                category=str(raw.get("category", "")), category_l2=str(raw.get("category_l2", "")),
                department=str(raw.get("department", "")),
                category_confidence=round(float(raw.get("category_confidence", 0.0)), 3),
                emotion=str(raw.get("emotion", "neutral")), intensity=int(raw.get("intensity", 0)),
                urgency=int(raw.get("urgency", 0)), priority=int(raw.get("priority", 0)),
                level=str(raw.get("level", "normal")) if raw.get("level") in LEVELS else _level_for(int(raw.get("priority", 0))),
                reasons=[str(r) for r in raw.get("reasons", [])], source="model",
                versions={str(k): str(v) for k, v in (raw.get("versions") or getattr(model, "versions", {}) or {}).items()},
            )
            return s
        except Exception as exc:  # noqa: BLE001 — a model failure must not block intake
            log.warning("triage model failed, using rules: %s", type(exc).__name__)
    try:
        return rule_suggestion(title, text)
    except Exception as exc:  # noqa: BLE001
        log.warning("rule triage failed: %s", type(exc).__name__)
        return Suggestion(reasons=["triage unavailable"], source="none")
