"""Secrets shown on pages after saving: a robot address keeps its host and its last four characters."""

from __future__ import annotations

from urllib.parse import urlsplit

from skills_admin.lib.robots import DEMO_ROBOT_NOTE, is_demo_robot


def mask_robot_url(url: str) -> str:
    """'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcd…ab12' → 'https://qyapi.weixin.qq.com/…key=****ab12'."""
    if url in (None, ""):
        return ""
    if is_demo_robot(url):
        return f"{_mask(url)}（{DEMO_ROBOT_NOTE}）"
    return _mask(url)


def _mask(url: str) -> str:
    parts = urlsplit(url)
    tail = url[-4:] if len(url) > 8 else ""
    name = ""
    if parts.query:
        last = parts.query.split("&")[-1]
        name = last.split("=", 1)[0] + "=" if "=" in last else ""
    return f"{parts.scheme}://{parts.hostname or ''}/…{name}****{tail}"
