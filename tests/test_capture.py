"""Capture decoding: every container yields the exact signed bytes, with where they came from."""

from __future__ import annotations

import base64
import json
import urllib.parse
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import testidp
from hypothesis import given
from hypothesis import strategies as st

from samlcheck._internal.errors import InputError
from samlcheck._internal.inputs.capture import (
    MAX_CAPTURE_BYTES,
    MAX_ENTRIES,
    MAX_JSON_ITEMS,
    MAX_VALUES,
    Budget,
    decode_capture,
    decode_payload,
    read_capture,
)


def only(data: bytes, source: str = "capture") -> bytes:
    messages = decode_capture(data, source).messages
    assert len(messages) == 1
    return messages[0].data


def test_raw_xml_is_kept_byte_for_byte(signed_response: bytes) -> None:
    capture = decode_capture(signed_response, "r.xml")
    assert capture.container == "raw XML"
    assert capture.messages[0].data == signed_response


def test_raw_xml_with_bom_keeps_the_bom(signed_response: bytes) -> None:
    assert only(b"\xef\xbb\xbf" + signed_response) == b"\xef\xbb\xbf" + signed_response


def test_utf16_xml_is_recognised() -> None:
    xml = (
        '<?xml version="1.0" encoding="UTF-16"?>'
        '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="a"/>'
    )
    data = xml.encode("utf-16")
    assert only(data) == data


@pytest.mark.parametrize(
    "encode",
    [
        lambda x: testidp.as_base64(x),
        lambda x: testidp.as_base64(x, wrap=76),
        lambda x: testidp.as_base64(x, wrap=64).replace(b"\n", b"\r\n"),
        lambda x: testidp.as_base64(x, urlsafe=True),
        lambda x: testidp.as_base64(x, urlsafe=True).rstrip(b"="),
    ],
    ids=["plain", "wrapped-76", "wrapped-crlf", "urlsafe", "urlsafe-unpadded"],
)
def test_base64_variants_decode_to_the_exact_bytes(
    encode: Callable[[bytes], bytes], signed_response: bytes
) -> None:
    capture = decode_capture(encode(signed_response), "b64")
    assert capture.container == "base64"
    assert capture.messages[0].data == signed_response
    assert capture.messages[0].encoding == "base64"


def test_deflated_base64_is_inflated(signed_response: bytes) -> None:
    message = decode_capture(testidp.as_deflate_base64(signed_response), "d").messages[0]
    assert message.data == signed_response
    assert message.encoding == "deflate+base64"


def test_form_body_is_percent_decoded_with_plus_as_space(signed_response: bytes) -> None:
    message = decode_capture(testidp.as_form_body(signed_response), "body").messages[0]
    assert (message.data, message.parameter) == (signed_response, "SAMLResponse")


def test_form_body_with_literal_plus_falls_back(signed_response: bytes) -> None:
    value = testidp.as_base64(signed_response).decode()
    assert "+" in value
    body = f"RelayState=x&SAMLResponse={value}".encode()
    assert only(body) == signed_response


def test_redirect_url_query_is_read(signed_response: bytes) -> None:
    query = urllib.parse.urlencode({"SAMLRequest": testidp.as_deflate_base64(signed_response)})
    capture = decode_capture(f"https://idp.example.test/sso?{query}&SigAlg=x".encode(), "url")
    assert capture.container == "query string"
    assert capture.messages[0].data == signed_response
    assert capture.messages[0].parameter == "SAMLRequest"


def test_html_form_with_upper_case_names_and_entities(signed_response: bytes) -> None:
    page = testidp.as_html_form(signed_response)
    assert b"&#43;" in page or b"&#47;" in page
    capture = decode_capture(page, "page.html")
    assert capture.container == "HTML form"
    assert capture.messages[0].data == signed_response
    assert capture.messages[0].url == testidp.SIGNIN


