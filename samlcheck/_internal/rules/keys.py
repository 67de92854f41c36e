"""Private-key rules: would IAM's AddPrivateKey accept this key, and will it decrypt?

Documented by AWS: the key must be PEM ("Key format is not recognized. Private key file must be
a .pem file.") and not encrypted ("Key is encrypted."), 1 to 16,384 characters from
`[\\u0009\\u000A\\u000D\\u0020-\\u00FF]` (API reference parameter constraints), at most two keys per
provider. Inferred by samlcheck: that the key must be RSA (SAML key transport to AWS is RSA-OAEP or
RSA 1.5), and that the length and character limits answer "Invalid private key." (the API's
parameter validation may answer first with a ValidationError).

Functions and the rules they emit:
    key_findings    SC-KEY-001 SC-KEY-002 SC-KEY-003 SC-KEY-004 SC-KEY-005 SC-KEY-006
                    SC-KEY-008 SC-KEY-009 SC-KEY-010 SC-KEY-011
    limit_finding   SC-KEY-007
"""

from __future__ import annotations

from cryptography import x509

from samlcheck._internal import aws
from samlcheck._internal.aws import MAX_PRIVATE_KEYS, SEED, Evidence
from samlcheck._internal.findings import Finding, Rule, Severity
from samlcheck._internal.trust.certs import describe
from samlcheck._internal.trust.keys import (
    MAX_KEY_CHARACTERS,
    MAX_RSA_BITS,
    KeyFacts,
    KeyKind,
    block_labels,
    matches_certificate,
)

_INVALID_KEY = f"{SEED}: Invalid private key"
_API = "AWS IAM API Reference, UpdateSAMLProvider / CreateSAMLProvider (AddPrivateKey)"
_INVALID_SECTION = aws.ERRORS["invalid-private-key"].heading
MIN_RSA_BITS = 2048

_CONVERT = {
    KeyKind.DER_PRIVATE_KEY: "openssl pkey -inform DER -in {source} -out key.pem",
    KeyKind.PKCS12: "openssl pkcs12 -in {source} -nocerts -nodes -out key.pem "
    "(then remove the Bag Attributes lines, or: openssl pkey -in key.pem -out key-only.pem)",
    KeyKind.OPENSSH: "ssh-keygen -p -m PEM -f {source} "
    "(rewrites the file in place: work on a copy)",
    KeyKind.PUTTY: "puttygen {source} -O private-openssh -o key.pem",
    KeyKind.CERTIFICATE: "a certificate holds only the public key: find the private key it was "
    "issued for (the SP encryption key file)",
    KeyKind.PUBLIC_KEY: "a public key cannot decrypt: find the matching private key file",
    KeyKind.EMPTY: "the file is empty: export the private key again",
    KeyKind.UNKNOWN: "export the private key as PEM: openssl pkey -in KEY -out key.pem",
}

