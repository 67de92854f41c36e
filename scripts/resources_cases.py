"""The hostile inputs of scripts/resources.py (issue 9 section 2), one builder per case.

Run by resources.py in a process of its own, so that the benchmark process stays small: a child's
peak RSS counts the memory of the process it was started from.
  python scripts/resources_cases.py --list          JSON {case: description}
  python scripts/resources_cases.py CASE FOLDER     writes the input(s), prints the samlcheck args
"""

from __future__ import annotations

import base64
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import zlib
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import fixtures_metadata as fm  # noqa: E402
import testidp  # noqa: E402
from lxml import etree  # noqa: E402
from testidp import FIXTURES, METADATA, SP_CERT, SP_KEY, VALID  # noqa: E402

AT = ["--at", testidp.CHECK_AT]

XML_LIMIT = 16 * 1024 * 1024  # samlcheck._internal.inputs.xml.MAX_XML_BYTES and the DEFLATE cap
CAPTURE_LIMIT = 64 * 1024 * 1024  # samlcheck._internal.inputs.capture.MAX_CAPTURE_BYTES
KEY_LIMIT = 1024 * 1024  # samlcheck._internal.inputs.files.SMALL_FILE
CACHE = Path(tempfile.gettempdir()) / "samlcheck-resources-cache"

DS, SAML, SAMLP, XENC = testidp.DS, testidp.SAML, testidp.SAMLP, "http://www.w3.org/2001/04/xmlenc#"
ATTR = "https://aws.amazon.com/SAML/Attributes/"

Builder = Callable[[Path], list[str]]
"""Writes the case's input(s) into the folder; returns the samlcheck arguments."""
CASES: dict[str, tuple[str, Builder]] = {}


def case(name: str, what: str) -> Callable[[Builder], Builder]:
    def register(builder: Builder) -> Builder:
        CASES[name] = (what, builder)
        return builder

    return register


def write(folder: Path, name: str, data: bytes, limit: int) -> str:
    """Write one input, checking it is inside the limit samlcheck documents for it."""
    assert len(data) <= limit, f"{name}: {len(data):,} bytes exceeds the {limit:,} limit"
    path = folder / name
    path.write_bytes(data)
    return str(path)


# --- material ----------------------------------------------------------------------------------


def foreign_certs(count: int, seed: int) -> list[bytes]:
    """`count` distinct DER certificates for random 2048-bit RSA public keys (no private key
    exists for them); signed with a fixed EC key so generation takes milliseconds each."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.x509.oid import NameOID

    signer = ec.derive_private_key(seed + 1, ec.SECP256R1())
    rng = random.Random(seed)
    certs = []
    for number in range(count):
        modulus = rng.getrandbits(2048) | (1 << 2047) | 1
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"foreign-{number}")])
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(rsa.RSAPublicNumbers(65537, modulus).public_key())
            .serial_number(number + 1)
            .not_valid_before(testidp.ISSUE_INSTANT.replace(year=2025))
            .not_valid_after(testidp.ISSUE_INSTANT.replace(year=2035))
            .sign(signer, hashes.SHA256())
        )
        certs.append(cert.public_bytes(serialization.Encoding.DER))
    return certs


def signed(assertion: etree._Element, provider: testidp.IdP | None = None) -> bytes:
    """A Response around `assertion`, the assertion signed by the test IdP (claims are read)."""
    assertion = testidp.sign(assertion, provider or testidp.idp())
    marker = etree.Element(f"{{{SAML}}}Assertion")  # appending `assertion` would re-prefix it
    response = testidp.build_response(testidp.ResponseSpec(), marker)
    text = etree.tostring(response, xml_declaration=True, encoding="UTF-8")
    return text.replace(b"<saml:Assertion/>", etree.tostring(assertion), 1)


def attribute_statement(spec: testidp.ResponseSpec) -> tuple[etree._Element, etree._Element]:
    """The spec's assertion and its AttributeStatement (created when the spec has none)."""
    assertion = testidp.build_assertion(spec)
    statement = assertion.find(f"{{{SAML}}}AttributeStatement")
    if statement is None:
        statement = etree.SubElement(assertion, f"{{{SAML}}}AttributeStatement")
    return assertion, statement


def insert_after(data: bytes, marker: bytes, blob: bytes) -> bytes:
    at = data.index(marker) + len(marker)
    return data[:at] + blob + data[at:]


