"""What a statement of a plan document is before what it counts: its role. Pure functions, no Django.

A number in a plan is not always a target. A sentence may report what was already done (a result: “去年全市
城镇新增就业5.55万”), set a rule (a subsidy standard, a rate, a number of hours: “总课时不低于400学时”),
describe the setting (background: “数字人才缺口在2500万至3000万”), or carry a number that only names or scopes
something (a name: “实施12项专项计划”, “‘双百双千’培育工程”). Only a target is read into quantities.

The role is decided from the statement's grammar (markers of the past and of completion, of forecasts, of
rules, of intent) and from the heading it sits under (主要目标 / 目标任务 vs 工作成效 / 发展基础), and the words that
decided it are kept so that the import preview can show them. Read with its document (`read_document`), a
statement whose own words are weak is also put to a learned second opinion (`plans.role_model`). Every pattern
is a set of literal alternatives: linear in the length of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from plans import role_model
from plans.reading import ReadTarget, normalise, policy_parameters, prepared, read_targets

TARGET, RESULT, RULE, BACKGROUND, NAME = "target", "result", "rule", "background", "name"
ROLE_LABELS = {TARGET: "目标", RESULT: "已有成绩", RULE: "政策规则", BACKGROUND: "背景情况", NAME: "名称或范围"}

# Headings that say what the paragraphs under them are.
_RESULT_HEADINGS = re.compile(r"成效|成绩|回顾|进展|推进情况|完成情况|工作总结|现实基础|发展环境|背景|取得")
_BACKGROUND_HEADINGS = re.compile(r"发展基础|面临形势|形势分析|现状")
# Headings of a scheme's conditions and standards: every sentence under them is a rule.
_RULE_HEADINGS = re.compile(
    r"适用范围|适用对象|补助标准|补贴标准|奖补标准|申报条件|认定条件|需具备|具备以下|基本条件|享受条件|补贴对象"
)
_TARGET_HEADINGS = re.compile(r"目标|任务|指标|措施|行动|工作要点|重点工作")

# Grammar of a report: completion, the past, a comparison with the past.
_RESULT_WORDS = re.compile(
    r"已经|已有|已建成|已(?:新增|组织|举办|招募|选派|吸纳|带动|评选|帮助)|已设立|已就业|已开展|已参加|已达|已完成|已累计|已培训|已发放|已成功|已实现|"
    r"完成全年任务|完成全年目标|完成年度任务|目标任务的|任务的\d|超额完成|同比增长|同比增加|同比下降|较上年|比上年|"
    r"比第一届|以来|去年|上年度(?!缴纳|实际|用工|职工|平均|工资)|上半年|一季度|二季度|三季度|首季|前三季度|1-3月|1至\d{1,2}月|截至|截止|至此|目前|近年来|"
    r"五年来|十年来|期末|成功发放|惠及|共计发放|共扶持|共培养|共获得|共设置|累计表彰|累计获得|累计达|累计开展|"
    r"累计组织|累计帮助|累计支出|累计运送|累计返乡|均稳定在|保持在|增加到|增至|提高到\d|提升了|由\d|从\d{4}年|"
    r"全部完成|约为|筹集|据统计|数据表明|数据显示|同期|较上年|较\d{4}年|完成年度目标|目标的\d|率为\d|率平均为|共计(?!划)|"
    r"居全省|位居|仅次于|过去一年|过去五年|完成年计划|完成年度计划|当下|(?<![—~至到\d])20[12]\d年[^,，;；。]{0,12}?共(?!青团)|"
    r"稳步增长|同比分别|突破 ?\d|^年末|(?<=[,，])年末|入选|评审出|公示了|较[一二三四五六七八九十\d]+年前|"
    r"首次跃上|新台阶|已到岗|到岗率|上榜|荣获|获评|被评为|被授予|已公布|已认定|超额完成|"
    r"“?十[一二三]五”?(?:期间|时期)|近日|日前|近期|公示名单|拟确定|共表彰|获(?!奖)[\u4e00-\u9fff]{0,6}表彰|表彰了|人为第[一二三四五六七八九十\d]++批|"
    r"举行|揭晓|从20[12]\d年起|近[\d一二三四五六七八九十]++年来|提前完成|首三季|已超过|"
    r"(?:打造|建设|建成|培训|开展|举办|组织|发放|认定|培育|帮助|实现|完成|新增|创建|设立|推出|发布|招募|吸纳|带动)了(?!解)|"
    r"(?:全国|全省|全市|全县|全区|我省|我市|我县|我区)[\u4e00-\u9fff]{0,4}?共(?!青团|同|享|建|创|商|治)|列入[\u4e00-\u9fff]{0,8}试点|(?<=[;；,，])累计|(?<![为除])了(?=\d)|(?:超过|达到|增长|提高|增加|减少|下降)了"
)
# A report of a past calendar year: “2021年,全市共扶持…”; or a year named with 的 (“由2012年的37287万人”).
_PAST_YEAR = re.compile(r"(?:^|[,，;；:：])\s*20[12]\d年(?:度)?[,，]|20[12]\d年的")
# A year's total for a whole territory, unqualified: “2022年全国取得证书…”, “2023年我省新增…”.
_PAST_TOTAL = re.compile(r"(?<![到至\d—~-])20[12]\d年(?:度)?[,，]?(?:全国|全省|全市|全县|全区|我国|我省|我市|我县)")
# “累计”, “共” report a tally unless the figure is qualified as a goal (“累计实现新增就业35万人以上”).
_TALLY = re.compile(r"^累计|累计转移|累计招生|共组织|共招生|共有")
_QUALIFIED = re.compile(r"以上|左右|不低于|不少于|力争|确保|实现|每年|全年|要|将|目标")
# A report rounds (“近9000家”, “1800余人”, “4400多万人次”); a goal is qualified (以上, 左右).
_APPROXIMATE = re.compile(r"近\d|(?<=\d)余[人个家户所项名万份场次]|(?<=\d)多[万人个家户名所份场次项]")
# Words of a total or a change that a goal uses too, when a 以上/左右 qualifies its figure.
_CHANGE_CUES = ("累计", "较", "比上年", "提高到", "增加到", "增至", "共计", "保持在", "任务的")
# A share of a plan already done: “完成106.35%”, “完成全年任务的85%” (a goal says 完成率达到…).
_DONE_SHARE = re.compile(
    r"完成\d++(?:\.\d++)?%|完成[\u4e00-\u9fff]{0,6}(?:任务|目标|计划)的?\d++(?:\.\d++)?%|已完成[^,，;；。]{0,8}?\d"
)
_MEDALS = re.compile(r"金牌|银牌|铜牌|奖牌|金奖|银奖|铜奖|优胜奖|(?<!\d)\d++金(?:\d++银)?")
_FORECAST_WORDS = re.compile(
    r"预计|缺口|需求量|需求激增|调查显示|据测算|据初步统计|现有(?!基础)|总数超|占GDP|城镇化率|"
    r"数字经济规模|规模以上|产值|企业总数|常住人口|以上人口|平均年龄|出生|将显著|再创新高|逐年增加|高校毕业生达|"
    r"本届|周年|比重达|农民工总量|需供比|供求比|求人倍率|约有|就业人口总量|全球|参赛|选手|比赛项目|赛项"
)
# A figure with a goal's qualifier: “规模以上工业增加值增长7%左右” is a goal about the economy, not background.
_QUALIFIED_FIGURE = re.compile(r"\d(?:\.\d++)?%?[\u4e00-\u9fff]{0,2}(?:以上|左右|以内)")
# Words of the past that no plan uses of what it asks: a goal met early, a total already reached, a target beaten.
_DECISIVE_PAST = re.compile(
    r"已经?(?:达到?|超过|突破|筹集|建成|累计)|提前完成|(?<!\d)20[012]\d年来|近[\d一二三四五六七八九十]++年来"
)
# A figure measured against its target: “失业率4.45%,低于5%的控制目标”.
_BEATEN = re.compile(r"(?:低于|高于|好于|优于)[\d.%]*[\u4e00-\u9fff]{0,6}(?:控制)?目标")
# A total compared with a year of the past, told to the unit: “…达20.28万人,较2015年增长30%”.
_PAST_COMPARISON = re.compile(r"较20[01]\d年(?:底)?(?:增长|提高|增加)")
# A forecast or a gap is never a target, even with a year to come, unless it is stated as a goal.
_FORECAST_ONLY = re.compile(r"缺口|需求量|据测算|调查显示|大概率|我们认为")
_GOAL_WORDS = re.compile(r"力争|争取|确保|目标")
_RULE_WORDS = re.compile(
    r"课时|学时|分钟(?![\u4e00-\u9fff]{0,8}圈)|费率|期限为|的[\u4e00-\u9fff]{0,8}[,，]?[\u4e00-\u9fff]{0,6}给予|补贴标准|补助标准|一次性给予|按照上年度|工作日内|比例为\d|分配比例|贴息|"
    r"每人每月|每人每年|不超过(?<!\d)\d++万元|标准为|应年满|须年满|年龄不超过|只能申请|只能享受|"
    r"年龄[应须需]?(?:低于|不超过|不高于|在)|年满\d++周?岁以上|参保满|申领条件|平方米|提供\d++次|"
    r"不设上限|最多不超过|通常情况下|服务是指|个月[\u4e00-\u9fff]{0,4}补贴|延长至|适用范围|对象为|奖金|可参照|"
    r"从事[\u4e00-\u9fff]{0,8}工作[\u4e00-\u9fff]{0,4}\d++年以上|可按|按月份|全部免除|补助生活费|补贴范围|补贴金额|补贴月份|按相当于|"
    r"额度最高|最高为|贷款额度|每组[\u4e00-\u9fff]{0,4}金|参照实施|参照执行|放宽[到至]|可以?享受|"
    r"可根据|主要安置|[\u4e00-\u9fff]指在|满[\d一二三四五六七八九十]++个?[年月](?:及以上|以上)|返还比例|存储比例|按\d++(?:\.\d++)?%|"
    r"每名[\u4e00-\u9fff]{0,10}应(?!届)|应当?具有|可分别获得|一次性奖励|滚存结余|备付期限|原则上不超过|分别给予|给予[^,，;；。]{0,6}\d[\d.]*万?元|经费补助|上限为|按[^,，;；。]{0,20}的\d++(?:\.\d++)?%|"
    r"免于|免予|每[两二三四五]年[^,，;；。]{0,10}?[一1]次|符合下列|下列条件|公示期|监督电话|咨询电话|修改为|调整为|(?<![\d.])\d++小时|[一二三四五六七八九十]小时"
)
# Numbers that name or scope: “12项专项计划”, “六大领域”, “三类群体”, “十项行动”, “以…为主要对象”.
_NAME_WORDS = re.compile(
    r"(?=[\d一二三四五六七八九十百千万分共围聚为下等项件个突子计])(?:"  # a first character of one of the names, quickly
    r"(?<!\d)\d++项[\u4e00-\u9fff]{0,4}?(?:专项计划|重点|行动|指标|任务)|(?<!\d)\d++项[\u4e00-\u9fff]{0,12}?活动|(?<!\d)\d++个行动|(?<![一二三四五六七八九十\d])[一二三四五六七八九十\d]++大(?:关键|技能)?(?:领域|类|产业|服务业|目标|先进|工程|举措|服务板块|板块|行动|品牌|主要任务|任务)|"
    r"(?<![一二三四五六七八九十\d])[一二三四五六七八九十\d]++类(?:重点)?群体|[一二三四五六七八九十]项行动|(?<!\d)\d++个重点项目|(?<!\d)\d++条舉措|(?<!\d)\d++条举措|"
    r"(?<!\d)\d++[条项](?:具体)?(?:政策|措施|举措)|分为[\d一二三四五六七八九十]++个?(?:方面|部分)|"
    r"共分[\d一二三四五六七八九十]++章|^围绕|^聚焦|为主要对象|下设(?<!\d)\d++个|[一二三四五六七八九十\d]个方面|[一二三四五六七八九十]位一体|"
    r"等(?<!\d)\d++项举措|围绕(?<!\d)\d++个|[一二三四五六七八九十]步流程|[项件个]民生(?:实事|工程)|[一二三四五六七八九十\d]件实事|(?<!\d)\d++条[\u4e00-\u9fff]{0,8}产业链|突出抓好(?<!\d)\d++项|子项目|计划任务企业|(?<![一二三四五六七八九十\d])[一二三四五六七八九十\d]++年(?:攻坚)?行动|"
    r"(?<![百千万\d])[百千万]++[\u4e00-\u9fff]{0,8}(?:计划|招聘|行动|工程|活动)|千亿级|"
    r"(?<![一二三四五六七八九十\d])[一二三四五六七八九十\d]++个专项(?:计划|行动)|[一二三四五六七八九十]个环节|"
    r"[一二三四五六七八九十]级[\u4e00-\u9fff]{0,8}序列"
    r")"
)
# Who or what the work is about, counted: “以7600多名持证残疾人为主要对象”, “涉及…企业共92家”.
_SCOPE_WORDS = re.compile(
    r"为主要对象|个牵头单位|个责任单位|作为重点(?:地区|对象|群体)|^涉及|计划任务企业|[件项个][\u4e00-\u9fff]{0,12}之一|个[\u4e00-\u9fff()]{0,8}共同(?:开展|实施)|"
    r"(?<=”)[\u4e00-\u9fff]{0,12}[,，]即"
)
_INTENT_WORDS = re.compile(
    r"力争|争取|确保|计划|目标|要|将|(?<!达)到20\d\d年|至20\d\d年|今年|全年|每年|年均|三年|今明两年|新增|开展|完成|实现|"
    r"培训|培养|建设|遴选|认定|设立|引进|帮助|促进|发放|组织|控制在|达到|以上|左右|不低于|不少于"
)
_WORK_WORDS = re.compile(r"培训|技能|技工|技师|实训|校企合作|就业|见习")
_NUMBER = re.compile(r"\d|[一二两三四五六七八九十百千万亿]")
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Reading:
    """A statement's role, the words that decided it, and its targets (only a target statement has any)."""

    text: str
    role: str
    cues: tuple[str, ...] = ()
    targets: list[ReadTarget] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return ROLE_LABELS[self.role]

    @property
    def is_target(self) -> bool:
        return self.role == TARGET


