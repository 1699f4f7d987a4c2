"""Word pools for the demo county: surnames, given names, villages, enterprises, facilities.

Everything here is invented for synthetic data: the pools are common characters, so that names
look plausible in 莒县 and encode in GBK. ``HOMOPHONES`` drives the ``name_typo`` error kind: each
key is replaced by a character a clerk could type by mistake (same pinyin or similar shape).
"""

from __future__ import annotations

# Common surnames, most frequent first, with rough weights (Shandong skews to 王/张/李/刘).
SURNAMES: tuple[tuple[str, int], ...] = (
    ("王", 90),
    ("张", 80),
    ("李", 75),
    ("刘", 60),
    ("陈", 30),
    ("杨", 30),
    ("赵", 28),
    ("徐", 25),
    ("孙", 25),
    ("马", 20),
    ("朱", 15),
    ("胡", 12),
    ("郭", 14),
    ("何", 8),
    ("高", 16),
    ("林", 8),
    ("郑", 10),
    ("宋", 14),
    ("许", 10),
    ("韩", 12),
    ("冯", 9),
    ("曹", 10),
    ("董", 11),
    ("袁", 6),
    ("于", 14),
    ("蒋", 5),
    ("杜", 8),
    ("魏", 9),
    ("吕", 8),
    ("丁", 9),
    ("姜", 12),
    ("崔", 8),
    ("管", 9),
    ("庄", 10),
    ("葛", 8),
    ("厉", 7),
    ("仲", 6),
    ("宗", 5),
    ("卢", 6),
    ("石", 7),
    ("贾", 6),
    ("范", 6),
    ("孟", 8),
    ("邵", 6),
    ("夏", 5),
    ("尹", 5),
    ("陆", 4),
    ("秦", 5),
    ("薛", 5),
    ("侯", 5),
    ("田", 7),
    ("潘", 5),
    ("付", 5),
    ("纪", 6),
    ("鞠", 4),
    ("相", 4),
)

MALE_GIVEN = "伟强军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆磊峰建国志龙兵林成晓东海洋振文德"
FEMALE_GIVEN = "芳娜敏静丽艳娟霞燕玲丹萍红梅琳莉雪慧颖婷佳倩秀英华兰凤云玉晶欣悦怡璐瑶"

# name_typo substitutions: same pinyin (伟→玮) or similar shape (己→已) as a clerk would mistype.
HOMOPHONES: dict[str, str] = {
    "伟": "玮",
    "强": "墙",
    "军": "君",
    "勇": "永",
    "杰": "洁",
    "涛": "韬",
    "明": "铭",
    "超": "潮",
    "刚": "钢",
    "平": "萍",
    "辉": "晖",
    "鹏": "朋",
    "华": "桦",
    "飞": "菲",
    "鑫": "新",
    "波": "博",
    "斌": "彬",
    "宇": "雨",
    "浩": "皓",
    "凯": "恺",
    "健": "建",
    "俊": "峻",
    "帆": "凡",
    "磊": "垒",
    "峰": "锋",
    "建": "健",
    "国": "帼",
    "志": "智",
    "龙": "隆",
    "兵": "斌",
    "林": "琳",
    "成": "诚",
    "晓": "小",
    "东": "冬",
    "海": "亥",
    "洋": "阳",
    "文": "雯",
    "德": "得",
    "芳": "方",
    "娜": "那",
    "敏": "民",
    "静": "靖",
    "丽": "莉",
    "艳": "燕",
    "娟": "鹃",
    "霞": "侠",
    "燕": "艳",
    "玲": "琳",
    "丹": "单",
    "萍": "苹",
    "红": "虹",
    "梅": "玫",
    "琳": "林",
    "莉": "丽",
    "雪": "雷",
    "慧": "惠",
    "颖": "莹",
    "婷": "亭",
    "佳": "家",
    "倩": "茜",
    "秀": "绣",
    "英": "瑛",
    "兰": "岚",
    "凤": "风",
    "云": "芸",
    "玉": "钰",
    "晶": "品",
    "欣": "昕",
    "悦": "月",
    "怡": "仪",
    "璐": "露",
    "瑶": "遥",
    "王": "汪",
    "张": "章",
    "李": "理",
    "刘": "柳",
    "陈": "程",
    "杨": "扬",
    "赵": "肖",
    "徐": "许",
    "孙": "荪",
    "于": "余",
    "姜": "江",
    "庄": "壮",
    "厉": "历",
    "管": "官",
    "宋": "送",
    "高": "膏",
}

