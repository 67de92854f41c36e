"""samlcheck and xmlsec1 (libxmlsec1, the reference implementation) agree on every signature.

Each ds:Signature of every signed response fixture, of every signed python3-saml corpus response
and of a generated family of namespace layouts is verified by both, pinned to the same
certificate; so are tampered twins of the generated layouts (one byte changed in a signed value).
A disagreement fails the test unless ALLOWED names it as a wrapping defence samlcheck applies on
purpose; an allowed entry that agrees again fails too, so the list stays true.
"""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import testidp
from conftest import CORPUS, ROOT
from cryptography.hazmat.primitives import serialization
from lxml import etree

from samlcheck._internal.inputs.capture import read_capture
from samlcheck._internal.inputs.xml import parse
from samlcheck._internal.stages import signature
from samlcheck._internal.trust.anchors import load_trust

XMLSEC = shutil.which("xmlsec1")
pytestmark = pytest.mark.skipif(
    XMLSEC is None, reason="xmlsec1 is not installed (apt-get install xmlsec1); .ci/run installs it"
)

P = "urn:oasis:names:tc:SAML:2.0:protocol"
A = "urn:oasis:names:tc:SAML:2.0:assertion"
DS = "http://www.w3.org/2000/09/xmldsig#"
C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
EXC = "http://www.w3.org/2001/10/xml-exc-c14n#"
C14NS = {"c14n": C14N, "c14n-comments": C14N + "#WithComments", "exc": EXC}
C14NS["exc-comments"] = EXC + "WithComments"
FIXTURE_CERT = ROOT / "fixtures" / "idp" / "signing-cert.pem"
RESPONSES = CORPUS / "data" / "responses"

ALLOWED: dict[str, str] = {
    # "<case>#<n>" (n-th ds:Signature in document order) -> why samlcheck disagrees on purpose.
    "corpus/invalids/signature_wrapping_attack.xml.base64#1": (
        "the genuine signed Response, moved into StatusDetail, keeps the ID of the outer one. "
        "samlcheck verifies each signature on a copy of its own parent, so the moved element "
        "verifies, and then refuses it as misplaced (profile 'parent') and for the duplicate "
        "ID; xmlsec1 refuses to load a document with a duplicate ID at all"
    ),
}


# --- the two verifiers -------------------------------------------------------------------------


def xmlsec_verdicts(xml: bytes, cert: Path, work: Path) -> list[bool]:
    """xmlsec1's verdict on each ds:Signature, one run per signature (it verifies one a run)."""
    document = work / "document.xml"
    document.write_bytes(xml)
    count = len(etree.fromstring(xml).findall(f".//{{{DS}}}Signature"))
    count = min(count, signature.MAX_VERIFIED_SIGNATURES)
    verdicts = []
    for n in range(1, count + 1):
        done = subprocess.run(
            [
                str(XMLSEC),
                "--verify",
                "--pubkey-cert-pem",
                str(cert),
                "--id-attr:ID",
                f"{P}:Response",
                "--id-attr:ID",
                f"{A}:Assertion",
                "--node-xpath",
                f"(//*[local-name()='Signature' and namespace-uri()='{DS}'])[{n}]",
                str(document),
            ],
            capture_output=True,
            check=False,
        )
        verdicts.append(done.returncode == 0)
    return verdicts


def samlcheck_verdicts(xml: bytes, cert: Path) -> list[bool]:
    """samlcheck's cryptographic verdict on each ds:Signature (verified with the pinned cert)."""
    analysis = signature.analyse(parse(xml), load_trust((), (cert,)))
    return [check.verified for check in analysis.signatures]


