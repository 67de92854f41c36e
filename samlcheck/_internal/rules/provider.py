"""Provider-plan rules: IAM's predicted answer to CreateSAMLProvider / UpdateSAMLProvider.

The error texts are documented in the IAM troubleshooting guide; the order in which IAM checks
them is not. samlcheck assumes: parameter validation (name, Key ID), then the request shape (no
updates; add and remove together), then the key list (limit: the key rule SC-KEY-007, unknown
Key ID, removing the only key while Required), then the encryption mode, then the key itself and
the metadata. The first error in that order is the verdict; every finding is reported.

Functions and the rules they emit:
    request_findings            SC-PROV-001
    _key_list_findings          SC-PROV-003 SC-PROV-005 SC-PROV-006
    _mode_findings              SC-PROV-002 SC-PROV-009 SC-PROV-010
    _name_findings              SC-PROV-007
    _key_id_findings            SC-PROV-008
    dropped_signing_findings    SC-PROV-011
"""

from __future__ import annotations

from samlcheck._internal import aws
from samlcheck._internal.aws import SEED, Evidence
from samlcheck._internal.findings import Finding, Rule, Severity
from samlcheck._internal.rules import keys as key_rules
from samlcheck._internal.trust import provider as model
from samlcheck._internal.trust.certs import CertFacts, name_facts
from samlcheck._internal.trust.provider import ProviderChange, ProviderState

_API = "AWS IAM API Reference, CreateSAMLProvider / UpdateSAMLProvider"

