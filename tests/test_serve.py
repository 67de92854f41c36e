"""`samlcheck serve` over HTTP: every endpoint, the token and Host checks, limits, error pages."""

from __future__ import annotations

import base64
import http.client
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from samlcheck._internal.serve import server as served
from samlcheck._internal.serve.server import Server

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
TOKEN = "test-token"


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    running = Server("127.0.0.1", 0, TOKEN)
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield running
    running.shutdown()
    running.server_close()


def request(
    server: Server,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    port = server.server_address[1]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    sent = {"Host": f"127.0.0.1:{port}", **(headers or {})}
    connection.request(method, path, body=body, headers=sent)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), data


def post(server: Server, action: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    headers = {"Content-Type": "application/json", "X-Samlcheck-Token": TOKEN}
    status, _, data = request(server, "POST", action, json.dumps(body).encode(), headers)
    return status, json.loads(data)


def upload(path: Path | str, data: bytes | None = None) -> dict[str, str]:
    raw = data if data is not None else Path(path).read_bytes()
    return {"name": Path(path).name, "data": base64.b64encode(raw).decode()}


def test_page_needs_the_token_and_carries_the_safety_headers(server: Server) -> None:
    status, headers, page = request(server, "GET", f"/?token={TOKEN}")
    assert status == 200
    assert f'content="{TOKEN}"' in page.decode()
    assert headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert "script-src 'self';" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Cache-Control"] == "no-store"
    assert b"<script>" not in page and b"style=" not in page  # nothing inline for the CSP to allow
    for path in ("/", "/?token=wrong", "/app.js", "/app.js?token=nope"):
        status, headers, body = request(server, "GET", path)
        assert status == 403, path
        assert b"token: missing or wrong" in body
        assert headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("path", "kind"), [("/app.js", "text/javascript"), ("/app.css", "text/css")]
)
def test_assets_are_served_with_their_type(server: Server, path: str, kind: str) -> None:
    status, headers, body = request(server, "GET", f"{path}?token={TOKEN}")
    assert status == 200 and headers["Content-Type"].startswith(kind) and body


def test_unknown_page_and_action(server: Server) -> None:
    assert request(server, "GET", f"/etc/passwd?token={TOKEN}")[0] == 404
    assert post(server, "/api/nothing", {})[0] == 404


@pytest.mark.parametrize(
    "host", ["evil.example:80", "attacker.test", "127.0.0.1", "localhost:1", "", "[::1]:80"]
)
def test_host_header_must_name_this_server(server: Server, host: str) -> None:
    """DNS rebinding: a foreign name pointing at 127.0.0.1 is refused, even with the token."""
    status, _, body = request(server, "GET", f"/?token={TOKEN}", headers={"Host": host})
    assert status == 421
    assert b"answers only to 127.0.0.1 and localhost" in body
    headers = {"Host": host, "Content-Type": "application/json", "X-Samlcheck-Token": TOKEN}
    assert request(server, "POST", "/api/check", b"{}", headers)[0] == 421


def test_localhost_name_is_accepted(server: Server) -> None:
    host = f"localhost:{server.server_address[1]}"
    assert request(server, "GET", f"/?token={TOKEN}", headers={"Host": host})[0] == 200


def test_post_needs_the_token_header(server: Server) -> None:
    for token in ("", "wrong", TOKEN + "x"):
        headers = {"Content-Type": "application/json", "X-Samlcheck-Token": token}
        status, _, body = request(server, "POST", "/api/check", b"{}", headers)
        assert status == 403
        assert json.loads(body)["error"]["source"] == "token"
    # the token in the query of a post is not enough: a cross-site form could carry it
    status, _, _ = request(server, "POST", f"/api/check?token={TOKEN}", b"{}", {})
    assert status == 403


def test_check_a_har_picks_the_response_and_its_capture_time(server: Server) -> None:
    status, answer = post(
        server,
        "/api/check",
        {
            "capture": [upload(FIXTURES / "captures/signin-chrome.har")],
            "metadata": [upload(FIXTURES / "idp/metadata.xml")],
        },
    )
    assert status == 200
    assert [m["type"] for m in answer["capture"]["messages"]] == [
        "AuthnRequest",
        "Response",
        "Response",
    ]
    assert answer["selected"] == 1  # the first response, as `check` does
    assert (answer["at"], answer["at_source"]) == ("2026-01-15T12:00:00Z", "capture")
    result = answer["report"]["results"][0]
    assert result["verdict"]["accepted"] is True
    assert result["claims"]["name_id"] == "alice@example.test"
    assert json.loads(answer["json"]) == answer["report"]  # the download is the same document
    view = answer["xml"]
    assert view["lines"][0].startswith("<samlp:Response") or "Response" in view["lines"][0]
    assert view["signed"], "the verified Response and Assertion are marked"