def read_statement(text: str, *, heading: str = "") -> Reading:
    """The role of a statement under `heading`, and its targets when it is a target."""
    role, cues = classify(text, heading=heading)
    if role != TARGET:
        return Reading(text=text.strip(), role=role, cues=cues, rules=policy_parameters(text))
    return Reading(text=text.strip(), role=role, cues=cues, targets=read_targets(text), rules=policy_parameters(text))


def read_document(statements: list[tuple[str, str]]) -> list[Reading]:
    """Every statement of one document, given as (text, heading) in order, read with the document around it.

    A statement that carries no cue of its own (no goal word, no qualifier, no target heading: “建成50个市域产教
    融合共同体”) is read as what the document states: in a report, whose statements with cues are results and
    none a firm target, it is a result too; in a plan, or a report that quotes a plan's goals, it stays a target
    (a target misread as a result is lost to the import, a result misread as a target is only shown to correct).
    Before that, each statement's role is checked by the role model (`_second_opinion`)."""
    weak = [_uncued(text, heading) for text, heading in statements]
    readings = [
        _second_opinion(read_statement(text, heading=heading), heading, uncued=uncued)
        for (text, heading), uncued in zip(statements, weak, strict=True)
    ]
    reported = sum(1 for reading in readings if reading.role == RESULT and not reading.cues[0].startswith("标题"))
    firm = sum(1 for reading, uncued in zip(readings, weak, strict=True) if reading.is_target and not uncued)
    if not reported or firm:
        return readings
    return [
        Reading(text=r.text, role=RESULT, cues=("同一文件多为已有成绩", *r.cues[:2]), rules=r.rules)
        if r.is_target and uncued
        else r
        for r, uncued in zip(readings, weak, strict=True)
    ]


