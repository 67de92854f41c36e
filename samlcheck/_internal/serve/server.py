"""The HTTP side of `samlcheck serve`: one local page, and its safety.

The standard library's ThreadingHTTPServer: a page for one person on this machine needs no
framework, and samlcheck gains no dependency. Every request must carry the per-run token (the
page's query `?token=`, the `X-Samlcheck-Token` header on posts) and a Host header naming this
server (DNS rebinding); every answer forbids caching, sniffing, framing, referrers and any
script or style not served from here. Bodies are bounded before they are read; the checks run
one at a time (the XML locator keeps caches that are not thread-safe).
"""

from __future__ import annotations

import contextlib
import hmac
import json
import secrets
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, urlsplit

from samlcheck._internal.errors import InputError
from samlcheck._internal.inputs.capture import MAX_CAPTURE_BYTES
from samlcheck._internal.inputs.xml import MAX_XML_BYTES

MAX_BODY = (MAX_CAPTURE_BYTES + 4 * MAX_XML_BYTES) * 4 // 3 + 64 * 1024
"""A capture at the CLI's limit and context files, base64 in JSON; each file is then held to
its own CLI limit."""

TOKEN_HEADER = "X-Samlcheck-Token"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
ASSETS = {
    "/app.js": "text/javascript; charset=utf-8",
    "/app.css": "text/css; charset=utf-8",
}
_WORK = threading.Lock()


def _actions() -> dict[str, Callable[[dict[str, Any]], dict[str, Any]]]:
    from samlcheck._internal.serve import api

    return {"/api/check": api.check, "/api/metadata": api.metadata, "/api/keys": api.keys}


def asset(name: str) -> bytes:
    return resources.files("samlcheck._internal.serve").joinpath(f"static/{name}").read_bytes()


class Server(ThreadingHTTPServer):
    """The page's server: its token and the Host values it answers to."""

    daemon_threads = True

    def __init__(self, host: str, port: int, token: str | None = None) -> None:
        super().__init__((host, port), Handler)
        self.token = token or secrets.token_urlsafe(32)
        bound = int(self.server_address[1])
        names = {"127.0.0.1", "localhost"} if host == "127.0.0.1" else {host}
        self.hosts = {f"{name}:{bound}" for name in names}

    @property
    def url(self) -> str:
        host, port = str(self.server_address[0]), int(self.server_address[1])
        return f"http://{host}:{port}/?token={self.token}"


class Handler(BaseHTTPRequestHandler):
    server: Server
    server_version = "samlcheck"
    sys_version = ""
    timeout = 60  # a client that stops sending does not hold a thread for ever

    def log_message(self, format: str, *args: Any) -> None:
        """Nothing logged: the URLs carry the token, and nothing is written anywhere."""

    def do_GET(self) -> None:
        if not self._allowed(self._query_token()):
            return
        path = urlsplit(self.path).path
        if path == "/":
            page = asset("index.html").decode().replace("{{token}}", self.server.token)
            self._send(HTTPStatus.OK, page.encode(), "text/html; charset=utf-8")
        elif path in ASSETS:
            self._send(HTTPStatus.OK, asset(path[1:]), ASSETS[path])
        else:
            self._error(HTTPStatus.NOT_FOUND, "page", "no such page", "Open the URL serve printed.")

    def do_POST(self) -> None:
        if not self._allowed(self.headers.get(TOKEN_HEADER, "")):
            return
        action = _actions().get(urlsplit(self.path).path)
        if action is None:
            self._error(HTTPStatus.NOT_FOUND, "request", "no such action")
            return
        body = self._body()
        if body is None:
            return
        try:
            with _WORK:
                answer = action(body)
        except InputError as error:
            self._error(HTTPStatus.UNPROCESSABLE_ENTITY, error.source, error.problem, error.hint)
            return
        except Exception as error:  # a samlcheck bug: said as one, never a traceback
            detail = " ".join(f"{type(error).__name__}: {error}".split())[:300]
            self._error(
                HTTPStatus.INTERNAL_SERVER_ERROR,
                "samlcheck",
                f"samlcheck failed ({detail})",
                "This is a samlcheck bug, not a verdict on the input: please report it.",
            )
            return
        self._json(HTTPStatus.OK, answer)

    def _query_token(self) -> str:
        return (parse_qs(urlsplit(self.path).query).get("token") or [""])[0]

    def _allowed(self, token: str) -> bool:
        """Host first (a rebound name never learns whether its token was right), then token."""
        if self.headers.get("Host", "") not in self.server.hosts:
            self._error(
                HTTPStatus.MISDIRECTED_REQUEST,
                "Host",
                "this server answers only to 127.0.0.1 and localhost with its port",
                "Open the URL samlcheck serve printed.",
            )
            return False
        if not hmac.compare_digest(token.encode(), self.server.token.encode()):
            self._error(
                HTTPStatus.FORBIDDEN,
                "token",
                "missing or wrong",
                "Open the URL samlcheck serve printed, token included.",
            )
            return False
        return True

    def _body(self) -> dict[str, Any] | None:
        """The JSON object posted, or None after answering why it cannot be read."""
        if self.headers.get("Content-Type", "").split(";")[0].strip() != "application/json":
            self._error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "request", "is not JSON")
            return None
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self._error(HTTPStatus.LENGTH_REQUIRED, "request", "has no Content-Length")
            return None
        if not 0 <= length <= MAX_BODY:
            self.close_connection = True  # the body is left unread
            self._error(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                "upload",
                f"is {length:,} bytes; samlcheck serve reads at most {MAX_BODY:,}",
                f"Captures are read up to {MAX_CAPTURE_BYTES:,} bytes, as on the command line.",
            )
            return None
        try:
            body = json.loads(self.rfile.read(length))
        except (ValueError, UnicodeDecodeError):
            body = None
        if not isinstance(body, dict):
            self._error(HTTPStatus.BAD_REQUEST, "request", "is not a JSON object")
            return None
        return body

    def _error(self, status: HTTPStatus, source: str, problem: str, hint: str = "") -> None:
        """Every refusal in samlcheck's words: which input, what is wrong, what to do."""
        line = InputError(source, problem, hint).line
        self._json(status, {"error": {"source": source, "problem": problem, "hint": hint}}, line)

    def _json(self, status: HTTPStatus, document: dict[str, Any], line: str = "") -> None:
        wants_page = "application/json" not in self.headers.get("Accept", "")
        if line and self.command == "GET" and wants_page:  # a person opened a wrong URL
            self._send(status, f"samlcheck serve: {line}\n".encode(), "text/plain; charset=utf-8")
            return
        data = json.dumps(document, ensure_ascii=False).encode()
        self._send(status, data, "application/json; charset=utf-8")

    def _send(self, status: HTTPStatus, data: bytes, content_type: str) -> None:
        self.send_response(status)
        for name, value in {**SECURITY_HEADERS, "Content-Type": content_type}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)


def serve(host: str, port: int, ready: Callable[[Server], None]) -> None:
    """Serve until interrupted; `ready` is told the server once it listens."""
    with Server(host, port) as server:
        ready(server)
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
