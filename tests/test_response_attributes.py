"""AWS attribute checks on single values: Role pairs, session names and session tags."""

from __future__ import annotations

import pytest

from samlcheck._internal import aws
from samlcheck._internal.rules import attributes
from samlcheck._internal.stages.claims import AssertionFacts, Attribute, Text

ROLE = "arn:aws:iam::123456789012:role/SAMLDeveloper"
PROVIDER = "arn:aws:iam::123456789012:saml-provider/ExampleIdP"


@pytest.mark.parametrize(
    "value",
    [
        f"{ROLE},{PROVIDER}",
        f"{PROVIDER},{ROLE}",
        f"arn:aws:iam::123456789012:role/team/dev/Builder,{PROVIDER}",
        "arn:aws-cn:iam::123456789012:role/Dev,arn:aws-cn:iam::123456789012:saml-provider/Idp",
        "arn:aws-us-gov:iam::123456789012:role/Dev,"
        "arn:aws-us-gov:iam::123456789012:saml-provider/Idp",
    ],
)
def test_valid_role_values_pass(value: str) -> None:
    assert attributes.role_value_problem(value) is None


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (f"{ROLE} ,{PROVIDER}", "whitespace around the comma"),
        (f"{ROLE},{PROVIDER} ", "leading or trailing whitespace"),
        (f"{ROLE}", "one field"),
        (f"{ROLE},{PROVIDER},", "trailing comma"),
        (f"{ROLE},{PROVIDER},x", "3 comma-separated fields"),
        (f"{ROLE},{ROLE}", "both fields are role ARNs"),
        (f"{PROVIDER},{PROVIDER}", "both fields are saml-provider ARNs"),
        (f"arn:aws:iam::12345:role/Dev,{PROVIDER}", "not 12 digits"),
        (f"arn:aws:s3:::bucket,{PROVIDER}", "'s3' ARN"),
        (f"arn:aws:iam:us-east-1:123456789012:role/Dev,{PROVIDER}", "names a region"),
        (f"arn:azure:iam::123456789012:role/Dev,{PROVIDER}", "unknown partition"),
        (f"arn:aws:iam::123456789012:user/Dev,{PROVIDER}", "neither a role nor"),
        (f"{ROLE}\u00a0,{PROVIDER}", "U+00A0 NO-BREAK SPACE"),
        (f"{ROLE},{PROVIDER}\u00e9", "invalid"),
    ],
)
def test_invalid_role_value_says_what_is_wrong(value: str, problem: str) -> None:
    found = attributes.role_value_problem(value)
    assert found is not None and problem in found


def assertion(*attrs: tuple[str, tuple[str, ...]]) -> AssertionFacts:
    return AssertionFacts(
        issuer=None,
        issue_instant=None,
        subject_present=True,
        name_id=Text("alice", "/NameID"),
        confirmations=(),
        conditions_present=False,
        not_before=None,
        not_on_or_after=None,
        audience_restrictions=(),
        attributes=tuple(
            Attribute(name, tuple(Text(v, f"/{name}/{i}") for i, v in enumerate(values)), name)
            for name, values in attrs
        ),
        location="/Assertion",
    )


TAG = "https://aws.amazon.com/SAML/Attributes/PrincipalTag:"


def test_unicode_tag_values_are_allowed() -> None:
    found = attributes.tag_findings(assertion((TAG + "Équipe", ("Développement",))))
    assert [f.rule.name for f in found] == ["session-tags-need-permission"]


def test_tag_value_with_a_forbidden_character_is_reported() -> None:
    found = attributes.tag_findings(assertion((TAG + "Team", ("a;b",))))
    assert "principal-tag-invalid" in {f.rule.name for f in found}


def test_fifty_tags_are_allowed() -> None:
    tags = [(TAG + f"T{i}", ("v",)) for i in range(50)]
    names = {f.rule.name for f in attributes.tag_findings(assertion(*tags))}
    assert "principal-tag-invalid" not in names


def test_transitive_key_matches_a_tag_regardless_of_case() -> None:
    found = attributes.tag_findings(
        assertion(
            (TAG + "Team", ("a",)),
            ("https://aws.amazon.com/SAML/Attributes/TransitiveTagKeys", ("team",)),
        )
    )
    assert "transitive-tag-key-unknown" not in {f.rule.name for f in found}


def test_session_name_boundaries() -> None:
    name = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
    assert not attributes.session_name_findings(assertion((name, ("ab",))))
    assert not attributes.session_name_findings(assertion((name, ("a" * 64,))))
    (short,) = attributes.session_name_findings(assertion((name, ("a",))))
    assert "1 characters long" in short.message


def test_session_name_names_each_bad_character() -> None:
    name = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
    (finding,) = attributes.session_name_findings(assertion((name, ("Alice\u00a0Smith",))))
    assert r"it contains '\xa0' (U+00A0 NO-BREAK SPACE)" in finding.message


def test_source_identity_in_upper_case_aws_prefix_is_rejected() -> None:
    name = "https://aws.amazon.com/SAML/Attributes/SourceIdentity"
    found = attributes.source_identity_findings(assertion((name, ("AWS:alice",))))
    assert "source-identity-invalid" in {f.rule.name for f in found}


