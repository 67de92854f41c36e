"""`check --provider` (get-saml-provider JSON) and `--providers` (list-saml-providers JSON): what
the account says about the IAM provider, as trust anchors, encryption mode, key list and the
providers that exist; a flag that disagrees with a file is a usage error (issue 11)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import RunCli

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
VALID = str(FIXTURES / "responses/valid.xml")
ENCRYPTED = str(FIXTURES / "encrypted/aes256-gcm_rsa-oaep_keyinfo.xml")
SP_KEY = ("--sp-key", str(FIXTURES / "keys/sp-encryption.pem"))
METADATA = ("--metadata", str(FIXTURES / "idp/metadata.xml"))
AT = ("--at", "2026-01-15T12:01:00Z")


def _provider(name: str) -> tuple[str, str]:
    folder = "policy" if name.startswith("provider-") else "provider"
    return "--provider", str(FIXTURES / folder / f"{name}.json")


def _providers(name: str) -> tuple[str, str]:
    return "--providers", str(FIXTURES / "policy" / f"{name}.json")


CASES = {
    "metadata of the provider trusted": ((VALID, *_provider("provider-named")), None),
    "rotated metadata in the provider": ((VALID, *_provider("provider-rotated")), "SC-SIG-003"),
    "plaintext to a Required provider": ((VALID, *_provider("required-one-key")), "SC-ENC-010"),
    "encrypted to a Required provider": (
        (ENCRYPTED, *SP_KEY, *_provider("required-one-key")),
        None,
    ),
    "encrypted to a provider without keys": (
        (ENCRYPTED, *SP_KEY, *_provider("allowed-no-keys")),
        "SC-ENC-002",
    ),
    "pair provider listed": ((VALID, *METADATA, *_providers("providers")), None),
    "pair provider not listed": ((VALID, *METADATA, *_providers("providers-case")), "SC-POL-014"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_provider_files_decide(run_cli: RunCli, name: str) -> None:
    arguments, rule = CASES[name]
    result = run_cli("check", *arguments, *AT, "--format", "json")
    verdict = json.loads(result.stdout)["results"][0]["verdict"]
    assert verdict["rule"] == rule, verdict
    assert result.exit_code == (0 if rule is None else 1)


def test_the_providers_metadata_is_a_named_trust_anchor(run_cli: RunCli) -> None:
    result = run_cli("check", VALID, *_provider("provider-named"), *AT)
    assert "provider-named.json (SAMLMetadataDocument), entity https://idp.example" in result.stdout


def test_a_pair_provider_differing_only_in_case_is_said(run_cli: RunCli) -> None:
    result = run_cli("check", VALID, *METADATA, *_providers("providers-case"), *AT)
    assert "Specified provider doesn't exist" in result.stdout
    assert "only the case differs from arn:aws:iam::123456789012:saml-provider/exampleidp" in (
        " ".join(result.stdout.split())
    )


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        (
            (*_provider("required-one-key"), "--encryption-mode", "Allowed"),
            "--encryption-mode: Allowed disagrees with AssertionEncryptionMode Required",
        ),
        (
            (*_provider("provider-named"), "--provider-arn", "arn:aws:iam::1:saml-provider/X"),
            "--provider-arn: arn:aws:iam::1:saml-provider/X names none of the --provider files",
        ),
        (
            (*_provider("provider-named"), *_provider("required-one-key")),
            "--provider: 2 provider files, and nothing says which one the request uses",
        ),
        (
            (*_provider("provider-named"), *_providers("providers-case")),
            "--providers: does not list arn:aws:iam::123456789012:saml-provider/ExampleIdP",
        ),
    ],
)
def test_a_flag_or_file_that_disagrees_is_a_usage_error(
    run_cli: RunCli, extra: tuple[str, ...], said: str
) -> None:
    result = run_cli("check", VALID, *AT, *extra)
    assert result.exit_code == 2 and said in " ".join(result.output.split())


def test_a_named_provider_among_several_is_the_one_judged(run_cli: RunCli) -> None:
    arn = "arn:aws:iam::123456789012:saml-provider/ExampleIdP"
    both = (*_provider("provider-named"), *_provider("required-one-key"))
    result = run_cli("check", VALID, *AT, *both, "--provider-arn", arn, "--format", "json")
    assert result.exit_code == 0, result.stdout  # provider-named is Allowed: plaintext is fine


def test_an_unlisted_provider_of_a_pair_not_chosen_is_a_warning() -> None:
    from samlcheck._internal.rules.policy import listed_provider_findings

    listed = ("arn:aws:iam::1:saml-provider/A",)
    pairs = [
        ("arn:aws:iam::1:role/R", "arn:aws:iam::1:saml-provider/A"),
        ("arn:aws:iam::1:role/S", "arn:aws:iam::1:saml-provider/Gone"),
    ]
    unchosen = listed_provider_findings(pairs, None, listed, "Role")
    assert [(f.rule.id, f.rule.severity.value) for f in unchosen] == [("SC-POL-015", "warning")]
    chosen = listed_provider_findings(pairs, "arn:aws:iam::1:role/S", listed, "Role")
    assert [f.rule.id for f in chosen] == ["SC-POL-014"]
    assert listed_provider_findings(pairs, "arn:aws:iam::1:role/R", listed, "Role") == []


def test_only_the_named_providers_metadata_is_trusted(run_cli: RunCli, tmp_path: Path) -> None:
    """Found in review: every --provider file's metadata was trusted, so a response signed by
    another provider's IdP (one an attacker runs) was valid against the provider the request
    names. AWS verifies with the named provider's metadata only."""
    import testidp

    other = testidp.idp("other-provider-idp", entity_id="https://other.example.test/saml")
    (tmp_path / "other.json").write_text(
        json.dumps(
            {
                "Arn": "arn:aws:iam::123456789012:saml-provider/Other",
                "SAMLMetadataDocument": testidp.metadata(other).decode(),
            }
        )
    )
    response = tmp_path / "signed-by-other.xml"
    response.write_bytes(testidp.response_xml(testidp.ResponseSpec(issuer=other.entity_id), other))
    named = ("--provider-arn", "arn:aws:iam::123456789012:saml-provider/ExampleIdP")
    both = (*_provider("provider-named"), "--provider", str(tmp_path / "other.json"), *named)
    result = run_cli("check", str(response), *AT, *both, "--format", "json")
    assert result.exit_code == 1, result.stdout
    assert json.loads(result.stdout)["results"][0]["signature"]["status"] != "valid"
