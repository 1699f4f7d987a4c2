"""Writing one demo appeal: who, where, what happened, and how the caller feels.

Pure functions of a `random.Random`: the same generator state gives the same text. The emotion,
urgency and groups passed in are the ground truth; the text is written so that a reader (or a
model) can see them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from zhongshu.appeals import demo_vocab as vocab
from zhongshu.demo.names import (
    COMMUNITY_WORDS,
    FEMALE_GIVEN,
    MALE_GIVEN,
    SHOP_KINDS,
    STREETS,
    SURNAMES,
    TRADE_NAME_CHARS,
    VILLAGE_PREFIXES,
    VILLAGE_SUFFIXES,
)

_SURNAME_CHARS = [s for s, _ in SURNAMES]
_SURNAME_WEIGHTS = [w for _, w in SURNAMES]
_ORG_KINDS = ("建筑工程有限公司", "食品有限公司", "机械制造有限公司", "商贸有限公司", "物流有限公司",
              "劳务有限公司", "木业有限公司", "教育咨询有限公司")
_CN_DIGITS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Place:
    """Where an appeal happens: a village or a compound in a township."""

    township: str
    name: str
    road: str
    urban: bool


def person_name(rng: random.Random) -> str:
    """A plausible citizen name (surname + one or two given characters)."""
    surname = rng.choices(_SURNAME_CHARS, _SURNAME_WEIGHTS)[0]
    pool = MALE_GIVEN if rng.random() < 0.52 else FEMALE_GIVEN
    given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.6 else "")
    return surname + given


def mobile(rng: random.Random) -> str:
    """A fake mobile number in the valid format 1[3-9]xxxxxxxxx.

    >>> import re; bool(re.fullmatch(r"1[3-9]\\d{9}", mobile(random.Random(1))))
    True
    """
    return "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))


def place(rng: random.Random, township: str) -> Place:
    """A village (towns) or a residential compound (streets, the development zone)."""
    urban = township.endswith(("街道", "开发区"))
    if urban and rng.random() < 0.8:
        name = rng.choice(COMMUNITY_WORDS) + rng.choice(("小区", "花园", "家园", "社区"))
    else:
        name = rng.choice(VILLAGE_PREFIXES) + rng.choice(_SURNAME_CHARS[:30]) + rng.choice(VILLAGE_SUFFIXES)
        if not name.endswith("村"):
            name += "村" if rng.random() < 0.5 else ""
    return Place(township, name, rng.choice(STREETS), urban)


def org(rng: random.Random) -> str:
    """An invented company name."""
    return "莒县" + rng.choice(TRADE_NAME_CHARS) + rng.choice(TRADE_NAME_CHARS) + rng.choice(_ORG_KINDS)


def _fill(template: str, rng: random.Random, where: Place) -> str:
    return template.format(
        place=where.township + where.name if rng.random() < 0.5 else where.name,
        road=where.road,
        org=org(rng),
        n=rng.randint(2, 9),
        m=_CN_DIGITS[rng.randint(1, 7)],
        shop=rng.choice(SHOP_KINDS),
    )


def subject(level2: str, rng: random.Random) -> tuple[str, str]:
    """(title, sentence template) for a level-2 category (a generic one when unknown)."""
    return rng.choice(vocab.SUBJECTS.get(level2) or vocab.GENERIC)


def compose(
    rng: random.Random,
    *,
    level2: str,
    where: Place,
    appeal_type: str,
    emotion: str,
    intensity: int,
    signals: tuple[str, ...] = (),
    groups: tuple[str, ...] = (),
    contact_no: int = 1,
    topic: tuple[str, str] | None = None,
) -> tuple[str, str]:
    """Return (title, text) for one appeal; `topic` keeps a repeat caller on the same issue."""
    title, sentence = topic or subject(level2, rng)
    parts = [rng.choice(vocab.OPENINGS)]
    if contact_no > 1:
        parts.append(f"这是我第{_CN_DIGITS[min(contact_no, 10) - 1]}次打电话反映这个问题了，")
    for group in groups:
        parts.append(rng.choice(vocab.GROUP_PHRASES[group]))
    if appeal_type == "praise":
        parts.append("之前反映" + _fill(sentence, rng, where) + "，工作人员很快就上门处理好了。")
    else:
        parts.append(_fill(sentence, rng, where) + "。")
    for kind in signals:
        parts.append(vocab.URGENCY_SIGNALS[kind][0])
    phrases = vocab.EMOTION_PHRASES[emotion]
    parts.append(rng.choice(phrases.get(intensity) or phrases[min(phrases)]))
    parts.append(rng.choice(vocab.REQUESTS[appeal_type]))
    text = "".join(parts).replace("，。", "。")
    head = "再次反映" if contact_no > 1 else ("表扬" if appeal_type == "praise" else "反映")
    return f"{head}{where.township}{where.name}{title}"[:200], text
