"""Chinese identifiers: check characters, validators and constructors.

Standards implemented here (see docs in ``DOMAIN.md``):

- GB 11643 resident ID number (居民身份证号): 6-digit area + YYYYMMDD + 3-digit sequence + check.
- GB 32100 unified social credit code (统一社会信用代码), with the embedded
- GB 11714 organisation code (组织机构代码).
- Luhn bank cards, mobile and landline numbers, vehicle plates.

Validators never raise: they answer ``False`` for anything malformed, ``None`` included.
Constructors and extractors raise :class:`~zhongshu.core.errors.InvalidInput`.
"""

from __future__ import annotations

import datetime
import re

from zhongshu.core.errors import InvalidInput

__all__ = [
    "RESIDENT_ID_WEIGHTS",
    "USCC_CHARSET",
    "USCC_WEIGHTS",
    "ORG_CODE_WEIGHTS",
    "resident_id_check_char",
    "is_valid_resident_id",
    "make_resident_id",
    "resident_id_gender",
    "resident_id_birth",
    "resident_id_from_15",
    "uscc_check_char",
    "is_valid_uscc",
    "org_code_check_char",
    "is_valid_org_code",
    "make_uscc",
    "luhn_ok",
    "is_bank_card",
    "is_mobile",
    "is_landline",
    "is_plate",
]

RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RESIDENT_ID_CHECK = "10X98765432"
_RESIDENT_ID_RE = re.compile(r"^\d{17}[\dXx]$")
_RESIDENT_ID_15_RE = re.compile(r"^\d{15}$")

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_VALUE = {c: i for i, c in enumerate(USCC_CHARSET)}

ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_BODY_RE = re.compile(r"^[0-9A-Z]{8}$")

_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# 3-digit area codes are 010 and 02x; every other area code has 4 digits (0633 = 日照/莒县).
_LANDLINE_RE = re.compile(r"^(?:0(?:10|2\d)|0[3-9]\d{2})-?[2-9]\d{6,7}$")
_PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE_RE = re.compile(
    rf"^[{_PLATE_PROVINCES}][A-HJ-NP-Z]·?"
    r"(?:[A-HJ-NP-Z0-9]{4}[A-HJ-NP-Z0-9挂学警港澳领]"  # ordinary: 5 characters
    r"|[A-HJ-NP-Z0-9]{6})$"  # new-energy: 6 characters
)


def _parse_date(yyyymmdd: str) -> datetime.date | None:
    try:
        return datetime.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return None


# --- GB 11643 resident ID -----------------------------------------------------------------


def resident_id_check_char(first17: str) -> str:
    """Return the GB 11643 check character for the first 17 digits of an ID number.

    >>> resident_id_check_char("11010519491231002")
    'X'
    >>> resident_id_check_char("37112219900101123")
    '8'
    """
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise InvalidInput("resident_id", "expected 17 digits")
    total = sum(int(d) * w for d, w in zip(first17, RESIDENT_ID_WEIGHTS))
    return _RESIDENT_ID_CHECK[total % 11]


def is_valid_resident_id(value: str) -> bool:
    """True for an 18-character ID number with a real birth date and a correct check character.

    >>> is_valid_resident_id("11010519491231002X"), is_valid_resident_id("11010519491231002x")
    (True, True)
    >>> is_valid_resident_id("110105194912310021")  # wrong check character
    False
    >>> is_valid_resident_id("371122199002301236")  # 30 February
    False
    """
    if not isinstance(value, str) or not _RESIDENT_ID_RE.match(value):
        return False
    birth = _parse_date(value[6:14])
    if birth is None or birth.year < 1850:
        return False
    return resident_id_check_char(value[:17]) == value[17].upper()


def make_resident_id(area: str, birth: datetime.date, seq: int) -> str:
    """Build a valid ID number; ``seq`` 0..999, odd for men and even for women.

    >>> make_resident_id("371122", datetime.date(1990, 1, 1), 123)
    '371122199001011238'
    """
    if len(area) != 6 or not area.isascii() or not area.isdigit():
        raise InvalidInput("area", "expected a 6-digit division code")
    if not 0 <= seq <= 999:
        raise InvalidInput("seq", "expected 0..999")
    first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
    return first17 + resident_id_check_char(first17)


def resident_id_from_15(value: str) -> str:
    """Upgrade an old 15-digit ID number (YYMMDD, 19xx births) to the 18-digit form.

    >>> resident_id_from_15("371122900101123")
    '371122199001011238'
    """
    if not _RESIDENT_ID_15_RE.match(value or "") or _parse_date("19" + value[6:12]) is None:
        raise InvalidInput("resident_id", "expected a 15-digit ID number")
    first17 = value[:6] + "19" + value[6:]
    return first17 + resident_id_check_char(first17)


def _normalised_18(value: str) -> str:
    if isinstance(value, str) and _RESIDENT_ID_15_RE.match(value):
        return resident_id_from_15(value)
    if not is_valid_resident_id(value):
        raise InvalidInput("resident_id", "not a valid resident ID number")
    return value


def resident_id_gender(value: str) -> str:
    """Return "M" or "F" from the sequence digit (15- or 18-digit numbers).

    >>> resident_id_gender("371122199001011238"), resident_id_gender("11010519491231002X")
    ('M', 'F')
    """
    return "M" if int(_normalised_18(value)[16]) % 2 else "F"


