"""AWS attribute rules: Role, RoleSessionName, SourceIdentity, SessionDuration and session tags.

Also the AssumeRoleWithSAML request parameters: the chosen role (--role-arn), the provider
(--provider-arn) and DurationSeconds against the role's MaxSessionDuration.

Functions and the rules they emit:
    role_findings               SC-ATTR-001 SC-ATTR-002 SC-ATTR-003 SC-ATTR-004
    session_name_findings       SC-ATTR-005 SC-ATTR-006
    source_identity_findings    SC-ATTR-007 SC-ATTR-008
    duration_findings           SC-ATTR-009 SC-ATTR-010
    tag_findings                SC-ATTR-011 SC-ATTR-012 SC-ATTR-013
    name_findings               SC-ATTR-014 SC-ATTR-015
"""

from __future__ import annotations

import re
import unicodedata

from samlcheck._internal import aws
from samlcheck._internal.aws import Evidence
from samlcheck._internal.findings import Finding, Rule, Severity
from samlcheck._internal.stages.claims import (
    AssertionFacts,
    Attribute,
    Text,
    aws_provider,
    aws_role,
    role_pair,
)

_ASSERTIONS = "AWS IAM User Guide, 'Configure SAML assertions for the authentication response'"
_TAGS = "AWS IAM User Guide, 'Pass session tags in AWS STS' (tag limits)"
_UNDOCUMENTED = "; AWS does not document which error it gives"
MAX_TAGS = 50
EXAMINED_TAGS = 1_000
"""Tags checked one by one: past MAX_TAGS AWS refuses them all anyway (200,000 took 28 s)."""
TAG_KEY = re.compile(r"[\w +=.@:/-]{1,128}")
TAG_VALUE = re.compile(r"[\w +=.@:/-]{0,256}")
"""Tag keys and values: Unicode letters and digits, spaces and _ . : / = + - @ (IAM tag rules)."""
SHOWN = 5
"""Values named in one finding; the rest are counted (800,000 Role values printed 52 MB)."""

