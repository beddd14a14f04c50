"""Reading the numeric targets (工作目标) out of plan text. Pure functions, no Django.

    >>> [t.to_json_dict() for t in read_targets("发放职业培训券20万张以上,使用10万张以上。")]  # doctest: +SKIP
    [{"name": "发放职业培训券", "value": "200000", "unit": "张", "qualifier": "at_least", ...},
     {"name": "使用职业培训券", "value": "100000", "unit": "张", "qualifier": "at_least", ...}]

A statement is cut into sentences (。), clauses (，；：其中 and parentheses holding a number) and pieces (、);
every quantity (number + unit) in a piece is one target. Period and 力争 carry on from one clause to the next
within a sentence. Text inside quotation marks is never read as a quantity. A statement without a quantity is
one milestone; it needs review only when it still holds digits that could not be read.

A unit is the measure word after the number (a broad table of 量词, plus a bare noun after a 万/亿 number:
“5万返乡人员”). Money and percentages beside subsidy words, and rules that change a rate, are policy parameters
(policy_parameters), never targets. “A和B各10家” is one target each; “每个市/各县(区)/各功能区/每所” make the
number a per-unit quota (per_unit). Every regex is linear in the length of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from functools import lru_cache

EXACT, AT_LEAST, ABOUT, AT_MOST, STRIVE = "exact", "at_least", "about", "at_most", "strive"
FLOW, COUNT, STOCK, RATIO, MILESTONE = "flow", "count", "stock", "ratio", "milestone"
MONTH, QUARTER, YEAR, PLAN = "month", "quarter", "year", "plan"
NAME_MAX = 200

# Traditional → simplified, for the characters the seed plans use (one character each, so offsets stay put).
_TRADITIONAL_PAIRS = (
    "萬万 億亿 兩两 場场 個个 項项 級级 數数 訓训 練练 總总 縣县 區区 開开 發发 認认 證证 書书 專专 "
    "業业 賽赛 學学 務务 職职 養养 員员 術术 達达 規规 於于 為为 對对 與与 動动 勞劳 戶户 張张 點点 "
    "領领 備备 機机 構构 評评 價价 競竞 們们 際际 質质 產产 鄉乡 現现 隊队 劃划 訂订 單单 稱称 獎奖 "
    "師师 擴扩 資资 會会 經经 濟济 濱滨 設设 將将 這这 來来 時时 間间 據据 關关 進进 標标 統统 傳传 "
    "藝艺 優优 勢势 選选 勵励 體体 強强 處处 條条 鏈链 類类 電电 網网 絡络 貫贯 層层 應应 試试 驗验 "
    "導导 創创 頭头 檢检 鑒鉴 補补 貼贴 繼继 續续 農农 紡纺 織织 釀酿 軍军 殘残 難难 畢毕 獲获 協协 "
    "調调 聯联 廣广 範范 圍围 態态 舉举 辦办 組组 團团 題题 積积 極极 響响 較较 營营 帶带 環环 節节 "
    "異异 績绩 驅驱 號号 議议 報报 計计 雙双 審审 論论 結结 幫帮 輔辅 雲云 軟软 崗岗 歷历 長长 門门 "
    "興兴 貢贡 獻献 勝胜 樣样 護护 遷迁 實实 佔占 廳厅 屬属 歲岁 齡龄 額额 費费 預预 劑剂 紀纪 錄录 "
    "詳详 細细 復复 讓让 參参 並并 夠够 隨随 轉转 變变 嚴严 屆届 義义 習习 黨党 國国 內内 眾众 狀状 "
    "冊册 歸归 東东 雜杂 偉伟 傾倾 問问 園园 堅坚 塊块 壯壮 寫写 寬宽 寶宝 庫库 從从 徹彻 戰战 揚扬 "
    "揮挥 撐撑 攬揽 斷断 晉晋 榮荣 樹树 橫横 況况 準准 溝沟 滿满 爭争 牽牵 當当 監监 確确 礎础 種种 "
    "籌筹 納纳 終终 給给 緊紧 線线 縱纵 繞绕 聽听 臺台 蓋盖 蘇苏 視视 記记 課课 請请 識识 譜谱 譽誉 "
    "讀读 豐丰 負负 財财 責责 貴贵 買买 購购 趨趋 踐践 載载 辯辩 運运 過过 遠远 適适 銜衔 靈灵 風风 "
    "鮮鲜 齊齐 龍龙 醫医 療疗 衛卫 廠厂 鎮镇 權权 無无 後后 陽阳 漢汉 蘭兰 嶺岭 瀋沈 連连 寧宁 遼辽 "
    "須须 還还 穩稳 餘余 撫抚 錦锦 鐵铁 盤盘 島岛 蘆芦 順顺 顯显 顧顾 啟启 約约 測测 別别 "
).split()
_FULL_WIDTH = "".join(chr(0xFF10 + digit) for digit in range(10)) + "\uff0e\uff05\uff5e\uff0d\u2013\u2015-"
_HALF_WIDTH = "0123456789.%~————"
_NORMALISE = str.maketrans(
    "".join(pair[0] for pair in _TRADITIONAL_PAIRS) + _FULL_WIDTH,
    "".join(pair[1] for pair in _TRADITIONAL_PAIRS) + _HALF_WIDTH,
)

_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2, "兩": 2}
_CN_DIGITS |= {c: i + 1 for i, c in enumerate("壹贰叁肆伍陆柒捌玖")}
_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_WAN, _YI = Decimal(10_000), Decimal(100_000_000)

_NUMERALS = "零〇一二两三四五六七八九十百千万亿"
# Each alternative starts only where a number starts (the look-behinds) and never gives digits back (the
# possessive quantifiers): reading stays linear however long a run of digits is.
_NUM = (
    r"(?:(?<![\d.])\d++(?:\.\d++)?[十百千万亿]*+"
    rf"|(?<![{_NUMERALS}])[一二两三四五六七八九十百千][{_NUMERALS}]*+)"
)
# A unit is the measure word that follows the number. The table is broad (not the handful the seed plans use),
# and what follows a 万/亿 number without a measure word is read too (“5万返乡人员”, see _noun_unit). After a
# measure word, what turns it into another word (个月, 家庭, 场地, 名单, 项目, 人民 …) is excluded.
_MEASURE_WORDS = {
    "个": "月|工作日|小时|季度|体|人(?!次)", "人": "民|口|社|大", "名": "单|称|牌|师(?!傅)", "位": "于|置",
    "家": "庭|长|乡", "所": "有|在|属|得", "场": "地|所|景|馆", "项": "目", "户": "籍|口", "期": "间|限|满|末",
    "班": "子|级|组", "次": "月|日|年|性|要", "批": "准|复", "件": "事", "台": "账|阶", "套": "餐", "张": "",
    "本": "地|市|省|级|单位|企业|职|区|县", "部": "门|署|分", "座": "谈", "条": "件|例", "门": "类|槛|户",
    "种": "类|植", "支": "持|付|出|撑", "篇": "", "份": "额", "间": "", "处": "理|室", "册": "", "届": "时",
    "轮": "训", "首": "席|批|次|创", "块": "", "棵": "", "株": "", "亩": "", "吨": "", "辆": "", "架": "构",
    "艘": "", "例": "", "笔": "", "组": "织|建|成", "队": "伍", "双": "创|向|百|一", "元": "素", "米": "",
    "克": "服", "斤": "", "倍": "", "升": "级|学|职", "节": "", "课": "程|题", "堂": "", "片": "区", "枚": "",
    "道": "路|德|理|口", "趟": "",
}  # fmt: skip
_SINGLE_UNIT = "|".join(
    f"{word}(?!{excluded})" if excluded else word
    for word, excluded in sorted(_MEASURE_WORDS.items(), key=lambda item: item[0])
)
_UNIT = rf"(?:个百分点|%|公里|千米|平方米|立方米|公斤|公顷|课时|学时|(?:{_SINGLE_UNIT})(?:次(?![月日年性]))?)"
# Characters after a 万/亿 number that are never the start of a noun being counted. Only a number with digits
# counts a bare noun: “百万职工” is the name of a programme.
_NOT_A_NOUN = "元年月日天周岁以左余多的至到和及或等是在为与每各"
_NOUN = rf"(?<=\d[万亿])(?=[\u4e00-\u9fff])(?![{_NOT_A_NOUN}])"
# A 万/亿 number that ends its clause without a measure word (“新增城镇就业人员4.78万;” “就业人数110万以上”): what
# it counts is named before it.
_BARE = r"(?<=\d[万亿])(?=以上|以下|以内|左右|[;；,，。、)）]|$)"
_PREFIX = (
    r"(?:不应少于|不应低于|应不少于|不少于|不低于|不小于|不超过|不高于|不多于|不大于|控制在|至少|突破|超过|多于|高于|低于|大于|小于|"
    r"达到|累计|约|共|各|达|超)"
)
_SUFFIX = r"(?:以上|以下|以内|左右)"
_QUANTITY = re.compile(
    rf"(?P<pre>{_PREFIX})?(?P<num>{_NUM})(?:(?P<unit1>{_UNIT})?[—~至到]++(?P<num2>{_NUM}))?"
    rf"(?P<more>多|余)?\s?(?:(?P<unit>{_UNIT})|(?P<noun>{_NOUN})|(?P<bare>{_BARE})|(?P<years>年(?=[,，;；。)）]|$)))"
    rf"(?P<post>{_SUFFIX})?(?P<de>的)?"
)
_PRE_QUALIFIERS = {
    "不应少于": AT_LEAST, "不应低于": AT_LEAST, "应不少于": AT_LEAST,
    "不少于": AT_LEAST, "不低于": AT_LEAST, "不小于": AT_LEAST, "至少": AT_LEAST, "突破": AT_LEAST,
    "超过": AT_LEAST, "超": AT_LEAST, "多于": AT_LEAST, "高于": AT_LEAST, "不超过": AT_MOST, "不高于": AT_MOST,
    "不多于": AT_MOST, "低于": AT_MOST, "控制在": AT_MOST, "约": ABOUT, "大于": AT_LEAST, "小于": AT_MOST,
    "不大于": AT_MOST,
}  # fmt: skip
_POST_QUALIFIERS = {"以上": AT_LEAST, "以下": AT_MOST, "以内": AT_MOST, "左右": ABOUT}

_STRIVE = re.compile(r"力争|争取")
_BY_YEAR = r"(?:到|至|截至|截止)\d{4}年(?:底|末)?"
_PERIODS = (
    (QUARTER, re.compile(r"每季度?|季度|按季")),
    (MONTH, re.compile(r"每月|按月|月度")),
    (YEAR, re.compile(r"全年|每年|(?<![原\d])年度|年均|当年|本年|今年(?!以来)|^年(?=[\u4e00-\u9fff])(?![底末内])")),
    (
        PLAN,
        re.compile(
            rf"{_BY_YEAR}|^期间|\d{{4}}年年?(?:底|末)前|\d{{4}}(?:年)?[—~至]\d{{4}}年|”(?:期间|时期|末)|十[四五]五(?:期间|时期|末)|"
            r"(?<![\d.—~])(?:\d—)?(?:[1-9]|[一二两三四五六七八九十])年(?![\d底末])"
        ),
    ),
)
# A calendar year on its own (“其中2019年培训…”, “2022年培训…”) names one year of the plan: no period of its own,
# and the period of the clauses before it does not carry on.
_CALENDAR_YEAR = re.compile(r"(?<![到至止\d—~])\d{4}年(?![底末\d—~至]|年[底末])")
_PERIOD_WORDS = re.compile(
    rf"{_BY_YEAR}|\d{{4}}年年?(?:底|末)前|\d{{4}}[—~至]\d{{4}}年|今年|全年|每年|年度|年均|每季度?|按季|每月|按月|(?:\d—)?(?:[1-9]|[一二两三四五六七八九十])年"
    r"(?:行动)?(?:期间|内)?|^年"
)
_RATIO_WORDS = re.compile(r"占比|比例|比重|比率")
_STOCK_WORDS = re.compile(r"总量|规模|存量|保有量|总数|年限|在校生|每万名|(?<!新增)(?:参保|保险)人数")
_LEAD_WORDS = re.compile(r"^(?:[:：\s]|其中|按规定|开展|实现|完成)+")
_VERBS = sorted(
    "培训 培养 培育 评选 发放 使用 发布 建设 新增 开展 组织 支持 评价 遴选 推荐 举办 开设 建成 取得 打造 办好 "
    "认定 创建 扶持 吸纳 帮助 招收 招生 引进 资助".split(),
    key=len,
    reverse=True,
)
_ORDINAL = re.compile(r"^\s*(?:\d+[.、](?!\d)|[(（][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、)\s*")
_NOT_A_QUANTITY = re.compile(
    r"(?<!\d)(?:\d++月\d++日|\d++月(?:底|末)?|(?:\d++—)?\d++(?:年|个月|个工作日|天|周岁|岁|小时))"
    r"|〔\d++〕\d++号|^\s*\d++[.、](?!\d)"
)
_QUOTED = re.compile(r"“[^”]*”|「[^」]*」|《[^》]*》|\"[^\"]*\"")
_PAREN_WITH_NUMBER = re.compile(r"[(（]([^()（）]*\d[^()（）]*)[)）]")
# A money amount or a percentage next to these words is a subsidy standard, a policy parameter: not a target.
_POLICY_WORDS = re.compile(r"补贴|补助|资助|资金|奖励|奖补|经费|拨付|给予|标准|津贴")
# “比例从50%提至70%”: a rule that changes a rate.
_RATE_CHANGE = re.compile(
    r"从[^，,；;]{0,20}?\d[^，,；;]{0,20}?(?:提高|提升|提|降低|降|调整|增加|扩大|上调|下调)(?:至|到)"
)
# “每个市” “各县(区)” “市各功能区” “每所”: the number is a quota for each unit of that level.
_PER_UNIT = re.compile(
    r"(?:每个?|各|所有)(?:(?P<zone>[\u4e00-\u9fff]{0,4}?(?:功能区|开发区|园区))|(?P<county>县\(区\)|县（区）|县区|区县|县市区|县|区(?!域))"
    r"|(?P<city>设区市|地市|市(?!场|民))|(?P<school>所|院校|学校|校)|(?P<township>乡镇|乡\(镇\)|街道|镇)"
    r"|(?P<village>村|行政村|社区)|(?P<household>户|[\u4e00-\u9fff]{0,10}?家庭)|(?P<enterprise>企业|家[\u4e00-\u9fff]{0,6}?企业))"
)
_PERSONS = re.compile(r"人员|人才|人(?![民口])|者|工|生|军人|劳动力|学徒|职工|农民|毕业生|青年|妇女")
_PROGRAMME = re.compile(r"(?:行动|活动|工程|计划)$")
# A number in words counts only with these measure words: “百名” “千个” “三万人次”; not “三门峡” “两种方式” “二期”.
_WORD_NUMBER_UNITS = "个次名所家项场人户位届"
# A count that only describes how a document or a programme is built (“实施12项专项计划”, “下设15个子项目”, “以
# 7600多名持证残疾人为主要对象”): a name or a scope, never a quantity to reach.
_STRUCTURE = re.compile(
    r"[\u4e00-\u9fff]{0,4}?(?:专项计划|行动|工程|举措|指标|子项目|重点工作|重点任务)|重点项目|方面|千亿级"
)
_SCOPE = re.compile(r"[\u4e00-\u9fff]{0,8}为主要对象")
_UNITS_THEN_EACH = re.compile(r"[\u4e00-\u9fff]{0,12}?(?:县|市|区|村|乡镇|镇|学校|院校|企业|园区)(?:\(区\))?(?:每|各)")
# A clause that only names what the work is about: “围绕全市20条重点产业链”.
_CONTEXT = re.compile(r"^\s*(?:围绕|聚焦|对接|依托|服务于)")


@dataclass(frozen=True)
class ReadTarget:
    """One target read out of a statement."""

    name: str
    value: Decimal | None
    upper: Decimal | None
    unit: str
    qualifier: str
    kind: str
    period: str | None
    needs_review: bool
    source_text: str
    per_unit: str = ""  # city / county / zone / school: `value` is a quota for each such unit

    def to_json_dict(self) -> dict:
        return {
            "name": self.name,
            "value": decimal_text(self.value),
            "upper": decimal_text(self.upper),
            "unit": self.unit,
            "qualifier": self.qualifier,
            "kind": self.kind,
            "period": self.period,
            "per_unit": self.per_unit,
        }


def decimal_text(value: Decimal | None) -> str | None:
    """Decimal("5E+4") → "50000", Decimal("1.50") → "1.5"; None stays None."""
    return None if value is None else format(value.normalize(), "f")


def normalise(text: str) -> str:
    """Traditional characters, full-width digits and the many dashes → the forms the reader expects."""
    return text.translate(_NORMALISE)


# Spaces that typesetting puts around numbers (“共开展培训 3.5 万人次以上”, “2021 年”).
_SPACED_NUMBER = re.compile(r"(?<=[\d.\u4e00-\u9fff]) ++(?=[\d.])|(?<=[\d.]) ++(?=[\u4e00-\u9fff%])")


@lru_cache(maxsize=4096)
def prepared(text: str) -> str:
    """The text as every reader sees it: normalised, pinyin and number spacing dropped, rates in digits."""
    text = _SPACED_NUMBER.sub("", without_pinyin(normalise(text)))
    return _PERCENT_MIXED.sub(r"\1%", _PERCENT_IN_WORDS.sub(_percent_in_digits, text))


# Mirror sites print the reading after a character: “農(nóng)民工”, “萬(wàn)人”. The reading is dropped.
_PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]++\)")


def without_pinyin(text: str) -> str:
    return _PINYIN.sub("", text)


# “百分之五点五” (as newspapers and speeches write a rate) → “5.5%”.
_PERCENT_IN_WORDS = re.compile(r"百分之([零一二两三四五六七八九十百]+)(?:点([零一二三四五六七八九]+))?")
# “不应少于百分之30”: the words of a rate with the figure in digits.
_PERCENT_MIXED = re.compile(r"百分之(\d++(?:\.\d++)?)")
_WORD_DIGITS = str.maketrans("零一二三四五六七八九", "0123456789")


def _percent_in_digits(match: re.Match) -> str:
    whole = _clean(parse_number(match.group(1)))
    return f"{whole}.{match.group(2).translate(_WORD_DIGITS)}%" if match.group(2) else f"{whole}%"


# ---------------------------------------------------------------------------------------------- numbers


def parse_number(text: str) -> Decimal:
    """“1.35万” → 13500, “百万” → 1000000, “两千零五” → 2005, “１２３” → 123; ValueError when unreadable."""
    cleaned = re.sub(r"(?<=\d),(?=\d{3})", "", normalise(text.strip()))
    tokens = re.findall(r"\d+(?:\.\d+)?|\S", cleaned)
    if not tokens:
        raise ValueError(f"无法识别的数字：{text!r}")
    return _clean(_sum_tokens(tokens, text))


def _sum_tokens(tokens: list[str], text: str) -> Decimal:
    """Chinese place-value reading: digits, 十百千 within a section, 万 and 亿 closing sections."""
    total, below_yi, section, pending = Decimal(0), Decimal(0), Decimal(0), None
    for token in tokens:
        digit = _digit(token)
        if digit is not None:
            pending = digit if pending is None else pending * 10 + digit
        elif token in _SMALL_UNITS:
            section += (Decimal(1) if pending is None else pending) * _SMALL_UNITS[token]
            pending = None
        elif token == "万":
            below_yi += _section_value(section, pending) * _WAN
            section, pending = Decimal(0), None
        elif token == "亿":
            total += _section_value(below_yi + section, pending) * _YI
            below_yi, section, pending = Decimal(0), Decimal(0), None
        else:
            raise ValueError(f"无法识别的数字：{text!r}")
    return total + below_yi + section + (pending or 0)


def _section_value(section: Decimal, pending: Decimal | None) -> Decimal:
    """What stands before 万 or 亿: a bare “万” is one 万, “0万” is nothing."""
    if pending is None:
        return section or Decimal(1)
    return section + pending


def _digit(token: str) -> Decimal | None:
    if token in _CN_DIGITS:
        return Decimal(_CN_DIGITS[token])
    try:
        return Decimal(token) if token[0].isdigit() else None
    except InvalidOperation:
        return None


def _clean(value: Decimal) -> Decimal:
    """13500.00 → 13500, 1.50 → 1.5, never an exponent."""
    try:
        value = value.normalize()
        return value.quantize(Decimal(1)) if value == value.to_integral_value() else value
    except InvalidOperation:  # more digits than any target has
        raise ValueError(f"数字过大：{value!r}") from None


# ------------------------------------------------------------------------------------------- fragments


@dataclass(frozen=True)
class _Fragment:
    """A stretch of normalised text and its mask (quoted text blanked out, same length)."""

    text: str
    mask: str

    def split(self, pattern: str) -> list[_Fragment]:
        """The non-blank parts between the matches of `pattern` in the mask."""
        parts, start = [], 0
        for match in re.finditer(pattern, self.mask):
            parts.append(self.cut(start, match.start()))
            start = match.end()
        parts.append(self.cut(start, len(self.mask)))
        return [part for part in parts if part.mask.strip()]

    def cut(self, start: int, end: int) -> _Fragment:
        return _Fragment(self.text[start:end], self.mask[start:end])

    def joined(self, other: _Fragment, separator: str = "") -> _Fragment:
        return _Fragment(self.text + separator + other.text, self.mask + separator + other.mask)

    def drop(self, start: int, end: int) -> _Fragment:
        return _Fragment(self.text[:start] + self.text[end:], self.mask[:start] + self.mask[end:])


def _fragment(text: str) -> _Fragment:
    return _Fragment(text, _QUOTED.sub(_blank_inside, text))


def _blank_inside(quoted: re.Match) -> str:
    """“辽宁工匠” → “□□□□”: the quotation marks stay, what they quote is never read."""
    text = quoted.group()
    return text[0] + "□" * (len(text) - 2) + text[-1]


def _clauses(sentence: _Fragment) -> list[_Fragment]:
    """Clauses at ，；： and 其中, each followed by its parenthetical asides that hold a number."""
    clauses = []
    for clause in sentence.split(r"[，,；;：:]|其中"):
        clause = _without_ordinal(clause)
        asides = [aside for aside in _PAREN_WITH_NUMBER.finditer(clause.mask) if _is_aside(aside.group(1))]
        inner = [clause.cut(aside.start(1), aside.end(1)) for aside in asides]
        for aside in reversed(asides):
            clause = clause.drop(aside.start(), aside.end())
        clauses += [clause, *inner]
    return [clause for clause in clauses if clause.mask.strip()]


def _is_aside(inner: str) -> bool:
    """“(沈阳市、大连市重点办好3—5所)” is a target of its own; “(1000人次)” is a share of the clause's."""
    return bool(_QUANTITY.search(inner)) and bool(_QUANTITY.sub("", inner).strip())


