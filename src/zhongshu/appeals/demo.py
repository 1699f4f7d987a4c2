"""A year of demo appeals for the demo county, with ground truth.

`generate_appeals()` is pure and deterministic: the same (n, seed, start) gives the same list of
dicts (appeal fields, a timeline of events, and a `truth` dict saying why it looks the way it
does). `load_demo()` writes them into the hub with bulk inserts; `zhongshu demo setup` calls it.

What the year holds, so that analytics have something to find:
- volume by weekday (Mondays busiest, weekends quiet) and season (heating in winter, power cuts
  and noise in summer, school enrolment in July/August, wage arrears before Spring Festival);
- two spikes: a heating outage week in 城阳街道 in winter, and a wage-arrears cluster in the
  development zone in the weeks before Spring Festival;
- repeat callers (same phone, same issue, angrier each time) and rare urgent signals;
- workflow states as the clock left them at `as_of` (the morning after the last day): most
  closed and followed up, the recent ones open, some overdue, returned (退单) or reopened (重办),
  each with a timeline consistent with its state and deadline.
"""

from __future__ import annotations

import csv
import random
import time as _time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from importlib import import_module, resources
from itertools import accumulate
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from zhongshu.accounts.system import SYSTEM
from zhongshu.appeals import demo_text
from zhongshu.appeals.demo_vocab import REPLIES, RETURN_REASONS, URGENCY_SIGNALS
from zhongshu.core.county import County, load_county

TZ = ZoneInfo("Asia/Shanghai")
DEMO_PREFIX = "demo-"  # external_id of every demo appeal (how load_demo knows it already ran)

SPRING_FESTIVAL = {
    2020: date(2020, 1, 25), 2021: date(2021, 2, 12), 2022: date(2022, 2, 1), 2023: date(2023, 1, 22),
    2024: date(2024, 2, 10), 2025: date(2025, 1, 29), 2026: date(2026, 2, 17), 2027: date(2027, 2, 6),
    2028: date(2028, 1, 26), 2029: date(2029, 2, 13), 2030: date(2030, 2, 3), 2031: date(2031, 1, 23),
}
LEVEL1_WEIGHTS = {
    "城乡建设": 22, "劳动和社会保障": 11, "环境保护": 8, "交通运输": 8, "教育文体": 7, "商贸旅游": 7,
    "卫生计生": 6, "民政": 5, "农村农业": 8, "国土资源": 3, "政法": 6, "党务政务": 3, "经济管理": 4,
    "科技与信息产业": 1, "纪检监察": 1,
}
# level 2 → {month: factor}
SEASONAL: dict[str, dict[int, float]] = {
    "供水供气供暖": {11: 2.5, 12: 3.5, 1: 3.5, 2: 2.5, 3: 1.5},
    "电力供应": {7: 2.5, 8: 2.5, 1: 1.5},
    "噪声扰民": {6: 1.8, 7: 2.2, 8: 2.2},
    "大气污染": {6: 2.0, 10: 2.0, 12: 1.5, 1: 1.5},
    "入学招生": {7: 4.0, 8: 4.0},
    "拖欠工资": {12: 2.0, 1: 2.5},
    "惠农补贴": {3: 2.0, 4: 2.0},
    "水利设施与灌溉": {5: 2.0, 6: 2.0},
    "旅游管理": {5: 2.0, 10: 2.5},
    "公共卫生与防疫": {7: 1.8, 8: 1.8},
}
WEEKDAY = (1.3, 1.1, 1.05, 1.0, 0.95, 0.6, 0.55)
HOURS = (1, 1, 1, 1, 1, 2, 4, 8, 14, 15, 14, 11, 7, 9, 12, 13, 12, 10, 8, 8, 7, 5, 3, 2)
TYPES = ("complaint", "help", "consult", "report", "suggestion", "praise")
TYPE_WEIGHTS = (38, 22, 25, 6, 6, 3)
DEADLINE_WORKING_DAYS = {"consult": 3, "help": 10, "complaint": 13, "report": 13, "suggestion": 10, "praise": 5}
EMOTIONS_BY_TYPE: dict[str, tuple[tuple[str, ...], tuple[float, ...]]] = {
    "complaint": (("angry", "anxious", "sad", "neutral"), (0.45, 0.25, 0.05, 0.25)),
    "report": (("angry", "anxious", "neutral"), (0.35, 0.15, 0.5)),
    "help": (("anxious", "sad", "angry", "neutral"), (0.45, 0.2, 0.1, 0.25)),
    "consult": (("neutral", "anxious", "angry"), (0.8, 0.15, 0.05)),
    "suggestion": (("neutral", "anxious", "positive"), (0.85, 0.05, 0.1)),
    "praise": (("positive",), (1.0,)),
}
GROUP_BIAS = {  # level 2 → (group, probability)
    "低保与特困": ("low_income", 0.6), "养老服务": ("elderly", 0.7), "残疾人补贴": ("disabled", 0.8),
    "学校管理": ("children", 0.5), "入学招生": ("children", 0.5), "校外培训": ("children", 0.5),
    "疫苗接种": ("children", 0.6), "拖欠工资": ("workers", 0.8), "劳动关系与合同": ("workers", 0.6),
    "社会保险缴纳": ("workers", 0.6),
}
NEGATIVE = ("angry", "anxious", "sad")
HOTLINE = "rx12345"