def declare(data: bytes, root_tag: bytes, prefix: str, namespace: str) -> bytes:
    """Add a namespace declaration to the root start tag."""
    return data.replace(root_tag, root_tag + f' xmlns:{prefix}="{namespace}"'.encode(), 1)


def deflate_b64(prefix: bytes, body_deflated: bytes) -> bytes:
    """Raw DEFLATE of prefix + body: the prefix is compressed and fully flushed (byte aligned,
    no back references), then the once-compressed body follows; URL-safe base64 of the whole."""
    head = zlib.compressobj(9, zlib.DEFLATED, -15)
    raw = head.compress(prefix) + head.flush(zlib.Z_FULL_FLUSH) + body_deflated
    return base64.urlsafe_b64encode(raw)


def deflated(data: bytes) -> bytes:
    tail = zlib.compressobj(9, zlib.DEFLATED, -15)
    return tail.compress(data) + tail.flush()


def filled(head: bytes, close: bytes) -> bytes:
    """The body after `head` that makes the document exactly 16 MiB of empty elements."""
    room = XML_LIMIT - len(head) - len(close)
    return b"<x/>" * (room // 4) + b" " * (room % 4) + close


def request_head(number: int) -> bytes:
    """The start tag of a distinct AuthnRequest (fixed length, whatever the number)."""
    return (
        f'<samlp:AuthnRequest xmlns:samlp="{SAMLP}" ID="_r{number:05d}" Version="2.0" '
        'IssueInstant="2026-01-15T11:59:58Z">'
    ).encode()


# --- the cases -----------------------------------------------------------------------------------


def pem_flood(size: int) -> Builder:
    def build(folder: Path) -> list[str]:
        line = b"-----BEGIN A-----\n"
        return ["keys", write(folder, f"begin-{size}.pem", line * (size // len(line)), KEY_LIMIT)]

    return build


case("pem-85k", "keys: 85 KB of '-----BEGIN A-----' lines")(pem_flood(85_000))
case("pem-340k", "keys: 340 KB of '-----BEGIN A-----' lines")(pem_flood(340_000))
case("pem-1m", "keys: 1 MiB of '-----BEGIN A-----' lines")(pem_flood(KEY_LIMIT))


@case("pem-340k-sp-key", "check --sp-key: 340 KB of '-----BEGIN A-----' lines")
def _pem_sp_key(folder: Path) -> list[str]:
    key = pem_flood(340_000)(folder)[1]
    encrypted = FIXTURES / "responses" / "valid-encrypted.xml"  # so the key is needed
    return ["check", str(encrypted), "--metadata", str(METADATA), "--sp-key", key, *AT]


@case("keyinfo-3000", "check: Response signed by a foreign key, 3,000 KeyInfo certificates")
def _keyinfo(folder: Path) -> list[str]:
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(65537, 2048)
    attacker = testidp.IdP(testidp.ENTITY_ID, key, testidp.certificate(key, "attacker"))
    spec = testidp.ResponseSpec(sign_assertion=False)
    response = testidp.response_element(spec, attacker)
    data_node = response.find(f"{{{DS}}}Signature/{{{DS}}}KeyInfo/{{{DS}}}X509Data")
    assert data_node is not None
    own = data_node[0]
    for der in foreign_certs(3000, seed=1):  # tried first; the signer's own certificate last
        node = etree.Element(f"{{{DS}}}X509Certificate")
        node.text = base64.b64encode(der).decode()
        own.addprevious(node)
    data = etree.tostring(response, xml_declaration=True, encoding="UTF-8")
    response_path = write(folder, "keyinfo-3000.xml", data, XML_LIMIT)
    return ["check", response_path, "--metadata", str(METADATA), *AT]


@case("metadata-3000-certs", "check: metadata with 3,000 signing certificates, no KeyInfo")
def _metadata_certs(folder: Path) -> list[str]:
    from cryptography import x509

    provider = testidp.idp()
    certs = [x509.load_der_x509_certificate(d) for d in foreign_certs(3000, seed=2)]
    metadata = testidp.metadata(provider, signing_certs=[*certs, provider.cert])
    response = testidp.response_element(testidp.ResponseSpec(sign_assertion=False), provider)
    for key_info in response.iter(f"{{{DS}}}KeyInfo"):  # outside SignedInfo: still valid
        key_info.getparent().remove(key_info)  # type: ignore[union-attr]
    data = etree.tostring(response, xml_declaration=True, encoding="UTF-8")
    return [
        "check",
        write(folder, "no-keyinfo.xml", data, XML_LIMIT),
        "--metadata",
        write(folder, "metadata-3000.xml", metadata, XML_LIMIT),
        *AT,
    ]


@case("metadata-3000-certs-signed", "metadata: signed, no KeyInfo, 3,000 signing certificates")
def _signed_metadata_certs(folder: Path) -> list[str]:
    from cryptography import x509

    provider = testidp.idp()
    certs = [x509.load_der_x509_certificate(d) for d in foreign_certs(3000, seed=2)]
    root = etree.fromstring(testidp.metadata(provider, signing_certs=[*certs, provider.cert]))
    root.set("ID", "_metadata")
    root = testidp.sign(root, provider)
    signature = root.find(f"{{{DS}}}Signature")
    assert signature is not None
    signature.remove(signature.find(f"{{{DS}}}KeyInfo"))  # type: ignore[arg-type]
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return ["metadata", write(folder, "signed-3000.xml", data, XML_LIMIT), *AT]


@case("har-200-deflate", "check: 4 MB HAR, 200 redirect entries each inflating to 16 MiB")
def _har_deflate(folder: Path) -> list[str]:
    body = deflated(filled(request_head(0), b"</samlp:AuthnRequest>"))
    entries = []
    for number in range(200):
        value = deflate_b64(request_head(number), body).decode()
        url = "https://idp.example.test/saml/sso?" + urllib.parse.urlencode({"SAMLRequest": value})
        entries.append(
            {
                "startedDateTime": "2026-01-15T11:59:58.000Z",
                "request": {"method": "GET", "url": url, "headers": []},
                "response": {"status": 200, "headers": [], "content": {"size": 0}},
            }
        )
    har = json.dumps({"log": {"version": "1.2", "entries": entries}}).encode()
    return ["check", write(folder, "deflate-200.har", har, CAPTURE_LIMIT), *AT]


@case("capture-22k-inflates-16m", "check: 22 KB base64 capture inflating to a 16 MiB Response")
def _inflates(folder: Path) -> list[str]:
    head = f'<samlp:Response xmlns:samlp="{SAMLP}" ID="_big" Version="2.0">'.encode()
    value = deflate_b64(head, deflated(filled(head, b"</samlp:Response>")))
    return ["check", write(folder, "inflates.b64", value, CAPTURE_LIMIT), *AT]


def roles(count: int, value: Callable[[int], str]) -> Builder:
    """A signed response with one Role attribute of `count` values, in the default namespace
    (written as text: lxml would add the 'saml:' prefix), so 800k empty values fit in 16 MiB."""

    def build(folder: Path) -> list[str]:
        spec = testidp.ResponseSpec(roles=("PLACEHOLDER",))
        text = etree.tostring(testidp.build_assertion(spec))
        placeholder = re.search(rb'<saml:Attribute Name="[^"]*/Role".*?</saml:Attribute>', text)
        assert placeholder is not None
        values = b"".join(
            f"<AttributeValue>{value(n)}</AttributeValue>".encode()
            if value(n)
            else b"<AttributeValue/>"
            for n in range(count)
        )
        attribute = f'<Attribute xmlns="{SAML}" Name="{ATTR}Role">'.encode()
        text = text.replace(placeholder.group(), attribute + values + b"</Attribute>")
        data = signed(etree.fromstring(text))
        return [
            "check",
            write(folder, f"roles-{count}.xml", data, XML_LIMIT),
            "--metadata",
            str(METADATA),
            *AT,
        ]

    return build


case("roles-800k", "check: 800,000 empty Role values")(roles(800_000, lambda n: ""))
case("roles-100k-output", "check: 100,000 invalid Role values (output size)")(
    roles(
        100_000,
        lambda n: f"arn:aws:iam::123456789012:role/R{n}, {testidp.PROVIDER_ARN}",
    )
)


case("roles-99k-output", "check: 99,000 invalid Role values, just under the node cap")(
    roles(
        99_000,
        lambda n: f"arn:aws:iam::123456789012:role/R{n}, {testidp.PROVIDER_ARN}",
    )
)


def tags(count: int) -> Builder:
    """A signed response with `count` PrincipalTag attributes (no values)."""

    def build(folder: Path) -> list[str]:
        assertion, statement = attribute_statement(testidp.ResponseSpec())
        for number in range(count):
            name = f"{ATTR}PrincipalTag:k{number:x}"
            etree.SubElement(statement, f"{{{SAML}}}Attribute", Name=name)
        data = signed(assertion)
        path = write(folder, f"tags-{count}.xml", data, XML_LIMIT)
        return ["check", path, "--metadata", str(METADATA), *AT]

    return build


case("tags-200k", "check: 200,000 PrincipalTag attributes")(tags(200_000))
case("tags-99k", "check: 99,000 PrincipalTag attributes, just under the node cap")(tags(99_000))


def extensions_metadata(count: int) -> bytes:
    """One IdP whose EntityDescriptor Extensions hold `count` empty elements."""
    entity = fm.idp_metadata()
    extensions = etree.Element(f"{{{fm.MD}}}Extensions")
    extensions.text = "<x/>"  # placeholder, replaced below: building 1e6 lxml nodes is slow
    entity.insert(0, extensions)
    return fm.xml_bytes(entity).replace(b"&lt;x/&gt;", b"<x xmlns='urn:x'/>" + b"<x/>" * count)


def certificates_metadata(count: int) -> bytes:
    """A signed IdP with `count` more signing certificates, added after signing (so the signature
    fails and every key is a candidate), and a signature without KeyInfo."""
    md, ds = f"{{{fm.MD}}}", f"{{{fm.DS}}}"
    cert = testidp.cert_base64(testidp.idp("idpb").cert)
    entity = fm.idp_metadata(document_id="_many", keys=[("signing", testidp.idp().cert)])
    signed = fm.signed(entity, testidp.idp())
    signature = signed.find(f"{ds}Signature")
    assert signature is not None
    for key_info in signature.findall(f"{ds}KeyInfo"):
        signature.remove(key_info)
    sso = signed.find(md + "IDPSSODescriptor")
    assert sso is not None
    for _ in range(count):
        descriptor = etree.SubElement(sso, md + "KeyDescriptor", use="signing")
        info = etree.SubElement(etree.SubElement(descriptor, ds + "KeyInfo"), ds + "X509Data")
        etree.SubElement(info, ds + "X509Certificate").text = cert
    return fm.xml_bytes(signed)


def aggregate_metadata(count: int) -> bytes:
    """An EntitiesDescriptor of `count` IdPs."""
    one = etree.tostring(fm.idp_metadata())
    entity_id = b'idp.example.test/saml"'
    body = b"".join(one.replace(entity_id, f'e{i}"'.encode()) for i in range(count))
    return (
        b"<?xml version='1.0' encoding='UTF-8'?>\n"
        + f'<md:EntitiesDescriptor xmlns:md="{fm.MD}" xmlns:ds="{fm.DS}">'.encode()
        + body
        + b"</md:EntitiesDescriptor>\n"
    )


@case("metadata-1e6-extensions", "metadata: 1,000,000 <x/> in md:Extensions")
def _extensions(folder: Path) -> list[str]:
    data = extensions_metadata(1_000_000)
    return ["metadata", write(folder, "extensions-1e6.xml", data, XML_LIMIT), *AT]


@case("metadata-aggregate-2000", "metadata: an aggregate of 2,000 IdPs")
def _aggregate(folder: Path) -> list[str]:
    data = aggregate_metadata(2_000)
    return ["metadata", write(folder, "aggregate-2000.xml", data, XML_LIMIT), *AT]


@case("har-60mb-empty-arrays", "check: 60 MB HAR of empty JSON arrays")
def _empty_arrays(folder: Path) -> list[str]:
    count = 20_000_000
    data = b'{"log":{"version":"1.2","entries":[' + b"[]," * (count - 1) + b"[]]}}"
    return ["check", write(folder, "empty-arrays.har", data, CAPTURE_LIMIT), *AT]


@case("rsa-16384", "keys: an RSA-16384 private key")
def _rsa_16384(folder: Path) -> list[str]:
    cached = CACHE / "rsa-16384.pem"
    if not cached.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        print(f"generating an RSA-16384 key once (cached in {CACHE}) ...", file=sys.stderr)
        partial = cached.with_suffix(".tmp")
        if shutil.which("openssl"):
            subprocess.run(
                ["openssl", "genrsa", "-out", str(partial), "16384"],
                check=True,
                capture_output=True,
            )
        else:
            from cryptography.hazmat.primitives import serialization
            from cryptography.hazmat.primitives.asymmetric import rsa

            key = rsa.generate_private_key(65537, 16384)
            partial.write_bytes(
                key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
        partial.replace(cached)
    return ["keys", write(folder, "rsa-16384.pem", cached.read_bytes(), KEY_LIMIT)]


def flood(name: str, prefix: str, namespace: str, element: str, count: int) -> Builder:
    """The signed fixture response with `count` empty elements added to the Response."""

    def build(folder: Path) -> list[str]:
        data = declare(VALID.read_bytes(), b"<samlp:Response", prefix, namespace)
        data = insert_after(data, b"</saml:Issuer>", f"<{prefix}:{element}/>".encode() * count)
        path = write(folder, name, data, XML_LIMIT)
        return ["check", path, "--metadata", str(METADATA), *AT]

    return build


case("signatures-1e6", "check: 1,000,000 ds:Signature elements")(
    flood("signatures-1e6.xml", "d", DS, "Signature", 1_000_000)
)
case("assertions-1e6", "check: 1,000,000 Assertions")(
    flood("assertions-1e6.xml", "a", SAML, "Assertion", 1_000_000)
)
case("signatures-99k", "check: 99,000 ds:Signature elements, just under the node cap")(
    flood("signatures-99k.xml", "d", DS, "Signature", 99_000)
)
case("assertions-99k", "check: 99,000 Assertions, just under the node cap")(
    flood("assertions-99k.xml", "a", SAML, "Assertion", 99_000)
)


def encrypted_assertion() -> bytes:
    """One EncryptedAssertion (AES-256-GCM, RSA-OAEP) for the fixture SP key, as bytes."""
    import testidp_xenc
    from cryptography import x509

    public = x509.load_pem_x509_certificate(SP_CERT.read_bytes()).public_key()
    spec = testidp.ResponseSpec(recipient=testidp_xenc.SP_ACS)
    element = testidp_xenc.encrypt_assertion(testidp.build_assertion(spec), public)  # type: ignore[arg-type]
    return etree.tostring(element)


def in_response(blob: bytes) -> bytes:
    head = (
        f'<?xml version="1.0" encoding="UTF-8"?><samlp:Response xmlns:samlp="{SAMLP}" '
        f'xmlns:saml="{SAML}" ID="_resp-0001" Version="2.0" IssueInstant="2026-01-15T12:00:00Z">'
        f"<saml:Issuer>{testidp.ENTITY_ID}</saml:Issuer>"
    ).encode()
    return head + blob + b"</samlp:Response>"


def decrypting(name: str, data: bytes, folder: Path) -> list[str]:
    path = write(folder, name, data, XML_LIMIT)
    return ["check", path, "--metadata", str(METADATA), "--sp-key", str(SP_KEY), *AT]


@case("encrypted-assertions-2500", "check --sp-key: 2,500 EncryptedAssertions")
def _encrypted_assertions(folder: Path) -> list[str]:
    return decrypting("encrypted-2500.xml", in_response(encrypted_assertion() * 2500), folder)


@case("encrypted-keys-20000", "check --sp-key: one EncryptedData with 20,000 EncryptedKeys")
def _encrypted_keys(folder: Path) -> list[str]:
    one = encrypted_assertion()
    real = re.search(rb"<xenc:EncryptedKey>.*?</xenc:EncryptedKey>", one, re.S)
    assert real is not None
    value = re.search(rb"<xenc:CipherValue>(.*?)</xenc:CipherValue>", real.group())
    assert value is not None
    rng = random.Random(3)
    decoys = b"".join(
        real.group().replace(value.group(1), base64.b64encode(rng.randbytes(256)))
        for _ in range(19_999)
    )
    data = in_response(one.replace(real.group(), decoys + real.group()))
    return decrypting("encrypted-keys-20000.xml", data, folder)


def main() -> int:
    if sys.argv[1:] == ["--list"]:
        print(json.dumps({name: what for name, (what, _) in CASES.items()}))
        return 0
    name, folder = sys.argv[1:]
    print(json.dumps(CASES[name][1](Path(folder))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
