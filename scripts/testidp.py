"""A small, deterministic test IdP: keys, certificates, metadata and AWS-shaped SAML responses.

Everything is derived from labels and fixed instants, so the same call gives the same bytes:
RSA keys come from a seeded prime search (whose results are committed in testidp_keys.json, as
it is slow) and RSA PKCS#1 v1.5 signatures are deterministic.
Tests import it (pytest puts scripts/ on the path); make_fixtures.py writes fixtures/ with it.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import html
import json
import random
import urllib.parse
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
MD = "urn:oasis:names:tc:SAML:2.0:metadata"
DS = "http://www.w3.org/2000/09/xmldsig#"
XS = "http://www.w3.org/2001/XMLSchema"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

ISSUE_INSTANT = dt.datetime(2026, 1, 15, 12, 0, 0, tzinfo=dt.timezone.utc)
"""Every generated response is issued at this instant; check them with --at near it."""
CHECK_AT = "2026-01-15T12:01:00Z"

ACCOUNT = "123456789012"
PROVIDER_ARN = f"arn:aws:iam::{ACCOUNT}:saml-provider/ExampleIdP"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/SAMLDeveloper"
SIGNIN = "https://signin.aws.amazon.com/saml"
ENTITY_ID = "https://idp.example.test/saml"

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
"""The committed fixtures, and the files the fuzz and resource scripts start from."""
METADATA = FIXTURES / "idp" / "metadata.xml"
VALID = FIXTURES / "responses" / "valid.xml"
SP_KEY = FIXTURES / "keys" / "sp-encryption.pem"
SP_CERT = FIXTURES / "keys" / "sp-encryption.crt"


# --- keys and certificates -------------------------------------------------------------------


def _is_probable_prime(n: int, rng: random.Random, rounds: int = 40) -> bool:
    if n < 4:
        return n in (2, 3)
    for small in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37):
        if n % small == 0:
            return n == small
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for _ in range(rounds):
        x = pow(rng.randrange(2, n - 1), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _prime(rng: random.Random, bits: int) -> int:
    while True:
        candidate = rng.getrandbits(bits) | (3 << (bits - 2)) | 1
        if _is_probable_prime(candidate, rng):
            return candidate


KEY_STORE = Path(__file__).with_name("testidp_keys.json")
"""The primes of every test key, as the seeded search finds them (it takes seconds per key).
`python scripts/testidp.py --check` re-derives them all; `testidp.py LABEL/BITS` adds one."""

_E = 65537

SEARCHED: list[str] = []
"""Keys this process had to find by the seeded search because the store lacks them."""


def seeded_primes(label: str, bits: int) -> tuple[int, int]:
    """The primes of the key for `label` and `bits`, found by the seeded search."""
    rng = random.Random(hashlib.sha256(f"{label}/{bits}".encode()).digest())
    while True:
        p, q = _prime(rng, bits // 2), _prime(rng, bits - bits // 2)
        if p != q and (p - 1) % _E and (q - 1) % _E and (p * q).bit_length() == bits:
            return p, q


@cache
def _stored_primes() -> dict[str, tuple[int, int]]:
    if not KEY_STORE.is_file():
        return {}
    stored = json.loads(KEY_STORE.read_text())
    return {name: (int(p, 16), int(q, 16)) for name, (p, q) in stored.items()}


@cache
def rsa_key(label: str, bits: int = 2048) -> rsa.RSAPrivateKey:
    """A deterministic RSA key: the same label and size always give the same key.

    Its primes are read from KEY_STORE; a key the store lacks is found by the seeded search.
    """
    name = f"{label}/{bits}"
    primes = _stored_primes().get(name)
    if primes is None:
        SEARCHED.append(name)
        primes = seeded_primes(label, bits)
    p, q = primes
    d = pow(_E, -1, (p - 1) * (q - 1))
    numbers = rsa.RSAPrivateNumbers(
        p=p,
        q=q,
        d=d,
        dmp1=d % (p - 1),
        dmq1=d % (q - 1),
        iqmp=pow(q, -1, p),
        public_numbers=rsa.RSAPublicNumbers(_E, p * q),
    )
    return numbers.private_key(unsafe_skip_rsa_key_validation=True)


def stale_keys(store: Path = KEY_STORE) -> list[str]:
    """The keys in `store` whose primes are not what the seeded search finds."""
    stale = []
    for name, (p, q) in json.loads(store.read_text()).items():
        label, bits = name.rsplit("/", 1)
        if seeded_primes(label, int(bits)) != (int(p, 16), int(q, 16)):
            stale.append(name)
    return stale


def store_keys(names: Iterable[str], store: Path = KEY_STORE) -> None:
    """Find the keys `names` (LABEL/BITS) by the seeded search and write them into `store`."""
    stored = json.loads(store.read_text()) if store.is_file() else {}
    for name in names:
        label, bits = name.rsplit("/", 1)
        stored[name] = [f"{n:x}" for n in seeded_primes(label, int(bits))]
    store.write_text(json.dumps(dict(sorted(stored.items())), indent=1) + "\n")


def certificate(
    key: rsa.RSAPrivateKey,
    common_name: str,
    *,
    not_before: dt.datetime = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc),
    not_after: dt.datetime = dt.datetime(2035, 1, 1, tzinfo=dt.timezone.utc),
    signer: rsa.RSAPrivateKey | None = None,
    public_key: object | None = None,
    algorithm: hashes.SHA256 | hashes.SHA384 | hashes.SHA512 | None = None,
) -> x509.Certificate:
    """A self-signed (or `signer`-signed) certificate with fixed serial and dates."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    serial = int.from_bytes(hashlib.sha256(common_name.encode()).digest()[:8], "big")
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key or key.public_key())  # type: ignore[arg-type]
        .serial_number(serial)
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
    )
    return builder.sign(signer or key, algorithm or hashes.SHA256())


