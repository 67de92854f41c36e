"""Private-key checks: IAM's predicted answer to AddPrivateKey for each key file.

The API behind `samlcheck keys`: the facts come from trust.keys, the findings from
rules.keys; this module puts them together into one Result per key file.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography import x509

from samlcheck._internal.report import Result
from samlcheck._internal.rules.keys import CERT_MISMATCH, key_findings, limit_finding
from samlcheck._internal.trust.certs import describe
from samlcheck._internal.trust.keys import (
    MAX_KEY_CHARACTERS,
    KeyFacts,
    inspect_key,
    matches_certificate,
)


def _summary(facts: KeyFacts, cert: x509.Certificate | None) -> tuple[tuple[str, str], ...]:
    characters = (
        "not text (binary)"
        if facts.characters is None
        else f"{facts.characters:,} of at most {MAX_KEY_CHARACTERS:,}"
    )
    rows = [("Key file", facts.source), ("Is", facts.described), ("Characters", characters)]
    if cert is not None:  # first: a mismatch breaks every decryption although IAM takes the key
        matched = matches_certificate(facts, cert)
        verdict = {
            True: "yes",
            False: "NO: assertions encrypted for this certificate will not decrypt",
            None: "unknown (the key cannot be read)",
        }[matched]
        rows.insert(0, ("Matches certificate", f"{verdict} ({describe(cert).subject})"))
    return tuple(rows)


def check_keys(
    keys: Sequence[tuple[str, bytes]], cert: x509.Certificate | None = None
) -> tuple[Result, ...]:
    """One Result (kind "key") per key file: IAM's predicted answer to AddPrivateKey.

    `keys` are (source, bytes) pairs. Keys beyond the second also carry "Private key limit of 2
    is reached.", since a provider holds at most two.
    """
    results: list[Result] = []
    for number, (source, data) in enumerate(keys, start=1):
        facts = inspect_key(data, source)
        findings = sorted(key_findings(facts, cert), key=lambda f: f.rule is not CERT_MISMATCH)
        limit = limit_finding(source, number, len(keys))
        if limit is not None:
            findings.insert(0, limit)
        results.append(
            Result(
                source=source, kind="key", findings=tuple(findings), summary=_summary(facts, cert)
            )
        )
    return tuple(results)