# How many times likelier than the grammar's role the model's role must be to replace it. Chosen on the dev
# documents of the rounds collected after the model was trained (y, z, a): 1.5 to 2.5 read best there.
MODEL_ODDS = 2.0
_OWN_PAST = re.compile(r"已|累计|共|了")


def _second_opinion(reading: Reading, heading: str, *, uncued: bool) -> Reading:
    """The grammar's role, unless the role model finds another one at least MODEL_ODDS times as likely.

    The grammar knows its words exactly and nothing beyond them; the model knows every phrasing of the dev half
    loosely. Read apart, each got about 71% of the roles of documents neither had seen; together, 77–79%."""
    if not _DIGIT.search(_quantity_text(prepared(reading.text))):
        return reading  # a sentence without a figure is a plan's measure or milestone unless its own words say not
    if reading.role == TARGET and not uncued:
        return reading  # a goal word, a qualifier or a target heading: the plan's own words say so
    if reading.role == RESULT and any(_OWN_PAST.search(cue) for cue in reading.cues):
        return reading  # 已, 累计, 共, 了: the report's own words say so
    if reading.role == RESULT and _RESULT_HEADINGS.search(normalise(heading)):
        return reading  # under 工作成效 or 回顾: the document's own structure says so
    found = role_model.probabilities(reading.text, heading)
    if not found:
        return reading
    best = max(found, key=found.get)
    if best == reading.role or found[best] < MODEL_ODDS * found[reading.role]:
        return reading
    model = f"字词模型：{ROLE_LABELS[best]} {found[best]:.0%}"
    cues = (f"{model}，规则所判{ROLE_LABELS[reading.role]} {found[reading.role]:.0%}", *reading.cues[:2])
    targets = read_targets(reading.text) if best == TARGET else []
    return Reading(text=reading.text, role=best, cues=cues, targets=targets, rules=reading.rules)


