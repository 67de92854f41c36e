"""Deterministic SAMLResponse fixtures for `samlcheck check` (fixtures/responses/, fixtures/idp/).

One response AWS accepts, one per rule violation (each names the rule it triggers and the check
options it needs), the XSW1-XSW8 and comment-injection attacks, the test IdP's metadata and
certificate, a rotated-certificate case and the SP encryption key. The same run gives the same
bytes. Run `python scripts/fixtures_responses.py` (or make_fixtures.py) to write them.
"""

from __future__ import annotations

import base64
import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import testidp
import testidp_xenc
import xsw
from cryptography.hazmat.primitives import serialization
from lxml import etree

UTC = dt.timezone.utc
Spec = testidp.ResponseSpec
SAML, SAMLP, DS = testidp.SAML, testidp.SAMLP, testidp.DS
ATTR = "https://aws.amazon.com/SAML/Attributes/"
METADATA = "idp/metadata.xml"
SIGNING_CERT = "idp/signing-cert.pem"
ROTATED_METADATA = "idp/metadata-rotated.xml"
EXPIRED_METADATA = "idp/metadata-expired-cert.xml"
SP_KEY = "idp/sp-encryption-key.pem"
OTHER_ROLE = f"arn:aws:iam::{testidp.ACCOUNT}:role/SAMLAuditor"
OTHER_PROVIDER = f"arn:aws:iam::{testidp.ACCOUNT}:saml-provider/OtherIdP"


@dataclass(frozen=True)
class Case:
    """One fixture response, the rule it triggers (None: AWS accepts it) and how to check it."""

    build: Callable[[], bytes]
    rule: str | None
    options: dict[str, object] = field(default_factory=dict)
    """CheckOptions fields; paths are relative to fixtures/. Default: METADATA and CHECK_AT."""
    note: str = ""


def rotated_idp() -> testidp.IdP:
    """The same IdP after a certificate rotation: same entity ID, new key and certificate."""
    return testidp.idp("idp-rotated-2026")


def expired_idp() -> testidp.IdP:
    key = testidp.rsa_key("idp-expired-cert")
    cert = testidp.certificate(
        key,
        "idp-expired.example.test",
        not_before=dt.datetime(2020, 1, 1, tzinfo=UTC),
        not_after=dt.datetime(2023, 1, 1, tzinfo=UTC),
    )
    return testidp.IdP(testidp.ENTITY_ID, key, cert)


def _xml(element: etree._Element) -> bytes:
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8")


DEFAULT = Spec()


def response(spec: Spec = DEFAULT, provider: testidp.IdP | None = None) -> Callable[[], bytes]:
    return lambda: testidp.response_xml(spec, provider or testidp.idp())


def _custom(
    mutate: Callable[[etree._Element], None], spec: Spec = DEFAULT, sign_assertion: bool = True
) -> Callable[[], bytes]:
    """A response whose assertion is changed by `mutate` before signing."""

    def build() -> bytes:
        provider = testidp.idp()
        assertion = testidp.build_assertion(spec)
        mutate(assertion)
        if sign_assertion:
            assertion = testidp.sign(assertion, provider)
        return _xml(testidp.sign(testidp.build_response(spec, assertion), provider))

    return build


def _after_signing(
    mutate: Callable[[etree._Element], None], spec: Spec = DEFAULT
) -> Callable[[], bytes]:
    """A response changed by `mutate` after it was signed."""

    def build() -> bytes:
        root = testidp.response_element(spec, testidp.idp())
        mutate(root)
        return _xml(root)

    return build


def _edit_name_id(root: etree._Element) -> None:
    node = root.find(f"{{{SAML}}}Assertion/{{{SAML}}}Subject/{{{SAML}}}NameID")
    assert node is not None
    node.text = "mallory@example.test"


def _pretty_printed() -> bytes:
    root = testidp.response_element(Spec(), testidp.idp())
    etree.indent(root, space="  ")
    return _xml(root)


def _signature(root: etree._Element, where: str) -> etree._Element:
    node = root.find(where)
    assert node is not None
    return node


def _key_value_only(root: etree._Element) -> None:
    numbers = testidp.idp().key.public_key().public_numbers()
    for signature in root.iter(f"{{{DS}}}Signature"):
        key_info = signature.find(f"{{{DS}}}KeyInfo")
        assert key_info is not None
        for child in list(key_info):
            key_info.remove(child)
        rsa_value = etree.SubElement(
            etree.SubElement(key_info, f"{{{DS}}}KeyValue"), f"{{{DS}}}RSAKeyValue"
        )
        for name, number in (("Modulus", numbers.n), ("Exponent", numbers.e)):
            raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
            etree.SubElement(rsa_value, f"{{{DS}}}{name}").text = base64.b64encode(raw).decode()


