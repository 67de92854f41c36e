"""Capture fixtures: one AWS-shaped signed response in every container samlcheck decodes."""

from __future__ import annotations

import testidp


def fixtures() -> dict[str, bytes]:
    response = testidp.response_xml()
    second = testidp.response_xml(
        testidp.ResponseSpec(response_id="_resp-0002", assertion_id="_assert-0002")
    )
    request = (
        b'<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
        b'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_req-0001" Version="2.0" '
        b'IssueInstant="2026-01-15T11:59:58Z" Destination="https://idp.example.test/saml/sso">'
        b"<saml:Issuer>urn:amazon:webservices</saml:Issuer></samlp:AuthnRequest>"
    )
    display_name = testidp.response_xml(
        testidp.ResponseSpec(
            response_id="_resp-0003", assertion_id="_assert-0003", role_session_name="Alice Smith"
        )
    )
    return {
        "captures/signin-role-session-name.har": testidp.as_har(
            [testidp.HarRedirect(request), testidp.HarPost(display_name)]
        ),
        "captures/response.xml": response,
        "captures/response-bom.xml": b"\xef\xbb\xbf" + response,
        "captures/response.b64": testidp.as_base64(response),
        "captures/response-wrapped.b64": testidp.as_base64(response, wrap=76) + b"\n",
        "captures/response-urlsafe.b64": testidp.as_base64(response, urlsafe=True),
        "captures/response-deflate.b64": testidp.as_deflate_base64(response),
        "captures/form-body.txt": testidp.as_form_body(response),
        "captures/autopost.html": testidp.as_html_form(response),
        "captures/ecp-soap.xml": testidp.as_soap(response),
        "captures/signin-chrome.har": testidp.as_har(
            [
                testidp.HarRedirect(request),
                testidp.HarPage(response),
                testidp.HarPost(response),
                testidp.HarPost(second, started="2026-01-15T12:00:30.000Z"),
            ]
        ),
        "captures/signin-firefox.har": testidp.as_har(
            [testidp.HarPost(response)], browser="firefox"
        ),
        "captures/saml-tracer.json": testidp.as_saml_tracer([response, second]),
        "captures/saml-tracer-unmasked.json": testidp.as_saml_tracer([response], masked=False),
        "captures/two-documents.b64": testidp.as_base64(response + response.split(b"?>", 1)[1]),
    }