def resident_id_birth(value: str) -> datetime.date:
    """Return the birth date encoded in an ID number (15- or 18-digit).

    >>> resident_id_birth("11010519491231002X")
    datetime.date(1949, 12, 31)
    """
    birth = _parse_date(_normalised_18(value)[6:14])
    assert birth is not None  # validated above
    return birth


# --- GB 11714 organisation code and GB 32100 USCC ----------------------------------------


def _org_char_value(c: str) -> int:
    # GB 11714 counts digits as themselves and letters A=10 .. Z=35.
    return int(c) if c.isdigit() else ord(c) - ord("A") + 10


def org_code_check_char(first8: str) -> str:
    """Return the GB 11714 check character of an 8-character organisation code body.

    >>> org_code_check_char("M000100Y"), org_code_check_char("D2143569")
    ('4', 'X')
    """
    if not _ORG_BODY_RE.match(first8 or ""):
        raise InvalidInput("org_code", "expected 8 digits or capital letters")
    total = sum(_org_char_value(c) * w for c, w in zip(first8, ORG_CODE_WEIGHTS))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def is_valid_org_code(value: str) -> bool:
    """True for a 9-character GB 11714 code (with or without the ``-`` before the check).

    >>> is_valid_org_code("M000100Y4"), is_valid_org_code("D2143569-X"), is_valid_org_code("M000100Y5")
    (True, True, False)
    """
    if not isinstance(value, str):
        return False
    value = value.replace("-", "") if len(value) == 10 and value[8] == "-" else value
    if len(value) != 9 or not _ORG_BODY_RE.match(value[:8]):
        return False
    return org_code_check_char(value[:8]) == value[8]


def uscc_check_char(first17: str) -> str:
    """Return the GB 32100 check character for the first 17 characters of a USCC.

    >>> uscc_check_char("91350100M000100Y4")
    '3'
    """
    if len(first17) != 17 or any(c not in _USCC_VALUE for c in first17):
        raise InvalidInput("uscc", f"expected 17 characters from {USCC_CHARSET}")
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, USCC_WEIGHTS))
    return USCC_CHARSET[(31 - total % 31) % 31]


def is_valid_uscc(value: str, *, check_org_code: bool = True) -> bool:
    """True for an 18-character USCC whose check character (and embedded org code) are right.

    >>> is_valid_uscc("91350100M000100Y43")
    True
    >>> is_valid_uscc("91350100M000100Y44"), is_valid_uscc("91350100m000100y43")
    (False, False)
    """
    if not isinstance(value, str) or len(value) != 18:
        return False
    if any(c not in _USCC_VALUE for c in value):
        return False
    if uscc_check_char(value[:17]) != value[17]:
        return False
    return not check_org_code or is_valid_org_code(value[8:17])


def make_uscc(area: str, org8: str, authority: str = "9", kind: str = "1") -> str:
    """Build a valid USCC from a 6-digit area code and an 8-character org code body.

    >>> make_uscc("350100", "M000100Y")
    '91350100M000100Y43'
    """
    if len(area) != 6 or not area.isdigit():
        raise InvalidInput("area", "expected a 6-digit division code")
    first17 = f"{authority}{kind}{area}{org8}{org_code_check_char(org8)}"
    if len(first17) != 17 or any(c not in _USCC_VALUE for c in first17):
        raise InvalidInput("uscc", f"characters outside {USCC_CHARSET}")
    return first17 + uscc_check_char(first17)


# --- bank cards, phones, plates ------------------------------------------------------------


def luhn_ok(value: str) -> bool:
    """True when a digit string passes the Luhn check.

    >>> luhn_ok("79927398713"), luhn_ok("79927398710"), luhn_ok("")
    (True, False, False)
    """
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(value)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def is_bank_card(value: str) -> bool:
    """True for a 16–19 digit number passing the Luhn check.

    >>> is_bank_card("6222020200112233445"), is_bank_card("79927398713")
    (False, False)
    >>> is_bank_card("4111111111111111")
    True
    """
    return isinstance(value, str) and 16 <= len(value) <= 19 and luhn_ok(value)


def is_mobile(value: str) -> bool:
    """True for an 11-digit mainland mobile number starting 1[3-9].

    >>> is_mobile("13812345678"), is_mobile("12812345678"), is_mobile("1381234567")
    (True, False, False)
    """
    return isinstance(value, str) and bool(_MOBILE_RE.match(value))


def is_landline(value: str) -> bool:
    """True for a landline with its area code, e.g. 0633-1234567 or 01012345678.

    >>> is_landline("0633-8212345"), is_landline("063382123456"), is_landline("8212345")
    (True, True, False)
    """
    return isinstance(value, str) and bool(_LANDLINE_RE.match(value))


def is_plate(value: str) -> bool:
    """True for a vehicle plate: province + letter + 5 characters (6 for new-energy).

    >>> is_plate("鲁L·12345"), is_plate("鲁LD12345"), is_plate("鲁L1234"), is_plate("X鲁12345")
    (True, True, False, False)
    """
    return isinstance(value, str) and bool(_PLATE_RE.match(value))
