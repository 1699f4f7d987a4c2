"""Synthetic residents of the demo county: villages, households and persons as numpy columns.

This is the *truth* the department files are derived from. It is vectorised because the
generator must build a million residents in seconds: one numpy column per attribute, Python
strings only where a file needs them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np

from zhongshu.core.county import County, Township
from zhongshu.demo import names

_ID_WEIGHTS = np.array((7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2), dtype=np.int64)
_ID_CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)
_MOBILE_PREFIXES = np.array(
    [
        130,
        131,
        132,
        133,
        135,
        136,
        137,
        138,
        139,
        150,
        151,
        152,
        153,
        155,
        156,
        157,
        158,
        159,
        166,
        177,
        178,
        180,
        181,
        182,
        183,
        185,
        186,
        187,
        188,
        189,
        198,
        199,
    ]
)
RELATIONS = np.array(["户主", "配偶", "子", "女", "父亲", "母亲"])


@dataclass(frozen=True)
class Villages:
    """Village-level units: parallel arrays indexed by village number."""

    code: list[str]
    name: list[str]
    township: np.ndarray  # index into County.townships
    urban: np.ndarray  # True for 社区 (residents' committees), False for 村


@dataclass
class Population:
    """Households and persons of the demo county (columns; index = person number)."""

    as_of: datetime.date
    villages: Villages
    hh_start: np.ndarray  # first person index of each household
    hh_size: np.ndarray
    hh_address: list[str]
    household: np.ndarray  # household index of each person
    relation: np.ndarray  # index into RELATIONS
    male: np.ndarray
    birth: np.ndarray  # datetime64[D]
    id_number: list[str]
    name: list[str]
    ethnicity: np.ndarray  # index into names.ETHNICITIES
    village: np.ndarray
    status: np.ndarray  # 0 正常, 1 死亡, 2 迁出
    death: np.ndarray  # datetime64[D], NaT when alive
    moved_out: np.ndarray  # datetime64[D], NaT unless 迁出
    phone: list[str]
    moved_from: np.ndarray  # village index before an in-county move, -1 if none
    moved_on: np.ndarray  # datetime64[D] of that move
    old_address: dict[int, str]  # person -> address before the move

    def __len__(self) -> int:
        return len(self.id_number)

    def age(self) -> np.ndarray:
        """Age in whole years at ``as_of`` (approximate: 365.25-day years)."""
        return ((np.datetime64(self.as_of) - self.birth).astype(np.int64) / 365.25).astype(int)


def make_villages(county: County, rng: np.random.Generator) -> Villages:
    """Invent 10–40 village-level units per township with 3-digit codes (社区 0xx, 村 2xx)."""
    codes: list[str] = []
    vnames: list[str] = []
    town_idx: list[int] = []
    urban: list[bool] = []
    surnames = [s for s, _ in names.SURNAMES]
    for ti, town in enumerate(county.townships):
        count = int(rng.integers(10, 41))
        n_urban = _urban_share(town, count, rng)
        seen: set[str] = set()
        for k in range(count):
            is_urban = k < n_urban
            while True:
                if is_urban:
                    word = names.COMMUNITY_WORDS[rng.integers(len(names.COMMUNITY_WORDS))]
                    cand = word + ("", "东", "西", "南", "北", "新")[rng.integers(6)] + "社区"
                else:
                    cand = (
                        names.VILLAGE_PREFIXES[rng.integers(len(names.VILLAGE_PREFIXES))]
                        + surnames[rng.integers(len(surnames))]
                        + names.VILLAGE_SUFFIXES[rng.integers(len(names.VILLAGE_SUFFIXES))]
                    )
                    cand += "" if cand.endswith("村") else "村"
                if cand not in seen:
                    break
            seen.add(cand)
            serial = k + 1 if is_urban else 200 + k - n_urban + 1
            codes.append(f"{town.code}{serial:03d}")
            vnames.append(cand)
            town_idx.append(ti)
            urban.append(is_urban)
    return Villages(codes, vnames, np.array(town_idx), np.array(urban))


def _urban_share(town: Township, count: int, rng: np.random.Generator) -> int:
    if town.kind in ("街道", "开发区"):
        return int(count * rng.uniform(0.4, 0.8))
    return int(rng.integers(0, 2))  # the town seat may have a 社区


def make_population(
    county: County, residents: int, as_of: datetime.date, rng: np.random.Generator
) -> Population:
    """Build ``residents`` persons in households spread over the county's villages."""
    villages = make_villages(county, rng)
    n = residents
    # Household sizes: rural Shandong, mean about 2.8.
    sizes = rng.choice(np.arange(1, 7), size=n // 2 + 8, p=[0.16, 0.27, 0.25, 0.18, 0.09, 0.05])
    ends = np.cumsum(sizes)
    h = int(np.searchsorted(ends, n)) + 1
    sizes = sizes[:h].copy()
    sizes[-1] -= int(ends[h - 1] - n)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    household = np.repeat(np.arange(h), sizes)
    pos = np.arange(n) - starts[household]
    size_p = sizes[household]

    # Where households live: 街道 and the development zone are denser.
    town_weight = np.array(
        [3.0 if t.kind == "街道" else 1.5 if t.kind == "开发区" else 1.0 for t in county.townships]
    )
    village_weight = town_weight[villages.township] * rng.lognormal(0, 0.5, len(villages.code))
    hh_village = rng.choice(len(villages.code), size=h, p=village_weight / village_weight.sum())

    # Relations: head, spouse, children; the last member of a 5+ household is a parent of the head.
    head_male = rng.random(h) < 0.78
    is_parent = (size_p >= 5) & (pos == size_p - 1)
    child_male = rng.random(n) < 0.52
    relation = np.where(pos == 0, 0, np.where(pos == 1, 1, np.where(child_male, 2, 3)))
    parent_male = rng.random(n) < 0.4
    relation = np.where(is_parent, np.where(parent_male, 4, 5), relation)
    hm = head_male[household]
    male = np.select([relation == 0, relation == 1], [hm, ~hm], default=np.isin(relation, (2, 4)))

    head_age = rng.integers(22, 88, size=h)
    head_age = np.where(sizes >= 5, np.minimum(head_age, 66), head_age)
    head_age = np.where(sizes >= 3, np.minimum(head_age, 75), head_age)
    ha = head_age[household]
    age = np.select(
        [relation == 0, relation == 1, is_parent],
        [ha, np.clip(ha + rng.integers(-4, 6, n), 20, 100), np.minimum(ha + rng.integers(22, 34, n), 101)],
        default=np.maximum(ha - rng.integers(22, 40, n), 0),
    )
    as_of64 = np.datetime64(as_of)
    birth = as_of64 - (age * 365.25).astype(np.int64) - rng.integers(0, 365, n)

    id_number = _id_numbers(birth, male, rng)
    name = _names(household, h, relation, male, hm, rng)

    eth_p = np.array([p for _, p in names.ETHNICITIES])
    ethnicity = rng.choice(len(eth_p), size=n, p=eth_p / eth_p.sum())

    # Status: deaths concentrate among the old; moves out of the county are rarer.
    p_death = np.select([age >= 80, age >= 65], [0.15, 0.05], default=0.004)
    dead = rng.random(n) < p_death
    age_days = (as_of64 - birth).astype(np.int64)
    death = as_of64 - np.minimum(rng.integers(20, 5 * 365, n), np.maximum(age_days - 1, 1))
    moved = ~dead & (rng.random(n) < 0.02) & (age >= 16)
    moved_out = as_of64 - rng.integers(30, 6 * 365, n)
    status = np.where(dead, 1, np.where(moved, 2, 0))
    nat = np.datetime64("NaT")
    death = np.where(dead, death, nat)
    moved_out = np.where(moved, moved_out, nat)

    has_phone = (age >= 14) & (rng.random(n) < 0.93)
    prefix = _MOBILE_PREFIXES[rng.integers(0, len(_MOBILE_PREFIXES), n)]
    tail = rng.integers(0, 100_000_000, n)
    phone = [
        f"{p}{t:08d}" if ok else "" for p, t, ok in zip(prefix.tolist(), tail.tolist(), has_phone.tolist())
    ]

    hh_address = _addresses(county, villages, hh_village, rng)
    village = hh_village[household]

    # In-county moves of the last three years: the registry has the new address, the move table
    # the old one; departments that missed the move still hold it (error kind stale_address).
    movers = np.flatnonzero((status == 0) & (rng.random(n) < 0.03))
    other = rng.choice(len(villages.code), size=len(movers))
    same_town = villages.township[other] == villages.township[village[movers]]
    movers, other = movers[~same_town], other[~same_town]
    moved_from = np.full(n, -1)
    moved_from[movers] = other
    moved_on = np.where(moved_from >= 0, as_of64 - rng.integers(30, 3 * 365, n), nat)
    old = _addresses(county, villages, other, rng)
    old_address = dict(zip(movers.tolist(), old))

    return Population(
        as_of=as_of,
        villages=villages,
        hh_start=starts,
        hh_size=sizes,
        hh_address=hh_address,
        household=household,
        relation=relation,
        male=male,
        birth=birth,
        id_number=id_number,
        name=name,
        ethnicity=ethnicity,
        village=village,
        status=status,
        death=death,
        moved_out=moved_out,
        phone=phone,
        moved_from=moved_from,
        moved_on=moved_on,
        old_address=old_address,
    )


def _id_numbers(birth: np.ndarray, male: np.ndarray, rng: np.random.Generator) -> list[str]:
    """GB 11643 numbers, unique: the sequence is assigned by rank among same-day, same-sex births."""
    n = len(birth)
    day = birth.astype(np.int64)
    key = day * 2 + male
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    group_start = np.flatnonzero(np.concatenate(([True], sorted_key[1:] != sorted_key[:-1])))
    group_len = np.diff(np.concatenate((group_start, [n])))
    rank_sorted = np.arange(n) - np.repeat(group_start, group_len)
    offset = np.repeat(rng.integers(0, 500, len(group_start)), group_len)
    # 7 is coprime with 500, so ranks 0..499 map to distinct sequence numbers within a group.
    seq_sorted = (offset + rank_sorted * 7) % 500
    if group_len.max() > 500:
        raise ValueError("more than 500 same-sex births on one day; sequence space exhausted")
    seq = np.empty(n, dtype=np.int64)
    seq[order] = seq_sorted
    seq = seq * 2 + male  # odd = male

    digits = np.zeros((n, 18), dtype=np.uint8)
    for i, d in enumerate(b"371122"):
        digits[:, i] = d - 48
    years = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    months = birth.astype("datetime64[M]").astype(np.int64) % 12 + 1
    days = (birth - birth.astype("datetime64[M]")).astype(np.int64) + 1
    start = 6
    for val, width in ((years, 4), (months, 2), (days, 2), (seq, 3)):
        for k in range(width):
            digits[:, start + k] = (val // 10 ** (width - 1 - k)) % 10
        start += width
    total = (digits[:, :17].astype(np.int64) * _ID_WEIGHTS).sum(axis=1)
    chars = digits + 48
    chars[:, 17] = _ID_CHECK[total % 11]
    return chars.view("S18").ravel().astype("U18").tolist()


def _names(
    household: np.ndarray,
    h: int,
    relation: np.ndarray,
    male: np.ndarray,
    head_male_p: np.ndarray,
    rng: np.random.Generator,
) -> list[str]:
    n = len(household)
    s_pool = np.array([s for s, _ in names.SURNAMES])
    s_w = np.array([w for _, w in names.SURNAMES], dtype=float)
    s_w /= s_w.sum()
    family = rng.choice(len(s_pool), size=h, p=s_w)[household]
    own = rng.choice(len(s_pool), size=n, p=s_w)
    # The family surname follows the male line; married-in spouses and mothers keep their own.
    keeps_family = (
        ((relation == 0) & head_male_p) | ((relation == 1) & ~head_male_p) | np.isin(relation, (2, 3, 4))
    )
    surname = s_pool[np.where(keeps_family, family, own)]
    m_pool = np.array(list(names.MALE_GIVEN))
    f_pool = np.array(list(names.FEMALE_GIVEN))
    g1 = np.where(male, m_pool[rng.integers(0, len(m_pool), n)], f_pool[rng.integers(0, len(f_pool), n)])
    g2 = np.where(male, m_pool[rng.integers(0, len(m_pool), n)], f_pool[rng.integers(0, len(f_pool), n)])
    g2 = np.where(rng.random(n) < 0.7, g2, "")
    return np.char.add(np.char.add(surname, g1), g2).tolist()


def _addresses(
    county: County, villages: Villages, village_idx: np.ndarray, rng: np.random.Generator
) -> list[str]:
    """Address strings: province → city → county → township → village → group/building."""
    prefix = county.full_name
    towns = [t.name for t in county.townships]
    k = len(village_idx)
    a = rng.integers(1, 31, k).tolist()
    b = rng.integers(1, 7, k).tolist()
    c = rng.integers(1, 6, k).tolist()
    d = rng.integers(1, 120, k).tolist()
    urban = villages.urban[village_idx].tolist()
    vt = villages.township[village_idx].tolist()
    out = []
    for i, v in enumerate(village_idx.tolist()):
        head = f"{prefix}{towns[vt[i]]}{villages.name[v]}"
        if urban[i]:
            out.append(f"{head}{a[i]}号楼{b[i]}单元{c[i]}0{b[i]}室")
        else:
            out.append(f"{head}{b[i] + c[i]}组{d[i]}号")
    return out