NO_UPDATES = Rule(
    id="SC-PROV-001",
    name="update-without-changes",
    severity=Severity.ERROR,
    summary="UpdateSAMLProvider needs at least one of metadata, encryption mode, a key to add or a "
    "key to remove.",
    fix="Pass --metadata, --encryption-mode, --add-key or --remove-key.",
    aws_error="update-no-changes",
    stage="provider",
    source=SEED,
    evidence=Evidence.DOCUMENTED,
    seed_section=aws.ERRORS["update-no-changes"].heading,
    url=aws.TROUBLESHOOT_SAML_URL,
)
REQUIRED_WITHOUT_KEY = Rule(
    id="SC-PROV-002",
    name="required-without-private-key",
    severity=Severity.ERROR,
    summary="Setting AssertionEncryptionMode to Required needs a private key on the provider or in "
    "the same request.",
    fix="Add the private key in the same request (--add-key KEY.pem) or first.",
    aws_error="required-without-key",
    stage="provider",
    source=SEED,
    evidence=Evidence.DOCUMENTED,
    seed_section=aws.ERRORS["required-without-key"].heading,
    url=aws.TROUBLESHOOT_SAML_URL,
)
ADD_AND_REMOVE = Rule(
    id="SC-PROV-003",
    name="add-and-remove-key-together",
    severity=Severity.ERROR,
    summary="One UpdateSAMLProvider request either adds or removes a private key, not both.",
    fix="Rotate in separate requests: add the new key, switch the IdP, then remove the old key.",
    aws_error="add-and-remove-keys",
    stage="provider",
    source=SEED,
    evidence=Evidence.DOCUMENTED,
    seed_section=aws.ERRORS["add-and-remove-keys"].heading,
    url=aws.TROUBLESHOOT_SAML_URL,
)
REMOVE_ONLY_KEY = Rule(
    id="SC-PROV-005",
    name="remove-only-key-while-required",
    severity=Severity.ERROR,
    summary="With AssertionEncryptionMode Required the provider's only private key cannot be "
    "removed.",
    fix="Add the new key first (and switch the IdP to it), or set the mode to Allowed in an "
    "earlier request, then remove the key.",
    aws_error="remove-key-failed",
    stage="provider",
    source=SEED,
    evidence=Evidence.DOCUMENTED,
    seed_section=aws.ERRORS["remove-key-failed"].heading,
    url=aws.TROUBLESHOOT_SAML_URL,
)
REMOVE_UNKNOWN = Rule(
    id="SC-PROV-006",
    name="remove-unknown-key-id",
    severity=Severity.ERROR,
    summary="RemovePrivateKey must be the Key ID of a key on the provider.",
    fix="Copy a KeyId from aws iam get-saml-provider (PrivateKeyList).",
    aws_error="remove-key-id-mismatch",
    stage="provider",
    source=SEED,
    evidence=Evidence.DOCUMENTED,
    seed_section=aws.ERRORS["remove-key-id-mismatch"].heading,
    url=aws.TROUBLESHOOT_SAML_URL,
)
NAME_INVALID = Rule(
    id="SC-PROV-007",
    name="provider-name-invalid",
    severity=Severity.ERROR,
    summary="A SAML provider name is 1 to 128 characters from [\\w._-] (API reference; the "
    "message form is inferred).",
    fix="Use letters, digits, '_', '.' and '-' only, at most 128 of them.",
    aws_error="provider-name-invalid",
    stage="provider",
    source=_API,
    evidence=Evidence.INFERRED,
    url=aws.CREATE_SAML_PROVIDER_URL,
)
KEY_ID_INVALID = Rule(
    id="SC-PROV-008",
    name="key-id-invalid",
    severity=Severity.ERROR,
    summary="A Key ID is 22 to 64 characters from [A-Z0-9] (API reference; the message form is "
    "inferred).",
    fix="Copy the KeyId exactly from aws iam get-saml-provider (PrivateKeyList).",
    aws_error="key-id-invalid",
    stage="provider",
    source=_API,
    evidence=Evidence.INFERRED,
    url=aws.UPDATE_SAML_PROVIDER_URL,
)
MODE_UNCHANGED = Rule(
    id="SC-PROV-009",
    name="encryption-mode-unchanged",
    severity=Severity.INFO,
    summary="Setting the encryption mode the provider already has changes nothing.",
    fix="Nothing to fix; drop --encryption-mode if it was meant as a change.",
    stage="provider",
    source=_API + " (AWS does not say how IAM answers a mode that is already set)",
    evidence=Evidence.INFERRED,
    url=aws.UPDATE_SAML_PROVIDER_URL,
)
LAST_KEY_REMOVED = Rule(
    id="SC-PROV-010",
    name="last-key-removed",
    severity=Severity.WARNING,
    summary="Without a private key IAM cannot decrypt: an IdP that still encrypts assertions "
    "breaks every sign-in.",
    fix="Turn off assertion encryption in the IdP before removing the provider's last key.",
    stage="provider",
    source="AWS IAM User Guide, 'Troubleshoot IAM roles' (valid private decryption key)",
    evidence=Evidence.DOCUMENTED,
    seed_section="From 'Troubleshoot IAM roles'",
    url=aws.TROUBLESHOOT_ROLES_URL,
)
SIGNING_CERTIFICATE_DROPPED = Rule(
    id="SC-PROV-011",
    name="current-signing-certificate-dropped",
    severity=Severity.WARNING,
    summary="The new metadata lacks a signing certificate the IdP uses today: once it is "
    "uploaded, every response the IdP signs with that certificate is rejected.",
    fix="Keep the current certificate in the metadata until the IdP signs with the new one (a "
    "rollover metadata with both), and drop it in a later update.",
    aws_error="signature-invalid",
    stage="provider",
    source=SEED + " (invalid signature: the IdP's metadata differs from the one in IAM); assumed: "
    "that the IdP signs with a certificate of its current metadata or of the provider's",
    evidence=Evidence.INFERRED,
    seed_section=aws.ERRORS["signature-invalid"].heading,
    url=aws.TROUBLESHOOT_SAML_URL,
)


def dropped_signing_findings(dropped: tuple[CertFacts, ...], today: str) -> list[Finding]:
    """One warning per signing certificate the IdP uses today (per `today`, the metadata it
    was read from) that the new metadata lacks."""
    return [
        SIGNING_CERTIFICATE_DROPPED.finding(
            f"The new metadata drops the signing certificate {name_facts(facts)}, which {today} "
            "lists: while the IdP signs with it, IAM would answer 'Response signature invalid'.",
            "--metadata",
        )
        for facts in dropped
    ]


def _name_findings(name: str | None) -> list[Finding]:
    if name is None:
        return []
    if not 1 <= len(name) <= aws.PROVIDER_NAME_MAX:
        return [
            NAME_INVALID.finding(
                f"The name has {len(name)} characters; IAM takes 1 to {aws.PROVIDER_NAME_MAX}.",
                "--name",
            )
        ]
    if not aws.PROVIDER_NAME_PATTERN.fullmatch(name):
        bad = next(c for c in name if not aws.PROVIDER_NAME_PATTERN.fullmatch(c))
        return [
            NAME_INVALID.finding(
                f"The name {name!r} has {bad!r}, outside [\\w._-] (letters, digits, '_', '.', "
                "'-').",
                "--name",
            )
        ]
    return []