def test_check_the_same_as_the_cli(server: Server) -> None:
    """The page's report is check_capture's JSON, no second logic."""
    from samlcheck import CheckOptions, check_capture
    from samlcheck._internal.render.json import report_dict

    capture = FIXTURES / "responses/issuer-mismatch.xml"
    at = "2026-01-15T12:01:00Z"
    status, answer = post(
        server,
        "/api/check",
        {
            "capture": [upload(capture)],
            "metadata": [upload(FIXTURES / "idp/metadata.xml")],
            "at": at,
        },
    )
    assert status == 200 and answer["at_source"] == "given"
    from samlcheck._internal.inputs.files import Upload
    from samlcheck._internal.instants import given_instant as instant

    metadata = Upload("metadata.xml", (FIXTURES / "idp/metadata.xml").read_bytes())
    expected = check_capture(
        capture.read_bytes(), CheckOptions(metadata=(metadata,), at=instant(at))
    )
    page = answer["report"]["results"][0]
    cli = report_dict(expected)["results"][0]
    assert page.pop("source") == "issuer-mismatch.xml" and cli.pop("source") == "bytes"
    assert page == cli
    assert page["verdict"]["aws_error"]["code"] == "InvalidIdentityToken"
    issuer = next(f for f in page["findings"] if f["location"] == "/Response/Issuer")
    first, last = answer["xml"]["findings"][page["findings"].index(issuer)]
    assert "Issuer" in answer["xml"]["lines"][first - 1] and first == last


def test_pick_a_message_and_a_bad_index(server: Server) -> None:
    body = {"capture": [upload(FIXTURES / "captures/signin-chrome.har")], "message": 0}
    status, answer = post(server, "/api/check", body)
    assert status == 200 and answer["selected"] == 0
    assert "AuthnRequest" in answer["report"]["results"][0]["source"] or answer["xml"]
    status, answer = post(server, "/api/check", {**body, "message": 7})
    assert status == 422
    assert "has no message 7 (indexes run 0..2)" in answer["error"]["problem"]


def test_sp_key_upload_decrypts_without_a_file(server: Server) -> None:
    status, answer = post(
        server,
        "/api/check",
        {
            "capture": [upload(FIXTURES / "responses/valid-encrypted.xml")],
            "metadata": [upload(FIXTURES / "idp/metadata.xml")],
            "sp_keys": [upload(FIXTURES / "idp/sp-encryption-key.pem")],
            "at": "2026-01-15T12:01:00Z",
        },
    )
    assert status == 200
    result = answer["report"]["results"][0]
    assert result["verdict"]["accepted"] is True and result["verdict"]["unjudged"] == []


def test_metadata_with_a_bom_gets_the_iam_error(server: Server) -> None:
    status, answer = post(
        server, "/api/metadata", {"metadata": [upload(FIXTURES / "metadata/bom.xml")]}
    )
    assert status == 200
    verdict = answer["report"]["results"][0]["verdict"]
    assert verdict["accepted"] is False
    assert verdict["aws_error"]["message"] == "Could not parse metadata."


def test_keys_are_checked(server: Server) -> None:
    status, answer = post(
        server, "/api/keys", {"keys": [upload(FIXTURES / "keys/encrypted-pkcs8.pem")]}
    )
    assert status == 200
    assert answer["report"]["results"][0]["kind"] == "key"
    assert answer["report"]["results"][0]["verdict"]["accepted"] is False


@pytest.mark.parametrize(
    ("action", "body", "words"),
    [
        ("/api/check", {}, "capture: is empty"),
        ("/api/check", {"capture": [upload("x", b"not a capture at all")]}, "not a recognised"),
        ("/api/check", {"capture": [{"name": "x", "data": "%%%"}]}, "did not arrive as base64"),
        ("/api/check", {"capture": "text"}, "is not a list of files"),
        (
            "/api/check",
            {"capture": [upload(FIXTURES / "captures/response.b64")], "at": "yesterday"},
            "is not an ISO 8601 instant",
        ),
        (
            "/api/check",
            {
                "capture": [upload(FIXTURES / "captures/response.b64")],
                "metadata": [upload("md.xml", b"<oops")],
            },
            "md.xml",
        ),
        ("/api/metadata", {}, "no document given"),
        ("/api/keys", {"keys": []}, "no key given"),
        ("/api/keys", {"keys": [upload("k", b"k")] * 9}, "at most 8"),
        (
            "/api/keys",
            {"keys": [upload("big.pem", b"x" * (1024 * 1024 + 1))]},
            "larger than the 1,048,576-byte private key limit",
        ),
    ],
)
def test_bad_input_is_a_readable_message(
    server: Server, action: str, body: dict[str, Any], words: str
) -> None:
    status, answer = post(server, action, body)
    assert status == 422
    error = answer["error"]
    assert words in f"{error['source']}: {error['problem']}"
    assert "Traceback" not in json.dumps(answer)


