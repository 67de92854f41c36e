"""Time and peak memory of `check` on hostile signature inputs (issue 9, section 2).

Run: python scripts/bench_signature_bounds.py [CASE ...]
Each case is generated here and checked in a fresh process, which prints its wall time and peak
resident memory. Goal: every case (each under the 16 MiB input limit) in < 2 s and < 500 MB.
This is a benchmark, not a test: tests/test_signature_bounds.py asserts the caps and counts.

Cases: keyinfo-certs (3,000 KeyInfo certificates on a signature no anchor verifies),
metadata-certs (3,000 signing certificates in the metadata, a signature without KeyInfo),
signatures (1e6 empty ds:Signature elements), assertions (1e6 empty Assertions).
"""

from __future__ import annotations

import base64
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import rsa
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import testidp  # noqa: E402

from samlcheck._internal.inputs.xml import MAX_XML_BYTES  # noqa: E402

DS = "http://www.w3.org/2000/09/xmldsig#"
MANY_CERTS = 3000
RUNNER = """
import datetime as dt, resource, sys, time
from pathlib import Path
from samlcheck._internal.inputs.capture import Message
from samlcheck._internal.options import CheckOptions
from samlcheck._internal.checks.response import check_response
data, metadata = Path(sys.argv[1]).read_bytes(), Path(sys.argv[2])
at = dt.datetime(2026, 1, 15, 12, 1, tzinfo=dt.timezone.utc)
started = time.perf_counter()
result = check_response(Message("bench", data), CheckOptions(metadata=(metadata,), at=at))
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
rule = result.verdict.finding.rule.id if result.verdict.finding else "accepted"
print(f"{seconds:6.2f} s {peak:7.0f} MB  {len(result.findings):3d} findings  verdict {rule}")
"""


def _foreign_certs(count: int) -> list[bytes]:
    """`count` distinct DER certificates over a few RSA keys none of the anchors holds."""
    from cryptography.hazmat.primitives.serialization import Encoding

    keys = [rsa.generate_private_key(65537, 2048) for _ in range(4)]
    return [
        testidp.certificate(keys[i % len(keys)], f"foreign-{i}.example.test").public_bytes(
            Encoding.DER
        )
        for i in range(count)
    ]


def _keyinfo_certs(work: Path) -> tuple[Path, Path]:
    """A response signed by a foreign key whose KeyInfo carries 3,000 certificates."""
    key = rsa.generate_private_key(65537, 2048)
    foreign = testidp.IdP(testidp.ENTITY_ID, key, testidp.certificate(key, "foreign.example.test"))
    root = testidp.response_element(testidp.ResponseSpec(sign_assertion=False), foreign)
    data_node = root.find(f"{{{DS}}}Signature/{{{DS}}}KeyInfo/{{{DS}}}X509Data")
    assert data_node is not None
    for index, der in enumerate(_foreign_certs(MANY_CERTS)):  # the signer's certificate last
        node = etree.Element(f"{{{DS}}}X509Certificate")
        node.text = base64.b64encode(der).decode()
        data_node.insert(index, node)
    return _write(work, "keyinfo-certs", etree.tostring(root)), ROOT / "fixtures/idp/metadata.xml"


def _metadata_certs(work: Path) -> tuple[Path, Path]:
    """Metadata with 3,000 signing certificates, none the signer's; no KeyInfo in the signature."""
    from cryptography import x509

    root = testidp.response_element(
        testidp.ResponseSpec(sign_assertion=False), testidp.idp("idp-rotated-2026")
    )
    key_info = root.find(f"{{{DS}}}Signature/{{{DS}}}KeyInfo")
    assert key_info is not None
    key_info.getparent().remove(key_info)  # type: ignore[union-attr]
    certs = [x509.load_der_x509_certificate(d) for d in _foreign_certs(MANY_CERTS)]
    metadata = testidp.metadata(testidp.idp(), signing_certs=certs)
    return _write(work, "metadata-certs", etree.tostring(root)), _write(work, "md", metadata)


def _many(work: Path, name: str, element: str) -> tuple[Path, Path]:
    """The valid response with as many empty copies of `element` (about a million) as fit in
    the 16 MiB input limit, appended to its root (which declares the ds prefix)."""
    data = (ROOT / "fixtures/responses/valid.xml").read_bytes()
    data = data.replace(b"<samlp:Response ", f'<samlp:Response xmlns:ds="{DS}" '.encode(), 1)
    end = data.rindex(b"</samlp:Response>")
    filler = element.encode() * ((MAX_XML_BYTES - len(data)) // len(element))
    return _write(work, name, data[:end] + filler + data[end:]), ROOT / "fixtures/idp/metadata.xml"


CASES: dict[str, Callable[[Path], tuple[Path, Path]]] = {
    "keyinfo-certs": _keyinfo_certs,
    "metadata-certs": _metadata_certs,
    "signatures": lambda w: _many(w, "signatures", "<ds:Signature/>"),
    "assertions": lambda w: _many(w, "assertions", "<saml:Assertion/>"),
}


def _write(work: Path, name: str, data: bytes) -> Path:
    path = work / f"{name}.xml"
    path.write_bytes(data)
    return path


def main() -> None:
    names = sys.argv[1:] or list(CASES)
    with tempfile.TemporaryDirectory() as folder:
        for name in names:
            response, metadata = CASES[name](Path(folder))
            size = response.stat().st_size / 2**20
            print(f"{name:15s} {size:5.1f} MiB  ", end="", flush=True)
            run = subprocess.run(
                [sys.executable, "-c", RUNNER, str(response), str(metadata)],
                capture_output=True,
                text=True,
                check=False,
            )
            print(run.stdout.strip() or run.stderr.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