ROLE_MISSING = Rule(
    id="SC-ATTR-001",
    name="role-attribute-missing",
    severity=Severity.ERROR,
    summary="The assertion needs the attribute https://aws.amazon.com/SAML/Attributes/Role "
    "(name exact) with at least one value.",
    fix="Map the Role attribute in the IdP with one value per role: "
    "'arn:aws:iam::ACCOUNT:role/NAME,arn:aws:iam::ACCOUNT:saml-provider/NAME'.",
    aws_error="invalid-saml-response",
    stage="attributes",
    source=aws.SEED,
    evidence=Evidence.DOCUMENTED,
    seed_section=aws.ERRORS["invalid-saml-response"].heading,
    url=aws.TROUBLESHOOT_SAML_URL,
)
ROLE_VALUE_INVALID = Rule(
    id="SC-ATTR-002",
    name="role-value-invalid",
    severity=Severity.ERROR,
    summary="Each Role value is exactly two comma-separated ARNs, a role and a SAML provider, "
    "with no whitespace.",
    fix="Send each value as 'arn:aws:iam::ACCOUNT:role/NAME,arn:aws:iam::ACCOUNT:"
    "saml-provider/NAME' with no spaces and no extra fields.",
    aws_error="invalid-saml-response",
    stage="attributes",
    source=aws.SEED,
    evidence=Evidence.DOCUMENTED,
    seed_section=aws.ERRORS["invalid-saml-response"].heading,
    url=aws.TROUBLESHOOT_SAML_URL,
)
ROLE_NOT_LISTED = Rule(
    id="SC-ATTR-003",
    name="requested-role-not-listed",
    severity=Severity.ERROR,
    summary="The role requested (RoleArn, --role-arn) must be one of the Role attribute's roles.",
    fix="Request one of the roles the assertion lists, or add the role to the user's IdP mapping.",
    aws_error="not-authorized",
    stage="attributes",
    source=aws.SEED + "; AWS does not document which error a role missing from the list gives",
    evidence=Evidence.INFERRED,
    seed_section=aws.ERRORS["not-authorized"].heading,
    url=aws.TROUBLESHOOT_SAML_URL,
)
PROVIDER_MISMATCH = Rule(
    id="SC-ATTR-004",
    name="provider-arn-mismatch",
    severity=Severity.ERROR,
    summary="The SAML provider ARN paired with the chosen role must be the IAM provider's ARN.",
    fix="Correct the provider ARN in the Role attribute to the IAM SAML provider's ARN "
    "(aws iam list-saml-providers).",
    aws_error="provider-not-found",
    stage="attributes",
    source=aws.SEED,
    evidence=Evidence.DOCUMENTED,
    seed_section=aws.ERRORS["provider-not-found"].heading,
    url=aws.TROUBLESHOOT_SAML_URL,
)
SESSION_NAME_MISSING = Rule(
    id="SC-ATTR-005",
    name="role-session-name-missing",
    severity=Severity.ERROR,
    summary="The assertion needs the attribute "
    "https://aws.amazon.com/SAML/Attributes/RoleSessionName.",
    fix="Map a user identifier (user name or email) to RoleSessionName in the IdP.",
    aws_error="role-session-name-required",
    stage="attributes",
    source=aws.SEED,
    evidence=Evidence.DOCUMENTED,
    seed_section=aws.ERRORS["role-session-name-required"].heading,
    url=aws.TROUBLESHOOT_SAML_URL,
)
SESSION_NAME_INVALID = Rule(
    id="SC-ATTR-006",
    name="role-session-name-invalid",
    severity=Severity.ERROR,
    summary="RoleSessionName has one value of 2 to 64 characters from [a-zA-Z_0-9+=,.@-].",
    fix="Map RoleSessionName to a value of 2 to 64 characters from [a-zA-Z_0-9+=,.@-] (an email "
    "address usually fits; a display name with spaces does not).",
    aws_error="role-session-name-pattern",
    stage="attributes",
    source=aws.SEED + " (it does not say how several values are treated)",
    evidence=Evidence.INFERRED,
    seed_section=aws.ERRORS["role-session-name-pattern"].heading,
    url=aws.TROUBLESHOOT_SAML_URL,
)
SOURCE_IDENTITY_INVALID = Rule(
    id="SC-ATTR-007",
    name="source-identity-invalid",
    severity=Severity.ERROR,
    summary="SourceIdentity is 2 to 64 characters from [a-zA-Z_0-9+=,.@-] and does not begin "
    "with 'aws:'.",
    fix="Map SourceIdentity to a user identifier of 2 to 64 allowed characters.",
    aws_error="source-identity-pattern",
    stage="attributes",
    source=aws.SEED,
    evidence=Evidence.DOCUMENTED,
    seed_section=aws.ERRORS["source-identity-pattern"].heading,
    url=aws.TROUBLESHOOT_SAML_URL,
)
SOURCE_IDENTITY_POLICY = Rule(
    id="SC-ATTR-008",
    name="source-identity-needs-permission",
    severity=Severity.INFO,
    summary="A SourceIdentity attribute needs sts:SetSourceIdentity in the role's trust policy.",
    fix="Add sts:SetSourceIdentity to the trust policy's Action next to "
    f"sts:AssumeRoleWithSAML; without it AWS answers '{aws.ERRORS['not-authorized'].message}'.",
    stage="attributes",
    source=aws.SEED,
    evidence=Evidence.DOCUMENTED,
    seed_section=aws.ERRORS["not-authorized"].heading,
    url=aws.TROUBLESHOOT_SAML_URL,
)
SESSION_DURATION_INVALID = Rule(
    id="SC-ATTR-009",
    name="session-duration-invalid",
    severity=Severity.ERROR,
    summary="SessionDuration is one integer number of seconds from 900 to 43200.",
    fix="Map SessionDuration to an integer from 900 to 43200 (at most the role's "
    "MaxSessionDuration).",
    aws_error="invalid-saml-response",
    stage="duration",
    source=_ASSERTIONS + _UNDOCUMENTED,
    evidence=Evidence.INFERRED,
    url=aws.SAML_ASSERTIONS_URL,
)
DURATION_EXCEEDS_MAX = Rule(
    id="SC-ATTR-010",
    name="duration-exceeds-max-session",
    severity=Severity.ERROR,
    summary="DurationSeconds may not exceed the role's MaxSessionDuration.",
    fix="Request at most the role's MaxSessionDuration, or raise it with aws iam update-role "
    "--max-session-duration.",
    aws_error="duration-exceeds-max",
    stage="duration",
    source=aws.SEED,
    evidence=Evidence.DOCUMENTED,
    seed_section=aws.ERRORS["duration-exceeds-max"].heading,
    url=aws.TROUBLESHOOT_SAML_URL,
)
TAGS_INVALID = Rule(
    id="SC-ATTR-011",
    name="principal-tag-invalid",
    severity=Severity.ERROR,
    summary="Session tags: at most 50, keys up to 128 and values up to 256 allowed characters, "
    "no 'aws:' prefix, one value each, keys unique regardless of case.",
    fix="Fix the PrincipalTag attribute mapping in the IdP.",
    aws_error="invalid-saml-response",
    stage="attributes",
    source=_TAGS + _UNDOCUMENTED,
    evidence=Evidence.INFERRED,
    url=aws.SESSION_TAGS_URL,
)
TRANSITIVE_UNKNOWN = Rule(
    id="SC-ATTR-012",
    name="transitive-tag-key-unknown",
    severity=Severity.ERROR,
    summary="Each TransitiveTagKeys value must name a PrincipalTag passed in the same assertion.",
    fix="List only keys of PrincipalTag attributes the assertion sends.",
    aws_error="invalid-saml-response",
    stage="attributes",
    source=_TAGS + _UNDOCUMENTED,
    evidence=Evidence.INFERRED,
    url=aws.SESSION_TAGS_URL,
)
TAGS_POLICY = Rule(
    id="SC-ATTR-013",
    name="session-tags-need-permission",
    severity=Severity.INFO,
    summary="PrincipalTag attributes need sts:TagSession in the role's trust policy.",
    fix="Add sts:TagSession to the trust policy's Action next to sts:AssumeRoleWithSAML; "
    f"without it AWS answers '{aws.ERRORS['not-authorized'].message}'.",
    stage="attributes",
    source=aws.SEED,
    evidence=Evidence.DOCUMENTED,
    seed_section=aws.ERRORS["not-authorized"].heading,
    url=aws.TROUBLESHOOT_SAML_URL,
)
ATTRIBUTE_NAME_NEAR_MISS = Rule(
    id="SC-ATTR-014",
    name="aws-attribute-name-misspelled",
    severity=Severity.WARNING,
    summary="AWS matches attribute names exactly: a near miss (case, http, trailing space) is "
    "ignored.",
    fix="Use the exact attribute name https://aws.amazon.com/SAML/Attributes/NAME.",
    stage="attributes",
    source=_ASSERTIONS,
    evidence=Evidence.DOCUMENTED,
    url=aws.SAML_ASSERTIONS_URL,
)
ATTRIBUTE_REPEATED = Rule(
    id="SC-ATTR-015",
    name="attribute-repeated",
    severity=Severity.WARNING,
    summary="Each attribute Name should appear in one Attribute element (with several values if "
    "needed); which repeated element AWS reads is not documented.",
    fix="Merge the repeated Attribute elements into one with several AttributeValue elements.",
    stage="attributes",
    source=_ASSERTIONS + "; SAML 2.0 core, section 2.7.3.1",
    evidence=Evidence.DOCUMENTED,
    url=aws.SAML_ASSERTIONS_URL,
)

