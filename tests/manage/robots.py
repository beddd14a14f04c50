"""A group robot on 127.0.0.1 over HTTPS (a throwaway self-signed certificate made with openssl), so that an
address that passes `validate_robot_url` (https, an allowed host) can be saved and test-sent without leaving
the machine. `trust(monkeypatch)` makes urllib accept the certificate."""

from __future__ import annotations

import json
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class HttpsRobot:
    def __init__(self, directory: Path, answer: dict | None = None):
        self.received: list[dict] = []
        self.answer = answer or {"errcode": 0, "errmsg": "ok"}
        self.cert, key = directory / "robot.crt", directory / "robot.key"
        command = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1"
        command += " -addext subjectAltName=IP:127.0.0.1"
        subprocess.run(
            [*command.split(), "-keyout", str(key), "-out", str(self.cert)],
            check=True,
            capture_output=True,
        )
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                robot.received.append(json.loads(self.rfile.read(length)))
                body = json.dumps(robot.answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, key)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self.server.server_port}/cgi-bin/webhook/send?key=test-robot-ab12"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def trust(self, monkeypatch) -> None:
        cafile = str(self.cert)
        monkeypatch.setattr(ssl, "_create_default_https_context", lambda: ssl.create_default_context(cafile=cafile))

    def stop(self) -> None:
        self.server.shutdown()
