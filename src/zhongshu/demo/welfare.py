"""人社 social insurance and 民政 subsidies of the demo county, with their injected errors."""

from __future__ import annotations

import numpy as np

from zhongshu.core.county import County
from zhongshu.demo.enterprises import Enterprises
from zhongshu.demo.errors import ErrorLog, Table
from zhongshu.demo.population import Population

INSURED_HEADER = ["个人编号", "身份证号码", "姓名", "性别", "出生日期", "联系电话", "户籍地址", "参保状态"]
PAYMENT_HEADER = [
    "个人编号",
    "身份证号码",
    "姓名",
    "险种",
    "参保类型",
    "单位统一社会信用代码",
    "单位名称",
    "参保日期",
    "最近缴费月份",
    "缴费基数",
    "缴费金额(元)",
    "缴费周期",
    "累计缴费月数",
]
SUBSIDY_HEADER = [
    "身份证号",
    "姓名",
    "救助类别",
    "所属乡镇",
    "家庭住址",
    "月发放金额(元)",
    "起始月份",
    "停发月份",
    "发放状态",
]
# Employee insurances with coverage among employees and the combined (unit + person) rate.
_EMPLOYEE_INSURANCE = (("养老", 1.0, 0.24), ("医疗", 0.95, 0.09), ("失业", 0.9, 0.01), ("工伤", 0.9, 0.005))
_RESIDENT_PENSION_LEVELS = np.array([300, 500, 800, 1000, 1500, 2000])


def _months(d: np.ndarray) -> np.ndarray:
    return d.astype("datetime64[M]")


def build_insurance(
    county: County,
    pop: Population,
    ent: Enterprises,
    rng: np.random.Generator,
    log: ErrorLog,
    file: str,
) -> tuple[Table, Table]:
    """Insured persons (one row each) and one payment summary row per person and insurance."""
    age = pop.age()
    as_of = np.datetime64(pop.as_of)
    working = np.flatnonzero((pop.status == 0) & (age >= 18) & (age <= 59))
    employed = working[rng.random(len(working)) < 0.25]
    employers = np.flatnonzero(np.isin(ent.type, (0, 2, 3, 4)) & (ent.status != 2))
    weight = rng.lognormal(0, 1.0, len(employers))
    employer = employers[rng.choice(len(employers), size=len(employed), p=weight / weight.sum())]
    closed = ent.status[employer] == 1
    adult = pop.birth[employed] + 18 * 365
    lo = np.maximum(ent.established[employer], adult)
    hi = np.where(closed, ent.deregistered[employer], as_of - 30)
    lo = np.minimum(lo, hi - 30)
    enrol = lo + ((hi - lo).astype(np.int64) * rng.random(len(employed))).astype(np.int64)
    last_month = _months(as_of) - 1
    stopped = rng.random(len(employed)) < 0.05
    last = np.where(
        closed, _months(hi), np.where(stopped, last_month - rng.integers(1, 24, len(employed)), last_month)
    )
    last = np.maximum(last, _months(enrol))
    base = rng.integers(400, 901, len(employed)) * 10

    resident_pool = np.setdiff1d(working, employed)
    residents = resident_pool[rng.random(len(resident_pool)) < 0.45]
    r_enrol = (
        as_of
        - (rng.random(len(residents)) * np.minimum((age[residents] - 17) * 365, 12 * 365)).astype(np.int64)
        - 30
    )

    insured = np.union1d(employed, residents)
    code = {int(p): f"RS{371122_0000000 + k + 1:013d}" for k, p in enumerate(insured.tolist())}
    persons = Table(file, "参保人员", INSURED_HEADER)
    births = np.datetime_as_string(pop.birth[insured]).tolist()
    for k, p in enumerate(insured.tolist()):
        row = [
            code[p],
            pop.id_number[p],
            pop.name[p],
            "男" if pop.male[p] else "女",
            births[k],
            pop.phone[p],
            pop.hh_address[pop.household[p]],
            "参保缴费",
        ]
        persons.append(row, f"P{p:08d}", p)

    payments = Table(file, "缴费记录", PAYMENT_HEADER)
    enrol_s = np.datetime_as_string(enrol).tolist()
    last_s = np.datetime_as_string(last).tolist()
    paid_months = ((last - _months(enrol)).astype(np.int64) + 1).tolist()
    closed_rows: list[int] = []
    for k, p in enumerate(employed.tolist()):
        e = int(employer[k])
        for kind, coverage, rate in _EMPLOYEE_INSURANCE:
            if coverage < 1.0 and rng.random() > coverage:
                continue
            row = [
                code[p],
                pop.id_number[p],
                pop.name[p],
                kind,
                "职工",
                ent.uscc[e],
                ent.name[e],
                enrol_s[k],
                last_s[k],
                int(base[k]),
                round(float(base[k]) * rate, 2),
                "月",
                paid_months[k],
            ]
            if closed[k] and last[k] < last_month:
                closed_rows.append(len(payments.rows))
            payments.append(row, f"P{p:08d}", p)
    r_enrol_s = np.datetime_as_string(r_enrol).tolist()
    level = _RESIDENT_PENSION_LEVELS[rng.integers(0, len(_RESIDENT_PENSION_LEVELS), len(residents))]
    year_month = f"{pop.as_of.year}-01"
    for k, p in enumerate(residents.tolist()):
        years = pop.as_of.year - int(r_enrol_s[k][:4]) + 1
        row = [
            code[p],
            pop.id_number[p],
            pop.name[p],
            "养老",
            "城乡居民",
            "",
            "",
            r_enrol_s[k],
            year_month,
            "",
            int(level[k]),
            "年",
            years * 12,
        ]
        payments.append(row, f"P{p:08d}", p)

    log.name_typo(persons, 0.005, "姓名")
    log.id_transposed(persons, 0.004, "身份证号码")
    log.id_missing(persons, 0.003, "身份证号码")
    log.stale_address(persons, 0.004, "户籍地址", pop.old_address)
    log.duplicate(persons, 0.004, "身份证号码", vary_field="联系电话")
    # Deregistered employers still paying: the last payment month moves past the 注销 date.
    chosen = log.pick(payments, 0.003, np.array(closed_rows, dtype=np.int64))
    late = str(last_month)
    log.change("deregistered_paying_insurance", payments, chosen, "最近缴费月份", [late] * len(chosen))
    return persons, payments


