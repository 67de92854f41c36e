"""Encryption rules: decrypting EncryptedAssertion with the SP keys, and IAM's encryption mode.

IAM documents that SAML encryption uses a private key uploaded to the provider and that the IdP
then posts to the provider's own endpoint (`https://signin.aws.amazon.com/saml/acs/<id>`). AWS
does not document which error a sign-in gets when the assertion cannot be decrypted or when a
plaintext assertion reaches a provider set to Required: samlcheck infers the sign-in page's
generic "invalid SAML response" error, and such rules' evidence is inferred.

Functions and the rules they emit (stages.decrypt decrypts and returns typed problems):
    decryption_findings   SC-ENC-001 SC-ENC-002 SC-ENC-003 SC-ENC-004 SC-ENC-005 SC-ENC-008
                          SC-ENC-009 SC-ENC-012
    _decrypted_findings   SC-ENC-006 SC-ENC-007
    check_mode            SC-ENC-010 SC-ENC-011
    check_key_list        SC-ENC-002
"""

from __future__ import annotations

from samlcheck._internal import aws
from samlcheck._internal.aws import ENCRYPTION_MODES, SIGNIN_ENDPOINT, Evidence
from samlcheck._internal.findings import Finding, Rule, Severity
from samlcheck._internal.stages.decrypt import (
    KEY_TRANSPORTS,
    MAX_ENCRYPTED_ASSERTIONS,
    MAX_ENCRYPTED_KEYS,
    DecryptedPart,
    Decryption,
    Problem,
)
from samlcheck._internal.stages.decrypt import RSA_15 as RSA_15_TRANSPORT

_GUIDE = "AWS IAM User Guide, 'Manage SAML encryption keys' and 'Troubleshoot IAM roles'"
_XENC = "W3C XML Encryption Syntax and Processing 1.1"
_UNDOCUMENTED = "; AWS does not document which error it gives"
_ROLES_SECTION = "From 'Troubleshoot IAM roles'"


