"""Provider plans: IAM's predicted answer to CreateSAMLProvider / UpdateSAMLProvider."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import fixtures_keys
import pytest
from conftest import ROOT, RunCli
from typer.testing import Result as CliResult

from samlcheck._internal.aws import Evidence
from samlcheck._internal.checks.provider import plan
from samlcheck._internal.errors import InputError
from samlcheck._internal.findings import Severity
from samlcheck._internal.report import Result
from samlcheck._internal.rules import keys as key_rules
from samlcheck._internal.rules import provider as rules
from samlcheck._internal.trust.provider import ProviderChange, ProviderState, load_state

FIXTURES = ROOT / "fixtures"
PROVIDER = FIXTURES / "provider"
NEW_KEY = FIXTURES / "keys" / "sp-encryption-next.pem"
KEY_1, KEY_2 = fixtures_keys.KEY_ID_1, fixtures_keys.KEY_ID_2


def _state(name: str) -> ProviderState:
    return load_state((PROVIDER / name).read_bytes(), name)


def _file(path: Path) -> tuple[str, bytes]:
    return (path.name, path.read_bytes())


def _plan(current: str | None, **change: object) -> Result:
    return plan(_state(current) if current else None, ProviderChange(**change))  # type: ignore[arg-type]


def _answer(result: Result) -> str | None:
    error = result.verdict.aws_error
    return error.text if error else None


def _problems(result: Result) -> list[object]:
    """Rules of the errors and warnings (the metadata checks add information findings too)."""
    return [f.rule for f in result.findings if f.severity is not Severity.INFO]


def _rows(result: Result, label: str) -> list[str]:
    return [value for key, value in result.summary if key.startswith(label)]


# --- each IAM error: one request that triggers it, one that passes -------------------------------


def test_update_without_changes_is_rejected() -> None:
    result = _plan("allowed-one-key.json")
    assert _answer(result) == (
        "Unable to update identity provider. No updates are defined for metadata or encryption "
        "assertion."
    )
    assert _plan("allowed-one-key.json", encryption_mode="Required").verdict.accepted


def test_required_without_any_key_is_rejected() -> None:
    result = _plan("allowed-no-keys.json", encryption_mode="Required")
    assert _answer(result) == (
        "Unable to set assertion encryption mode to Required because no private key is provided."
    )
    passing = _plan("allowed-no-keys.json", encryption_mode="Required", add_key=_file(NEW_KEY))
    assert passing.verdict.accepted


def test_create_with_required_needs_a_key_in_the_same_request() -> None:
    metadata = _file(PROVIDER / "metadata.xml")
    failing = _plan(None, name="ExampleIdP", metadata=metadata, encryption_mode="Required")
    assert _problems(failing) == [rules.REQUIRED_WITHOUT_KEY]
    passing = _plan(
        None,
        name="ExampleIdP",
        metadata=metadata,
        encryption_mode="Required",
        add_key=_file(NEW_KEY),
    )
    assert passing.verdict.accepted, [f.message for f in passing.findings]
    assert _rows(passing, "Operation") == ["CreateSAMLProvider"]


def test_add_and_remove_in_one_request_is_rejected_with_the_rotation_steps() -> None:
    result = _plan("required-one-key.json", add_key=_file(NEW_KEY), remove_key_id=KEY_1)
    assert _answer(result) == (
        "Unable to add and remove private keys in the same request. Set a value for only one of "
        "the two parameters."
    )
    assert [f.rule for f in result.findings] == [rules.ADD_AND_REMOVE]
    steps = _rows(result, "Rotation step")
    assert [s.split(":")[0] for s in steps] == [
        "Add the new key",
        "Switch the IdP to encrypt with the certificate of the new key, then check a sign-in",
        "Remove the old key in a separate request",
    ]
    assert KEY_1 in steps[-1]


def test_third_key_reaches_the_limit() -> None:
    result = _plan("required-two-keys.json", add_key=_file(NEW_KEY))
    assert _answer(result) == "Private key limit of 2 is reached."
    steps = _rows(result, "Rotation step")
    assert steps[0].startswith("Make room")
    assert _plan("required-one-key.json", add_key=_file(NEW_KEY)).verdict.accepted


def test_removing_the_only_key_while_required_fails() -> None:
    result = _plan("required-one-key.json", remove_key_id=KEY_1)
    assert _answer(result) == "Failed to remove private key."
    # The request does not set Required, so "Unable to set ... to Required" is not IAM's answer.
    assert [f.rule for f in result.findings] == [rules.REMOVE_ONLY_KEY, rules.LAST_KEY_REMOVED]
    also_allowed = _plan("required-one-key.json", remove_key_id=KEY_1, encryption_mode="Allowed")
    assert _answer(also_allowed) == "Failed to remove private key."
    assert [f.rule for f in also_allowed.findings] == [
        rules.REMOVE_ONLY_KEY,
        rules.LAST_KEY_REMOVED,
    ]
    assert "inferred" in also_allowed.findings[0].message
    passing = _plan("required-two-keys.json", remove_key_id=KEY_1)
    assert passing.verdict.accepted
    assert [s.split(":")[0] for s in _rows(passing, "Rotation step")][-1] == (
        "Remove the old key in a separate request"
    )


def test_removing_the_last_key_while_allowed_passes_with_a_warning() -> None:
    result = _plan("allowed-one-key.json", remove_key_id=KEY_1)
    assert result.verdict.accepted
    assert [f.rule for f in result.findings] == [rules.LAST_KEY_REMOVED]


def test_removing_an_unknown_key_id_fails() -> None:
    result = _plan("required-two-keys.json", remove_key_id="AKPSAMLKEY00000000000009")
    assert _answer(result) == (
        "Failed to remove private key because the Key ID does not match a private key."
    )
    assert _plan("required-two-keys.json", remove_key_id=KEY_2).verdict.accepted


def test_invalid_private_key_is_rejected() -> None:
    encrypted = _file(FIXTURES / "keys" / "encrypted-legacy.pem")
    result = _plan("allowed-one-key.json", add_key=encrypted)
    assert _answer(result) == "Invalid private key. Key is encrypted."
    der = _file(FIXTURES / "keys" / "rsa-pkcs8.der")
    assert [f.rule for f in _plan("allowed-no-keys.json", add_key=der).findings] == [
        key_rules.NOT_PEM
    ]


def test_unparseable_metadata_is_rejected() -> None:
    result = _plan("allowed-one-key.json", metadata=_file(PROVIDER / "metadata-bom.xml"))
    assert _answer(result) == "Could not parse metadata."
    assert _plan("allowed-one-key.json", metadata=_file(PROVIDER / "metadata.xml")).verdict.accepted


@pytest.mark.parametrize("name", ["Example IdP", "x" * 129, "Okta/Prod"])
def test_invalid_provider_name_is_rejected(name: str) -> None:
    result = _plan(None, name=name, metadata=_file(PROVIDER / "metadata.xml"))
    assert _problems(result) == [rules.NAME_INVALID]
    assert result.verdict.aws_error is not None
    assert result.verdict.aws_error.code == "ValidationError"


def test_valid_provider_name_passes() -> None:
    result = _plan(None, name="Okta_Prod-1.example", metadata=_file(PROVIDER / "metadata.xml"))
    assert result.verdict.accepted
    assert _problems(result) == []


@pytest.mark.parametrize(
    "key_id", ["akpsamlkey00000000000001", "AKPSAML", "AKP-SAMLKEY-0000000000001"]
)
def test_invalid_key_id_is_rejected(key_id: str) -> None:
    result = _plan("required-two-keys.json", remove_key_id=key_id)
    assert [f.rule for f in result.findings] == [rules.KEY_ID_INVALID]


def test_unchanged_mode_is_only_information() -> None:
    result = _plan("required-one-key.json", encryption_mode="Required")
    assert result.verdict.accepted
    assert [f.rule for f in result.findings] == [rules.MODE_UNCHANGED]


# --- the plan itself ----------------------------------------------------------------------------


@pytest.mark.parametrize("module", ["provider", "keys"])
def test_provider_and_key_rules_import_no_api_module(module: str) -> None:
    """Rules turn facts into findings: they build no Result, read no input, call no checker."""
    import ast

    tree = ast.parse((ROOT / "samlcheck" / "_internal" / "rules" / f"{module}.py").read_text())
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    internal = "samlcheck._internal"
    api = {f"{internal}.checks.metadata", f"{internal}.checks.provider", f"{internal}.checks.keys",
           f"{internal}.report", f"{internal}.errors", "samlcheck.cli"}  # fmt: skip
    assert imported & api == set()
    facts = {f"{internal}.findings", f"{internal}.trust.{module}"}
    assert facts <= imported  # the facts they judge


def test_plan_lists_changes_and_resulting_state() -> None:
    result = _plan("allowed-one-key.json", add_key=_file(NEW_KEY), name="ExampleIdP")
    assert result.kind == "provider"
    assert _rows(result, "Change") == [f"add the private key {NEW_KEY.name}"]
    after = _rows(result, "Private keys after")[0]
    assert after.startswith(KEY_1) and "IAM assigns its Key ID" in after
    assert "saml-provider/ExampleIdP" in _rows(result, "Rotation step")[0]


def test_create_without_name_or_metadata_is_an_input_error() -> None:
    with pytest.raises(InputError, match="needs --name and --metadata"):
        _plan(None, name="ExampleIdP")
    with pytest.raises(InputError, match="RemovePrivateKey"):
        _plan(None, name="x", metadata=_file(PROVIDER / "metadata.xml"), remove_key_id=KEY_1)


def test_state_without_mode_behaves_as_allowed() -> None:
    state = _state("no-mode.json")
    assert state.encryption_mode is None and state.mode == "Allowed"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"not json", "not JSON"),
        (b"[]", "not an object"),
        (b'{"Foo": 1}', "has none of"),
        (b'{"AssertionEncryptionMode": "Sometimes"}', "not Required or Allowed"),
        (b'{"PrivateKeyList": [{"Timestamp": "x"}]}', "has no KeyId"),
    ],
)
def test_bad_state_file_is_an_input_error(content: bytes, problem: str) -> None:
    with pytest.raises(InputError, match=problem):
        load_state(content, "current.json")


def _plan_cli(run_cli: RunCli, current: str, *options: str) -> CliResult:
    """`samlcheck provider plan --current PROVIDER/current OPTIONS`."""
    return run_cli("provider", "plan", "--current", str(PROVIDER / current), *options)


def _json_report(stdout: str) -> dict[str, Any]:
    """The JSON report printed, after checking it against the published report schema."""
    import jsonschema

    report: dict[str, Any] = json.loads(stdout)
    schema = json.loads((ROOT / "samlcheck" / "schemas" / "report.schema.json").read_text())
    jsonschema.validate(report, schema)
    return report


def test_provider_plan_command(run_cli: RunCli) -> None:
    add = ("--add-key", str(NEW_KEY))
    done = _plan_cli(
        run_cli, "required-one-key.json", *add, "--remove-key", KEY_1, "--format", "json"
    )
    assert done.exit_code == 1, done.output
    assert "Unable to add and remove private keys" in done.stdout
    ok = _plan_cli(run_cli, "required-one-key.json", *add)
    assert ok.exit_code == 0, ok.output
    assert "Rotation step 3" in ok.stdout
    bad_mode = run_cli("provider", "plan", "--encryption-mode", "Sometimes")
    assert bad_mode.exit_code == 2
    unreadable = run_cli("provider", "plan", "--current", str(PROVIDER / "missing.json"))
    assert unreadable.exit_code == 2
    assert "no such file" in unreadable.stderr
    _json_report(done.stdout)


# --- the commands to run -------------------------------------------------------------------------

ARN = "arn:aws:iam::ACCOUNT-ID:saml-provider/ExampleIdP"
METADATA = PROVIDER / "metadata.xml"


def test_accepted_update_gives_the_aws_command() -> None:
    result = _plan(
        "allowed-one-key.json",
        name="ExampleIdP",
        metadata=("new metadata.xml", METADATA.read_bytes()),
        encryption_mode="Required",
    )
    command = (
        f"aws iam update-saml-provider --saml-provider-arn {ARN} "
        "--saml-metadata-document 'file://new metadata.xml' --assertion-encryption-mode Required"
    )
    assert result.commands == (command,)
    assert _rows(result, "Command") == [command]


def test_accepted_create_gives_the_aws_command() -> None:
    result = _plan(
        None,
        name="ExampleIdP",
        metadata=("fixtures/provider/metadata.xml", METADATA.read_bytes()),
        encryption_mode="Required",
        add_key=("keys/sp key.pem", NEW_KEY.read_bytes()),
    )
    assert result.commands == (
        "aws iam create-saml-provider --name ExampleIdP --saml-metadata-document "
        "file://fixtures/provider/metadata.xml --assertion-encryption-mode Required "
        "--add-private-key 'file://keys/sp key.pem'",
    )


def test_rotation_gives_one_command_per_step_in_order() -> None:
    adding = _plan("required-one-key.json", name="ExampleIdP", add_key=("new.pem", b""))
    assert adding.verdict.accepted is False  # an empty key file is refused: nothing to run
    assert adding.commands == ()
    adding = _plan("required-one-key.json", name="ExampleIdP", add_key=_file(NEW_KEY))
    assert adding.commands == (
        f"aws iam update-saml-provider --saml-provider-arn {ARN} --add-private-key "
        f"file://{NEW_KEY.name}",
        f"samlcheck check TRACE --sp-key {NEW_KEY.name}",
        f"aws iam update-saml-provider --saml-provider-arn {ARN} --remove-private-key {KEY_1}",
    )
    assert [row.split(": ", 1)[1] for row in _rows(adding, "Rotation step")] == list(
        adding.commands
    )
    assert _rows(adding, "Command") == []
    removing = _plan("required-two-keys.json", remove_key_id=KEY_2)
    assert removing.commands[-1] == (
        "aws iam update-saml-provider --saml-provider-arn PROVIDER-ARN "
        f"--remove-private-key {KEY_2}"
    )


def test_rejected_plan_gives_no_command() -> None:
    result = _plan("required-one-key.json", add_key=_file(NEW_KEY), remove_key_id=KEY_1)
    assert not result.verdict.accepted
    assert result.commands == ()
    assert _rows(result, "Command") == []


# --- the signing certificate the IdP uses today ---------------------------------------------------

ROTATED = FIXTURES / "metadata" / "rotated.xml"  # only the new signing certificate
ROLLOVER = FIXTURES / "metadata" / "rollover.xml"  # the current and the new one
PASSING = FIXTURES / "metadata" / "passing.xml"  # only the current one


def _dropped(result: Result) -> list[str]:
    return [f.message for f in result.findings if f.rule is rules.SIGNING_CERTIFICATE_DROPPED]


def test_metadata_dropping_the_providers_signing_certificate_warns() -> None:
    result = _plan("allowed-one-key.json", metadata=_file(ROTATED))
    assert result.verdict.accepted
    (message,) = _dropped(result)
    assert "91:99:5B:5D" in message and "allowed-one-key.json" in message
    assert rules.SIGNING_CERTIFICATE_DROPPED.severity is Severity.WARNING
    assert rules.SIGNING_CERTIFICATE_DROPPED.evidence is Evidence.INFERRED
    assert _dropped(_plan("allowed-one-key.json", metadata=_file(ROLLOVER))) == []


def test_idp_metadata_says_what_the_idp_signs_with_today() -> None:
    def planned(current: str | None, new: Path, idp: Path) -> Result:
        state = _state(current) if current else None
        change = ProviderChange(name="ExampleIdP", metadata=_file(new))
        return plan(state, change, _file(idp))

    # The IdP already signs with the new certificate only: dropping the old one is safe.
    assert _dropped(planned("allowed-one-key.json", ROTATED, ROTATED)) == []
    # The IdP publishes both: the new metadata must keep the current one.
    (message,) = _dropped(planned("allowed-one-key.json", ROTATED, ROLLOVER))
    assert "rollover.xml" in message and "91:99:5B:5D" in message
    # A create has no provider metadata: --idp-metadata alone decides.
    assert len(_dropped(planned(None, ROTATED, PASSING))) == 1
    assert _dropped(planned(None, PASSING, PASSING)) == []


def test_idp_metadata_needs_new_metadata_and_must_be_readable() -> None:
    state = _state("allowed-one-key.json")
    with pytest.raises(InputError, match="no --metadata was given"):
        plan(state, ProviderChange(encryption_mode="Required"), _file(PASSING))
    with pytest.raises(InputError, match="holds no readable IdP metadata"):
        plan(state, ProviderChange(metadata=_file(ROTATED)), ("idp.xml", b"not xml"))
    with pytest.raises(InputError, match="holds 2 IdPs, none with"):
        plan(
            state,
            ProviderChange(metadata=_file(ROTATED)),
            _file(FIXTURES / "metadata" / "aggregate.xml"),
        )


def test_provider_plan_command_prints_commands_and_takes_idp_metadata(run_cli: RunCli) -> None:
    rotated = ("--metadata", str(ROTATED))
    done = _plan_cli(
        run_cli,
        "allowed-one-key.json",
        *rotated,
        "--idp-metadata",
        str(ROLLOVER),
        "--format",
        "json",
    )
    assert done.exit_code == 0, done.output
    (result,) = _json_report(done.stdout)["results"]
    assert result["commands"] == [
        "aws iam update-saml-provider --saml-provider-arn PROVIDER-ARN "
        f"--saml-metadata-document file://{ROTATED}"
    ]
    assert [f["rule"] for f in result["findings"]].count("SC-PROV-011") == 1
    text = _plan_cli(run_cli, "allowed-one-key.json", *rotated)
    assert "aws iam update-saml-provider --saml-provider-arn PROVIDER-ARN" in text.stdout
    assert "SC-PROV-011" in text.stdout