def _without_ordinal(fragment: _Fragment) -> _Fragment:
    match = _ORDINAL.match(fragment.mask)
    return fragment.cut(match.end(), len(fragment.mask)) if match else fragment


def _pieces(clause: _Fragment) -> list[_Fragment]:
    """Pieces at 、; a piece without a quantity joins the next one (the last joins the previous one)."""
    pieces: list[_Fragment] = []
    waiting = None
    for piece in clause.split("、"):
        if waiting is not None:
            piece = waiting.joined(piece, "、")
        waiting = None if _QUANTITY.search(piece.mask) else piece
        if waiting is None:
            pieces.append(piece)
    if waiting is not None and pieces:
        pieces.append(pieces.pop().joined(waiting, "、"))
    return pieces


# ------------------------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class _Context:
    """What earlier clauses of the same sentence said: the period, 力争, and a “到2024年” horizon."""

    period: str | None = None
    strive: bool = False
    horizon: bool = False

    def after(self, clause: str) -> _Context:
        carried = None if _CALENDAR_YEAR.search(clause) else self.period
        return _Context(
            period=_period(clause) or carried,
            strive=self.strive or bool(_STRIVE.search(clause)),
            horizon=self.horizon or bool(re.search(_BY_YEAR, clause)),
        )


def _period(text: str) -> str | None:
    return next((period for period, pattern in _PERIODS if pattern.search(text)), None)