@dataclass(frozen=True)
class Taxon:
    """One taxonomy row: level 1, level 2 and the routing department code (or "township")."""

    level1: str
    level2: str
    department: str


DEFAULT_TAXONOMY: tuple[Taxon, ...] = tuple(Taxon(*row.split(",")) for row in (
    "城乡建设,物业管理,zjj", "城乡建设,供水供气供暖,zjj", "城乡建设,市容环卫,zfj", "城乡建设,违章建筑,zfj",
    "环境保护,大气污染,sthj", "环境保护,噪声扰民,sthj", "交通运输,道路建设与养护,jtysj",
    "教育文体,学校管理,jtj", "教育文体,入学招生,jtj", "劳动和社会保障,拖欠工资,rsj",
    "劳动和社会保障,养老保险,rsj", "商贸旅游,市场监管与消费维权,scjgj", "卫生计生,医疗服务与医患纠纷,wjj",
    "民政,低保与特困,mzj", "民政,养老服务,mzj", "农村农业,惠农补贴,nyncj", "农村农业,村务管理,township",
    "政法,社会治安,gaj", "政法,矛盾纠纷调解,township", "经济管理,电力供应,gdgs",
))


def demo_taxonomy() -> tuple[Taxon, ...]:
    """The taxonomy the demo uses: `zhongshu.nlp.taxonomy` if it offers one, else its CSV, else a default."""
    try:
        module = import_module("zhongshu.nlp.taxonomy")
    except ModuleNotFoundError:
        module = None
    for name in ("load_taxonomy", "taxonomy", "load"):
        loader = getattr(module, name, None)
        if callable(loader):
            try:
                rows = tuple(_taxon(row) for row in loader())
            except (TypeError, KeyError, AttributeError, ValueError):
                continue
            if rows:
                return rows
    try:
        text = (resources.files("zhongshu.nlp") / "data" / "taxonomy.csv").read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError):
        return DEFAULT_TAXONOMY
    rows = tuple(Taxon(r["level1"], r["level2"], r["department"]) for r in csv.DictReader(text.splitlines()))
    return rows or DEFAULT_TAXONOMY


def _taxon(row: Any) -> Taxon:
    get = row.get if isinstance(row, dict) else lambda key: getattr(row, key)
    return Taxon(get("level1"), get("level2") or "", get("department") or "")


# ---------------------------------------------------------------------------------------- generator


def add_working_days(day: date, n: int) -> date:
    """`day` plus n working days (Monday–Friday; the holiday calendar is the workflow's business).

    >>> add_working_days(date(2025, 1, 3), 1), add_working_days(date(2025, 1, 6), 5)
    (datetime.date(2025, 1, 6), datetime.date(2025, 1, 13))
    """
    while n > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def _calendar() -> tuple[Any, Any]:
    try:
        from zhongshu.appeals import sla
    except ModuleNotFoundError:  # the workflow is not installed: Monday–Friday
        return None, None
    return sla, sla.default_calendar()


def deadline_for(received: datetime, appeal_type: str, urgent: bool, calendar: tuple[Any, Any] = (None, None)) -> datetime:
    """The appeal's deadline by the hub's SLA (`appeals.sla`: working days on the official calendar)."""
    sla, cal = calendar
    if sla is None:
        day = add_working_days(received.astimezone(TZ).date(), 0 if urgent else DEADLINE_WORKING_DAYS[appeal_type])
        return datetime.combine(day, time(23, 59, 59), TZ)
    return sla.deadline_for(appeal_type, received, urgent, calendar=cal)


def extension_deadline(current: datetime, days: int, calendar: tuple[Any, Any] = (None, None)) -> datetime:
    """A deadline moved `days` working days later (延期)."""
    sla, cal = calendar
    if sla is None:
        return datetime.combine(add_working_days(current.astimezone(TZ).date(), days), time(23, 59, 59), TZ)
    return sla.extension_deadline(current, days, calendar=cal)