def _extra_transform(root: etree._Element) -> None:
    transforms = _signature(root, f".//{{{DS}}}Signature/{{{DS}}}SignedInfo//{{{DS}}}Transforms")
    etree.SubElement(
        transforms, f"{{{DS}}}Transform", Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"
    )


def _second_reference(root: etree._Element) -> None:
    signed_info = _signature(root, f"{{{DS}}}Signature/{{{DS}}}SignedInfo")
    reference = signed_info.find(f"{{{DS}}}Reference")
    assert reference is not None
    clone = etree.fromstring(etree.tostring(reference))
    clone.set("URI", "#_assert-0001")
    signed_info.append(clone)


def _unknown_signature_method(root: etree._Element) -> None:
    method = _signature(root, f"{{{DS}}}Signature/{{{DS}}}SignedInfo/{{{DS}}}SignatureMethod")
    method.set("Algorithm", "urn:example:unknown-signature-method")


def _bad_time(assertion: etree._Element) -> None:
    conditions = assertion.find(f"{{{SAML}}}Conditions")
    assert conditions is not None
    conditions.set("NotOnOrAfter", "2026-01-15 12:05")


def _second_audience_restriction(assertion: etree._Element) -> None:
    conditions = assertion.find(f"{{{SAML}}}Conditions")
    assert conditions is not None
    restriction = etree.SubElement(conditions, f"{{{SAML}}}AudienceRestriction")
    etree.SubElement(restriction, f"{{{SAML}}}Audience").text = "https://sp.example.test/metadata"


def _no_assertion() -> bytes:
    spec = Spec()
    provider = testidp.idp()
    root = testidp.build_response(spec, etree.Element(f"{{{SAML}}}Placeholder"))
    placeholder = root.find(f"{{{SAML}}}Placeholder")
    assert placeholder is not None
    root.remove(placeholder)
    return _xml(testidp.sign(root, provider))


def _saml1() -> bytes:
    ns = "urn:oasis:names:tc:SAML:1.0:protocol"
    root = etree.Element(f"{{{ns}}}Response", nsmap={"samlp": ns})
    root.set("ResponseID", "_saml1-0001")
    root.set("MajorVersion", "1")
    root.set("MinorVersion", "1")
    return _xml(root)


def _encrypted() -> bytes:
    """Assertion signed then encrypted for the SP key; the Response signed over the ciphertext."""
    return testidp_xenc.encrypted_response_xml(Spec(recipient=testidp_xenc.SP_ACS), testidp.idp())


def _tags(count: int) -> tuple[tuple[str, str], ...]:
    return tuple((f"Tag{i:02d}", f"value{i}") for i in range(count))


_LATER = "2026-01-15T12:10:00Z"
_NO_ANCHOR: dict[str, object] = {"metadata": ()}


def _bad_role(value: str) -> Case:
    """A response whose one Role value AWS refuses as malformed."""
    return Case(response(Spec(roles=(value,))), "role-value-invalid")