def read_targets(text: str) -> list[ReadTarget]:
    """Every target in a statement; a statement without a quantity is one milestone, and one whose only
    quantities are policy parameters (subsidy standards, money, rate rules) has no target at all."""
    return list(_read_targets(text.strip()))


def policy_parameters(text: str) -> list[str]:
    """The clauses of a statement that set a policy parameter (“给予每人1000元—5000元培训补贴”,
    “先行拨付50%”, “比例从50%提至70%”): text for the measure, never a target."""
    return list(_policy_parameters(text.strip()))


# The role reader asks for a statement's targets and parameters more than once (to decide, then to read): each
# is read once. The results are immutable (tuples of frozen dataclasses and strings).
@lru_cache(maxsize=4096)
def _read_targets(source: str) -> tuple[ReadTarget, ...]:
    targets: list[ReadTarget] = []
    for sentence in _fragment(prepared(source)).split(r"[。！？!?\n]"):
        targets += _read_sentence(sentence, source)
    if targets or _policy_parameters(source):
        return tuple(targets)
    return (_milestone(source),)


@lru_cache(maxsize=4096)
def _policy_parameters(source: str) -> tuple[str, ...]:
    found = []
    for sentence in _fragment(prepared(source)).split(r"[。！？!?\n]"):
        for clause in _clauses(sentence):
            if any(_is_policy(clause.mask, match) for match in _QUANTITY.finditer(clause.mask)):
                found.append(clause.text.strip())
    return tuple(found)


