"""Encryption rules: decrypting EncryptedAssertion with the SP keys, and IAM's encryption mode.

IAM documents that SAML encryption uses a private key uploaded to the provider and that the IdP
then posts to the provider's own endpoint (`https://signin.aws.amazon.com/saml/acs/<id>`). AWS
does not document which error a sign-in gets when the assertion cannot be decrypted or when a
plaintext assertion reaches a provider set to Required: samlcheck infers the sign-in page's
generic "invalid SAML response" error and says so in every such finding.
"""

from __future__ import annotations

from samlcheck import aws
from samlcheck.aws import ENCRYPTION_MODES, SIGNIN_ENDPOINT
from samlcheck.findings import Finding, Rule, Severity

_GUIDE = "AWS IAM User Guide, 'Manage SAML encryption keys' and 'Troubleshoot IAM roles'"
_XENC = "W3C XML Encryption Syntax and Processing 1.1"
INFERRED = "AWS does not document the error for this case; samlcheck infers it."

MAX_ENCRYPTED_ASSERTIONS = 4
"""EncryptedAssertions decrypted per response. AWS reads one assertion; each costs an RSA
decryption per key, so 2,500 of them took 12 s. Past this many, none is decrypted."""
MAX_ENCRYPTED_KEYS = 8
"""EncryptedKeys tried per EncryptedData (an IdP writes one per recipient); 20,000 took 8 s."""

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
)
WRONG_KEY = Rule(
    id="SC-ENC-002",
    name="decryption-key-mismatch",
    severity=Severity.ERROR,
    summary="The assertion must be encrypted for a key the IAM provider holds. " + INFERRED,
    fix="Make the IdP encrypt with the certificate of a key uploaded to the IAM provider, or "
    "upload the matching key (samlcheck provider plan --add-key KEY.pem).",
    aws_error="invalid-saml-response",
    stage="input",
    source=_GUIDE,
)
CORRUPTED = Rule(
    id="SC-ENC-003",
    name="ciphertext-corrupted",
    severity=Severity.ERROR,
    summary="The encrypted assertion must decrypt cleanly (intact ciphertext, valid padding or "
    "authentication tag). " + INFERRED,
    fix="Capture the SAMLResponse again unchanged; if it still fails, the IdP's encryption is "
    "broken (check its data-encryption algorithm and key length).",
    aws_error="invalid-saml-response",
    stage="input",
    source=_XENC,
)
UNSUPPORTED = Rule(
    id="SC-ENC-004",
    name="encryption-algorithm-unsupported",
    severity=Severity.ERROR,
    summary="IAM decrypts assertions encrypted with AES-CBC or AES-GCM, the key transported with "
    "RSA-OAEP or RSA 1.5. " + INFERRED,
    fix="Configure the IdP to encrypt with AES-256-GCM and RSA-OAEP key transport.",
    aws_error="invalid-saml-response",
    stage="input",
    source="AWS IAM API Reference, UpdateSAMLProvider (AddPrivateKey: 'AES-GCM or AES-CBC')",
)
MALFORMED = Rule(
    id="SC-ENC-005",
    name="encrypted-assertion-malformed",
    severity=Severity.ERROR,
    summary="An EncryptedAssertion holds an EncryptedData with a CipherValue and an EncryptedKey "
    "(in its KeyInfo or referenced by a RetrievalMethod). " + INFERRED,
    fix="Capture the SAMLResponse again unchanged; if the structure is still incomplete, report "
    "it to the IdP vendor.",
    aws_error="invalid-saml-response",
    stage="input",
    source=_XENC + "; SAML 2.0 core, section 2.3.4 (EncryptedAssertion)",
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
)
NOT_ASSERTION = Rule(
    id="SC-ENC-008",
    name="decrypted-content-not-assertion",
    severity=Severity.ERROR,
    summary="An EncryptedAssertion must decrypt to exactly one well-formed saml:Assertion. "
    + INFERRED,
    fix="Report it to the IdP vendor: the IdP encrypts something other than the Assertion.",
    aws_error="invalid-saml-response",
    stage="input",
    source="SAML 2.0 core, section 2.3.4",
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
)
PLAINTEXT_REQUIRED = Rule(
    id="SC-ENC-010",
    name="plaintext-assertion-encryption-required",
    severity=Severity.ERROR,
    summary="With AssertionEncryptionMode Required, IAM accepts only encrypted assertions. "
    + INFERRED,
    fix="Turn on assertion encryption in the IdP with the certificate of the key uploaded to IAM, "
    "or set the provider's mode to Allowed (aws iam update-saml-provider "
    "--assertion-encryption-mode Allowed).",
    aws_error="invalid-saml-response",
    stage="input",
    source=_GUIDE,
)
RECIPIENT_NOT_ACS = Rule(
    id="SC-ENC-011",
    name="recipient-not-provider-acs",
    severity=Severity.ERROR,
    summary="With AssertionEncryptionMode Required the IdP posts to the provider's own endpoint, "
    "https://signin.aws.amazon.com/saml/acs/<id>, and the Recipient must name it. " + INFERRED,
    fix="Set the IdP's ACS URL (and so the Recipient) to the provider's endpoint shown in the IAM "
    "console, https://signin.aws.amazon.com/saml/acs/<provider id>.",
    aws_error="invalid-saml-response",
    stage="audience",
    source=_GUIDE,
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
