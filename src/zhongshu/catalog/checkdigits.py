"""Check-digit tests as DuckDB SQL, so a quality rule checks millions of identifiers in bulk.

Each function returns a boolean SQL expression over a VARCHAR expression; they agree with the
Python validators in `zhongshu.core.identifiers` (tests/catalog/test_quality.py compares them).
"""

from __future__ import annotations

from zhongshu.core.identifiers import ORG_CODE_WEIGHTS, RESIDENT_ID_WEIGHTS, USCC_CHARSET, USCC_WEIGHTS


def resident_id_sql(v: str) -> str:
    """GB 11643: 17 digits + check, a real birth date from 1850 on."""
    digits = " + ".join(f"TRY_CAST(substr({v}, {i + 1}, 1) AS INTEGER) * {w}" for i, w in enumerate(RESIDENT_ID_WEIGHTS))
    return (f"coalesce(regexp_full_match({v}, '[0-9]{{17}}[0-9Xx]') "
            f"AND try_strptime(substr({v}, 7, 8), '%Y%m%d') IS NOT NULL AND TRY_CAST(substr({v}, 7, 4) AS INTEGER) >= 1850 "
            f"AND substr('10X98765432', CAST(({digits}) % 11 AS INTEGER) + 1, 1) = upper(substr({v}, 18, 1)), false)")


def uscc_sql(v: str) -> str:
    """GB 32100 check character and the embedded GB 11714 organisation code."""
    cs = USCC_CHARSET
    total = "(" + " + ".join(f"(instr('{cs}', substr({v}, {i + 1}, 1)) - 1) * {w}" for i, w in enumerate(USCC_WEIGHTS)) + ")"

    def org_val(i: int) -> str:
        c = f"substr({v}, {8 + i}, 1)"
        return f"(CASE WHEN {c} BETWEEN '0' AND '9' THEN ascii({c}) - 48 ELSE ascii({c}) - 55 END)"

    org_total = "(" + " + ".join(f"{org_val(i + 1)} * {w}" for i, w in enumerate(ORG_CODE_WEIGHTS)) + ")"
    org_check = f"(11 - CAST({org_total} % 11 AS INTEGER))"
    return (f"coalesce(regexp_full_match({v}, '[{cs}]{{18}}') "
            f"AND substr('{cs}', CAST((31 - {total} % 31) % 31 AS INTEGER) + 1, 1) = substr({v}, 18, 1) "
            f"AND regexp_full_match(substr({v}, 9, 8), '[0-9A-Z]{{8}}') "
            f"AND (CASE {org_check} WHEN 10 THEN 'X' WHEN 11 THEN '0' ELSE CAST({org_check} AS VARCHAR) END) = substr({v}, 17, 1), false)")


def bank_card_sql(v: str) -> str:
    """16–19 digits passing the Luhn check."""
    r = f"reverse({v})"

    def term(i: int) -> str:
        d = f"(ascii(substr({r}, {i}, 1)) - 48)"
        value = f"(CASE WHEN {d} > 4 THEN {d} * 2 - 9 ELSE {d} * 2 END)" if i % 2 == 0 else d
        return f"(CASE WHEN length({v}) >= {i} THEN {value} ELSE 0 END)"

    luhn = "(" + " + ".join(term(i) for i in range(1, 20)) + ")"
    return f"coalesce(regexp_full_match({v}, '[0-9]{{16,19}}') AND {luhn} % 10 = 0, false)"


SQL = {"resident_id": resident_id_sql, "uscc": uscc_sql, "bank_card": bank_card_sql}
