"""The metadata model: IdP entities, their certificates and endpoints, selection and diff."""

from __future__ import annotations

import base64

import testidp
from cryptography.hazmat.primitives import serialization
from lxml import etree

from samlcheck._internal.inputs import xml
from samlcheck._internal.trust import metadata

MD = "urn:oasis:names:tc:SAML:2.0:metadata"


def _doc(data: bytes) -> xml.XmlDocument:
    return xml.parse(data)


def test_single_idp_is_read_with_certificate_and_endpoints() -> None:
    provider = testidp.idp("model-one")
    (entity,) = metadata.idp_entities(_doc(testidp.metadata(provider)))
    assert entity.entity_id == testidp.ENTITY_ID
    assert entity.signing_certificates == (provider.cert,)
    assert entity.sso_endpoints == (
        ("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST", "https://idp.example.test/saml/sso"),
        ("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect", "https://idp.example.test/saml/sso"),
    )
    assert entity.supports_saml2
    assert entity.location == "/EntityDescriptor"
    assert entity.certs[0].use == "signing"
    assert entity.certs[0].location.endswith("/X509Certificate")
    assert not entity.signed


def test_encryption_only_certificate_does_not_sign() -> None:
    provider = testidp.idp("model-enc")
    data = testidp.metadata(provider).replace(b'use="signing"', b'use="encryption"')
    (entity,) = metadata.idp_entities(_doc(data))
    assert entity.signing_certificates == ()
    assert entity.certs[0].certificate == provider.cert


def test_key_descriptor_without_use_signs() -> None:
    provider = testidp.idp("model-nouse")
    data = testidp.metadata(provider).replace(b' use="signing"', b"")
    (entity,) = metadata.idp_entities(_doc(data))
    assert entity.signing_certificates == (provider.cert,)


def test_base64_of_pem_certificate_is_kept_out_of_signing_certificates() -> None:
    provider = testidp.idp("model-pem")
    good = testidp.cert_base64(provider.cert).encode()
    wrapped = base64.b64encode(provider.cert.public_bytes(serialization.Encoding.PEM))
    (entity,) = metadata.idp_entities(_doc(testidp.metadata(provider).replace(good, wrapped)))
    assert entity.certs[0].pem_wrapped
    assert entity.certs[0].certificate == provider.cert
    assert entity.signing_certificates == ()


def _aggregate(*providers: testidp.IdP, valid_until: str | None = None) -> bytes:
    root = etree.Element(f"{{{MD}}}EntitiesDescriptor", nsmap={"md": MD})
    if valid_until:
        root.set("validUntil", valid_until)
    for provider in providers:
        root.append(etree.fromstring(testidp.metadata(provider)))
    return etree.tostring(root)


def test_aggregate_lists_every_idp_and_inherits_valid_until() -> None:
    a = testidp.idp("model-a", entity_id="https://a.example.test/idp")
    b = testidp.idp("model-b", entity_id="https://b.example.test/idp")
    entities = metadata.idp_entities(_doc(_aggregate(a, b, valid_until="2030-01-01T00:00:00Z")))
    assert [e.entity_id for e in entities] == [a.entity_id, b.entity_id]
    assert all(e.valid_until == "2030-01-01T00:00:00Z" for e in entities)
    assert metadata.select(entities, b.entity_id) == entities[1]
    assert metadata.select(entities, "https://a.example.test/idp/") is None


def test_sp_only_descriptor_is_not_an_idp() -> None:
    data = (
        f'<md:EntityDescriptor xmlns:md="{MD}" entityID="sp"><md:SPSSODescriptor '
        'protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"/>'
        "</md:EntityDescriptor>"
    ).encode()
    assert metadata.idp_entities(_doc(data)) == ()
    assert len(metadata.entity_descriptors(_doc(data))) == 1


def test_diff_reports_rotated_signing_certificate() -> None:
    old_idp = testidp.idp("model-old")
    new_idp = testidp.idp("model-new")
    (old,) = metadata.idp_entities(_doc(testidp.metadata(old_idp)))
    (new,) = metadata.idp_entities(_doc(testidp.metadata(new_idp, sso_url="https://x.test/sso")))
    change = metadata.diff(old, new)
    assert change.changed
    assert not change.entity_id_changed
    assert [f.subject for f in change.added] == ["CN=model-new.example.test"]
    assert [f.subject for f in change.removed] == ["CN=model-old.example.test"]
    assert change.kept == ()
    assert {loc for _, loc in change.endpoints_added} == {"https://x.test/sso"}
    assert {loc for _, loc in change.endpoints_removed} == {"https://idp.example.test/saml/sso"}


def test_diff_of_identical_metadata_is_empty() -> None:
    provider = testidp.idp("model-same")
    (entity,) = metadata.idp_entities(_doc(testidp.metadata(provider)))
    change = metadata.diff(entity, entity)
    assert not change.changed
    assert len(change.kept) == 1


def test_validity_marks_list_each_element_carrying_valid_until_or_cache_duration() -> None:
    a = testidp.idp("model-va", entity_id="https://a.example.test/idp")
    data = _aggregate(a, valid_until="2030-01-01T00:00:00Z").replace(
        b"<md:IDPSSODescriptor", b'<md:IDPSSODescriptor cacheDuration="PT1H"'
    )
    marks = metadata.validity_marks(_doc(data))
    assert marks == (
        metadata.ValidityMark("/EntitiesDescriptor", "2030-01-01T00:00:00Z", None),
        metadata.ValidityMark(
            "/EntitiesDescriptor/EntityDescriptor/IDPSSODescriptor", None, "PT1H"
        ),
    )
