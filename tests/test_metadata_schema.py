"""The metadata schema: lxml (libxml2) validation, built once per run, messages in our words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import testidp
from lxml import etree

from samlcheck._internal.inputs import xml
from samlcheck._internal.trust import schema

LIBRARY_WORDS = ("Element '", "atomic type", "Expected is", "facet", "{urn:", "xs:", "QName")
"""Pieces of libxml2's messages that must never reach the user."""


def _metadata(old: bytes = b"", new: bytes = b"", pretty: bool = True) -> bytes:
    """The test IdP's metadata, one element a line, with `old` replaced by `new` once."""
    root = etree.fromstring(testidp.metadata(testidp.idp()))
    data = etree.tostring(root, pretty_print=pretty) if pretty else etree.tostring(root)
    return data.replace(old, new, 1) if old else data


def _errors(data: bytes, limit: int = 5) -> tuple[schema.SchemaError, ...]:
    return schema.validate(xml.parse(data).root, limit)


def test_schema_is_built_once_per_run() -> None:
    assert schema.metadata_schema() is schema.metadata_schema()


def test_valid_metadata_has_no_error() -> None:
    assert _errors(_metadata()) == ()


def test_validation_reports_the_line_and_path_of_the_unexpected_element() -> None:
    data = _metadata(b"<md:NameIDFormat", b"\n<md:Bogus/><md:NameIDFormat", pretty=False)
    (error,) = _errors(data)
    assert error.line == 2
    assert error.path == "/md:EntityDescriptor/md:IDPSSODescriptor/md:Bogus"
    assert error.reason.startswith(
        "md:Bogus is not allowed at this place in md:IDPSSODescriptor; allowed here: "
        "md:KeyDescriptor, md:Organization"
    )


def test_validation_stops_at_the_limit() -> None:
    data = _metadata().replace(b"Location=", b'foo="1" bar="2" Location=')  # 2 x 2 errors
    assert len(_errors(data, limit=20)) > 3, "the fixture must have more errors than the limit"
    assert len(_errors(data, limit=3)) == 3


XSI = b' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
SSO = b'<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"'


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        (
            SSO,
            b"<md:SingleSignOnService",
            "md:SingleSignOnService lacks the required attribute Binding",
        ),
        (
            b"<md:IDPSSODescriptor",
            b'<md:IDPSSODescriptor foo="1"',
            "md:IDPSSODescriptor has an attribute the schema does not allow: foo",
        ),
        (
            b"<md:IDPSSODescriptor",
            b'<md:IDPSSODescriptor WantAuthnRequestsSigned="maybe"',
            "attribute WantAuthnRequestsSigned of md:IDPSSODescriptor holds 'maybe', which is not "
            "true, false, 1 or 0",
        ),
        (
            b"<md:EntityDescriptor",
            b'<md:EntityDescriptor validUntil="tomorrow"',
            "attribute validUntil of md:EntityDescriptor holds 'tomorrow', which is not a date "
            "and time such as 2030-01-01T00:00:00Z",
        ),
        (
            b'use="signing"',
            b'use="sign"',
            "attribute use of md:KeyDescriptor holds 'sign'; allowed: encryption or signing",
        ),
        (
            b'entityID="',
            b'entityID="' + b"x" * 1100,
            "attribute entityID of md:EntityDescriptor is 1,129 characters long; the schema "
            "allows at most 1,024",
        ),
        (
            b"<md:EntityDescriptor",
            b'<md:EntityDescriptor ID="1a"',
            "attribute ID of md:EntityDescriptor holds '1a', which is not an ID (a name that "
            "starts with a letter or '_', without spaces or ':')",
        ),
        (
            b"<md:KeyDescriptor",
            b"hello<md:KeyDescriptor",
            "md:IDPSSODescriptor holds text between its child elements, where only elements may be",
        ),
        (
            b"<md:EntityDescriptor",
            b"<md:EntityDescriptor" + XSI + b' xsi:type="md:Nope"',
            "xsi:type 'md:Nope' on md:EntityDescriptor names no schema type; remove the attribute",
        ),
        (
            b"<md:EntityDescriptor",
            b"<md:EntityDescriptor" + XSI + b' xsi:type="md:EndpointType"',
            "xsi:type 'md:EndpointType' on md:EntityDescriptor names a type that may not replace "
            "the element's own; remove the attribute",
        ),
        (
            b"<ds:X509Certificate>",
            b"<ds:X509Certificate>!!!",
            "ds:X509Certificate must hold base64 (letters, digits, '+', '/', '=' and whitespace) "
            "and holds other characters",
        ),
        (
            b"<ds:X509Certificate>",
            b"<ds:X509Certificate>A",
            "ds:X509Certificate is not whole base64: its length or '=' padding is wrong",
        ),
    ],
)
def test_every_kind_of_violation_is_said_in_our_words(old: bytes, new: bytes, reason: str) -> None:
    (error,) = _errors(_metadata(old, new))
    assert error.reason == reason
    assert not [word for word in LIBRARY_WORDS if word in error.reason]
    assert error.line is not None and error.path.startswith("/md:EntityDescriptor")


