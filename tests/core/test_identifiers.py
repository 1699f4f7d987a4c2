"""Identifier validators and masks: known-good examples, corruptions and round trips."""

import datetime
import random

import pytest

from zhongshu.core import identifiers as ids
from zhongshu.core import masks
from zhongshu.core.errors import InvalidInput


def test_gb11643_reference_example_and_round_trip():
    assert ids.is_valid_resident_id("11010519491231002X")
    rng = random.Random(7)
    for _ in range(500):
        birth = datetime.date(1930, 1, 1) + datetime.timedelta(days=rng.randrange(30000))
        seq = rng.randrange(1000)
        value = ids.make_resident_id("371122", birth, seq)
        assert ids.is_valid_resident_id(value)
        assert ids.resident_id_birth(value) == birth
        assert ids.resident_id_gender(value) == ("M" if seq % 2 else "F")


@pytest.mark.parametrize(
    "value",
    [
        "",
        None,
        "11010519491231002",
        "110105194912310021",
        "1101051949123100XX",
        "11010519491331002X",
        "A10105194912310021",
        "１１０１０５１９４９１２３１００２Ｘ",
    ],
)
def test_invalid_resident_ids(value):
    assert not ids.is_valid_resident_id(value)


def test_every_adjacent_transposition_of_distinct_digits_is_caught_or_keeps_value():
    value = ids.make_resident_id("371122", datetime.date(1985, 7, 23), 457)
    caught = 0
    for i in range(16):
        if value[i] == value[i + 1]:
            continue
        swapped = value[:i] + value[i + 1] + value[i] + value[i + 2 :]
        caught += not ids.is_valid_resident_id(swapped)
    assert caught >= 12  # mod-11 weights catch almost every adjacent swap


def test_make_resident_id_rejects_bad_input():
    with pytest.raises(InvalidInput):
        ids.make_resident_id("37112", datetime.date(1990, 1, 1), 1)
    with pytest.raises(InvalidInput):
        ids.make_resident_id("371122", datetime.date(1990, 1, 1), 1000)
    with pytest.raises(InvalidInput):
        ids.resident_id_gender("110105194912310021")


def test_fifteen_digit_ids_are_understood():
    assert ids.resident_id_from_15("110105491231002") == "11010519491231002X"
    assert ids.resident_id_birth("110105491231002") == datetime.date(1949, 12, 31)
    assert ids.resident_id_gender("110105491231002") == "F"


def test_uscc_standard_example_and_corruptions():
    assert ids.is_valid_uscc("91350100M000100Y43")
    assert ids.uscc_check_char("91350100M000100Y4") == "3"
    assert ids.org_code_check_char("M000100Y") == "4"
    for i in range(17):
        for c in "0AX":
            bad = "91350100M000100Y43"[:i] + c + "91350100M000100Y43"[i + 1 :]
            if bad != "91350100M000100Y43":
                assert not ids.is_valid_uscc(bad, check_org_code=False) or not ids.is_valid_uscc(bad)
    assert not ids.is_valid_uscc("91350100M000100I43")  # I is not in the charset


def test_uscc_checks_embedded_org_code():
    # Re-check the USCC after breaking only the org-code check: the outer check passes, the inner fails.
    first17 = "91371122MA3C12345"  # org body MA3C1234, wrong inner check '5'
    value = first17 + ids.uscc_check_char(first17)
    assert ids.is_valid_uscc(value, check_org_code=False)
    assert ids.is_valid_uscc(value) == (ids.org_code_check_char("MA3C1234") == "5")


def test_make_uscc_round_trip():
    rng = random.Random(3)
    for _ in range(300):
        body = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
        value = ids.make_uscc("371122", body, authority=rng.choice("159"), kind=rng.choice("123"))
        assert ids.is_valid_uscc(value), value
    assert ids.make_uscc("350100", "M000100Y") == "91350100M000100Y43"


@pytest.mark.parametrize("check, total", [("X", 10), ("0", 11)])
def test_org_code_special_checks(check, total):
    rng = random.Random(total)
    while True:
        body = "".join(rng.choice("0123456789ABCDEFGH") for _ in range(8))
        if ids.org_code_check_char(body) == check:
            break
    assert ids.is_valid_org_code(body + check)


@pytest.mark.parametrize(
    "value, ok",
    [
        ("4111111111111111", True),
        ("4111111111111112", False),
        ("411111111111111", False),
        ("62220202001122334450", False),
        ("6222 0202 0011 2233", False),
    ],
)
def test_bank_cards(value, ok):
    assert ids.is_bank_card(value) is ok


@pytest.mark.parametrize(
    "value, mobile, landline",
    [
        ("13812345678", True, False),
        ("19912345678", True, False),
        ("12812345678", False, False),
        ("0633-8212345", False, True),
        ("063382123456", False, True),
        ("010-62345678", False, True),
        ("0633-0212345", False, False),
        ("8212345", False, False),
        ("0633-821234", False, False),
    ],
)
def test_phones(value, mobile, landline):
    assert ids.is_mobile(value) is mobile
    assert ids.is_landline(value) is landline


@pytest.mark.parametrize(
    "value, ok",
    [
        ("鲁L·12345", True),
        ("鲁L12345", True),
        ("鲁LD12345", True),
        ("鲁L·D12345", True),
        ("鲁LA123学", True),
        ("鲁L1234", False),
        ("鲁LI2345", False),
        ("鲁l12345", False),
        ("XL12345", False),
        ("鲁L1234567", False),
    ],
)
def test_plates(value, ok):
    assert ids.is_plate(value) is ok


@pytest.mark.parametrize(
    "label, value, expected",
    [
        ("resident_id", "371122199001011234", "371122********1234"),
        ("mobile", "13812345678", "138****5678"),
        ("landline", "0633-8212345", "0633-***2345"),
        ("name", "张三丰", "张**"),
        ("bank_card", "6222021234567890123", "622202*********0123"),
        ("uscc", "91350100M000100Y43", "91350100********43"),
        ("address", "山东省日照市莒县城阳街道前李家庄村3组12号", "山东省日照市莒县城阳街道****"),
        ("address", "山东省日照市莒县库山乡西王村8号", "山东省日照市莒县库山乡****"),
        ("plate", "鲁L·12345", "鲁L·***45"),
        ("name", "", ""),
    ],
)
def test_mask_value(label, value, expected):
    assert masks.mask_value(label, value) == expected


def test_masks_never_return_the_input_for_real_values():
    for label, value in [
        ("resident_id", "11010519491231002X"),
        ("mobile", "13900001111"),
        ("address", "山东省日照市莒县招贤镇东王庄村5号"),
        ("name", "李四"),
    ]:
        assert masks.mask_value(label, value) != value
    with pytest.raises(InvalidInput):
        masks.mask_value("unknown", "x")
