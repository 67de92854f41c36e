"""samlcheck's own verifier (stages/verify.py) and signxml, the second oracle, agree.

signxml verifies as samlcheck did before it had a verifier of its own: pinned certificate, one
Reference, ID attribute "ID", HMAC refused, canonicalising with samlcheck's `canonicalise` (lxml's
own C14N of a document subset is wrong; tests/test_c14n.py). Every ds:Signature of every signed
fixture and corpus response, and of tampered twins of each, gets the same outcome from both
(valid, digest mismatch, key mismatch, malformed) and, when valid, the same signed element
(compared canonically).
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.resources
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import testidp
from conftest import CORPUS, ROOT
from cryptography import x509
from lxml import etree
from test_xmlsec_differential import CORPUS_FILES, FIXTURE_FILES, RESPONSES, corpus_anchor

from samlcheck._internal.inputs.capture import read_capture
from samlcheck._internal.inputs.xml import NS, safe_parser
from samlcheck._internal.stages import verify
from samlcheck._internal.stages.digests import C14N, EXC_C14N, canonicalise, inherited_xml

DS = NS["ds"]
FIXTURE_CERT = ROOT / "fixtures" / "idp" / "signing-cert.pem"


# --- the oracle: signxml, configured as samlcheck used it ----------------------------------------


@functools.cache
def _oracle_class() -> Any:
    from signxml.verifier import XMLVerifier

    signed_info = f"{{{DS}}}SignedInfo"
    dsig = importlib.resources.files("signxml.schemas").joinpath("xmldsig1-schema.xsd")
    schema = etree.XMLSchema(
        etree.fromstring(
            f"""<schema xmlns="http://www.w3.org/2001/XMLSchema" targetNamespace="{EXC_C14N}"
                elementFormDefault="qualified">
              <import namespace="{DS}" schemaLocation="{Path(str(dsig)).as_uri()}"/>
              <element name="InclusiveNamespaces">
                <complexType><attribute name="PrefixList" type="string"/></complexType>
              </element></schema>"""
        )
    )

    class Oracle(XMLVerifier):  # type: ignore[misc]
        def __init__(self, inherited: dict[str, str]) -> None:
            super().__init__()
            self.inherited = inherited

        @classmethod
        def schemas(cls) -> list[etree.XMLSchema]:
            return [schema]

        def _c14n(self, nodes: Any, algorithm: Any, inclusive_ns_prefixes: Any = None) -> bytes:
            return b"".join(
                canonicalise(
                    node,
                    algorithm.value,
                    inclusive_ns_prefixes or (),
                    comments=node.tag == signed_info,
                    inherited={**self.inherited, **inherited_xml(node)},
                )
                for node in (nodes if isinstance(nodes, list) else [nodes])
            )

    return Oracle


def oracle(parent: etree._Element, cert: x509.Certificate) -> tuple[str, bytes | None]:
    """signxml's outcome and, when valid, the signed bytes."""
    from signxml.algorithms import CanonicalizationMethod, DigestAlgorithm, SignatureMethod
    from signxml.exceptions import InvalidDigest, InvalidSignature
    from signxml.verifier import SignatureConfiguration

    signature = parent.find("ds:Signature", NS)
    if signature is None or verify.missing_value(signature) is not None:
        return "malformed", None  # signxml raises a TypeError about None
    config = SignatureConfiguration(
        default_reference_c14n_method=CanonicalizationMethod(C14N),
        require_x509=True,
        location="./",
        expect_references=1,
        signature_methods=frozenset(m for m in SignatureMethod if not m.name.startswith("HMAC")),
        digest_algorithms=frozenset(DigestAlgorithm),
        ignore_ambiguous_key_info=True,
        verification_time=cert.not_valid_before_utc + dt.timedelta(seconds=1),
    )
    try:
        result = _oracle_class()(inherited_xml(parent, own=True)).verify(
            etree.tostring(parent, with_tail=False),
            x509_cert=cert,
            id_attribute="ID",
            parser=safe_parser(),
            expect_config=config,
        )
    except InvalidDigest:
        return "digest", None
    except InvalidSignature as error:
        return ("key" if "Signature verification failed" in str(error) else "malformed"), None
    except Exception:  # signxml raises bare errors on some malformed input
        return "malformed", None
    return "valid", etree.tostring(result.signed_xml, method="c14n", exclusive=True)


