"""Deterministic IdP metadata fixtures for `samlcheck metadata` (written under fixtures/metadata/).

scripts/make_fixtures.py writes them; the same run always gives the same bytes. Certificates
that cryptography's builder refuses to make (SHA-1/MD5 signed, a repeated extension) are built
here as DER and signed with RSA PKCS#1 v1.5, which is deterministic. Each file triggers one
check; `passing.xml` triggers none.
"""

from __future__ import annotations

import base64
import codecs
import datetime as dt
import json
from collections.abc import Sequence

import testidp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from lxml import etree

from samlcheck._internal.trust import der

UTC = dt.timezone.utc


# --- certificates cryptography's builder will not make --------------------------------------------


def _length(size: int) -> bytes:
    if size < 0x80:
        return bytes([size])
    body = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def tlv(tag: int, content: bytes) -> bytes:
    """One DER element."""
    return bytes([tag]) + _length(len(content)) + content


_SIGNATURE_ALGORITHMS = {
    "md5": ("2a864886f70d010104", hashes.MD5()),
    "sha1": ("2a864886f70d010105", hashes.SHA1()),
    "sha256": ("2a864886f70d01010b", hashes.SHA256()),
}
"""AlgorithmIdentifier OID content (md5/sha1/sha256WithRSAEncryption) and the matching digest."""


def resign(
    cert: x509.Certificate,
    key: rsa.RSAPrivateKey,
    *,
    digest: str = "sha256",
    repeat: int | None = None,
) -> x509.Certificate:
    """`cert` re-signed with RSA PKCS#1 v1.5 (deterministic), optionally with MD5/SHA-1 and with
    extension number `repeat` written twice: cryptography's builder refuses both."""
    oid, algorithm_hash = _SIGNATURE_ALGORITHMS[digest]
    algorithm = tlv(der.SEQUENCE, tlv(der.OID, bytes.fromhex(oid)) + b"\x05\x00")
    original = cert.public_bytes(serialization.Encoding.DER)
    tbs_tlv, _, _ = der.children(original, der.read_tlv(original, 0))
    rebuilt = b""
    for index, field in enumerate(der.children(original, tbs_tlv)):
        if field.tag == der.SEQUENCE and index == 2:  # version, serialNumber, signature
            rebuilt += algorithm
        elif field.tag == der.EXTENSIONS_TAG and repeat is not None:
            (sequence,) = der.children(original, field)
            items = [original[e.offset : e.end] for e in der.children(original, sequence)]
            items.insert(repeat + 1, items[repeat])
            rebuilt += tlv(der.EXTENSIONS_TAG, tlv(der.SEQUENCE, b"".join(items)))
        else:
            rebuilt += original[field.offset : field.end]
    tbs = tlv(der.SEQUENCE, rebuilt)
    signature = key.sign(tbs, padding.PKCS1v15(), algorithm_hash)
    certificate = tlv(der.SEQUENCE, tbs + algorithm + tlv(0x03, b"\x00" + signature))
    return x509.load_der_x509_certificate(certificate)


def extended_certificate(
    label: str, bits: int = 2048
) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """A certificate with BasicConstraints and KeyUsage (so one of them can be repeated)."""
    key = testidp.rsa_key(label, bits)
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, f"{label}.example.test")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(4242)
        .not_valid_before(dt.datetime(2025, 1, 1, tzinfo=UTC))
        .not_valid_after(dt.datetime(2035, 1, 1, tzinfo=UTC))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, False, False, False, False),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    return cert, key


def repeated_extension_certificate() -> x509.Certificate:
    """A certificate whose BasicConstraints extension appears twice."""
    cert, key = extended_certificate("repeated-extension")
    return resign(cert, key, repeat=0)


MD, DS = testidp.MD, testidp.DS
SAML2 = "urn:oasis:names:tc:SAML:2.0:protocol"
BINDINGS = "urn:oasis:names:tc:SAML:2.0:bindings:"
CHECK_AT = "2026-01-15T12:00:00Z"
"""Check the fixtures at this instant (`--at`): validity findings depend on it."""


