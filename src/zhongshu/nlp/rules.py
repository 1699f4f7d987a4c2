"""Keyword rules for the 一级 categories the training data does not cover.

The labelled appeals cover 7 of the 15 first-level categories; without this layer, appeals for
the police, townships, civil affairs, agriculture, water or power would be routed wrongly by
construction. A rule fires when a specific term is in the title, or two different terms of the
same subcategory are in the body; it then overrides the model. Terms are specific on purpose
(派出所, not 不作为): a rule that fires on ordinary complaints would do more harm than good.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# (level1, level2) -> specific terms. level2 names match data/taxonomy.csv.
RULES: dict[tuple[str, str], tuple[str, ...]] = {
    ("政法", "社会治安"): (
        "派出所",
        "报警",
        "民警",
        "打架",
        "斗殴",
        "涉黄",
        "卖淫",
        "嫖娼",
        "赌博",
        "赌场",
        "盗窃",
        "偷盗",
        "小偷",
        "黑恶势力",
        "治安",
    ),
    ("政法", "户籍证件"): (
        "户口迁",
        "迁户口",
        "上户口",
        "落户",
        "身份证",
        "无犯罪记录",
        "通行证",
        "居住证",
        "户籍证明",
    ),
    ("政法", "诈骗与刑事案件"): (
        "诈骗",
        "传销",
        "非法集资",
        "经侦",
        "立案侦查",
        "出借人",
        "P2P",
        "p2p",
        "骗局",
    ),
    ("党务政务", "村居事务"): (
        "村委会",
        "居委会",
        "镇政府",
        "乡政府",
        "街道办事处",
        "村干部",
        "村支书",
        "网格员",
        "村主任",
    ),
    ("民政", "低保与特困"): ("低保", "特困供养", "特困人员", "五保", "临时救助"),
    ("民政", "养老服务"): ("养老院", "敬老院", "高龄补贴", "居家养老"),
    ("民政", "残疾人补贴"): ("残疾证", "残疾人补贴", "残联", "两项补贴"),
    ("民政", "婚姻与殡葬"): ("殡仪馆", "火化", "公墓", "墓地", "婚姻登记", "殡葬"),
    ("民政", "退役军人优抚"): ("退役军人", "退伍", "复员", "优抚", "军属", "伤残军人"),
    ("农村农业", "惠农补贴"): ("种粮补贴", "耕地补贴", "惠农补贴", "农机补贴", "良种补贴", "地力补贴"),
    ("农村农业", "土地承包"): ("土地承包", "承包地", "土地流转", "确权"),
    ("农村农业", "畜牧与动物防疫"): ("养猪", "猪场", "鸡场", "动物防疫", "病死猪", "牛羊"),
    ("农村农业", "农资与农技"): ("化肥", "农药", "种子", "农资", "大棚"),
    ("农村农业", "水利设施与灌溉"): ("灌溉", "水渠", "防汛", "堤坝", "山塘", "抗旱", "河堤", "水库大坝"),
    ("国土资源", "矿产资源"): ("采砂", "盗采", "非法采矿", "挖沙", "矿山"),
    ("国土资源", "土地征收"): ("征地", "青苗费", "土地征收"),
    ("国土资源", "土地审批与使用"): ("宅基地", "建房审批", "土地证"),
    ("经济管理", "电力供应"): (
        "停电",
        "供电",
        "电压不稳",
        "电费",
        "电表",
        "变压器",
        "供电所",
        "跳闸",
        "用电",
    ),
    ("科技与信息产业", "通信网络"): ("没有信号", "信号差", "无信号", "宽带", "网速"),
}


# Rules for actors that appear in many appeals as mere addresses (the 街道办事处 that a complaint
# was sent to) count only in the title.
TITLE_ONLY = {("党务政务", "村居事务")}


@dataclass(frozen=True)
class RuleMatch:
    """A rule that fired: the category it routes to and the terms that made it fire."""

    level1: str
    level2: str
    terms: tuple[str, ...]
    score: int

    def overrides(self, model_confidence: float) -> bool:
        """Whether the rule beats a model prediction of this confidence.

        A title hit plus more evidence (score >= 3) always wins; weaker evidence wins only
        against an unsure model.
        """
        return self.score >= 3 or model_confidence < 0.6


def _compile() -> tuple[re.Pattern[str], dict[str, list[tuple[str, str]]]]:
    """One alternation of all rule terms (longest first) and term -> the rules it belongs to."""
    owners: dict[str, list[tuple[str, str]]] = {}
    for key, terms in RULES.items():
        for t in terms:
            owners.setdefault(t, []).append(key)
    return re.compile("|".join(re.escape(t) for t in sorted(owners, key=len, reverse=True))), owners


_PATTERN, _OWNERS = _compile()


def match_rules(title: str, text: str) -> RuleMatch | None:
    """The best-scoring rule for an appeal, or None (title hits count double).

    >>> match_rules("村里停电三天了", "").level2
    '电力供应'
    >>> match_rules("小区物业费太高", "物业不作为") is None
    True
    """
    in_title: dict[tuple[str, str], list[str]] = {}
    in_body: dict[tuple[str, str], list[str]] = {}
    for found, source in ((in_title, title), (in_body, text)):
        for m in _PATTERN.finditer(source):
            for key in _OWNERS[m.group()]:
                terms = found.setdefault(key, [])
                if m.group() not in terms:
                    terms.append(m.group())
    best: RuleMatch | None = None
    for key in RULES:  # file order breaks ties, as before
        t_hits = in_title.get(key, [])
        b_hits = [] if key in TITLE_ONLY else [t for t in in_body.get(key, []) if t not in t_hits]
        if not t_hits and len(b_hits) < 2:
            continue
        score = 2 * len(t_hits) + len(b_hits)
        if best is None or score > best.score:
            best = RuleMatch(key[0], key[1], tuple(t_hits + b_hits), score)
    return best