def _read_sentence(sentence: _Fragment, source: str) -> list[ReadTarget]:
    targets: list[ReadTarget] = []
    context, lead = _Context(), None
    for clause in _clauses(sentence):
        context = context.after(clause.mask)
        pieces = _pieces(clause)
        if lead and pieces and not _name(pieces[0]):
            pieces[0] = lead.joined(pieces[0])
        lead = None if pieces else clause
        found = [t for piece in pieces for m in _quantities(piece) for t in _targets(piece, m, context, source)]
        found = _distributed(clause.text, found)
        targets += _with_inherited_verbs(found, targets[-1].name if targets else "")
    return targets


_RESPECTIVELY = re.compile(r"分别(?:达到|达|为|提高到|提高|增长|控制在|突破|超过)?")
_COMMON_TAIL = re.compile(r"(?:占比|比例|比重|总量|规模|人数|数量)$")


def _distributed(text: str, found: list[ReadTarget]) -> list[ReadTarget]:
    """“A和B总量分别达到X、Y”: one target for A, one for B, each named for its own object (and a bare number in the
    unit of the first)."""
    respectively = _RESPECTIVELY.search(text)
    if not respectively or len(found) < 2:
        return found
    subject = _LEAD_WORDS.sub("", _PERIOD_WORDS.sub("", text[: respectively.start()])).strip(" ,，")
    things = [thing for thing in re.split(r"以及|[和及与、]", subject) if thing]
    if len(things) != len(found):
        return found
    tail = _COMMON_TAIL.search(things[-1])
    if tail and not any(_COMMON_TAIL.search(thing) for thing in things[:-1]):
        things = [thing + tail.group() for thing in things[:-1]] + things[-1:]
    first = found[0]
    return [
        replace(
            target,
            name=thing,
            unit=first.unit if target.unit == "个" and first.unit != "个" else target.unit,
            kind=first.kind,
        )
        for thing, target in zip(things, found, strict=True)
    ]