def assert_agree(case: str, xml: bytes, cert: Path, work: Path) -> list[bool]:
    """Both verdicts on every signature of `xml`; a disagreement must be in ALLOWED, and only
    a disagreement may be. Returns xmlsec1's verdicts."""
    ours, theirs = samlcheck_verdicts(xml, cert), xmlsec_verdicts(xml, cert, work)
    assert len(ours) == len(theirs), f"{case}: signatures counted differently"
    for n, (mine, reference) in enumerate(zip(ours, theirs, strict=True), start=1):
        key = f"{case}#{n}"
        if key in ALLOWED:
            assert mine != reference, f"{key} agrees now: remove it from ALLOWED"
        else:
            assert mine == reference, f"{key}: samlcheck says {mine}, xmlsec1 says {reference}"
    return theirs


# --- fixtures and corpus -----------------------------------------------------------------------


def signed_responses(folder: Path) -> list[Path]:
    """Files under `folder` holding one SAML Response with at least one ds:Signature."""
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        try:
            (message,) = read_capture(str(path)).messages
            root = parse(message.data).root
        except Exception:  # not one readable message: the folders hold other files too
            continue
        if root.tag == f"{{{P}}}Response" and root.find(f".//{{{DS}}}Signature") is not None:
            found.append(path)
    return found


FIXTURE_FILES = signed_responses(ROOT / "fixtures")
CORPUS_FILES = signed_responses(RESPONSES) if RESPONSES.is_dir() else []


def corpus_anchor(path: Path) -> Path:
    """The manifest's trust anchor for the file, else the corpus IdP certificate."""
    manifest = json.loads((CORPUS / "manifest.json").read_text())
    anchors: dict[str, str] = {row["file"]: row["trust_anchor"] for row in manifest}
    return CORPUS / anchors.get(str(path.relative_to(CORPUS)), "certs/settings1-idp.pem")


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_fixture_verdicts_agree(path: Path, tmp_path: Path) -> None:
    xml = read_capture(str(path)).messages[0].data
    assert_agree(str(path.relative_to(ROOT)), xml, FIXTURE_CERT, tmp_path)


@pytest.mark.skipif(not CORPUS_FILES, reason=f"third-party corpus not found at {RESPONSES}")
@pytest.mark.filterwarnings("ignore::cryptography.utils.CryptographyDeprecationWarning")
@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: str(p.relative_to(RESPONSES)))
def test_corpus_verdicts_agree(path: Path, tmp_path: Path) -> None:
    xml = read_capture(str(path)).messages[0].data
    assert_agree(f"corpus/{path.relative_to(RESPONSES)}", xml, corpus_anchor(path), tmp_path)


def test_the_suite_sees_the_signed_fixtures() -> None:
    names = {p.name for p in FIXTURE_FILES}
    assert {"valid.xml", "content-changed.xml", "xsw1.xml", "pretty-printed.xml"} <= names


# --- generated namespace layouts ---------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """One way of writing the same signed Response."""

    root: str
    """Response namespace: 'samlp' (prefixed) or 'default' (xmlns on the Response)."""
    assertion: str
    """Assertion namespace: 'saml' (prefixed, declared on the Response) or 'default'."""
    ds: str
    """ds:Signature: 'ds' (xmlns:ds on it), 'default' (xmlns on it) or 'root' (on the Response)."""
    c14n: str
    """SignedInfo's CanonicalizationMethod, a key of C14NS."""
    signs: str
    """'response' or 'assertion': where the one Signature is."""
    extras: tuple[str, ...] = ()
    """comments and whitespace (in SignedInfo), prefixlist (exc-C14N InclusiveNamespaces on
    SignedInfo's and the Reference's c14n), xml-lang and unused-ns (on the Response),
    ref-comments (exc-C14N#WithComments Reference, a comment in the Assertion),
    ref-inclusive (a C14N 1.0 Reference)."""

    @property
    def name(self) -> str:
        parts = [f"root-{self.root}", f"assertion-{self.assertion}", f"ds-{self.ds}"]
        return "_".join([*parts, self.c14n, f"on-{self.signs}", *self.extras])