def pem(obj: rsa.RSAPrivateKey | x509.Certificate) -> bytes:
    """PEM text of a private key (PKCS#8, unencrypted) or a certificate."""
    if isinstance(obj, x509.Certificate):
        return obj.public_bytes(serialization.Encoding.PEM)
    return obj.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def cert_base64(cert: x509.Certificate) -> str:
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()


@dataclass(frozen=True)
class IdP:
    """A signing identity: entity ID, key and certificate."""

    entity_id: str
    key: rsa.RSAPrivateKey
    cert: x509.Certificate


def idp(label: str = "idp", entity_id: str = ENTITY_ID, bits: int = 2048) -> IdP:
    key = rsa_key(label, bits)
    return IdP(entity_id, key, certificate(key, f"{label}.example.test"))


def metadata(
    provider: IdP,
    *,
    signing_certs: Sequence[x509.Certificate] | None = None,
    sso_url: str = "https://idp.example.test/saml/sso",
    valid_until: str | None = None,
) -> bytes:
    """IdP metadata (EntityDescriptor with an IDPSSODescriptor), UTF-8, no BOM."""
    md = f"{{{MD}}}"
    root = etree.Element(md + "EntityDescriptor", nsmap={"md": MD, "ds": DS})
    root.set("entityID", provider.entity_id)
    if valid_until:
        root.set("validUntil", valid_until)
    sso = etree.SubElement(root, md + "IDPSSODescriptor")
    sso.set("protocolSupportEnumeration", SAMLP)
    for cert in signing_certs if signing_certs is not None else [provider.cert]:
        descriptor = etree.SubElement(sso, md + "KeyDescriptor", use="signing")
        info = etree.SubElement(descriptor, f"{{{DS}}}KeyInfo")
        data = etree.SubElement(info, f"{{{DS}}}X509Data")
        etree.SubElement(data, f"{{{DS}}}X509Certificate").text = cert_base64(cert)
    nameid = etree.SubElement(sso, md + "NameIDFormat")
    nameid.text = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
    for binding in ("HTTP-POST", "HTTP-Redirect"):
        endpoint = etree.SubElement(sso, md + "SingleSignOnService")
        endpoint.set("Binding", f"urn:oasis:names:tc:SAML:2.0:bindings:{binding}")
        endpoint.set("Location", sso_url)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


# --- SAML responses ----------------------------------------------------------------------------


def _instant(value: dt.datetime) -> str:
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class ResponseSpec:
    """Everything that varies in a generated SAMLResponse; defaults give one AWS accepts."""

    issuer: str = ENTITY_ID
    assertion_issuer: str | None = None
    """Issuer of the assertion when it differs from the Response's."""
    response_id: str = "_resp-0001"
    assertion_id: str = "_assert-0001"
    issue_instant: dt.datetime = ISSUE_INSTANT
    lifetime: dt.timedelta = dt.timedelta(minutes=5)
    destination: str | None = SIGNIN
    recipient: str | None = SIGNIN
    audiences: tuple[str, ...] = ("urn:amazon:webservices",)
    name_id: str | None = "alice@example.test"
    name_id_format: str = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
    roles: tuple[str, ...] = (f"{ROLE_ARN},{PROVIDER_ARN}",)
    role_session_name: str | None = "alice@example.test"
    source_identity: str | None = None
    session_duration: str | None = None
    principal_tags: tuple[tuple[str, str], ...] = ()
    transitive_tag_keys: tuple[str, ...] = ()
    extra_attributes: tuple[tuple[str, tuple[str, ...]], ...] = ()
    status: str = "urn:oasis:names:tc:SAML:2.0:status:Success"
    sign_response: bool = True
    sign_assertion: bool = True
    signature_algorithm: str = "rsa-sha256"
    digest_algorithm: str = "sha256"

    def but(self, **changes: object) -> ResponseSpec:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


