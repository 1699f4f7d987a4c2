"""Field label detectors (resident_id, mobile, name, address …) and the sensitivity they suggest.

Each detector is a predicate on one text value; `profile` applies them to a sample. Identifier
checks come from `zhongshu.core.identifiers`, imported when first used.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

# Common Chinese surnames (the "百家姓" most frequent in current registers) and compound ones.
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武"
    "戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯"
    "纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪"
    "简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎"
    "甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝"
    "区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸"
    "雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀"
    "衣信展阴昝智幸奉植衡富尧闭由"
)
COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "司马",
        "诸葛",
        "上官",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "令狐",
        "端木",
        "西门",
        "南宫",
        "独孤",
        "澹台",
        "呼延",
    ]
)
_CJK = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]+")
_ADDRESS_MARKERS = (
    "省",
    "市",
    "县",
    "区",
    "镇",
    "乡",
    "街道",
    "村",
    "路",
    "街",
    "号",
    "巷",
    "弄",
    "组",
    "社区",
    "小区",
    "栋",
    "单元",
    "室",
    "楼",
)


def is_person_name(value: str) -> bool:
    """Heuristic: 2–4 CJK characters starting with a common surname (· allowed for minorities).

    >>> is_person_name("张三"), is_person_name("欧阳娜娜"), is_person_name("山东省"), is_person_name("张")
    (True, True, False, False)
    """
    v = value.strip().replace("·", "")
    if not 2 <= len(v) <= 4 or not _CJK.fullmatch(v):
        return False
    if v[:2] in COMPOUND_SURNAMES and len(v) >= 3:
        return True
    return v[0] in SURNAMES and not any(
        m in v for m in ("省", "市", "县", "区", "镇", "乡", "村", "局", "委", "办")
    )


def is_address(value: str) -> bool:
    """Heuristic: Chinese text with at least two address markers (省/市/县/区/镇/乡/街道/村/路/号 …).

    >>> is_address("山东省日照市莒县城阳街道"), is_address("莒县"), is_address("张三")
    (True, False, False)
    """
    v = value.strip()
    if len(v) < 4 or not _CJK.search(v):
        return False
    return sum(1 for m in _ADDRESS_MARKERS if m in v) >= 2


def _ident(name: str) -> Callable[[str], bool]:
    def check(value: str) -> bool:
        from zhongshu.core import identifiers  # noqa: PLC0415 - written by another module owner

        return bool(getattr(identifiers, name)(value.strip()))

    check.__name__ = name
    return check


DETECTORS: dict[str, Callable[[str], bool]] = {
    "resident_id": _ident("is_valid_resident_id"),
    "mobile": _ident("is_mobile"),
    "landline": _ident("is_landline"),
    "bank_card": _ident("is_bank_card"),
    "uscc": _ident("is_valid_uscc"),
    "name": is_person_name,
    "address": is_address,
    "plate": _ident("is_plate"),
}


@dataclass(frozen=True)
class Sensitivity:
    """Suggested data grade (GB/T 43697-2024: 核心/重要/一般, with levels inside 一般) and why."""

    grade: str
    level: int | None
    personal: bool
    sensitive_personal: bool
    reason: str


# Local practice, not a standard: a county can override this table (issue: configurable grades).
SENSITIVITY: dict[str, Sensitivity] = {
    "resident_id": Sensitivity(
        "重要", None, True, True, "居民身份证号: sensitive personal information (PIPL art. 28)"
    ),
    "bank_card": Sensitivity("重要", None, True, True, "bank card number: financial account (PIPL art. 28)"),
    "mobile": Sensitivity("一般", 3, True, False, "mobile number: personal information"),
    "landline": Sensitivity("一般", 2, True, False, "landline number: contact information"),
    "name": Sensitivity("一般", 3, True, False, "person name: personal information"),
    "address": Sensitivity(
        "一般", 3, True, False, "address: personal information when it locates a household"
    ),
    "plate": Sensitivity(
        "一般", 3, True, False, "vehicle plate: personal information (can reveal whereabouts)"
    ),
    "uscc": Sensitivity("一般", 1, False, False, "unified social credit code: public registration data"),
}
DEFAULT_SENSITIVITY = Sensitivity("一般", 1, False, False, "no personal-data label detected")
