"""Benchmark samlcheck against the references of issue 13, side by side in one run.

Run: python scripts/bench.py [--repeat N] [--count N] [--json] [--readme]
In-process figures are CPU time (`time.process_time`), so other load on the machine barely moves
them; a fresh process is timed by wall clock and by the CPU its children used. Every figure is the
median of REPEAT runs, and each reference is measured in the same run as what it is compared with.
--json prints the figures as JSON; --readme rewrites the table of the README's "Speed" section.
python3-saml and python-xmlsec are optional references: skipped, with a note, when not installed.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import datetime as dt
import hashlib
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import bench_jobs  # noqa: E402
import testidp  # noqa: E402
from bench_decode import big_har  # noqa: E402
from bench_decode import floor as har_floor  # noqa: E402
from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import padding, rsa  # noqa: E402
from lxml import etree  # noqa: E402

from samlcheck import CheckOptions, Message, check_response  # noqa: E402
from samlcheck._internal.checks.capture import Checker  # noqa: E402
from samlcheck._internal.inputs.capture import decode_capture  # noqa: E402

METADATA = ROOT / "fixtures" / "idp" / "metadata.xml"
AT = dt.datetime(2026, 1, 15, 12, 1, tzinfo=dt.timezone.utc)
DS = "http://www.w3.org/2000/09/xmldsig#"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
SIGNXML_NOTE = "signxml one verify (Response signature)"


@dataclass
class Row:
    """One line of the benchmark: what, samlcheck's figure, the reference, and their ratio."""

    what: str
    ours: float
    unit: str
    reference: str = ""
    reference_value: float | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return self.ours / self.reference_value if self.reference_value else None


def cpu_median(action: Callable[[], object], repeat: int) -> float:
    """Median CPU seconds of `action` in this process."""
    timings = []
    for _ in range(repeat):
        started = time.process_time()
        action()
        timings.append(time.process_time() - started)
    return statistics.median(timings)


