"""Urgency signals in an appeal and the priority score that orders the work queue.

Keywords alone flag urgent appeals with precision and recall near 0.5 (see the data README), so
each matched term is read in its context window: a negation just before it (没有/不存在/并非…)
cancels it, an "ongoing/imminent" word nearby (正在/随时/已经…) or a vulnerable person (儿童,
老人…) raises it. The rules are deliberately transparent: every point of the score has a reason.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

# kind -> (strong terms, weak terms, base weight in points). Weights are local practice.
# A strong term is a signal on its own; a weak one (安全隐患 is in every third complaint) counts
# only when its context qualifies it: ongoing, a vulnerable person, named in the title, or two
# different hazard terms in one appeal.
SIGNALS: dict[str, tuple[tuple[str, ...], tuple[str, ...], int]] = {
    "self_harm": (
        ("跳楼", "轻生", "不想活", "自杀", "寻死", "喝农药", "割腕", "活不下去", "以死明志", "同归于尽"),
        (),
        70,
    ),
    "health_emergency": (
        ("急救", "病危", "抢救", "生命垂危", "救护车", "中毒", "大出血", "危重", "昏迷"),
        (),
        55,
    ),
    "safety_hazard": (
        (
            "燃气泄漏",
            "煤气泄漏",
            "漏气",
            "坍塌",
            "垮塌",
            "倒塌",
            "塌陷",
            "下沉",
            "危房",
            "起火",
            "爆炸",
            "触电",
            "漏电",
            "高空坠物",
            "溺水",
            "滑坡",
            "决堤",
            "被车撞",
        ),
        (
            "安全隐患",
            "裂缝",
            "开裂",
            "火灾",
            "消防通道",
            "消防栓",
            "高空抛物",
            "掉落",
            "危及生命",
            "生命安全",
            "消防隐患",
        ),
        35,
    ),
    "collective_action": (
        ("集体上访", "堵路", "拉横幅", "群体性事件", "静坐", "围堵", "集体维权", "进京上访", "聚众"),
        ("上访", "联名"),
        30,
    ),
    "wage_arrears": (
        (
            "拖欠工资",
            "欠薪",
            "讨薪",
            "拖欠农民工",
            "工资未发",
            "不发工资",
            "拖欠民工",
            "工钱",
            "拿到工资",
            "拖欠劳务",
        ),
        (),
        25,
    ),
    "utility_outage": (
        ("停水停电", "断水", "断电", "没水用", "频繁停水", "强行停水"),
        ("停水", "停电", "停气"),
        20,
    ),
    "violence_threat": (("恐吓", "打伤", "殴打", "拿刀", "打手", "人身威胁", "绑架", "砍伤"), ("报复",), 25),
}
VULNERABLE = (
    "儿童",
    "小孩",
    "孩子",
    "学生",
    "幼儿",
    "婴儿",
    "老人",
    "老年人",
    "残疾",
    "孕妇",
    "病人",
    "瘫痪",
    "独居",
)
ONGOING = (
    "正在",
    "马上",
    "随时",
    "立即",
    "已经",
    "目前仍",
    "仍在",
    "至今",
    "每天",
    "天天",
    "今晚",
    "明天",
    "刚刚",
    "现在",
)
NEGATION = ("没有", "不存在", "无", "并无", "并非", "不是", "未发现", "排除", "不会", "未")
# A signal term in a past-only frame ("去年曾经…") is weaker: the county cannot act on it today.
HISTORIC = ("曾经", "以前", "去年", "多年前", "过去")

WINDOW = 12  # characters each side of a term read as its context

LEVELS = (("extreme", 80), ("high", 55), ("normal", 25), ("low", 0))


@dataclass(frozen=True)
class Signal:
    """One urgency term found in a text, with what its context says about it."""

    kind: str
    term: str
    weight: int
    negated: bool = False
    ongoing: bool = False
    vulnerable: str = ""

    @property
    def points(self) -> int:
        """Points this signal adds to the priority (0 when negated)."""
        if self.negated:
            return 0
        return self.weight + (15 if self.ongoing else 0) + (10 if self.vulnerable else 0)

    def describe(self) -> str:
        """A reason string, e.g. `safety_hazard: 坍塌 (ongoing: 随时)`."""
        notes = []
        if self.negated:
            notes.append("negated")
        if self.ongoing:
            notes.append("ongoing")
        if self.vulnerable:
            notes.append(f"vulnerable: {self.vulnerable}")
        return f"{self.kind}: {self.term}" + (f" ({', '.join(notes)})" if notes else "")


_CLAUSE = re.compile(r"[。！？!?；;\n]")


def _clause_window(text: str, start: int, end: int) -> tuple[str, str]:
    """Text before and after a match, cut at sentence ends and to WINDOW characters."""
    before = _CLAUSE.split(text[max(0, start - WINDOW) : start])[-1]
    after = _CLAUSE.split(text[end : end + WINDOW])[0]
    return before, after


def _term_pattern() -> tuple[re.Pattern[str], dict[str, tuple[str, int, bool]]]:
    """One alternation of every signal term, longest first, and term -> (kind, weight, weak)."""
    table: dict[str, tuple[str, int, bool]] = {}
    for kind, (strong, weak, weight) in SIGNALS.items():
        for term in strong:
            table.setdefault(term, (kind, weight, False))
        for term in weak:
            table.setdefault(term, (kind, weight, True))
    alternation = "|".join(re.escape(t) for t in sorted(table, key=len, reverse=True))
    return re.compile(alternation), table


_TERMS, _TERM_TABLE = _term_pattern()


def detect_signals(text: str, title: str = "") -> list[Signal]:
    """Urgency signals in `text`, one per (kind, term), negation/ongoing/vulnerable read in context.

    >>> [s.describe() for s in detect_signals("楼道没有燃气泄漏")]
    ['safety_hazard: 燃气泄漏 (negated)']
    >>> sorted(s.term for s in detect_signals("他说不想活了，要跳楼"))
    ['不想活', '跳楼']
    """
    full = f"{title}。{text}" if title else text
    found: dict[tuple[str, str], Signal] = {}
    weak_seen: list[Signal] = []
    for m in _TERMS.finditer(full):
        term = m.group()
        kind, weight, weak = _TERM_TABLE[term]
        before, after = _clause_window(full, m.start(), m.end())
        # One-character negations (无, 未) are too common inside words (无人管, 至今未) to
        # count unless right before the term; longer ones may sit a few characters back.
        negated = any(before.endswith(n) or (len(n) > 1 and n in before[-6:]) for n in NEGATION)
        context = before + term + after
        ongoing = any(w in context for w in ONGOING) and not any(h in context for h in HISTORIC)
        vuln = next((v for v in VULNERABLE if v in context), "")
        sig = Signal(kind, term, weight, negated, ongoing, vuln)
        if weak and not (ongoing or vuln or (title and term in title)):
            weak_seen.append(sig)
            continue
        key = (kind, term)
        if key not in found or sig.points > found[key].points:
            found[key] = sig
    # Two different unqualified hazard words (裂缝 + 安全隐患) together still make a signal.
    hazards = {s.term: s for s in weak_seen if s.kind == "safety_hazard" and not s.negated}
    if len(hazards) >= 2 or any(k[0] == "safety_hazard" for k in found):
        for term, sig in hazards.items():
            found.setdefault(("safety_hazard", term), sig)
    return list(found.values())


_ASKING = re.compile(r"咨询|请问|建议|何时|什么时候|能否|可否|是否|有何|怎么办理|如何|吗")
_COMPLAINING = re.compile(r"投诉|举报|反映|不作为|扰民|拖欠|违规|违法|严重|维权|无果|至今|多次")


def base_urgency(title: str, text: str) -> int:
    """0 for a question or suggestion, 1 for a complaint or request that needs handling.

    >>> base_urgency("请问公交线路何时调整？", ""), base_urgency("投诉小区噪音扰民", "")
    (0, 1)
    """
    head = title + text[:120]
    return 0 if _ASKING.search(title) and not _COMPLAINING.search(head) else 1


def urgency_level(signals: Sequence[Signal], title: str = "", text: str = "") -> int:
    """Urgency 0-3 from signals, else 0/1 from the appeal's form (docs/nlp/labelling-guide.md).

    >>> urgency_level(detect_signals("小区燃气泄漏，随时可能爆炸"))
    3
    """
    live = [s for s in signals if not s.negated]
    if not live:
        return base_urgency(title, text) if (title.strip() or text.strip()) else 0
    kinds = {s.kind for s in live}
    hazards = [s for s in live if s.kind == "safety_hazard"]
    if kinds & {"self_harm", "health_emergency"}:
        return 3
    # An ongoing hazard named twice over (下沉 + 开裂, 泄漏 + 随时) is the same-day kind.
    if len(hazards) >= 2 and any(s.ongoing for s in hazards):
        return 3
    return 2


class Priority(NamedTuple):
    """Score 0-100, level and reasons; unpacks as `(score, level, reasons)`."""

    priority: int
    level: str
    reasons: list[str]


# Points for a bare urgency level, when a caller has a level (e.g. corrected by a person) but no
# signals: 3 alone reaches "extreme", 2 reaches "high" with any emotion.
LEVEL_POINTS = {0: 0, 1: 5, 2: 45, 3: 70}


def priority(
    emotion: str,
    intensity: int,
    urgency_signals: Sequence[Signal] | int,
    repeat_contacts: int = 0,
    hours_waiting: float = 0.0,
) -> Priority:
    """Priority score 0-100, level (extreme|high|normal|low) and the reasons behind the score.

    `urgency_signals` is the output of `detect_signals`, or a bare urgency level 0-3.

    >>> priority("sad", 3, detect_signals("我不想活了")).level
    'extreme'
    >>> priority("neutral", 0, [])
    Priority(priority=10, level='low', reasons=[])
    >>> priority("angry", 2, 3).level
    'extreme'
    """
    score = 10.0
    reasons: list[str] = []
    if isinstance(urgency_signals, int):
        level_pts = LEVEL_POINTS.get(max(0, min(3, urgency_signals)), 0)
        if level_pts:
            score += level_pts
            reasons.append(f"+{level_pts} urgency level {urgency_signals}")
        urgency_signals = []
    live = sorted((s for s in urgency_signals if not s.negated), key=lambda s: -s.points)
    # Strongest signal counts fully, the others at a third: ten hazard words are not ten hazards.
    for i, s in enumerate(live):
        pts = s.points if i == 0 else s.points / 3
        score += pts
        reasons.append(f"+{pts:.0f} {s.describe()}")
    for s in urgency_signals:
        if s.negated:
            reasons.append(f"+0 {s.describe()}")
    intensity = max(0, min(3, int(intensity)))
    per = {"angry": 5, "anxious": 6, "sad": 5}.get(emotion, 0)
    if per and intensity:
        score += per * intensity
        reasons.append(f"+{per * intensity} emotion {emotion} intensity {intensity}")
    if emotion == "sad" and intensity >= 3:
        score += 10  # despair is how self-harm risk often reads before it is said outright.
        reasons.append("+10 despair (sad, intensity 3)")
    if repeat_contacts > 0:
        pts = min(20, 5 * repeat_contacts)
        score += pts
        reasons.append(f"+{pts} repeat contacts: {repeat_contacts}")
    if hours_waiting > 0:
        pts = min(15.0, hours_waiting / 24 * 5)
        score += pts
        reasons.append(f"+{pts:.0f} waiting {hours_waiting:.0f} h")
    final = int(round(max(0.0, min(100.0, score))))
    level = next(name for name, floor in LEVELS if final >= floor)
    return Priority(final, level, reasons)
