"""`check --aws` / `--ask-sts` (issue 11): end to end against moto on loopback, AWS's error
answers and the fields moto lacks through botocore's Stubber; no network."""

from __future__ import annotations

import json
import socket
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import testidp
from conftest import RunCli

pytest.importorskip("boto3")
pytest.importorskip("moto.server")

import boto3
from botocore.stub import Stubber

from samlcheck._internal.trust import live

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
POLICY = FIXTURES / "policy"
METADATA = FIXTURES / "idp" / "metadata.xml"
ROLE = "arn:aws:iam::123456789012:role/SAMLDeveloper"
PROVIDER = "arn:aws:iam::123456789012:saml-provider/ExampleIdP"
AT = ("--at", testidp.CHECK_AT)


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    """moto in server mode on 127.0.0.1, on a free port, for the whole session."""
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture(autouse=True)
def credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Fake credentials, no config files, no instance metadata: nothing reaches the network."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


def _account(url: str, policy_case: str) -> None:
    """A fresh moto account holding the ExampleIdP provider and the role of `policy_case`."""
    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST"))
    iam = boto3.client("iam", endpoint_url=url, region_name="us-east-1")
    iam.create_saml_provider(Name="ExampleIdP", SAMLMetadataDocument=METADATA.read_text())
    role = json.loads((POLICY / f"{policy_case}.json").read_text())["Role"]
    iam.create_role(
        RoleName="SAMLDeveloper",
        AssumeRolePolicyDocument=json.dumps(role["AssumeRolePolicyDocument"]),
    )


def _run(run_cli: RunCli, case: str, *extra: str) -> tuple[int, dict[str, Any], str]:
    result = run_cli("check", str(POLICY / f"{case}.xml"), *AT, "--aws", *extra, "--format", "json")
    document = json.loads(result.stdout) if result.stdout.strip() else {}
    return result.exit_code, document, result.stderr