def idp_metadata(
    entity_id: str = testidp.ENTITY_ID,
    keys: Sequence[tuple[str | None, x509.Certificate | str]] | None = None,
    *,
    protocols: str = SAML2,
    sso_url: str = "https://idp.example.test/saml/sso",
    valid_until: str | None = None,
    cache_duration: str | None = None,
    document_id: str | None = None,
    organization: str = "Example IdP",
) -> etree._Element:
    """An EntityDescriptor with one IDPSSODescriptor; `keys` are (use, certificate or raw text)."""
    md = f"{{{MD}}}"
    root = etree.Element(md + "EntityDescriptor", nsmap={"md": MD, "ds": DS})
    root.set("entityID", entity_id)
    for name, value in (
        ("ID", document_id),
        ("validUntil", valid_until),
        ("cacheDuration", cache_duration),
    ):
        if value is not None:
            root.set(name, value)
    sso = etree.SubElement(root, md + "IDPSSODescriptor", protocolSupportEnumeration=protocols)
    for use, cert in keys if keys is not None else [("signing", testidp.idp().cert)]:
        descriptor = etree.SubElement(sso, md + "KeyDescriptor")
        if use is not None:
            descriptor.set("use", use)
        data = etree.SubElement(
            etree.SubElement(descriptor, f"{{{DS}}}KeyInfo"), f"{{{DS}}}X509Data"
        )
        certificate = etree.SubElement(data, f"{{{DS}}}X509Certificate")
        certificate.text = cert if isinstance(cert, str) else testidp.cert_base64(cert)
    for name_format in ("emailAddress", "unspecified"):
        etree.SubElement(
            sso, md + "NameIDFormat"
        ).text = f"urn:oasis:names:tc:SAML:1.1:nameid-format:{name_format}"
    for binding in ("HTTP-POST", "HTTP-Redirect"):
        etree.SubElement(
            sso, md + "SingleSignOnService", Binding=BINDINGS + binding, Location=sso_url
        )
    org = etree.SubElement(root, md + "Organization")
    for element, text in (
        ("OrganizationName", organization),
        ("OrganizationDisplayName", organization),
        ("OrganizationURL", "https://idp.example.test/"),
    ):
        child = etree.SubElement(org, md + element)
        child.set("{http://www.w3.org/XML/1998/namespace}lang", "en")
        child.text = text
    contact = etree.SubElement(root, md + "ContactPerson", contactType="technical")
    etree.SubElement(contact, md + "EmailAddress").text = "mailto:idp-admin@example.test"
    return root


def xml_bytes(root: etree._Element, encoding: str = "UTF-8") -> bytes:
    """The document with an XML declaration; a final newline only in single-byte encodings."""
    data = etree.tostring(root, xml_declaration=True, encoding=encoding)
    assert isinstance(data, bytes)  # an encoding given: bytes, never str
    return data if encoding.upper().startswith("UTF-16") else data + b"\n"


def aggregate(*entities: etree._Element, valid_until: str | None = None) -> etree._Element:
    root = etree.Element(f"{{{MD}}}EntitiesDescriptor", nsmap={"md": MD, "ds": DS})
    root.set("Name", "urn:example:federation")
    if valid_until:
        root.set("validUntil", valid_until)
    root.extend(entities)
    return root


def signed(root: etree._Element, provider: testidp.IdP) -> etree._Element:
    """`root` (which needs an ID) signed enveloped with the Signature as its first child."""
    return testidp.sign(root, provider)


def _key(label: str, bits: int = 2048) -> x509.Certificate:
    return testidp.certificate(testidp.rsa_key(label, bits), f"{label}.example.test")


def sp_metadata() -> bytes:
    root = etree.Element(f"{{{MD}}}EntityDescriptor", nsmap={"md": MD})
    root.set("entityID", "https://sp.example.test/metadata")
    sp = etree.SubElement(root, f"{{{MD}}}SPSSODescriptor", protocolSupportEnumeration=SAML2)
    for index in range(3):
        acs = etree.SubElement(sp, f"{{{MD}}}AssertionConsumerService", index=str(index))
        acs.set("Binding", BINDINGS + "HTTP-POST")
        acs.set("Location", f"https://sp.example.test/saml/acs/{index}/" + "x" * 200)
    return xml_bytes(root)


HTML_PAGE = (
    b'<!DOCTYPE html>\n<html lang="en"><head><title>Sign in</title></head><body>\n'
    + b"<p>Your session has expired. Please sign in again to download the metadata.</p>\n" * 20
    + b"</body></html>\n"
)


def _without_key_info(data: bytes) -> bytes:
    """A signed document whose Signature carries no KeyInfo (still valid: KeyInfo is unsigned)."""
    root = etree.fromstring(data)
    for key_info in root.findall(f"{{{DS}}}Signature/{{{DS}}}KeyInfo"):
        key_info.getparent().remove(key_info)  # type: ignore[union-attr]
    return xml_bytes(root)