def ours(parent: etree._Element, cert: x509.Certificate) -> tuple[str, bytes | None]:
    try:
        signed = verify.verify(parent, cert)
    except verify.DigestMismatch:
        return "digest", None
    except verify.SignatureMismatch:
        return "key", None
    except (verify.Malformed, ValueError, etree.LxmlError):
        return "malformed", None
    return "valid", etree.tostring(signed, method="c14n", exclusive=True)


# --- the cases ---------------------------------------------------------------------------------


def _replace_text(path: str, change: Callable[[str], str]) -> Callable[[bytes], bytes]:
    def mutate(xml: bytes) -> bytes:
        root = etree.fromstring(xml, safe_parser())
        node = root.find(path, NS)
        if node is not None and node.text:
            node.text = change(node.text)
        return etree.tostring(root)

    return mutate


def _flip(value: str) -> str:
    """One base64 character changed (the value stays base64)."""
    first = value.lstrip()[0]
    return value.replace(first, "A" if first != "A" else "B", 1)


def _root_id_twice(xml: bytes) -> bytes:
    """The root's ID given to its first child as well: the Reference names two elements."""
    root = etree.fromstring(xml, safe_parser())
    if root.get("ID") is not None and len(root):
        root[0].set("ID", root.get("ID", ""))
    return etree.tostring(root)


TWINS: dict[str, Callable[[bytes], bytes]] = {
    "as-captured": lambda xml: xml,
    "content": _replace_text(".//saml:Issuer", lambda t: t + "x"),
    "digest": _replace_text(".//ds:DigestValue", _flip),
    "value": _replace_text(".//ds:SignatureValue", _flip),
    "c14n": lambda xml: xml.replace(EXC_C14N.encode(), C14N.encode(), 1),
    "reindented": lambda xml: xml.replace(b"><", b">\n  <"),
    "unknown-digest": lambda xml: xml.replace(b"xmlenc#sha256", b"xmlenc#sha999", 1),
    "off-schema": lambda xml: xml.replace(b"SignatureMethod ", b"SignatureMethods ", 1),
    "id-twice": _root_id_twice,
}


def _parents(xml: bytes) -> Iterator[etree._Element]:
    root = etree.fromstring(xml, safe_parser())
    for signature in root.iter(f"{{{DS}}}Signature"):
        parent = signature.getparent()
        if parent is not None:
            yield parent


def assert_agree(xml: bytes, cert: x509.Certificate) -> list[str]:
    outcomes = []
    for n, parent in enumerate(_parents(xml)):
        mine, reference = ours(parent, cert), oracle(parent, cert)
        assert mine == reference, f"signature {n}: samlcheck {mine[0]}, signxml {reference[0]}"
        outcomes.append(mine[0])
    return outcomes


def _cert(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


@pytest.mark.parametrize("twin", TWINS)
@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_fixture_outcomes_agree(path: Path, twin: str) -> None:
    xml = read_capture(str(path)).messages[0].data
    assert_agree(TWINS[twin](xml), _cert(FIXTURE_CERT))


@pytest.mark.skipif(not CORPUS_FILES, reason=f"third-party corpus not found at {RESPONSES}")
@pytest.mark.filterwarnings("ignore::cryptography.utils.CryptographyDeprecationWarning")
@pytest.mark.parametrize("twin", TWINS)
@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: str(p.relative_to(RESPONSES)))
def test_corpus_outcomes_agree(path: Path, twin: str) -> None:
    xml = read_capture(str(path)).messages[0].data
    try:
        cert = _cert(corpus_anchor(path))
    except ValueError:
        pytest.skip("the corpus anchor is not a certificate cryptography loads")
    assert_agree(TWINS[twin](xml), cert)


def test_the_cases_reach_every_outcome() -> None:
    """The twins are not all the same verdict: each outcome occurs."""
    seen: set[str] = set()
    valid = read_capture(str(ROOT / "fixtures" / "responses" / "valid.xml")).messages[0].data
    for twin in TWINS.values():
        seen.update(assert_agree(twin(valid), _cert(FIXTURE_CERT)))
    assert seen == {"valid", "digest", "key", "malformed"}, seen
    assert CORPUS.is_dir() or not CORPUS_FILES
    assert testidp.idp().cert == _cert(FIXTURE_CERT)