NOT_PEM = Rule(
    id="SC-KEY-001",
    name="private-key-not-pem",
    severity=Severity.ERROR,
    summary="IAM takes the private key as PEM text.",
    fix="Convert the key to PEM: openssl pkey -in KEY -out key.pem.",
    aws_error="invalid-private-key-format",
    stage="key",
    source=_INVALID_KEY,
    evidence=Evidence.DOCUMENTED,
    seed_section=_INVALID_SECTION,
    url=aws.TROUBLESHOOT_SAML_URL,
)
ENCRYPTED = Rule(
    id="SC-KEY-002",
    name="private-key-encrypted",
    severity=Severity.ERROR,
    summary="IAM refuses a passphrase-protected private key (PKCS#8 ENCRYPTED PRIVATE KEY or a "
    "legacy PEM with a Proc-Type: 4,ENCRYPTED header).",
    fix="Write an unencrypted copy: openssl pkey -in KEY -out key-plain.pem (delete it after "
    "the upload).",
    aws_error="invalid-private-key-encrypted",
    stage="key",
    source=_INVALID_KEY,
    evidence=Evidence.DOCUMENTED,
    seed_section=_INVALID_SECTION,
    url=aws.TROUBLESHOOT_SAML_URL,
)
NOT_RSA = Rule(
    id="SC-KEY-003",
    name="private-key-not-rsa",
    severity=Severity.ERROR,
    summary="SAML key transport to AWS is RSA (RSA-OAEP or RSA 1.5), so the key must be RSA. "
    "Inferred: AWS documents no other key type for SAML encryption.",
    fix="Create an RSA key for SAML encryption: openssl genpkey -algorithm RSA "
    "-pkeyopt rsa_keygen_bits:2048 -out key.pem, and give the IdP its certificate.",
    aws_error="invalid-private-key",
    stage="key",
    source=_INVALID_KEY,
    evidence=Evidence.INFERRED,
    seed_section=_INVALID_SECTION,
    url=aws.TROUBLESHOOT_SAML_URL,
)
TOO_LONG = Rule(
    id="SC-KEY-004",
    name="private-key-too-long",
    severity=Severity.ERROR,
    summary=f"AddPrivateKey takes at most {MAX_KEY_CHARACTERS:,} characters (API reference "
    "length constraint; the error AWS shows for it is inferred).",
    fix="Upload the private key block alone, without certificates, chains or comments (a PEM "
    "RSA key of 2048 bits is about 1,700 characters).",
    aws_error="invalid-private-key",
    stage="key",
    source=_API,
    evidence=Evidence.INFERRED,
    url=aws.UPDATE_SAML_PROVIDER_URL,
)
BAD_CHARACTERS = Rule(
    id="SC-KEY-005",
    name="private-key-characters",
    severity=Severity.ERROR,
    summary="AddPrivateKey takes only tab, line feed, carriage return and U+0020 to U+00FF "
    "(API reference pattern; the error AWS shows for it is inferred).",
    fix="Save the key as plain ASCII PEM (no byte order mark, no smart quotes or other "
    "characters pasted around it).",
    aws_error="invalid-private-key",
    stage="key",
    source=_API,
    evidence=Evidence.INFERRED,
    url=aws.UPDATE_SAML_PROVIDER_URL,
)
CERT_MISMATCH = Rule(
    id="SC-KEY-006",
    name="private-key-certificate-mismatch",
    severity=Severity.WARNING,
    summary="The private key uploaded to IAM must be the private half of the certificate the IdP "
    "encrypts for; IAM accepts any key, but sign-ins then fail to decrypt.",
    fix="Upload the key that belongs to the SP encryption certificate configured in the IdP, or "
    "give the IdP the certificate of this key.",
    stage="key",
    source="AWS IAM User Guide, 'Manage SAML encryption keys'; that IAM accepts a key of another "
    "certificate is not documented (IAM is never given the certificate the IdP encrypts for)",
    evidence=Evidence.INFERRED,
)
KEY_LIMIT = Rule(
    id="SC-KEY-007",
    name="private-key-limit",
    severity=Severity.ERROR,
    summary="An IAM provider holds at most two private keys.",
    fix="Keep two keys at most: remove the key the IdP no longer uses in one request, then add "
    "the new one in another.",
    aws_error="private-key-limit",
    stage="key",
    source=f"{SEED}: Private key limit of 2 is reached",
    evidence=Evidence.DOCUMENTED,
    seed_section=aws.ERRORS["private-key-limit"].heading,
    url=aws.TROUBLESHOOT_SAML_URL,
)
SMALL_RSA = Rule(
    id="SC-KEY-008",
    name="rsa-key-small",
    severity=Severity.WARNING,
    summary=f"RSA keys under {MIN_RSA_BITS} bits are weak (NIST SP 800-131A); IAM's own minimum "
    "for private keys is not documented.",
    fix="Create a 2048-bit or larger RSA key and rotate to it.",
    stage="key",
    source="NIST SP 800-131A Rev. 2",
    evidence=Evidence.DOCUMENTED,
)
REPAIRED = Rule(
    id="SC-KEY-009",
    name="rsa-key-inconsistent",
    severity=Severity.WARNING,
    summary="Every value of an RSA private key must be consistent; OpenSSL refuses a key with "
    "wrong CRT values, and IAM may too (inferred: AWS does not document this case).",
    fix="Re-export the key from its source, or rewrite it: openssl rsa -in KEY -out fixed.pem "
    "(from a tool that accepts it).",
    stage="key",
    source="RFC 8017, section 3.2",
    evidence=Evidence.INFERRED,
)
EXTRA_BLOCKS = Rule(
    id="SC-KEY-010",
    name="private-key-file-has-other-blocks",
    severity=Severity.WARNING,
    summary="The key file should hold the private key block alone; IAM's handling of further "
    "PEM blocks (certificates beside the key) is not documented.",
    fix="Upload only the private key block: openssl pkey -in KEY -out key-only.pem.",
    stage="key",
    source=_INVALID_KEY,
    evidence=Evidence.INFERRED,
    seed_section=_INVALID_SECTION,
    url=aws.TROUBLESHOOT_SAML_URL,
)
LARGE_RSA = Rule(
    id="SC-KEY-011",
    name="rsa-key-too-large-to-check",
    severity=Severity.WARNING,
    summary=f"samlcheck checks RSA keys of up to {MAX_RSA_BITS:,} bits; IAM documents no maximum "
    "in bits (only 16,384 characters of PEM), and every decryption with a larger key is slow.",
    fix="Use a 2048-, 3072- or 4096-bit RSA key for SAML encryption: openssl genpkey -algorithm "
    "RSA -pkeyopt rsa_keygen_bits:3072 -out key.pem.",
    stage="key",
    source=_API + " (no size in bits is documented; the limit is samlcheck's)",
    unjudged=f"the key: RSA keys over {MAX_RSA_BITS:,} bits are not loaded or validated",
    evidence=Evidence.DOCUMENTED,
    url=aws.UPDATE_SAML_PROVIDER_URL,
)