def process_median(argv: Sequence[str], repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds (user + system of the child) of a fresh process."""
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=False)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def floor(data: bytes, key: rsa.RSAPublicKey) -> None:
    """The least any checker does: parse, exclusive C14N of the Response without its signature,
    SHA-256 against the DigestValue, one RSA-2048 verification of the canonical SignedInfo."""
    root = etree.fromstring(data)
    signature = root.find(f"{{{DS}}}Signature")
    assert signature is not None
    info = signature.find(f"{{{DS}}}SignedInfo")
    assert info is not None
    value = base64.b64decode(signature.findtext(f"{{{DS}}}SignatureValue") or "")
    digest = base64.b64decode(signature.findtext(f".//{{{DS}}}DigestValue") or "")
    root.remove(signature)
    body = etree.tostring(root, method="c14n", exclusive=True)
    assert hashlib.sha256(body).digest() == digest
    signed = etree.tostring(info, method="c14n", exclusive=True)
    key.verify(value, signed, padding.PKCS1v15(), hashes.SHA256())


def in_process(data: bytes, repeat: int) -> list[Row]:
    from signxml.verifier import SignatureConfiguration, XMLVerifier

    options = CheckOptions(metadata=(METADATA,), at=AT)
    checker = Checker(options)
    message = Message("bench", data)
    cert = testidp.idp().cert
    config = SignatureConfiguration(location="./", verification_time=AT)
    key = cert.public_key()
    assert isinstance(key, rsa.RSAPublicKey)
    ours = cpu_median(lambda: checker.check_message(message), repeat)
    public = cpu_median(lambda: check_response(message, options), repeat)
    signxml = cpu_median(
        lambda: XMLVerifier().verify(data, x509_cert=cert, expect_config=config), repeat
    )
    least = cpu_median(lambda: floor(data, key), repeat)
    size = f"{len(data) / 1000:.1f} KB response, both signed"
    rows = [
        Row(f"full check, trust loaded once ({size})", ours, "µs", SIGNXML_NOTE, signxml),
        Row("full check vs the floor", ours, "µs", "parse + exc-C14N + SHA-256 + RSA", least),
        Row("`check_response(msg, options)` (public)", public, "µs", "trust loaded once", ours),
    ]
    return rows + optional_references(data, testidp.pem(cert), ours, repeat)


def load_xmlsec() -> Any:
    """python-xmlsec, or ImportError when it is missing or refuses lxml's libxml2."""
    try:
        import xmlsec  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        raise
    except Exception as error:  # xmlsec.InternalError: its libxml2 is not lxml's
        raise ImportError(f"python-xmlsec cannot load: {error}") from error
    return xmlsec


def skipped(error: ImportError) -> str:
    """Why a reference is skipped, in a word."""
    return (
        "not installed, skipped" if isinstance(error, ModuleNotFoundError) else f"{error}, skipped"
    )


def xmlsec_reference(data: bytes, pem: bytes) -> Callable[[], None]:
    """python-xmlsec verifying both signatures of `data` with the IdP certificate.

    The ID attributes are registered as `xmlsec1 --id-attr:ID` does; `verify` raises
    xmlsec.VerificationError when a signature does not verify.
    """
    xmlsec = load_xmlsec()
    key = xmlsec.Key.from_memory(pem, xmlsec.constants.KeyDataFormatCertPem)

    def verify() -> None:
        root = etree.fromstring(data)
        xmlsec.tree.add_ids(root, ["ID"])
        signatures = list(root.iter(f"{{{DS}}}Signature"))
        assert len(signatures) == 2, "the bench response has two signatures"
        for signature in signatures:
            context = xmlsec.SignatureContext()
            context.key = key
            context.verify(signature)

    return verify


def python3_saml_reference(data: bytes) -> Callable[[], bool]:
    """python3-saml's `is_valid` on `data`, as AWS's sign-in endpoint would call it.

    Settings come from the IdP metadata and the SP values testidp writes into the response
    (audience, recipient and destination); run it with `frozen_saml_clock` in force.
    """
    load_xmlsec()
    from onelogin.saml2.idp_metadata_parser import (  # type: ignore[import-not-found,import-untyped,unused-ignore]
        OneLogin_Saml2_IdPMetadataParser as Parser,
    )
    from onelogin.saml2.response import (  # type: ignore[import-not-found,import-untyped,unused-ignore]
        OneLogin_Saml2_Response as Response,
    )
    from onelogin.saml2.settings import (  # type: ignore[import-not-found,import-untyped,unused-ignore]
        OneLogin_Saml2_Settings as Settings,
    )

    (audience,) = testidp.ResponseSpec().audiences
    sp = {"entityId": audience, "assertionConsumerService": {"url": testidp.SIGNIN}}
    security = {"wantMessagesSigned": True, "wantAssertionsSigned": True}
    idp = Parser.parse(METADATA.read_text(encoding="utf-8"))["idp"]
    config = {"strict": True, "sp": sp, "idp": idp, "security": security}
    settings = Settings(config, sp_validation_only=True)
    url = urllib.parse.urlsplit(testidp.SIGNIN)
    request = {"https": "on", "http_host": url.hostname, "script_name": url.path}
    message = base64.b64encode(data).decode()
    return lambda: bool(Response(settings, message).is_valid(request, raise_exceptions=True))


@contextlib.contextmanager
def frozen_saml_clock() -> Iterator[None]:
    """python3-saml reads the clock only through OneLogin_Saml2_Utils.now(): make it AT."""
    from onelogin.saml2.utils import (  # type: ignore[import-not-found,import-untyped,unused-ignore]
        OneLogin_Saml2_Utils as Utils,
    )

    with mock.patch.object(Utils, "now", staticmethod(lambda: int(AT.timestamp()))):
        yield


def optional_references(data: bytes, pem: bytes, ours: float, repeat: int) -> list[Row]:
    """The full check against python-xmlsec and python3-saml, each skipped when not installed.

    Each reference must verify the response before it is timed: a failure is a bench bug.
    """
    rows = []
    what = "full check vs python-xmlsec"
    reference = "python-xmlsec, both signatures"
    try:
        verify = xmlsec_reference(data, pem)
    except ImportError as error:
        rows.append(Row(what, 0, "µs", note=f"{reference}: {skipped(error)}"))
    else:  # pragma: no cover - depends on the machine
        verify()
        rows.append(Row(what, ours, "µs", reference, cpu_median(verify, repeat)))
    what = "full check vs python3-saml"
    reference = "python3-saml `is_valid`"
    try:
        is_valid = python3_saml_reference(data)
    except ImportError as error:
        rows.append(Row(what, 0, "µs", note=f"{reference}: {skipped(error)}"))
    else:  # pragma: no cover - depends on the machine
        with frozen_saml_clock():
            assert is_valid(), "python3-saml rejected the bench response"
            rows.append(Row(what, ours, "µs", reference, cpu_median(is_valid, repeat)))
    return rows


def cold(data: bytes, repeat: int) -> list[Row]:
    """Fresh processes, with the package's bytecode compiled as pip installs it (so that a run
    under PYTHONDONTWRITEBYTECODE does not time the compiler)."""
    import compileall

    compileall.compile_dir(ROOT / "samlcheck", quiet=1)
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="samlcheck-bench-") as name:
        response, pem = Path(name) / "response.xml", Path(name) / "idp.pem"
        response.write_bytes(data)
        pem.write_bytes(testidp.pem(testidp.idp().cert))
        at = ["--at", "2026-01-15T12:01:00Z"]
        check = [python, "-m", "samlcheck", "check", str(response), "--metadata", str(METADATA)]
        wall, cpu = process_median(check + at, repeat)
        bare_wall, bare_cpu = process_median([python, "-c", "pass"], repeat)
        rows = [
            Row("cold `samlcheck check FILE --metadata M`, wall", wall, "ms"),
            Row(
                "cold `samlcheck check FILE --metadata M`, CPU",
                cpu,
                "ms",
                "`python -c pass`",
                bare_cpu,
            ),
        ]
        xmlsec1 = shutil.which("xmlsec1")
        if xmlsec1:
            argv = [xmlsec1, "--verify", "--pubkey-cert-pem", str(pem)]
            argv += ["--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:protocol:Response", str(response)]
            ref_wall, _ = process_median(argv, repeat)
            rows[0] = Row(rows[0].what, wall, "ms", "`xmlsec1 --verify`", ref_wall)
        else:
            rows[0].note = "xmlsec1 not installed"
        help_wall, _ = process_median([python, "-m", "samlcheck", "--help"], repeat)
        rows.append(Row("`samlcheck --help`, wall", help_wall, "ms", "`python -c pass`", bare_wall))
        meta_wall, _ = process_median(
            [python, "-m", "samlcheck", "metadata", str(METADATA)], repeat
        )
        rows.append(
            Row("cold `samlcheck metadata`, wall", meta_wall, "ms", "`python -c pass`", bare_wall)
        )
    return rows


