"""The hardened parser: hostile input is refused fast and clearly; text is never cut short."""

from __future__ import annotations

import pytest

from samlcheck._internal.inputs.xml import (
    MAX_XML_BYTES,
    XmlRefused,
    has_comment,
    parse,
    sniff_encoding,
    text,
)

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<lolz>&lol9;</lolz>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<r>&xxe;</r>"""

PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>
<r/>"""


def refusal(data: bytes) -> XmlRefused:
    with pytest.raises(XmlRefused) as caught:
        parse(data)
    return caught.value


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY, PARAMETER_ENTITY])
def test_any_doctype_is_refused(data: bytes) -> None:
    assert refusal(data).reason == "doctype"


def test_doctype_in_utf16_is_refused() -> None:
    assert refusal(EXTERNAL_ENTITY.decode().encode("utf-16")).reason == "doctype"


def test_deep_nesting_is_refused() -> None:
    deep = b"<a>" * 10_000 + b"</a>" * 10_000
    assert refusal(deep).reason == "too-deep"


def test_hundred_megabytes_is_refused_by_size_before_any_parsing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import samlcheck._internal.inputs.xml

    def never(*args: object) -> None:
        raise AssertionError("an oversized document reached the parser")

    monkeypatch.setattr(samlcheck._internal.inputs.xml, "sniff_encoding", never)
    monkeypatch.setattr(samlcheck._internal.inputs.xml, "safe_parser", never)
    for size in (MAX_XML_BYTES + 1, 100 * 1024 * 1024):
        error = refusal(_document(size))
        assert error.reason == "too-large"
        assert f"{size:,} bytes" in error.message and f"{MAX_XML_BYTES:,}" in error.message


def test_a_document_of_exactly_the_limit_is_parsed() -> None:
    assert len(parse(_document(MAX_XML_BYTES)).data) == MAX_XML_BYTES


def _document(size: int) -> bytes:
    """Well-formed XML of exactly `size` bytes (text in 1 MB nodes, under lxml's own limit)."""
    chunk = b"x" * (1024 * 1024 - 4) + b"<b/>"
    body = chunk * ((size - 7) // len(chunk))
    return b"<a>" + body + b"x" * (size - 7 - len(body)) + b"</a>"


def test_two_documents_back_to_back_are_named_as_such() -> None:
    error = refusal(b"<a/>\n<b/>")
    assert error.reason == "multiple-documents"
    assert "line 2" in error.message


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "empty"), (b"plain text", "not-xml"), (b"<a><b></a>", "not-well-formed")],
)
def test_broken_input_names_its_problem(data: bytes, reason: str) -> None:
    assert refusal(data).reason == reason


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b'<a><p:b/><x xml:space="bad"/></a>', "Namespace prefix p on b is not defined"),
        (
            b'<a xmlns:p="urn:x" xmlns:q="urn:x" p:a="1" q:a="2"><x xml:space="bad"/></a>',
            "Namespaced Attribute a in 'urn:x' redefined",
        ),
    ],
)
def test_a_namespace_error_is_refused_even_when_a_warning_follows(
    data: bytes, problem: str
) -> None:
    """lxml returns a tree when libxml2's last message is only a warning; the earlier error
    still makes the document one a namespace-aware parser (AWS's) refuses."""
    with pytest.raises(XmlRefused) as refused:
        parse(data)
    assert refused.value.reason == "not-well-formed"
    assert problem in refused.value.message


def test_text_joins_every_text_node_across_comments() -> None:
    root = parse(b"<NameID>admin@example.com<!-- x -->.evil.test</NameID>").root
    assert root.text == "admin@example.com"  # what a naive reader sees
    assert text(root) == "admin@example.com.evil.test"
    assert has_comment(root)


def test_cdata_is_part_of_the_text() -> None:
    root = parse(b"<v>a<![CDATA[b<c]]>d</v>").root
    assert text(root) == "ab<cd"


@pytest.mark.parametrize(
    ("data", "family", "bom", "declared"),
    [
        (b'<?xml version="1.0" encoding="UTF-8"?><a/>', "UTF-8", False, "UTF-8"),
        (b"\xef\xbb\xbf<a/>", "UTF-8", True, None),
        (
            '<?xml version="1.0" encoding="UTF-16"?><a/>'.encode("utf-16-le"),
            "UTF-16-LE",
            False,
            "UTF-16",
        ),
        (
            '<?xml version="1.0" encoding="UTF-16"?><a/>'.encode("utf-16"),
            "UTF-16-LE",
            True,
            "UTF-16",
        ),
        ("<?xml version='1.0'?><a/>".encode("utf-16-be"), "UTF-16-BE", False, None),
        ("\ufeff<a/>".encode("utf-32-le"), "UTF-32-LE", True, None),
    ],
)
def test_encoding_facts(data: bytes, family: str, bom: bool, declared: str | None) -> None:
    facts = sniff_encoding(data)
    assert (facts.family, facts.bom, facts.declared) == (family, bom, declared)
    assert parse(data).encoding == facts


def test_element_count_is_capped_before_the_tree_is_built() -> None:
    """4 million empty elements fit in 16 MiB (23 s, 560 MB to check): refused by count."""
    from samlcheck._internal.inputs.xml import MAX_XML_NODES

    within = b"<r>" + b"<a/>" * (MAX_XML_NODES - 1) + b"</r>"
    assert len(parse(within).root) == MAX_XML_NODES - 1
    with pytest.raises(XmlRefused) as error:
        parse(b"<r>" + b"<a></a>" * MAX_XML_NODES + b"</r>")
    assert error.value.reason == "too-many-elements"
    assert f"{MAX_XML_NODES + 1:,} elements" in error.value.message


def test_element_count_reads_utf16_markup() -> None:
    from samlcheck._internal.inputs.xml import MAX_XML_NODES

    many = ("<r>" + "<a/>" * MAX_XML_NODES + "</r>").encode("utf-16")
    with pytest.raises(XmlRefused, match="samlcheck reads at most"):
        parse(many)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_mark_or_declaration_is_sniffed(codec: str) -> None:
    """One sniffer for parse, captures and metadata (metadata_check had its own UTF-16 guess)."""
    assert sniff_encoding("<a/>".encode(codec)).family == codec.upper()
    doctype = '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'.encode(codec)
    assert refusal(doctype).reason == "doctype"


def test_children_at_finds_what_elementpath_finds() -> None:
    from lxml import etree

    from samlcheck._internal.inputs.xml import NS, child_at, children_at

    root = etree.fromstring(
        b'<a:Assertion xmlns:a="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:o="urn:other">'
        b"<a:Subject><!-- no NameID here --><o:NameID>other</o:NameID></a:Subject>"
        b"<a:Subject><a:NameID>first</a:NameID><a:NameID>second</a:NameID></a:Subject>"
        b"<o:Subject><a:NameID>elsewhere</a:NameID></o:Subject>"
        b"<a:Subject><a:NameID>third</a:NameID></a:Subject></a:Assertion>"
    )
    for path in ("saml:Subject/saml:NameID", "saml:Subject", "saml:Issuer", "saml:NameID"):
        assert children_at(root, path) == root.findall(path, NS)
        assert child_at(root, path) is root.find(path, NS)
    assert [e.text for e in children_at(root, "saml:Subject/saml:NameID")] == [
        "first",
        "second",
        "third",
    ]
