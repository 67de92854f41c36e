"""Trust anchors: the signing certificates and entity IDs the user says the IAM provider holds.

They come from IdP metadata (`--metadata`: KeyDescriptors with no `use` or `use="signing"`; an
EntitiesDescriptor may hold several IdPs, picked by the response's Issuer) and from bare
certificates (`--cert`, PEM or DER). Files that cannot be read raise `InputError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from samlcheck._internal.errors import InputError
from samlcheck._internal.inputs.files import Source, read_file
from samlcheck._internal.inputs.xml import MAX_XML_BYTES

if TYPE_CHECKING:
    from cryptography import x509

    from samlcheck._internal.trust.certs import CertFacts
    from samlcheck._internal.trust.metadata import IdpEntity


@dataclass(frozen=True)
class Anchor:
    """One trusted signing certificate and where the user gave it."""

    certificate: x509.Certificate
    facts: CertFacts
    source: str
    """'idp.xml, entity https://idp.example/saml, signing certificate 1' or 'cert.pem'."""
    entity_id: str | None = None
    """The metadata entity the certificate belongs to (None for a bare --cert)."""


@dataclass(frozen=True)
class Trust:
    """All anchors and the entity IDs of the metadata given."""

    anchors: tuple[Anchor, ...] = ()
    entity_ids: tuple[str, ...] = ()
    entities: tuple[IdpEntity, ...] = ()
    """The IdP entities of the metadata files, for comparing two versions of the metadata."""

    @property
    def empty(self) -> bool:
        return not self.anchors

    def for_issuer(self, issuer: str | None) -> tuple[Anchor, ...]:
        """The anchors that may sign for `issuer`: its metadata entity's plus every bare cert.

        When no metadata entity carries this entity ID, every anchor is tried (the issuer rule
        reports the mismatch separately; the signature diagnosis stays about keys).
        """
        matching = tuple(
            a for a in self.anchors if a.entity_id is not None and a.entity_id == issuer
        )
        if not matching:
            return self.anchors
        return matching + tuple(a for a in self.anchors if a.entity_id is None)


def _read(path: Source, what: str) -> bytes:
    return read_file(path, what, MAX_XML_BYTES)


def load_certificates(paths: tuple[Source, ...]) -> tuple[Anchor, ...]:
    """Bare certificates given with --cert."""
    from samlcheck._internal.trust.certs import describe, load_certificate

    anchors = []
    for path in paths:
        cert = load_certificate(_read(path, "certificate"), str(path))
        anchors.append(Anchor(certificate=cert, facts=describe(cert), source=str(path)))
    return tuple(anchors)


def load_metadata(path: Source) -> tuple[tuple[Anchor, ...], tuple[IdpEntity, ...]]:
    """The signing certificates and the IdP entities of one metadata file."""
    from samlcheck._internal.inputs.xml import XmlRefused, parse
    from samlcheck._internal.trust.certs import describe
    from samlcheck._internal.trust.metadata import idp_entities

    try:
        document = parse(_read(path, "metadata"), max_nodes=None)
    except XmlRefused as error:
        raise InputError(str(path), error.message, "Pass the IdP metadata XML file.") from None
    entities = idp_entities(document)
    if not entities:
        raise InputError(
            str(path),
            "no IdP entity (EntityDescriptor with an IDPSSODescriptor) in the metadata",
            "Pass the IdP's metadata, the file uploaded to the IAM SAML provider.",
        )
    anchors: list[Anchor] = []
    for entity in entities:
        for index, cert in enumerate(entity.signing_certificates, start=1):
            source = f"{path}, entity {entity.entity_id}, signing certificate {index}"
            anchors.append(Anchor(cert, describe(cert), source=source, entity_id=entity.entity_id))
    return tuple(anchors), entities


def load_trust(metadata: tuple[Source, ...], certs: tuple[Source, ...]) -> Trust:
    """Every anchor from the metadata files and the bare certificates."""
    anchors: list[Anchor] = []
    entities: list[IdpEntity] = []
    for path in metadata:
        found, in_file = load_metadata(path)
        anchors.extend(found)
        entities.extend(in_file)
    anchors.extend(load_certificates(certs))
    return Trust(
        anchors=tuple(anchors),
        entity_ids=tuple(dict.fromkeys(e.entity_id for e in entities)),
        entities=tuple(entities),
    )