def _uncued(text: str, heading: str) -> bool:
    """A statement with a number and nothing that marks it as a goal: no goal word, no qualifier, no target heading."""
    plain = prepared(text)
    if not _NUMBER.search(_quantity_text(plain)):
        return False  # a milestone is a target whatever the document
    return (
        not _strong_intent(_unquoted(plain))
        and not _FIRM.search(plain)
        and not _TARGET_HEADINGS.search(normalise(heading))
    )


# What makes a figure a goal in any document; 全年/实现/完成 open a year-end report as often as a plan.
_FIRM = re.compile(
    r"以上|左右|以内|不低于|不少于|不超过|力争|争取|确保|每年|年均|要|将|(?<!达)到20\d\d年|计划|目标|指出|提出"
)


def classify(text: str, *, heading: str = "") -> tuple[str, tuple[str, ...]]:
    """(role, the words that decided it). A statement with no cue at all is a target."""
    plain = prepared(text)
    heading = normalise(heading)
    intent = _strong_intent(_unquoted(plain))  # “…扶贫计划” quoted names a scheme, it states no plan
    if _only_quoted_numbers(plain):
        return NAME, ("引号或书名号中的数字",)
    if not _NUMBER.search(_quantity_text(plain)):
        return _without_quantity(plain, intent, heading)
    if (names := _found(_NAME_WORDS, plain) + _found(_SCOPE_WORDS, plain)) and not _beyond_names(plain):
        return NAME, names  # “列为我市10件民生实事之一”, “七个方面,实施25项民生实事”: every number names
    if rule := _rule_clauses(plain):
        return RULE, rule
    if _RULE_HEADINGS.search(heading) and not intent:
        return RULE, (f"标题：{heading}",)
    if medals := _found(_MEDALS, plain):
        return RESULT, medals  # a contest's medals are won, whatever else the sentence says of the contest
    if (
        (forecast := _found(_FORECAST_WORDS, plain))
        and not intent
        and not (_QUALIFIED_FIGURE.search(plain.replace("规模以上", "")) and "预计" not in plain)
    ):
        return BACKGROUND, forecast
    if (forecast := _found(_FORECAST_ONLY, plain)) and not _found(_GOAL_WORDS, plain):
        return BACKGROUND, forecast  # “到2025年…缺口将达5万人”: a forecast, not a goal, whatever its year
    if beaten := _found(_BEATEN, plain):
        return RESULT, beaten
    if (compared := _found(_PAST_COMPARISON, plain)) and _precise_figures(plain):
        return RESULT, compared
    if (past := _found(_DECISIVE_PAST, plain)) and not _found(_GOAL_WORDS, plain):
        return RESULT, past  # “目前…已达541万人,提前完成…到2025年…的目标”: a goal quoted by the report that met it
    words = _found(_RESULT_WORDS, plain)
    result = words + _found(_PAST_YEAR, plain)
    if (
        result
        and not intent
        and (words or not _QUALIFIED_FIGURE.search(plain))  # “2023年,…分别增长7%和9%左右”: that year's goal
        and not (
            all(cue.startswith(_CHANGE_CUES) and not cue.endswith("年前") for cue in result)
            and _GOAL_AFTER.search(plain)
        )
    ):
        return RESULT, result  # “累计开展培训100万人次以上”, “较2020年增长1倍以上”: a change still to reach
    if done := _found(_DONE_SHARE, plain):  # “计划选派1213人,已到岗1290人,完成106.35%”: a plan's progress
        return RESULT, done
    if (tally := _found(_TALLY, plain) + _found(_APPROXIMATE, plain)) and not _QUALIFIED.search(plain) and not intent:
        return RESULT, tally
    if policy_parameters(text) and not _has_targets(text):
        return RULE, ("补贴、资金或比例规则",)
    if scope := _found(_SCOPE_WORDS, plain):
        return NAME, scope
    names = _found(_NAME_WORDS, plain)
    if names and not _has_targets(text):
        return NAME, names
    if (total := _found(_PAST_TOTAL, plain)) and not _QUALIFIED.search(plain) and not intent:
        return RESULT, total
    if (precise := _precise_figures(plain)) and not intent and not _GOAL_AFTER.search(plain):
        return RESULT, precise
    if not intent and _BACKGROUND_HEADINGS.search(heading):
        # Under 发展基础, what the skills work itself has built is a result; the economy around it is background.
        if work := _found(_WORK_WORDS, plain):
            return RESULT, (f"标题：{heading}", *work[:2])
        return BACKGROUND, (f"标题：{heading}",)
    if not intent and _RESULT_HEADINGS.search(heading) and not _TARGET_HEADINGS.search(heading):
        return RESULT, (f"标题：{heading}",)
    return TARGET, _found(_INTENT_WORDS, plain)[:3] or ("无其他线索",)