def _layouts() -> list[Layout]:
    base = [
        Layout(root, assertion, ds, c14n, signs)
        for root, assertion, ds, c14n, signs in itertools.product(
            ("samlp", "default"),
            ("saml", "default"),
            ("ds", "default", "root"),
            ("c14n", "exc"),
            ("response", "assertion"),
        )
    ]
    extra = [
        Layout("default", assertion, ds, c14n, signs, extras)
        for extras, c14ns, assertions in (
            (("comments", "whitespace"), C14NS, ("default",)),
            (("prefixlist",), ("exc", "exc-comments"), ("saml", "default")),
            (("xml-lang", "unused-ns"), ("c14n", "c14n-comments", "exc"), ("default",)),
            (("ref-comments",), ("c14n", "exc"), ("default",)),
            (("ref-inclusive", "xml-lang"), ("c14n",), ("default",)),
        )
        for c14n in c14ns
        for assertion in assertions
        for ds in ("ds", "default")
        for signs in ("response", "assertion")
    ]
    return base + extra


def signature_template(layout: Layout, reference: str) -> str:
    d = "" if layout.ds == "default" else "ds:"
    declare = {"ds": f' xmlns:ds="{DS}"', "default": f' xmlns="{DS}"', "root": ""}[layout.ds]
    ws = "\n    " if "whitespace" in layout.extras else ""
    note = "<!-- SignedInfo comment -->" if "comments" in layout.extras else ""
    listed = "prefixlist" in layout.extras
    c14n_list = f'<ec:InclusiveNamespaces xmlns:ec="{EXC}" PrefixList="#default saml"/>'
    transform_list = f'<ec:InclusiveNamespaces xmlns:ec="{EXC}" PrefixList="#default xs  xsi"/>'
    transform = EXC
    if "ref-comments" in layout.extras:
        transform = C14NS["exc-comments"]
    if "ref-inclusive" in layout.extras:
        transform = C14N
    return (
        f"<{d}Signature{declare}>{ws}<{d}SignedInfo>{ws}{note}"
        f'<{d}CanonicalizationMethod Algorithm="{C14NS[layout.c14n]}">'
        f"{c14n_list if listed else ''}</{d}CanonicalizationMethod>{ws}"
        f'<{d}SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>{ws}'
        f'<{d}Reference URI="#{reference}"><{d}Transforms>'
        f'<{d}Transform Algorithm="{DS}enveloped-signature"/>'
        f'<{d}Transform Algorithm="{transform}">{transform_list if listed else ""}</{d}Transform>'
        f'</{d}Transforms><{d}DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>'
        f"<{d}DigestValue/></{d}Reference>{ws}{note}</{d}SignedInfo>"
        f"<{d}SignatureValue/><{d}KeyInfo><{d}X509Data/></{d}KeyInfo></{d}Signature>"
    )


def layout_template(layout: Layout) -> str:
    """The unsigned Response, with an empty signature template where it is signed."""
    r = "" if layout.root == "default" else "samlp:"
    declare = [f'xmlns="{P}"' if layout.root == "default" else f'xmlns:samlp="{P}"']
    declare.append(f'xmlns:saml="{A}"')
    declare += [f'xmlns:ds="{DS}"'] if layout.ds == "root" else []
    declare += ['xmlns:x="urn:example:unused"'] if "unused-ns" in layout.extras else []
    declare += ['xml:lang="en"'] if "xml-lang" in layout.extras else []
    a = "" if layout.assertion == "default" else "saml:"
    a_declare = f' xmlns="{A}"' if layout.assertion == "default" else ""
    on = {layout.signs: signature_template(layout, f"_{layout.signs}")}
    note = "<!-- Assertion comment -->" if "ref-comments" in layout.extras else ""
    return (
        f'<{r}Response {" ".join(declare)} ID="_response" Version="2.0" '
        f'IssueInstant="2026-01-15T12:00:00Z" Destination="{testidp.SIGNIN}">'
        f"<saml:Issuer>{testidp.ENTITY_ID}</saml:Issuer>{on.get('response', '')}"
        f'<{r}Status><{r}StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>'
        f"</{r}Status>"
        f'<{a}Assertion{a_declare} ID="_assertion" Version="2.0" '
        f'IssueInstant="2026-01-15T12:00:00Z"><{a}Issuer>{testidp.ENTITY_ID}</{a}Issuer>'
        f"{on.get('assertion', '')}<{a}Subject><{a}NameID>alice@example.test</{a}NameID>"
        f"</{a}Subject>{note}<{a}AttributeStatement>"
        f'<{a}Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName">'
        f'<{a}AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="xs:string">alice'
        f"</{a}AttributeValue></{a}Attribute></{a}AttributeStatement></{a}Assertion>"
        f"</{r}Response>"
    )