def build_subsidies(
    county: County, pop: Population, rng: np.random.Generator, log: ErrorLog, file: str
) -> Table:
    """低保, 特困, 高龄补贴 and 残疾人补贴 recipients; stopped (停发) after a death or a move."""
    n = len(pop)
    age = pop.age()
    as_of = np.datetime64(pop.as_of)
    kinds = (
        ("低保", np.flatnonzero(rng.random(n) < 0.02)),
        ("特困", np.flatnonzero((age >= 60) & (rng.random(n) < 0.02))),
        ("高龄补贴", np.flatnonzero((age >= 80) & (rng.random(n) < 0.92))),
        ("残疾人补贴", np.flatnonzero(rng.random(n) < 0.012)),
    )
    towns = [t.name for t in county.townships]
    table = Table(file, "mzj_butie", SUBSIDY_HEADER)
    ended = np.where(pop.status == 1, pop.death, np.where(pop.status == 2, pop.moved_out, as_of))
    for kind, who in kinds:
        end = _months(ended[who])
        earliest = np.maximum(_months(as_of) - 96, _months(pop.birth[who]) + 1)
        if kind == "高龄补贴":
            earliest = np.maximum(earliest, _months(pop.birth[who]) + 80 * 12)
        span = np.maximum((end - earliest).astype(np.int64), 1)
        start = np.minimum(earliest + (rng.random(len(who)) * span).astype(np.int64), end - 1)
        amount = _amounts(kind, age[who], rng)
        start_s = np.datetime_as_string(start).tolist()
        stop_s = np.datetime_as_string(end + 1).tolist()
        for k, p in enumerate(who.tolist()):
            active = pop.status[p] == 0
            row = [
                pop.id_number[p],
                pop.name[p],
                kind,
                towns[pop.villages.township[pop.village[p]]],
                pop.hh_address[pop.household[p]],
                int(amount[k]),
                start_s[k],
                "" if active else stop_s[k],
                "在发" if active else "停发",
            ]
            table.append(row, f"P{p:08d}", p)

    log.name_typo(table, 0.005, "姓名")
    log.id_transposed(table, 0.004, "身份证号")
    log.id_missing(table, 0.003, "身份证号")
    log.stale_address(table, 0.004, "家庭住址", pop.old_address, township_field="所属乡镇")
    dead_rows = np.array([i for i, p in enumerate(table.person) if pop.status[p] == 1], dtype=np.int64)
    chosen = log.pick(table, 0.006, dead_rows)
    stop = table.col("停发月份")
    for i in chosen:
        stopped_in = table.rows[i][stop]
        table.rows[i][stop] = ""
        log.change("deceased_receiving_subsidy", table, [i], "发放状态", ["在发"])
        log.errors[-1].note = f"停发月份 blanked (true: {stopped_in}); death recorded by 公安"
    log.duplicate(table, 0.004, "身份证号")
    return table


def _amounts(kind: str, age: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    # Illustrative monthly amounts (yuan); real standards are set yearly by the province and city.
    k = len(age)
    if kind == "低保":
        return rng.integers(30, 66, k) * 10
    if kind == "特困":
        return rng.integers(90, 111, k) * 10
    if kind == "高龄补贴":
        return np.select([age >= 100, age >= 90], [300, 200], default=100)
    return rng.integers(7, 13, k) * 10