def test_soap_envelope_yields_the_response_in_its_body(signed_response: bytes) -> None:
    from samlcheck._internal.inputs.xml import parse

    capture = decode_capture(testidp.as_soap(signed_response), "ecp.xml")
    assert capture.container == "SOAP"
    inner = parse(capture.messages[0].data).root
    assert inner.get("ID") == "_resp-0001"
    # exclusive c14n of the extracted element equals that of the original: signatures still hold
    from lxml import etree

    original = parse(signed_response).root
    assert etree.tostring(inner, method="c14n", exclusive=True) == etree.tostring(
        original, method="c14n", exclusive=True
    )


@pytest.mark.parametrize("browser", ["chrome", "firefox"])
def test_har_with_two_messages_lists_both_in_order(browser: str) -> None:
    first = testidp.response_xml(testidp.ResponseSpec(response_id="_first"))
    second = testidp.response_xml(testidp.ResponseSpec(response_id="_second"))
    har = testidp.as_har([testidp.HarPost(first), testidp.HarPost(second)], browser=browser)
    capture = decode_capture(har, "trace.har")
    assert capture.container == "HAR"
    assert [m.data for m in capture.messages] == [first, second]
    assert [m.entry for m in capture.messages] == [0, 1]
    assert capture.messages[0].url == testidp.SIGNIN
    assert capture.messages[0].timestamp == "2026-01-15T12:00:01.000Z"
    assert "entry 1 (POST https://signin.aws.amazon.com/saml)" in capture.messages[1].source


def test_har_redirect_page_and_post_are_all_found(signed_response: bytes) -> None:
    request = b'<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="q"/>'
    har = testidp.as_har(
        [
            testidp.HarRedirect(request),
            testidp.HarPage(signed_response),
            testidp.HarPost(signed_response),
        ]
    )
    messages = decode_capture(har, "t.har").messages
    assert [m.parameter for m in messages] == ["SAMLRequest", "SAMLResponse"]
    assert messages[0].data == request
    # the IdP's auto-POST page and the browser's POST carry the same bytes: listed once
    assert messages[1].data == signed_response
    assert "response page; also t.har entry 2" in messages[1].source


def test_har_post_text_without_params(signed_response: bytes) -> None:
    har = json.loads(testidp.as_har([testidp.HarPost(signed_response)]))
    del har["log"]["entries"][0]["request"]["postData"]["params"]
    assert only(json.dumps(har).encode()) == signed_response


def test_saml_tracer_masked_export_uses_the_decoded_xml(signed_response: bytes) -> None:
    capture = decode_capture(testidp.as_saml_tracer([signed_response]), "trace.json")
    assert capture.container == "SAML-tracer export"
    assert capture.messages[0].data == signed_response
    assert "decoded copy" in capture.messages[0].source
    assert capture.messages[0].timestamp == "2026-01-15T12:00:01.000Z"


def test_saml_tracer_unmasked_export_uses_the_posted_value(signed_response: bytes) -> None:
    message = decode_capture(testidp.as_saml_tracer([signed_response], masked=False), "t").messages[
        0
    ]
    assert (message.data, message.encoding, message.parameter) == (
        signed_response,
        "base64",
        "SAMLResponse",
    )


def test_two_documents_back_to_back_are_kept_whole_for_the_checks(signed_response: bytes) -> None:
    from samlcheck._internal.inputs.xml import XmlRefused, parse

    doubled = signed_response + signed_response.split(b"?>", 1)[1]
    data = only(base64.b64encode(doubled))
    assert data == doubled
    with pytest.raises(XmlRefused) as refused:
        parse(data)
    assert refused.value.reason == "multiple-documents"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "is empty"),
        (b"   \n", "is empty"),
        (b"hello world, not saml", "not a recognised capture"),
        (b"SAMLResponse=%%%%", "cannot be decoded"),
        (b'{"foo": 1}', "neither a HAR file nor a SAML-tracer export"),
        (b'{"log": {"entries": []}}', "has no SAML message"),
        (b"{not json", "does not parse"),
        (base64.b64encode(b"\x00\x01binary junk"), "is base64, but base64 decodes to"),
        (b"justsomenotesabout\nthe sign in", "not XML, JSON, HTML, a form body or base64"),
        (b"<html><body>no form here</body></html>", "has no SAML message"),
    ],
)
def test_unreadable_captures_raise_one_clear_input_error(data: bytes, problem: str) -> None:
    with pytest.raises(InputError) as error:
        decode_capture(data, "in")
    assert problem in error.value.line
    assert error.value.line.startswith("in: ")


