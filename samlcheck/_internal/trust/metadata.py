"""The IdP metadata model: entities, their certificates and endpoints, and how two versions differ.

Read from a parsed document (inputs.xml.parse). This module reports what the metadata says; the
rules in rules.metadata judge it and checks.metadata runs them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from cryptography import x509
from lxml import etree

from samlcheck._internal.inputs.xml import NS, XmlDocument, find_all, path_of, qname, text
from samlcheck._internal.trust.certs import CertFacts, decode_x509_element_text, describe

SAML2_PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol"
ENTITY_DESCRIPTOR = qname("md", "EntityDescriptor")
ENTITIES_DESCRIPTOR = qname("md", "EntitiesDescriptor")


@dataclass(frozen=True)
class MetadataCert:
    """One ds:X509Certificate inside a KeyDescriptor, decoded (or why it could not be)."""

    use: str | None
    """The KeyDescriptor's `use`: 'signing', 'encryption' or None (both)."""
    certificate: x509.Certificate | None
    der: bytes | None
    problem: str | None
    """Why IAM cannot use the value as written; None when it is base64 of a DER certificate."""
    location: str
    pem_wrapped: bool = False
    """The base64 decodes to PEM text rather than DER (the certificate is still read for facts)."""

    @property
    def signs(self) -> bool:
        """True when the certificate may verify signatures (`use` absent or 'signing')."""
        return self.use in (None, "signing")

    @property
    def facts(self) -> CertFacts | None:
        return describe(self.certificate) if self.certificate is not None else None


@dataclass(frozen=True)
class IdpEntity:
    """One EntityDescriptor that holds at least one IDPSSODescriptor."""

    entity_id: str
    certs: tuple[MetadataCert, ...]
    sso_endpoints: tuple[tuple[str, str], ...]
    """(Binding, Location) of every SingleSignOnService, in document order."""
    valid_until: str | None
    """The entity's validUntil, else the nearest enclosing EntitiesDescriptor's."""
    cache_duration: str | None
    location: str
    protocols: tuple[str, ...] = ()
    """Every URI in the IDPSSODescriptors' protocolSupportEnumeration."""
    signed: bool = False
    """True when the EntityDescriptor itself carries a ds:Signature."""
    certs_skipped: int = 0
    """Certificates beyond MAX_CERTIFICATES: not decoded, not trusted."""

    @property
    def signing_certificates(self) -> tuple[x509.Certificate, ...]:
        """Certificates that may verify the IdP's signatures (use absent or 'signing').

        A value IAM cannot read as written (see MetadataCert.problem) is left out.
        """
        return tuple(
            c.certificate
            for c in self.certs
            if c.signs and c.certificate is not None and c.problem is None
        )

    @property
    def supports_saml2(self) -> bool:
        return SAML2_PROTOCOL in self.protocols


def _inherited(element: etree._Element, attribute: str) -> str | None:
    node: etree._Element | None = element
    while node is not None:
        value = node.get(attribute)
        if value is not None:
            return value
        node = node.getparent()
    return None


MAX_CERTIFICATES = 16
"""Most certificates decoded per IdP (real IdPs publish one to four): the rest are counted in
IdpEntity.certs_skipped, never decoded and never trusted, so hostile metadata stays cheap."""
MAX_ENTITIES_EXAMINED = 50
"""IdPs whose certificates and endpoints `samlcheck metadata` judges and shows; an IAM provider
holds one."""


def _certs(descriptor: etree._Element, room: int) -> tuple[list[MetadataCert], int]:
    """The first `room` certificates of the descriptor's KeyDescriptors, and how many more."""
    found: list[MetadataCert] = []
    skipped = 0
    for key in find_all(descriptor, "md:KeyDescriptor"):
        use = key.get("use")
        values = find_all(key, "ds:KeyInfo/ds:X509Data/ds:X509Certificate")
        if not values:
            values = [key]  # reported as a KeyDescriptor without certificate
        for value in values:
            if len(found) >= room:
                skipped += 1
            elif value is key:
                problem = "the KeyDescriptor has no ds:X509Certificate"
                found.append(MetadataCert(use, None, None, problem, path_of(key)))
            else:
                decoded = decode_x509_element_text(text(value))
                found.append(
                    MetadataCert(
                        use=use,
                        certificate=decoded.certificate,
                        der=decoded.der,
                        problem=decoded.problem,
                        location=path_of(value),
                        pem_wrapped=decoded.pem_wrapped,
                    )
                )
    return found, skipped


def entity_descriptors(doc: XmlDocument | etree._Element) -> tuple[etree._Element, ...]:
    """Every md:EntityDescriptor of the metadata structure: the root itself, or the children of
    the root EntitiesDescriptor and of EntitiesDescriptors nested in it, in document order.

    Nothing else counts: an EntityDescriptor inside a ds:Signature (its ds:Object), Extensions or
    any other element is not metadata (see `stray_descriptors`).
    """
    root = doc.root if isinstance(doc, XmlDocument) else doc
    if root.tag == ENTITY_DESCRIPTOR:
        return (root,)
    if root.tag == ENTITIES_DESCRIPTOR:
        return tuple(_members(root))
    return ()


