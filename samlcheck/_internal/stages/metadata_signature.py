"""The metadata's own signature: verified on the document element, with the certificate given,
else the embedded one, else the IdP's signing certificates (the core verifier is `signature`).
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography import x509
from lxml import etree

from samlcheck._internal.inputs.xml import XmlDocument, find_all, local_name, path_of, text
from samlcheck._internal.trust.certs import key_info_certificates
from samlcheck._internal.trust.metadata import IdpEntity

MAX_SIGNATURE_CANDIDATES = 8
"""Most certificates tried on the metadata signature when none is given or embedded."""


@dataclass(frozen=True)
class MetadataSignature:
    status: str
    """valid, invalid, unverifiable or unsigned."""
    detail: str
    location: str
    signer: x509.Certificate | None = None
    covered: etree._Element | None = None
    """What a valid signature covers (the document without it): the metadata's signed view."""


def _embedded_certificate(signature: etree._Element) -> x509.Certificate | None:
    """The first well-formed certificate among those KeyInfo carries (see key_info_certificates)."""
    decoded, _ = key_info_certificates(signature)
    return next((d.certificate for d in decoded if d.certificate and d.problem is None), None)


def _empty_values(signature: etree._Element) -> str | None:
    """'SignatureValue' or 'DigestValue' when that value is absent or empty, else None."""
    for path in ("ds:SignatureValue", "ds:SignedInfo/ds:Reference/ds:DigestValue"):
        values = find_all(signature, path)
        if not values or not text(values[0]).strip():
            return path.rsplit(":", 1)[-1]
    return None


def verify_signature(
    doc: XmlDocument, cert: x509.Certificate | None, entities: tuple[IdpEntity, ...]
) -> MetadataSignature:
    """Verify the document element's own ds:Signature with `cert`, else the embedded
    certificate, else the IdP's signing certificates. Expiry is ignored (as IAM ignores it)."""
    location = f"/{local_name(doc.root)}/Signature"
    signature = _own_signature(doc, location)
    if isinstance(signature, MetadataSignature):
        return signature
    candidates = _candidates(signature, cert, entities)
    if not candidates:
        return MetadataSignature(
            "unverifiable", "the signature carries no certificate and none was given", location
        )
    return _verify_candidates(doc, candidates, location)


def _own_signature(doc: XmlDocument, location: str) -> etree._Element | MetadataSignature:
    """The document element's one ds:Signature, or the verdict when it has none, several, or
    one with an empty value."""
    signatures = find_all(doc.root, "ds:Signature")
    if not signatures:
        nested = find_all(doc.root, ".//ds:Signature")
        if nested:
            where = path_of(nested[0])
            return MetadataSignature(
                "unverifiable",
                f"only a signature inside the document ({where}) is present; samlcheck verifies "
                "the document element's own signature",
                where,
            )
        return MetadataSignature("unsigned", "the document element is not signed", location)
    if len(signatures) > 1:
        return MetadataSignature(
            "invalid",
            f"the document element carries {len(signatures)} signatures; metadata has at most one "
            "and consumers may verify a different one than samlcheck does",
            location,
        )
    empty = _empty_values(signatures[0])
    if empty:
        return MetadataSignature(
            "invalid", f"the {empty} is empty: the signature is invalid under any key", location
        )
    return signatures[0]


def _candidates(
    signature: etree._Element, cert: x509.Certificate | None, entities: tuple[IdpEntity, ...]
) -> list[tuple[str, x509.Certificate]]:
    """The certificates to try, each with how the user knows it: --cert, else the embedded one,
    else every IdP signing certificate."""
    if cert is not None:
        return [("the certificate given with --cert", cert)]
    embedded = _embedded_certificate(signature)
    if embedded is not None:
        return [("the certificate embedded in the signature", embedded)]
    return [
        ("the IdP's signing certificate", c)
        for entity in entities
        for c in entity.signing_certificates
    ]


def _verify_candidates(
    doc: XmlDocument, candidates: list[tuple[str, x509.Certificate]], location: str
) -> MetadataSignature:
    """Valid with the first candidate that verifies; else why each failed, up to the cap."""
    failures: list[str] = []
    for label, candidate in candidates[:MAX_SIGNATURE_CANDIDATES]:
        problem, covered = _verify_with(doc, candidate)
        if covered is not None:
            note = (
                " (this proves the file is intact, not who signed it: pass --cert with the "
                "publisher's certificate for that)"
                if label.endswith("embedded in the signature")
                else ""
            )
            detail = f"verified with {label}{note}"
            return MetadataSignature("valid", detail, location, candidate, covered)
        failures.append(f"{label}: {problem}")
    if len(candidates) > MAX_SIGNATURE_CANDIDATES:
        return MetadataSignature(
            "unverifiable",
            f"none of the first {MAX_SIGNATURE_CANDIDATES} of {len(candidates):,} signing "
            "certificates verifies it and samlcheck tries no more (each try re-reads the whole "
            "document); pass the publisher's certificate with --cert",
            location,
        )
    return MetadataSignature("invalid", "; ".join(failures), location)


def _verify_with(
    doc: XmlDocument, cert: x509.Certificate
) -> tuple[str, None] | tuple[None, etree._Element]:
    """(None, the signed view) when the root signature verifies with `cert` and covers the root;
    else (why not, None)."""
    from samlcheck._internal.stages.verify import Malformed, verify

    try:
        signed = verify(doc.root, cert)
    except Malformed as error:  # DigestMismatch and SignatureMismatch too
        return str(error), None
    except (ValueError, etree.LxmlError):
        return "the signed content cannot be canonicalised", None
    if signed.tag != doc.root.tag or signed.get("ID") != doc.root.get("ID"):
        return "the signature is valid but does not cover the whole document", None
    return None, signed
