"""Time and peak memory of `samlcheck metadata` on hostile metadata inside IAM's size limits.

Each case is generated here, written to a temporary folder and checked by a fresh
`python -m samlcheck metadata FILE` subprocess (the schema cache warmed first), so the figures are
what a user sees. A benchmark, not a test: the unit tests assert the caps that keep these bounded.

Run: PYTHONPATH=scripts:. python scripts/bench_metadata.py [--timeout SECONDS]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import fixtures_metadata as fm
import testidp
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
MD, DS = f"{{{fm.MD}}}", f"{{{fm.DS}}}"


def _extensions(count: int) -> bytes:
    """One IdP whose EntityDescriptor Extensions hold `count` empty elements."""
    entity = fm.idp_metadata()
    extensions = etree.Element(MD + "Extensions")
    extensions.text = "<x/>"  # placeholder, replaced below: building 1e6 lxml nodes is slow
    entity.insert(0, extensions)
    return fm.xml_bytes(entity).replace(b"&lt;x/&gt;", b"<x xmlns='urn:x'/>" + b"<x/>" * count)


def _certificates(count: int) -> bytes:
    """A signed IdP with `count` signing certificates and a signature without KeyInfo."""
    cert = testidp.cert_base64(testidp.idp("idpb").cert)
    entity = fm.idp_metadata(document_id="_many", keys=[("signing", testidp.idp().cert)])
    signed = fm.signed(entity, testidp.idp())
    for key_info in signed.findall(f"{DS}Signature/{DS}KeyInfo"):
        signed.find(f"{DS}Signature").remove(key_info)  # type: ignore[union-attr]
    sso = signed.find(MD + "IDPSSODescriptor")
    for _ in range(count):  # unsigned additions: the signature fails, every key is a candidate
        descriptor = etree.SubElement(sso, MD + "KeyDescriptor", use="signing")  # type: ignore[arg-type]
        info = etree.SubElement(etree.SubElement(descriptor, DS + "KeyInfo"), DS + "X509Data")
        etree.SubElement(info, DS + "X509Certificate").text = cert
    return fm.xml_bytes(signed)


def _aggregate(count: int) -> bytes:
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


CASES: dict[str, Callable[[], bytes]] = {
    "extensions-1e6-elements": lambda: _extensions(1_000_000),
    "extensions-1e5-elements": lambda: _extensions(100_000),
    "3000-signing-certificates": lambda: _certificates(3_000),
    "aggregate-2000-idps": lambda: _aggregate(2_000),
}


_PROBE = (
    "import resource, runpy, sys\n"
    "sys.argv = ['samlcheck', 'metadata', sys.argv[1], '--format', 'json']\n"
    "try:\n"
    "    runpy.run_module('samlcheck', run_name='__main__')\n"
    "finally:\n"
    "    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "    sys.stderr.write(f'peak-kib {peak}\\n')\n"
)


def _run(path: Path, timeout: float) -> tuple[float, float, int | str]:
    """(seconds, peak MiB of this child, exit code or 'timeout')."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-c", _PROBE, str(path)],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return time.perf_counter() - start, float("nan"), "timeout"
    seconds = time.perf_counter() - start
    peaks = [line.split()[1] for line in done.stderr.splitlines() if line.startswith("peak-kib")]
    return seconds, int(peaks[-1]) / 1024 if peaks else float("nan"), done.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="samlcheck-bench-") as folder:
        os.environ.setdefault("XDG_CACHE_HOME", folder)
        warm = Path(folder) / "passing.xml"
        warm.write_bytes(fm.xml_bytes(fm.idp_metadata()))
        _run(warm, args.timeout)
        print(f"{'case':<28} {'MB':>6} {'seconds':>8} {'peak MiB':>9}  exit")
        for name, make in CASES.items():
            path = Path(folder) / f"{name}.xml"
            path.write_bytes(make())
            seconds, peak, code = _run(path, args.timeout)
            size = path.stat().st_size / 1e6
            print(f"{name:<28} {size:6.1f} {seconds:8.2f} {peak:9.0f}  {code}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