def key_findings(facts: KeyFacts, cert: x509.Certificate | None = None) -> list[Finding]:
    """What IAM's AddPrivateKey (and a later decryption) would make of one key."""
    source = facts.source
    found = _form_findings(facts) + _text_findings(facts)
    if facts.algorithm == "RSA" and facts.bits is not None and facts.bits < MIN_RSA_BITS:
        found.append(SMALL_RSA.finding(f"{source} is a {facts.bits}-bit RSA key.", source))
    if facts.problem and facts.key is not None:
        found.append(REPAIRED.finding(f"{source}: {facts.problem}.", source))
    if facts.other_blocks:
        found.append(
            EXTRA_BLOCKS.finding(
                f"{source} holds other PEM blocks besides the key: "
                f"{block_labels(facts.other_blocks)}.",
                source,
            )
        )
    if cert is not None and matches_certificate(facts, cert) is False:
        subject = describe(cert).subject
        found.append(
            CERT_MISMATCH.finding(
                f"{source} is not the private key of the certificate {subject}: IAM would accept "
                "it, but assertions encrypted for that certificate would not decrypt.",
                source,
            )
        )
    return found


def _form_findings(facts: KeyFacts) -> list[Finding]:
    """The first reason AddPrivateKey refuses the key's form: encrypted, not PEM, not RSA,
    too large to check, unreadable."""
    source = facts.source
    if facts.encrypted:
        command = (
            f"openssl rsa -in {source} -out key-plain.pem"
            if facts.encrypted.startswith("legacy")
            else f"openssl pkey -in {source} -out key-plain.pem"
        )
        return [
            ENCRYPTED.finding(
                f"{source} is {facts.described}.",
                source,
                fix=f"Write an unencrypted copy: {command} (delete it after the upload).",
            )
        ]
    if not facts.pem:
        hint = _CONVERT.get(facts.kind, _CONVERT[KeyKind.UNKNOWN]).format(source=source)
        return [
            NOT_PEM.finding(f"{source} is {facts.described}, not a PEM private key.", source, hint)
        ]
    if facts.algorithm is not None and facts.algorithm != "RSA":
        return [NOT_RSA.finding(f"{source} is {facts.described}, not an RSA key.", source)]
    if facts.oversized:
        return [
            LARGE_RSA.finding(
                f"{source} is an RSA key of {facts.bits:,} bits: samlcheck does not load or "
                f"validate RSA keys over {MAX_RSA_BITS:,} bits.",
                source,
            )
        ]
    if facts.key is None:
        problem = facts.problem or "it cannot be read"
        return [NOT_PEM.finding(f"{source} is {facts.described}: {problem}.", source)]
    return []


def _text_findings(facts: KeyFacts) -> list[Finding]:
    """AddPrivateKey's length and character constraints on the text."""
    source = facts.source
    found: list[Finding] = []
    if facts.characters is not None and facts.characters > MAX_KEY_CHARACTERS:
        found.append(
            TOO_LONG.finding(
                f"{source} has {facts.characters:,} characters; IAM takes at most "
                f"{MAX_KEY_CHARACTERS:,}.",
                source,
            )
        )
    if facts.bad_character is not None:
        position, char = facts.bad_character
        found.append(
            BAD_CHARACTERS.finding(
                f"{source} has {char} at character {position + 1}, outside the allowed range "
                "(tab, line feed, carriage return, U+0020 to U+00FF).",
                f"{source}, character {position + 1}",
            )
        )
    return found


def limit_finding(source: str, number: int, total: int) -> Finding | None:
    """The private-key limit, for key `number` of `total` meant for one provider."""
    if number <= MAX_PRIVATE_KEYS:
        return None
    return KEY_LIMIT.finding(
        f"{source} is key {number} of {total}; an IAM provider holds at most two.", source
    )