def batch(count: int) -> list[Row]:
    """`count` distinct responses through one Checker: checks per CPU second, memory each."""
    messages = [
        Message(f"r{i}", testidp.response_xml(testidp.ResponseSpec(role_session_name=f"u{i}")))
        for i in range(count)
    ]
    checker = Checker(CheckOptions(metadata=(METADATA,), at=AT))
    started = time.process_time()
    results = [checker.check_message(m) for m in messages]
    rate = count / (time.process_time() - started)
    del results
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    kept = [checker.check_message(m) for m in messages]
    per = (tracemalloc.get_traced_memory()[0] - base) / count / 1000
    tracemalloc.stop()
    del kept
    return [
        Row(f"batch of {count} distinct responses, in process", rate, "/s CPU"),
        Row("memory kept per response result", per, "KB"),
    ]


def jobs(count: int, runs: int) -> list[Row]:
    """`samlcheck check FOLDER --jobs 2` against `--jobs 1` on `count` responses (wall, the
    median of alternating runs; bench_jobs.py says more)."""
    with tempfile.TemporaryDirectory(prefix="samlcheck-bench-") as name:
        folder = bench_jobs.generate(Path(name) / "responses", count)
        measured = bench_jobs.alternate(folder, runs)
    one, two = (statistics.median(r.wall for r in measured[n]) for n in (1, 2))
    return [Row(f"`check --jobs 2`, {count} responses, wall", two, "ms", "`--jobs 1`", one)]


