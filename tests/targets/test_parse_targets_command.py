"""`manage.py parse_targets`: statements on stdin, one JSON object a line on stdout."""

import io
import json
import sys

from django.core.management import call_command


def run(monkeypatch, text: str) -> list[dict]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    out = io.StringIO()
    call_command("parse_targets", stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_one_json_object_per_statement(monkeypatch):
    lines = run(monkeypatch, "每季度发布急需紧缺技术工种50个\n\n  \n发放职业培训券20万张以上,使用10万张以上。\n")
    assert [line["text"] for line in lines] == [
        "每季度发布急需紧缺技术工种50个",
        "发放职业培训券20万张以上,使用10万张以上。",
    ]
    assert lines[0]["targets"] == [
        {
            "name": "发布急需紧缺技术工种",
            "value": "50",
            "upper": None,
            "unit": "个",
            "qualifier": "exact",
            "kind": "count",
            "period": "quarter",
            "per_unit": "",
        }
    ]
    assert [(t["value"], t["unit"], t["qualifier"]) for t in lines[1]["targets"]] == [
        ("200000", "张", "at_least"),
        ("100000", "张", "at_least"),
    ]


def test_milestone_and_range(monkeypatch):
    milestone, school = run(monkeypatch, "各地将挖掘培育培训品牌报省人力资源社会保障厅\n择优遴选2—3所技工院校\n")
    assert [(t["value"], t["kind"]) for t in milestone["targets"]] == [(None, "milestone")]
    assert [(t["value"], t["upper"], t["unit"]) for t in school["targets"]] == [("2", "3", "所")]


def test_output_keeps_chinese_unescaped(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("每年新增技能人才3萬人以上\n"))
    out = io.StringIO()
    call_command("parse_targets", stdout=out)
    assert "新增技能人才" in out.getvalue()
    assert "\\u" not in out.getvalue()


def test_empty_input_prints_nothing(monkeypatch):
    assert run(monkeypatch, "\n\n") == []


def test_policy_parameters_are_printed_apart_from_targets(monkeypatch):
    (line,) = run(monkeypatch, "全年培训高校毕业生1万人次左右,按规定给予每人每月1500元—2000元培训补贴\n")
    assert [t["value"] for t in line["targets"]] == ["10000"]
    assert line["policy"] == ["按规定给予每人每月1500元—2000元培训补贴"]