def generate_appeals(n: int = 6000, seed: int = 0, start: date | None = None, *,
                     county: County | None = None, taxonomy: Sequence[Taxon] | None = None) -> list[dict]:
    """`n` appeals received over the 365 days from `start` (default: a year ago), states as of the day after."""
    start = start or (date.today() - timedelta(days=365))
    return _Generator(n, seed, start, county or load_county(), tuple(taxonomy or demo_taxonomy())).run()


class _Generator:
    def __init__(self, n: int, seed: int, start: date, county: County, taxonomy: tuple[Taxon, ...]) -> None:
        self.n, self.seed, self.start = n, seed, start
        self.rng = random.Random(seed)
        self.county, self.taxonomy = county, taxonomy
        self.as_of = datetime.combine(start + timedelta(days=365), time(8, 0), TZ)
        self.days = [start + timedelta(days=i) for i in range(365)]
        self.townships = [t.name for t in county.townships]
        self.township_code = {t.name: t.code for t in county.townships}
        # bigger, more urban townships call more
        self.township_weights = [6 if t.endswith("街道") else 4 if t.endswith("开发区") else 2 for t in self.townships]
        self.bureaus = [d.code for d in county.departments if d.kind in ("bureau", "utility") and d.code != HOTLINE]
        self.by_level1: dict[str, list[Taxon]] = {}
        for taxon in taxonomy:
            self.by_level1.setdefault(taxon.level1, []).append(taxon)
        self.profiles: dict[str, tuple[float, float]] = {}
        self._parents: dict[int, dict] = {}
        self.calendar = _calendar()
        self._deadlines: dict[tuple, datetime] = {}
        self._cum_hours = list(accumulate(HOURS))
        self._cum_types = list(accumulate(TYPE_WEIGHTS))
        self._cum_townships = list(accumulate(self.township_weights))

    # -- volume ------------------------------------------------------------------------------
    def _day_weights(self) -> list[float]:
        sf = [d for d in SPRING_FESTIVAL.values() if self.start <= d < self.start + timedelta(days=365)]
        out = []
        for day in self.days:
            w = WEEKDAY[day.weekday()]
            if any(0 <= (day - f).days < 7 for f in sf):
                w *= 0.45  # the holiday week is quiet
            out.append(w)
        return out

    def _taxon_weights(self, month: int) -> list[float]:
        weights = []
        for taxon in self.taxonomy:
            share = LEVEL1_WEIGHTS.get(taxon.level1, 1) / len(self.by_level1[taxon.level1])
            weights.append(share * SEASONAL.get(taxon.level2, {}).get(month, 1.0))
        return weights

    def _received(self, day: date) -> datetime:
        hour = self.rng.choices(range(24), cum_weights=self._cum_hours)[0]
        at = datetime.combine(day, time(hour, self.rng.randrange(60), self.rng.randrange(60)), TZ)
        return min(at, self.as_of - timedelta(minutes=30))

    def run(self) -> list[dict]:
        rng = self.rng
        n_heat = round(self.n * 0.012)
        n_wage = round(self.n * 0.010)
        n_repeat = round(self.n * 0.07)
        n_base = max(self.n - n_heat - n_wage - n_repeat, 0)
        month_weights = {m: list(accumulate(self._taxon_weights(m))) for m in range(1, 13)}
        days = rng.choices(self.days, self._day_weights(), k=n_base)
        records = []
        for day in days:
            taxon = rng.choices(self.taxonomy, cum_weights=month_weights[day.month])[0]
            township = rng.choices(self.townships, cum_weights=self._cum_townships)[0]
            records.append(self._appeal(taxon, township, self._received(day)))
        records += self._heating_spike(n_heat) + self._wage_spike(n_wage)
        records += self._repeats(records, n_repeat)
        records = [r for r in records if r is not None]
        records.sort(key=lambda r: r["received_at"])
        codes: set[str] = set()
        for i, r in enumerate(records):
            r["external_id"] = f"{DEMO_PREFIX}{i + 1:06d}"
            r["tracking_code"] = self._tracking_code(r["received_at"], codes)
            self._lifecycle(r)
        for r in records:
            r.pop("_taxon"), r.pop("_place"), r.pop("_topic"), r.pop("_force_unsatisfied", None)
        return records

    def _tracking_code(self, at: datetime, taken: set[str]) -> str:
        alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
        while True:
            code = "ZS" + at.strftime("%y%m%d") + "".join(self.rng.choice(alphabet) for _ in range(6))
            if code not in taken:
                taken.add(code)
                return code

    # -- one appeal ----------------------------------------------------------------------------
    def _taxon(self, level2: str) -> Taxon:
        found = [t for t in self.taxonomy if t.level2 == level2]
        return found[0] if found else self.taxonomy[0]

    def _appeal(self, taxon: Taxon, township: str, received: datetime, *, appeal_type: str | None = None,
                emotion: str | None = None, intensity: int | None = None, signals: tuple[str, ...] = (),
                groups: tuple[str, ...] | None = None, spike: str = "", topic: tuple[str, str] | None = None,
                where: demo_text.Place | None = None) -> dict:
        rng = self.rng
        appeal_type = appeal_type or rng.choices(TYPES, cum_weights=self._cum_types)[0]
        if emotion is None:
            names, weights = EMOTIONS_BY_TYPE[appeal_type]
            emotion = rng.choices(names, weights)[0]
        if intensity is None:
            intensity = 0 if emotion == "neutral" else rng.choices((1, 2, 3), (0.45, 0.4, 0.15))[0]
        if groups is None:
            groups = self._groups(taxon, appeal_type)
        signals = signals or self._signals(taxon, appeal_type, emotion, intensity, groups)
        where = where or demo_text.place(rng, township)
        topic = topic or demo_text.subject(taxon.level2, rng)
        title, text = demo_text.compose(rng, level2=taxon.level2, where=where, appeal_type=appeal_type,
                                        emotion=emotion, intensity=intensity, signals=signals, groups=groups,
                                        topic=topic)
        urgency = max([URGENCY_SIGNALS[s][1] for s in signals] + [1 if groups else 0])
        name = demo_text.person_name(rng)
        department = self.township_code[township] if taxon.department in ("township", "") else taxon.department
        unit = f"{rng.randint(1, 30)}号楼" if where.urban else f"{rng.randint(1, 200)}号"
        return {
            "channel": rng.choices(("hotline", "web", "open311"), (0.74, 0.2, 0.06))[0],
            "appeal_type": appeal_type, "title": title, "text": text,
            "citizen_name": name, "citizen_phone": demo_text.mobile(rng), "reply_wanted": rng.random() < 0.8,
            "township": self.township_code[township],
            "address": f"{self.county.full_name}{township}{where.name}{unit}",
            "level1": taxon.level1, "level2": taxon.level2, "department": department,
            "urgent": urgency >= 3, "received_at": received,
            "emotion": emotion, "intensity": intensity, "urgency": urgency,
            "truth": {"spike": spike, "groups": list(groups), "signals": list(signals), "contact_no": 1,
                      "repeat_of": ""},
            "_taxon": taxon, "_place": where, "_topic": topic,
        }

    def _groups(self, taxon: Taxon, appeal_type: str) -> tuple[str, ...]:
        rng = self.rng
        if appeal_type in ("praise", "suggestion"):
            return ()
        bias = GROUP_BIAS.get(taxon.level2)
        if bias and rng.random() < bias[1]:
            return (bias[0],)
        roll = rng.random()
        if roll < 0.06:
            return ("elderly",)
        if roll < 0.10:
            return ("children",)
        if roll < 0.115:
            return ("disabled",)
        if roll < 0.13 and taxon.level1 in ("民政", "卫生计生", "劳动和社会保障"):
            return ("low_income",)
        return ()

    def _signals(self, taxon: Taxon, appeal_type: str, emotion: str, intensity: int,
                 groups: tuple[str, ...]) -> tuple[str, ...]:
        rng = self.rng
        if emotion not in NEGATIVE:
            return ()
        if taxon.level2 == "拖欠工资" and rng.random() < 0.7:
            return ("wages",)
        if taxon.level2 == "供水供气供暖" and rng.random() < 0.06:
            return ("gas_leak",)
        if taxon.level2 == "安全生产" and rng.random() < 0.4:
            return ("safety",)
        if intensity == 3 and emotion in ("sad", "angry") and rng.random() < 0.03:
            return ("suicide",)
        if "elderly" in groups and rng.random() < 0.25:
            return ("elderly_ill",)
        if "children" in groups and rng.random() < 0.2:
            return ("child_ill",)
        return ()

    # -- spikes and repeats ---------------------------------------------------------------------
    def _week_days(self, monday: date) -> list[date]:
        return [d for d in (monday + timedelta(days=i) for i in range(7)) if self.start <= d < self.as_of.date()]

    def _heating_spike(self, count: int) -> list[dict]:
        mondays = [d for d in self.days if d.weekday() == 0 and d.month in (12, 1) and d + timedelta(days=7) < self.as_of.date()]
        if not mondays or count == 0:
            return []
        monday = mondays[len(mondays) // 2]
        taxon = self._taxon("供水供气供暖")
        compound = demo_text.Place("城阳街道", "银杏花园", "城阳路", True)
        topic = ("停暖", "{place}从前天开始突然停暖，屋里只有{n}度，供热公司电话一直打不通")
        out = []
        for _ in range(count):
            day = self.rng.choice(self._week_days(monday)[:5])
            township = "城阳街道" if self.rng.random() < 0.8 else "店子集街道"
            where = compound if township == "城阳街道" else None
            emotion = self.rng.choices(("angry", "anxious"), (0.6, 0.4))[0]
            groups = self.rng.choices(((), ("elderly",), ("children",)), (0.5, 0.3, 0.2))[0]
            out.append(self._appeal(taxon, township, self._received(day), appeal_type="complaint",
                                    emotion=emotion, intensity=self.rng.choice((2, 3)), groups=groups,
                                    spike="heating", topic=topic, where=where))
        return out

    def _wage_spike(self, count: int) -> list[dict]:
        festivals = [d for d in SPRING_FESTIVAL.values() if self.start + timedelta(days=21) <= d < self.as_of.date()]
        if not festivals or count == 0:
            return []
        festival = festivals[0]
        peak = festival - timedelta(days=14 + festival.weekday())  # the Monday two weeks before
        taxon = self._taxon("拖欠工资")
        out = []
        for _ in range(count):
            monday = peak if self.rng.random() < 0.8 else peak + timedelta(days=7)
            day = self.rng.choice(self._week_days(monday)[:6] or [monday])
            township = "莒县经济开发区" if self.rng.random() < 0.8 else "城阳街道"
            out.append(self._appeal(taxon, township, self._received(day), appeal_type="help",
                                    emotion=self.rng.choices(("anxious", "angry"), (0.6, 0.4))[0],
                                    intensity=self.rng.choice((2, 3)), groups=("workers",),
                                    signals=("wages",), spike="wages"))
        return out

    def _repeats(self, records: list[dict], count: int) -> list[dict]:
        cutoff = self.as_of - timedelta(days=25)
        pool = [r for r in records if r["emotion"] in NEGATIVE and r["appeal_type"] in ("complaint", "help", "report")
                and r["received_at"] < cutoff]
        if not pool:
            return []
        chains: dict[int, list[dict]] = {}
        out = []
        for _ in range(count * 3):
            if len(out) >= count:
                break
            parent = self.rng.choice(pool)
            chain = chains.setdefault(id(parent), [parent])
            if len(chain) >= 4:
                continue
            at = chain[-1]["received_at"] + timedelta(days=self.rng.uniform(3, 15), hours=self.rng.uniform(-3, 3))
            if at >= self.as_of - timedelta(hours=1):
                continue
            parent["_force_unsatisfied"] = True
            taxon = parent["_taxon"]
            where = parent["_place"]
            child = self._appeal(taxon, where.township, at, appeal_type=parent["appeal_type"], emotion="angry",
                                 intensity=min(3, parent["intensity"] + 1), groups=tuple(parent["truth"]["groups"]),
                                 signals=tuple(parent["truth"]["signals"]), spike=parent["truth"]["spike"],
                                 topic=parent["_topic"], where=where)
            title, text = demo_text.compose(self.rng, level2=taxon.level2, where=where, appeal_type=child["appeal_type"],
                                            emotion="angry", intensity=child["intensity"], signals=tuple(child["truth"]["signals"]),
                                            groups=tuple(child["truth"]["groups"]), contact_no=len(chain) + 1,
                                            topic=parent["_topic"])
            child.update(title=title, text=text, citizen_name=parent["citizen_name"],
                         citizen_phone=parent["citizen_phone"], address=parent["address"])
            child["truth"].update(contact_no=len(chain) + 1, repeat_of=id(parent))
            chain.append(child)
            out.append(child)
        self._parents = {id(p): p for c in chains.values() for p in c[:1]}
        return out

    # -- workflow ------------------------------------------------------------------------------
    def _profile(self, department: str) -> tuple[float, float]:
        """(on-time probability, satisfied-or-basic probability) of a department, stable per seed."""
        if department not in self.profiles:
            r = random.Random(f"{self.seed}-dept-{department}")
            self.profiles[department] = (r.uniform(0.72, 0.97), r.uniform(0.9, 0.98))
        return self.profiles[department]

    def _lifecycle(self, r: dict) -> None:
        """Walk the closed loop with `workflow.py`'s step names, then keep what happened by `as_of`."""
        rng = self.rng
        if isinstance(r["truth"]["repeat_of"], int):
            r["truth"]["repeat_of"] = self._parents[r["truth"]["repeat_of"]]["tracking_code"]
        events: list[dict] = []
        state = ""

        def step(at: datetime, actor: str, dept: str | None, action: str, to: str | None = None, note: str = "",
                 public: bool = False, deadline: datetime | None = None) -> datetime:
            nonlocal state
            events.append({"at": at, "actor": actor, "department": dept, "action": action, "from_state": state,
                           "to_state": to or state, "note": note, "public": public, "deadline": deadline})
            state = to or state
            return at

        t = r["received_at"]
        deadline = self._deadline(t, r["appeal_type"], r["urgent"])
        step(t, "operator", HOTLINE, "receive", "received", public=True, deadline=deadline)
        dept = r["department"]
        on_time_p, sat_p = self._profile(dept)
        force = r.get("_force_unsatisfied", False)
        if r["appeal_type"] == "consult" and r["emotion"] == "neutral" and rng.random() < 0.4:
            # answered on the call (直接办结): the hotline takes the order itself
            r["department"] = HOTLINE
            t = step(t + timedelta(minutes=rng.uniform(1, 5)), "operator", HOTLINE, "dispatch", "dispatched", public=True)
            t = step(t + timedelta(minutes=1), "operator", HOTLINE, "acknowledge", "handling", public=True)
            t = step(t + timedelta(minutes=rng.uniform(3, 20)), "operator", HOTLINE, "reply", "replied",
                     "来电人咨询的问题已当场解答。", public=True)
            t = step(t + timedelta(minutes=rng.uniform(5, 60)), "operator", HOTLINE, "approve", "closed", public=True)
            if rng.random() < 0.5:
                step(t + timedelta(days=rng.uniform(1, 3)), "operator", HOTLINE, "follow_up", "followed_up",
                     rng.choices(("satisfied", "basic"), (0.85, 0.15))[0], public=True)
            return self._replay(r, events)
        for round_no in range(3):
            recent = self.as_of - r["received_at"] < timedelta(days=14)
            if round_no == 0 and rng.random() < (0.12 if recent else 0.06):  # mis-routed, 退单, re-dispatched
                wrong = rng.choice([b for b in self.bureaus if b != dept] or [dept])
                t = step(t + timedelta(hours=rng.expovariate(1 / 1.5)), "operator", wrong, "dispatch", "dispatched",
                         public=True)
                t = step(t + timedelta(hours=rng.uniform(2, 40)), f"handler@{wrong}", wrong, "return", "returned",
                         rng.choice(RETURN_REASONS))
                wait = rng.uniform(2, 24) if rng.random() < 0.85 else rng.uniform(48, 120)
                if recent and rng.random() < 0.5:  # still waiting for the right department
                    wait = max(wait, (self.as_of - t).total_seconds() / 3600 + rng.uniform(1, 48))
                t = step(t + timedelta(hours=wait), "operator", dept, "dispatch", "dispatched", public=True)
            elif round_no == 0:
                t = step(t + timedelta(hours=rng.expovariate(1 / 1.5)), "operator", dept, "dispatch", "dispatched",
                         public=True)
            t = step(t + timedelta(hours=rng.expovariate(1 / 4)), f"handler@{dept}", dept, "acknowledge", "handling",
                     public=True)
            if rng.random() < 0.04:
                ask = t + max(deadline - t, timedelta(hours=2)) * 0.6
                step(ask, f"handler@{dept}", dept, "request_extension", note="+5 · 需协调多个单位，申请延期")
                deadline = extension_deadline(deadline, 5, self.calendar)
                t = step(ask + timedelta(hours=rng.uniform(1, 8)), "operator", HOTLINE, "approve_extension",
                         note=f"→ {deadline.astimezone(TZ):%Y-%m-%d}", deadline=deadline)
            if round_no == 0 and rng.random() < 0.015:  # stuck: never answered
                step(max(deadline, t) + timedelta(hours=2), "system", dept, "remind", note="已超期，请尽快办理")
                if rng.random() < 0.6:
                    step(max(deadline, t) + timedelta(days=3), "leader", None, "supervise", note="督办：请限期办结")
                return self._replay(r, events)
            on_time = rng.random() < (on_time_p * (0.6 if force else 1.0) if round_no == 0 else 0.9)
            if on_time:
                reply_at = t + (max(deadline, t + timedelta(hours=1)) - t) * rng.uniform(0.15, 0.95)
            else:
                reply_at = max(deadline, t) + timedelta(hours=rng.expovariate(1 / 60))
                step(max(deadline - timedelta(hours=20), t + timedelta(minutes=30)), "system", dept, "remind",
                     note="即将超期，请抓紧办理")
                if reply_at > deadline + timedelta(days=3) and rng.random() < 0.4:
                    step(deadline + timedelta(days=3), "leader", None, "supervise", note="督办：请限期办结")
            t = step(reply_at, f"handler@{dept}", dept, "reply", "replied", rng.choice(REPLIES), public=True)
            t = step(t + timedelta(hours=rng.expovariate(1 / 10)), "operator", HOTLINE, "approve", "closed", public=True)
            if rng.random() > (0.3 if r["appeal_type"] == "praise" else 0.88):
                break  # not reached for the follow-up call
            p_ok = sat_p * (1.0 if on_time else 0.8) * (0.6 if force and round_no == 0 else 1.0)
            p_ok = (0.6 * p_ok + 0.4) if round_no == 1 else (1.0 if round_no == 2 else p_ok)
            satisfaction = "unsatisfied" if rng.random() > p_ok else rng.choices(("satisfied", "basic"), (0.8, 0.2))[0]
            # 不满意 at follow-up reopens the order (重办): workflow.target_of
            to = "reopened" if satisfaction == "unsatisfied" else "followed_up"
            t = step(t + timedelta(days=rng.uniform(1, 3)), "operator", HOTLINE, "follow_up", to, satisfaction,
                     public=True)
            if to == "followed_up":
                break
            wait = rng.expovariate(1 / 2) if rng.random() < 0.7 else rng.uniform(12, 96)
            if self.as_of - t < timedelta(days=20) and rng.random() < 0.5:  # 重办 not yet re-dispatched
                wait = max(wait, (self.as_of - t).total_seconds() / 3600 + rng.uniform(1, 48))
            t += timedelta(hours=wait)
            deadline = self._deadline(t, r["appeal_type"], r["urgent"])
            t = step(t, "operator", dept, "dispatch", "dispatched", public=True, deadline=deadline)
        self._replay(r, events)

    def _deadline(self, at: datetime, appeal_type: str, urgent: bool) -> datetime:
        key = (at.astimezone(TZ).date(), appeal_type, urgent)  # the SLA counts whole local days
        if key not in self._deadlines:
            self._deadlines[key] = deadline_for(at, appeal_type, urgent, self.calendar)
        return self._deadlines[key]

    def _replay(self, r: dict, events: list[dict]) -> None:
        """Keep what happened by `as_of` and derive the appeal's fields from that timeline (as services.py would)."""
        events.sort(key=lambda e: e["at"])
        kept = [e for e in events if e["at"] <= self.as_of]
        state = ""
        for e in kept:  # steps that keep the state take the state of their moment
            if e["action"] in ("remind", "supervise", "request_extension", "approve_extension"):
                e["from_state"] = e["to_state"] = state
            state = e["to_state"]
        last = {e["action"]: e for e in kept}
        r["state"] = state
        r["deadline"] = [e["deadline"] for e in kept if e["deadline"] is not None][-1]
        dispatched = last.get("dispatch")
        # a 退单 clears the department until the order is dispatched again
        r["department"] = dispatched["department"] if dispatched and state not in ("received", "returned") else None
        r["replied_at"] = last["reply"]["at"] if "reply" in last else None
        r["reply_text"] = last["reply"]["note"] if "reply" in last else ""
        r["closed_at"] = last["approve"]["at"] if state in ("closed", "followed_up") else None
        r["satisfaction"] = last["follow_up"]["note"] if "follow_up" in last else ""
        r["reopen_count"] = sum(e["action"] == "follow_up" and e["to_state"] == "reopened" for e in kept)
        r["return_count"] = sum(e["action"] == "return" for e in kept)
        r["supervised"] = "supervise" in last
        for e in kept:
            e.pop("deadline")
        r["events"] = kept
        self._score(r)

    def _score(self, r: dict) -> None:
        truth = r["truth"]
        negative = r["emotion"] in NEGATIVE
        priority = 22 * r["urgency"] + (9 * r["intensity"] if negative else 0)
        priority += {"help": 8, "complaint": 6, "report": 6}.get(r["appeal_type"], 0)
        priority += min(10 * (truth["contact_no"] - 1), 20) + 5 * len(truth["groups"])
        priority = max(0, min(100, priority + self.rng.randint(0, 6)))
        r["priority"] = priority
        r["level"] = ("extreme" if r["urgency"] >= 3 or priority >= 80 else "high" if priority >= 55
                      else "normal" if priority >= 25 else "low")
        reasons = [URGENCY_SIGNALS[s][2] for s in truth["signals"]]
        reasons += [f"重复来电（第{truth['contact_no']}次）"] if truth["contact_no"] > 1 else []
        r["triage"] = {"source": "demo", "reasons": reasons, "groups": truth["groups"],
                       "emotion": r["emotion"], "intensity": r["intensity"], "urgency": r["urgency"]}


# ------------------------------------------------------------------------------------------ loader


def load_demo(out_dir: Path, say: Callable[[str], None], *, n: int = 6000, seed: int = 0,
              start: date | None = None) -> int:
    """Create categories and a year of demo appeals (skipped when demo appeals exist); returns how many."""
    from django.db import connection, transaction

    from zhongshu.accounts.models import Department
    from zhongshu.appeals.models import Appeal, AppealEvent
    from zhongshu.audit.services import Event, pii_digest, record

    if Appeal.objects.filter(external_id__startswith=DEMO_PREFIX).exists():
        say("demo appeals already loaded")
        return 0
    began = _time.monotonic()
    taxonomy = demo_taxonomy()
    rows = generate_appeals(n, seed, start, taxonomy=taxonomy)
    departments = {d.code: d for d in Department.objects.all()}
    with transaction.atomic():
        try:  # the workflow's own taxonomy seeding first, so codes match its Open311 service codes
            from zhongshu.appeals.taxonomy import sync_categories
        except ModuleNotFoundError:
            pass
        else:
            sync_categories(SYSTEM)
        categories = ensure_categories(taxonomy, departments)
        appeals = []
        for r in rows:
            appeals.append(Appeal(
                tracking_code=r["tracking_code"], channel=r["channel"], appeal_type=r["appeal_type"],
                title=r["title"], text=r["text"], citizen_name=r["citizen_name"], citizen_phone=r["citizen_phone"],
                phone_digest=pii_digest(r["citizen_phone"]), reply_wanted=r["reply_wanted"],
                township=departments.get(r["township"]), address=r["address"],
                category=categories[(r["level1"], r["level2"])], department=departments.get(r["department"] or ""),
                state=r["state"], urgent=r["urgent"], received_at=r["received_at"], deadline=r["deadline"],
                replied_at=r["replied_at"], closed_at=r["closed_at"], reply_text=r["reply_text"],
                satisfaction=r["satisfaction"], reopen_count=r["reopen_count"], return_count=r["return_count"],
                supervised=r["supervised"], emotion=r["emotion"], intensity=r["intensity"], urgency=r["urgency"],
                priority=r["priority"], level=r["level"], triage=r["triage"], external_id=r["external_id"],
            ))
        Appeal.objects.bulk_create(appeals, batch_size=500)
        ids = dict(Appeal.objects.filter(external_id__startswith=DEMO_PREFIX).values_list("external_id", "id"))
        # ~7 events per appeal: plain executemany, the ORM's per-object overhead dominates otherwise
        ops = connection.ops
        dept_id = {code: d.pk for code, d in departments.items()}
        events = [
            (ids[r["external_id"]], ops.adapt_datetimefield_value(e["at"]), e["actor"], dept_id.get(e["department"] or ""),
             e["action"], e["from_state"], e["to_state"], e["note"], e["public"])
            for r in rows for e in r["events"]
        ]
        table = AppealEvent._meta.db_table
        with connection.cursor() as cursor:
            for i in range(0, len(events), 5000):
                cursor.executemany(
                    f"INSERT INTO {table} (appeal_id, at, actor, department_id, action, from_state, to_state, note, public)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)", events[i:i + 5000])
        record(SYSTEM, Event("appeals.demo_loaded", "appeal", "", details={
            "appeals": len(appeals), "events": len(events), "seed": seed, "categories": len(categories)}))
    say(f"appeals: {len(appeals)} demo appeals with {len(events)} timeline events "
        f"in {_time.monotonic() - began:.1f}s")
    return len(appeals)


def ensure_categories(taxonomy: Sequence[Taxon], departments: dict[str, Any]) -> dict[tuple[str, str], Any]:
    """Get or create a Category per taxonomy row (existing ones, e.g. from the taxonomy import, are kept)."""
    from zhongshu.appeals.models import Category

    existing = {(c.level1, c.level2): c for c in Category.objects.all()}
    codes = set(Category.objects.values_list("code", flat=True))
    level1_index: dict[str, int] = {}
    for taxon in taxonomy:
        key = (taxon.level1, taxon.level2)
        i1 = level1_index.setdefault(taxon.level1, len(level1_index) + 1)
        if key in existing:
            continue
        code = f"D{i1:02d}{sum(1 for k in existing if k[0] == taxon.level1) + 1:02d}"
        while code in codes:
            code = f"{code}x"
        codes.add(code)
        existing[key] = Category.objects.create(
            code=code, level1=taxon.level1, level2=taxon.level2,
            department=departments.get(taxon.department), route_to_township=taxon.department == "township")
    return existing