def _quantities(piece: _Fragment) -> list[re.Match]:
    """Quantities, except “每万名” (a denominator), “第一个” (an ordinal), “百场…行动” (a programme's name),
    “一批” “两种” (no count), “围绕20条产业链” (what the work is about) and policy parameters."""
    return [match for match in _QUANTITY.finditer(piece.mask) if not _not_a_target(piece.mask, match)]


def _not_a_target(mask: str, match: re.Match) -> bool:
    if match["years"] is not None and not _IS_DURATION.search(mask, 0, match.start()):
        return True
    start = match.start("num")
    if (start > 0 and mask[start - 1] in "每第") or mask.endswith("面向", 0, start):
        return True
    if match["num"] in ("百", "千") and _PROGRAMME.search(mask.strip(" 。")):
        return True
    if not re.search(r"\d", match["num"]) and (match["unit"] or "")[:1] not in _WORD_NUMBER_UNITS:
        return True
    if _CONTEXT.search(mask) or _SCOPE.match(mask, match.end()) or _is_structure(mask, match):
        return True
    if _UNITS_THEN_EACH.match(mask, match.end()):
        return True  # “62个省乡村振兴重点帮扶县每县至少培育1个”: the count of units is the scope of the quota
    return _is_policy(mask, match)


# Years are a unit only for a length of time that is a level to reach: “平均受教育年限达到11.3年”.
_IS_DURATION = re.compile(r"年限|年数|工龄|教育年")