_KNOWN = (
    aws.ROLE_ATTRIBUTE,
    aws.ROLE_SESSION_NAME_ATTRIBUTE,
    aws.SOURCE_IDENTITY_ATTRIBUTE,
    aws.SESSION_DURATION_ATTRIBUTE,
    aws.TRANSITIVE_TAG_KEYS_ATTRIBUTE,
)


def _normal(name: str) -> str:
    return name.strip().lower().replace("http://", "https://")


_NEAR_MISSES = {_normal(known): known for known in _KNOWN}
"""Each known name by its normal form, which no two share (normalised once, not per attribute)."""


def name_findings(assertion: AssertionFacts) -> list[Finding]:
    """Near-miss AWS attribute names and attribute names that repeat."""
    places: dict[str, list[str]] = {}
    for attribute in assertion.attributes:
        places.setdefault(attribute.name, []).append(attribute.location)
    repeated = [
        (f"the attribute {name!r} appears in {len(where):,} Attribute elements", where[1])
        for name, where in places.items()
        if len(where) > 1
    ]
    near: list[tuple[str, str]] = []
    for attribute in assertion.attributes:
        if attribute.name in _KNOWN or attribute.name.startswith(aws.PRINCIPAL_TAG_PREFIX):
            continue
        known = _NEAR_MISSES.get(_normal(attribute.name))
        if known is not None:
            near.append(
                (
                    f"the attribute {attribute.name!r} is not {known!r}; AWS ignores it",
                    attribute.location,
                )
            )
    return grouped(ATTRIBUTE_REPEATED, repeated, "attributes repeat") + grouped(
        ATTRIBUTE_NAME_NEAR_MISS, near, "attribute names are near misses"
    )


