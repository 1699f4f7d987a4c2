"""The category and emotion classifiers: SVM when every class can be calibrated, else LR."""

from __future__ import annotations

import pickle

from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression

from zhongshu.nlp.category import CategoryModel
from zhongshu.nlp.emotion import EmotionModel

TOPICS = {
    "城乡建设": ["小区物业不作为", "楼盘烂尾无人管", "小区电梯坏了", "物业乱收费"],
    "交通运输": ["公交线路太少", "出租车拒载", "道路拥堵严重", "公交站牌损坏"],
    "教育文体": ["学校乱收补课费", "幼儿园收费太高", "学校食堂不卫生", "教师体罚学生"],
}


def _data(per_class: int) -> tuple[list[str], list[str], list[str]]:
    titles, texts, labels = [], [], []
    for label, items in TOPICS.items():
        for t in items[:per_class]:
            titles.append(t)
            texts.append(f"{t}，请相关部门处理。")
            labels.append(label)
    return titles, texts, labels


def test_category_uses_calibrated_svm_and_explains() -> None:
    titles, texts, labels = _data(4)
    m = CategoryModel("fast").fit(titles, texts, labels)
    assert isinstance(m.clf, CalibratedClassifierCV)
    (p,) = m.predict(["小区物业"], ["物业乱收费，电梯坏了"])
    assert p.label in TOPICS and 0 < p.confidence <= 1 and p.terms


def test_category_falls_back_to_lr_for_tiny_classes() -> None:
    titles, texts, labels = _data(2)
    m = CategoryModel("fast").fit(titles, texts, labels)
    assert isinstance(m.clf, LogisticRegression)
    assert m.predict(["公交"], ["公交线路太少"])[0].label in TOPICS


def test_models_pickled_before_the_svm_still_predict() -> None:
    titles, texts, labels = _data(2)
    m = CategoryModel("fast").fit(titles, texts, labels)
    state = m.__getstate__()
    del state["coef_"], state["svm_c"], state["embed_title"]
    old = CategoryModel.__new__(CategoryModel)
    old.__setstate__(state)
    assert old.embed_title is False
    assert old.predict(["公交"], ["公交线路太少"])[0].terms is not None
    assert pickle.loads(pickle.dumps(m)).classes == m.classes


def test_emotion_svm_label_and_confidence() -> None:
    texts = ["太气人了！", "气死我了", "愤怒！垃圾", "好开心", "真高兴", "太棒了", "好担心", "害怕", "很焦虑"]
    labels = ["angry"] * 3 + ["positive"] * 3 + ["anxious"] * 3
    m = EmotionModel().fit(texts, labels)
    assert isinstance(m.clf, CalibratedClassifierCV)
    (p,) = m.predict([""], ["气死我了！"])
    assert p.label in {"angry", "positive", "anxious"} and 0 < p.confidence <= 1