def test_metadata_given_as_a_capture_points_to_the_metadata_command() -> None:
    metadata = testidp.metadata(testidp.idp())
    with pytest.raises(InputError, match="samlcheck metadata"):
        decode_capture(metadata, "idp.xml")


def test_deflate_bomb_is_refused_in_bounded_memory() -> None:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    bomb = compressor.compress(b"<" + b"a" * (64 * 1024 * 1024)) + compressor.flush()
    with pytest.raises(InputError, match="inflates to more than"):
        decode_capture(base64.b64encode(bomb), "bomb")


def _deflated(data: bytes) -> str:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return base64.b64encode(compressor.compress(data) + compressor.flush()).decode()


def test_inflation_budget_is_shared_by_every_message_of_a_capture() -> None:
    """Per message, 200 DEFLATE entries of 16 MiB each inflated 2.6 GB; per capture, 16 MiB."""
    seven_mib = [b"<a>" + bytes([65 + n]) * (7 * 1024 * 1024) + b"</a>" for n in range(3)]
    entries = [
        {"request": {"method": "POST", "postData": {"params": [_param(_deflated(xml))]}}}
        for xml in seven_mib
    ]
    two = json.dumps({"log": {"entries": entries[:2]}}).encode()
    assert len(decode_capture(two, "two.har").messages) == 2  # 14 MiB: within the budget
    with pytest.raises(InputError) as error:
        decode_capture(json.dumps({"log": {"entries": entries}}).encode(), "three.har")
    assert "inflate to more than 16,777,216 bytes in all" in error.value.line
    assert error.value.line.startswith("three.har: ")


def _param(value: str) -> dict[str, str]:
    return {"name": "SAMLResponse", "value": value}


def test_inflation_budget_counts_down_and_refuses_past_it() -> None:
    budget = Budget(inflated=1000)
    xml = b"<a>" + b"x" * 593 + b"</a>"
    decode_payload(_deflated(xml), budget)
    assert budget.bytes_left == 1000 - 600
    with pytest.raises(Exception, match="in all"):
        decode_payload(_deflated(xml), budget)
    assert budget.bytes_left == 0


def test_json_with_millions_of_items_is_refused_before_loading() -> None:
    """60 MB of empty arrays took 77 s and 1.6 GB to load; counted first, it is refused."""
    hostile = b'{"log": {"entries": [' + b"[]," * MAX_JSON_ITEMS + b"[]]}}"
    with pytest.raises(InputError, match=f"samlcheck reads at most {MAX_JSON_ITEMS:,}"):
        decode_capture(hostile, "arrays.har")


@pytest.mark.parametrize(
    ("document", "what"),
    [({"log": {"entries": [{}]}}, "HAR entries"), ({"requests": [{}]}, "SAML-tracer requests")],
)
def test_entries_walked_are_capped(document: dict[str, Any], what: str) -> None:
    """330,000 entries of an empty request took 4 s to walk: refused past the cap, said so."""
    many = json.dumps(document).replace("{}", ", ".join(["{}"] * (MAX_ENTRIES + 1)))
    with pytest.raises(InputError, match=f"holds {MAX_ENTRIES + 1:,} {what}"):
        decode_capture(many.encode(), "long.har")


def test_values_decoded_per_capture_are_capped(signed_response: bytes) -> None:
    """A form body of a million SAMLResponse values would parse a million documents."""
    value = urllib.parse.quote(base64.b64encode(signed_response).decode())
    body = "&".join([f"SAMLResponse={value}"] * (MAX_VALUES + 1))
    with pytest.raises(InputError, match=f"more than {MAX_VALUES:,} SAMLResponse and SAMLRequest"):
        decode_capture(body.encode(), "body.txt")
    assert len(decode_capture(body.rsplit("&", 1)[0].encode(), "body.txt").messages) == 1