# A goal is a round figure (“1.35万人次”, “5000人”); a count of what happened is exact to the unit or to the
# hundredth of a 万 (“新增就业50801人”, “1244万人”, “23.18万人”): four significant digits or more.
_FIGURE = re.compile(r"(?<![\d.])(\d++(?:\.\d++)?)(?![\d.])(?!年|月|日|号|届|〕|\]|】|级|版|[—~至-])")
_GOAL_AFTER = re.compile(r"以上|以内|以下|左右|不低于|不少于")


def _precise_figures(text: str) -> tuple[str, ...]:
    """Figures of four significant digits or more that no 以上/左右 qualifies: a tally, not a goal."""
    found = []
    for match in _FIGURE.finditer(_quantity_text(text)):
        digits = match.group(1).replace(".", "").strip("0")
        if len(digits) >= 4 and not _GOAL_AFTER.search(text, match.end(), match.end() + 5):
            found.append(match.group(1))
    return tuple(found[:3])


_NUMERALS = frozenset("0123456789.一二两三四五六七八九十百千万")


def _beyond_names(text: str) -> bool:
    """Whether a number is left once the names and scopes, with the numbers leading into them, are taken out."""
    text = _unquoted(text)
    kept = list(text)
    for pattern in (_NAME_WORDS, _SCOPE_WORDS):
        for match in pattern.finditer(text):
            start = match.start()
            while start and text[start - 1] in _NUMERALS:
                start -= 1
            kept[start : match.end()] = " " * (match.end() - start)
    return bool(_NUMBER.search(_NOT_QUANTITY.sub("", "".join(kept))))