def _attribute(parent: etree._Element, name: str, values: Iterable[str]) -> None:
    attribute = etree.SubElement(parent, f"{{{SAML}}}Attribute", Name=name)
    attribute.set("NameFormat", "urn:oasis:names:tc:SAML:2.0:attrname-format:uri")
    for value in values:
        element = etree.SubElement(attribute, f"{{{SAML}}}AttributeValue")
        element.set(f"{{{XSI}}}type", "xs:string")
        element.text = value


def build_assertion(spec: ResponseSpec) -> etree._Element:
    """The unsigned Assertion element."""
    s = f"{{{SAML}}}"
    issued = _instant(spec.issue_instant)
    expires = _instant(spec.issue_instant + spec.lifetime)
    assertion = etree.Element(s + "Assertion", nsmap={"saml": SAML, "xs": XS, "xsi": XSI})
    assertion.set("ID", spec.assertion_id)
    assertion.set("IssueInstant", issued)
    assertion.set("Version", "2.0")
    etree.SubElement(assertion, s + "Issuer").text = spec.assertion_issuer or spec.issuer
    subject = etree.SubElement(assertion, s + "Subject")
    if spec.name_id is not None:
        name_id = etree.SubElement(subject, s + "NameID", Format=spec.name_id_format)
        name_id.text = spec.name_id
    confirmation = etree.SubElement(subject, s + "SubjectConfirmation")
    confirmation.set("Method", "urn:oasis:names:tc:SAML:2.0:cm:bearer")
    data = etree.SubElement(confirmation, s + "SubjectConfirmationData", NotOnOrAfter=expires)
    if spec.recipient is not None:
        data.set("Recipient", spec.recipient)
    conditions = etree.SubElement(
        assertion,
        s + "Conditions",
        NotBefore=_instant(spec.issue_instant - dt.timedelta(seconds=30)),
    )
    conditions.set("NotOnOrAfter", expires)
    if spec.audiences:
        restriction = etree.SubElement(conditions, s + "AudienceRestriction")
        for audience in spec.audiences:
            etree.SubElement(restriction, s + "Audience").text = audience
    authn = etree.SubElement(assertion, s + "AuthnStatement", AuthnInstant=issued)
    authn.set("SessionIndex", spec.assertion_id)
    context = etree.SubElement(authn, s + "AuthnContext")
    etree.SubElement(
        context, s + "AuthnContextClassRef"
    ).text = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
    statement = etree.SubElement(assertion, s + "AttributeStatement")
    attr = "https://aws.amazon.com/SAML/Attributes/"
    if spec.roles:
        _attribute(statement, attr + "Role", spec.roles)
    if spec.role_session_name is not None:
        _attribute(statement, attr + "RoleSessionName", [spec.role_session_name])
    if spec.source_identity is not None:
        _attribute(statement, attr + "SourceIdentity", [spec.source_identity])
    if spec.session_duration is not None:
        _attribute(statement, attr + "SessionDuration", [spec.session_duration])
    for key, value in spec.principal_tags:
        _attribute(statement, attr + "PrincipalTag:" + key, [value])
    if spec.transitive_tag_keys:
        _attribute(statement, attr + "TransitiveTagKeys", spec.transitive_tag_keys)
    for name, values in spec.extra_attributes:
        _attribute(statement, name, values)
    if not len(statement):
        assertion.remove(statement)
    return assertion


def build_response(spec: ResponseSpec, assertion: etree._Element | None = None) -> etree._Element:
    """The unsigned Response element around `assertion` (built from the spec when None)."""
    p, s = f"{{{SAMLP}}}", f"{{{SAML}}}"
    response = etree.Element(p + "Response", nsmap={"samlp": SAMLP, "saml": SAML})
    response.set("ID", spec.response_id)
    response.set("Version", "2.0")
    response.set("IssueInstant", _instant(spec.issue_instant))
    if spec.destination is not None:
        response.set("Destination", spec.destination)
    etree.SubElement(response, s + "Issuer").text = spec.issuer
    status = etree.SubElement(response, p + "Status")
    etree.SubElement(status, p + "StatusCode", Value=spec.status)
    response.append(assertion if assertion is not None else build_assertion(spec))
    return response