NO_KEY = Rule(
    id="SC-ENC-001",
    name="encrypted-assertion-not-decrypted",
    severity=Severity.WARNING,
    summary="An encrypted assertion can only be checked with the SP private key that IAM holds.",
    fix="Pass the provider's private key: samlcheck check TRACE --sp-key key.pem (repeatable, "
    "at most two keys are on an IAM provider).",
    stage="input",
    source=_GUIDE,
    unjudged="the assertion and its signature: they are inside the ciphertext and no --sp-key "
    "was given to decrypt them",
    evidence=Evidence.DOCUMENTED,
    seed_section=_ROLES_SECTION,
    url=aws.TROUBLESHOOT_ROLES_URL,
)
WRONG_KEY = Rule(
    id="SC-ENC-002",
    name="decryption-key-mismatch",
    severity=Severity.ERROR,
    summary="The assertion must be encrypted for a key the IAM provider holds.",
    fix="Make the IdP encrypt with the certificate of a key uploaded to the IAM provider, or "
    "upload the matching key (samlcheck provider plan --add-key KEY.pem).",
    aws_error="invalid-saml-response",
    stage="input",
    source=_GUIDE + _UNDOCUMENTED,
    evidence=Evidence.INFERRED,
    seed_section=_ROLES_SECTION,
    url=aws.TROUBLESHOOT_ROLES_URL,
)
CORRUPTED = Rule(
    id="SC-ENC-003",
    name="ciphertext-corrupted",
    severity=Severity.ERROR,
    summary="The encrypted assertion must decrypt cleanly (intact ciphertext, valid padding or "
    "authentication tag).",
    fix="Capture the SAMLResponse again unchanged; if it still fails, the IdP's encryption is "
    "broken (check its data-encryption algorithm and key length).",
    aws_error="invalid-saml-response",
    stage="input",
    source=_XENC + _UNDOCUMENTED,
    evidence=Evidence.INFERRED,
)
UNSUPPORTED = Rule(
    id="SC-ENC-004",
    name="encryption-algorithm-unsupported",
    severity=Severity.ERROR,
    summary="IAM decrypts assertions encrypted with AES-CBC or AES-GCM, the key transported with "
    "RSA-OAEP or RSA 1.5.",
    fix="Configure the IdP to encrypt with AES-256-GCM and RSA-OAEP key transport.",
    aws_error="invalid-saml-response",
    stage="input",
    source="AWS IAM API Reference, UpdateSAMLProvider (AddPrivateKey: 'AES-GCM or AES-CBC')"
    + _UNDOCUMENTED,
    evidence=Evidence.INFERRED,
    url=aws.UPDATE_SAML_PROVIDER_URL,
)
MALFORMED = Rule(
    id="SC-ENC-005",
    name="encrypted-assertion-malformed",
    severity=Severity.ERROR,
    summary="An EncryptedAssertion holds an EncryptedData with a CipherValue and an EncryptedKey "
    "(in its KeyInfo or referenced by a RetrievalMethod).",
    fix="Capture the SAMLResponse again unchanged; if the structure is still incomplete, report "
    "it to the IdP vendor.",
    aws_error="invalid-saml-response",
    stage="input",
    source=_XENC + "; SAML 2.0 core, section 2.3.4 (EncryptedAssertion)" + _UNDOCUMENTED,
    evidence=Evidence.INFERRED,
)
RSA_15 = Rule(
    id="SC-ENC-006",
    name="key-transport-rsa15-weak",
    severity=Severity.WARNING,
    summary="RSA 1.5 (PKCS#1 v1.5) key transport is open to padding-oracle attacks "
    "(Bleichenbacher) and XML Encryption 1.1 no longer requires it.",
    fix="Configure the IdP to transport the key with RSA-OAEP "
    "(http://www.w3.org/2009/xmlenc11#rsa-oaep or #rsa-oaep-mgf1p).",
    stage="input",
    source=_XENC + ", section 5.5.1",
    evidence=Evidence.DOCUMENTED,
)
DECRYPTED = Rule(
    id="SC-ENC-007",
    name="assertion-decrypted",
    severity=Severity.INFO,
    summary="Which key decrypted the assertion, with which algorithms; a Response signature covers "
    "only the ciphertext (the signature findings say what covers the decrypted Assertion).",
    fix="Nothing to fix.",
    stage="input",
    source=_XENC,
    evidence=Evidence.DOCUMENTED,
)
NOT_ASSERTION = Rule(
    id="SC-ENC-008",
    name="decrypted-content-not-assertion",
    severity=Severity.ERROR,
    summary="An EncryptedAssertion must decrypt to exactly one well-formed saml:Assertion.",
    fix="Report it to the IdP vendor: the IdP encrypts something other than the Assertion.",
    aws_error="invalid-saml-response",
    stage="input",
    source="SAML 2.0 core, section 2.3.4" + _UNDOCUMENTED,
    evidence=Evidence.INFERRED,
)
TOO_MANY_KEYS = Rule(
    id="SC-ENC-009",
    name="more-sp-keys-than-iam-holds",
    severity=Severity.WARNING,
    summary="An IAM provider holds at most two private keys; a third key cannot be the one AWS "
    "decrypts with.",
    fix="Pass only the keys uploaded to the IAM provider (aws iam get-saml-provider lists their "
    "Key IDs).",
    stage="input",
    source=aws.SEED + " (private key limit of two per provider)",
    evidence=Evidence.DOCUMENTED,
    seed_section=aws.ERRORS["private-key-limit"].heading,
    url=aws.TROUBLESHOOT_SAML_URL,
)
PLAINTEXT_REQUIRED = Rule(
    id="SC-ENC-010",
    name="plaintext-assertion-encryption-required",
    severity=Severity.ERROR,
    summary="With AssertionEncryptionMode Required, IAM accepts only encrypted assertions.",
    fix="Turn on assertion encryption in the IdP with the certificate of the key uploaded to IAM, "
    "or set the provider's mode to Allowed (aws iam update-saml-provider "
    "--assertion-encryption-mode Allowed).",
    aws_error="invalid-saml-response",
    stage="input",
    source=_GUIDE + _UNDOCUMENTED,
    evidence=Evidence.INFERRED,
    seed_section=_ROLES_SECTION,
    url=aws.TROUBLESHOOT_ROLES_URL,
)
RECIPIENT_NOT_ACS = Rule(
    id="SC-ENC-011",
    name="recipient-not-provider-acs",
    severity=Severity.ERROR,
    summary="With AssertionEncryptionMode Required the IdP posts to the provider's own endpoint, "
    "https://signin.aws.amazon.com/saml/acs/<id>, and the Recipient must name it.",
    fix="Set the IdP's ACS URL (and so the Recipient) to the provider's endpoint shown in the IAM "
    "console, https://signin.aws.amazon.com/saml/acs/<provider id>.",
    aws_error="invalid-saml-response",
    stage="audience",
    source=_GUIDE + _UNDOCUMENTED,
    evidence=Evidence.INFERRED,
    seed_section=_ROLES_SECTION,
    url=aws.TROUBLESHOOT_ROLES_URL,
)
TOO_MANY_PARTS = Rule(
    id="SC-ENC-012",
    name="encrypted-parts-capped",
    severity=Severity.WARNING,
    summary=f"samlcheck decrypts at most {MAX_ENCRYPTED_ASSERTIONS} EncryptedAssertions per "
    f"response and tries at most {MAX_ENCRYPTED_KEYS} EncryptedKeys per EncryptedData, so hostile "
    "input costs bounded time; AWS reads one assertion.",
    fix="Capture the SAMLResponse again: an IdP sends one EncryptedAssertion with one "
    "EncryptedKey per recipient.",
    stage="input",
    source=_XENC + "; SAML 2.0 core, section 2.3.4 (the caps are samlcheck's)",
    unjudged="the assertion: more encrypted parts than samlcheck examines",
    evidence=Evidence.DOCUMENTED,
)