def _only_quoted_numbers(text: str) -> bool:
    """Numbers only inside quotation marks and titles (besides years and dates): “双百双千”, 《…(2022—2024年)》."""
    outside = _quantity_text(text)
    inside = _NOT_QUANTITY.sub("", "".join(match.group() for match in _QUOTED.finditer(text)))
    return bool(_NUMBER.search(inside)) and not _NUMBER.search(outside) and not _has_targets(text)


_NOT_QUANTITY = re.compile(
    r"〔\d{4}〕\d++号|\[\d{4}\]\d++号|\d{4}(?:年|—|-)|\d{1,2}月|\d{1,2}日|[一二三四五六七八九十]是|统一|一批|一步|一线|一体|一系列|一些|[一二三四五六七八九十]部门|(?<!\d)\d++个?部门|"
    r"十[一二三四五六七八九]五|"
    # places named with a numeral
    r"四川|三明|九江|十堰|六安|七台河|三亚|五指山|万州|万宁|百色|三门峡|四平|六盘水|三沙|二连浩特|五家渠|九龙坡|"
    r"三峡|八一|九寨沟|三河|二道|五常|万载|千阳|百花|十渡"
)


_STRONG_INTENT = re.compile(
    r"力争|争取|确保|(?<![年度部贫育扶习项占])计划(?!指标|任务企业)|目标是|目标任务是|政策目标|(?<!达)到20\d\d年|每年培训|(?<![全当])年培训|明确|"
    r"到“?十[四五]五”?末|要保持在|至少|确定(?:今年|全年|年度)|拟在|拟于|拟对|将(?:(?!预计)[^,，;；。]){0,30}?(?:提高|提升|增加|扩大)到|"
    r"将(?:年均|每年|新增|培训|组织|举办|开展|展开|创设|开发|创建|建立|打造|吸纳|带动|授予|推荐|选树|有|以|帮助|建成|建设|实现|达到|筹集|发布|提供|选派|招募|推出|培育|打造)"
)