@pytest.fixture()
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every AWS operation samlcheck sends (an event hook on each client it makes)."""
    seen: list[str] = []
    real = live.client

    def recording(*args: Any, **kwargs: Any) -> Any:
        made = real(*args, **kwargs)
        made.meta.events.register("before-call", lambda model, **_: seen.append(model.name))
        return made

    monkeypatch.setattr(live, "client", recording)
    return seen


def test_aws_fetches_the_provider_and_role_and_judges_as_the_files_do(
    run_cli: RunCli, moto_url: str, calls: list[str]
) -> None:
    _account(moto_url, "console-allowed")
    code, document, _ = _run(run_cli, "console-allowed", "--endpoint-url", moto_url)
    result = document["results"][0]
    assert code == 0, result["findings"]
    assert result["signature"]["status"] == "valid"  # the anchor came from GetSAMLProvider
    assert [p["allowed"] for p in result["policy"]] == [True]
    assert "AssumeRoleWithSAML" not in calls  # without --ask-sts, STS is never called
    assert set(calls) == {"ListSAMLProviders", "GetSAMLProvider", "GetRole"}


def test_aws_denied_role_gives_the_offline_verdict(run_cli: RunCli, moto_url: str) -> None:
    _account(moto_url, "deny-wins")
    code, document, _ = _run(run_cli, "deny-wins", "--endpoint-url", moto_url)
    offline = run_cli(
        "check",
        str(POLICY / "deny-wins.xml"),
        *AT,
        "--metadata",
        str(METADATA),
        "--role",
        str(POLICY / "deny-wins.json"),
        "--format",
        "json",
    )
    assert code == offline.exit_code == 1
    verdict = json.loads(offline.stdout)["results"][0]["verdict"]
    assert document["results"][0]["verdict"]["rule"] == verdict["rule"]


def test_ask_sts_shows_both_answers_and_never_the_credentials(
    run_cli: RunCli, moto_url: str, calls: list[str]
) -> None:
    _account(moto_url, "console-allowed")
    code, _, stderr = _run(run_cli, "console-allowed", "--endpoint-url", moto_url, "--ask-sts")
    assert code == 0
    assert "AssumeRoleWithSAML" in calls
    assert "spends the one-time assertion" in stderr
    assert "samlcheck predicts accepted | AWS answered accepted | agree" in stderr
    assert "SecretAccessKey" not in stderr and "ASIA" not in stderr


def test_ask_sts_needs_aws(run_cli: RunCli) -> None:
    result = run_cli("check", str(POLICY / "console-allowed.xml"), "--ask-sts")
    assert result.exit_code == 2
    assert "--ask-sts: needs --aws" in result.stderr


def _stubbed(monkeypatch: pytest.MonkeyPatch, answers: list[tuple[str, Any]]) -> Stubber:
    """`live.client` returns one IAM client that answers `answers` in order: (operation, a
    response dict, or an error code)."""
    iam = boto3.client("iam", region_name="us-east-1")
    stubber = Stubber(iam)
    for operation, answer in answers:
        if isinstance(answer, dict):
            stubber.add_response(operation, answer)
        else:
            stubber.add_client_error(operation, answer, f"{answer} from the stub")
    stubber.activate()
    monkeypatch.setattr(live, "client", lambda *a, **k: iam)
    return stubber


LISTED = {"SAMLProviderList": [{"Arn": PROVIDER}]}


def test_access_denied_on_get_role_names_the_permission(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    provider = {"SAMLMetadataDocument": METADATA.read_text()}
    _stubbed(
        monkeypatch,
        [
            ("list_saml_providers", LISTED),
            ("get_saml_provider", provider),
            ("get_role", "AccessDenied"),
        ],
    )
    code, _, stderr = _run(run_cli, "console-allowed")
    assert code == 2
    assert stderr.count("\n") == 1
    assert f"AWS refused iam:GetRole on {ROLE}: AccessDenied" in stderr
    assert f"Grant the caller iam:GetRole on {ROLE}" in stderr


def test_throttling_is_one_line(run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    _stubbed(monkeypatch, [("list_saml_providers", "Throttling")])
    code, _, stderr = _run(run_cli, "console-allowed")
    assert code == 2 and stderr.count("\n") == 1
    assert "iam:ListSAMLProviders: Throttling" in stderr and "retry" in stderr


def test_no_credentials_is_one_line(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, moto_url: str
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name)
    code, _, stderr = _run(run_cli, "console-allowed", "--endpoint-url", moto_url)
    assert code == 2 and stderr.count("\n") == 1
    assert "no AWS credentials found for iam:ListSAMLProviders" in stderr


def test_encryption_mode_required_from_the_provider(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """moto has no AssertionEncryptionMode: the Stubber's provider says Required, and the
    plaintext assertion is judged as --encryption-mode Required would judge it."""
    provider = {
        "SAMLMetadataDocument": METADATA.read_text(),
        "AssertionEncryptionMode": "Required",
        "PrivateKeyList": [
            {"KeyId": "KEYIDEXAMPLEEXAMPLE012", "Timestamp": "2026-01-01T00:00:00Z"}
        ],
    }
    role = json.loads((POLICY / "console-allowed.json").read_text())
    role["Role"]["AssumeRolePolicyDocument"] = json.dumps(role["Role"]["AssumeRolePolicyDocument"])
    role["Role"]["CreateDate"] = "2026-01-01T00:00:00Z"
    stubber = _stubbed(
        monkeypatch,
        [("list_saml_providers", LISTED), ("get_saml_provider", provider), ("get_role", role)],
    )
    code, document, _ = _run(run_cli, "console-allowed")
    names = [f["name"] for f in document["results"][0]["findings"]]
    assert code == 1 and "plaintext-assertion-encryption-required" in names, names
    stubber.assert_no_pending_responses()


def test_without_boto3_aws_gives_the_install_hint(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)  # import boto3 now raises ImportError
    code, _, stderr = _run(run_cli, "console-allowed")
    assert code == 2
    assert stderr == "samlcheck: --aws: boto3 is not installed. " + (
        "Install the AWS extra: pip install 'samlcheck[aws]'\n"
    )