def test_duration_request_within_the_maximum_passes() -> None:
    assert not attributes.duration_findings(None, 3600, 3600)
    (finding,) = attributes.duration_findings(None, 3601, 3600)
    assert finding.rule.name == "duration-exceeds-max-session"


def test_session_duration_above_the_role_maximum_alone_is_not_an_error() -> None:
    # The attribute sets the console session; only DurationSeconds is documented to fail.
    facts = assertion(("https://aws.amazon.com/SAML/Attributes/SessionDuration", ("43200",)))
    assert attributes.duration_findings(facts, None, 3600) == []
    found = attributes.duration_findings(facts, 43200, 3600)
    assert [f.rule.name for f in found] == ["duration-exceeds-max-session"]


def test_many_invalid_role_values_are_one_finding_with_a_count() -> None:
    """100,000 Role values printed 52 MB, one finding each: one finding, five values, a count."""
    values = (*(f"bad-{n}" for n in range(10_000)), f"{ROLE},{PROVIDER}")
    found = attributes.role_findings(assertion((aws.ROLE_ATTRIBUTE, values)), ROLE, None)
    assert [f.rule for f in found] == [attributes.ROLE_VALUE_INVALID]
    message = found[0].message
    assert message.startswith("10,000 Role values are invalid: the Role value 'bad-0'")
    assert "'bad-4'" in message and "'bad-5'" not in message
    assert message.endswith("and 9,995 more")


def test_a_single_invalid_role_value_reads_as_before() -> None:
    found = attributes.role_findings(assertion((aws.ROLE_ATTRIBUTE, ("x",))), None, None)
    assert [f.message for f in found] == [
        "the Role value 'x': it holds one field; a role ARN and a provider ARN separated by a "
        "comma are needed"
    ]


def test_requested_role_missing_lists_five_roles_and_counts_the_rest() -> None:
    values = tuple(f"arn:aws:iam::123456789012:role/R{n},{PROVIDER}" for n in range(100))
    found = attributes.role_findings(assertion((aws.ROLE_ATTRIBUTE, values)), ROLE, None)
    (missing,) = found
    assert missing.rule is attributes.ROLE_NOT_LISTED
    assert "role/R4 and 95 more)" in missing.message and "role/R5" not in missing.message


def test_many_bad_tags_are_one_finding_per_rule() -> None:
    """200,000 PrincipalTag attributes gave a finding per problem per tag (28 s, 1 GB)."""
    tags = [(f"{aws.PRINCIPAL_TAG_PREFIX}aws:k{n}", ("v", "w")) for n in range(1_000)]
    transitive = (aws.TRANSITIVE_TAG_KEYS_ATTRIBUTE, tuple(f"t{n}" for n in range(10)))
    found = attributes.tag_findings(assertion(*tags, transitive))
    by_rule = [f.rule for f in found]
    assert by_rule.count(attributes.TAGS_INVALID) == 2  # the count over 50, and the problems
    assert by_rule.count(attributes.TRANSITIVE_UNKNOWN) == 1
    problems = next(f for f in found if f.message.startswith("2,000 session tag problems"))
    assert problems.message.endswith("and 1,995 more")


def test_a_repeated_attribute_is_one_finding_with_its_count() -> None:
    repeated = [(aws.ROLE_SESSION_NAME_ATTRIBUTE, ("a",))] * 1_000
    (finding,) = attributes.name_findings(assertion(*repeated))
    assert finding.rule is attributes.ATTRIBUTE_REPEATED
    assert "appears in 1,000 Attribute elements" in finding.message


def test_tags_examined_one_by_one_are_capped_and_the_cap_is_said() -> None:
    tags = [(f"{aws.PRINCIPAL_TAG_PREFIX}k{n}", ("v",)) for n in range(attributes.EXAMINED_TAGS)]
    tags.append((f"{aws.PRINCIPAL_TAG_PREFIX}bad key!", ("v",)))  # past the cap: not examined
    found = attributes.tag_findings(assertion(*tags))
    messages = [f.message for f in found if f.rule is attributes.TAGS_INVALID]
    assert not any("bad key!" in m for m in messages)
    assert "only the first 1,000 of the 1,001 session tags were examined one by one" in messages


_ROLE, _PROVIDER = "arn:aws:iam::123456789012:role/R", "arn:aws:iam::123456789012:saml-provider/P"
_VALUES = (
    f"{_ROLE},{_PROVIDER}",
    f"{_PROVIDER},{_ROLE}",
    f" {_ROLE},{_PROVIDER}",
    f"{_ROLE},{_ROLE}",
)


@pytest.mark.parametrize("value", (*_VALUES, _ROLE))
def test_role_pair_and_its_diagnosis_agree(value: str) -> None:
    """claims.role_pair parses a Role value for claims and rules alike; the rule explains a None."""
    from samlcheck._internal.stages.claims import role_pair

    pair = role_pair(value)
    assert (pair is None) == (attributes.role_value_problem(value) is not None)
    if pair is not None:
        assert pair.role_arn.split(":")[5].startswith("role/")
        assert pair.provider_arn.split(":")[5].startswith("saml-provider/")
