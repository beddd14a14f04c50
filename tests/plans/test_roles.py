"""plans.roles: a statement's role (target, result, rule, background, name) and the words that decided it."""

import pytest

from plans.roles import BACKGROUND, NAME, RESULT, RULE, TARGET, classify, read_statement


@pytest.mark.parametrize(
    "text",
    [
        "2023年全市共培训农民工2.3万人次",
        "截至6月底,全市累计发放职业培训券1.2万张",
        "去年全市新增技能人才1.1万人,完成全年任务的110%",
        "上半年城镇新增就业3.1万人,同比增长5%",
        "“十三五”以来,全省已建成技能大师工作室120个",
    ],
)
def test_reports_of_what_was_done_are_results(text):
    assert classify(text)[0] == RESULT


@pytest.mark.parametrize(
    "text",
    [
        "给予每人1000元—5000元培训补贴",
        "培训达到初级工水平的总课时不低于300学时",
        "按照上年度新发放贷款金额的1%安排奖补资金",
    ],
)
def test_subsidy_standards_hours_and_rates_are_rules(text):
    assert classify(text)[0] == RULE


@pytest.mark.parametrize(
    "text",
    [
        "开展“三进”活动",
        "围绕12条重点产业链开展培训",
        "实施先进制造业、现代服务业等8项专项计划",
        "以全县3000多名脱贫劳动力为主要对象",
    ],
)
def test_numbers_that_name_or_scope_are_names(text):
    assert classify(text)[0] == NAME


@pytest.mark.parametrize(
    "text",
    ["据测算,全市养老护理员缺口在2000人左右", "预计今年高校毕业生规模达到3.2万人"],
)
def test_forecasts_and_gaps_are_background(text):
    assert classify(text)[0] == BACKGROUND


@pytest.mark.parametrize(
    "text",
    [
        "到2025年,累计开展补贴性职业技能培训30万人次以上",
        "力争全年新增高技能人才5000人",
        "每年培训养老护理员2000人次以上",
        "各地将挖掘培育培训品牌报省人力资源社会保障厅",
    ],
)
def test_goals_are_targets_even_with_tally_words(text):
    assert classify(text)[0] == TARGET


def test_heading_decides_when_the_sentence_is_silent():
    text = "全市城镇新增就业6.5万人"
    assert classify(text, heading="一、2023年工作成效")[0] == RESULT
    assert classify(text, heading="二、主要目标")[0] == TARGET
    assert classify("规模以上工业企业达到213家", heading="二、发展基础")[0] == BACKGROUND


def test_the_words_that_decided_are_kept():
    role, cues = classify("去年全市新增技能人才1.1万人,完成全年任务的110%")
    assert role == RESULT and "去年" in cues and "完成全年任务" in cues


def test_only_a_target_is_read_into_quantities():
    assert read_statement("2023年全市共培训农民工2.3万人次").targets == []
    (target,) = read_statement("每年培训养老护理员2000人次以上").targets
    assert (str(target.value), target.unit, target.qualifier, target.period) == ("2000", "人次", "at_least", "year")


def test_classifying_a_long_text_is_linear():
    import signal

    def fail(*_):
        raise AssertionError("classifying took more than 20 s: a pattern is not linear")

    signal.signal(signal.SIGALRM, fail)
    signal.alarm(20)
    try:
        for text in ("1" * 16_000, "已" * 16_000, "2023年" * 3000, "“" + "一" * 16_000, "每年培训" * 4000):
            classify(text, heading="工作成效" * 100)
    finally:
        signal.alarm(0)


@pytest.mark.parametrize(
    "text",
    [
        "全市城镇新增就业38417人",
        "全省技能人才总量达到512.6万人",
        "年末参保职工总数达318.25万人",
        "全区技工院校在校生规模突破 6 万人,办学条件稳步增长",
        "引进高校毕业生2.43万人,见习岗位0.86万个,同比分别增长6%、12%",
    ],
)
def test_figures_exact_to_the_unit_or_a_past_stock_read_as_results(text):
    assert classify(text)[0] == RESULT


@pytest.mark.parametrize(
    "text",
    [
        "到2027年,全市技能人才总量达到512.6万人",
        "力争全年城镇新增就业38417人",
        "新增就业1.35万人以上",
        "2022-2024年共实现新增就业20万人",
        "到“十五五”末,技工院校在校生规模要保持在12万人以上",
    ],
)
def test_goals_stay_targets_beside_the_figure_rule(text):
    assert classify(text)[0] == TARGET


def test_a_plan_end_reads_as_the_plan_period():
    (target,) = read_statement("到“十五五”末,技工院校在校生规模要保持在12万人以上").targets
    assert (target.value, target.kind, target.period, target.qualifier) == (120000, "stock", "plan", "at_least")


def test_the_work_under_a_foundation_heading_is_a_result_and_the_economy_background():
    assert classify("建成市级公共实训基地 12 个", heading="发展基础")[0] == RESULT
    assert classify("全市工业园区企业达到600家", heading="发展基础")[0] == BACKGROUND


def test_a_numbered_set_of_special_programmes_is_a_name():
    assert classify("“十五五”期间将实施技工院校建设等3个专项计划")[0] == NAME


@pytest.mark.parametrize(
    "text",
    [
        "2022年全省开展补贴性职业技能培训58万人次",
        "其中,全市有6家单位入选",
        "省人社厅公示了评审出的4个技能大师工作室",
        "2021年高职招生达120万人,较十年前增长1.5倍",
    ],
)
def test_a_year_total_a_selection_and_a_ten_year_comparison_are_results(text):
    assert classify(text)[0] == RESULT


