"""Field labels from the data: which identifier or personal-data kind a column holds, and how sure.

A thin adapter until `zhongshu.ingest.profile` lands: it samples each text column of a version
with DuckDB and tests the values with the `core.identifiers` validators. A label is suggested
when at least `SUGGEST_SHARE` of sampled values match; the steward confirms or corrects it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from zhongshu.core import identifiers as ids
from zhongshu.ingest.casting import quote_ident
from zhongshu.warehouse.engine import DuckDBEngine

SAMPLE = 2000
SUGGEST_SHARE = 0.8
LABELS = ("resident_id", "uscc", "mobile", "landline", "bank_card", "plate", "name", "address")

# The most common surnames cover most of a county's residents; a 2–4 character Han string
# starting with one is most likely a person's name.
_SURNAMES = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤厉庄葛")
_NAME_RE = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
_ADDRESS_RE = re.compile(r"(省|市|县|区|镇|乡|街道|村|社区|路|街|号|组)")


def _is_name(v: str) -> bool:
    return bool(_NAME_RE.match(v)) and v[0] in _SURNAMES


def _is_address(v: str) -> bool:
    return len(v) >= 6 and len(_ADDRESS_RE.findall(v)) >= 2


DETECTORS: dict[str, Callable[[str], bool]] = {
    "resident_id": ids.is_valid_resident_id,
    "uscc": ids.is_valid_uscc,
    "mobile": ids.is_mobile,
    "landline": ids.is_landline,
    "bank_card": ids.is_bank_card,
    "plate": ids.is_plate,
    "name": _is_name,
    "address": _is_address,
}

# label -> (grade, level inside 一般); PIPL art. 28 financial accounts and the ID number rank higher.
LABEL_GRADE: dict[str, tuple[str, int]] = {
    "resident_id": ("important", 0),
    "bank_card": ("important", 0),
    "mobile": ("general", 4),
    "landline": ("general", 3),
    "name": ("general", 4),
    "address": ("general", 4),
    "plate": ("general", 3),
    "uscc": ("general", 2),
}


def grade_for(label: str) -> tuple[str, int]:
    """Suggested (grade, level) for a label; unlabelled data is 一般, level 1.

    >>> grade_for("resident_id"), grade_for("")
    (('important', 0), ('general', 1))
    """
    return LABEL_GRADE.get(label, ("general", 1))


@dataclass(frozen=True)
class FieldProfile:
    name: str
    non_null: int
    distinct: int
    candidates: list[dict]  # [{"label": …, "share": …}] best first
    label: str  # suggested label or ""
    share: float | None


def classify(values: Sequence[str]) -> list[dict]:
    """Label candidates for sampled values, with the share of values matching each.

    >>> classify(["13812345678", "13912345678"])[0]
    {'label': 'mobile', 'share': 1.0}
    """
    vals = [str(v).strip() for v in values if v is not None and str(v).strip()]
    if not vals:
        return []
    out = []
    for label, test in DETECTORS.items():
        hits = sum(1 for v in vals if test(v))
        if hits:
            out.append({"label": label, "share": round(hits / len(vals), 4)})
    out.sort(key=lambda c: -c["share"])
    return [c for c in out if c["share"] >= 0.05]


def profile(files: Sequence[str], fields: Sequence[tuple[str, str]]) -> list[FieldProfile]:
    """Profile a version's files; `fields` are (name, type) pairs, only string fields get labels."""
    out = []
    with DuckDBEngine() as eng:
        rel = f"read_parquet({[str(f) for f in files]!r})"
        for name, kind in fields:
            col = quote_ident(name)
            non_null, distinct = eng.con.execute(
                f"SELECT count({col}), approx_count_distinct({col}) FROM {rel}").fetchone()
            candidates: list[dict] = []
            if kind == "string" and non_null:
                sample = [r[0] for r in eng.con.execute(
                    f"SELECT CAST({col} AS VARCHAR) FROM {rel} WHERE {col} IS NOT NULL USING SAMPLE reservoir({SAMPLE} ROWS) REPEATABLE (7)"
                ).fetchall()]
                candidates = classify(sample)
            best = candidates[0] if candidates and candidates[0]["share"] >= SUGGEST_SHARE else None
            out.append(FieldProfile(name, int(non_null), int(distinct or 0), candidates,
                                    best["label"] if best else "", best["share"] if best else None))
    return out