CASES: dict[str, Case] = {
    # --- accepted ---
    "valid": Case(response(), None, note="Response and Assertion signed, every AWS attribute ok"),
    "valid-response-signed-only": Case(response(Spec(sign_assertion=False)), None),
    "valid-assertion-signed-only": Case(response(Spec(sign_response=False)), None),
    "valid-two-roles-either-order": Case(
        response(
            Spec(
                roles=(
                    f"{testidp.ROLE_ARN},{testidp.PROVIDER_ARN}",
                    f"{testidp.PROVIDER_ARN},{OTHER_ROLE}",
                )
            )
        ),
        None,
        {"role_arn": OTHER_ROLE, "provider_arn": testidp.PROVIDER_ARN},
    ),
    "valid-regional-endpoint": Case(
        response(Spec(recipient="https://eu-west-1.signin.aws.amazon.com/saml")), None
    ),
    "valid-govcloud": Case(
        response(
            Spec(
                audiences=("urn:amazon:webservices:govcloud",),
                recipient="https://signin.amazonaws-us-gov.com/saml",
                roles=(
                    "arn:aws-us-gov:iam::123456789012:role/Dev,"
                    "arn:aws-us-gov:iam::123456789012:saml-provider/ExampleIdP",
                ),
            )
        ),
        None,
    ),
    "valid-tags-and-source-identity": Case(
        response(
            Spec(
                principal_tags=(("Team", "Platform"), ("CostCenter", "1234")),
                transitive_tag_keys=("Team",),
                source_identity="alice@example.test",
                session_duration="3600",
            )
        ),
        None,
        {"duration_seconds": 3600, "max_session_duration": 7200},
    ),
    "valid-encrypted": Case(_encrypted, None, {"sp_keys": (SP_KEY,)}),
    # --- signature ---
    "unsigned": Case(
        response(Spec(sign_response=False, sign_assertion=False)), "response-unsigned"
    ),
    "content-changed": Case(_after_signing(_edit_name_id), "signed-content-changed"),
    "pretty-printed": Case(_pretty_printed, "signed-content-changed"),
    "rotated-certificate": Case(
        response(provider=rotated_idp()),
        "signing-key-not-trusted",
        note="signed with the IdP's new key; IAM still holds the old metadata",
    ),
    "rotated-certificate-diagnosed": Case(
        response(provider=rotated_idp()),
        "signing-certificate-rotated",
        {"idp_metadata": (ROTATED_METADATA,)},
    ),
    "sha1": Case(
        response(Spec(signature_algorithm="rsa-sha1", digest_algorithm="sha1")),
        "signature-sha1",
    ),
    "expired-anchor": Case(
        response(provider=expired_idp()),
        "anchor-certificate-expired",
        {"metadata": (EXPIRED_METADATA,)},
    ),
    "no-anchor": Case(response(), "signature-unverifiable", _NO_ANCHOR),
    "key-value-only": Case(
        _after_signing(_key_value_only, Spec(sign_response=False)),
        "signature-key-untrusted",
        _NO_ANCHOR,
        note="only the Assertion is signed; its (unsigned) KeyInfo holds a bare KeyValue",
    ),
    "extra-transform": Case(_after_signing(_extra_transform), "signature-transforms"),
    "two-references": Case(_after_signing(_second_reference), "signature-reference-count"),
    "signature-method-unknown": Case(
        _after_signing(_unknown_signature_method),
        "signature-malformed",
        note="the Response signature names a SignatureMethod no XML-DSig verifier knows",
    ),
    # --- response ---
    "not-saml2": Case(_saml1, "response-malformed"),
    "status-responder": Case(
        response(Spec(status="urn:oasis:names:tc:SAML:2.0:status:Responder")),
        "status-not-success",
    ),
    "assertion-missing": Case(_no_assertion, "assertion-missing"),
    "encrypted-no-key": Case(_encrypted, "encrypted-assertion-not-decrypted"),
    "issuer-mismatch": Case(
        response(Spec(issuer="https://other-idp.example.test/saml")),
        "issuer-not-in-provider",
        options={"metadata": (METADATA, "metadata/aggregate.xml")},
        note="several entities: the Issuer picks one, and none has this entityID",
    ),
    "issuer-mismatch-one-entity": Case(
        response(Spec(issuer="https://other-idp.example.test/saml")), "issuer-not-provider-idp"
    ),
    "assertion-issuer-trailing-slash": Case(
        response(Spec(assertion_issuer=testidp.ENTITY_ID + "/")), "issuer-not-provider-idp"
    ),
    "audience-missing": Case(
        response(Spec(audiences=("https://sp.example.test/metadata",))), "audience-missing"
    ),
    "audience-second-restriction": Case(
        _custom(_second_audience_restriction),
        "audience-missing",
        note="the first AudienceRestriction names AWS, a second one only another SP",
    ),
    "recipient-not-aws": Case(
        response(Spec(recipient="https://sp.example.test/acs")), "recipient-not-aws"
    ),
    "nameid-missing": Case(response(Spec(name_id=None)), "subject-nameid-missing"),
    "bearer-without-recipient": Case(response(Spec(recipient=None)), "bearer-confirmation-invalid"),
    "expired": Case(response(), "response-expired", {"at": _LATER}),
    "not-yet-valid": Case(response(), "response-expired", {"at": "2026-01-15T11:59:00Z"}),
    "redeem-window": Case(
        response(Spec(lifetime=dt.timedelta(hours=1))), "redeem-window-passed", {"at": _LATER}
    ),
    "time-unreadable": Case(_custom(_bad_time), "time-unreadable"),
    # --- AWS attributes ---
    "role-missing": Case(response(Spec(roles=())), "role-attribute-missing"),
    "role-space-after-comma": _bad_role(f"{testidp.ROLE_ARN}, {testidp.PROVIDER_ARN}"),
    "role-trailing-comma": _bad_role(f"{testidp.ROLE_ARN},{testidp.PROVIDER_ARN},"),
    "role-third-field": _bad_role(f"{testidp.ROLE_ARN},{testidp.PROVIDER_ARN},extra"),
    "role-leading-space": _bad_role(f" {testidp.ROLE_ARN},{testidp.PROVIDER_ARN}"),
    "role-not-an-arn": _bad_role(f"SAMLDeveloper,{testidp.PROVIDER_ARN}"),
    "role-invalid-character": _bad_role(f"{testidp.ROLE_ARN}é,{testidp.PROVIDER_ARN}"),
    "role-two-roles": _bad_role(f"{testidp.ROLE_ARN},{OTHER_ROLE}"),
    "role-not-listed": Case(response(), "requested-role-not-listed", {"role_arn": OTHER_ROLE}),
    "provider-mismatch": Case(
        response(), "provider-arn-mismatch", {"provider_arn": OTHER_PROVIDER}
    ),
    "session-name-missing": Case(
        response(Spec(role_session_name=None)), "role-session-name-missing"
    ),
    "session-name-space": Case(
        response(Spec(role_session_name="Alice Smith")), "role-session-name-invalid"
    ),
    "session-name-too-long": Case(
        response(Spec(role_session_name="a" * 65)), "role-session-name-invalid"
    ),
    "session-name-two-values": Case(
        response(
            Spec(
                role_session_name=None,
                extra_attributes=((ATTR + "RoleSessionName", ("alice", "bob")),),
            )
        ),
        "role-session-name-invalid",
    ),
    "source-identity-aws-prefix": Case(
        response(Spec(source_identity="aws:alice")), "source-identity-invalid"
    ),
    "session-duration-out-of-range": Case(
        response(Spec(session_duration="600")), "session-duration-invalid"
    ),
    "session-duration-not-integer": Case(
        response(Spec(session_duration="1h")), "session-duration-invalid"
    ),
    "duration-exceeds-max": Case(
        response(),
        "duration-exceeds-max-session",
        {"duration_seconds": 7200, "max_session_duration": 3600},
    ),
    "tags-too-many": Case(response(Spec(principal_tags=_tags(51))), "principal-tag-invalid"),
    "tag-aws-prefix": Case(
        response(Spec(principal_tags=(("aws:team", "x"),))), "principal-tag-invalid"
    ),
    "tag-keys-differ-in-case": Case(
        response(Spec(principal_tags=(("Team", "a"), ("team", "b")))), "principal-tag-invalid"
    ),
    "tag-two-values": Case(
        response(Spec(extra_attributes=((ATTR + "PrincipalTag:Team", ("a", "b")),))),
        "principal-tag-invalid",
    ),
    "tag-value-too-long": Case(
        response(Spec(principal_tags=(("Team", "x" * 257),))), "principal-tag-invalid"
    ),
    "transitive-key-unknown": Case(
        response(Spec(principal_tags=(("Team", "a"),), transitive_tag_keys=("Project",))),
        "transitive-tag-key-unknown",
    ),
    "attribute-name-http": Case(
        response(Spec(extra_attributes=(("http://aws.amazon.com/SAML/Attributes/Role", ("x",)),))),
        "aws-attribute-name-misspelled",
    ),
    "role-attribute-repeated": Case(
        response(
            Spec(extra_attributes=((ATTR + "Role", (f"{OTHER_ROLE},{testidp.PROVIDER_ARN}",)),))
        ),
        "attribute-repeated",
    ),
    "encryption-required-plaintext": Case(
        response(), "plaintext-assertion-encryption-required", {"encryption_mode": "Required"}
    ),
}


def _pem_key() -> bytes:
    return testidp_xenc.sp().key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def fixtures() -> dict[str, bytes]:
    """Every response fixture, by path relative to fixtures/."""
    files = {
        METADATA: testidp.metadata(testidp.idp()),
        SIGNING_CERT: testidp.pem(testidp.idp().cert),
        ROTATED_METADATA: testidp.metadata(rotated_idp()),
        EXPIRED_METADATA: testidp.metadata(expired_idp()),
        SP_KEY: _pem_key(),
    }
    for name, case in CASES.items():
        files[f"responses/{name}.xml"] = case.build()
    for name in xsw.ATTACKS:
        files[f"responses/attacks/{name}.xml"] = xsw.attack_xml(name)
    return files


def main() -> None:
    out = Path(__file__).resolve().parent.parent / "fixtures"
    for path, data in fixtures().items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.is_file() or target.read_bytes() != data:
            target.write_bytes(data)
    print(f"{len(CASES)} response cases and {len(xsw.ATTACKS)} attacks written to {out}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