def fixtures() -> dict[str, bytes]:
    """Every metadata fixture, by path relative to fixtures/ (check them with --at CHECK_AT)."""
    provider = testidp.idp()
    passing = xml_bytes(idp_metadata())
    latin = idp_metadata(organization="Universit\u00e4t Beispiel")
    key_512 = _key("metadata-512", 512)
    expired = testidp.certificate(
        testidp.rsa_key("metadata-expired", 2048),
        "expired.example.test",
        not_before=dt.datetime(2015, 1, 1, tzinfo=UTC),
        not_after=dt.datetime(2020, 1, 1, tzinfo=UTC),
    )
    sha1_key = testidp.rsa_key("metadata-sha1", 2048)
    sha1 = resign(testidp.certificate(sha1_key, "sha1.example.test"), sha1_key, digest="sha1")
    ec_cert = testidp.certificate(
        testidp.rsa_key("metadata-ec-issuer"),
        "ec.example.test",
        public_key=ec.derive_private_key(20260115, ec.SECP256R1()).public_key(),
    )
    pem_text = base64.b64encode(provider.cert.public_bytes(serialization.Encoding.PEM)).decode()
    tiny = (
        f'<md:EntityDescriptor xmlns:md="{MD}" entityID="{testidp.ENTITY_ID}">'
        f'<md:IDPSSODescriptor protocolSupportEnumeration="{SAML2}"/></md:EntityDescriptor>'
    ).encode()
    signed_doc = xml_bytes(signed(idp_metadata(document_id="_metadata-0001"), provider))
    a = idp_metadata("https://a.example.test/idp", [("signing", _key("metadata-a"))])
    b = idp_metadata("https://b.example.test/idp", [("signing", _key("metadata-b"))])
    schema_invalid = idp_metadata()
    sso = schema_invalid.find(f"{{{MD}}}IDPSSODescriptor")
    assert sso is not None
    sso.insert(0, etree.Element(f"{{{MD}}}Bogus"))
    return {
        "metadata/passing.xml": passing,
        "metadata/bom.xml": codecs.BOM_UTF8 + passing,
        "metadata/utf16.xml": xml_bytes(idp_metadata(), "UTF-16"),
        "metadata/utf16-no-bom.xml": xml_bytes(idp_metadata(), "UTF-16")[2:],
        "metadata/latin1-declared.xml": xml_bytes(latin, "ISO-8859-1"),
        "metadata/invalid-utf8.xml": passing.replace(
            b"Example IdP</md:OrganizationName>", b"Example IdP \xff</md:OrganizationName>"
        ),
        "metadata/declared-encoding-mismatch.xml": passing.replace(
            b"encoding='UTF-8'", b"encoding='ISO-8859-1'", 1
        ),
        "metadata/tiny.xml": tiny,
        "metadata/html-page.xml": HTML_PAGE,
        "metadata/saml-response.xml": testidp.response_xml(),
        "metadata/get-saml-provider.json": json.dumps(
            {
                "SAMLMetadataDocument": passing.decode(),
                "CreateDate": "2026-01-01T00:00:00+00:00",
                "ValidUntil": "2126-01-01T00:00:00+00:00",
            },
            indent=4,
        ).encode()
        + b"\n",
        "metadata/base64.txt": base64.encodebytes(passing),
        "metadata/sp-only.xml": sp_metadata(),
        "metadata/doctype.xml": passing.replace(
            b"?>\n", b'?>\n<!DOCTYPE md:EntityDescriptor [<!ENTITY x "y">]>\n', 1
        ),
        "metadata/not-well-formed.xml": passing.replace(b"</md:IDPSSODescriptor>", b""),
        "metadata/schema-invalid.xml": xml_bytes(schema_invalid),
        "metadata/saml11-only.xml": xml_bytes(
            idp_metadata(protocols="urn:oasis:names:tc:SAML:1.1:protocol")
        ),
        "metadata/no-entity-id.xml": xml_bytes(idp_metadata(entity_id="")),
        "metadata/encryption-only.xml": xml_bytes(
            idp_metadata(keys=[("encryption", provider.cert)])
        ),
        "metadata/key-512.xml": xml_bytes(idp_metadata(keys=[("signing", key_512)])),
        "metadata/repeated-extension.xml": xml_bytes(
            idp_metadata(keys=[("signing", repeated_extension_certificate())])
        ),
        "metadata/expired-certificate.xml": xml_bytes(idp_metadata(keys=[("signing", expired)])),
        "metadata/sha1-certificate.xml": xml_bytes(idp_metadata(keys=[("signing", sha1)])),
        "metadata/ec-certificate.xml": xml_bytes(idp_metadata(keys=[("signing", ec_cert)])),
        "metadata/base64-of-pem.xml": xml_bytes(idp_metadata(keys=[("signing", pem_text)])),
        "metadata/unreadable-certificate.xml": xml_bytes(
            idp_metadata(keys=[("signing", "MIIBnotacertificate==")])
        ),
        "metadata/expired-valid-until.xml": xml_bytes(
            idp_metadata(valid_until="2025-06-30T00:00:00Z", cache_duration="PT")
        ),
        "metadata/signed.xml": signed_doc,
        "metadata/signed-tampered.xml": signed_doc.replace(
            b"https://idp.example.test/saml/sso", b"https://evil.example.test/saml/sso"
        ),
        "metadata/signed-no-keyinfo.xml": _without_key_info(signed_doc),
        "metadata/aggregate.xml": xml_bytes(aggregate(a, b)),
        "metadata/rotated.xml": xml_bytes(idp_metadata(keys=[("signing", _key("idp-next"))])),
        "metadata/rollover.xml": xml_bytes(
            idp_metadata(keys=[("signing", provider.cert), ("signing", _key("idp-next"))])
        ),
    }