_CLAUSE = re.compile(r"[^,，;；:：]++")


def _rule_clauses(plain: str) -> tuple[str, ...]:
    """Rule words that sit in a clause with a number (“总课时不低于400学时”), or in a sentence whose numbers are
    all in such clauses. “出台…培训补贴标准目录,…,每年培训高技能人才1万人”: the catalogue is named, the goal is a
    goal."""
    found = _found(_RULE_WORDS, plain)
    if not found:
        return ()
    clauses = [clause for clause in _CLAUSE.findall(plain) if _NUMBER.search(_NOT_QUANTITY.sub("", _unquoted(clause)))]
    if not clauses or any(_RULE_WORDS.search(clause) for clause in clauses):
        return found
    goals = [clause for clause in clauses if _GOAL_CLAUSE.search(clause)]
    return () if goals else found


# A clause that states a goal of its own: a period, a floor, a plan verb.
_GOAL_CLAUSE = re.compile(r"每年|全年|年均|(?<!达)到20\d\d年|以上|不少于|不低于|力争|确保|培训|培养|新增")


def _without_quantity(plain: str, intent: bool, heading: str) -> tuple[str, tuple[str, ...]]:
    """A statement with no number is a milestone to reach, unless it reports (“目前已基本建成…”, “…以来”), sets a
    rule (“…优先”, “需先缴清”) or only tells which documents were issued (“出台了《…》等文件”)."""
    if issued := _found(_ISSUED, plain):
        return NAME, issued
    if (result := _found(_PAST_MARKERS, plain)) and not intent:
        return RESULT, result
    if rule := _found(_RULE_WORDS, plain) + _found(_RULE_CLAUSES, plain):
        return RULE, rule
    if not intent and not _TARGET_HEADINGS.search(heading):
        if _RESULT_HEADINGS.search(heading) or _BACKGROUND_HEADINGS.search(heading):
            return RESULT, (f"标题：{heading}",)  # “一、规划背景”: what the plan builds on, not what it asks
    if setting := _found(_SETTING, plain):
        return BACKGROUND, setting
    return TARGET, ("没有数量",)