# --- Role --------------------------------------------------------------------------------------


def _arn_problem(part: str) -> str:
    """What is wrong with one field of a Role value."""
    if not part:
        return "an empty field"
    if part != part.strip():
        return f"{part!r} has surrounding whitespace"
    bad = sorted({c for c in part if not (c.isascii() and c.isprintable()) or c.isspace()})
    if bad:
        return f"{part!r} contains invalid characters {''.join(bad)!r}"
    fields = part.split(":", 5)
    if len(fields) < 6 or fields[0] != "arn":
        return f"{part!r} is not an ARN"
    _, partition, service, region, account, resource = fields
    if partition not in aws.PARTITIONS:
        return f"{part!r} has the unknown partition {partition!r}"
    if service != "iam":
        return f"{part!r} is an {service!r} ARN, not an IAM one"
    if region:
        return f"{part!r} names a region ({region!r}); IAM ARNs have none"
    if not re.fullmatch(r"\d{12}", account):
        return f"{part!r} has the account {account!r}, not 12 digits"
    if not resource.startswith(("role/", "saml-provider/")):
        return f"{part!r} is neither a role nor a saml-provider ARN"
    return f"{part!r} has an invalid role or provider name"


def _named(char: str) -> str:
    """A character with its code point and name: an invisible U+00A0 is a classic."""
    return f"U+{ord(char):04X} {unicodedata.name(char, 'UNNAMED')}"


def _spaces(text: str) -> str:
    """The whitespace characters in `text`, named."""
    return ", ".join(_named(c) for c in sorted({c for c in text if c.isspace()}))


def role_value_problem(value: str) -> str | None:
    """Why one Role value is not a valid role/provider pair, or None when it is."""
    if role_pair(value) is not None:
        return None
    if value != value.strip():
        edges = value[: len(value) - len(value.lstrip())] + value[len(value.rstrip()) :]
        return f"it has leading or trailing whitespace ({_spaces(edges)})"
    parts = value.split(",")
    if len(parts) == 1:
        return "it holds one field; a role ARN and a provider ARN separated by a comma are needed"
    if len(parts) > 2:
        if parts[-1] == "":
            return "it ends with a trailing comma"
        return f"it has {len(parts)} comma-separated fields; exactly two are allowed"
    if any(p != p.strip() for p in parts):
        return f"there is whitespace around the comma ({_spaces(value)})"
    if all(aws_role(p) for p in parts):
        return "both fields are role ARNs; one must be the saml-provider ARN"
    if all(aws_provider(p) for p in parts):
        return "both fields are saml-provider ARNs; one must be the role ARN"
    bad = [p for p in parts if not aws_role(p) and not aws_provider(p)]
    return "; ".join(_arn_problem(p) for p in bad)


def role_findings(
    assertion: AssertionFacts, role_arn: str | None, provider_arn: str | None
) -> list[Finding]:
    values = assertion.values(aws.ROLE_ATTRIBUTE)
    attributes = assertion.attribute(aws.ROLE_ATTRIBUTE)
    if not values:
        what = "has no AttributeValue" if attributes else "is missing"
        return [
            ROLE_MISSING.finding(
                f"the attribute {aws.ROLE_ATTRIBUTE} {what}",
                attributes[0].location if attributes else assertion.location,
            )
        ]
    found = []
    pairs: list[tuple[str, str]] = []
    invalid: list[tuple[str, str]] = []
    for value in values:
        pair = role_pair(value.value)
        if pair is None:  # only the first SHOWN are worded (grouped counts the rest)
            problem = ""
            if len(invalid) < SHOWN:
                problem = f"the Role value {value.value!r}: {role_value_problem(value.value)}"
            invalid.append((problem, value.location))
            continue
        pairs.append((pair.role_arn, pair.provider_arn))
    found += grouped(ROLE_VALUE_INVALID, invalid, "Role values are invalid")
    if role_arn is not None and pairs:
        chosen = [p for p in pairs if p[0] == role_arn]
        if not chosen:
            listed = _few([p[0] for p in pairs])
            found.append(
                ROLE_NOT_LISTED.finding(
                    f"the requested role {role_arn} is not in the Role attribute (it lists "
                    f"{listed})",
                    values[0].location,
                )
            )
        pairs = chosen or pairs
    if provider_arn is not None and pairs:
        providers = sorted({p[1] for p in pairs})
        if provider_arn not in providers:
            found.append(
                PROVIDER_MISMATCH.finding(
                    f"the Role value pairs the role with {', '.join(providers)}, not the "
                    f"provider {provider_arn}",
                    values[0].location,
                )
            )
    return found