def _is_structure(mask: str, match: re.Match) -> bool:
    unit = match["unit"] or ""
    return unit in ("项", "个", "条", "类") and not match["post"] and bool(_STRUCTURE.match(mask, match.end()))


def _is_policy(mask: str, match: re.Match) -> bool:
    """Money or a percentage beside a subsidy word, or any quantity in a rule that changes a rate."""
    if _RATE_CHANGE.search(mask):
        return True
    unit = match["unit"] or match["unit1"] or ""
    if unit == "%" and _GROWTH_BEFORE.search(mask, 0, match.start("num")):
        return False  # “研发经费投入增长18%以上”: a rate of growth to reach, whatever it measures
    return (unit.endswith("元") or unit == "%") and bool(_POLICY_WORDS.search(mask))


_GROWTH_BEFORE = re.compile(r"(?:增长|增速|增幅)(?:达到|达|保持在|为)?$")


def _targets(piece: _Fragment, match: re.Match, context: _Context, source: str) -> list[ReadTarget]:
    """One target per quantity; “A和B各10家” is one for A and one for B."""
    target = _target(piece, match, context, source)
    if match["pre"] != "各" or target.kind == MILESTONE:
        return [target]
    verb = _leading_verb(target.name)
    things = [thing for thing in re.split(r"以及|[和及与、]|(?<=”)(?=“)", target.name[len(verb) :]) if thing]
    return [replace(target, name=verb + thing) for thing in things] or [target]