def _key_id_findings(key_id: str | None) -> list[Finding]:
    if key_id is None:
        return []
    low, high = aws.KEY_ID_LENGTH
    problems = []
    if not low <= len(key_id) <= high:
        problems.append(f"has {len(key_id)} characters (IAM Key IDs have {low} to {high})")
    if not aws.KEY_ID_PATTERN.fullmatch(key_id):
        problems.append("has characters outside [A-Z0-9]")
    if not problems:
        return []
    return [
        KEY_ID_INVALID.finding(f"The Key ID {key_id!r} {' and '.join(problems)}.", "--remove-key")
    ]


def _key_list_findings(current: ProviderState, change: ProviderChange) -> list[Finding]:
    found: list[Finding] = []
    if change.add_key is not None and change.remove_key_id is not None:
        found.append(
            ADD_AND_REMOVE.finding(
                f"The request adds {change.add_key[0]} and removes {change.remove_key_id}.",
                "--add-key/--remove-key",
            )
        )
    if change.add_key is not None and len(current.keys) >= aws.MAX_PRIVATE_KEYS:
        ids = ", ".join(entry.key_id for entry in current.keys)
        found.append(
            key_rules.KEY_LIMIT.finding(
                f"The provider already holds {len(current.keys)} keys ({ids}); adding "
                f"{change.add_key[0]} would make {len(current.keys) + 1}.",
                "--add-key",
            )
        )
    key_id = change.remove_key_id
    if key_id is not None and not _key_id_findings(key_id):
        if not current.has_key(key_id):
            ids = ", ".join(entry.key_id for entry in current.keys) or "none"
            found.append(
                REMOVE_UNKNOWN.finding(
                    f"{key_id} is not a Key ID of this provider (its keys: {ids}).", "--remove-key"
                )
            )
        elif (
            change.add_key is None
            and len(current.keys) == 1
            and "Required"
            in (
                current.mode,
                model.resulting_mode(current, change),
            )
        ):
            how = (
                "the mode is Required"
                if change.encryption_mode != "Allowed"
                else "the mode is Required now (samlcheck assumes setting Allowed in the same "
                "request does not help: inferred, AWS does not document it)"
            )
            found.append(
                REMOVE_ONLY_KEY.finding(
                    f"{key_id} is the provider's only key and {how}.", "--remove-key"
                )
            )
    return found


def _mode_findings(current: ProviderState | None, change: ProviderChange) -> list[Finding]:
    found: list[Finding] = []
    keys_after = model.resulting_keys(current, change)
    if change.encryption_mode == "Required" and not keys_after:
        having = "has no private key" if current is None or not current.keys else "would have none"
        found.append(
            REQUIRED_WITHOUT_KEY.finding(
                f"The mode would be Required but the provider {having} and the request adds none.",
                "--encryption-mode",
            )
        )
    if (
        current is not None
        and change.encryption_mode is not None
        and change.encryption_mode == current.mode
    ):
        found.append(
            MODE_UNCHANGED.finding(
                f"The provider's encryption mode is already {current.mode}.", "--encryption-mode"
            )
        )
    if current is not None and current.keys and not keys_after and change.remove_key_id:
        found.append(
            LAST_KEY_REMOVED.finding(
                f"Removing {change.remove_key_id} leaves the provider without a private key.",
                "--remove-key",
            )
        )
    return found


def request_findings(current: ProviderState | None, change: ProviderChange) -> list[Finding]:
    """Findings about the request's parameters, shape, key list and encryption mode, in IAM's
    assumed order of checks (the key file and the metadata are judged by their own rules)."""
    found = _name_findings(change.name) + _key_id_findings(change.remove_key_id)
    if current is not None:
        if change.empty:
            found.append(
                NO_UPDATES.finding(
                    "The request sets no metadata, no encryption mode and no key to add or remove.",
                    "UpdateSAMLProvider",
                )
            )
        found.extend(_key_list_findings(current, change))
    found.extend(_mode_findings(current, change))
    return found