# --- session name and source identity ------------------------------------------------------------


_SESSION_NAME_CHAR = re.compile(r"[a-zA-Z_0-9+=,.@-]")


def _pattern_problem(value: str) -> str:
    """Which length or which characters break [a-zA-Z_0-9+=,.@-]{2,64}."""
    problems = []
    if not 2 <= len(value) <= 64:
        problems.append(f"it is {len(value)} characters long (2 to 64 allowed)")
    bad = sorted({c for c in value if not _SESSION_NAME_CHAR.fullmatch(c)})
    if bad:
        problems.append("it contains " + ", ".join(f"{c!r} ({_named(c)})" for c in bad))
    return " and ".join(problems)


def session_name_findings(assertion: AssertionFacts) -> list[Finding]:
    values = assertion.values(aws.ROLE_SESSION_NAME_ATTRIBUTE)
    attributes = assertion.attribute(aws.ROLE_SESSION_NAME_ATTRIBUTE)
    if not values:
        return [
            SESSION_NAME_MISSING.finding(
                f"the attribute {aws.ROLE_SESSION_NAME_ATTRIBUTE} "
                + ("has no AttributeValue" if attributes else "is missing"),
                attributes[0].location if attributes else assertion.location,
            )
        ]
    if len(values) > 1:
        shown = _few([repr(v.value) for v in values])
        return [
            SESSION_NAME_INVALID.finding(
                f"RoleSessionName has {len(values)} values ({shown}); exactly one is allowed",
                values[1].location,
            )
        ]
    value = values[0]
    if aws.SESSION_NAME_PATTERN.fullmatch(value.value):
        return []
    return [
        SESSION_NAME_INVALID.finding(
            f"RoleSessionName {value.value!r}: {_pattern_problem(value.value)}", value.location
        )
    ]


def source_identity_findings(assertion: AssertionFacts) -> list[Finding]:
    values = assertion.values(aws.SOURCE_IDENTITY_ATTRIBUTE)
    if not values:
        return []
    invalid = []
    for value in values:
        problem = ""
        if not aws.SESSION_NAME_PATTERN.fullmatch(value.value):
            problem = _pattern_problem(value.value)
        if value.value.lower().startswith("aws:"):
            problem = " and ".join(p for p in (problem, "it begins with 'aws:'") if p)
        if problem:
            invalid.append((f"SourceIdentity {value.value!r}: {problem}", value.location))
    found = grouped(SOURCE_IDENTITY_INVALID, invalid, "SourceIdentity values are invalid")
    if len(values) > 1:
        found.append(
            SOURCE_IDENTITY_INVALID.finding(
                f"SourceIdentity has {len(values)} values; one is allowed (inferred)",
                values[1].location,
            )
        )
    found.append(
        SOURCE_IDENTITY_POLICY.finding(
            "the assertion sets SourceIdentity: the role's trust policy must allow "
            "sts:SetSourceIdentity",
            values[0].location,
        )
    )
    return found


# --- duration ----------------------------------------------------------------------------------


def duration_findings(
    assertion: AssertionFacts | None,
    duration_seconds: int | None,
    max_session_duration: int | None,
) -> list[Finding]:
    """SessionDuration's range (900..43200) and DurationSeconds against MaxSessionDuration.

    The SessionDuration attribute is deliberately not compared with MaxSessionDuration: AWS
    documents it as the console session length (900..43200 seconds) and documents a failure above
    the role's maximum (a setting the IAM console labels "Maximum CLI/API session duration") only
    for the DurationSeconds request parameter. No rejection of the attribute itself is documented
    or reported; the failures users report for a large SessionDuration come from CLI tools that
    pass it as DurationSeconds, which --duration-seconds checks.
    """
    values: tuple[Text, ...] = assertion.values(aws.SESSION_DURATION_ATTRIBUTE) if assertion else ()
    low, high = aws.SESSION_DURATION_RANGE
    invalid = []
    for value in values:
        text = value.value
        if not re.fullmatch(r"\d+", text):
            invalid.append(
                (f"SessionDuration {text!r} is not an integer number of seconds", value.location)
            )
        elif not low <= int(text) <= high:
            invalid.append(
                (f"SessionDuration {text} is outside {low}..{high} seconds", value.location)
            )
    found = grouped(SESSION_DURATION_INVALID, invalid, "SessionDuration values are invalid")
    if len(values) > 1:
        found.append(
            SESSION_DURATION_INVALID.finding(
                f"SessionDuration has {len(values)} values; one is allowed", values[1].location
            )
        )
    if (
        duration_seconds is not None
        and max_session_duration is not None
        and duration_seconds > max_session_duration
    ):
        found.append(
            DURATION_EXCEEDS_MAX.finding(
                f"DurationSeconds {duration_seconds} exceeds the role's MaxSessionDuration "
                f"{max_session_duration}",
                "--duration-seconds",
            )
        )
    return found


