"""市场监管 enterprise registry and 卫健 health facilities of the demo county."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from zhongshu.core.county import County
from zhongshu.core.identifiers import USCC_CHARSET, make_uscc
from zhongshu.demo import names
from zhongshu.demo.errors import ErrorLog, Table
from zhongshu.demo.population import Population

ENTERPRISE_TYPES = ("有限责任公司", "个体工商户", "农民专业合作社", "股份有限公司", "个人独资企业")
_TYPE_P = (0.36, 0.48, 0.08, 0.02, 0.06)
_TYPE_KIND = ("1", "2", "3", "1", "1")  # GB 32100 type code under authority 9 (市场监管)
STATUSES = ("存续", "注销", "吊销")
ENTERPRISE_HEADER = [
    "统一社会信用代码",
    "企业名称",
    "市场主体类型",
    "法定代表人",
    "法定代表人身份证号",
    "注册资本(万元)",
    "成立日期",
    "登记状态",
    "注销日期",
    "住所",
    "所属行业",
]
FACILITY_FIELDS = [
    "facility_code",
    "name",
    "kind",
    "township",
    "address",
    "beds",
    "phone",
    "uscc",
    "legal_rep",
]


@dataclass(frozen=True)
class Enterprises:
    """Truth about registered enterprises, for departments that refer to them."""

    uscc: list[str]
    name: list[str]
    type: np.ndarray  # index into ENTERPRISE_TYPES
    status: np.ndarray  # index into STATUSES
    established: np.ndarray  # datetime64[D]
    deregistered: np.ndarray  # datetime64[D], NaT unless 注销


def _unique_org_bodies(prefix: str, k: int, rng: np.random.Generator) -> list[str]:
    charset = np.array(list(USCC_CHARSET))
    width = 8 - len(prefix)
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < k:
        draw = charset[rng.integers(0, len(charset), (k - len(out), width))]
        for row in draw:
            body = prefix + "".join(row)
            if body not in seen:
                seen.add(body)
                out.append(body)
    return out


def build_enterprises(
    county: County, pop: Population, rng: np.random.Generator, log: ErrorLog, file: str
) -> tuple[Table, Enterprises]:
    """Roughly one enterprise per 12 residents; legal representatives are real residents."""
    n = max(30, len(pop) // 12)
    age = pop.age()
    pool = np.flatnonzero((pop.status == 0) & (age >= 22) & (age <= 75))
    rep = rng.choice(pool, size=n)
    etype = rng.choice(len(ENTERPRISE_TYPES), size=n, p=_TYPE_P)
    as_of = np.datetime64(pop.as_of)
    max_days = np.minimum((age[rep] - 20) * 365, 25 * 365)
    established = as_of - (rng.random(n) * (max_days - 30)).astype(np.int64) - 30
    status = rng.choice(3, size=n, p=(0.85, 0.12, 0.03))
    span = (as_of - established).astype(np.int64)
    dereg = established + (span * rng.uniform(0.2, 0.95, n)).astype(np.int64)
    dereg = np.where(status == 1, dereg, np.datetime64("NaT"))
    industry = rng.integers(0, len(names.INDUSTRIES), n)
    capital = np.where(
        etype == 1, rng.integers(1, 50, n), np.round(rng.lognormal(4.5, 1.2, n)).astype(int) + 3
    )
    bodies = _unique_org_bodies("MA", n, rng)
    towns = [t.name for t in county.townships]
    rep_town = pop.villages.township[pop.village[rep]]
    est_s = np.datetime_as_string(established).tolist()
    dereg_s = np.where(status == 1, np.datetime_as_string(dereg), "").tolist()
    street = rng.integers(0, len(names.STREETS), n).tolist()
    number = rng.integers(1, 400, n).tolist()
    taken: set[str] = set()
    table = Table(file, "scjgj_qiye", ENTERPRISE_HEADER)
    uscc_list, name_list = [], []
    for i in range(n):
        t = int(etype[i])
        town = towns[rep_town[i]]
        name = _enterprise_name(t, town, pop.name[rep[i]][0], int(industry[i]), rng, taken)
        uscc = make_uscc(county.code, bodies[i], "9", _TYPE_KIND[t])
        village = pop.villages.name[pop.village[rep[i]]]
        if pop.villages.urban[pop.village[rep[i]]]:
            address = f"{county.full_name}{town}{names.STREETS[street[i]]}{number[i]}号"
        else:
            address = f"{county.full_name}{town}{village}"
        row = [
            uscc,
            name,
            ENTERPRISE_TYPES[t],
            pop.name[rep[i]],
            pop.id_number[rep[i]],
            f"{capital[i]:.2f}",
            est_s[i],
            STATUSES[status[i]],
            dereg_s[i],
            address,
            names.INDUSTRIES[industry[i]][0],
        ]
        table.append(row, uscc, int(rep[i]))
        uscc_list.append(uscc)
        name_list.append(name)
    log.name_typo(table, 0.006, "法定代表人")
    log.id_transposed(table, 0.005, "法定代表人身份证号")
    log.id_missing(table, 0.004, "法定代表人身份证号")
    return table, Enterprises(uscc_list, name_list, etype, status, established, dereg)


def _enterprise_name(
    t: int, town: str, surname: str, industry: int, rng: np.random.Generator, taken: set[str]
) -> str:
    words = names.INDUSTRIES[industry][1]
    tc = names.TRADE_NAME_CHARS
    for attempt in range(50):
        trade = "".join(tc[k] for k in rng.integers(0, len(tc), 2 + (attempt > 5)))
        word = words[rng.integers(len(words))]
        if t == 1:
            shop = names.SHOP_KINDS[rng.integers(len(names.SHOP_KINDS))]
            name = f"莒县{town}{surname}记{shop}" if attempt == 0 else f"莒县{town}{trade}{shop}"
        elif t == 2:
            name = f"莒县{trade}{names.COOP_KINDS[rng.integers(len(names.COOP_KINDS))]}"
        elif t == 3:
            name = f"山东{trade}{word}股份有限公司"
        elif t == 4:
            name = f"莒县{trade}{word}经营部"
        else:
            name = f"莒县{trade}{word}有限公司"
        if name not in taken:
            taken.add(name)
            return name
    raise RuntimeError("could not invent a unique enterprise name")  # pragma: no cover


def build_facilities(
    county: County, pop: Population, rng: np.random.Generator, log: ErrorLog, file: str
) -> Table:
    """County hospitals, one 卫生院/社区卫生服务中心 per township, 村卫生室 in most villages."""
    age = pop.age()
    pool = np.flatnonzero((pop.status == 0) & (age >= 28) & (age <= 65))
    table = Table(file, "wjj_jigou", FACILITY_FIELDS)
    bodies = iter(_unique_org_bodies("4", 64 + len(pop.villages.code) + len(county.townships), rng))
    seat = county.townships[0]

    def add(code: str, name: str, kind: str, town: str, address: str, beds: int, authority: str) -> None:
        rep = int(rng.choice(pool))
        uscc = make_uscc(county.code, next(bodies), authority, "2")
        phone = f"{county.landline_area_code}-{rng.integers(6100000, 8999999)}"
        table.append([code, name, kind, town, address, beds, phone, uscc, pop.name[rep]], code, rep)

    county_level = (
        ("莒县人民医院", "综合医院", 1200),
        ("莒县中医医院", "中医医院", 600),
        ("莒县妇幼保健院", "妇幼保健院", 200),
        ("莒县疾病预防控制中心", "疾病预防控制中心", 0),
    )
    for k, (name, kind, beds) in enumerate(county_level, start=1):
        street = names.STREETS[k]
        add(
            f"WJ{seat.code}{k:03d}",
            name,
            kind,
            seat.name,
            f"{county.full_name}{seat.name}{street}{k * 37}号",
            beds,
            "1",
        )
    for ti, town in enumerate(county.townships):
        urban_town = town.kind in ("街道", "开发区")
        kind = "社区卫生服务中心" if urban_town else "乡镇卫生院"
        name = f"莒县{town.name}{kind}" if urban_town else f"莒县{town.name}卫生院"
        add(
            f"WJ{town.code}100",
            name,
            kind,
            town.name,
            f"{county.full_name}{town.name}",
            int(rng.integers(0, 30)) if urban_town else int(rng.integers(30, 121)),
            "1",
        )
        for v in np.flatnonzero(pop.villages.township == ti).tolist():
            vname = pop.villages.name[v]
            if pop.villages.urban[v] and rng.random() < 0.3:
                add(
                    f"WJ{pop.villages.code[v]}",
                    f"莒县{town.name}{vname}卫生服务站",
                    "社区卫生服务站",
                    town.name,
                    f"{county.full_name}{town.name}{vname}",
                    0,
                    "5",
                )
            elif not pop.villages.urban[v] and rng.random() < 0.6:
                add(
                    f"WJ{pop.villages.code[v]}",
                    f"{town.name}{vname}卫生室",
                    "村卫生室",
                    town.name,
                    f"{county.full_name}{town.name}{vname}",
                    0,
                    "5",
                )
    log.name_typo(table, 0.01, "legal_rep")
    log.duplicate(table, 0.01, "facility_code", vary_field="phone")
    return table