# The setting told without a figure: “2025年是“十四五”收官之年”, “就业形势复杂严峻”, “供需矛盾一直存在”.
_SETTING = re.compile(r"重要力量|基石|重要渠道|重要组成部分|之年|严峻|好于预期|依然较大|仍面临|一直存在")


# Without a figure, only a report's own words make a result: “近日…名单已公布”, “自2023年启动…以来”, “目前…已基本
# 建成”, “普遍超额完成任务”; a measure's “对已经成功创业的人员” or “已有资金” stays what the plan asks.
_PAST_MARKERS = re.compile(
    r"十[一二三]五”?(?:期间|时期)|^\d{1,2}月\d{1,2}日|^近年来|近日|以来|目前|截至|截止|已公布|已基本|超额完成|入选|开工|揭晓|获评|列入|从20[12]\d年起|获(?!奖)[\u4e00-\u9fff]{0,6}表彰|(?<![为除])了(?![解])"
)
# Conditions and orders of precedence: “…优先”, “从…中产生”, “需先缴清”, “符合下列”.
_RULE_CLAUSES = re.compile(
    r"给予奖补|给予补贴|须为|应主要|暂免|免征|扩展到|扩展至|优先|中产生|需先|须先|符合下列|申领|资格|不设上限|全部免除|待遇|自愿|强制|税费减免|推荐申报"
)
# Documents issued, named: “出台了《…》《…》等一系列文件”, “制定了《…》,现印发给你们”.
_ISSUED = re.compile(
    r"制定本|发布了?《|出台了?《|制定了?《|印发了?《|下发了?《|印发给|等一系列文件|》[^《]{0,30}?(?:印发实施|审议通过)"
)


def _strong_intent(text: str) -> bool:
    return bool(_STRONG_INTENT.search(text))


def _has_targets(text: str) -> bool:
    return any(target.kind != "milestone" for target in read_targets(text))


def _found(pattern: re.Pattern, text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(match.group().strip("，,;；:：") for match in pattern.finditer(text)))


# A quoted name (“双百双千”, 《…》); a long quotation (“…到2025年培训200万名…”) is the plan's own words, read as text.
_QUOTED = re.compile(r"“[^”]{0,20}”|「[^」]{0,20}」|《[^》]*》|\"[^\"]{0,20}\"|‘[^’]{0,20}’")


def _unquoted(text: str) -> str:
    return _QUOTED.sub("", text)


@lru_cache(maxsize=4096)
def _quantity_text(text: str) -> str:
    """The text without quoted names, dates, years and places named with a numeral: what may hold a quantity."""
    return _NOT_QUANTITY.sub("", _unquoted(text))