def _target(piece: _Fragment, match: re.Match, context: _Context, source: str) -> ReadTarget:
    try:
        value, upper, unit = _amount(match)
    except ValueError:  # never guess a number: leave it to a person
        return replace(_milestone(source), name=_name(piece), needs_review=True)
    return ReadTarget(
        name=_name(piece),
        value=value,
        upper=upper,
        unit=unit or _implied_unit(piece.mask, match),
        qualifier=STRIVE if context.strive else _qualifier(match, piece.mask),
        kind=_kind(piece.mask, match, unit, context),
        period=context.period,
        needs_review=False,
        source_text=source,
        per_unit=_per_unit(piece.mask[: match.start()]),
    )


def _implied_unit(mask: str, match: re.Match) -> str:
    if match["bare"] is not None:
        return "人" if _PERSONS.search(mask[max(0, match.start() - 6) : match.start()]) else "个"
    return _noun_unit(mask[match.end() :])


def _noun_unit(noun: str) -> str:
    """“5万返乡人员” counts people (人); another noun without a measure word counts items (个)."""
    return "人" if _PERSONS.search(noun[:10]) else "个"


def _per_unit(before: str) -> str:
    """city / county / zone / school when the words before the number make it a quota for each unit."""
    found = list(_PER_UNIT.finditer(before))
    return found[-1].lastgroup if found else ""


def _amount(match: re.Match) -> tuple[Decimal, Decimal | None, str]:
    """Value, upper bound and unit; “300万元” keeps 万元 as its unit, “2—3万人” is 20000 to 30000."""
    number, upper, unit = match["num"], match["num2"], match["unit"] or match["unit1"] or match["years"] or ""
    if unit == "元" and number[-1] in "万亿" and not upper:
        number, unit = number[:-1], number[-1] + unit
    if upper and number[-1].isdigit() and number[0].isdigit():
        number += re.search(r"[十百千万亿]*$", upper).group()
    return parse_number(number), parse_number(upper) if upper else None, unit


def _qualifier(match: re.Match, mask: str = "") -> str:
    if match["post"]:
        return _POST_QUALIFIERS[match["post"]]
    if match["pre"] in _PRE_QUALIFIERS:
        return _PRE_QUALIFIERS[match["pre"]]
    if match["more"] or _AT_LEAST_BEFORE.search(mask, 0, match.start()):
        return AT_LEAST
    return EXACT