def _spec(shape: str, count: int) -> testidp.ResponseSpec:
    """A response with `count` attributes more, or one attribute with `count` values."""
    if shape == "attribute":
        return testidp.ResponseSpec(
            extra_attributes=tuple((f"urn:x:a{i}", ("v",)) for i in range(count))
        )
    values = tuple(f"v{i}" for i in range(max(count, 1)))
    return testidp.ResponseSpec(extra_attributes=(("urn:x:many", values),))


def slopes(repeat: int) -> list[Row]:
    """Extra cost of one attribute more and one value more (least squares over sizes)."""
    checker = Checker(CheckOptions(metadata=(METADATA,), at=AT))
    key = testidp.idp().cert.public_key()
    assert isinstance(key, rsa.RSAPublicKey)
    sizes = (0, 100, 200, 400)
    rows = []
    for shape in ("attribute", "value"):
        docs = [testidp.response_xml(_spec(shape, n)) for n in sizes]
        ours = [cpu_median(partial(checker.check_message, Message("s", d)), repeat) for d in docs]
        least = [cpu_median(partial(floor, d, key), repeat) for d in docs]
        slope = statistics.linear_regression(sizes, ours)[0]
        ref = statistics.linear_regression(sizes, least)[0]
        rows.append(Row(f"one {shape} more", slope, "µs", "the floor", ref))
    return rows


def har(repeat: int) -> list[Row]:
    data = big_har()
    ours = cpu_median(lambda: decode_capture(data, "bench.har"), repeat)
    reference = cpu_median(lambda: har_floor(data), repeat)
    return [
        Row(
            "decode a 4 MB HAR with 20 SAMLResponses",
            ours,
            "ms",
            "`json.loads` + base64",
            reference,
        )
    ]


SCALE = {"µs": 1e6, "ms": 1e3}


def shown(value: float, unit: str) -> str:
    scaled = value * SCALE.get(unit, 1)
    return f"{scaled:,.0f} {unit}" if scaled >= 100 else f"{scaled:.1f} {unit}"


def cells(row: Row) -> tuple[str, str, str, str]:
    """The row as text: what, samlcheck, reference, ratio."""
    if row.note and not row.ours:
        return row.what, "", row.note, ""
    reference = row.reference
    if row.reference_value is not None:
        reference += f": {shown(row.reference_value, row.unit)}"
    ratio = f"{row.ratio:.{2 if row.ratio < 2 else 1}f}x" if row.ratio else ""
    return row.what, shown(row.ours, row.unit), (reference + f" {row.note}").strip(), ratio


def table(rows: Sequence[Row]) -> str:
    """The README's markdown table."""
    lines = ["| what | samlcheck | reference | ratio |", "| --- | --- | --- | --- |"]
    return "\n".join(lines + ["| " + " | ".join(cells(r)) + " |" for r in rows]) + "\n"


def write_readme(rows: Sequence[Row], readme: Path = ROOT / "README.md") -> None:
    """Replace the first table of the README's Speed section with `rows`."""
    text = readme.read_text(encoding="utf-8")
    head, section = text.split("## Speed\n", 1)
    section, tail = section.split("\n## ", 1)
    start = section.index("| what")
    end = section.index("\n\n", start) + 1
    section = section[:start] + table(rows) + section[end:]
    readme.write_text(head + "## Speed\n" + section + "\n## " + tail, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=51, help="runs per in-process median")
    parser.add_argument("--cold", type=int, default=11, help="runs per fresh-process median")
    parser.add_argument("--count", type=int, default=1000, help="responses in the batch")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--readme", action="store_true", help="rewrite the README's table")
    args = parser.parse_args(argv)
    data = testidp.response_xml()
    rows = in_process(data, args.repeat) + cold(data, args.cold) + batch(args.count)
    rows += jobs(args.count, max(3, args.cold // 3))
    rows += slopes(max(5, args.repeat // 5)) + har(max(5, args.repeat // 5))
    if args.json:
        print(json.dumps([asdict(r) | {"ratio": r.ratio} for r in rows], indent=2))
    else:
        for row in rows:
            what, ours, reference, ratio = cells(row)
            print(f"{what:58} {ours:>12}  {ratio:>6}  {reference}")
    if args.readme:
        write_readme(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