LAYOUTS = _layouts()


@pytest.fixture(scope="module")
def signer(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A private key and its certificate as PEM files (the committed fixture key)."""
    folder = tmp_path_factory.mktemp("signer")
    key = serialization.load_pem_private_key(
        (ROOT / "fixtures" / "keys" / "rsa-pkcs1.pem").read_bytes(), password=None
    )
    cert = testidp.certificate(key, "differential.example.test")  # type: ignore[arg-type]
    (folder / "key.pem").write_bytes(testidp.pem(key))  # type: ignore[arg-type]
    (folder / "cert.pem").write_bytes(testidp.pem(cert))
    return folder / "key.pem", folder / "cert.pem"


def xmlsec_sign(template: str, signer: tuple[Path, Path], work: Path) -> bytes:
    unsigned, signed = work / "template.xml", work / "signed.xml"
    unsigned.write_text(template, encoding="utf-8")
    key, cert = signer
    subprocess.run(
        [
            str(XMLSEC),
            "--sign",
            "--privkey-pem",
            f"{key},{cert}",
            "--id-attr:ID",
            f"{P}:Response",
            "--id-attr:ID",
            f"{A}:Assertion",
            "--output",
            str(signed),
            str(unsigned),
        ],
        check=True,
        capture_output=True,
    )
    return signed.read_bytes()


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.name)
def test_layout_verdicts_agree(layout: Layout, signer: tuple[Path, Path], tmp_path: Path) -> None:
    """xmlsec1 signs the layout: both must say valid; with one signed byte changed, invalid."""
    signed = xmlsec_sign(layout_template(layout), signer, tmp_path)
    assert assert_agree(layout.name, signed, signer[1], tmp_path) == [True]
    tampered = signed.replace(b"alice@example.test", b"alicf@example.test")
    assert tampered != signed
    assert assert_agree(f"{layout.name} tampered", tampered, signer[1], tmp_path) == [False]


def test_every_allowed_disagreement_names_a_case() -> None:
    cases = {str(p.relative_to(ROOT)) for p in FIXTURE_FILES}
    cases |= {f"corpus/{p.relative_to(RESPONSES)}" for p in CORPUS_FILES}
    stale = [key for key in ALLOWED if key.rsplit("#", 1)[0] not in cases]
    assert not stale, f"ALLOWED names cases that no longer exist: {stale}"


@pytest.mark.parametrize("where", ["none", "signed", "added"])
def test_an_empty_reference_uri_covers_the_whole_document(
    where: str, signer: tuple[Path, Path], tmp_path: Path
) -> None:
    """URI '' signs the whole document, processing instructions beside the root included:
    samlcheck verifies it only when there are none, and never says valid where xmlsec1 does not."""
    layout = Layout("samlp", "saml", "ds", "exc", "response")
    template = layout_template(layout).replace('URI="#_response"', 'URI=""')
    if where == "signed":
        template = "<?pi before?>" + template
    signed = xmlsec_sign(template, signer, tmp_path)
    if where == "added":
        signed = signed.replace(b"<samlp:Response", b"<?pi added?><samlp:Response", 1)
    theirs = xmlsec_verdicts(signed, signer[1], tmp_path)
    assert theirs == [where != "added"]
    assert samlcheck_verdicts(signed, signer[1]) == [where == "none"]