def test_malformed_requests(server: Server) -> None:
    headers = {"X-Samlcheck-Token": TOKEN}
    assert request(server, "POST", "/api/check", b"{}", headers)[0] == 415
    headers["Content-Type"] = "application/json"
    status, _, body = request(server, "POST", "/api/check", b"[1, 2", headers)
    assert status == 400 and json.loads(body)["error"]["problem"] == "is not a JSON object"
    assert request(server, "POST", "/api/check", b"[]", headers)[0] == 400


def test_body_over_the_limit_is_refused_unread(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(served, "MAX_BODY", 1000)
    headers = {"Content-Type": "application/json", "X-Samlcheck-Token": TOKEN}
    status, _, body = request(server, "POST", "/api/check", b"{" + b" " * 1000 + b"}", headers)
    assert status == 413
    assert "reads at most 1,000" in json.loads(body)["error"]["problem"]


def test_the_real_limit_is_the_cli_capture_limit() -> None:
    from samlcheck._internal.inputs.capture import MAX_CAPTURE_BYTES

    assert served.MAX_BODY > MAX_CAPTURE_BYTES * 4 // 3  # a capture at the limit, as base64


def test_a_bug_is_a_message_not_a_traceback(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    from samlcheck._internal.serve import api

    def broken(body: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError("boom")

    monkeypatch.setattr(api, "keys", broken)
    status, answer = post(server, "/api/keys", {})
    assert status == 500
    assert answer["error"]["problem"] == "samlcheck failed (RuntimeError: boom)"
    assert "Traceback" not in json.dumps(answer)


def test_nothing_is_written_to_disk(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A check with every kind of upload opens no file for writing."""
    import builtins
    import os

    written: list[str] = []
    real_open, real_os_open = builtins.open, os.open

    def watch_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if any(c in mode for c in "wax+"):
            written.append(str(file))
        return real_open(file, mode, *args, **kwargs)

    def watch_os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            written.append(str(path))
        return real_os_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", watch_open)
    monkeypatch.setattr(os, "open", watch_os_open)
    status, _ = post(
        server,
        "/api/check",
        {
            "capture": [upload(FIXTURES / "responses/valid-encrypted.xml")],
            "metadata": [upload(FIXTURES / "idp/metadata.xml")],
            "certs": [upload(FIXTURES / "idp/signing-cert.pem")],
            "sp_keys": [upload(FIXTURES / "idp/sp-encryption-key.pem")],
        },
    )
    assert status == 200
    assert written == []


def test_serve_command_refuses_a_bad_bind_and_warns_on_a_wide_one(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from samlcheck._internal.serve import server as module
    from samlcheck.cli import main

    monkeypatch.setattr("sys.argv", ["samlcheck", "serve", "--bind", "example.com"])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 2
    assert "'example.com' is not an IP address" in capsys.readouterr().err

    seen: list[tuple[str, int]] = []

    def fake_serve(host: str, port: int, ready: Any) -> None:
        seen.append((host, port))

    monkeypatch.setattr(module, "serve", fake_serve)
    monkeypatch.setattr("sys.argv", ["samlcheck", "serve", "--bind", "0.0.0.0"])
    with pytest.raises(SystemExit):
        main()
    assert seen == [("0.0.0.0", 0)]
    assert "warning: listening on 0.0.0.0" in capsys.readouterr().err


def test_serve_prints_the_url_with_a_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from samlcheck._internal.serve import server as module
    from samlcheck.cli import main

    def one_shot(host: str, port: int, ready: Any) -> None:
        with Server(host, port) as running:
            ready(running)

    monkeypatch.setattr(module, "serve", one_shot)
    monkeypatch.setattr("sys.argv", ["samlcheck", "serve"])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 0
    out = capsys.readouterr()
    assert out.err == ""
    assert "open http://127.0.0.1:" in out.out and "/?token=" in out.out
    token = out.out.split("token=")[1].split()[0]
    assert len(token) >= 40  # token_urlsafe(32)
