"""The role model (plans/role_model.py) and how the grammar in plans/roles.py takes its second opinion."""

import json

import pytest

from plans import role_model, roles
from plans.roles import RESULT, RULE, TARGET, read_document
from tests.plans.corpus_score import CORPUS

SPLIT = json.loads((CORPUS / "split.json").read_text(encoding="utf-8"))


def test_the_stored_model_was_trained_on_dev_documents_only():
    model = role_model.stored_model()
    trained_on = set(model["trained_on"])
    assert trained_on == set(SPLIT["dev"])
    assert not trained_on & set(SPLIT["test"])
    assert model["roles"] == sorted(roles.ROLE_LABELS)


def test_probabilities_cover_every_role_and_sum_to_one():
    found = role_model.probabilities("2023年全市共培训农民工2.3万人次", "")
    assert set(found) == set(roles.ROLE_LABELS)
    assert sum(found.values()) == pytest.approx(1)
    assert max(found, key=found.get) == RESULT


def test_training_learns_the_examples_it_is_given():
    examples = [
        ("去年完成培训1200人", "", RESULT),
        ("上年度已培训800人", "", RESULT),
        ("全年培训1000人以上", "", TARGET),
        ("每年培训2000人次", "", TARGET),
        ("补贴标准为每人1500元", "", RULE),
        ("按每人每月500元给予补贴", "", RULE),
    ]
    model = role_model.train(examples, epochs=20)
    assert model["roles"] == [RESULT, RULE, TARGET]
    for text, heading, role in examples:
        found = role_model.probabilities(text, heading, model)
        assert max(found, key=found.get) == role, text


def _fake_model(gram: str, role: str) -> dict:
    """A model that knows one bigram, strongly for `role`."""
    names = sorted(roles.ROLE_LABELS)
    return {"roles": names, "bias": [0.0] * 5, "weights": {gram: [40.0 if n == role else 0.0 for n in names]}}


def test_an_uncued_figure_takes_the_models_role_and_the_preview_names_it(monkeypatch):
    monkeypatch.setattr(role_model, "stored_model", lambda: _fake_model("共同", RESULT))
    (reading,) = read_document([("建成50个市域产教融合共同体", "")])
    assert reading.role == RESULT
    assert reading.cues[0].startswith("字词模型：已有成绩")
    assert reading.targets == []


def test_the_plans_own_words_are_never_overruled(monkeypatch):
    monkeypatch.setattr(role_model, "stored_model", lambda: _fake_model("培训", RESULT))
    statements = [
        ("力争每年培训农民工10万人次以上", ""),  # a goal word and a qualifier
        ("培训农民工10万人次", "二、主要目标"),  # a target heading
        ("加强培训基地建设", ""),  # no figure: a measure of the plan
    ]
    assert [reading.role for reading in read_document(statements)] == [TARGET, TARGET, TARGET]


def test_a_weak_second_opinion_changes_nothing(monkeypatch):
    model = _fake_model("共同", RESULT)
    model["weights"]["共同"] = [0.3 if name == RESULT else 0.0 for name in model["roles"]]
    monkeypatch.setattr(role_model, "stored_model", lambda: model)
    (reading,) = read_document([("建成50个市域产教融合共同体", "")])
    assert reading.role == TARGET


def test_without_a_stored_model_the_grammar_reads_alone(monkeypatch):
    monkeypatch.setattr(role_model, "stored_model", lambda: {})
    (reading,) = read_document([("建成50个市域产教融合共同体", "")])
    assert reading.role == TARGET and reading.targets


def test_a_result_in_the_reports_own_words_or_under_a_results_heading_is_never_overruled(monkeypatch):
    monkeypatch.setattr(role_model, "stored_model", lambda: _fake_model("技能", TARGET))
    statements = [
        ("2023年,全省已新增技能人才8万人", ""),  # 已
        ("全省累计培训技能人才8万人", ""),  # 累计
        ("2023年,全省新增技能人才8万人", "一、2023年工作成效"),  # a results heading
    ]
    assert [reading.role for reading in read_document(statements)] == [RESULT, RESULT, RESULT]
    # the same past year with no such words and no such heading is the model's to decide
    (reading,) = read_document([("2023年,全省新增技能人才8万人", "")])
    assert reading.role == TARGET and reading.targets[0].value == 80000