def check_mode(encrypted: bool, recipient: str | None, mode: str | None) -> list[Finding]:
    """Findings for IAM's AssertionEncryptionMode `mode` (None: not given, nothing to check).

    `encrypted`: the assertion arrived as an EncryptedAssertion; `recipient`: the
    SubjectConfirmationData Recipient (None when absent: the response rules report that).
    """
    if mode is None:
        return []
    if mode not in ENCRYPTION_MODES:
        raise ValueError(f"unknown encryption mode {mode!r}; expected Required or Allowed")
    if mode != "Required":
        return []
    findings: list[Finding] = []
    if not encrypted:
        findings.append(
            PLAINTEXT_REQUIRED.finding(
                "The assertion is not encrypted, but the provider's AssertionEncryptionMode is "
                "Required: AWS refuses plaintext assertions for it.",
                "/Response/Assertion",
            )
        )
    if recipient is not None:
        match = SIGNIN_ENDPOINT.fullmatch(recipient)
        if match is None or not match.group("provider_id"):
            findings.append(
                RECIPIENT_NOT_ACS.finding(
                    f"The Recipient is {recipient!r}; with encryption Required it must be the "
                    "provider's endpoint https://signin.aws.amazon.com/saml/acs/<id> (regional "
                    "sign-in hosts also work).",
                    "SubjectConfirmationData/@Recipient",
                )
            )
    return findings


def check_key_list(encrypted: bool, keys: tuple[str, ...] | None) -> list[Finding]:
    """An encrypted assertion to a provider whose PrivateKeyList (get-saml-provider) is empty:
    IAM has no key to decrypt it, whatever --sp-key decrypts here (`keys` None: not known)."""
    if not encrypted or keys is None or keys:
        return []
    return [
        WRONG_KEY.finding(
            "The assertion is encrypted, but the provider's PrivateKeyList is empty: IAM holds "
            "no private key to decrypt it.",
            "/Response/EncryptedAssertion",
            fix="Upload the private key whose certificate the IdP encrypts with (samlcheck "
            "provider plan --add-key KEY.pem), or, with the mode Allowed, turn encryption off "
            "in the IdP.",
        )
    ]


_BY_PROBLEM = {
    Problem.NO_KEY: NO_KEY,
    Problem.TOO_MANY_KEYS: TOO_MANY_KEYS,
    Problem.TOO_MANY_PARTS: TOO_MANY_PARTS,
    Problem.MALFORMED: MALFORMED,
    Problem.UNSUPPORTED: UNSUPPORTED,
    Problem.CORRUPTED: CORRUPTED,
    Problem.WRONG_KEY: WRONG_KEY,
    Problem.NOT_ASSERTION: NOT_ASSERTION,
}


def decryption_findings(decryption: Decryption) -> list[Finding]:
    """The findings of decrypting a response: each problem, then each decrypted assertion."""
    found = [_BY_PROBLEM[p.kind].finding(p.message, p.location) for p in decryption.problems]
    for part in decryption.parts:
        found.extend(_decrypted_findings(part, decryption.response_signed))
    return found


def _decrypted_findings(part: DecryptedPart, response_signed: bool) -> list[Finding]:
    """SC-ENC-007 (which key and algorithms), and SC-ENC-006 when the transport is RSA 1.5."""
    coverage = "The signature findings say what covers the decrypted Assertion."
    if response_signed:
        coverage = (
            "A signature on the Response covers only the ciphertext; the signature findings "
            "say what covers the decrypted Assertion."
        )
    found = [
        DECRYPTED.finding(
            f"Decrypted with {part.key_source} ({part.algorithm.name}, key transport "
            f"{KEY_TRANSPORTS[part.transport]}). {coverage}",
            part.location,
        )
    ]
    if part.transport == RSA_15_TRANSPORT:
        found.append(
            RSA_15.finding(
                "The session key is transported with RSA 1.5 (http://www.w3.org/2001/04/"
                "xmlenc#rsa-1_5), which is open to padding-oracle attacks.",
                part.location + "/EncryptedData//EncryptedKey/EncryptionMethod",
            )
        )
    return found
