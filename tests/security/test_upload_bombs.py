"""Finding 3 of issue 21: the whole package is bounded before openpyxl reads it: parts, part sizes, elements of
every kind, and range attributes that would expand to more cells than the limit. Each bomb is refused in Chinese
before the workbook is loaded (openpyxl's loader is never reached)."""

import pytest

from benchmarks import upload_limits as bombs
from skills_admin.lib import xlsx
from skills_admin.lib.xlsx import WorkbookRejected, open_workbook_safely

LIMITS = {"max_bytes": 5 * 1024 * 1024, "max_rows": 20000}


@pytest.fixture(autouse=True)
def never_load(monkeypatch):
    """A refused bomb must never reach openpyxl's loader (where the time and memory went)."""

    def refuse(data):
        raise AssertionError("the workbook was loaded")

    monkeypatch.setattr(xlsx, "_load", refuse)


def refusal(data: bytes) -> str:
    with pytest.raises(WorkbookRejected) as caught:
        open_workbook_safely(data, **LIMITS)
    return caught.value.message


def test_the_issues_hyperlink_bomb_is_refused_by_its_range():
    data = bombs.hyperlink_bomb("A1:BH20000")
    assert len(data) < 10_000
    assert refusal(data) == xlsx.RANGE_TOO_LARGE


def test_hyperlinks_covering_more_cells_than_the_limit_together_are_refused():
    assert refusal(bombs.hyperlink_bomb("A1:T1001")) == xlsx.TOO_MANY_LINKED


def test_the_issues_550000_comments_are_refused_by_their_count():
    assert refusal(bombs.comments_bomb(550_000)) == xlsx.too_many("批注", 2_000)


def test_a_comment_whose_reference_is_a_huge_range_is_refused():
    assert refusal(bombs.comments_bomb(1, ref="A1:BH20000")) == xlsx.RANGE_TOO_LARGE


def test_data_validations_conditional_formats_and_drawings_are_counted():
    assert refusal(bombs.validations_bomb(1_001)) == xlsx.too_many("数据验证", 1_000)
    assert refusal(bombs.conditional_bomb(1_001)) == xlsx.too_many("条件格式", 1_000)
    assert refusal(bombs.drawing_bomb(501)) == xlsx.too_many("图形对象", 500)


def test_a_range_attribute_larger_than_the_cell_limit_is_refused():
    assert refusal(bombs.validations_bomb(1, sqref="A1:XFD1048576")) == xlsx.RANGE_TOO_LARGE
    assert refusal(bombs.conditional_bomb(1, sqref="A:A")) == xlsx.RANGE_TOO_LARGE


def test_too_many_parts_are_refused():
    assert refusal(bombs.parts_bomb(xlsx.MAX_PARTS)) == xlsx.TOO_MANY_PARTS


def test_a_part_larger_than_the_part_limit_is_refused(monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_PART_BYTES", 10_000)
    assert refusal(bombs.validations_bomb(200)) == xlsx.PART_TOO_LARGE


def test_elements_no_other_limit_names_are_bounded_by_the_whole_package(monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_ELEMENTS", 50_000)
    assert refusal(bombs.elements_bomb(60_000)) == xlsx.TOO_MANY_ELEMENTS


def test_refusals_are_in_chinese():
    for message in (xlsx.RANGE_TOO_LARGE, xlsx.TOO_MANY_LINKED, xlsx.TOO_MANY_PARTS, xlsx.TOO_MANY_ELEMENTS):
        assert "工作簿" in message or "超链接" in message


def test_a_few_validations_hyperlinks_and_comments_still_open(monkeypatch):
    monkeypatch.undo()
    for data in (bombs.validations_bomb(20, sqref="E5:E200"), bombs.hyperlink_bomb("A1"), bombs.comments_bomb(20)):
        assert open_workbook_safely(data, **LIMITS).active is not None