@pytest.mark.parametrize(
    "text",
    ["目前全省农民工总量約為1200萬人", "数控技术岗位需供比是三点五比一", "今年新进入劳动力市场的群体約有二十万规模"],
)
def test_the_labour_market_described_is_background(text):
    assert classify(text)[0] == BACKGROUND


def test_pinyin_noise_of_mirror_sites_does_not_hide_a_role():
    assert classify("目前全省農(nóng)民工總量約為1200萬人")[0] == BACKGROUND


def test_a_year_total_with_a_goal_qualifier_stays_a_target():
    assert classify("2026年全市城镇新增就业3万人以上")[0] == TARGET


def test_counted_tasks_of_a_work_plan_are_a_name():
    assert classify("四部门联合印发工作要点,部署了5个方面12项重点任务")[0] == NAME


@pytest.mark.parametrize(
    "text",
    ["申请人应年满18周岁,年龄不超过60周岁", "同一等级只能申请并享受一次技能提升补贴"],
)
def test_eligibility_ages_and_once_only_are_rules(text):
    assert classify(text)[0] == RULE


@pytest.mark.parametrize("text", ["2023年全省技工院校招生首次跃上10万人新台阶", "选派驻村干部3万名,实际到岗率超过98%"])
def test_milestones_passed_and_staff_in_post_are_results(text):
    assert classify(text)[0] == RESULT


def test_an_age_in_a_report_does_not_make_it_a_rule():
    assert classify("截至今年1月,全市12万名年满60周岁的老人全部领取了基础养老金")[0] == RESULT


def test_a_statement_without_cues_reads_as_its_document_states(monkeypatch):
    from plans import roles
    from plans.roles import read_document

    monkeypatch.setattr(roles, "MODEL_ODDS", float("inf"))  # the grammar alone; the model has tests of its own

    report = [
        ("2023年,全省新增技能人才8万人", ""),
        ("截至年底,累计建成技能大师工作室120个", ""),
        ("建成50个市域产教融合共同体", ""),
    ]
    readings = read_document(report)
    assert [r.role for r in readings] == [RESULT, RESULT, RESULT]
    assert readings[2].cues[0] == "同一文件多为已有成绩"
    # a report that quotes a firm goal, and a plan: the uncued statement stays a target
    quoted = [*report[:2], ("到2025年,技能人才总量达到120万人", ""), report[2]]
    assert read_document(quoted)[3].role == TARGET
    plan = [("每年培训农民工10万人次以上", "主要目标"), ("建成50个市域产教融合共同体", "")]
    assert [r.role for r in read_document(plan)] == [TARGET, TARGET]


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("计划选派挂职干部1213人,已到岗1290人,完成106.35%", RESULT),
        ("“十四五”期间,累计开展补贴性职业技能培训100万人次以上", TARGET),
        ("技能人才总量较2020年增长1倍以上", TARGET),
        ("高技能人才占技能人才比例提高到32%以上", TARGET),
        ("职业技能等级认定人数较上年增长15%", RESULT),
        ("1至10月,全市新增就业3.2万人", RESULT),
        ("新型学徒制培训期限为1至2年", RULE),
        ("到2025年,全市数字技能人才缺口将达5万人", BACKGROUND),
        ("每家规模以上企业至少培养1名首席技师", TARGET),
        ("对取得两个以上职业技能等级证书的给予奖励", RULE),
        ("建设15分钟就业服务圈", TARGET),
    ],
)
def test_changes_totals_and_shares_by_their_qualifier(text, role):
    assert classify(text)[0] == role


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("每个工业园区至少建设一家技能人才自主评价企业", "zone"),
        ("每家规模以上企业至少培养1名首席技师", "enterprise"),
        ("每所技工院校至少建设1个产教融合实训基地", "school"),
        ("每个行政村至少培育1名乡村工匠", "village"),
        ("每户至少1人掌握一门实用技能", "household"),
        ("每个乡镇(街道)至少建成1个就业服务站", "township"),
    ],
)
def test_quotas_for_units_beyond_regions_keep_their_level(text, level):
    (target,) = read_statement(text).targets
    assert (target.per_unit, target.qualifier) == (level, "at_least")


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("2023年共青团将继续保持帮助10万名以上高校毕业生找到工作的整体目标", TARGET),
        ("全年共计发布就业岗位不少于10万个", TARGET),
        ("将年均筹集建设保障性租赁住房6万套", TARGET),
        ("举办5万场各类招聘会", TARGET),
        ("对企业开发见习岗位的要提供3-12个月政策补贴", RULE),
        ("对首次创办小微企业的高校毕业生,给予最高8000元的一次性创业补贴", RULE),
        ("共表彰30名中华技能大奖和295名全国技术能手", RESULT),
        ("认定全省85人为第三批省级乡村工匠名师", RESULT),
        ("从2016年起,杭州市每年开展“杭州工匠”认定工作", RESULT),
        ("2020年至2022年期间,西部计划服务期满志愿者共计3695人", RESULT),
        ("鼓励各级政府对各类职业技能竞赛获奖选手进行表彰奖励", TARGET),
        ("深入实施工匠人才创新链融通等8大行动", NAME),
    ],
)
def test_programme_names_future_verbs_awards_and_service_rules(text, role):
    assert classify(text)[0] == role
