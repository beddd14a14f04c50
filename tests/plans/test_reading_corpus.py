"""The labelled corpus (tests/plans/reading_corpus): its integrity, and the reader's score on each half.

The thresholds are the scores reached, not the goal of issue #19 (95% overall, every class 90%): the test half
(478 documents, 1,498 statements) reads 79.4% overall and 76.0% of roles; see the corpus README. A change that
lowers a score fails here.
"""

import json

import pytest

from tests.plans.corpus_score import CLASSES, CORPUS, score, statements

SPLIT = json.loads((CORPUS / "split.json").read_text(encoding="utf-8"))
SOURCES = {s["id"]: s for s in json.loads((CORPUS / "sources.json").read_text(encoding="utf-8"))}
ALL = [json.loads(line) for line in (CORPUS / "statements.jsonl").read_text(encoding="utf-8").splitlines()]


def rates(half: str) -> dict[str, float]:
    right, checked, _ = score(statements(half))
    found = {name: right[name] / checked[name] for name in CLASSES if checked[name]}
    return found | {"overall": sum(right.values()) / sum(checked.values())}


def test_every_statement_has_a_source_with_an_address_and_a_role():
    assert {item["doc"] for item in ALL} == set(SOURCES)
    assert all(source["address"].startswith("http") and source["title"] for source in SOURCES.values())
    assert {item["role"] for item in ALL} == {"target", "result", "rule", "background", "name"}
    assert len({item["id"] for item in ALL}) == len(ALL)


def test_the_split_is_by_document_and_the_issue_phrases_are_not_in_the_test_half():
    dev, test = set(SPLIT["dev"]), set(SPLIT["test"])
    assert not dev & test and dev | test == set(SOURCES)
    test_texts = [item["text"] for item in ALL if item["doc"] in test]
    assert not [phrase for phrase in SPLIT["issue_phrases"] for text in test_texts if phrase in text]


def test_the_dev_half_reads_as_tuned():
    found = rates("dev")
    assert found["overall"] >= 0.915
    assert all(rate >= 0.852 for rate in found.values())


FLOORS = {"overall": 0.794, "role": 0.760, "value": 0.736, "range": 0.857, "unit": 0.825}
FLOORS |= {"qualifier": 0.830, "kind": 0.810, "period": 0.749, "per-unit level": 0.845}


@pytest.mark.parametrize(("name", "floor"), FLOORS.items())
def test_the_held_out_half_reads_at_least_as_measured(name, floor):
    assert rates("test")[name] >= floor


def test_the_second_reading_is_of_dev_statements_only_and_complete():
    from tests.plans.corpus_agreement import SECOND, agreement

    second = [json.loads(line) for line in SECOND.read_text(encoding="utf-8").splitlines()]
    docs = {item["id"]: item["doc"] for item in ALL}
    assert len(second) == 200 and all(docs[item["id"]] in SPLIT["dev"] for item in second)
    assert {item["role"] for item in second} <= {"target", "result", "rule", "background", "name"}
    right, checked = agreement()
    assert checked["role"] == 200 and right["role"] == 180  # the figure the READMEs quote
