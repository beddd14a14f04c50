"""Group-robot webhook addresses (企业微信、钉钉、飞书): which addresses a region may store, and where a message
may actually go.

`validate_robot_url` is the one check used by every form and model field that takes a robot address: HTTPS to a
host in `settings.ROBOT_HOSTS`. `robot_post` is the one way a message leaves: it checks the address again, resolves
the host and refuses private, loopback, link-local and reserved addresses, connects to the address it checked (no
second DNS answer), follows no redirect, waits a short time, and returns the status with the robot's own
errcode/errmsg only (an answer body is never kept: it is where an internal service's secret would show up).

Tests talk to a receiver on 127.0.0.1: `settings.ROBOT_TEST_HOSTS` lists hosts that may use http and loopback. It
is never read from the environment, and with `PRODUCTION` on a non-empty list is refused loudly.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError

DEFAULT_ROBOT_HOSTS = ("qyapi.weixin.qq.com", "oapi.dingtalk.com", "open.feishu.cn")
ANSWER_READ_BYTES = 4096
ERRMSG_CHARS = 200


# The demo's robot address (a department of the demo has it): on an allowed host, so it saves, masks and lists like
# a real one, but it is nobody's robot and `robot_post` never sends to it.
DEMO_ROBOT_URL = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=00000000-0000-0000-0000-0000000000demo"
DEMO_ROBOT_NOTE = "演示地址，不实际发送"


def is_demo_robot(url: str | None) -> bool:
    return url == DEMO_ROBOT_URL


class RobotRefused(ValueError):
    """The address may not be contacted (its host, scheme or resolved address); the message says why, in Chinese."""


@dataclass(frozen=True)
class RobotAnswer:
    status: int
    errcode: str | None
    errmsg: str

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300 and self.errcode in (None, "0")

    def __str__(self) -> str:
        if self.errcode is None:
            return f"HTTP {self.status}"
        return f"HTTP {self.status} errcode={self.errcode} errmsg={self.errmsg}"


def robot_hosts() -> tuple[str, ...]:
    return tuple(h.lower() for h in getattr(settings, "ROBOT_HOSTS", DEFAULT_ROBOT_HOSTS))


def robot_test_hosts() -> tuple[str, ...]:
    """Hosts a test receiver runs on (http and loopback allowed). Never in production."""
    hosts = tuple(h.lower() for h in getattr(settings, "ROBOT_TEST_HOSTS", ()))
    if hosts and getattr(settings, "PRODUCTION", False):
        raise ImproperlyConfigured("ROBOT_TEST_HOSTS is for tests only and must be empty in production")
    return hosts


def validate_robot_url(url: str) -> None:
    """Refuse anything but HTTPS to a configured robot host, in Chinese."""
    if not url:
        return
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    allowed = parts.scheme == "https" and host in robot_hosts()
    allowed = allowed or (parts.scheme in ("http", "https") and host in robot_test_hosts())
    if not allowed or parts.username or parts.password:
        raise ValidationError(
            "群机器人地址须为 https:// 开头的企业微信、钉钉或飞书机器人地址（允许的主机：%(hosts)s）",
            params={"hosts": "、".join(robot_hosts())},
            code="robot_host",
        )


def public_address(host: str, port: int) -> str:
    """The first address `host` resolves to; refused if any of its addresses is not a public one."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise RobotRefused(f"无法解析群机器人主机 {host}") from exc
    addresses = [info[4][0] for info in infos]
    if host.lower() not in robot_test_hosts():
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%")[0])
            if not ip.is_global or ip.is_multicast:
                raise RobotRefused(f"群机器人主机 {host} 解析到内网或保留地址 {address}，已拒绝发送")
    if not addresses:
        raise RobotRefused(f"无法解析群机器人主机 {host}")
    return addresses[0]


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to the checked address, with the certificate checked against the host name."""

    def __init__(self, host: str, address: str, **kwargs):
        super().__init__(host, **kwargs)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Plain HTTP, only ever for a test receiver (`ROBOT_TEST_HOSTS`)."""

    def __init__(self, host: str, address: str, **kwargs):
        super().__init__(host, **kwargs)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def robot_post(url: str, body: bytes, *, timeout: float) -> RobotAnswer:
    """POST `body` as JSON to a robot address; no redirect is followed. Raises RobotRefused or OSError."""
    if is_demo_robot(url):
        raise RobotRefused(f"{DEMO_ROBOT_NOTE}：演示数据中的群机器人地址不指向任何真实的群")
    try:
        validate_robot_url(url)
    except ValidationError as exc:
        raise RobotRefused(exc.messages[0]) from exc
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = public_address(parts.hostname, port)
    connection_class = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(parts.hostname, address, port=port, timeout=timeout)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        connection.request("POST", path, body=body, headers={"Content-Type": "application/json; charset=utf-8"})
        response = connection.getresponse()
        text = response.read(ANSWER_READ_BYTES)
        return robot_answer(response.status, text)
    finally:
        connection.close()


def robot_answer(status: int, text: bytes) -> RobotAnswer:
    """The status and the robot's own errcode/errmsg (企业微信/钉钉: errcode, errmsg; 飞书: code, msg)."""
    try:
        body = json.loads(text.decode("utf-8", "replace"))
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return RobotAnswer(status, None, "")
    code = body.get("errcode", body.get("code"))
    message = body.get("errmsg", body.get("msg", ""))
    if code is None:
        return RobotAnswer(status, None, "")
    return RobotAnswer(status, str(code)[:20], str(message)[:ERRMSG_CHARS])