def sign(
    element: etree._Element,
    provider: IdP,
    *,
    signature_algorithm: str = "rsa-sha256",
    digest_algorithm: str = "sha256",
) -> etree._Element:
    """Sign `element` (enveloped, exclusive c14n) with the Signature right after its Issuer."""
    placeholder = etree.Element(f"{{{DS}}}Signature", Id="placeholder", nsmap={"ds": DS})
    issuer = element.find(f"{{{SAML}}}Issuer")
    if issuer is not None:
        issuer.addnext(placeholder)
    else:
        element.insert(0, placeholder)
    signer = _signer_class()(
        signature_algorithm=f"http://www.w3.org/2001/04/xmldsig-more#{signature_algorithm}"
        if signature_algorithm != "rsa-sha1"
        else "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
        digest_algorithm=_DIGESTS[digest_algorithm],
        c14n_algorithm="http://www.w3.org/2001/10/xml-exc-c14n#",
    )
    signed: etree._Element = signer.sign(
        element,
        key=provider.key,
        cert=[provider.cert],
        reference_uri=element.get("ID"),
        id_attribute="ID",
    )
    return signed


def _signer_class() -> type:
    from signxml.signer import XMLSigner

    class Signer(XMLSigner):
        def check_deprecated_methods(self) -> None:
            """Real IdPs still sign with SHA-1 and AWS accepts it: the test IdP must too."""

    return Signer


_DIGESTS = {
    "sha1": "http://www.w3.org/2000/09/xmldsig#sha1",
    "sha256": "http://www.w3.org/2001/04/xmlenc#sha256",
    "sha512": "http://www.w3.org/2001/04/xmlenc#sha512",
}


def response_element(
    spec: ResponseSpec,
    provider: IdP,
    wrap: Callable[[etree._Element], etree._Element] | None = None,
) -> etree._Element:
    """The Response, signed as the spec says; `wrap` turns the (signed) Assertion into what the
    Response carries in its place (an EncryptedAssertion) before the Response is signed."""
    algorithms = {
        "signature_algorithm": spec.signature_algorithm,
        "digest_algorithm": spec.digest_algorithm,
    }
    assertion = build_assertion(spec)
    if spec.sign_assertion:
        assertion = sign(assertion, provider, **algorithms)
    if wrap is not None:
        assertion = wrap(assertion)
    response = build_response(spec, assertion)
    if spec.sign_response:
        response = sign(response, provider, **algorithms)
    return response


def response_xml(spec: ResponseSpec | None = None, provider: IdP | None = None) -> bytes:
    """The exact bytes of a generated SAMLResponse (UTF-8, with an XML declaration)."""
    element = response_element(spec or ResponseSpec(), provider or idp())
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8")


# --- containers ---------------------------------------------------------------------------------


def as_base64(xml: bytes, *, urlsafe: bool = False, wrap: int | None = None) -> bytes:
    text = (base64.urlsafe_b64encode if urlsafe else base64.b64encode)(xml)
    if wrap:
        text = b"\n".join(text[i : i + wrap] for i in range(0, len(text), wrap))
    return text


def as_deflate_base64(xml: bytes) -> bytes:
    """HTTP-Redirect encoding: raw DEFLATE, then base64."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return base64.b64encode(compressor.compress(xml) + compressor.flush())


def as_form_body(xml: bytes, relay_state: str = "https://console.aws.amazon.com/") -> bytes:
    """An application/x-www-form-urlencoded POST body."""
    return urllib.parse.urlencode(
        {"SAMLResponse": as_base64(xml).decode(), "RelayState": relay_state}
    ).encode()


def as_html_form(xml: bytes, *, upper_case: bool = True) -> bytes:
    """An IdP's auto-POST page, attribute names upper-cased and the value entity-encoded."""
    value = "".join(f"&#{ord(c)};" if c in "+/=" else c for c in as_base64(xml).decode())
    name = "NAME" if upper_case else "name"
    return (
        '<!DOCTYPE html>\n<html><body onload="document.forms[0].submit()">\n'
        f'<FORM METHOD="POST" ACTION="{SIGNIN}">\n'
        f'<INPUT TYPE="hidden" {name}="SAMLResponse" VALUE="{value}"/>\n'
        f'<INPUT TYPE="hidden" {name}="RelayState" VALUE="{html.escape("a&b")}"/>\n'
        "</FORM></body></html>\n"
    ).encode()