# “每个园区至少培育一家…”: a floor said before the verb.
_AT_LEAST_BEFORE = re.compile(r"(?:至少|不少于|不低于)[\u4e00-\u9fff]{1,6}$")


_ATTENDANCES = ("人次", "场次", "次")
# A level named by its verb (达到 / 稳定在 / 保持在 a number) when no verb of work done comes before it.
_LEVEL = re.compile(r"(?:达到|稳定在|保持在|突破)(?=\d|[一二两三四五六七八九十百千])")
_FLOW_VERBS = re.compile("|".join(_VERBS) + "|实现|完成|转移|带动|帮扶|提供|发展|招聘|创业|就业|参加|获得")


def _kind(text: str, match: re.Match, unit: str, context: _Context) -> str:
    """Ratio (占比, %), count (per quarter or month), stock (总量, 规模, “到2024年…达到”) or flow."""
    if unit in ("%", "个百分点") or _RATIO_WORDS.search(text):
        return RATIO
    if context.period in (QUARTER, MONTH):
        return COUNT
    if unit in _ATTENDANCES:
        return FLOW  # “开展职业技能培训达到60万人次”: attendances add up, they are never a level
    if _STOCK_WORDS.search(text) or (context.horizon and match["pre"] in ("达到", "达")):
        return STOCK
    if _LEVEL.search(text, 0, match.end()) and not _FLOW_VERBS.search(text, 0, match.start()):
        return STOCK  # “国家级技能大师工作室达到55个”, “机构数量稳定在…”: a level reached, nothing done counted
    return FLOW


def _name(piece: _Fragment) -> str:
    """The activity: the piece without its quantities, period words, 力争 and leading filler."""
    text = piece.text
    for other in reversed(_quantities(piece)):
        text = text[: other.start()] + text[other.end() :]
    text = _STRIVE.sub("", _PERIOD_WORDS.sub("", text.strip()))
    text = _LEAD_WORDS.sub("", text.replace("()", "").replace("（）", ""))
    return text.strip(" |，,；;。：:、")[:NAME_MAX]


def _with_inherited_verbs(targets: list[ReadTarget], before: str) -> list[ReadTarget]:
    """Names completed from their neighbours: the first target of a clause from the previous clause
    (“发放职业培训券…,使用…” → 使用职业培训券), the others from the clause's first (“评选A 10人、B 20人” → 评选B)."""
    result: list[ReadTarget] = []
    for target in targets:
        name = _object_inherited(target.name, before) if not result else _verb_inherited(target.name, result[0].name)
        result.append(replace(target, name=name))
    return result


def _object_inherited(name: str, previous: str) -> str:
    """A bare verb takes the previous target's object; an empty name takes the previous name."""
    verb = _leading_verb(previous)
    if verb and name in _VERBS and name != verb:
        return name + previous[len(verb) :]
    return name or previous


def _verb_inherited(name: str, first: str) -> str:
    verb = _leading_verb(first)
    return name if not verb or _leading_verb(name) else verb + name


def _leading_verb(name: str) -> str:
    return next((verb for verb in _VERBS if name.startswith(verb)), "")


def _milestone(source: str) -> ReadTarget:
    text = normalise(source)
    name = _ORDINAL.sub("", text).strip(" |，,；;。")
    return ReadTarget(
        name=name[:NAME_MAX],
        value=None,
        upper=None,
        unit="",
        qualifier=STRIVE if _STRIVE.search(text) else EXACT,
        kind=MILESTONE,
        period=_period(text),
        needs_review=_looks_numeric(text),
        source_text=source,
    )


def _looks_numeric(text: str) -> bool:
    """Digits left over once years, dates, durations, document numbers, ordinals and quotations are gone."""
    return bool(re.search(r"\d", _NOT_A_QUANTITY.sub("", _fragment(text).mask)))


# Amounts that divide (money, weight, length, area, volume, time, shares): a figure in them may have decimals.
DIVISIBLE_UNITS = frozenset(
    {"元", "吨", "亩", "米", "克", "斤", "升", "公里", "千米", "平方米", "立方米", "公斤", "公顷", "课时", "学时", "%"}
)


def counts_whole(kind: str, unit: str) -> bool:
    """Whether a figure of a target of `kind` in `unit` counts whole things and so takes no decimals.

    By the kind first: a per-period count always counts whole things, a ratio and a milestone never do. A flow
    or a stock counts whole things unless its unit is an amount that divides (元, 吨, 课时 …) or a multiple
    (2.5万人次 is a whole number of 人次).
    """
    if kind == "count":
        return True
    if kind not in ("flow", "stock") or not unit:
        return False
    return unit not in DIVISIBLE_UNITS and unit[0] not in "十百千万亿"