ETHNICITIES: tuple[tuple[str, float], ...] = (
    ("汉族", 0.9955),
    ("回族", 0.002),
    ("满族", 0.001),
    ("蒙古族", 0.0005),
    ("壮族", 0.0005),
    ("朝鲜族", 0.0005),
)

VILLAGE_PREFIXES = ("前", "后", "东", "西", "南", "北", "大", "小", "上", "下", "")
VILLAGE_SUFFIXES = (
    "庄",
    "村",
    "家庄",
    "官庄",
    "岭",
    "沟",
    "河",
    "疃",
    "屯",
    "店",
    "峪",
    "埠",
    "湖",
    "坡",
    "旺",
    "家村",
)
COMMUNITY_WORDS = (
    "城东",
    "城西",
    "城南",
    "城北",
    "文心",
    "浮来",
    "青年",
    "振兴",
    "银杏",
    "沭河",
    "鲁山",
    "春晖",
    "阳光",
    "和平",
    "幸福",
    "新华",
    "滨河",
    "龙山",
    "东关",
    "西关",
    "南关",
    "北关",
    "莒州",
    "安泰",
)
STREETS = (
    "城阳路",
    "振兴路",
    "文心路",
    "浮来路",
    "青岛路",
    "沭河大街",
    "莒州路",
    "银杏大道",
    "日照路",
    "东关街",
    "府前街",
    "北环路",
    "南外环路",
    "工业大道",
    "兴华路",
    "龙山路",
)

TRADE_NAME_CHARS = "鑫源华盛恒泰达丰德隆聚宏昌利兴瑞祥和佳信诚博远通金福康安顺旺嘉润荣美益正天海"
INDUSTRIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("批发和零售业", ("商贸", "贸易", "百货", "建材", "农资", "五金")),
    ("制造业", ("机械", "食品", "服装", "木业", "塑业", "化工", "酒业")),
    ("农、林、牧、渔业", ("农业科技", "养殖", "果蔬", "苗木", "茶业")),
    ("建筑业", ("建筑工程", "建设", "装饰工程", "路桥工程")),
    ("住宿和餐饮业", ("餐饮管理", "酒店", "饭店")),
    ("交通运输、仓储和邮政业", ("物流", "运输", "仓储")),
    ("居民服务、修理和其他服务业", ("家政服务", "汽车维修", "保洁服务")),
    ("信息传输、软件和信息技术服务业", ("网络科技", "信息技术", "电子商务")),
    ("租赁和商务服务业", ("企业管理咨询", "广告", "劳务")),
)
SHOP_KINDS = ("超市", "便利店", "饭店", "理发店", "五金店", "粮油店", "修理部", "水果店", "服装店", "诊所")
COOP_KINDS = ("种植专业合作社", "养殖专业合作社", "果品专业合作社", "农机专业合作社", "茶叶专业合作社")


def homophone_typo(name: str, position: int) -> str | None:
    """Replace the first substitutable character at or after ``position`` (cyclically).

    >>> homophone_typo("王伟", 1), homophone_typo("王伟", 0), homophone_typo("〇〇", 0)
    ('王玮', '汪伟', None)
    """
    n = len(name)
    for k in range(n):
        i = (position + k) % n
        swap = HOMOPHONES.get(name[i])
        if swap:
            return name[:i] + swap + name[i + 1 :]
    return None


def transpose_adjacent(value: str, position: int) -> str | None:
    """Swap two different adjacent digits at or after ``position`` (cyclically; never the check).

    >>> transpose_adjacent("371122199001011238", 0)
    '731122199001011238'
    >>> transpose_adjacent("1111", 0) is None
    True
    """
    n = min(len(value), 17) - 1
    for k in range(n):
        i = (position + k) % n
        if value[i] != value[i + 1]:
            return value[:i] + value[i + 1] + value[i] + value[i + 2 :]
    return None
