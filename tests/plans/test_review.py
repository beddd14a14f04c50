"""plans.review: the import preview's corrections applied to a draft, and the review kept with the plan."""

from plans.fulltext import read_fulltext
from plans.review import apply_review, statements_of

TEXT = """关于印发某市职业技能提升行动方案的通知
一、工作成效
2023年全市共培训农民工2.3万人次。
二、主要任务
(一)开展农民工技能培训。每年培训农民工1万人次以上。给予每人1000元培训补贴。2023年,全市已新增技能人才8000人。(市人社局、市财政局按职责分工负责)
三、保障措施
(一)加强组织领导。各地要高度重视。
"""
ARGS = {"filename": "a.txt", "slug": "a", "title": "a", "region_code": "210000", "year": 2024}


def draft():
    return read_fulltext(TEXT, **ARGS)


def test_without_corrections_every_statement_is_reviewed_as_read():
    document = apply_review(draft())
    task = document["key_tasks"][0]
    assert [t["value"] for t in task["targets"]] == ["10000"]
    assert [m["text"] for m in task["measures"]] == ["给予每人1000元培训补贴"]
    assert {entry["text"]: entry["imported_as"] for entry in document["import_review"]} == {
        "每年培训农民工1万人次以上": "target",
        "给予每人1000元培训补贴": "rule",
        "2023年,全市已新增技能人才8000人": "result",
        "各地要高度重视": "measure",  # the safeguards chapter's task (三、保障措施)
    }
    assert not any(entry["corrected"] for entry in document["import_review"])
    assert "statements" not in task


def test_a_result_corrected_to_a_target_becomes_a_target_and_the_correction_is_kept():
    statements = statements_of(draft())
    index = next(s["index"] for s in statements if s["text"].startswith("2023年,全市已新增"))
    document = apply_review(draft(), {index: "target"})
    task = document["key_tasks"][0]
    assert [(t["number"], t["value"]) for t in task["targets"]] == [(1, "10000"), (2, "8000")]
    (entry,) = [e for e in document["import_review"] if e["corrected"]]
    assert (entry["read_as"], entry["imported_as"], entry["task"]) == ("result", "target", 1)


def test_a_target_corrected_away_leaves_the_targets():
    statements = statements_of(draft())
    index = next(s["index"] for s in statements if s["text"].startswith("每年培训"))
    task = apply_review(draft(), {index: "name"})["key_tasks"][0]
    assert task["targets"] == []
    assert [m["text"] for m in task["measures"]] == ["给予每人1000元培训补贴", "每年培训农民工1万人次以上"]


def test_unknown_roles_and_positions_are_ignored():
    assert apply_review(draft(), {0: "nonsense", 999: "target"}) == apply_review(draft())


def test_a_targets_reading_is_corrected_field_by_field_and_reviewed():
    index = next(s["index"] for s in statements_of(draft()) if s["text"] == "每年培训农民工1万人次以上")
    fixes = {index: {0: {"value": "12000", "qualifier": "at_most", "per_unit_level": "county", "name": "ignored"}}}
    document = apply_review(draft(), readings=fixes | {index: fixes[index] | {5: {"value": "1"}}})
    (target,) = document["key_tasks"][0]["targets"]
    assert (target["value"], target["qualifier"], target["per_unit_level"]) == ("12000", "at_most", "county")
    assert target["higher_is_better"] is False and target["name"] != "ignored"
    entry = next(e for e in document["import_review"] if e["text"] == "每年培训农民工1万人次以上")
    assert entry["corrected"] and [fix["field"] for fix in entry["readings_corrected"]] == [
        "value", "qualifier", "per_unit_level"
    ]  # fmt: skip


def test_a_reading_of_a_statement_corrected_away_from_target_is_dropped():
    index = next(s["index"] for s in statements_of(draft()) if s["text"] == "每年培训农民工1万人次以上")
    document = apply_review(draft(), {index: "result"}, {index: {0: {"value": "12000"}}})
    assert document["key_tasks"][0]["targets"] == []
    entry = next(e for e in document["import_review"] if e["text"] == "每年培训农民工1万人次以上")
    assert entry["readings_corrected"] == [] and entry["imported_as"] == "result"
