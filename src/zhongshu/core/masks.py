"""Display masks for personal and business identifiers (GB/T 35273 style partial masking).

A mask keeps just enough to recognise a record on screen (area code, last digits, surname,
township) and hides the rest. Masked values are *not* de-identified data: the SQL gateway and
open-data pipeline use them for display only. ``None`` and ``""`` pass through unchanged.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable
from hashlib import sha256

from zhongshu.core.errors import InvalidInput

__all__ = [
    "MASKERS",
    "MASK_KINDS",
    "LABEL_MASK",
    "apply_mask",
    "mask_birth_date",
    "mask_token",
    "mask_resident_id",
    "mask_phone",
    "mask_name",
    "mask_bank_card",
    "mask_uscc",
    "mask_address",
    "mask_plate",
    "mask_value",
]

_STAR = "*"
_ADDRESS_TAIL = "****"  # fixed width, so the mask does not leak the length of the address
_ADDRESS_RE = re.compile(
    r"^(?P<keep>(?:[^省]{2,7}(?:省|自治区))?(?:[^市]{2,7}(?:市|自治州|地区|盟))?"
    r"(?:[^县区]{1,7}?(?:县|区|旗))?[^街镇乡区]{1,8}?(?:街道|镇|乡|开发区))"
)
_COUNTY_RE = re.compile(
    r"^(?P<keep>(?:[^省]{2,7}(?:省|自治区))?(?:[^市]{2,7}(?:市|自治州|地区|盟))?[^县区]{1,7}?(?:县|区|旗))"
)


def _keep_ends(value: str, head: int, tail: int) -> str:
    if len(value) <= head + tail:
        return _STAR * len(value)
    return value[:head] + _STAR * (len(value) - head - tail) + value[len(value) - tail :]


def mask_resident_id(value: str) -> str:
    """Keep the area code and the last four characters.

    >>> mask_resident_id("371122199001011234")
    '371122********1234'
    >>> mask_resident_id("371122900101123")
    '371122*****1123'
    """
    return _keep_ends(value, 6, 4) if value else value


def mask_phone(value: str) -> str:
    """Mobile: keep 3 + 4 digits; landline: keep the area code and the last 4 digits.

    >>> mask_phone("13812345678")
    '138****5678'
    >>> mask_phone("0633-8212345")
    '0633-***2345'
    """
    if not value:
        return value
    if "-" in value:
        area, _, number = value.partition("-")
        return f"{area}-{_keep_ends(number, 0, 4)}"
    if value.startswith("0") and len(value) >= 10:
        area_len = 3 if value[1] in "12" else 4
        return value[:area_len] + _keep_ends(value[area_len:], 0, 4)
    return _keep_ends(value, 3, 4)


def mask_name(value: str) -> str:
    """Keep the surname (first character) only.

    >>> mask_name("张三丰"), mask_name("张三"), mask_name("张")
    ('张**', '张*', '*')
    """
    if not value:
        return value
    return _STAR if len(value) == 1 else value[0] + _STAR * (len(value) - 1)


def mask_bank_card(value: str) -> str:
    """Keep the issuer prefix (6 digits) and the last 4 digits.

    >>> mask_bank_card("6222021234567890123")
    '622202*********0123'
    """
    return _keep_ends(value, 6, 4) if value else value


def mask_uscc(value: str) -> str:
    """Keep authority, type and area code (8 characters) and the last two characters.

    >>> mask_uscc("91350100M000100Y43")
    '91350100********43'
    """
    return _keep_ends(value, 8, 2) if value else value


def mask_address(value: str) -> str:
    """Keep the address down to the township (or the county if no township is named).

    >>> mask_address("山东省日照市莒县城阳街道前李家庄村3组12号")
    '山东省日照市莒县城阳街道****'
    >>> mask_address("山东省日照市莒县招贤镇东王庄村5号")
    '山东省日照市莒县招贤镇****'
    >>> mask_address("莒县经济开发区浮来路8号")
    '莒县经济开发区****'
    >>> mask_address("山东省日照市莒县某处")
    '山东省日照市莒县****'
    >>> mask_address("前李家庄村3组12号")
    '****'
    """
    if not value:
        return value
    for pattern in (_ADDRESS_RE, _COUNTY_RE):
        m = pattern.match(value)
        if m and len(m.group("keep")) < len(value):
            return m.group("keep") + _ADDRESS_TAIL
    return _ADDRESS_TAIL


def mask_plate(value: str) -> str:
    """Keep the province, the issuing-office letter and the last two characters.

    >>> mask_plate("鲁L·12345"), mask_plate("鲁LD12345")
    ('鲁L·***45', '鲁L****45')
    """
    if not value:
        return value
    head = 3 if len(value) > 2 and value[2] == "·" else 2
    return _keep_ends(value, head, 2)


MASKERS: dict[str, Callable[[str], str]] = {
    "resident_id": mask_resident_id,
    "mobile": mask_phone,
    "landline": mask_phone,
    "phone": mask_phone,
    "bank_card": mask_bank_card,
    "uscc": mask_uscc,
    "name": mask_name,
    "address": mask_address,
    "plate": mask_plate,
}


def mask_birth_date(value: str) -> str:
    """Keep the year of a date (joined with a masked ID number, a full date would rebuild it).

    >>> mask_birth_date("1960-03-13"), mask_birth_date("19600313"), mask_birth_date("1960年3月13日")
    ('1960', '1960', '1960')
    >>> mask_birth_date("not a date")
    '****'
    """
    m = re.match(r"^\s*((?:18|19|20)\d\d)", value or "")
    return m.group(1) if m else _ADDRESS_TAIL if value else value


def mask_token(value: str, key: bytes) -> str:
    """A keyed token (HMAC-SHA256, 16 hex digits): equal values give equal tokens, nothing else is revealed.

    >>> mask_token("371122199001011238", b"k") == mask_token("371122199001011238", b"k")
    True
    >>> mask_token("371122199001011238", b"k") == mask_token("371122199001011238", b"other")
    False
    """
    return hmac.new(key, value.encode(), sha256).hexdigest()[:16] if value else value


def _hide(value: str) -> str:
    return _ADDRESS_TAIL if value else value


# The mask kinds, by the plain names used everywhere (pages, API, CLI, sharing grants).
MASK_KINDS: dict[str, Callable[[str], str]] = {
    "id_number": mask_resident_id,
    "name": mask_name,
    "phone": mask_phone,
    "address": mask_address,
    "birth_date": mask_birth_date,
    "bank_card": mask_bank_card,
    "plate": mask_plate,
    "uscc": mask_uscc,
    "hide": _hide,
}
# `token` needs a key and is applied by the caller through `mask_token`.

# Which mask a field label calls for by default.
LABEL_MASK: dict[str, str] = {
    "resident_id": "id_number", "mobile": "phone", "landline": "phone", "phone": "phone", "bank_card": "bank_card",
    "name": "name", "address": "address", "plate": "plate", "birth_date": "birth_date",
}


def apply_mask(kind: str, value: str | None) -> str | None:
    """Apply a mask kind by its plain name; None passes through.

    >>> apply_mask("id_number", "371122199001011238"), apply_mask("hide", "x"), apply_mask("phone", None)
    ('371122********1238', '****', None)
    """
    try:
        masker = MASK_KINDS[kind]
    except KeyError:
        raise InvalidInput("mask", f"unknown mask kind {kind!r}", hint="one of: " + ", ".join(MASK_KINDS)) from None
    return value if value is None else masker(value)


def mask_value(label: str, value: str | None) -> str | None:
    """Mask ``value`` with the masker registered for a classification ``label``.

    >>> mask_value("mobile", "13812345678"), mask_value("name", None)
    ('138****5678', None)
    >>> mask_value("colour", "red")
    Traceback (most recent call last):
    ...
    zhongshu.core.errors.InvalidInput: label: no mask for 'colour'
    """
    try:
        masker = MASKERS[label]
    except KeyError:
        raise InvalidInput("label", f"no mask for {label!r}") from None
    return value if value is None else masker(value)