def test_html_parser_reads_only_form_and_saml_input_tags(signed_response: bytes) -> None:
    """The HTML parser took 17 s for the 2 million other tags of a 6 MB page: they are skipped."""
    page = testidp.as_html_form(signed_response)
    assert only(page.replace(b"<form", b"<p>" * 200_000 + b"<form", 1)) == signed_response
    many = b"<html><body>" + b"<form action='x'>" * (MAX_VALUES + 1) + b"</body></html>"
    with pytest.raises(InputError, match="more than 1,000 form and SAML input tags"):
        decode_capture(many, "page.html")


def test_form_parameters_are_found_by_name_only_at_the_start_of_a_pair(
    signed_response: bytes,
) -> None:
    """Found by name, not by splitting 60 MB of '&' into pairs (55 s): still whole names only."""
    value = urllib.parse.quote(base64.b64encode(signed_response).decode())
    body = f"RelayState=x&&XSAMLResponse=junk&a=SAMLResponse=junk& SAMLResponse={value}&" * 2
    messages = decode_capture(body.encode(), "body.txt").messages
    assert [m.data for m in messages] == [signed_response]  # the two copies are one message


def test_commas_inside_json_strings_do_not_count_as_items() -> None:
    """A page body full of commas and braces is one string, not a million items."""
    page = '<p>{"a", [b]} \\" \\\\, ' + ",{[" * MAX_JSON_ITEMS + "</p>"
    har = {"log": {"entries": [{"response": {"content": {"text": page}}}]}}
    with pytest.raises(InputError, match="has no SAML message"):
        decode_capture(json.dumps(har).encode(), "pages.har")


def test_huge_file_is_refused_before_reading(tmp_path: Path) -> None:
    huge = tmp_path / "huge.har"
    with huge.open("wb") as f:
        f.truncate(MAX_CAPTURE_BYTES + 1)  # sparse: costs no disk and is never read
    with pytest.raises(InputError, match="larger than"):
        read_capture(str(huge))


def test_missing_file_and_directory_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_capture(str(tmp_path / "nope.txt"))
    with pytest.raises(InputError, match="is a directory"):
        read_capture(str(tmp_path))


def test_literal_text_value(signed_response: bytes) -> None:
    value = testidp.as_base64(signed_response).decode()
    assert read_capture(None, text=value).messages[0].data == signed_response


_xml_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=200).map(
    lambda s: f"<a>{s.replace('<', '').replace('&', '')}</a>".encode()
)


@given(xml=_xml_text, urlsafe=st.booleans(), wrap=st.sampled_from([None, 4, 64, 76]))
def test_base64_payload_round_trips_exactly(xml: bytes, urlsafe: bool, wrap: int | None) -> None:
    encoded = testidp.as_base64(xml, urlsafe=urlsafe, wrap=wrap).decode()
    assert decode_payload(encoded) == (xml, "base64")


@given(xml=_xml_text)
def test_deflate_payload_round_trips_exactly(xml: bytes) -> None:
    assert decode_payload(testidp.as_deflate_base64(xml).decode()) == (xml, "deflate+base64")


@pytest.mark.parametrize(
    "document",
    [
        {"log": {"entries": [1, None, "x"]}},
        {"log": {"entries": {"not": "a list"}}},
        {"log": {"entries": [{"request": {"url": 5, "method": [], "postData": "x"}}]}},
        {
            "log": {
                "entries": [{"request": {"postData": {"params": [1, {"name": "SAMLResponse"}]}}}]
            }
        },
        {"log": {"entries": [{"response": {"content": {"text": 5, "encoding": "base64"}}}]}},
        {"requests": [1, {"post": [1, ["SAMLResponse", 3]], "saml": 7, "timestamp": 1e300}]},
    ],
)
def test_json_exports_of_the_wrong_shape_are_input_errors(document: object) -> None:
    with pytest.raises(InputError):
        decode_capture(json.dumps(document).encode(), "odd.json")
