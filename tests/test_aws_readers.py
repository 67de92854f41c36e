"""The readers of IAM's answers take a parsed dict as well as a file, so a live fetch (boto3's
answer) and a saved `aws iam` JSON go through the same code."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from samlcheck._internal.errors import InputError
from samlcheck._internal.trust.provider import load_state, provider_from_dict
from samlcheck._internal.trust.role import (
    providers_from_dict,
    read_providers,
    read_role,
    role_from_dict,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
POLICY = FIXTURES / "policy"
PROVIDER = FIXTURES / "provider"


def test_role_from_dict_equals_reading_the_file() -> None:
    path = POLICY / "console-allowed.json"
    parsed = role_from_dict(json.loads(path.read_text()), str(path))
    assert parsed == read_role(path)
    assert parsed.arn == "arn:aws:iam::123456789012:role/SAMLDeveloper"
    assert parsed.max_session_duration == 3600


def test_role_from_dict_decodes_the_raw_apis_url_encoded_policy() -> None:
    policy = "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%7D%5D%7D"
    role = role_from_dict({"Role": {"Arn": "a", "AssumeRolePolicyDocument": policy}}, "live")
    assert role.statements == [{"Effect": "Allow"}]


def test_role_from_dict_rejects_what_is_not_a_role() -> None:
    with pytest.raises(InputError, match="neither Role"):
        role_from_dict({"ResponseMetadata": {}}, "iam:GetRole")


def test_providers_from_dict_equals_reading_the_file() -> None:
    path = POLICY / "providers.json"
    listed = providers_from_dict(json.loads(path.read_text()), "iam:ListSAMLProviders")
    assert listed == read_providers(path) == ("arn:aws:iam::123456789012:saml-provider/ExampleIdP",)
    with pytest.raises(InputError, match="no SAMLProviderList"):
        providers_from_dict([], "iam:ListSAMLProviders")


def test_provider_from_dict_takes_boto3s_datetimes_and_an_arn() -> None:
    path = PROVIDER / "required-one-key.json"
    document = json.loads(path.read_text())
    assert provider_from_dict(document, str(path)) == load_state(path.read_bytes(), str(path))
    stamp = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    document["PrivateKeyList"] = [{"KeyId": "K1", "Timestamp": stamp}]
    document["Arn"] = "arn:aws:iam::123456789012:saml-provider/ExampleIdP"
    state = provider_from_dict(document, "iam:GetSAMLProvider")
    assert state.keys[0].timestamp == str(stamp)
    assert state.arn == "arn:aws:iam::123456789012:saml-provider/ExampleIdP"