def _members(group: etree._Element) -> Iterator[etree._Element]:
    for child in group:
        if child.tag == ENTITY_DESCRIPTOR:
            yield child
        elif child.tag == ENTITIES_DESCRIPTOR:
            yield from _members(child)


def stray_descriptors(doc: XmlDocument) -> tuple[etree._Element, ...]:
    """Every md:EntityDescriptor outside the metadata structure (see `entity_descriptors`)."""
    members = set(entity_descriptors(doc))
    return tuple(e for e in doc.root.iter(ENTITY_DESCRIPTOR) if e not in members)


def idp_entity(element: etree._Element) -> IdpEntity | None:
    """The IdP view of one EntityDescriptor; None when it has no IDPSSODescriptor."""
    descriptors = find_all(element, "md:IDPSSODescriptor")
    if not descriptors:
        return None
    certs: list[MetadataCert] = []
    skipped = 0
    endpoints: list[tuple[str, str]] = []
    protocols: list[str] = []
    for descriptor in descriptors:
        found, more = _certs(descriptor, MAX_CERTIFICATES - len(certs))
        certs.extend(found)
        skipped += more
        protocols.extend(descriptor.get("protocolSupportEnumeration", "").split())
        endpoints.extend(
            (sso.get("Binding", ""), sso.get("Location", ""))
            for sso in find_all(descriptor, "md:SingleSignOnService")
        )
    return IdpEntity(
        entity_id=element.get("entityID", ""),
        certs=tuple(certs),
        sso_endpoints=tuple(endpoints),
        valid_until=_inherited(element, "validUntil"),
        cache_duration=_inherited(element, "cacheDuration"),
        location=path_of(element),
        protocols=tuple(protocols),
        signed=bool(find_all(element, "ds:Signature")),
        certs_skipped=skipped,
    )


def idp_entities(doc: XmlDocument | etree._Element) -> tuple[IdpEntity, ...]:
    """Every IdP of the metadata structure, in document order (SP-only descriptors are skipped).

    `doc` is the document, or the element a verified signature covers (its signed view)."""
    entities = (idp_entity(element) for element in entity_descriptors(doc))
    return tuple(entity for entity in entities if entity is not None)


@dataclass(frozen=True)
class ValidityMark:
    """A metadata element that carries validUntil and/or cacheDuration."""

    location: str
    valid_until: str | None
    cache_duration: str | None


def validity_marks(doc: XmlDocument) -> tuple[ValidityMark, ...]:
    """Every metadata element with validUntil or cacheDuration, in document order."""
    return tuple(
        ValidityMark(path_of(element), element.get("validUntil"), element.get("cacheDuration"))
        for element in doc.root.iter(f"{{{NS['md']}}}*")  # filtered in C: other elements are free
        if element.get("validUntil") is not None or element.get("cacheDuration") is not None
    )


def select(entities: tuple[IdpEntity, ...], issuer: str) -> IdpEntity | None:
    """The IdP whose entityID equals a response's Issuer exactly (IAM compares exactly)."""
    return next((entity for entity in entities if entity.entity_id == issuer), None)


@dataclass(frozen=True)
class MetadataDiff:
    """What changed between the metadata IAM holds (old) and the IdP's current metadata (new)."""

    old_entity_id: str
    new_entity_id: str
    added: tuple[CertFacts, ...]
    """Signing certificates in new but not in old."""
    removed: tuple[CertFacts, ...]
    """Signing certificates in old but not in new."""
    kept: tuple[CertFacts, ...]
    endpoints_added: tuple[tuple[str, str], ...]
    endpoints_removed: tuple[tuple[str, str], ...]

    @property
    def entity_id_changed(self) -> bool:
        return self.old_entity_id != self.new_entity_id

    @property
    def changed(self) -> bool:
        return bool(
            self.entity_id_changed
            or self.added
            or self.removed
            or self.endpoints_added
            or self.endpoints_removed
        )


def _signing_facts(entity: IdpEntity) -> dict[str, CertFacts]:
    facts = (describe(cert) for cert in entity.signing_certificates)
    return {f.sha256: f for f in facts}


def diff(old: IdpEntity, new: IdpEntity) -> MetadataDiff:
    """Compare two versions of one IdP's metadata (certificates by SHA-256 of their DER)."""
    before, after = _signing_facts(old), _signing_facts(new)
    return MetadataDiff(
        old_entity_id=old.entity_id,
        new_entity_id=new.entity_id,
        added=tuple(f for key, f in after.items() if key not in before),
        removed=tuple(f for key, f in before.items() if key not in after),
        kept=tuple(f for key, f in after.items() if key in before),
        endpoints_added=tuple(e for e in new.sso_endpoints if e not in old.sso_endpoints),
        endpoints_removed=tuple(e for e in old.sso_endpoints if e not in new.sso_endpoints),
    )