def test_two_elements_with_one_id_are_named_as_a_duplicate() -> None:
    data = _metadata(b"<md:EntityDescriptor", b'<md:EntityDescriptor ID="a"').replace(
        b"<md:IDPSSODescriptor", b'<md:IDPSSODescriptor ID="a"', 1
    )
    (error,) = _errors(data)
    assert error.reason.endswith("the ID 'a' is used more than once in the document")


def test_a_missing_child_names_what_may_come() -> None:
    data = re.sub(rb"<md:SingleSignOnService[^>]*/>", b"", _metadata())
    (error,) = _errors(data)
    assert error.path == "/md:EntityDescriptor/md:IDPSSODescriptor"
    assert error.reason == (
        "md:IDPSSODescriptor lacks a required child element; allowed here: md:NameIDFormat, "
        "md:SingleSignOnService"
    )


def test_a_default_namespace_document_gets_readable_paths_and_names() -> None:
    data = (
        _metadata(b"<md:NameIDFormat", b"<md:Bogus/><md:NameIDFormat")
        .replace(b'xmlns:md="', b'xmlns="')
        .replace(b"<md:", b"<")
        .replace(b"</md:", b"</")
    )
    (error,) = _errors(data)
    assert error.path == "/EntityDescriptor/IDPSSODescriptor/Bogus"
    assert error.reason.startswith("Bogus is not allowed at this place in IDPSSODescriptor")


def test_base64_characters_libxml2_skips_are_reported_once_per_element() -> None:
    """libxml2 ignores characters outside the alphabet; 'ab$c' also has a wrong length."""
    data = _metadata(b"<ds:X509Certificate>", b"<ds:X509Certificate>ab$c", pretty=True)
    data = re.sub(rb"<ds:X509Certificate>[^<]*<", b"<ds:X509Certificate>ab$c<", data)
    (error,) = _errors(data)
    assert error.base64 == "X509Certificate" and "holds other characters" in error.reason


def test_the_base64_elements_come_from_the_vendored_xsds() -> None:
    ds = "{http://www.w3.org/2000/09/xmldsig#}"
    names = schema.base64_elements()
    for local in ("X509Certificate", "SignatureValue", "DigestValue", "Modulus", "Exponent"):
        assert ds + local in names
    assert "{http://www.w3.org/2001/04/xmlenc#}CipherValue" in names
    assert ds + "X509SubjectName" not in names and ds + "KeyName" not in names


def test_a_duration_beyond_libxml2s_range_is_not_a_violation() -> None:
    """The schema bounds no xs:duration; libxml2 refuses one beyond its range."""
    for duration in (b"P99999999999999999999Y", b"PT99999999999999999999S"):
        data = _metadata(
            b"<md:EntityDescriptor", b'<md:EntityDescriptor cacheDuration="%s"' % duration
        )
        assert _errors(data) == ()
    bad = _metadata(b"<md:EntityDescriptor", b'<md:EntityDescriptor cacheDuration="P1X"')
    assert "cacheDuration" in _errors(bad)[0].reason


def test_schema_location_hints_in_the_document_are_not_followed(tmp_path: Path) -> None:
    """A hint naming a schema that would refuse the extension changes nothing."""
    hostile = tmp_path / "ext.xsd"
    hostile.write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:example:ext"'
        ' elementFormDefault="qualified"><xs:element name="x" type="xs:boolean"/></xs:schema>'
    )
    hint = XSI + b' xsi:schemaLocation="urn:example:ext ' + hostile.as_uri().encode() + b'"'
    data = _metadata(b"<md:EntityDescriptor", b"<md:EntityDescriptor" + hint).replace(
        b"<md:IDPSSODescriptor",
        b'<md:Extensions><e:x xmlns:e="urn:example:ext">not a boolean</e:x></md:Extensions>'
        b"<md:IDPSSODescriptor",
        1,
    )
    assert _errors(data) == ()
