"""The refusals of reporting writes, in Chinese, shared by the services and the entry conversions below them."""

from __future__ import annotations


class ReportingError(Exception):
    """A refused write; `messages` are Chinese and, for grids and uploads, name the row."""

    def __init__(self, messages: list[str] | str):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("；".join(self.messages))


class ConflictError(ReportingError):
    """Someone else saved the same grid since it was opened; `changes` says what they changed."""

    def __init__(self, changes: list[str], opened: str = "打开本表"):
        self.changes = changes
        super().__init__([f"保存冲突：您{opened}后，他人已修改并保存。为避免覆盖，本次未保存。", *changes])
