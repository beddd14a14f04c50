"""How a circular is laid out when sent (版头, 发文字号, 主送, 落款, 抄送) and which tables its body carries.

Pure: shared by the Word and PDF builders so both print the same document from the same `CircularContent`.
"""

from __future__ import annotations

from dataclasses import dataclass

from reports.circular_content import CircularContent


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
    is_draft: bool = False  # not issued yet: watermarked 草稿, no 文号, the 成文日期 left blank

    def signer(self, content: CircularContent) -> str:
        return self.signature or content.issuer

    def date_text(self, content: CircularContent) -> str:
        """The 成文日期 as printed; a draft leaves it blank, to be filled in when issued."""
        return "　　年　月　日" if self.is_draft else chinese_date(content.issue_date)


def chinese_date(day) -> str:
    """2026-11-22 → 2026年11月22日 (GB/T 9704-2012 writes dates in Arabic numerals)."""
    return f"{day.year}年{day.month}月{day.day}日"


DIGITS = "〇一二三四五六七八九"


def chinese_number(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (1—99; larger numbers stay Arabic)."""
    if not 0 < number < 100:
        return str(number)
    tens, ones = divmod(number, 10)
    if tens == 0:
        return DIGITS[ones]
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[ones] if ones else "")