def as_soap(xml: bytes) -> bytes:
    """A SOAP 1.1 envelope (ECP) with the message in its Body."""
    body = xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<soap11:Envelope xmlns:soap11="http://schemas.xmlsoap.org/soap/envelope/">'
        b"<soap11:Body>" + body + b"</soap11:Body></soap11:Envelope>"
    )


@dataclass(frozen=True)
class HarPost:
    """One SAML POST in a HAR file."""

    xml: bytes
    url: str = SIGNIN
    started: str = "2026-01-15T12:00:01.000Z"


@dataclass(frozen=True)
class HarRedirect:
    """One HTTP-Redirect (GET with SAMLRequest in the query) in a HAR file."""

    xml: bytes
    url: str = "https://idp.example.test/saml/sso"
    started: str = "2026-01-15T11:59:58.000Z"


@dataclass(frozen=True)
class HarPage:
    """One response whose HTML body is an auto-POST form."""

    xml: bytes
    url: str = "https://idp.example.test/saml/sso"
    started: str = "2026-01-15T12:00:00.500Z"


def as_har(entries: Sequence[HarPost | HarRedirect | HarPage], browser: str = "chrome") -> bytes:
    """A HAR 1.2 log; Chrome leaves postData.params values percent-encoded, Firefox decodes them."""
    har_entries = []
    for entry in entries:
        request: dict[str, object] = {"method": "GET", "url": entry.url, "headers": []}
        content: dict[str, object] = {"size": 0, "mimeType": "text/html"}
        if isinstance(entry, HarPost):
            value = as_base64(entry.xml).decode()
            encoded = urllib.parse.quote(value, safe="")
            shown = encoded if browser == "chrome" else value
            request = {
                "method": "POST",
                "url": entry.url,
                "headers": [],
                "postData": {
                    "mimeType": "application/x-www-form-urlencoded",
                    "text": f"SAMLResponse={encoded}&RelayState=",
                    "params": [
                        {"name": "SAMLResponse", "value": shown},
                        {"name": "RelayState", "value": ""},
                    ],
                },
            }
        elif isinstance(entry, HarRedirect):
            query = urllib.parse.urlencode({"SAMLRequest": as_deflate_base64(entry.xml).decode()})
            request["url"] = f"{entry.url}?{query}"
        else:
            content = {"size": 1, "mimeType": "text/html", "text": as_html_form(entry.xml).decode()}
        har_entries.append(
            {
                "startedDateTime": entry.started,
                "request": request,
                "response": {"status": 200, "headers": [], "content": content},
            }
        )
    log = {"log": {"version": "1.2", "creator": {"name": browser}, "entries": har_entries}}
    return json.dumps(log, indent=2).encode()


def as_saml_tracer(messages: Sequence[bytes], *, masked: bool = True) -> bytes:
    """A SAML-tracer export; `masked` replaces post values with hashes, as its default does."""
    requests = []
    for index, xml in enumerate(messages):
        value = as_base64(xml).decode()
        shown = hashlib.sha256(value.encode()).hexdigest() if masked else value
        requests.append(
            {
                "method": "POST",
                "url": SIGNIN,
                "timestamp": 1768478401000 + index,
                "post": [["SAMLResponse", shown], ["RelayState", ""]],
                "protocol": "SAML-P",
                "saml": xml.decode(),
            }
        )
    return json.dumps({"requests": requests, "timestamp": 1768478400000}, indent=2).encode()


@dataclass
class Bundle:
    """Collects fixture files by relative path (used by make_fixtures.py)."""

    files: dict[str, bytes] = field(default_factory=dict)

    def add(self, path: str, data: bytes) -> None:
        self.files[path] = data


def main(argv: Sequence[str] | None = None) -> int:
    """Add or renew the keys LABEL/BITS in the store (all with none); --check writes nothing."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("names", nargs="*", metavar="LABEL/BITS")
    parser.add_argument("--check", action="store_true", help="re-derive every stored key")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_keys()
        for name in stale:
            print(f"differs from the seeded search: {name}")
        print(f"{len(_stored_primes())} stored keys, {len(stale)} wrong")
        return 1 if stale else 0
    names = args.names or list(_stored_primes())
    store_keys(names)
    print(f"{len(names)} key(s) written to {KEY_STORE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