# --- session tags ------------------------------------------------------------------------------


def tag_findings(assertion: AssertionFacts) -> list[Finding]:
    tags = [a for a in assertion.attributes if a.name.startswith(aws.PRINCIPAL_TAG_PREFIX)]
    transitive = assertion.values(aws.TRANSITIVE_TAG_KEYS_ATTRIBUTE)
    if not tags and not transitive:
        return []
    found = []
    if len(tags) > MAX_TAGS:
        found.append(
            TAGS_INVALID.finding(
                f"the assertion passes {len(tags)} session tags; at most {MAX_TAGS} are allowed",
                tags[MAX_TAGS].location,
            )
        )
    seen: dict[str, str] = {}
    problems: list[tuple[str, str]] = []
    for tag in tags[:EXAMINED_TAGS]:
        problems += ((p, tag.location) for p in _tag_problems(tag, seen))
    found += grouped(TAGS_INVALID, problems, "session tag problems")
    if len(tags) > EXAMINED_TAGS:
        found.append(
            TAGS_INVALID.finding(
                f"only the first {EXAMINED_TAGS:,} of the {len(tags):,} session tags were "
                "examined one by one",
                tags[EXAMINED_TAGS].location,
            )
        )
    unknown = [
        (
            f"TransitiveTagKeys names {v.value!r}, but no PrincipalTag:{v.value} attribute is "
            "passed",
            v.location,
        )
        for v in transitive
        if v.value.lower() not in seen
    ]
    found += grouped(TRANSITIVE_UNKNOWN, unknown, "TransitiveTagKeys name no passed tag")
    if tags:
        found.append(
            TAGS_POLICY.finding(
                f"the assertion passes {len(tags)} session tags: the role's trust policy must "
                "allow sts:TagSession",
                tags[0].location,
            )
        )
    return found


def _tag_problems(tag: Attribute, seen: dict[str, str]) -> list[str]:
    """What is wrong with one PrincipalTag attribute; records its key in `seen` (lower case)."""
    key = tag.name[len(aws.PRINCIPAL_TAG_PREFIX) :]
    problems = []
    if not TAG_KEY.fullmatch(key):
        problems.append(f"the key {key!r} must be 1 to 128 allowed characters")
    if key.lower().startswith("aws:"):
        problems.append(f"the key {key!r} begins with 'aws:'")
    if key.lower() in seen:
        problems.append(f"the key {key!r} repeats {seen[key.lower()]!r} (keys ignore case)")
    seen.setdefault(key.lower(), key)
    if len(tag.values) != 1:
        problems.append(f"the tag {key!r} has {len(tag.values)} values; exactly one is allowed")
    problems.extend(
        f"the value {value.value!r} of {key!r} must be up to 256 allowed characters "
        "(letters, digits, spaces and _ . : / = + - @)"
        for value in tag.values
        if not TAG_VALUE.fullmatch(value.value)
    )
    return problems


# --- one finding per rule --------------------------------------------------------------------


def grouped(rule: Rule, problems: list[tuple[str, str]], what: str) -> list[Finding]:
    """One finding for every (message, location) of `rule`: the first few said, the rest counted.

    800,000 Role values made 800,000 findings (75 s, 2 GB); one finding with a count says the same.
    """
    if len(problems) <= 1:
        return [rule.finding(message, location) for message, location in problems]
    shown = "; ".join(message for message, _ in problems[:SHOWN])
    more = f"; and {len(problems) - SHOWN:,} more" if len(problems) > SHOWN else ""
    return [rule.finding(f"{len(problems):,} {what}: {shown}{more}", problems[0][1])]


def _few(items: list[str]) -> str:
    """The first SHOWN items joined, and how many more there are."""
    more = f" and {len(items) - SHOWN:,} more" if len(items) > SHOWN else ""
    return ", ".join(items[:SHOWN]) + more
