"""Group-robot webhook addresses (企业微信、钉钉、飞书): which addresses a region may store.

`validate_robot_url` is the one check used by every form and model field that takes a robot address.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

DEFAULT_ROBOT_HOSTS = ("qyapi.weixin.qq.com", "oapi.dingtalk.com", "open.feishu.cn")


def robot_hosts() -> tuple[str, ...]:
    return tuple(getattr(settings, "ROBOT_HOSTS", DEFAULT_ROBOT_HOSTS))


def validate_robot_url(url: str) -> None:
    """Refuse anything but HTTPS to a configured robot host, in Chinese."""
    if not url:
        return
    parts = urlsplit(url)
    if parts.scheme != "https" or (parts.hostname or "").lower() not in robot_hosts():
        raise ValidationError(
            "群机器人地址须为 https:// 开头的企业微信、钉钉或飞书机器人地址（允许的主机：%(hosts)s）",
            params={"hosts": "、".join(robot_hosts())},
            code="robot_host",
        )
