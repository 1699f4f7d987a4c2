"""Personal data in free text: one detector for appeal text, Open311 and open data.

Citizens type identifiers into free text ("我叫王建国，电话13912345678，住幸福小区3号楼2单元501室");
every path that shows such text to someone other than the people handling the case runs it through
`scrub()`. `find()` returns typed spans, so callers can count, log kinds (never values) or
choose their own replacement.

What is found (kinds):

- ``resident_id``: 18-digit resident ID numbers with a valid GB 11643 check character (also
  written 6-8-4 with spaces or dashes), old 15-digit numbers with a real birth date, and any
  15/18-character number right after 身份证;
- ``mobile``: 1[3-9] + 9 digits, also 3-4-4 with spaces or dashes, with or without +86;
- ``landline``: area code (010, 02x or 0xxx) + 7–8 digits, and 7–12 digits right after a phone
  cue (电话, 座机, 手机 …);
- ``bank_card``: 16–19 digits passing the Luhn check (also in groups of four), or after 卡号;
- ``uscc``: unified social credit codes with a valid GB 32100 check character;
- ``email``, ``plate`` (鲁L·12345, new-energy 鲁L·D12345), ``qq`` and ``wechat`` ids after a cue;
- ``name``: a surname and given name after a cue (我叫, 本人, 姓名, 联系人 …), a surname before
  先生/女士/师傅/阿姨 …, 老X/小X, and a name written right beside a phone number;
- ``address``: the detailed tail of an address — building, unit, floor, room and house numbers —
  after the village, community or street, which is kept.

Ordinary numbers are left alone: dates, times, amounts, percentages, temperatures, 12345 and
other service numbers, short counts ("3户人家", "一栋楼").

Full-width digits and letters and runs of Chinese digits (一三九…) are read as digits; spans
always refer to the original text.

>>> scrub("我叫王建国，电话139 1234 5678，住城阳街道幸福小区3号楼2单元501室")
'我叫【姓名】，电话【手机号】，住城阳街道幸福小区***'
>>> scrub("2025年3月5号气温28度，缴费1500元，拨打12345热线")
'2025年3月5号气温28度，缴费1500元，拨打12345热线'
>>> [(s.kind, s.text) for s in find("身份证371122199001011238，车牌鲁L·D12345")]
[('resident_id', '371122199001011238'), ('plate', '鲁L·D12345')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from zhongshu.core.identifiers import is_landline, is_valid_resident_id, is_valid_uscc, luhn_ok

__all__ = ["KINDS", "PLACEHOLDERS", "Span", "find", "scrub", "kinds"]

# Placeholders say what was there, so a reader still understands the sentence.
PLACEHOLDERS: dict[str, str] = {
    "resident_id": "【身份证号】",
    "mobile": "【手机号】",
    "landline": "【电话】",
    "bank_card": "【银行卡号】",
    "uscc": "【信用代码】",
    "email": "【邮箱】",
    "plate": "【车牌号】",
    "qq": "【QQ号】",
    "wechat": "【微信号】",
    "name": "【姓名】",
    "address": "***",
}
KINDS = tuple(PLACEHOLDERS)
# When two findings overlap, the merged span takes the kind listed first here.
_PRIORITY = {kind: i for i, kind in enumerate(
    ("email", "resident_id", "bank_card", "uscc", "mobile", "landline", "plate", "qq", "wechat", "address", "name"))}


@dataclass(frozen=True)
class Span:
    """One finding: text[start:end] is personal data of `kind`."""

    start: int
    end: int
    kind: str
    text: str


# --- folding: read full-width characters and spelled-out digits as ASCII ----------------------------

_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space
_LOWER = {code: code - 32 for code in range(ord("a"), ord("z") + 1)}
_CN_DIGITS = "〇零一二三四五六七八九幺"
_CN_DIGIT_VALUE = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "幺": "1"}
# Only runs of four or more are digits (a phone read out as 一三九…); "三号楼" or "一栋" stay words.
_CN_DIGIT_RUN = re.compile(f"[{_CN_DIGITS}]{{4,}}")


def _fold(text: str) -> str:
    """Same length as `text`: full-width → ASCII, a–z → A–Z, runs of Chinese digits → digits.

    >>> _fold("ＴＥＬ：１３９一三九一二三四，三号楼")
    'TEL:1391391234,三号楼'
    """
    folded = text.translate(_FULLWIDTH).translate(_LOWER)
    return _CN_DIGIT_RUN.sub(lambda m: "".join(_CN_DIGIT_VALUE[c] for c in m.group()), folded)


# --- numbers -----------------------------------------------------------------------------------------

_SEP = r"[ \-–—]?"
_MOBILE = re.compile(rf"(?<!\d)(?:(?:\+|00)?86{_SEP})?1[3-9]\d{_SEP}\d{{4}}{_SEP}\d{{4}}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)[(（]?0\d{2,3}[)）]?[ \-–—]?[2-9]\d{6,7}(?!\d)")
_ID18 = re.compile(rf"(?<!\d)\d{{6}}{_SEP}\d{{8}}{_SEP}\d{{3}}[\dX](?![\dX])")
_ID15 = re.compile(r"(?<!\d)\d{15}(?!\d)")
_CARD = re.compile(r"(?<!\d)(?:\d{4}(?:[ \-]\d{4}){3}(?:[ \-]?\d{1,3})?|\d{16,19})(?!\d)")
_USCC = re.compile(r"(?<![0-9A-Z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Z])")
_EMAIL = re.compile(r"(?<![A-Z0-9._%+\-])[A-Z0-9._%+\-]+@[A-Z0-9\-]+(?:\.[A-Z0-9\-]+)*\.[A-Z]{2,}")
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE = re.compile(rf"(?<![A-Z0-9])[{_PROVINCES}][A-HJ-NP-Z][ ·•・‧.\-]?"
                    r"(?=[A-HJ-NP-Z0-9]*\d)[A-HJ-NP-Z0-9]{4,5}[A-HJ-NP-Z0-9挂学警港澳领](?![A-Z0-9])")
_CUE_TAIL = r"(?:号码|号)?(?:是|为|:|：|\s)*"
_PHONE_CUE = re.compile(r"(?:联系电话|联系方式|电话|手机|座机|固话|TEL|PHONE|致电)" + _CUE_TAIL
                        + r"(\+?\d[\d \-]{5,16}\d)(?!\d)")
_ID_CUE = re.compile(r"身份证" + _CUE_TAIL + r"(\d{14}[\dX]|\d{17}[\dX])(?![\dX])")
_CARD_CUE = re.compile(r"(?:卡号|银行卡|账号)" + _CUE_TAIL + r"(\d[\d \-]{11,22}\d)(?!\d)")
_QQ = re.compile(r"(?:QQ|扣扣|企鹅号)" + _CUE_TAIL + r"([1-9]\d{4,11})(?!\d)")
_WECHAT = re.compile(r"(?:微信|V信|VX|WX|WEIXIN|WECHAT)" + _CUE_TAIL + r"([A-Z][A-Z0-9_\-]{5,19}|\d{6,20})(?![A-Z0-9_\-])")
# Long numbers after these words are order, parcel or work-order numbers, not cards or IDs.
_NOT_PERSONAL_CUES = ("订单", "单号", "快递", "运单", "工单", "编号", "流水", "发票", "合同号", "批次")

_PROVINCE_CODES = frozenset({"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36",
                             "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62",
                             "63", "64", "65", "71", "81", "82"})


def _digits(value: str) -> str:
    return re.sub(r"[^\dX]", "", value)


def _plausible_date(yyyymmdd: str) -> bool:
    try:
        year, month, day = int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8])
    except ValueError:
        return False
    return 1900 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31


def _old_id(value: str) -> bool:
    """A 15-digit ID number of the 1980s–90s: province code and a 19YYMMDD birth date."""
    return value[:2] in _PROVINCE_CODES and _plausible_date("19" + value[6:12])


def _after_cue(folded: str, start: int, cues: tuple[str, ...]) -> bool:
    before = folded[max(0, start - 8):start]
    return any(cue in before for cue in cues)


def _number_spans(folded: str) -> Iterable[tuple[int, int, str]]:
    for m in _EMAIL.finditer(folded):
        yield m.start(), m.end(), "email"
    for m in _ID18.finditer(folded):
        if is_valid_resident_id(_digits(m.group())):
            yield m.start(), m.end(), "resident_id"
    for m in _ID15.finditer(folded):
        if _old_id(m.group()):
            yield m.start(), m.end(), "resident_id"
    for m in _ID_CUE.finditer(folded):
        yield m.start(1), m.end(1), "resident_id"
    for m in _CARD.finditer(folded):
        digits = _digits(m.group())
        if 16 <= len(digits) <= 19 and luhn_ok(digits) and not _after_cue(folded, m.start(), _NOT_PERSONAL_CUES):
            yield m.start(), m.end(), "bank_card"
    for m in _CARD_CUE.finditer(folded):
        if 12 <= len(_digits(m.group(1))) <= 19:
            yield m.start(1), m.end(1), "bank_card"
    for m in _USCC.finditer(folded):
        if is_valid_uscc(m.group()):
            yield m.start(), m.end(), "uscc"
    for m in _MOBILE.finditer(folded):
        yield m.start(), m.end(), "mobile"
    for m in _LANDLINE.finditer(folded):
        if is_landline(re.sub(r"[^\d]", "", m.group())):
            yield m.start(), m.end(), "landline"
    for m in _PHONE_CUE.finditer(folded):
        kind = _cued_phone(m.group(1))
        if kind:
            yield m.start(1), m.end(1), kind
    for m in _PLATE.finditer(folded):
        yield m.start(), m.end(), "plate"
    for m in _QQ.finditer(folded):
        yield m.start(1), m.end(1), "qq"
    for m in _WECHAT.finditer(folded):
        yield m.start(1), m.end(1), "wechat"


def _cued_phone(raw: str) -> str:
    """The kind of a number written after a phone cue, or "" when it is no phone (e.g. 12345).

    >>> _cued_phone("8212345"), _cued_phone("0633-12345"), _cued_phone("1391234567"), _cued_phone("12345")
    ('landline', '', 'mobile', '')
    """
    digits = re.sub(r"\D", "", raw)
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if digits.startswith("1"):
        return "mobile" if 10 <= len(digits) <= 12 else ""
    if digits.startswith("0"):
        area = 3 if digits[1:2] in ("1", "2") else 4
        return "landline" if 7 <= len(digits) - area <= 8 else ""
    return "landline" if 7 <= len(digits) <= 8 else ""


# --- names ---------------------------------------------------------------------------------------------

_COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
                      "夏侯", "轩辕", "令狐", "端木", "西门", "南宫", "独孤", "呼延", "申屠", "钟离", "太史", "澹台")
# Common single surnames. Characters that are mostly function words (和, 来, 都, 于 as "at" …) are
# left out where the surname is rare, so that "本人来…" is not read as a name.
_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
             "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴"
             "莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅"
             "童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝游辛靳管柴蒙鲍华喻祁蒲滕屈饶解牟艾尤穆农卓古吉缪简项连芦麦褚娄"
             "窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂佟臧闵苟邬边卞姬仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟"
             "邝封谈匡鞠惠荆冀郁胥班储栗燕楚鄢劳谌奚皮粟冼蔺闻厉伊仝郜阚权帅屠朴盖廉禹祖漆巴丰卿狄计索宣晋初"
             "容敬扈晁芮鹿薄邸雍辜裘亓修邰赫杭况宿逯隆茹诸战慕嵇湛宾戎茅揭尉束檀衣展昝智幸奉衡富尧洪")
_SURNAME = "(?:" + "|".join(_COMPOUND_SURNAMES) + f"|[{_SURNAMES}])"
# The surnames that are also "老X"/"小X" nicknames (the most common ones only: 老方法, 小于 …
# must not become names).
_NICK_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖董袁潘蒋蔡杜叶程魏吕丁任沈姚卢姜崔钟谭陆汪贾夏"
# Characters that end a given name: function words, place suffixes and the words that usually follow a name.
_STOP = ("的了是在和与及或也都就还又很太更最不没被把让给对向从自于以为因所而且但如若即便去来到上下中内外里年月日时"
         "分点号说讲问要想会能可应该已经正这那哪谁什么怎个些每各等其之此您你我他她它们家住村庄镇乡街路区县市省楼院屯"
         "店集营寨电话手机码联系反映投诉举报请求帮今昨前后先生女士小姐师傅阿姨大爷妈娘姐哥同志老公婆")
_GIVEN = rf"(?:(?![{_STOP}])[\u4e00-\u9fff])"
_NAME_CUES = ("我叫", "我是", "本人叫", "本人是", "本人", "姓名", "名字叫", "名字是", "名叫", "叫做", "联系人", "申请人",
              "投诉人", "举报人", "反映人", "来电人", "求助人", "咨询人", "当事人", "户主", "业主", "市民", "村民", "居民")
_NAME_AFTER_CUE = re.compile("(?:" + "|".join(_NAME_CUES) + r")(?:是|为|:|：|\s|，|,)*"
                             + rf"(?P<name>{_SURNAME}{_GIVEN}{{1,2}})")
_HONORIFIC = re.compile(rf"(?P<name>{_SURNAME}{_GIVEN}{{0,2}}?)(?:先生|女士|小姐|师傅|大爷|大妈|大娘|阿姨|大姐|大哥)")
_NICKNAME = re.compile(rf"[老小](?P<name>[{_NICK_SURNAMES}])"
                       r"(?=$|[，。、；！？,.;!?\s:：说讲家的和跟他她是在也都就又还一不没让叫找给把被去来要会打骂头])")
_PHONE_CUE_WORDS = r"(?:联系电话|联系方式|电话|手机号|手机|号码|TEL)?"
_NAME_BEFORE = re.compile(rf"(?:^|[^\u4e00-\u9fff]|[找叫是系：])(?P<name>{_SURNAME}{_GIVEN}{{1,2}})"
                          rf"[\s:：,，]*{_PHONE_CUE_WORDS}[\s:：]*$")
_NAME_AFTER = re.compile(rf"[\s,，/（(]*(?P<name>{_SURNAME}{_GIVEN}{{1,2}})(?=$|[^\u4e00-\u9fff])")


def _name_spans(text: str, phones: list[tuple[int, int]]) -> Iterable[tuple[int, int, str]]:
    for pattern in (_NAME_AFTER_CUE, _HONORIFIC, _NICKNAME):
        for m in pattern.finditer(text):
            yield m.start("name"), m.end("name"), "name"
    for start, end in phones:  # a name written beside a phone number
        # pos/endpos keep the text around: "^" matches only at the real start, "$" at the phone
        m = _NAME_BEFORE.search(text, max(0, start - 16), start)
        if m:
            yield m.start("name"), m.end("name"), "name"
        m = _NAME_AFTER.match(text, end)
        if m:
            yield m.start("name"), m.end("name"), "name"


# --- addresses -------------------------------------------------------------------------------------------

_NUM = r"(?:\d+|[一二三四五六七八九十百零〇两]+)"
# One element of an address's detailed tail; strong ones (with digits) are detail wherever they are.
_ELEMENT = (rf"(?:[A-Z]座|[A-Z]栋|\d{{1,3}}[\-#]\d{{1,3}}(?:[\-#]\d{{1,4}})?(?:室|号)?|\d+#楼?|{_NUM}(?:号楼|号院|栋|幢|座|"
            r"单元|层|楼|室|号房|房|号|组|队|排))")
_TAIL = re.compile(rf"(?<![\d一二三四五六七八九十百零〇两A-Z]){_ELEMENT}(?:[\s\-之]?{_ELEMENT})*")
_STRONG = re.compile(r"(?<!\d)(?:\d+(?:号楼|栋|幢|单元|室)|\d+[\-#]\d+[\-#]\d+|\d+#)")
_ANCHORS = ("村", "社区", "小区", "花园", "家园", "新村", "公寓", "大厦", "广场", "苑", "庭", "府", "庄", "屯", "寨", "营",
            "集", "路", "街", "道", "巷", "胡同", "弄", "院", "城", "区", "号楼", "栋", "单元")


def _address_spans(folded: str) -> Iterable[tuple[int, int, str]]:
    for m in _TAIL.finditer(folded):
        before = folded[max(0, m.start() - 3):m.start()]
        if _STRONG.search(m.group()) or before.endswith(_ANCHORS):
            yield m.start(), m.end(), "address"


# --- the detector --------------------------------------------------------------------------------------


def find(text: str) -> list[Span]:
    """Personal data in `text`, as non-overlapping spans in reading order.

    >>> [(s.kind, s.text) for s in find("李先生说：快递单号6222021234567890128，卡号6222021234567890128")]
    [('name', '李'), ('bank_card', '6222021234567890128')]
    """
    if not text:
        return []
    folded = _fold(text)
    found = list(_number_spans(folded))
    phones = [(s, e) for s, e, kind in found if kind in ("mobile", "landline")]
    found += _name_spans(text, phones)
    found += _address_spans(folded)
    return [Span(s, e, kind, text[s:e]) for s, e, kind in _merge(found)]


def _merge(found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Overlapping findings become one span (so no part of either is left), of the higher-priority kind."""
    merged: list[tuple[int, int, str]] = []
    for start, end, kind in sorted(found):
        if merged and start < merged[-1][1]:
            s, e, k = merged[-1]
            merged[-1] = (s, max(e, end), k if _PRIORITY[k] <= _PRIORITY[kind] else kind)
        else:
            merged.append((start, end, kind))
    return merged


def scrub(text: str, placeholders: dict[str, str] | None = None) -> str:
    """`text` with each finding replaced by its typed placeholder (or by `placeholders[kind]`).

    >>> scrub("联系人：张三丰 0633-8212345，邮箱zsf@example.com")
    '联系人：【姓名】 【电话】，邮箱【邮箱】'
    >>> scrub("老王家门口停着鲁l·12345", {"plate": "鲁L·***"})
    '老【姓名】家门口停着鲁L·***'
    """
    if not text:
        return text
    table = PLACEHOLDERS if placeholders is None else {**PLACEHOLDERS, **placeholders}
    out, last = [], 0
    for span in find(text):
        out.append(text[last:span.start])
        out.append(table[span.kind])
        last = span.end
    out.append(text[last:])
    return "".join(out)


def kinds(text: str) -> set[str]:
    """The kinds of personal data in `text` (for reports that must not repeat the values).

    >>> sorted(kinds("我叫王芳，手机13912345678"))
    ['mobile', 'name']
    """
    return {span.kind for span in find(text)}
