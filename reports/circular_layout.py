"""How a circular is laid out when sent (版头, 发文字号, 主送, 落款, 抄送) and which tables its body carries.

Pure: shared by the Word and PDF builders so both print the same document from the same `CircularContent`.
"""

from __future__ import annotations

from dataclasses import dataclass

from reports.circular_content import CircularContent, RankingRow, TargetSummary


@dataclass(frozen=True)
class CircularLayout:
    masthead: str = ""  # the issuing body, printed in red above a red rule; empty: no masthead
    document_number: str = ""  # 辽人社函〔2022〕3号
    recipients: str = ""  # 主送
    signature: str = ""  # 落款; empty: the content's issuer
    copy_to: str = ""  # 抄送
    printed_by: str = ""  # 印发机关 in the 版记; empty: the signature
    headline_codes: tuple[str, ...] = ()  # body tables only for these targets (the rest are in the Excel annex)
    extract_of: str = ""  # a city's extract: its name
    follow_up: tuple[str, ...] = ()  # what the follow-up notices (督办单) say this month

    def signer(self, content: CircularContent) -> str:
        return self.signature or content.issuer


def table_rows(target: TargetSummary) -> list[RankingRow]:
    """The rows worth printing: regions with a task (无任务 rows stay in the Excel annex)."""
    return [row for row in target.ranking if row.has_task]


def has_comparison(target: TargetSummary) -> bool:
    """A table is worth printing when at least two regions have a task and one of them has a figure."""
    rows = table_rows(target)
    return len(rows) >= 2 and any(row.cumulative is not None or row.completion_rate is not None for row in rows)


def body_tables(content: CircularContent, layout: CircularLayout) -> list[tuple[TargetSummary, list[RankingRow]]]:
    """The per-target tables of the body: headline targets (when marked) with something to compare."""
    chosen = [t for t in content.targets if has_comparison(t)]
    if layout.headline_codes:
        chosen = [t for t in chosen if t.code in layout.headline_codes]
    return [(t, table_rows(t)) for t in chosen]


ANNEX_NOTE = "全部指标分地区完成情况详见附件（Excel）。"
