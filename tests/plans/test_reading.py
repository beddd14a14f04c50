"""plans.reading: the seed statements read exactly as target_statements.json says, plus real phrasing."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plans.reading import ReadTarget, decimal_text, normalise, parse_number, policy_parameters, read_targets

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "target_statements.json"
STATEMENTS = json.loads(SEEDS.read_text(encoding="utf-8")) if SEEDS.exists() else []
D = Decimal


def readings(text: str) -> list[dict]:
    return [target.to_json_dict() for target in read_targets(text)]


def only(text: str) -> dict:
    (reading,) = readings(text)
    return reading


# ------------------------------------------------------------------------------- the specification


@pytest.mark.skipif(not STATEMENTS, reason="seed statements not available")
@pytest.mark.parametrize("statement", STATEMENTS, ids=[s["text"][:20] for s in STATEMENTS])
def test_seed_statement_reads_as_expected(statement):
    got = readings(statement["text"])
    if not statement["expect"]:
        assert len(got) == 1
        assert got[0]["value"] is None
        assert got[0]["kind"] == "milestone"
        return
    assert len(got) == len(statement["expect"])
    for reading, expected in zip(got, statement["expect"], strict=True):
        assert {key: reading[key] for key in expected} == expected


# ------------------------------------------------------------------------------- real phrasing


@pytest.mark.parametrize(
    ("text", "value", "unit", "qualifier", "kind", "period"),
    [
        ("3年培训3000人次以上", "3000", "人次", "at_least", "flow", "plan"),
        ("技能人才總量突破100萬人", "1000000", "人", "at_least", "stock", None),
        ("每萬名就業人員中技能人才占比900人", "900", "人", "exact", "ratio", None),
        ("每季度发布急需紧缺技术工种50个", "50", "个", "exact", "count", "quarter"),
        ("全年开展急需紧缺工种培训5万人次", "50000", "人次", "exact", "flow", "year"),
        ("计划每季度发布急需紧缺技术工种50个左右", "50", "个", "about", "count", "quarter"),
        ("全年开展急需紧缺工种培训5万人次左右", "50000", "人次", "about", "flow", "year"),
        ("全年争取培训退役军人1万人次左右", "10000", "人次", "strive", "flow", "year"),
        ("全年共开展失业人员等其他就业重点群体技能培训5万人次左右", "50000", "人次", "about", "flow", "year"),
        ("每年完成城鄉勞動者就業技能培訓不低于2萬人", "20000", "人", "at_least", "flow", "year"),
        ("每年開展崗位技能培訓不低于4萬人次", "40000", "人次", "at_least", "flow", "year"),
        ("每年開展社會化培訓2.3萬人次以上", "23000", "人次", "at_least", "flow", "year"),
        ("評價認定高技能人才占比不低于20%", "20", "%", "at_least", "ratio", None),
        ("每年培養500名以上工程人才取得技師以上職業技能等級證書", "500", "名", "at_least", "flow", "year"),
        ("各縣(區)每年組織15場次以上技能競賽", "15", "场次", "at_least", "flow", "year"),
        ("市各功能區每年組織6場次以上技能競賽", "6", "场次", "at_least", "flow", "year"),
        ("每年開設本地企業“訂單班”“冠名班”25個以上", "25", "个", "at_least", "flow", "year"),
        ("每年建成產教融合型示范企業和生產型實訓基地1個", "1", "个", "exact", "flow", "year"),
        ("每年培訓高技能人才1萬人", "10000", "人", "exact", "flow", "year"),
        ("高技能人才占技能劳动者的比例达到30%以上", "30", "%", "at_least", "ratio", None),
        ("到2021年底,开展各类职业技能培训12000人次以上", "12000", "人次", "at_least", "flow", "plan"),
        ("3年培训1800人次以上", "1800", "人次", "at_least", "flow", "plan"),
        ("全面推行企业新型学徒制和现代学徒制,3年培养300名新型学徒", "300", "名", "exact", "flow", "plan"),
        ("企业在岗职工技能提升培训4500人次", "4500", "人次", "exact", "flow", None),
        ("劳动预备制培训 500人次", "500", "人次", "exact", "flow", None),
        ("巧媳妇工程就业创业技能培训 600人", "600", "人", "exact", "flow", None),
        ("全省在校生规模力争突破7万人", "70000", "人", "strive", "stock", None),
        ("到2024年,技能人才总量达到100万人", "1000000", "人", "exact", "stock", "plan"),
        ("到2024年,高技能人才达到30万人", "300000", "人", "exact", "stock", "plan"),
        ("贫困户帮扶100户以内", "100", "户", "at_most", "flow", None),
        ("每月举办招聘会2场", "2", "场", "exact", "count", "month"),
        ("新增就业岗位约3000个", "3000", "个", "about", "flow", None),
        ("完成职业技能鉴定300余人", "300", "人", "at_least", "flow", None),
        ("年度培训１２００人次", "1200", "人次", "exact", "flow", "year"),
        ("技能人才占比提高5个百分点", "5", "个百分点", "exact", "ratio", None),
        ("开发职业标准20项", "20", "项", "exact", "flow", None),
        ("组织技能竞赛两千场次", "2000", "场次", "exact", "flow", None),
        ("每季度领导小组召开一次会议", "1", "次", "exact", "count", "quarter"),
        ("挖掘培育至少一个地方特色技能培训品牌", "1", "个", "at_least", "flow", None),
        ("1.每季度发布急需紧缺技术工种50个;", "50", "个", "exact", "count", "quarter"),
        ("2.全年开展急需紧缺工种培训5万人次。", "50000", "人次", "exact", "flow", "year"),
        ("(一)培训农民工5万人次", "50000", "人次", "exact", "flow", None),
        ("引领各地开展百万人次的技能比武", "1000000", "人次", "exact", "flow", None),
        ("2022年培训退役军人1万人次", "10000", "人次", "exact", "flow", None),
    ],
)
def test_reads_real_phrasing(text, value, unit, qualifier, kind, period):
    reading = only(text)
    assert (reading["value"], reading["unit"], reading["qualifier"]) == (value, unit, qualifier)
    assert (reading["kind"], reading["period"]) == (kind, period)


@pytest.mark.parametrize(
    ("text", "value", "upper", "unit"),
    [
        ("择优遴选2—3所技工院校", "2", "3", "所"),
        ("择优遴选2-3所技工院校", "2", "3", "所"),
        ("择优遴选2－3所技工院校", "2", "3", "所"),
        ("每个市办好1至2所技师学院或高级技工学校", "1", "2", "所"),
        ("组织推荐2~3所技师学院", "2", "3", "所"),
        ("支持建设1—2个高技能人才培训基地", "1", "2", "个"),
        ("重点打造2—3个培训品牌", "2", "3", "个"),
        ("新增就业2—3万人", "20000", "30000", "人"),
    ],
)
def test_reads_ranges(text, value, upper, unit):
    reading = only(text)
    assert (reading["value"], reading["upper"], reading["unit"]) == (value, upper, unit)


def test_several_targets_in_one_statement():
    got = readings("发放职业培训券20万张以上,使用10万张以上。")
    assert [(r["name"], r["value"], r["qualifier"]) for r in got] == [
        ("发放职业培训券", "200000", "at_least"),
        ("使用职业培训券", "100000", "at_least"),
    ]


def test_其中_splits_and_keeps_the_period():
    got = readings("3年培训2000人次以上,其中技能提升培训占比50%以上,新培养高技能人才50人以上。")
    assert [(r["value"], r["unit"], r["kind"], r["period"]) for r in got] == [
        ("2000", "人次", "flow", "plan"),
        ("50", "%", "ratio", "plan"),
        ("50", "人", "flow", "plan"),
    ]
    assert [r["name"] for r in got] == ["培训", "技能提升培训占比", "新培养高技能人才"]


def test_suqian_goals_in_traditional_characters():
    text = (
        "三年行動期間,全市每年新增技能人才3萬人以上,其中:數字技能人才5000人,高技能人才1萬人以上。"
        "到2024年,實現全市技能人才總量突破100萬人,每萬名高技能人才占比達900人,開展各級各類技能競賽300場次,"
        "開展職業技能培訓20萬人次,開展企業新型學徒制培養5000人。"
    )
    got = readings(text)
    assert [(r["value"], r["unit"], r["qualifier"], r["kind"], r["period"]) for r in got] == [
        ("30000", "人", "at_least", "flow", "year"),
        ("5000", "人", "exact", "flow", "year"),
        ("10000", "人", "at_least", "flow", "year"),
        ("1000000", "人", "at_least", "stock", "plan"),
        ("900", "人", "exact", "ratio", "plan"),
        ("300", "场次", "exact", "flow", "plan"),
        ("200000", "人次", "exact", "flow", "plan"),
        ("5000", "人", "exact", "flow", "plan"),
    ]
    assert got[0]["name"] == "全市新增技能人才"
    assert got[3]["name"] == "全市技能人才总量"


def test_hubin_breakdown_carries_the_verb():
    got = readings("3年培训农村转移就业劳动者3000人次、两后生和离校未就业普通高校毕业生200人次、退役军人150人次")
    assert [(r["name"], r["value"]) for r in got] == [
        ("培训农村转移就业劳动者", "3000"),
        ("培训两后生和离校未就业普通高校毕业生", "200"),
        ("培训退役军人", "150"),
    ]
    assert {r["period"] for r in got} == {"plan"}


def test_hubin_table_row_with_several_targets():
    got = readings("企业百万职工技能提升培训1000人次,企业职工转岗技能培训600人次,困难职工子女技能培训600人次 |")
    assert [(r["name"], r["value"]) for r in got] == [
        ("企业百万职工技能提升培训", "1000"),
        ("企业职工转岗技能培训", "600"),
        ("困难职工子女技能培训", "600"),
    ]


def test_parenthetical_with_a_number_is_its_own_target():
    got = readings("每个市办好1至2所技师学院或高级技工学校(沈阳市、大连市重点办好3—5所)")
    assert [(r["value"], r["upper"]) for r in got] == [("1", "2"), ("3", "5")]
    assert got[0]["name"] == "每个市办好技师学院或高级技工学校"


def test_parenthetical_share_keeps_its_holder_name():
    got = readings("区工信和科技局(1000人次)、建设局(500人次)")
    assert [(r["name"], r["value"]) for r in got] == [("区工信和科技局", "1000"), ("建设局", "500")]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("每季度发布急需紧缺技术工种50个", "发布急需紧缺技术工种"),
        ("全年开展急需紧缺工种培训5万人次", "急需紧缺工种培训"),
        ("培训失业人员等其他就业重点群体共6万人次。", "培训失业人员等其他就业重点群体"),
        ("全省在校生规模力争突破7万人", "全省在校生规模"),
        ("技能劳动者占全区就业人员总量的比例达到25%以上", "技能劳动者占全区就业人员总量的比例"),
        ("年培育數字技能人才不低于5000人", "培育数字技能人才"),
        (
            "引领各地、行业企业、院校开展百万人次的技能比武和交流展示。",
            "引领各地、行业企业、院校开展技能比武和交流展示",
        ),
    ],
)
def test_names_are_the_activity(text, name):
    assert only(text)["name"] == name


# ------------------------------------------------------------------------------- milestones and review


@pytest.mark.parametrize(
    "text",
    [
        "各地将挖掘培育培训品牌报省人力资源社会保障厅",
        "按规定从技工院校教师中评选一批“职业教育省级教学名师、专业带头人”。",
        "增加比赛项目,实现世赛、国赛项目全覆盖",
        "力争形成“一市一品牌、市市有特色”的全省职业技能培训品牌效应。",
        "開展“百企崗位練兵、百場技能競賽、百萬技能人才”活動",
        "(九)百場大賽競技行動",
        "每年下半年组织实施3—6个月的数据分析培训",
        "2022年4月10日",
        "宿遷市人力資源和社會保障局 2022年3月25日",
    ],
)
def test_qualitative_statement_is_one_milestone(text):
    (target,) = read_targets(text)
    assert (target.value, target.kind, target.needs_review, target.unit) == (None, "milestone", False, "")


def test_milestone_keeps_its_whole_text_as_name():
    (target,) = read_targets("各地将挖掘培育培训品牌报省人力资源社会保障厅")
    assert target.name == "各地将挖掘培育培训品牌报省人力资源社会保障厅"
    assert target.source_text == "各地将挖掘培育培训品牌报省人力资源社会保障厅"


@pytest.mark.parametrize("text", ["培训农民工5000", "围绕全市20大重点产业链开展培训", "完成目标的3/4"])
def test_digits_that_cannot_be_read_need_review(text):
    (target,) = read_targets(text)
    assert (target.value, target.kind, target.needs_review) == (None, "milestone", True)


def test_years_and_ordinals_are_not_values():
    got = readings("1.2019—2021年培训农民工3000人次")
    assert [(r["value"], r["unit"]) for r in got] == [("3000", "人次")]


def test_source_text_is_the_original_statement():
    text = "  每年新增技能人才3萬人以上 "
    (target,) = read_targets(text)
    assert target.source_text == "每年新增技能人才3萬人以上"
    assert target.name == "新增技能人才"
    assert target.needs_review is False


def test_read_target_is_frozen():
    (target,) = read_targets("培训农民工5万人次")
    with pytest.raises(AttributeError):
        target.value = D(1)  # type: ignore[misc]
    assert isinstance(target, ReadTarget)


def test_json_dict_has_exactly_the_public_keys():
    assert set(only("培训农民工5万人次")) == {
        "name", "value", "upper", "unit", "qualifier", "kind", "period", "per_unit",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("value", "text"), [(D("5E+4"), "50000"), (D("1.50"), "1.5"), (D("13500.00"), "13500"), (D(0), "0"), (None, None)]
)
def test_decimal_text(value, text):
    assert decimal_text(value) == text


def test_normalise_traditional_and_full_width():
    assert normalise("技能人才總量突破１００萬人") == "技能人才总量突破100万人"
    assert normalise("場次 個 項 級 數 訓 練 億 縣 區 開 發 認 證 書 專 業 賽 學 務 職 養 員 術") == (
        "场次 个 项 级 数 训 练 亿 县 区 开 发 认 证 书 专 业 赛 学 务 职 养 员 术"
    )


# ------------------------------------------------------------------------------- parse_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("50", "50"),
        ("5万", "50000"),
        ("1.35万", "13500"),
        ("2.3萬", "23000"),
        ("1亿", "100000000"),
        ("1.5億", "150000000"),
        ("百万", "1000000"),
        ("十", "10"),
        ("十五", "15"),
        ("二十", "20"),
        ("两千", "2000"),
        ("兩千零五", "2005"),
        ("一百零五万", "1050000"),
        ("三千零五十", "3050"),
        ("一万二千", "12000"),
        ("一亿零五十万", "100500000"),
        ("二〇二二", "2022"),
        ("零", "0"),
        ("１２３", "123"),
        ("\uff11\uff0e\uff15万", "15000"),
        ("5千", "5000"),
        ("12,000", "12000"),
        ("0.5", "0.5"),
    ],
)
def test_parse_number(text, value):
    assert parse_number(text) == D(value)
    assert decimal_text(parse_number(text)) == value


@pytest.mark.parametrize("text", ["", "  ", "人次", "5人", "abc"])
def test_parse_number_rejects_what_is_not_a_number(text):
    with pytest.raises(ValueError):
        parse_number(text)


CN_DIGITS = "零一二三四五六七八九"


def _chinese_section(n: int) -> str:
    """0 < n < 10000 in Chinese, with 零 for inner gaps: 1005 → 一千零五, 1050 → 一千零五十."""
    out, gap = "", False
    for place, word in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // place % 10
        if digit == 0:
            gap = bool(out)
            continue
        out += ("零" if gap else "") + CN_DIGITS[digit] + word
        gap = False
    return out


def chinese(n: int) -> str:
    """A non-negative integer below 10^12 as Chinese numerals, the way plans write them."""
    if n == 0:
        return "零"
    out, gap = "", False
    for size, word in ((10**8, "亿"), (10**4, "万"), (1, "")):
        section = n // size % 10**4
        if section == 0:
            gap = bool(out)
            continue
        out += ("零" if out and (gap or section < 1000) else "") + _chinese_section(section) + word
        gap = False
    return out


def test_chinese_renderer_matches_known_forms():
    assert [chinese(n) for n in (1005, 100010, 105000, 100500000, 20)] == [
        "一千零五",
        "一十万零一十",
        "一十万五千",
        "一亿零五十万",
        "二十",
    ]


@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_chinese_numerals_round_trip(n):
    assert parse_number(chinese(n)) == n


@given(st.integers(min_value=0, max_value=10**12))
def test_arabic_with_wan_round_trips(n):
    wan = format((D(n) / 10_000).normalize(), "f")
    assert parse_number(wan + "万") == n


@given(st.integers(min_value=0, max_value=10**12))
def test_arabic_with_yi_round_trips(n):
    assert parse_number(format((D(n) / 10**8).normalize(), "f") + "亿") == n


@given(st.integers(min_value=0, max_value=10**15))
def test_full_width_digits_equal_ascii(n):
    full = str(n).translate(str.maketrans("0123456789", "".join(chr(0xFF10 + digit) for digit in range(10))))
    assert parse_number(full) == parse_number(str(n)) == n


@given(st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False, allow_infinity=False))
def test_decimals_with_wan(number):
    text = format(number, "f")
    assert parse_number(text + "万") == number * 10_000
    assert parse_number(text + "萬") == number * 10_000


@given(
    st.integers(min_value=1, max_value=99_999), st.sampled_from(["人次", "人", "个", "所", "张", "家", "场次", "名"])
)
def test_target_value_round_trips_through_a_statement(n, unit):
    reading = only(f"培训农民工{n}{unit}以上")
    assert (reading["value"], reading["unit"], reading["qualifier"]) == (str(n), unit, "at_least")


def test_ascii_quotes_are_not_read():
    got = readings('开展"百场技能竞赛、10万技能人才"活动,培训技能人才500人')
    assert [(r["value"], r["unit"]) for r in got] == [("500", "人")]


def test_a_number_that_cannot_be_read_is_left_for_review(monkeypatch):
    import plans.reading as reading

    def unreadable(text):
        raise ValueError(text)

    monkeypatch.setattr(reading, "parse_number", unreadable)
    reading._read_targets.cache_clear()  # the statement may have been read (and kept) by an earlier test
    (target,) = read_targets("培训农民工5万人次")
    reading._read_targets.cache_clear()
    assert (target.value, target.kind, target.needs_review, target.name) == (None, "milestone", True, "培训农民工")


def test_year_end_is_not_a_yearly_period():
    assert only("年底前培训农民工500人")["period"] is None


# ------------------------------------------------------------------------------- units: no closed list

UNITS = (
    "人次 人 个 家 所 场 场次 项 户 期 班 名 批 件 台 套 张 本 部 座 条 门 种 支 篇 份 位 间 处 册 届 轮 "
    "首 块 棵 株 亩 吨 辆 架 艘 例 笔 组 队 双 课时 学时 户次 班次 批次 公里 平方米".split()
)


@pytest.mark.parametrize("unit", UNITS)
def test_any_measure_word_is_a_unit(unit):
    reading = only(f"全年开展农民工培训{37}{unit}以上")
    assert (reading["value"], reading["unit"], reading["qualifier"]) == ("37", unit, "at_least")


@given(st.integers(min_value=1, max_value=99_999), st.sampled_from(UNITS))
def test_any_unit_round_trips_through_a_statement(n, unit):
    reading = only(f"培训农民工{n}{unit}以上")
    assert (reading["value"], reading["unit"]) == (str(n), unit)


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("培训农民工3万人", "30000", "人"),
        ("开展培训1.2万人次", "12000", "人次"),
        ("全年实现培训产值3亿元", "3", "亿元"),
        ("完成培训基地投资300万元", "300", "万元"),
        ("技能人才占比提高5个百分点", "5", "个百分点"),
    ],
)
def test_multipliers_and_money_units(text, value, unit):
    reading = only(text)
    assert (reading["value"], reading["unit"]) == (value, unit)


@pytest.mark.parametrize(
    "text",
    [
        "每年下半年组织实施3—6个月的数据分析培训",
        "吸纳就业6个月以上",
        "2022年培训",
        "于6月30日前完成",
        "年满16周岁",
        "评选一批“职业教育省级教学名师”",
        "三门峡市湖滨区职业技能提升行动方案",
        "通过纸质版和电子版两种方式向社会公开",
        "依托国家金保工程二期就业管理信息系统",
        "围绕全市20条重点产业链,开展技能竞赛活动",
        "聚焦5大产业集群",
    ],
)
def test_durations_dates_and_vague_amounts_are_not_quantities(text):
    (target,) = read_targets(text)
    assert target.kind == "milestone"


# ------------------------------------------------------------------------------- policy parameters


@pytest.mark.parametrize(
    "text",
    [
        "给予每人1000元—5000元培训补贴",
        "按规定给予不超过300万元的建设补助资金",
        "可先行拨付50%的培训补贴资金",
        "培训补贴不超过30%",
        "安排补助资金300万元",
        "给予不超过10万元的生活补贴",
        "将技工院校学生补贴比例从50%提至70%",
        "每个给予10万元奖励",
        "按每人每月200元的标准给予生产经营主体以工代训补贴",
    ],
)
def test_subsidy_standards_and_money_are_policy_not_targets(text):
    assert read_targets(text) == []
    assert policy_parameters(text) == [normalise(text).strip("。")]


def test_policy_rule_inside_a_sentence_with_targets_yields_only_the_targets():
    text = (
        "新增省级高技能人才培训示范基地10家、技能大师工作站15家左右,按规定分别给予不超过300万元和10万元的建设补助资金。"
    )
    got = readings(text)
    assert [(r["value"], r["unit"], r["qualifier"]) for r in got] == [("10", "家", "exact"), ("15", "家", "about")]
    assert policy_parameters(text) == ["按规定分别给予不超过300万元和10万元的建设补助资金"]


def test_rate_change_rule_yields_no_target_beside_a_target():
    got = readings("全年培训农民工1万人次,将培训补贴比例从50%提高至70%。")
    assert [(r["value"], r["unit"]) for r in got] == [("10000", "人次")]


# ------------------------------------------------------------------------------- numbers in words, bare nouns


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("每年培育百名工匠", "100", "名"),
        ("建设千个社区培训点", "1000", "个"),
        ("培训农民工一千二百人", "1200", "人"),
        ("开展职业技能培训三万人次", "30000", "人次"),
        ("组织技能竞赛两千场次", "2000", "场次"),
        ("培训5万返乡人员", "50000", "人"),
        ("培训1.5万退役军人", "15000", "人"),
    ],
)
def test_numbers_in_words_and_nouns_without_a_measure_word(text, value, unit):
    reading = only(text)
    assert (reading["value"], reading["unit"]) == (value, unit)


def test_bare_noun_reading_keeps_the_noun_in_the_name():
    assert only("培训5万返乡人员")["name"] == "培训返乡人员"


# ------------------------------------------------------------------------------- compound and per-unit


def test_each_of_two_things_is_one_target_each():
    got = readings("建设省级高技能人才培训示范基地和技能大师工作站各10家")
    assert [(r["name"], r["value"], r["unit"]) for r in got] == [
        ("建设省级高技能人才培训示范基地", "10", "家"),
        ("建设技能大师工作站", "10", "家"),
    ]


@pytest.mark.parametrize(
    ("text", "value", "per_unit"),
    [
        ("各縣(區)每年組織15場次以上技能競賽", "15", "county"),
        ("市各功能區每年組織6場次以上技能競賽", "6", "zone"),
        ("每个市办好1至2所技师学院或高级技工学校", "1", "city"),
        ("各市每年开展培训1000人次", "1000", "city"),
        ("每个县区建设1个公共实训基地", "1", "county"),
        ("每所技师学院培训5名左右工学一体化教师", "5", "school"),
        ("全市开展技能竞赛300场次", "300", ""),
        ("各地开展培训1000人次", "1000", ""),
    ],
)
def test_per_unit_wording_gives_a_per_unit_quota(text, value, per_unit):
    reading = only(text)
    assert (reading["value"], reading["per_unit"]) == (value, per_unit)


def test_named_cities_aside_is_not_a_per_unit_quota():
    got = readings("每个市办好1至2所技师学院或高级技工学校(沈阳市、大连市重点办好3—5所)")
    assert [(r["value"], r["upper"], r["per_unit"]) for r in got] == [("1", "2", "city"), ("3", "5", "")]


# ------------------------------------------------------------------------------- linear time


def _alarm(seconds: int):
    """Fail (never hang) when reading takes absurdly long: the regexes must stay linear."""
    import signal

    def fail(*_):
        raise AssertionError(f"reading took more than {seconds} s: a regex is not linear")

    signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)


@pytest.mark.parametrize(
    "text",
    ["1" * 16_000, "1" * 16_000 + "人", "一" * 16_000, "1." * 8_000, "1—" * 8_000, "培训1" + "0" * 16_000 + "万"],
)
def test_sixteen_thousand_digits_are_read_in_linear_time(text):
    import signal

    _alarm(20)
    try:
        read_targets(text)
        policy_parameters(text)
    finally:
        signal.alarm(0)


@given(st.text(alphabet="0123456789一二三四五六七八九十百千万亿.—~至人次个%年月日各每", max_size=300))
def test_reading_any_text_never_fails(text):
    for target in read_targets(text):
        assert target.kind in ("flow", "count", "stock", "ratio", "milestone")


# ------------------------------------------------------------------------------- issue #19: what other plans say


@pytest.mark.parametrize(
    ("text", "value", "qualifier", "per_unit"),
    [
        ("每所技工院校至少建设1个校外实训基地", "1", "at_least", "school"),
        ("每个园区至少培育一家技能人才自主评价企业", "1", "at_least", "zone"),
        ("每个村至少培养两名乡村工匠", "2", "at_least", "village"),
        ("每户至少1人实现就业", "1", "at_least", "household"),
        ("每个乡镇建设1个零工驿站", "1", "exact", "township"),
    ],
)
def test_per_unit_quotas_beyond_administrative_levels(text, value, qualifier, per_unit):
    reading = only(text)
    assert (reading["value"], reading["qualifier"], reading["per_unit"]) == (value, qualifier, per_unit)


@pytest.mark.parametrize(
    ("text", "value", "unit", "qualifier", "kind", "period"),
    [
        ("培训人数大于5000人", "5000", "人", "at_least", "flow", None),
        ("技能人才总量年均增长10%以上", "10", "%", "at_least", "ratio", "year"),
        ("技工院校在校生规模达到8万人", "80000", "人", "exact", "stock", None),
        ("新增就业是上年的2倍", "2", "倍", "exact", "flow", None),
        ("劳动年龄人口平均受教育年限达到11.3年", "11.3", "年", "exact", "stock", None),
        ("“十四五”期间,新增技能人才4万人以上", "40000", "人", "at_least", "flow", "plan"),
        ("今年城镇新增就业2万人以上", "20000", "人", "at_least", "flow", "year"),
        ("2022-2024年共实现新增就业3万人", "30000", "人", "exact", "flow", "plan"),
        ("三年覆盖超3000万人次", "30000000", "人次", "at_least", "flow", "plan"),
        ("共开展各类补贴性职业技能培训 3.5 万人次以上", "35000", "人次", "at_least", "flow", None),
        ("全市计划新增城镇就业人员4.78万;", "47800", "人", "exact", "flow", None),
    ],
)
def test_qualifiers_periods_levels_and_units_of_other_plans(text, value, unit, qualifier, kind, period):
    reading = only(text)
    assert (reading["value"], reading["unit"], reading["qualifier"]) == (value, unit, qualifier)
    assert (reading["kind"], reading["period"]) == (kind, period)


def test_a_calendar_year_stops_the_plan_period_carrying_on():
    got = readings("三年共开展培训180万人次以上,其中2019年培训58万人次以上")
    assert [(r["value"], r["period"]) for r in got] == [("1800000", "plan"), ("580000", None)]


def test_respectively_gives_one_target_per_object():
    got = readings("高技能人才和技能人才占比分别达到30%和50%")
    assert [(r["name"], r["value"]) for r in got] == [("高技能人才占比", "30"), ("技能人才占比", "50")]
    got = readings("技能人才和高技能人才总量分别达到724.4万、217.4万")
    assert [(r["name"], r["value"], r["unit"]) for r in got] == [
        ("技能人才总量", "7244000", "人"),
        ("高技能人才总量", "2174000", "人"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "实施先进制造业、现代服务业等12项专项计划",
        "开展“三进”活动",
        "以全市7600多名持证残疾人为主要对象",
        "实施期限为3年",
    ],
)
def test_numbers_that_name_or_scope_are_not_quantities(text):
    assert all(r["kind"] == "milestone" for r in readings(text))


def test_each_over_quoted_programmes_gives_one_target_per_programme():
    got = readings("招募“三支一扶计划”“西部计划”和选调生各800人")
    assert [(t["value"], t["unit"]) for t in got] == [("800", "人")] * 3


def test_the_places_an_offer_is_aimed_at_are_not_a_quantity():
    got = readings("拿出不少于500个岗位面向8个重点帮扶县高校毕业生招聘")
    assert [(t["value"], t["unit"], t["qualifier"]) for t in got] == [("500", "个", "at_least")]


def test_the_original_annual_quota_is_not_a_period():
    got = readings("在原年度用编计划基础上再增加300个岗位招聘应届高校毕业生")
    assert [(t["value"], t["period"]) for t in got] == [("300", None)]


def test_a_rate_written_in_words_is_read_as_a_percentage():
    got = readings("今年城镇调查失业率百分之五点五左右,城镇新增就业一千二百万人以上")
    assert [(t["value"], t["unit"], t["qualifier"], t["kind"]) for t in got] == [
        ("5.5", "%", "about", "ratio"),
        ("12000000", "人", "at_least", "flow"),
    ]


def test_pinyin_noise_is_dropped_before_reading():
    got = readings("城鎮(zhèn)新增就業(yè)80萬(wàn)人以上")
    assert [(t["value"], t["unit"], t["qualifier"]) for t in got] == [("800000", "人", "at_least")]


def test_respectively_in_traditional_characters_is_distributed_as_levels():
    got = readings("到2025年,市級工匠、首席技師將分別達到50人和300人")
    assert [(t["value"], t["kind"]) for t in got] == [("50", "stock"), ("300", "stock")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("力争到2025年,开展职业技能培训达到60万人次以上", ("600000", "人次", "strive", "flow", "plan", "")),
        ("各分署于2026年度规划办理超过350堂进修课程", ("350", "堂", "at_least", "flow", None, "")),
        ("2025年年底前,所有县(市、区)至少举办1次技能竞赛", ("1", "次", "at_least", "flow", "plan", "county")),
        ("报名人数中女性的比例不应少于百分之30", ("30", "%", "at_least", "ratio", None, "")),
    ],
)
def test_attendances_single_years_year_end_deadlines_and_every_county(text, expected):
    (target,) = [t for t in read_targets(text) if t.kind != "milestone"]
    assert (str(target.value), target.unit, target.qualifier, target.kind, target.period, target.per_unit) == expected


def test_every_per_unit_level_the_reader_finds_is_a_level_a_target_stores():
    from plans.reading import _PER_UNIT
    from targets.models import Target

    assert set(_PER_UNIT.groupindex) == set(Target.PerUnit.values)
